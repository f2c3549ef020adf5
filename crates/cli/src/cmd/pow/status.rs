//! `armistice pow status`: where every prisoner is, as of a time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::pow::{Finding, StateKind, Terms, invariants};
use clap::Args;
use serde::Serialize;

use super::input::{self, Rejected};
use super::table::thousands;
use crate::exit::Code;
use crate::source::load_agreement;

/// Fold prisoner records and events (NDJSON; see docs/pow-ledger.md) into the ledger and
/// show where every prisoner is: counts by state, by detaining side and by nationality,
/// the unaccounted-for on each side, and the findings (a refuser sent home, an insister
/// kept past the deadline, the fit before the sick, a clock missed, a unilateral release),
/// each with its citation. With no DATA, the built-in 1953 scenario: Little Switch, Big
/// Switch and the neutral commission's custody, with the historical totals.
///
/// A line that is not a valid record or event, and an event the ledger cannot accept
/// (an unknown prisoner, a step the states do not allow), is reported with its file,
/// line and reason; the rest go on.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  armistice pow status                                 the 1953 scenario, as of its last event
  armistice pow status --at 1953-05-04                 after Operation Little Switch
  armistice pow status --at 1953-09-07 --json          after Big Switch, as one JSON document
  armistice pow status prisoners.ndjson events.ndjson  your own records and events

Exit status: 0 done; 1 findings present and --fail-on-findings given; 2 unusable input or
arguments (including files in which no line is a valid record or event).

File format: docs/pow-ledger.md")]
pub struct StatusArgs {
    /// NDJSON files of prisoner records and events (`-` for standard input); the
    /// built-in 1953 scenario when none are given.
    #[arg(value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// The time to show (RFC 3339, or a day YYYY-MM-DD at midnight in the agreement's
    /// time zone): events after it are left out, clocks that ran out before it are
    /// checked. Default: the last event's time.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Print one JSON document instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there is any finding.
    #[arg(long)]
    pub fail_on_findings: bool,
}

#[derive(Debug, Serialize)]
struct StatusView {
    agreement: String,
    source: String,
    at: Option<String>,
    prisoners: usize,
    events: usize,
    /// Every state, zeros included.
    by_state: BTreeMap<String, usize>,
    /// Detaining side -> state -> count (non-zero only).
    by_detaining_side: BTreeMap<String, BTreeMap<String, usize>>,
    /// Nationality -> state -> count (non-zero only).
    by_nationality: BTreeMap<String, BTreeMap<String, usize>>,
    /// Detaining side -> the prisoners it cannot account for.
    unaccounted: BTreeMap<String, Vec<UnaccountedView>>,
    /// The counts add up to the prisoners held at the start.
    conserved: bool,
    findings: Vec<FindingView>,
    rejected: Vec<Rejected>,
}

