//! `armistice serve`: the journal's HTTP API (crates/server) on a data directory or a
//! PostgreSQL database, until SIGTERM or ctrl-c.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use armistice_core::access::Parties;
use armistice_core::geo::Atlas;
use armistice_server::console::Console;
use armistice_server::{App, Config};
use armistice_store::open_store;
use clap::Args;

use super::journal::{StoreArgs, server_key_for};
use crate::exit::Code;
use crate::source::load_agreement;

/// Serve the journal over HTTP, and the console (HTML pages at /, public read).
///
/// The API: submit signed entries, read them with proofs, co-sign.
/// Accounts come from `armistice user add`; roles name the agreement's sides. Routes,
/// roles and what each may do: docs/server.md, and /api/openapi.json on the server.
/// SIGTERM or ctrl-c stops it gracefully (requests in flight are answered, a last
/// checkpoint is signed).
///
/// Example: `armistice serve --data armistice-data --addr 127.0.0.1:8053`
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on (port 0: any free port, printed on stderr).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8053")]
    pub addr: SocketAddr,
    /// The agreement directory whose sides roles name (default: the built-in Korea 1953).
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// The server's key file; default DIR/server.key (made on first use) with --data.
    #[arg(long, value_name = "KEYFILE")]
    pub server_key: Option<PathBuf>,
    /// Most submissions committed in one transaction (group commit).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_batch: u16,
}

pub fn run(args: ServeArgs) -> Result<Code> {
    init_tracing();
    let agreement = load_agreement(args.agreement.as_deref())?;
    let parties = Parties::from_agreement(&agreement);
    let server = server_key_for(&args.store, args.server_key.as_deref())?;
    let location = args.store.location();
    let describe = args.store.describe();
    // Two connections: one for the writer, one for reads. Opened before the runtime
    // starts, since the PostgreSQL client runs a runtime of its own.
    let writer = open_store(&location).with_context(|| format!("opening {describe}"))?;
    let reader = open_store(&location).with_context(|| format!("opening {describe}"))?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let mut config = Config::new(server.key, parties);
    config.max_batch = usize::from(args.max_batch);
    config.console = Some(Arc::new(Console::new(agreement, atlas)));
    let app = App::start(writer, reader, config).with_context(|| format!("starting the server on {describe}"))?;
    serve_app(app, args.addr, &describe, |bound| eprintln!("armistice: serving {describe} on http://{bound}"))?;
    eprintln!("armistice: stopped");
    Ok(Code::Ok)
}

/// Serves a started app on `addr` until SIGTERM or ctrl-c; `bound` is told the address.
pub fn serve_app(app: App, addr: SocketAddr, describe: &str, bound: impl FnOnce(SocketAddr)) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        let address = listener.local_addr().context("reading the bound address")?;
        bound(address);
        tracing::info!(%address, describe, "serving");
        armistice_server::run(listener, app, shutdown_signal()).await.context("serving")
    })
}

/// Logs to stderr, filtered by RUST_LOG (default `armistice=info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("armistice=info,armistice_server=info"));
    // Colours only for a person at a terminal, not in a log file.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping");
}
