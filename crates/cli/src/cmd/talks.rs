//! `armistice talks ...`: the negotiation that makes an armistice, as data
//! (docs/talks.md): its status on any day, what the sides agreed compiled into an
//! agreement directory, and the difference between two agreements.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use armistice_core::agreement::{AGREEMENT_FILE, AgreementFiles, builtin, load as load_agreement};
use armistice_core::replay::talks_elements;
use armistice_core::talks::{self, Day, Diff, Identity, ItemState, Merged, TALKS_FILE, Talks};
use armistice_store::load as load_store;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::journal::StoreArgs;
use crate::exit::Code;
use crate::source::read_dir;

/// The talks: agenda, sessions, proposals and what was agreed, compiled into an agreement.
#[derive(Debug, Subcommand)]
#[command(after_help = "\
Examples:
  armistice talks status --at 1952-06-01      where the 1951-53 talks stood that day
  armistice talks compile --out korea-1953/   the agreement as signed on 27 July 1953
  armistice talks compile --at 1951-11-27 --out provisional/
  armistice agreement check korea-1953/       the compiled agreement, checked
  armistice talks diff --from 1951-11-27 --to 1953-07-27
  armistice talks diff old-agreement/ new-agreement/
  armistice talks check my-talks/             validate another record
  armistice talks status --data DEMO-DIR      the talks as the demo's journal holds them

