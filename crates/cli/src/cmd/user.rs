//! `armistice user`: the server's accounts: add one (its token is shown once), revoke
//! one, list them.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use armistice_core::access::Parties;
use armistice_core::journal::{EntryKind, Submission};
use armistice_server::token;
use armistice_store::{Account, open_store};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::journal::{StoreArgs, now};
use crate::exit::Code;
use crate::keyfile::KeyFile;
use crate::source::load_agreement;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    Add(AddArgs),
    Revoke(RevokeArgs),
    List(ListArgs),
}

/// Add an account and print its token (once: only its SHA-256 is kept).
///
/// The name is the submitter name the account's entries carry, and the key the one
/// they are signed with. Roles: mac-member and staff (with --side), nnsc,
/// inspection-team, nnrc, secretariat, observer (see docs/server.md).
///
/// Example: `armistice user add UNC --role mac-member --side unc --key unc.key`
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The account's name, as its submissions name their submitter.
    pub name: String,
    /// mac-member, staff, nnsc, inspection-team, nnrc, secretariat or observer.
    #[arg(long)]
    pub role: String,
    /// The side (an id of the agreement's sides, e.g. unc) for mac-member and staff.
    #[arg(long)]
    pub side: Option<String>,
    /// The account's public key: a key file from `journal keygen` (only its public half
    /// is read) or a file holding a public key in hex.
    #[arg(long, value_name = "PUBKEYFILE")]
    pub key: PathBuf,
    /// The agreement directory whose sides --side names (default: the built-in Korea 1953).
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Revoke an account: its token stops working at once; its entries stay.
///
/// Example: `armistice user revoke UNC`
#[derive(Debug, Args)]
pub struct RevokeArgs {
    pub name: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// List the accounts (never their tokens).
///
/// Example: `armistice user list --json`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print one JSON document: an array of accounts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(command: UserCommand) -> Result<Code> {
    match command {
        UserCommand::Add(args) => add(args),
        UserCommand::Revoke(args) => revoke(args),
        UserCommand::List(args) => list(args),
    }
}

fn add(args: AddArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let role =
        Parties::from_agreement(&agreement).role(&args.role, args.side.as_deref()).map_err(|e| anyhow!("{e}"))?;
    let (key_name, key) = KeyFile::read_public(&args.key)?;
    // The same check a submission's name gets, so the account can submit as itself.
    Submission::new(EntryKind::Report, &args.name, key, String::new(), None).map_err(|e| anyhow!("NAME: {e}"))?;
    if let Some(key_name) = key_name
        && key_name != args.name
    {
        bail!("{} is the key of {key_name:?}, not of {:?}", args.key.display(), args.name);
    }
    let token = token::generate().map_err(|e| anyhow!("reading the system's random source: {e}"))?;
    let hash = token::hash(&token).context("hashing the new token")?;
    let account = Account {
        name: args.name.clone(),
        role: role.kind().as_str().to_owned(),
        side: role.side().map(|s| s.as_str().to_owned()),
        key,
        created_at: now()?,
        revoked_at: None,
    };
    let store = open_store(&args.store.location()).with_context(|| format!("opening {}", args.store.describe()))?;
    store.add_account(&account, &hash).with_context(|| format!("adding account {:?}", args.name))?;
    println!("{token}");
    eprintln!("added account {:?} as {role}; its token is above and is not shown again", args.name);
    Ok(Code::Ok)
}

fn revoke(args: RevokeArgs) -> Result<Code> {
    let store = open_store(&args.store.location()).with_context(|| format!("opening {}", args.store.describe()))?;
    store.revoke_account(&args.name, now()?).with_context(|| format!("revoking account {:?}", args.name))?;
    eprintln!("revoked account {:?}", args.name);
    Ok(Code::Ok)
}

#[derive(Debug, Serialize)]
struct AccountView {
    name: String,
    role: String,
    side: Option<String>,
    key: String,
    created_at: String,
    revoked_at: Option<String>,
}

fn list(args: ListArgs) -> Result<Code> {
    let store = open_store(&args.store.location()).with_context(|| format!("opening {}", args.store.describe()))?;
    let accounts = store.accounts().context("reading accounts")?;
    let views: Vec<AccountView> = accounts
        .into_iter()
        .map(|a| AccountView {
            name: a.name,
            role: a.role,
            side: a.side,
            key: a.key.to_hex(),
            created_at: a.created_at.to_canonical(),
            revoked_at: a.revoked_at.map(|t| t.to_canonical()),
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&views).context("writing JSON")?);
        return Ok(Code::Ok);
    }
    for v in &views {
        let role = match &v.side {
            Some(side) => format!("{} of {side}", v.role),
            None => v.role.clone(),
        };
        let state = v.revoked_at.as_ref().map_or_else(|| "active".to_owned(), |t| format!("revoked {t}"));
        println!("{:<20} {:<26} {}…  {state}", v.name, role, &v.key[..16]);
    }
    if views.is_empty() {
        eprintln!("no accounts");
    }
    Ok(Code::Ok)
}
