//! The handlers and the route table. Every route is listed once in [`ROUTES`], which
//! the OpenAPI document and the tests read, so a route cannot go undocumented.

use std::time::Instant;

use armistice_core::access::Action;
use armistice_core::journal::{Entry, EntryKind, Hash, Tree, Verified};
use armistice_store::StoreError;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::dto::{
    CheckpointList, CheckpointView, ConsistencyProof, ConsistencyQuery, CosignRequest, EntriesPage, EntryView, Health,
    InclusionProof, InclusionQuery, PageQuery, Receipt, SubmitRequest, Whoami,
};
use crate::ingest::IngestError;
use crate::{ApiError, AppState, Caller, MAX_BODY_BYTES};

/// One route: method, path pattern, who may call it, and a line for the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// `None`: no token needed. Otherwise the action the role must be allowed; a
    /// submission's action depends on its kind (`Submit(Report)` stands for any kind).
    pub action: Option<Action>,
    pub summary: &'static str,
}

/// Entries per page when `limit` is not given, and the most a page may hold.
const DEFAULT_PAGE: u64 = 100;
const MAX_PAGE: u64 = 1000;

pub const ROUTES: &[Route] = &[
    Route { method: "GET", path: "/health", action: None, summary: "Liveness and store reachability" },
    Route { method: "GET", path: "/metrics", action: None, summary: "Prometheus metrics (text format)" },
    Route { method: "GET", path: "/api/openapi.json", action: None, summary: "This API as an OpenAPI 3.1 document" },
    Route {
        method: "GET",
        path: "/api/whoami",
        action: Some(Action::Read),
        summary: "The calling account and its role",
    },
    Route {
        method: "POST",
        path: "/api/entries",
        action: Some(Action::Submit(EntryKind::Report)),
        summary: "Submit a signed entry as yourself; answered once durable",
    },
    Route {
        method: "GET",
        path: "/api/entries",
        action: Some(Action::Read),
        summary: "A page of entries (from, limit)",
    },
    Route { method: "GET", path: "/api/entries/{index}", action: Some(Action::Read), summary: "One entry by index" },
    Route { method: "GET", path: "/api/checkpoints", action: Some(Action::Read), summary: "Every signed checkpoint" },
    Route {
        method: "GET",
        path: "/api/checkpoints/latest",
        action: Some(Action::Read),
        summary: "The latest signed checkpoint",
    },
    Route {
        method: "POST",
        path: "/api/checkpoints/{number}/cosignatures",
        action: Some(Action::Cosign),
        summary: "Add your co-signature to a checkpoint",
    },
    Route {
        method: "GET",
        path: "/api/proofs/inclusion",
        action: Some(Action::Read),
        summary: "Inclusion proof of entry `index` in the tree of `size` entries",
    },
    Route {
        method: "GET",
        path: "/api/proofs/consistency",
        action: Some(Action::Read),
        summary: "Consistency proof from the tree of `old` entries to that of `new`",
    },
];

pub fn router(state: AppState) -> Router {
    // The console's pages are public read and outside the `/api/` limit and metrics.
    let console = if state.console.is_some() { crate::console::router() } else { Router::new() };
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi))
        .route("/api/whoami", get(whoami))
        .route("/api/entries", post(submit).get(entries))
        .route("/api/entries/{index}", get(entry))
        .route("/api/checkpoints", get(checkpoints))
        .route("/api/checkpoints/latest", get(latest_checkpoint))
        .route("/api/checkpoints/{number}/cosignatures", post(cosign))
        .route("/api/proofs/inclusion", get(inclusion))
        .route("/api/proofs/consistency", get(consistency))
        .route_layer(middleware::from_fn_with_state(state.clone(), limit))
        .route_layer(middleware::from_fn_with_state(state.clone(), track))
        .merge(console)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Counts each routed request by its route pattern and status, with its latency.
async fn track(State(state): State<AppState>, matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.request(&route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// At most `max_in_flight` `/api/` requests at once; the next is told to come back
/// (health, metrics and the OpenAPI document are never refused).
async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") || request.uri().path() == "/api/openapi.json" {
        return next.run(request).await;
    }
    let Ok(_permit) = state.in_flight.clone().try_acquire_owned() else {
        let mut response = ApiError::Unavailable("the server is busy: retry shortly".into()).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        return response;
    };
    next.run(request).await
}

async fn not_found(State(state): State<AppState>) -> ApiError {
    state.metrics.request("unmatched", 404, 0.0);
    ApiError::NotFound("no such route (see /api/openapi.json)".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("method not allowed on this route (see /api/openapi.json)".into())
}

/// Runs a store call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(error) => Err(ApiError::internal("running a store call", error)),
    }
}

fn json_body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!("the body is larger than {MAX_BODY_BYTES} bytes"))
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(format!("the body is not the JSON expected: {e}")))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))
}

