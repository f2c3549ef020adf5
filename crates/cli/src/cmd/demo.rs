//! `armistice demo`: the 1953 armistice's first months end to end. Loads the built-in
//! agreement, tells the built-in story (`core::story`: reports, the commissions' cases,
//! inspections, meetings and the prisoner exchange) into a fresh SQLite journal as
//! signed entries, signs a checkpoint that both sides and the NNSC co-sign, replays the
//! journal, verifies its export, and prints what it all shows (docs/demo.md).
//!
//! The keys are derived from fixed seeds named by party, so every run gives the same
//! keys, entries and root. They are for the demo only: anyone can re-derive them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use armistice_core::access::Parties;
use armistice_core::agreement::{AGREEMENT_FILE, Agreement, builtin};
use armistice_core::geo::Atlas;
use armistice_core::journal::{
    Checkpoint, CoSignature, Hash, SecretKey, Signature, Submission, Time, cosign, export, verify,
};
use armistice_core::pow::Terms;
use armistice_core::replay::{Replay, replay};
use armistice_core::story;
use armistice_core::talks::{self, Day, Merged};
use armistice_server::console::Console;
use armistice_server::{App, Config};
use armistice_store::{JournalStore, Location, Writer, load as load_store, open, open_store};
use chrono::Utc;
use clap::Args;
use serde::Serialize;

use super::journal::replay::{ReplayView, counts, view};
use crate::exit::Code;
use crate::keyfile::KeyFile;
use crate::source::load_agreement;

/// Who co-signs the demo's checkpoint: both sides and the neutral supervisory commission.
const COSIGNERS: [&str; 3] = ["unc", "kpa-cpv", "nnsc"];

/// Replay the 1953 armistice's first months through the signed journal and show them.
///
/// Loads the built-in Korea 1953 agreement into a fresh embedded store, submits the
/// scenario (data/korea-1953/scenario/ and the prisoner scenario: the withdrawal from
/// the DMZ, incidents with their reports and cases, inspections at the ports of entry,
/// the commissions' meetings, the prisoner exchange and the NNRC's custody) as signed
/// entries, co-signs a checkpoint as both sides and the NNSC, replays and verifies the
/// journal, and prints incidents, findings by paragraph, cases by state, prisoners by
/// state and nationality, and the journal's size, root and verification. The keys are
/// derived from fixed names: for the demo only.
///
/// Example: `armistice demo --no-serve --json --data demo-data`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the store in DIR (created if missing; it must not hold a journal yet).
    /// Default: a new temporary directory, whose path is printed.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Only print the summary; do not serve the console.
    #[arg(long)]
    pub no_serve: bool,
    /// The console's port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8053)]
    pub port: u16,
    /// Print the summary as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// A key for `name`, from a fixed seed: SHA-256 leaf hash of a demo-only label. Anyone
/// can derive it, so nothing signed with it proves who signed; real keys come from
/// `armistice journal keygen`.
fn demo_key(name: &str) -> SecretKey {
    let Hash(seed) = Hash::leaf(format!("armistice demo key, not secret: {name}").as_bytes());
    SecretKey::from_seed(&seed)
}

/// A new directory name under the system's temporary directory.
fn temporary_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("armistice-demo-{}-{nanos}", std::process::id()))
}

/// The journal as stored and checked.
#[derive(Debug, Serialize)]
struct JournalView {
    entries: u64,
    root: String,
    checkpoint_size: u64,
    cosigned_by: Vec<String>,
    /// Whether the export verifies offline (`journal verify`).
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_error: Option<String>,
    export_bytes: usize,
    submitters: BTreeMap<String, u64>,
}

/// One incident: a case the MAC took up, with its reports and where it stands.
#[derive(Debug, Serialize)]
struct IncidentView {
    case: String,
    paragraph: String,
    alleged_by: String,
    against: String,
    reports: Vec<String>,
    state: &'static str,
    outcome: Option<&'static str>,
    responsible: Option<String>,
}

#[derive(Debug, Serialize)]
struct DemoView {
    data_dir: String,
    journal: JournalView,
    incidents: Vec<IncidentView>,
    prisoners_total: usize,
    /// How many provisions the talks record compiles to on the day of signing, when
    /// that is the built-in agreement (none when it is not).
    talks_compiled: Option<usize>,
    /// Everything derived, exactly as `armistice journal replay --json` prints it.
    #[serde(flatten)]
    replay: ReplayView,
}

