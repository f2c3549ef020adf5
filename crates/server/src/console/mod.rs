//! The console: server-rendered HTML pages (overview, map, findings, cases, prisoners,
//! record) over the state derived from the stored journal, with one small CSS and one
//! small JS file embedded at build time. No Node, no CDN, no tiles: it works offline.
//!
//! The derived state is built on the first request and rebuilt when the journal's size
//! has changed since (checked on every page request, one `size()` query). Checkpoints
//! are read afresh for the pages that show them: they are added without the size
//! changing. The pages are public read, like the `observer` role: they need no token.
//!
//! - `html.rs`: `escape` and the page frame; `derived.rs`: what the pages read;
//!   `map.rs`: the SVG map from our geometry; `pages.rs`: one function per page.

mod derived;
mod html;
mod map;
mod pages;

use std::sync::{Arc, Mutex};

use armistice_core::agreement::Agreement;
use armistice_core::geo::Atlas;
use armistice_core::journal::{export, verify};
use armistice_store::{JournalStore, load};
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub use derived::{Checkpoints, Derived};
pub use html::escape;
use pages::Verification;

use crate::AppState;

const CSS: &str = include_str!("console.css");
const JS: &str = include_str!("console.js");

/// The console's routes, for the documentation and the tests.
pub const PAGES: [&str; 6] = ["/", "/map", "/findings", "/cases", "/prisoners", "/record"];

/// The agreement, its zones and the base map, and the derived state's cache.
pub struct Console {
    agreement: Agreement,
    atlas: Atlas,
    base: map::BaseMap,
    derived: Mutex<Option<Arc<Derived>>>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console").field("agreement", &self.agreement.document.id).finish_non_exhaustive()
    }
}

impl Console {
    /// A console for `agreement` (whose zones `atlas` holds).
    pub fn new(agreement: Agreement, atlas: Atlas) -> Self {
        let base = map::BaseMap::build(&agreement, &atlas);
        Self { agreement, atlas, base, derived: Mutex::new(None) }
    }

    /// The derived state for the journal as stored now: the cached one if the journal
    /// has not grown, else rebuilt. Blocking (reads the store).
    pub fn current(&self, store: &dyn JournalStore) -> Result<Arc<Derived>, String> {
        let size = store.size().map_err(|e| e.to_string())?;
        // Held while rebuilding, so that concurrent requests wait for one rebuild.
        let mut cached = self.derived.lock().map_err(|_| "the console's cache is poisoned".to_owned())?;
        if let Some(derived) = cached.as_ref().filter(|d| d.size == size) {
            return Ok(derived.clone());
        }
        let journal = load(store).map_err(|e| e.to_string())?;
        let derived = Arc::new(Derived::build(&self.agreement, &self.atlas, &journal));
        *cached = Some(derived.clone());
        Ok(derived)
    }
}

/// The console's routes on `state` (whose console must be set).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/map", get(map_page))
        .route("/findings", get(findings))
        .route("/findings/{id}", get(finding))
        .route("/reports/{id}", get(report))
        .route("/cases", get(cases))
        .route("/prisoners", get(prisoners))
        .route("/prisoners/find", get(find_prisoner))
        .route("/prisoners/{id}", get(prisoner))
        .route("/timeline", get(timeline))
        .route("/record", get(record))
        .route("/record/verify", post(verify_record))
        .route("/assets/console.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }))
        .route("/assets/console.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], JS) }))
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, Html(pages::not_found(message))).into_response()
}

/// The console and its current derived state, or the page that says why not.
async fn current(state: &AppState) -> Result<(Arc<Console>, Arc<Derived>), Response> {
    on_store(state, |console, store| console.current(store)).await
}

/// The console and what `work` reads from the store (on the blocking pool), or the page
/// that says why not.
async fn on_store<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Console, &dyn JournalStore) -> Result<T, String> + Send + 'static,
) -> Result<(Arc<Console>, T), Response> {
    let Some(console) = state.console.clone() else {
        return Err(failure(StatusCode::NOT_FOUND, "This server has no console."));
    };
    let store = state.store.clone();
    let worker = console.clone();
    let read = tokio::task::spawn_blocking(move || work(&worker, store.journal())).await;
    match read.map_err(|e| e.to_string()).and_then(|read| read) {
        Ok(read) => Ok((console, read)),
        Err(reason) => {
            tracing::error!(%reason, "building the console's state");
            Err(failure(StatusCode::INTERNAL_SERVER_ERROR, "The journal could not be read; the server log says why."))
        }
    }
}