With no --talks, the built-in record of the 1951-53 Korean talks (data/korea-1953/talks/).
Format: docs/talks.md")]
pub enum TalksCommand {
    /// Check a talks record: every reference, date and set of provisions.
    Check(CheckArgs),
    /// Where the talks stood on a day: per agenda item agreed, contested or not yet
    /// discussed, each side's latest proposal and how their draft provisions differ.
    Status(StatusArgs),
    /// Compile every provision agreed by a day into an agreement directory that
    /// `armistice agreement check`, `check`, `locate` and `pow` read; provisions still
    /// contested are listed.
    Compile(CompileArgs),
    /// The difference between two agreements: provisions added, removed and changed.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct TalksSource {
    /// A talks directory (holding talks.toml); the built-in 1951-53 record when neither
    /// this nor a journal is given.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["data", "db"])]
    pub talks: Option<PathBuf>,
    /// Read the talks from the `talks` entries of the journal in this data directory
    /// (e.g. the demo's), corrections applied; geometry from the built-in agreement.
    #[arg(long, value_name = "DIR", conflicts_with = "db")]
    pub data: Option<PathBuf>,
    /// Read the talks from the journal in this PostgreSQL database.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example: armistice talks check data/korea-1953/talks/

Exit status: 0 the record is valid; 2 it is not (every problem is printed with its file,
line and element) or cannot be read.")]
pub struct CheckArgs {
    /// The talks directory (or its talks.toml) to check.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  armistice talks status --at 1952-06-01          the prisoner question deadlocked, the line agreed
  armistice talks status --at 1952-06-01 --json   the same as one JSON document
  armistice talks status --data DEMO-DIR          from the talks entries of a journal

Exit status: 0 done; 2 unusable record or arguments.")]
pub struct StatusArgs {
    #[command(flatten)]
    pub source: TalksSource,
    /// The day (YYYY-MM-DD); default: the record's last day.
    #[arg(long, value_name = "DAY")]
    pub at: Option<String>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  armistice talks compile --at 1953-07-27 --out signed/   the agreement as signed
  armistice talks compile --at 1952-06-01 --out mid/      what was agreed by then; the rest listed

Exit status: 0 compiled (the agreement may still be incomplete on an early day: the
output says so); 2 unusable record, arguments or output directory.")]
pub struct CompileArgs {
    #[command(flatten)]
    pub source: TalksSource,
    /// The day (YYYY-MM-DD); default: the record's last day.
    #[arg(long, value_name = "DAY")]
    pub at: Option<String>,
    /// The directory to write agreement.toml and its geometry files into (created if
    /// missing; files already there are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Give two agreement directories (or agreement.toml files), or --from and --to to compare
the agreement compiled from the talks on two days.

Examples:
  armistice talks diff signed/ data/korea-1953/
  armistice talks diff --from 1951-11-27 --to 1953-07-27 --json

Exit status: 0 no difference; 1 differences found; 2 unusable input.")]
pub struct DiffArgs {
    /// Two agreement directories or agreement.toml files: from the first to the second.
    #[arg(value_name = "AGREEMENT", num_args = 0..=2)]
    pub agreements: Vec<PathBuf>,
    #[command(flatten)]
    pub source: TalksSource,
    /// Compile the talks on this day as the first agreement.
    #[arg(long, value_name = "DAY", requires = "to")]
    pub from: Option<String>,
    /// Compile the talks on this day as the second agreement.
    #[arg(long, value_name = "DAY", requires = "from")]
    pub to: Option<String>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: TalksCommand) -> Result<Code> {
    match command {
        TalksCommand::Check(args) => check(args),
        TalksCommand::Status(args) => status(args),
        TalksCommand::Compile(args) => compile(args),
        TalksCommand::Diff(args) => diff(args),
    }
}

/// A talks record and the files its provisions name (geometry), as the agreement
/// loader reads them.
struct Loaded {
    talks: Talks,
    files: BTreeMap<String, String>,
}

fn talks_file(dir: &Path) -> PathBuf {
    if dir.is_dir() { dir.join(TALKS_FILE) } else { dir.to_path_buf() }
}

fn load_source(source: &TalksSource) -> Result<Loaded> {
    if source.data.is_none() && source.db.is_none() {
        return load_talks(source.talks.as_deref());
    }
    let store = StoreArgs { data: source.data.clone().unwrap_or_default(), db: source.db.clone() };
    let journal = load_store(store.open()?.as_ref()).with_context(|| format!("checking {}", store.describe()))?;
    let (elements, faults) = talks_elements(journal.entries());
    for fault in &faults {
        eprintln!("{}: entry {}: {}", store.describe(), fault.index, fault.problem);
    }
    let talks = talks::from_elements(&elements).map_err(|e| anyhow!("the talks in {}:\n{e}", store.describe()))?;
    Ok(Loaded { talks, files: builtin::korea_1953() })
}

fn load_talks(dir: Option<&Path>) -> Result<Loaded> {
    let Some(dir) = dir else {
        let (name, text) = talks::korea_1953();
        let talks = talks::load(name, text)
            .map_err(|e| anyhow!("the built-in talks record does not load; this is a bug in armistice:\n{e}"))?;
        return Ok(Loaded { talks, files: builtin::korea_1953() });
    };
    let file = talks_file(dir);
    let text = fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let talks = talks::load(&file.display().to_string(), &text).map_err(|e| anyhow!("{e}"))?;
    let base = file.parent().unwrap_or(Path::new(".")).join(talks.document.files.as_deref().unwrap_or("."));
    let files = if base.is_dir() { read_dir(&base)? } else { BTreeMap::new() };
    Ok(Loaded { talks, files })
}

fn day(text: Option<&str>, talks: &Talks) -> Result<Day> {
    match text {
        None => Ok(talks::last_day(talks)),
        Some(text) => Day::parse(text).map_err(|e| anyhow!("--at: {e}")),
    }
}

fn check(args: CheckArgs) -> Result<Code> {
    let loaded = load_talks(args.dir.as_deref())?;
    let d = &loaded.talks.document;
    let counts: BTreeMap<&str, usize> = BTreeMap::from([
        ("sources", d.sources.len()),
        ("delegations", d.delegations.len()),
        ("items", d.items.len()),
        ("sessions", d.sessions.len()),
        ("proposals", d.proposals.len()),
        ("responses", d.responses.len()),
        ("suspensions", d.suspensions.len()),
        ("site_changes", d.site_changes.len()),
        ("agreed", d.agreed.len()),
        ("events", d.events.len()),
    ]);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "id": d.id.to_string(), "valid": true, "counts": counts })
            )?
        );
    } else {
        println!("{} ({}): valid", d.name, d.id);
        for (table, count) in counts {
            println!("  {table:<13} {count}");
        }
    }
    Ok(Code::Ok)
}

