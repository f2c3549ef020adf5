//! `armistice pow plan`: the exchange plan for everyone who insists on repatriation.

use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::pow::Terms;
use armistice_core::pow::plan::{Plan, plan};
use clap::Args;
use serde::Serialize;

use super::input::{self, Rejected};
use super::table::thousands;
use crate::exit::Code;
use crate::source::load_agreement;

/// Plan the direct exchange: batches per day per exchange point within its daily
/// capacity, the sick and injured who asked to go in the first batches, and everyone who
/// insists on repatriation handed over by the agreement's deadline, or a plain statement
/// of why that cannot be met (hand-overs needed a day against the capacity, and how late
/// the last batch would be). The deadline and the exchange points come from the
/// agreement. Prisoners who refused, or stated no choice, are listed as not planned.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  armistice pow plan                                   the 1953 scenario from the effective time
  armistice pow plan --capacity 1000                   what if Panmunjom took 1,000 a day?
  armistice pow plan --prisoners prisoners.ndjson --capacity 500 --json

Exit status: 0 planned; 1 the deadline cannot be met and --fail-on-findings given; 2 unusable
input or arguments.

File format: docs/pow-ledger.md")]
pub struct PlanArgs {
    /// NDJSON prisoner records (and events, which set each prisoner's state as of
    /// --start); the built-in 1953 scenario when not given.
    #[arg(long, value_name = "FILE")]
    pub prisoners: Option<PathBuf>,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Prisoners each exchange point can hand over a day (both sides together). The
    /// default is near the 1953 pace at Panmunjom (about 2,700 a day in Big Switch).
    #[arg(long, value_name = "N", default_value_t = 3000)]
    pub capacity: usize,
    /// When planning starts (RFC 3339 or YYYY-MM-DD); the agreement's effective time
    /// when not given. Batches start on the first whole day.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when the deadline cannot be met.
    #[arg(long)]
    pub fail_on_findings: bool,
}

#[derive(Debug, Serialize)]
struct PlanView {
    start: String,
    deadline: Option<String>,
    points: Vec<String>,
    capacity_per_point_per_day: usize,
    days_available: Option<usize>,
    to_hand_over: usize,
    sick_and_injured: usize,
    needed_per_day: Option<usize>,
    last_day: Option<String>,
    feasible: bool,
    statement: String,
    batches: Vec<BatchView>,
    not_planned: Vec<SkippedView>,
    rejected: Vec<Rejected>,
}

#[derive(Debug, Serialize)]
struct BatchView {
    id: String,
    day: String,
    point: String,
    detaining_side: String,
    receiving_side: String,
    size: usize,
    sick_and_injured: usize,
    late: bool,
    prisoners: Vec<String>,
}

#[derive(Debug, Serialize)]
struct SkippedView {
    prisoner: String,
    reason: String,
}

fn view(plan: Plan, rejected: Vec<Rejected>) -> PlanView {
    PlanView {
        start: plan.start.to_rfc3339(),
        deadline: plan.deadline.map(|d| d.to_rfc3339()),
        points: plan.points,
        capacity_per_point_per_day: plan.capacity_per_point_per_day,
        days_available: plan.days_available,
        to_hand_over: plan.to_hand_over,
        sick_and_injured: plan.sick_and_injured,
        needed_per_day: plan.needed_per_day,
        last_day: plan.last_day.map(|d| d.to_string()),
        feasible: plan.feasible,
        statement: plan.statement,
        batches: plan
            .batches
            .into_iter()
            .map(|b| BatchView {
                id: b.id,
                day: b.day.to_string(),
                point: b.point,
                detaining_side: b.detaining_side,
                receiving_side: b.receiving_side,
                size: b.prisoners.len(),
                sick_and_injured: b.sick_and_injured,
                late: b.late,
                prisoners: b.prisoners,
            })
            .collect(),
        not_planned: plan
            .skipped
            .into_iter()
            .map(|s| SkippedView { prisoner: s.prisoner, reason: s.reason.to_owned() })
            .collect(),
        rejected,
    }
}

pub fn run(args: PlanArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let terms = Terms::from_agreement(&agreement);
    let start = match args.start.as_deref() {
        Some(text) => input::parse_time(text, &agreement).context("--start")?,
        None => agreement.effective_at(),
    };
    let paths: Vec<PathBuf> = args.prisoners.iter().cloned().collect();
    let (ledger, rejected) = input::read(&paths, &agreement, &terms)?.fold(terms.clone(), Some(start));
    let plan = plan(&terms, ledger.iter(), start, args.capacity).context("planning the exchange")?;
    let feasible = plan.feasible;
    let unusable = ledger.n_prisoners() == 0 && !rejected.is_empty();
    let view = view(plan, rejected);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
    } else {
        for r in &view.rejected {
            eprintln!("{}:{}: rejected: {}", r.file, r.line.map_or_else(|| "-".to_owned(), |l| l.to_string()), r.error);
        }
        println!("{}\n", view.statement);
        println!("{:<12} {:<12} {:<9} {:>7} {:>7}  ", "day", "point", "from", "size", "sick");
        for b in &view.batches {
            println!(
                "{:<12} {:<12} {:<9} {:>7} {:>7}  {}",
                b.day,
                b.point,
                b.detaining_side,
                thousands(b.size),
                thousands(b.sick_and_injured),
                if b.late { "LATE" } else { "" }
            );
        }
        println!(
            "\n{} batch(es), {} prisoner(s) to hand over, {} not planned (refused or no choice stated)",
            view.batches.len(),
            thousands(view.to_hand_over),
            thousands(view.not_planned.len())
        );
    }
    if unusable {
        return Ok(Code::Error);
    }
    Ok(if args.fail_on_findings && !feasible { Code::Found } else { Code::Ok })
}