#[derive(Debug, Serialize)]
struct UnaccountedView {
    id: String,
    nationality: String,
    names: Vec<String>,
    since: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct FindingView {
    id: String,
    citation: String,
    rule: String,
    responsible: Option<String>,
    at: String,
    reason: String,
    prisoners: Vec<String>,
    events: Vec<String>,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        Self {
            id: f.id.clone(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.clone(),
            at: f.at.to_rfc3339(),
            reason: f.reason.clone(),
            prisoners: f.prisoners.clone(),
            events: f.events.clone(),
        }
    }
}

pub fn run(args: StatusArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let terms = Terms::from_agreement(&agreement);
    let until = args.at.as_deref().map(|t| input::parse_time(t, &agreement)).transpose()?;
    let input = input::read(&args.data, &agreement, &terms)?;
    let source = input.source.clone();
    let (ledger, rejected) = input.fold(terms, until);

    let named = |counts: BTreeMap<String, BTreeMap<StateKind, usize>>| -> BTreeMap<String, BTreeMap<String, usize>> {
        counts.into_iter().map(|(k, by)| (k, by.into_iter().map(|(s, n)| (s.name().to_owned(), n)).collect())).collect()
    };
    let by_side = named(ledger.counts_by(|p| p.detaining_side.to_string()));
    let by_nationality = named(ledger.counts_by(|p| p.nationality.clone()));
    let mut unaccounted: BTreeMap<String, Vec<UnaccountedView>> =
        ledger.terms().sides.iter().map(|s| (s.clone(), Vec::new())).collect();
    for u in ledger.unaccounted() {
        unaccounted.entry(u.detaining_side).or_default().push(UnaccountedView {
            id: u.id,
            nationality: u.nationality,
            names: u.names,
            since: u.since.map(|t| t.to_rfc3339()),
            reason: u.reason,
        });
    }
    let by_state: BTreeMap<String, usize> = ledger.counts().iter().map(|(k, n)| (k.name().to_owned(), *n)).collect();
    // The core's recount: one state per prisoner, counts kept = counts recounted, and
    // the states add up to the prisoners held.
    let conserved = invariants::check(&ledger).is_ok();
    let findings = ledger.findings();
    let view = StatusView {
        agreement: agreement.document.id.to_string(),
        source,
        at: ledger.now().map(|t| t.to_rfc3339()),
        prisoners: ledger.n_prisoners(),
        events: ledger.n_events(),
        by_state,
        by_detaining_side: by_side,
        by_nationality,
        unaccounted,
        conserved,
        findings: findings.iter().map(FindingView::from).collect(),
        rejected,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
    } else {
        print_tables(&view, &ledger.counts());
    }
    if view.prisoners == 0 && !view.rejected.is_empty() {
        return Ok(Code::Error);
    }
    Ok(if args.fail_on_findings && !view.findings.is_empty() { Code::Found } else { Code::Ok })
}

fn print_tables(view: &StatusView, counts: &[(StateKind, usize)]) {
    for r in &view.rejected {
        match r.line {
            Some(line) => eprintln!("{}:{line}: rejected: {}", r.file, r.error),
            None => eprintln!("{}: rejected: {}", r.file, r.error),
        }
    }
    println!(
        "Prisoner ledger under {}, as of {}: {} prisoners, {} events ({})",
        view.agreement,
        view.at.as_deref().unwrap_or("the start"),
        thousands(view.prisoners),
        thousands(view.events),
        view.source
    );
    let sides: Vec<&String> = view.by_detaining_side.keys().collect();
    print!("\n{:<24} {:>9}", "state", "total");
    for side in &sides {
        print!(" {:>12}", format!("held by {side}"));
    }
    println!();
    for (kind, n) in counts {
        if *n == 0 {
            continue;
        }
        print!("{:<24} {:>9}", kind.name(), thousands(*n));
        for side in &sides {
            let count = view.by_detaining_side.get(*side).and_then(|m| m.get(kind.name())).copied().unwrap_or(0);
            print!(" {:>12}", thousands(count));
        }
        println!();
    }
    print!("{:<24} {:>9}", "all prisoners", thousands(view.prisoners));
    for side in &sides {
        print!(" {:>12}", thousands(view.by_detaining_side.get(*side).map_or(0, |m| m.values().sum())));
    }
    println!();
    println!(
        "{}",
        if view.conserved {
            "(counts conserve: every prisoner held at the start is in exactly one state)"
        } else {
            "(COUNTS DO NOT CONSERVE: this is a bug in armistice)"
        }
    );

    println!("\nBy nationality");
    for (nationality, states) in &view.by_nationality {
        let total: usize = states.values().sum();
        let parts: Vec<String> = counts
            .iter()
            .filter_map(|(k, _)| states.get(k.name()).map(|n| format!("{} {}", k.name(), thousands(*n))))
            .collect();
        println!("  {:<18} {:>9}  {}", nationality, thousands(total), parts.join(", "));
    }

    println!("\nUnaccounted for");
    for (side, list) in &view.unaccounted {
        println!("  held by {side}: {}", thousands(list.len()));
        for u in list.iter().take(10) {
            println!("    {:<28} {:<14} {}", u.id, u.nationality, u.names.join(" / "));
        }
        if list.len() > 10 {
            println!("    ... and {} more (--json lists them all)", thousands(list.len() - 10));
        }
    }

    println!("\nFindings: {}", view.findings.len());
    for f in &view.findings {
        println!(
            "  {:<10} {:<24} {:<8} {}  {} [{} prisoner(s)]",
            f.citation,
            f.rule,
            f.responsible.as_deref().unwrap_or("-"),
            f.at,
            f.reason,
            f.prisoners.len()
        );
    }
    if !view.rejected.is_empty() {
        eprintln!("{} line(s) or event(s) rejected", view.rejected.len());
    }
}