#[derive(Serialize)]
struct StatusView {
    talks: String,
    at: String,
    opened: bool,
    place: Option<String>,
    suspended: Option<SuspensionView>,
    sessions: usize,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct SuspensionView {
    by: String,
    from: String,
    until: Option<String>,
    reason: String,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    title: String,
    state: &'static str,
    agreed_on: Option<String>,
    since: Option<String>,
    days_in_dispute: Option<i64>,
    latest: Vec<LatestView>,
    differences: Option<DiffView>,
    agreed: Vec<String>,
}

#[derive(Serialize)]
struct LatestView {
    side: String,
    proposal: String,
    date: String,
    text: String,
}

#[derive(Serialize)]
struct DiffView {
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<ChangedView>,
}

#[derive(Serialize)]
struct ChangedView {
    provision: String,
    fields: Vec<String>,
}

impl From<&Diff> for DiffView {
    fn from(d: &Diff) -> Self {
        DiffView {
            added: d.added.iter().map(Identity::to_string).collect(),
            removed: d.removed.iter().map(Identity::to_string).collect(),
            changed: d
                .changed
                .iter()
                .map(|(i, fields)| ChangedView { provision: i.to_string(), fields: fields.clone() })
                .collect(),
        }
    }
}

fn status(args: StatusArgs) -> Result<Code> {
    let loaded = load_source(&args.source)?;
    let talks = &loaded.talks;
    let at = day(args.at.as_deref(), talks)?;
    let state = talks::status(talks, at);
    let view = StatusView {
        talks: talks.document.id.to_string(),
        at: at.to_string(),
        opened: state.opened,
        place: state.place.as_ref().map(ToString::to_string),
        suspended: state.suspended.as_ref().map(|s| SuspensionView {
            by: s.by.to_string(),
            from: s.from.to_string(),
            until: s.until.map(|d| d.to_string()),
            reason: s.reason.clone(),
        }),
        sessions: state.sessions,
        items: state
            .items
            .iter()
            .map(|item| ItemView {
                id: item.id.to_string(),
                title: item.title.clone(),
                state: item.state.as_str(),
                agreed_on: match item.state {
                    ItemState::Agreed(on) => Some(on.to_string()),
                    _ => None,
                },
                since: item.since.map(|d| d.to_string()),
                days_in_dispute: item.days_in_dispute,
                latest: item
                    .latest
                    .iter()
                    .map(|l| LatestView {
                        side: l.side.to_string(),
                        proposal: l.proposal.to_string(),
                        date: l.date.to_string(),
                        text: talks.proposal(l.proposal.as_str()).map(|p| p.text.clone()).unwrap_or_default(),
                    })
                    .collect(),
                differences: item.differences.as_ref().map(DiffView::from),
                agreed: item.agreed.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(Code::Ok);
    }
    println!("{}, as of {}", talks.document.name, view.at);
    if !view.opened {
        println!("  the talks had not opened (they opened on {})", talks.document.opened);
    }
    let place = view.place.as_deref().unwrap_or("-");
    println!("  {} sessions held; at {place}", view.sessions);
    if let Some(s) = &view.suspended {
        let until = s.until.as_deref().map(|u| format!(" until {u}")).unwrap_or_default();
        println!("  suspended by {} from {}{until}: {}", s.by, s.from, s.reason);
    }
    for item in &view.items {
        let detail = match (&item.agreed_on, &item.since, item.days_in_dispute) {
            (Some(on), _, Some(days)) => format!("agreed {on} after {days} days in dispute"),
            (Some(on), _, None) => format!("agreed {on}"),
            (None, Some(since), Some(days)) => format!("contested since {since} ({days} days)"),
            _ => item.state.to_owned(),
        };
        println!("  item {:<3} {:<58} {detail}", item.id, truncate(&item.title, 58));
        for latest in &item.latest {
            if item.agreed_on.is_none() {
                println!(
                    "      {} ({}, {}): {}",
                    latest.side,
                    latest.proposal,
                    latest.date,
                    truncate(&latest.text, 70)
                );
            }
        }
        if let Some(d) = &item.differences {
            for c in &d.changed {
                println!("      differ on {}: {}", c.provision, c.fields.join(", "));
            }
            for a in &d.removed {
                println!("      only {} proposes {a}", item.latest[0].side);
            }
            for a in &d.added {
                println!("      only {} proposes {a}", item.latest.get(1).map_or("-", |l| l.side.as_str()));
            }
        }
    }
    Ok(Code::Ok)
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(width - 1).collect::<String>())
    }
}

/// Agreement files that note which paths the loader asked for.
struct Recording<'a> {
    files: &'a BTreeMap<String, String>,
    asked: RefCell<BTreeSet<String>>,
}

impl AgreementFiles for Recording<'_> {
    fn text(&self, path: &str) -> Option<&str> {
        self.asked.borrow_mut().insert(path.to_owned());
        self.files.get(path).map(String::as_str)
    }
}

#[derive(Serialize)]
struct CompileView {
    talks: String,
    at: String,
    out: String,
    provisions: usize,
    complete: bool,
    problems: Vec<String>,
    files: Vec<String>,
    contested: Vec<ContestedView>,
}