fn path<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(p)| p).map_err(|e| ApiError::BadRequest(e.body_text()))
}

async fn health(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    match blocking(move || store.size()).await {
        Ok(entries) => Json(Health { status: "ok".into(), entries }).into_response(),
        Err(_) => ApiError::Unavailable("the store cannot be reached".into()).into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render();
    text.push_str("# HELP armistice_ingest_queued Submissions waiting for the writer.\n");
    text.push_str("# TYPE armistice_ingest_queued gauge\n");
    text.push_str(&format!("armistice_ingest_queued {}\n", state.ingest.queued()));
    text.push_str("# HELP armistice_ingest_submitted_total Submissions handed to the writer.\n");
    text.push_str("# TYPE armistice_ingest_submitted_total counter\n");
    text.push_str(&format!("armistice_ingest_submitted_total {}\n", state.ingest.submitted()));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

async fn whoami(caller: Caller) -> Result<Json<Whoami>, ApiError> {
    caller.may(Action::Read)?;
    let account = caller.account;
    Ok(Json(Whoami { name: account.name, role: account.role, side: account.side, key: account.key.to_hex() }))
}

#[tracing::instrument(skip_all, fields(account = %caller.account.name))]
async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let request: SubmitRequest = json_body(body)?;
    let (submission, signature) = request.into_core()?;
    caller.may(Action::Submit(submission.kind))?;
    if submission.submitter != caller.account.name || submission.key != caller.account.key {
        return Err(ApiError::Forbidden(format!(
            "a party submits only as itself: this token is {:?} with key {}",
            caller.account.name, caller.account.key
        )));
    }
    let corrects = submission.corrects;
    // Checked here, on the request threads, so the one writer thread need not.
    let verified =
        Verified::check(submission, signature).map_err(|e| ApiError::BadRequest(format!("signature: {e}")))?;
    if let Some(target) = corrects {
        let store = state.store.clone();
        let rows =
            blocking(move || store.read(target.index, target.index.saturating_add(1))).await.map_err(|e| match e {
                ApiError::NotFound(_) => {
                    ApiError::BadRequest(format!("corrects entry {}, which does not exist", target.index))
                }
                other => other,
            })?;
        let corrected = rows
            .first()
            .map(|row| Entry::decode(&row.bytes))
            .transpose()
            .map_err(|e| ApiError::internal("decoding a stored entry", e))?;
        if corrected.is_some_and(|e| e.submission.submitter != caller.account.name) {
            return Err(ApiError::Forbidden(format!(
                "entry {} was submitted by someone else: only its submitter may correct it",
                target.index
            )));
        }
    }
    let row = state.ingest.append(verified).await.map_err(|e| match e {
        IngestError::Refused(reason) => ApiError::BadRequest(reason),
        IngestError::Store(_) => ApiError::Unavailable("the store failed; the entry was not stored".into()),
        IngestError::Stopped => ApiError::Unavailable("the server is shutting down".into()),
    })?;
    let entry = EntryView::from_stored(&row)?;
    Ok((StatusCode::CREATED, Json(Receipt { index: row.index, leaf_hash: row.leaf_hash.to_hex(), entry })))
}

#[tracing::instrument(skip_all)]
async fn entries(
    State(state): State<AppState>,
    caller: Caller,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<EntriesPage>, ApiError> {
    caller.may(Action::Read)?;
    let page = query(page)?;
    let limit = page.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!("limit must be 1 to {MAX_PAGE}, not {limit}")));
    }
    let store = state.store.clone();
    let from = page.from;
    let (size, rows) = blocking(move || {
        let size = store.size()?;
        let to = size.min(from.saturating_add(limit));
        let rows = if from < to { store.read(from, to)? } else { Vec::new() };
        Ok((size, rows))
    })
    .await?;
    let next = rows.last().map(|r| r.index + 1).filter(|n| *n < size);
    let entries = rows.iter().map(EntryView::from_stored).collect::<Result<_, _>>()?;
    Ok(Json(EntriesPage { entries, size, next }))
}

#[tracing::instrument(skip_all)]
async fn entry(
    State(state): State<AppState>,
    caller: Caller,
    index: Result<Path<u64>, PathRejection>,
) -> Result<Json<EntryView>, ApiError> {
    caller.may(Action::Read)?;
    let index = path(index)?;
    let store = state.store.clone();
    let missing = || ApiError::NotFound(format!("no entry {index}"));
    let rows = blocking(move || store.read(index, index.saturating_add(1))).await.map_err(|e| match e {
        ApiError::NotFound(_) => missing(),
        other => other,
    })?;
    let row = rows.first().ok_or_else(missing)?;
    Ok(Json(EntryView::from_stored(row)?))
}