pub fn run(args: DemoArgs) -> Result<Code> {
    let data_dir = match &args.data {
        Some(dir) => dir.clone(),
        None => temporary_dir(),
    };
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating data directory {}", data_dir.display()))?;
    if !args.json {
        println!("armistice demo: the 1953 Korean Armistice, first months, through the signed journal");
        println!("  data directory  {}", data_dir.display());
    }
    let started = Instant::now();
    let agreement = load_agreement(None)?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let store = open(&Location::Data(data_dir.clone()))
        .with_context(|| format!("opening the journal in {}", data_dir.display()))?;
    let size = store.size().context("reading the journal's size")?;
    if size > 0 {
        bail!(
            "{} already holds a journal of {size} entries: give a new or empty directory with --data, or leave it out",
            data_dir.display()
        );
    }
    submit(&agreement, store.as_ref(), &data_dir)?;
    let submitted = started.elapsed();
    let demo = summarise(&agreement, &atlas, store.as_ref(), &data_dir)?;
    let elapsed = started.elapsed();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&demo).context("writing JSON")?);
    } else {
        print_summary(&agreement, &demo);
        println!(
            "\n  {} entries written in {:.1} s; replayed and verified in {:.1} s more.",
            demo.journal.entries,
            submitted.as_secs_f64(),
            (elapsed - submitted).as_secs_f64()
        );
        println!("  Look again: armistice journal replay --data {}", data_dir.display());
    }
    if !args.no_serve {
        serve_console(agreement, atlas, &data_dir, args.port)?;
    }
    Ok(if demo.journal.verified { Code::Ok } else { Code::Error })
}

/// Reads the stored journal back (checked entry by entry), replays it, exports it and
/// verifies the export. The journal and its export are dropped on return, so the
/// console does not run beside a second copy of the record.
fn summarise(agreement: &Agreement, atlas: &Atlas, store: &dyn JournalStore, data_dir: &Path) -> Result<DemoView> {
    let journal = load_store(store).with_context(|| format!("checking the journal in {}", data_dir.display()))?;
    let replayed = replay(agreement, atlas, journal.entries(), None);
    let bytes = export(&journal);
    let verified = verify(&bytes);
    let checkpoint = journal.checkpoints().last();
    let journal_view = JournalView {
        entries: journal.size(),
        root: journal.root().to_hex(),
        checkpoint_size: checkpoint.map_or(0, |c| c.checkpoint.size),
        cosigned_by: checkpoint.map(|c| c.cosignatures.iter().map(|c| c.name.clone()).collect()).unwrap_or_default(),
        verified: verified.is_ok(),
        verify_error: verified.as_ref().err().map(|e| e.to_string()),
        export_bytes: bytes.len(),
        submitters: verified
            .as_ref()
            .map(|r| r.submitters.iter().map(|(name, _, n)| (name.clone(), *n)).collect())
            .unwrap_or_default(),
    };
    Ok(DemoView {
        data_dir: data_dir.display().to_string(),
        journal: journal_view,
        incidents: incidents(&replayed),
        prisoners_total: replayed.prisoners.iter().map(|(_, n)| n).sum(),
        talks_compiled: talks_compiled(agreement, &replayed),
        replay: view(agreement.document.id.as_str(), &replayed),
    })
}

/// The provisions the talks in the journal had agreed by the day of signing, counted,
/// when they are exactly the built-in agreement's.
fn talks_compiled(agreement: &Agreement, replayed: &Replay) -> Option<usize> {
    let signing = Day(agreement.signed_at().date_naive());
    let compiled = talks::compile_elements(replayed.talks.iter().map(|(_, e)| e), signing).ok()?;
    let reference = Merged::of_agreement(builtin::korea_1953().get(AGREEMENT_FILE)?).ok()?;
    talks::diff(&reference, &compiled).is_empty().then_some(compiled.len())
}

/// Serves the console and the API over the demo's store on 127.0.0.1:`port` (0: any
/// free port), prints the address on stdout, and runs until ctrl-c or SIGTERM. Takes
/// the agreement and zones the demo already built.
fn serve_console(agreement: Agreement, atlas: Atlas, data_dir: &Path, port: u16) -> Result<()> {
    super::serve::init_tracing();
    let server = KeyFile::read(&data_dir.join("server.key"))?;
    let location = Location::Data(data_dir.to_path_buf());
    let writer = open_store(&location).with_context(|| format!("opening the journal in {}", data_dir.display()))?;
    let reader = open_store(&location).with_context(|| format!("opening the journal in {}", data_dir.display()))?;
    let mut config = Config::new(server.key, Parties::from_agreement(&agreement));
    config.console = Some(Arc::new(Console::new(agreement, atlas)));
    let app = App::start(writer, reader, config).context("starting the server")?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    super::serve::serve_app(app, addr, &data_dir.display().to_string(), |bound| {
        println!("\nThe console: http://{bound}/  (ctrl-c stops it)");
        let _ = std::io::Write::flush(&mut std::io::stdout());
    })
}

