//! Who is calling: `Authorization: Bearer TOKEN` to an active account and its role.
//! Missing, malformed, unknown and revoked tokens are all 401; the token is hashed
//! before the store sees it and never logged.

use armistice_core::access::{Action, Role, allowed};
use armistice_store::Account;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::routes::blocking;
use crate::{ApiError, AppState, token};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub role: Role,
}

impl Caller {
    /// Forbidden unless the caller's role may do `action`.
    pub fn may(&self, action: Action) -> Result<(), ApiError> {
        if allowed(self.role.kind(), action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("role {} may not {action}", self.role)))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::Unauthorized("send Authorization: Bearer TOKEN".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized("the Authorization header must be Bearer TOKEN".into()))?;
        let hash = token::hash(token.trim()).ok_or_else(|| ApiError::Unauthorized("not a token".into()))?;
        let store = state.store.clone();
        let account = blocking(move || store.active_account(&hash))
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown or revoked token".into()))?;
        let role = state.parties.role(&account.role, account.side.as_deref()).map_err(|e| {
            ApiError::Forbidden(format!("account {:?} holds a role this agreement does not allow: {e}", account.name))
        })?;
        Ok(Caller { account, role })
    }
}
