//! `armistice pow ...`: prisoners of war.

pub mod reconcile;

use anyhow::Result;
use clap::Subcommand;

use crate::exit::Code;

#[derive(Debug, Subcommand)]
pub enum PowCommand {
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
        PowCommand::Reconcile(args) => reconcile::run(args),
    }
}