async fn checkpoints(State(state): State<AppState>, caller: Caller) -> Result<Json<CheckpointList>, ApiError> {
    caller.may(Action::Read)?;
    let store = state.store.clone();
    let all = blocking(move || store.read_checkpoints()).await?;
    let checkpoints = all.iter().enumerate().map(|(n, c)| CheckpointView::new(n as u64, c)).collect();
    Ok(Json(CheckpointList { checkpoints }))
}

async fn latest_checkpoint(State(state): State<AppState>, caller: Caller) -> Result<Json<CheckpointView>, ApiError> {
    caller.may(Action::Read)?;
    let store = state.store.clone();
    let all = blocking(move || store.read_checkpoints()).await?;
    let number = all.len().checked_sub(1).ok_or_else(|| ApiError::NotFound("no checkpoint yet".into()))?;
    Ok(Json(CheckpointView::new(number as u64, &all[number])))
}

#[tracing::instrument(skip_all, fields(account = %caller.account.name))]
async fn cosign(
    State(state): State<AppState>,
    caller: Caller,
    number: Result<Path<u64>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<CheckpointView>), ApiError> {
    caller.may(Action::Cosign)?;
    let number = path(number)?;
    let request: CosignRequest = json_body(body)?;
    let cosignature = request.into_core()?;
    if cosignature.name != caller.account.name || cosignature.key != caller.account.key {
        return Err(ApiError::Forbidden(format!(
            "a party co-signs only as itself: this token is {:?} with key {}",
            caller.account.name, caller.account.key
        )));
    }
    let store = state.store.clone();
    let all = blocking(move || store.read_checkpoints()).await?;
    let mut checkpoint = usize::try_from(number)
        .ok()
        .and_then(|n| all.get(n))
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no checkpoint {number}")))?;
    if checkpoint.cosignatures.iter().any(|c| c.key == cosignature.key) {
        return Err(ApiError::Conflict(format!("checkpoint {number} is already co-signed with this key")));
    }
    cosignature.verify(&checkpoint.checkpoint).map_err(|e| ApiError::BadRequest(format!("signature: {e}")))?;
    let store = state.store.clone();
    let stored = cosignature.clone();
    blocking(move || store.append_cosignature(number, &stored)).await?;
    checkpoint.cosignatures.push(cosignature);
    Ok((StatusCode::CREATED, Json(CheckpointView::new(number, &checkpoint))))
}

/// Brings the in-memory tree up to the stored journal (other servers may have appended)
/// and runs `work` on it.
async fn with_tree<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Tree) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = state.store.clone();
    let tree = state.tree.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let mut tree = tree.lock().map_err(|_| ApiError::internal("reading the tree", "a thread panicked"))?;
        let size = store.size()?;
        while tree.size() < size {
            let from = tree.size();
            for row in store.read(from, size.min(from + 10_000))? {
                tree.push(Hash::leaf(&row.bytes));
            }
        }
        work(&tree)
    })
    .await;
    answer.map_err(|e| ApiError::internal("reading the tree", e))?
}

fn hexes(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(Hash::to_hex).collect()
}

#[tracing::instrument(skip_all)]
async fn inclusion(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<Json<InclusionProof>, ApiError> {
    caller.may(Action::Read)?;
    let q = query(q)?;
    let proof = with_tree(&state, move |tree| {
        let size = q.size.unwrap_or(tree.size());
        let bad = |e: armistice_core::journal::TreeError| ApiError::BadRequest(e.to_string());
        let proof = tree.inclusion_proof(q.index, size).map_err(bad)?;
        let leaf = usize::try_from(q.index).ok().and_then(|i| tree.leaves().get(i)).copied();
        let leaf = leaf.ok_or_else(|| ApiError::NotFound(format!("no entry {}", q.index)))?;
        Ok(InclusionProof {
            index: q.index,
            size,
            leaf_hash: leaf.to_hex(),
            root: tree.root_at(size).map_err(bad)?.to_hex(),
            proof: hexes(&proof),
        })
    })
    .await?;
    Ok(Json(proof))
}

#[tracing::instrument(skip_all)]
async fn consistency(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    caller.may(Action::Read)?;
    let q = query(q)?;
    let proof = with_tree(&state, move |tree| {
        let new = q.new.unwrap_or(tree.size());
        let bad = |e: armistice_core::journal::TreeError| ApiError::BadRequest(e.to_string());
        let proof = tree.consistency_proof(q.old, new).map_err(bad)?;
        Ok(ConsistencyProof {
            old: q.old,
            new,
            old_root: tree.root_at(q.old).map_err(bad)?.to_hex(),
            new_root: tree.root_at(new).map_err(bad)?.to_hex(),
            proof: hexes(&proof),
        })
    })
    .await?;
    Ok(Json(proof))
}