#[derive(Serialize)]
struct ContestedView {
    item: String,
    side: String,
    proposal: String,
    provision: String,
}

fn compile(args: CompileArgs) -> Result<Code> {
    let loaded = load_source(&args.source)?;
    let at = day(args.at.as_deref(), &loaded.talks)?;
    let compiled = talks::compile(&loaded.talks, at);
    let mut files = loaded.files.clone();
    files.insert(AGREEMENT_FILE.to_owned(), compiled.text.clone());
    let recording = Recording { files: &files, asked: RefCell::new(BTreeSet::new()) };
    let problems = match load_agreement(&recording) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.to_string().lines().map(str::to_owned).collect(),
    };
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut written = Vec::new();
    for path in recording.asked.borrow().iter() {
        let Some(text) = files.get(path) else { continue };
        let target = args.out.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&target, text).with_context(|| format!("writing {}", target.display()))?;
        written.push(path.clone());
    }
    if !written.iter().any(|p| p == AGREEMENT_FILE) {
        let target = args.out.join(AGREEMENT_FILE);
        fs::write(&target, &compiled.text).with_context(|| format!("writing {}", target.display()))?;
        written.insert(0, AGREEMENT_FILE.to_owned());
    }
    let view = CompileView {
        talks: loaded.talks.document.id.to_string(),
        at: at.to_string(),
        out: args.out.display().to_string(),
        provisions: compiled.provisions.len(),
        complete: problems.is_empty(),
        problems,
        files: written,
        contested: compiled
            .contested
            .iter()
            .map(|c| ContestedView {
                item: c.item.to_string(),
                side: c.side.to_string(),
                proposal: c.proposal.to_string(),
                provision: c.provision.to_string(),
            })
            .collect(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(Code::Ok);
    }
    println!(
        "{} provisions agreed by {} written to {} ({} files)",
        view.provisions,
        view.at,
        view.out,
        view.files.len()
    );
    if view.complete {
        println!("  a complete agreement: `armistice agreement check {}` accepts it", view.out);
    } else {
        println!("  not yet a complete agreement; `armistice agreement check` would say:");
        for problem in view.problems.iter().take(10) {
            println!("    {problem}");
        }
        if view.problems.len() > 10 {
            println!("    ... and {} more", view.problems.len() - 10);
        }
    }
    if !view.contested.is_empty() {
        println!("  contested, left out ({}):", view.contested.len());
        for c in &view.contested {
            println!("    item {}: {} proposes {} ({})", c.item, c.side, c.provision, c.proposal);
        }
    }
    Ok(Code::Ok)
}

fn read_agreement(path: &Path) -> Result<Merged> {
    let file = if path.is_dir() { path.join(AGREEMENT_FILE) } else { path.to_path_buf() };
    let text = fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    Merged::of_agreement(&text).map_err(|e| anyhow!("{}: {e}", file.display()))
}

fn diff(args: DiffArgs) -> Result<Code> {
    let (label_a, label_b, a, b) = match (args.agreements.as_slice(), &args.from, &args.to) {
        ([a, b], None, None) => {
            (a.display().to_string(), b.display().to_string(), read_agreement(a)?, read_agreement(b)?)
        }
        ([], Some(from), Some(to)) => {
            let loaded = load_source(&args.source)?;
            let from = Day::parse(from).map_err(|e| anyhow!("--from: {e}"))?;
            let to = Day::parse(to).map_err(|e| anyhow!("--to: {e}"))?;
            let a = talks::compile(&loaded.talks, from).provisions;
            let b = talks::compile(&loaded.talks, to).provisions;
            (format!("talks as of {from}"), format!("talks as of {to}"), a, b)
        }
        _ => bail!("give two agreements (directories or agreement.toml files), or --from DAY and --to DAY"),
    };
    let d = talks::diff(&a, &b);
    if args.json {
        let view =
            serde_json::json!({ "from": label_a, "to": label_b, "same": d.is_empty(), "diff": DiffView::from(&d) });
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else if d.is_empty() {
        println!("{label_a} and {label_b}: the same provisions ({} of them)", a.len());
    } else {
        println!("from {label_a} to {label_b}:");
        for i in &d.added {
            println!("  + {i}");
        }
        for i in &d.removed {
            println!("  - {i}");
        }
        for (i, fields) in &d.changed {
            println!("  ~ {i}: {}", fields.join(", "));
        }
    }
    Ok(if d.is_empty() { Code::Ok } else { Code::Found })
}
