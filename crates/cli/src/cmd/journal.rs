//! `armistice journal`: make keys, append signed entries, co-sign checkpoints, export
//! the record to one file and verify such a file offline, and replay it into everything
//! derived from it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use armistice_core::journal::{
    Checkpoint, EntryKind, EntryRef, Report, SecretKey, Signature, Submission, Time, VerifyError, cosign, export,
    verify,
};
use armistice_store::{JournalStore, Location, StoreError, Writer, load, open};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::exit::Code;
use crate::keyfile::KeyFile;

pub(crate) mod replay;
pub use replay::ReplayArgs;

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    Keygen(KeygenArgs),
    Append(AppendArgs),
    Cosign(CosignArgs),
    Export(ExportArgs),
    Verify(VerifyArgs),
    Replay(ReplayArgs),
}

/// Where the journal is: a data directory (SQLite, the default) or a PostgreSQL URL.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The data directory holding journal.sqlite (created if missing).
    #[arg(long, value_name = "DIR", default_value = "armistice-data", conflicts_with = "db")]
    pub data: PathBuf,
    /// A PostgreSQL URL instead of a data directory, e.g. postgres://user:pass@127.0.0.1/armistice.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

impl StoreArgs {
    pub(crate) fn location(&self) -> Location {
        match &self.db {
            Some(url) => Location::Postgres(url.clone()),
            None => Location::Data(self.data.clone()),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match &self.db {
            // The URL may carry a password: name the backend only.
            Some(_) => "the PostgreSQL journal".to_owned(),
            None => format!("the journal in {}", self.data.display()),
        }
    }

    pub(crate) fn open(&self) -> Result<Box<dyn JournalStore>> {
        open(&self.location()).with_context(|| format!("opening {}", self.describe()))
    }
}

/// Make an ed25519 key file for a submitter, a co-signer or the journal server.
///
/// The file holds the secret key: keep it private (it is created readable by you only).
/// The public key is printed.
///
/// Example: `armistice journal keygen --name UNC --out unc.key`
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The name the key signs as (a party, commission or team), e.g. UNC, KPA/CPV, NNSC.
    #[arg(long)]
    pub name: String,
    /// Where to write the key file; an existing file is never overwritten.
    #[arg(long, value_name = "KEYFILE")]
    pub out: PathBuf,
}

/// Sign and append entries, one per line of a file, as the holder of a key file.
///
/// Each line is one submission's payload (e.g. one report). The lines are appended in
/// one transaction, then the server signs a checkpoint of the new size. The server key
/// is --server-key, or DIR/server.key (made on first use) with --data.
///
/// Example: `armistice journal append --data armistice-data --key unc.key --kind report reports.ndjson`
#[derive(Debug, Args)]
pub struct AppendArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The submitter's key file (from `journal keygen`).
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// The kind of every entry: report, allegation, response, team_dispatch,
    /// investigation_report, commission_finding, inspection_report, meeting_minutes,
    /// prisoner_event, list_upload or correction.
    #[arg(long)]
    pub kind: String,
    /// With --kind correction: the index of the entry the lines correct.
    #[arg(long, value_name = "INDEX")]
    pub corrects: Option<u64>,
    /// The server's key file.
    #[arg(long, value_name = "KEYFILE")]
    pub server_key: Option<PathBuf>,
    /// Entries per transaction (group commit): fewer fsyncs, larger retries on conflict.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..))]
    pub batch: u16,
    /// The payloads, one per line (empty lines are skipped); `-` for standard input.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
}

/// Co-sign the latest checkpoint after checking that it extends the last one you signed.
///
/// The check is a consistency proof (RFC 9162) from the last checkpoint this key
/// co-signed to the latest; a journal that was rewritten is refused.
///
/// Example: `armistice journal cosign --data armistice-data --key nnsc.key`
#[derive(Debug, Args)]
pub struct CosignArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The co-signer's key file.
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
}

/// Write the whole journal to one self-contained file that anyone can verify offline.
///
/// The file holds the entries, checkpoints, co-signatures and every signer's public key
/// (see docs/journal.md). The stored record is checked entry by entry first; a bad
/// entry is named and nothing is written.
///
/// Example: `armistice journal export --data armistice-data --out journal.ndjson`
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Verify an exported journal offline, naming the first bad entry if any.
///
/// Checks every entry's encoding, submitter signature and server receipt, the Merkle
/// tree, every checkpoint and co-signature. When anything was altered it names the
/// first bad entry (its index and why).
///
/// Example: `armistice journal verify journal.ndjson --json`
///
/// Exit status: 0 the file verifies; 2 it does not, or cannot be read.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The export to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print one JSON document: {"verified": true, ...} or {"verified": false, "error", "entry", ...}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: JournalCommand) -> Result<Code> {
    match command {
        JournalCommand::Keygen(args) => keygen(args),
        JournalCommand::Append(args) => append(args),
        JournalCommand::Cosign(args) => cosign_latest(args),
        JournalCommand::Export(args) => export_to(args),
        JournalCommand::Verify(args) => verify_file(args),
        JournalCommand::Replay(args) => replay::run(args),
    }
}

