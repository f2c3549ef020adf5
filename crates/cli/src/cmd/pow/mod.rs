//! `armistice pow ...`: prisoners of war: the ledger's status, the exchange plan, and the
//! sides' lists reconciled.

pub mod input;
pub mod plan;
pub mod reconcile;
pub mod status;
pub mod table;

use anyhow::Result;
use clap::Subcommand;

use crate::exit::Code;

/// Prisoners of war: the ledger, its status, the exchange plan and the lists reconciled.
#[derive(Debug, Subcommand)]
#[command(after_help = "\
Examples:
  armistice pow status                  where every prisoner of the 1953 scenario ended up
  armistice pow status --at 1953-09-07  the same, the day after the Big Switch direct exchange
  armistice pow plan --capacity 1000    plan the 1953 exchange at 1,000 a day
  armistice pow reconcile docs/examples/pow-held.csv docs/examples/pow-missing.csv
                                        match one side's list against the other's

File formats: docs/pow-ledger.md (ledger), docs/pow-lists.md (lists)")]
pub enum PowCommand {
    /// Plan the exchange: daily batches per exchange point, sick and injured first.
    Plan(plan::PlanArgs),
    /// Where every prisoner is: counts by state, nationality and detaining side.
    Status(status::StatusArgs),
    /// Match one side's list of prisoners held against the other side's list of its
    /// missing, across romanizations and scripts.
    ///
    /// Each list is CSV with a header: `id` (required, unique), `name` or
    /// `family_name` + `given_name`, and any of `name_native`, `birth_date` (YYYY,
    /// YYYY-MM or YYYY-MM-DD), `serial_number`, `rank`, `unit`, `nationality`,
    /// `captured_on`, `captured_at`; other columns are ignored (see docs/pow-lists.md).
    /// Names are equated across Revised Romanization, McCune–Reischauer, ad-hoc Korean
    /// spellings, Hangul, Korean readings of Chinese characters, Pinyin, Wade–Giles and
    /// Chinese characters, in either order and with typos. Each person is matched at
    /// most once; pairs that are probable but not sure are listed for review. A bad row
    /// is reported as FILE:LINE on stderr and skipped.
    ///
    /// Example: `armistice pow reconcile docs/examples/pow-held.csv docs/examples/pow-missing.csv`
    ///
    /// Exit status: 0 reconciled; 2 unusable arguments or lists (a file that cannot be
    /// read, a header without `id` or a name column, or no usable row).
    Reconcile(reconcile::ReconcileArgs),
}

pub fn run(command: PowCommand) -> Result<Code> {
    match command {
        PowCommand::Plan(args) => plan::run(args),
        PowCommand::Status(args) => status::run(args),
        PowCommand::Reconcile(args) => reconcile::run(args),
    }
}
