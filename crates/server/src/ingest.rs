//! Group commit: one writer thread owns the store's [`Writer`] and takes submissions
//! from a channel. Whatever has queued up while the last transaction committed goes
//! into the next one (up to `max_batch`), so under load many requests share one
//! transaction and one fsync; each request awaits its own entry, which it gets only
//! after the commit. The thread also signs checkpoints when asked (a timer asks).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use armistice_core::journal::{Checkpoint, SecretKey, Time, Verified};
use armistice_store::{Store, StoreError, StoredEntry, WriteError, Writer};
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;

/// Why a submission was not appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestError {
    /// The submission itself was refused (its signature, shape or correction target).
    Refused(String),
    /// The store failed; nothing of the batch was stored.
    Store(String),
    /// The writer has stopped (the server is shutting down).
    Stopped,
}

// Checkpoint is a rare signal; boxing every submission would cost an allocation each.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Job {
    Append { verified: Verified, reply: oneshot::Sender<Result<StoredEntry, IngestError>> },
    Checkpoint,
}

/// The sending side: what handlers hold.
#[derive(Debug, Clone)]
pub struct Ingest {
    jobs: mpsc::Sender<Job>,
    /// Submissions handed to the writer so far.
    submitted: Arc<AtomicU64>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::Append { verified, .. } => {
                write!(f, "Append({} by {})", verified.submission().kind, verified.submission().submitter)
            }
            Job::Checkpoint => f.write_str("Checkpoint"),
        }
    }
}

impl Ingest {
    /// Appends one checked submission; resolves once it is durable (or refused).
    pub async fn append(&self, verified: Verified) -> Result<StoredEntry, IngestError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Append { verified, reply }).await.map_err(|_| IngestError::Stopped)?;
        self.submitted.fetch_add(1, Ordering::Relaxed);
        answer.await.map_err(|_| IngestError::Stopped)?
    }

    /// Submissions handed to the writer since the server started.
    pub fn submitted(&self) -> u64 {
        self.submitted.load(Ordering::Relaxed)
    }

    /// Submissions (and checkpoint requests) waiting for the writer.
    pub fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }

    /// Asks the writer to sign a checkpoint if entries were added since the last one.
    /// Never waits: when the queue is full the writer is busy and will be asked again.
    pub fn request_checkpoint(&self) {
        let _ = self.jobs.try_send(Job::Checkpoint);
    }
}

/// The writer thread, joined at shutdown.
#[derive(Debug)]
pub struct WriterThread {
    handle: std::thread::JoinHandle<()>,
}

impl WriterThread {
    /// Waits for the thread, which ends once every [`Ingest`] is dropped (after a last
    /// checkpoint).
    pub fn join(self) -> Result<(), String> {
        self.handle.join().map_err(|_| "the writer thread panicked".to_owned())
    }
}

/// The last millisecond of the year 9999: the clock is clamped to 1970..=9999.
const MAX_MILLIS: i64 = 253_402_300_799_999;

/// The time now, from the system clock (the core never reads it).
pub fn now() -> Time {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(MAX_MILLIS))
        .clamp(0, MAX_MILLIS);
    #[allow(clippy::expect_used)] // Every millisecond of 1970..=9999 is a valid time.
    Time::from_unix_millis(millis).expect("a time in 1970..=9999")
}