/// The time now, read from the system clock (the core never reads it).
pub(crate) fn now() -> Result<Time> {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    let millis = i64::try_from(since_epoch.as_millis()).context("the system clock is out of range")?;
    Time::from_unix_millis(millis).context("the system clock is out of range")
}

fn keygen(args: KeygenArgs) -> Result<Code> {
    Submission::new(EntryKind::Report, &args.name, SecretKey::from_seed(&[0; 32]).public(), String::new(), None)
        .map_err(|e| anyhow!("--name: {e}"))?;
    let key = KeyFile::generate(&args.name)?;
    key.write_new(&args.out)?;
    println!("{}", key.public());
    eprintln!("wrote the key of {:?} to {}", key.name, args.out.display());
    Ok(Code::Ok)
}

/// The server's key: --server-key, or DIR/server.key (made on first use).
fn server_key(args: &AppendArgs) -> Result<KeyFile> {
    server_key_for(&args.store, args.server_key.as_deref())
}

/// The server's key for the journal at `store`: `path`, or DIR/server.key (made on
/// first use) with a data directory.
pub(crate) fn server_key_for(store: &StoreArgs, path: Option<&Path>) -> Result<KeyFile> {
    if let Some(path) = path {
        return KeyFile::read(path);
    }
    if store.db.is_some() {
        bail!("--server-key is needed with --db (the server's key is not kept in the database)");
    }
    let path = store.data.join("server.key");
    if !path.exists() {
        std::fs::create_dir_all(&store.data)
            .with_context(|| format!("creating data directory {}", store.data.display()))?;
        KeyFile::generate("server")?.write_new(&path)?;
        eprintln!("made the journal server's key {}", path.display());
    }
    KeyFile::read(&path)
}

fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text).context("reading standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn append(args: AppendArgs) -> Result<Code> {
    let kind: EntryKind = args.kind.parse().map_err(|e| anyhow!("--kind: {e}"))?;
    let submitter = KeyFile::read(&args.key)?;
    let server = server_key(&args)?;
    let text = read_input(&args.input)?;
    let store = args.store.open()?;
    store.claim_server_key(&server.public()).with_context(|| format!("using {}", args.store.describe()))?;
    let corrects = match (kind, args.corrects) {
        (EntryKind::Correction, None) => bail!("--kind correction needs --corrects INDEX"),
        (EntryKind::Correction, Some(index)) => {
            let row = store.read(index, index + 1).with_context(|| format!("reading entry {index} to correct"))?;
            row.first().map(|row| EntryRef { hash: row.leaf_hash, index })
        }
        (_, Some(_)) => bail!("--corrects goes with --kind correction only"),
        (_, None) => None,
    };
    let mut submissions: Vec<(Submission, Signature)> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let submission = Submission::new(kind, &submitter.name, submitter.public(), line.to_owned(), corrects)
            .with_context(|| format!("{}:{}", args.input.display(), n + 1))?;
        let signature =
            submission.sign(&submitter.key).with_context(|| format!("{}:{}", args.input.display(), n + 1))?;
        submissions.push((submission, signature));
    }
    if submissions.is_empty() {
        bail!("{}: no lines to append", args.input.display());
    }
    let mut writer = Writer::open(store.as_ref()).with_context(|| format!("reading {}", args.store.describe()))?;
    let mut first = None;
    let mut last = 0;
    for chunk in submissions.chunks(usize::from(args.batch)) {
        let rows = writer
            .append(chunk, now()?, &server.key)
            .with_context(|| format!("appending to {}", args.store.describe()))?;
        first = first.or(rows.first().map(|r| r.index));
        last = rows.last().map_or(last, |r| r.index);
    }
    println!(
        "appended {} {kind} entries as {} (entries {}..={last})",
        submissions.len(),
        submitter.name,
        first.unwrap_or(0)
    );
    let checkpoint = Checkpoint { root: writer.root(), size: writer.size(), time: now()? }.sign(&server.key);
    match store.append_checkpoint(&checkpoint) {
        Ok(number) => {
            println!("checkpoint {number}: size {}, root {}", checkpoint.checkpoint.size, checkpoint.checkpoint.root)
        }
        // Another writer checkpointed a larger tree first; it covers these entries too.
        Err(StoreError::Conflict(reason)) => println!("no new checkpoint: {reason}"),
        Err(error) => return Err(error).context("storing the checkpoint"),
    }
    Ok(Code::Ok)
}