/// The derived state and the checkpoints as stored now, which are read on every request:
/// the derived state is rebuilt only when the journal grows, and checkpoints and
/// co-signatures are added without it growing.
async fn current_with_checkpoints(state: &AppState) -> Result<(Arc<Derived>, Checkpoints), Response> {
    let read = on_store(state, |console, store| {
        let checkpoints = Checkpoints::of(&store.read_checkpoints().map_err(|e| e.to_string())?);
        Ok((console.current(store)?, checkpoints))
    });
    Ok(read.await?.1)
}

/// A page, or the page that says why it cannot be shown.
type Page = Result<Html<String>, Response>;

async fn overview(State(state): State<AppState>) -> Page {
    let (_, d) = current(&state).await?;
    Ok(Html(pages::overview(&d)))
}

async fn map_page(State(state): State<AppState>, query: Result<Query<pages::MapQuery>, QueryRejection>) -> Page {
    let query = query.map(|q| q.0).unwrap_or_default();
    let (console, d) = current(&state).await?;
    Ok(Html(pages::map(&d, &console.base, &query)))
}

async fn findings(State(state): State<AppState>, query: Result<Query<pages::FindingsQuery>, QueryRejection>) -> Page {
    let query = query.map(|q| q.0).unwrap_or_default();
    let (_, d) = current(&state).await?;
    Ok(Html(pages::findings(&d, &query)))
}

async fn finding(State(state): State<AppState>, Path(id): Path<String>) -> Page {
    let (_, d) = current(&state).await?;
    let f = d.finding(&id).ok_or_else(|| failure(StatusCode::NOT_FOUND, &format!("No finding {id}.")))?;
    Ok(Html(pages::finding(&d, f)))
}

async fn report(State(state): State<AppState>, Path(id): Path<String>) -> Page {
    let (_, d) = current(&state).await?;
    if !d.reports.contains_key(&id) && !d.findings.iter().any(|f| f.reports.contains(&id)) {
        return Err(failure(StatusCode::NOT_FOUND, &format!("No report {id}.")));
    }
    Ok(Html(pages::report(&d, &id)))
}

async fn cases(State(state): State<AppState>) -> Page {
    let (_, d) = current(&state).await?;
    Ok(Html(pages::cases(&d)))
}

async fn prisoners(State(state): State<AppState>) -> Page {
    let (_, d) = current(&state).await?;
    Ok(Html(pages::prisoners(&d)))
}

async fn find_prisoner(query: Result<Query<pages::PrisonerQuery>, QueryRejection>) -> Response {
    let id = query.ok().and_then(|q| q.0.id).unwrap_or_default();
    Redirect::to(&format!("/prisoners/{}", html::url_component(id.trim()))).into_response()
}

async fn prisoner(State(state): State<AppState>, Path(id): Path<String>) -> Page {
    let (_, d) = current(&state).await?;
    pages::prisoner(&d, &id).map(Html).ok_or_else(|| failure(StatusCode::NOT_FOUND, &format!("No prisoner {id}.")))
}

async fn timeline(State(state): State<AppState>, query: Result<Query<pages::TimelineQuery>, QueryRejection>) -> Page {
    let query = query.map(|q| q.0).unwrap_or_default();
    let (_, d) = current(&state).await?;
    Ok(Html(pages::timeline(&d, &query)))
}

async fn record(State(state): State<AppState>) -> Page {
    let (d, checkpoints) = current_with_checkpoints(&state).await?;
    Ok(Html(pages::record(&d, &checkpoints, None)))
}

/// Reads the whole stored journal, exports it and verifies the export offline, as
/// `armistice journal verify` does.
async fn verify_record(State(state): State<AppState>) -> Page {
    let (d, checkpoints) = current_with_checkpoints(&state).await?;
    let store = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let journal = load(store.journal()).map_err(|e| e.to_string())?;
        let bytes = export(&journal);
        verify(&bytes)
            .map(|_| Verification::Verified { entries: journal.size(), bytes: bytes.len() })
            .map_err(|e| e.to_string())
    })
    .await;
    let verification = outcome.map_err(|e| e.to_string()).and_then(|v| v).unwrap_or_else(Verification::Failed);
    Ok(Html(pages::record(&d, &checkpoints, Some(&verification))))
}