/// Starts the writer thread on `store` (its own connection): it catches up with the
/// stored journal first, and fails here if it cannot.
pub fn start(
    store: Box<dyn Store>,
    server: SecretKey,
    max_batch: usize,
    queue: usize,
    metrics: Arc<Metrics>,
) -> Result<(Ingest, WriterThread), StoreError> {
    let (jobs, receiver) = mpsc::channel(queue.max(1));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("armistice-writer".into())
        .spawn(move || {
            let writer = match Writer::open(store.journal()) {
                Ok(writer) => {
                    let _ = ready_tx.send(Ok(()));
                    writer
                }
                Err(error) => {
                    let _ = ready_tx.send(Err(error));
                    return;
                }
            };
            let last_checkpoint = store.read_checkpoints().ok().and_then(|c| c.last().map(|c| c.checkpoint.size));
            let mut state = WriterState {
                store: store.as_ref(),
                writer,
                server,
                metrics,
                last_checkpoint: last_checkpoint.unwrap_or(0),
            };
            state.run(receiver, max_batch.max(1));
        })
        .map_err(|e| StoreError::Other { context: "starting the writer thread".into(), source: Box::new(e) })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok((Ingest { jobs, submitted: Arc::new(AtomicU64::new(0)) }, WriterThread { handle })),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(StoreError::Other { context: "starting the writer thread".into(), source: "it stopped".into() }),
    }
}

struct WriterState<'a> {
    store: &'a dyn Store,
    writer: Writer<'a>,
    server: SecretKey,
    metrics: Arc<Metrics>,
    last_checkpoint: u64,
}

type Pending = (Verified, oneshot::Sender<Result<StoredEntry, IngestError>>);

impl WriterState<'_> {
    fn run(&mut self, mut receiver: mpsc::Receiver<Job>, max_batch: usize) {
        while let Some(job) = receiver.blocking_recv() {
            let mut batch: Vec<Pending> = Vec::new();
            let mut checkpoint = false;
            let mut take = |job: Job, batch: &mut Vec<Pending>| match job {
                Job::Append { verified, reply } => batch.push((verified, reply)),
                Job::Checkpoint => checkpoint = true,
            };
            take(job, &mut batch);
            while batch.len() < max_batch {
                match receiver.try_recv() {
                    Ok(job) => take(job, &mut batch),
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                self.commit(batch);
            }
            if checkpoint {
                self.checkpoint();
            }
        }
        self.checkpoint();
    }

    /// Appends the batch in one transaction. A refused submission is answered and taken
    /// out, and the rest is tried again; a store failure fails the whole batch.
    fn commit(&mut self, mut batch: Vec<Pending>) {
        while !batch.is_empty() {
            let submissions: Vec<Verified> = batch.iter().map(|(verified, _)| verified.clone()).collect();
            let started = Instant::now();
            // The handlers checked every signature; the writer only signs receipts.
            match self.writer.append_verified(&submissions, now(), &self.server) {
                Ok(rows) => {
                    self.metrics.batch_committed(rows.len(), started.elapsed().as_secs_f64());
                    for ((_, reply), row) in batch.into_iter().zip(rows) {
                        let _ = reply.send(Ok(row));
                    }
                    return;
                }
                Err(WriteError::Refused { position, source }) => {
                    let (_, reply) = batch.remove(position);
                    let _ = reply.send(Err(IngestError::Refused(source.to_string())));
                }
                Err(WriteError::CorrectionTarget { position, target, reason }) => {
                    // Said without the batch position, which means nothing to the caller.
                    let (_, reply) = batch.remove(position);
                    let _ = reply.send(Err(IngestError::Refused(format!("corrects entry {target}, which {reason}"))));
                }
                Err(WriteError::Store(error)) => {
                    tracing::error!(%error, entries = batch.len(), "appending a batch");
                    for (_, reply) in batch {
                        let _ = reply.send(Err(IngestError::Store(error.to_string())));
                    }
                    return;
                }
            }
        }
    }

    /// Signs and stores a checkpoint of what this writer knows, if it grew. One that
    /// another server overtook is skipped: the larger one covers these entries.
    fn checkpoint(&mut self) {
        let size = self.writer.size();
        if size <= self.last_checkpoint {
            return;
        }
        let signed = Checkpoint { root: self.writer.root(), size, time: now() }.sign(&self.server);
        match self.store.append_checkpoint(&signed) {
            Ok(_) => {
                self.last_checkpoint = size;
                self.metrics.checkpoint_signed();
            }
            Err(StoreError::Conflict(_)) => self.last_checkpoint = size,
            Err(error) => tracing::error!(%error, size, "storing a checkpoint"),
        }
    }
}