fn cosign_latest(args: CosignArgs) -> Result<Code> {
    let signer = KeyFile::read(&args.key)?;
    let store = args.store.open()?;
    let journal = load(store.as_ref()).with_context(|| format!("checking {}", args.store.describe()))?;
    let checkpoints = journal.checkpoints();
    let Some(latest) = checkpoints.last() else {
        bail!("{} has no checkpoint to co-sign", args.store.describe());
    };
    let number = checkpoints.len() - 1;
    if latest.cosignatures.iter().any(|c| c.key == signer.public()) {
        println!("checkpoint {number} (size {}) is already co-signed by {}", latest.checkpoint.size, signer.name);
        return Ok(Code::Ok);
    }
    let last_signed = checkpoints
        .iter()
        .rev()
        .find(|c| c.cosignatures.iter().any(|c| c.key == signer.public()))
        .map(|c| c.checkpoint);
    let old_size = last_signed.map_or(0, |c| c.size);
    let proof = journal.consistency_proof(old_size, latest.checkpoint.size).context("making the consistency proof")?;
    let cosignature = cosign(last_signed.as_ref(), latest, &journal.server(), &proof, &signer.name, &signer.key)
        .with_context(|| format!("checkpoint {number} cannot be co-signed"))?;
    store.append_cosignature(number as u64, &cosignature).context("storing the co-signature")?;
    println!(
        "{} co-signed checkpoint {number}: size {}, root {} (consistent with size {old_size})",
        signer.name, latest.checkpoint.size, latest.checkpoint.root
    );
    Ok(Code::Ok)
}

fn export_to(args: ExportArgs) -> Result<Code> {
    let store = args.store.open()?;
    let journal = load(store.as_ref()).with_context(|| format!("checking {}", args.store.describe()))?;
    let bytes = export(&journal);
    let mut file = std::fs::File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    file.write_all(&bytes).with_context(|| format!("writing {}", args.out.display()))?;
    file.sync_all().with_context(|| format!("syncing {}", args.out.display()))?;
    eprintln!(
        "exported {} entries and {} checkpoints to {} (root {})",
        journal.size(),
        journal.checkpoints().len(),
        args.out.display(),
        journal.root()
    );
    Ok(Code::Ok)
}

#[derive(Debug, Serialize)]
struct SignerView {
    name: String,
    key: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct CheckpointView {
    size: u64,
    root: String,
    time: String,
}

#[derive(Debug, Serialize)]
struct VerifiedView {
    verified: bool,
    entries: u64,
    root: String,
    server: String,
    checkpoints: u64,
    cosignatures: u64,
    last_checkpoint: Option<CheckpointView>,
    after_last_checkpoint: u64,
    submitters: Vec<SignerView>,
    cosigners: Vec<SignerView>,
    kinds: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
struct FailedView {
    verified: bool,
    error: String,
    /// The index of the first bad entry, when the fault is in an entry.
    entry: Option<u64>,
}

fn signers(list: &[(String, armistice_core::journal::PublicKey, u64)]) -> Vec<SignerView> {
    list.iter().map(|(name, key, count)| SignerView { name: name.clone(), key: key.to_hex(), count: *count }).collect()
}

impl From<&Report> for VerifiedView {
    fn from(r: &Report) -> Self {
        Self {
            verified: true,
            entries: r.entries,
            root: r.root.to_hex(),
            server: r.server.to_hex(),
            checkpoints: r.checkpoints,
            cosignatures: r.cosignatures,
            last_checkpoint: r.last_checkpoint.map(|c| CheckpointView {
                size: c.size,
                root: c.root.to_hex(),
                time: c.time.to_canonical(),
            }),
            after_last_checkpoint: r.after_last_checkpoint,
            submitters: signers(&r.submitters),
            cosigners: signers(&r.cosigners),
            kinds: r.kinds.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
        }
    }
}

fn verify_file(args: VerifyArgs) -> Result<Code> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let source = args.file.display();
    match verify(&bytes) {
        Ok(report) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&VerifiedView::from(&report)).context("writing JSON")?);
            } else {
                print_report(&source.to_string(), &report);
            }
            Ok(Code::Ok)
        }
        Err(error) => {
            if args.json {
                let view = FailedView { verified: false, error: error.to_string(), entry: error.entry_index() };
                println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
            }
            eprintln!("{source}: does NOT verify: {error}");
            if let VerifyError::Entry { index, .. } = error {
                eprintln!("{source}: the first bad entry is entry {index}");
            }
            Ok(Code::Error)
        }
    }
}

fn print_report(source: &str, r: &Report) {
    let short = |hex: String| hex[..16].to_owned();
    println!("{source}: verified");
    println!("  entries        {} (root {})", r.entries, r.root);
    println!("  server key     {}", r.server);
    match r.last_checkpoint {
        Some(c) => println!(
            "  checkpoints    {}, the last at size {} ({}); {} entries after it, covered by the server's receipts only",
            r.checkpoints, c.size, c.time, r.after_last_checkpoint
        ),
        None => println!("  checkpoints    none; every entry is covered by the server's receipts only"),
    }
    println!("  co-signatures  {}", r.cosignatures);
    for (name, key, n) in &r.cosigners {
        println!("    {name:<12} {} checkpoint(s), key {}…", n, short(key.to_hex()));
    }
    println!("  submitters");
    for (name, key, n) in &r.submitters {
        println!("    {name:<12} {} entries, key {}…", n, short(key.to_hex()));
    }
    let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  kinds          {}", kinds.join(", "));
}
