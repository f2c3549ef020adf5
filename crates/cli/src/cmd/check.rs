//! `armistice check`: reports in, findings out.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::geo::Atlas;
use armistice_core::rules::{Checker, Finding, Report};
use clap::Args;
use serde::Serialize;

use crate::exit::Code;
use crate::progress::Progress;
use crate::source::load_agreement;

/// Check reports (NDJSON, one per line; see docs/report-format.md) against every
/// provision the reports can show broken, and print the findings: each with the
/// paragraph it breaks, the reports that show it, when and where, and why, with the
/// numbers. A line that is not a valid report is rejected with its line number and
/// reason; the rest go on. The same reports always give the same findings, whatever
/// their order in the file.
///
/// Example: `armistice check data/korea-1953/reports-sample.ndjson --json`
///
/// Exit status: 0 checked; 1 findings present and --fail-on-findings given; 2 unusable
/// input or arguments (including a file in which no line is a valid report).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The reports, one JSON object per line; `-` for standard input.
    #[arg(value_name = "REPORTS.ndjson")]
    pub reports: PathBuf,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Print one JSON document: {"accepted": N, "rejected": [{line, error}], "findings": [...]}.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there is any finding.
    #[arg(long)]
    pub fail_on_findings: bool,
}

#[derive(Debug, Serialize)]
struct Rejected {
    line: usize,
    error: String,
}

#[derive(Debug, Serialize)]
struct FindingView {
    id: String,
    citation: String,
    rule: String,
    responsible: Option<String>,
    reports: Vec<String>,
    at: String,
    position: Option<[f64; 2]>,
    zone: Option<String>,
    reason: String,
    incident: String,
    sources: usize,
    nationalities: Vec<String>,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        Self {
            id: f.id.clone(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.clone(),
            reports: f.reports.clone(),
            at: f.at.to_rfc3339(),
            position: f.position.map(|p| [p.lon, p.lat]),
            zone: f.zone.clone(),
            reason: f.reason.clone(),
            incident: f.incident.clone(),
            sources: f.sources,
            nationalities: f.nationalities.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct CheckView {
    accepted: usize,
    rejected: Vec<Rejected>,
    findings: Vec<FindingView>,
}

/// Lines parsed per batch, split between the cores.
const BATCH: usize = 65_536;

/// Parse a batch of lines into `reports`, each checked for the agreement's names (a
/// misspelt side would match no rule); the rest into `rejected`.
fn parse_batch(lines: &[(usize, String)], checker: &Checker, reports: &mut Vec<Report>, rejected: &mut Vec<Rejected>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = lines.len().div_ceil(threads).max(1);
    let parsed: Vec<Vec<(usize, Result<Report, String>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter(|(_, l)| !l.trim().is_empty())
                        .map(|(n, l)| {
                            let report = Report::parse(l).and_then(|r| checker.check_names(&r).map(|()| r));
                            (*n, report.map_err(|e| e.to_string()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    for (line, result) in parsed.into_iter().flatten() {
        match result {
            Ok(report) => reports.push(report),
            Err(error) => rejected.push(Rejected { line, error }),
        }
    }
}

pub fn run(args: CheckArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let source = args.reports.display().to_string();
    let (reader, size): (Box<dyn Read>, Option<u64>) = if args.reports.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(&args.reports).with_context(|| format!("opening {source}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let progress = Progress::bytes(size, "reading reports");
    let reader = BufReader::with_capacity(1 << 20, progress.wrap_read(reader));
    let checker = Checker::new(&agreement, &atlas);
    // Room for about as many reports as a file of this size holds (report lines run to
    // some 300-400 bytes), so the list is seldom copied to grow; a generous guess would
    // ask the system for more memory than it may grant at once.
    let mut reports = Vec::with_capacity(size.map_or(0, |s| (s / 300) as usize));
    let mut rejected = Vec::new();
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH);
    for (n, line) in reader.lines().enumerate() {
        match line {
            Ok(line) => batch.push((n + 1, line)),
            Err(e) => rejected.push(Rejected { line: n + 1, error: format!("not UTF-8 text ({e})") }),
        }
        if batch.len() == BATCH {
            parse_batch(&batch, &checker, &mut reports, &mut rejected);
            batch.clear();
        }
    }
    parse_batch(&batch, &checker, &mut reports, &mut rejected);
    progress.finish();
    rejected.sort_by_key(|r| r.line);

    let findings = checker.check(&reports);
    let unusable = reports.is_empty() && !rejected.is_empty();
    if args.json {
        let view =
            CheckView { accepted: reports.len(), rejected, findings: findings.iter().map(FindingView::from).collect() };
        println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
    } else {
        for r in &rejected {
            eprintln!("{source}:{}: rejected: {}", r.line, r.error);
        }
        println!("{:<10} {:<20} {:<9} {:<26} {:<18} reason", "citation", "rule", "side", "time", "zone");
        for f in &findings {
            println!(
                "{:<10} {:<20} {:<9} {:<26} {:<18} {} [reports {}; {} source(s)]",
                f.citation.to_string(),
                f.rule,
                f.responsible.as_deref().unwrap_or("-"),
                f.at.to_rfc3339(),
                f.zone.as_deref().unwrap_or("-"),
                f.reason,
                f.reports.join(", "),
                f.sources
            );
        }
        eprintln!(
            "{source}: {} report(s) accepted, {} rejected, {} finding(s)",
            reports.len(),
            rejected.len(),
            findings.len()
        );
    }
    if unusable {
        // Nothing usable: say so by the exit status too.
        return Ok(Code::Error);
    }
    Ok(if args.fail_on_findings && !findings.is_empty() { Code::Found } else { Code::Ok })
}
