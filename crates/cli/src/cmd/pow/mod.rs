//! `armistice pow ...`: the prisoner ledger's commands.

pub mod input;
pub mod plan;
pub mod status;
pub mod table;

use anyhow::Result;
use clap::Subcommand;

use crate::exit::Code;

/// Prisoners of war: the ledger, its status and the exchange plan.
#[derive(Debug, Subcommand)]
#[command(after_help = "\
Examples:
  armistice pow status                  where every prisoner of the 1953 scenario ended up
  armistice pow status --at 1953-09-07  the same, the day after the Big Switch direct exchange
  armistice pow plan --capacity 1000    plan the 1953 exchange at 1,000 a day

File format: docs/pow-ledger.md")]
pub enum PowCommand {
    /// Plan the exchange: daily batches per exchange point, sick and injured first.
    Plan(plan::PlanArgs),
    /// Where every prisoner is: counts by state, nationality and detaining side.
    Status(status::StatusArgs),
}

pub fn run(command: PowCommand) -> Result<Code> {
    match command {
        PowCommand::Plan(args) => plan::run(args),
        PowCommand::Status(args) => status::run(args),
    }
}
