//! The command line: one module per subcommand, each a thin call into the core.

pub mod agreement;
pub mod check;
pub mod demarcate;
pub mod demo;
pub mod journal;
pub mod locate;
pub mod pow;
pub mod serve;
pub mod talks;
pub mod track;
pub mod user;
pub mod zones;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::exit::Code;

const AFTER_HELP: &str = "\
Exit status:
  0  the command did what was asked
  1  a check found something and --fail-on-findings was given
  2  usage or input error (bad arguments, unreadable or invalid files)

Examples:
  armistice demo                          see the 1953 armistice at work
  armistice agreement show                the built-in Korea 1953 agreement
  armistice agreement check my-armistice/ validate another agreement directory
  armistice pow reconcile A.csv B.csv     match prisoner lists across romanizations
  armistice journal verify journal.ndjson verify an exported record offline
  armistice talks status --at 1952-06-01  where the 1951-53 talks stood that day
  armistice serve --data armistice-data   serve the journal on 127.0.0.1:8053

Read more: README.md, ARCHITECTURE.md and docs/ in the source tree.";

/// Run and verify an armistice: its lines and zones, its deadlines and limits, its
/// commissions and its prisoners of war. The 1953 Korean Armistice is built in; any
/// other armistice is a directory of data files (see docs/agreement-format.md).
#[derive(Debug, Parser)]
#[command(name = "armistice", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show or check an agreement: parties, times, lines, zones, provisions.
    #[command(subcommand)]
    Agreement(agreement::AgreementCommand),
    /// Check reports against the agreement: findings with their citations.
    Check(check::CheckArgs),
    /// Replay the 1953 armistice's first months through the signed journal, and show them.
    Demo(demo::DemoArgs),
    /// Where a position lies: zone, side, distance to the line, nearest marker.
    Locate(locate::LocateArgs),
    /// Where and when tracks crossed the line and zone boundaries.
    Track(track::TrackArgs),
    /// Derive the demarcation line from the line of contact.
    Demarcate(demarcate::DemarcateArgs),
    /// Export the zones, line and markers as GeoJSON for a GIS.
    Zones(zones::ZonesArgs),
    /// Prisoners of war: the ledger's status, the exchange plan, the lists reconciled.
    #[command(subcommand)]
    Pow(pow::PowCommand),
    /// The signed record: make keys, append entries, co-sign, export, verify offline, replay.
    #[command(subcommand)]
    Journal(journal::JournalCommand),
    /// The talks that make an armistice: status on a day, compile what was agreed, diff.
    #[command(subcommand)]
    Talks(talks::TalksCommand),
    /// Serve the journal over HTTP: submissions, entries, proofs, co-signatures.
    Serve(serve::ServeArgs),
    /// The server's accounts: add (prints the token once), revoke, list.
    #[command(subcommand)]
    User(user::UserCommand),
}

pub fn run(cli: Cli) -> Result<Code> {
    match cli.command {
        Command::Agreement(command) => agreement::run(command),
        Command::Demo(args) => demo::run(args),
        Command::Check(args) => check::run(args),
        Command::Zones(args) => zones::run(args),
        Command::Locate(args) => locate::run(args),
        Command::Track(args) => track::run(args),
        Command::Demarcate(args) => demarcate::run(args),
        Command::Pow(command) => pow::run(command),
        Command::Journal(command) => journal::run(command),
        Command::Talks(command) => talks::run(command),
        Command::Serve(args) => serve::run(args),
        Command::User(command) => user::run(command),
    }
}
