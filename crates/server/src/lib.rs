//! The journal's HTTP API (axum): submit signed entries with a durable receipt, read
//! entries, checkpoints and proofs, co-sign checkpoints; accounts with roles from the
//! agreement; health, Prometheus metrics and an OpenAPI 3.1 document.
//!
//! - [`App::start`] opens the writer (group commit, `ingest.rs`) on one store
//!   connection and keeps another for reads; [`router`] builds the routes on its state
//!   (tests drive it with `oneshot`); [`run`] serves on a bound listener until the
//!   shutdown future resolves, then drains the writer.
//! - `auth.rs`: bearer tokens to accounts and roles; `routes.rs`: the handlers;
//!   `dto.rs`: the wire types; `error.rs`: [`ApiError`]; `metrics.rs`, `openapi.rs`.
//!
//! The server reads the clock (received times, checkpoint times) and never logs a
//! token or a payload. It does not initialise `tracing`: the binary does.

mod auth;
pub mod console;
pub mod dto;
mod error;
pub mod ingest;
pub mod metrics;
pub mod openapi;
mod routes;
pub mod token;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use armistice_core::access::Parties;
use armistice_core::journal::{SecretKey, Tree};
use armistice_store::{Store, StoreError};
use axum::Router;

pub use auth::Caller;
pub use error::ApiError;
pub use ingest::{IngestError, WriterThread};
pub use routes::{ROUTES, Route};

/// The largest request body accepted (1 MiB); a larger one is refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the server runs. Secrets are not shown by `Debug` (the key shows its public half).
#[derive(Debug, Clone)]
pub struct Config {
    /// The journal server's key: signs receipts and checkpoints.
    pub server_key: SecretKey,
    /// The agreement's parties, which roles name.
    pub parties: Parties,
    /// Most submissions in one transaction.
    pub max_batch: usize,
    /// Submissions waiting for the writer before requests wait to queue.
    pub queue: usize,
    /// How often the server signs a checkpoint when entries were added.
    pub checkpoint_every: Duration,
    /// Most `/api/` requests handled at once; more are answered 503 at once, before
    /// their bodies are read, so memory stays bounded (at most this many 1 MiB bodies).
    pub max_in_flight: usize,
    /// The console (HTML pages at `/`), when the server shows one.
    pub console: Option<Arc<console::Console>>,
}

impl Config {
    pub fn new(server_key: SecretKey, parties: Parties) -> Self {
        Self {
            server_key,
            parties,
            max_batch: 1000,
            queue: 8192,
            checkpoint_every: Duration::from_secs(1),
            max_in_flight: 1024,
            console: None,
        }
    }
}

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    ingest: ingest::Ingest,
    parties: Arc<Parties>,
    tree: Arc<Mutex<Tree>>,
    metrics: Arc<metrics::Metrics>,
    in_flight: Arc<tokio::sync::Semaphore>,
    console: Option<Arc<console::Console>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("parties", &self.parties).finish_non_exhaustive()
    }
}

impl AppState {
    pub fn metrics(&self) -> &metrics::Metrics {
        &self.metrics
    }

    /// Asks the writer to sign a checkpoint soon, if entries were added since the last.
    pub fn request_checkpoint(&self) {
        self.ingest.request_checkpoint();
    }
}

/// A started server: its state and its writer thread.
#[derive(Debug)]
pub struct App {
    state: AppState,
    writer: WriterThread,
    checkpoint_every: Duration,
}

impl App {
    /// Claims the journal for the server key, starts the writer on `writer_store` and
    /// keeps `read_store` for reads and accounts (two connections, so that reads never
    /// wait for a commit). Blocking: call it outside async code or in `spawn_blocking`
    /// (the PostgreSQL client runs its own runtime).
    pub fn start(writer_store: Box<dyn Store>, read_store: Box<dyn Store>, config: Config) -> Result<Self, StoreError> {
        read_store.claim_server_key(&config.server_key.public())?;
        let metrics = Arc::new(metrics::Metrics::default());
        let (ingest, writer) =
            ingest::start(writer_store, config.server_key, config.max_batch, config.queue, metrics.clone())?;
        let state = AppState {
            store: Arc::from(read_store),
            ingest,
            parties: Arc::new(config.parties),
            tree: Arc::new(Mutex::new(Tree::new())),
            metrics,
            in_flight: Arc::new(tokio::sync::Semaphore::new(config.max_in_flight)),
            console: config.console,
        };
        Ok(Self { state, writer, checkpoint_every: config.checkpoint_every })
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }
}

/// The routes on `state`.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in
/// flight, lets the writer commit what it holds, signs a last checkpoint and returns.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let App { state, writer, checkpoint_every } = app;
    let ticking = state.ingest.clone();
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(checkpoint_every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval.tick().await;
        loop {
            interval.tick().await;
            ticking.request_checkpoint();
        }
    });
    let store = state.store.clone();
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await;
    ticker.abort();
    let _ = ticker.await;
    // The last handle on the read store is dropped off the async threads (a PostgreSQL
    // client owns a runtime, which must not be dropped inside another).
    let joined = tokio::task::spawn_blocking(move || {
        drop(store);
        writer.join()
    })
    .await;
    match joined {
        Ok(Ok(())) => {}
        Ok(Err(reason)) => tracing::error!(%reason, "stopping the writer"),
        Err(error) => tracing::error!(%error, "stopping the writer"),
    }
    served
}