/// Signs every item of the story as its submitter, appends each day's items in one
/// transaction received at the day's last item, then checkpoints and co-signs.
fn submit(agreement: &Agreement, store: &dyn JournalStore, data_dir: &Path) -> Result<()> {
    let terms = Terms::from_agreement(agreement);
    let items = story::build(&story::korea_1953(), &terms, agreement.signed_at()).context("reading the scenario")?;
    let server = KeyFile { name: "server".to_owned(), key: demo_key("server") };
    let server_path = data_dir.join("server.key");
    if !server_path.exists() {
        server.write_new(&server_path)?;
    }
    store.claim_server_key(&server.public()).context("claiming the journal for the demo's server key")?;
    let mut keys: BTreeMap<String, SecretKey> = BTreeMap::new();
    let mut writer = Writer::open(store).context("reading the journal")?;
    let mut last = None;
    for day in story::days(&items) {
        let mut submissions: Vec<(Submission, Signature)> = Vec::with_capacity(day.len());
        for item in day {
            let key = keys.entry(item.submitter.clone()).or_insert_with(|| demo_key(&item.submitter));
            let submission = Submission::new(item.kind, &item.submitter, key.public(), item.payload.clone(), None)
                .with_context(|| format!("the {} of {} at {}", item.kind, item.submitter, item.at))?;
            let signature = submission.sign(key).context("signing")?;
            submissions.push((submission, signature));
        }
        let Some(received) = day.iter().map(|i| i.at).max() else { continue };
        let received = Time::from_datetime(received.with_timezone(&Utc));
        writer.append(&submissions, received, &server.key).context("appending to the journal")?;
        last = Some(received);
    }
    let time = last.context("the scenario has no items")?;
    let signed = Checkpoint { root: writer.root(), size: writer.size(), time }.sign(&server.key);
    let number = store.append_checkpoint(&signed).context("storing the checkpoint")?;
    for name in COSIGNERS {
        let key = keys.entry(name.to_owned()).or_insert_with(|| demo_key(name));
        // The first checkpoint each signs: the proof from the empty tree is empty.
        let cosignature: CoSignature = cosign(None, &signed, &server.public(), &[], name, key)
            .with_context(|| format!("{name} co-signing the checkpoint"))?;
        store.append_cosignature(number, &cosignature).context("storing the co-signature")?;
    }
    Ok(())
}

fn incidents(r: &Replay) -> Vec<IncidentView> {
    r.cases
        .iter()
        .map(|c| IncidentView {
            case: c.id.clone(),
            paragraph: c.paragraph.to_string(),
            alleged_by: c.alleged_by.clone(),
            against: c.against.clone(),
            reports: c.reports.clone(),
            state: c.state.as_str(),
            outcome: c.outcome.map(|o| o.as_str()),
            responsible: c.responsible.clone(),
        })
        .collect()
}

fn print_summary(agreement: &Agreement, v: &DemoView) {
    println!(
        "  agreement       {}: signed {}, in effect {}",
        agreement.document.name,
        agreement.signed_at().format("%Y-%m-%d %H:%M %:z"),
        agreement.effective_at().format("%Y-%m-%d %H:%M %:z")
    );
    let j = &v.journal;
    println!("  journal         {} entries ({})", j.entries, counts(&v.replay.kinds));
    println!("  root            {}", j.root);
    println!("  checkpoint      size {}, co-signed by {}", j.checkpoint_size, j.cosigned_by.join(", "));
    match &j.verify_error {
        None => println!("  verified        yes: the export ({} bytes) checks offline", j.export_bytes),
        Some(error) => println!("  verified        NO: {error}"),
    }
    if !v.replay.talks.is_empty() {
        println!("\nThe talks, July 1951 to July 1953 (`armistice talks status --at DAY`)");
        println!("  recorded        {}", counts(&v.replay.talks));
        match &v.talks_compiled {
            Some(n) => println!(
                "  compiled        the provisions agreed by the signing give the built-in agreement ({n} provisions)"
            ),
            None => {
                println!("  compiled        the provisions agreed by the signing do NOT give the built-in agreement")
            }
        }
    }
    println!("\nIncidents taken to the Military Armistice Commission");
    for i in &v.incidents {
        let outcome = match (i.outcome, &i.responsible) {
            (Some(o), Some(side)) => format!(" ({o}, {side})"),
            (Some(o), None) => format!(" ({o})"),
            _ => String::new(),
        };
        println!(
            "  {:<6} {:<9} {} against {}: {}{outcome}; reports {}",
            i.case,
            i.paragraph,
            i.alleged_by,
            i.against,
            i.state,
            i.reports.join(", ")
        );
    }
    println!("\nFindings by paragraph ({} in all)", v.replay.findings.len());
    for (citation, n) in &v.replay.findings_by_citation {
        let rules: Vec<&str> = {
            let mut rules: Vec<&str> =
                v.replay.findings.iter().filter(|f| &f.citation == citation).map(|f| f.rule.as_str()).collect();
            rules.dedup();
            rules
        };
        println!("  {citation:<10} {n:>3}  {}", rules.join(", "));
    }
    println!("\nCases by state: {}", counts(&v.replay.cases_by_state));
    println!("\nPrisoners by state ({} in all)", v.prisoners_total);
    for (state, n) in &v.replay.prisoners_by_state {
        println!("  {state:<24} {n:>8}");
    }
    println!("\nPrisoners by nationality");
    for (nationality, states) in &v.replay.prisoners_by_nationality {
        println!("  {nationality:<16} {}", counts(states));
    }
    if !v.replay.errors.is_empty() {
        println!("\nEntries that could not be used: {}", v.replay.errors.len());
        for e in v.replay.errors.iter().take(10) {
            println!("  entry {} ({}): {}", e.entry, e.kind, e.error);
        }
    }
}
