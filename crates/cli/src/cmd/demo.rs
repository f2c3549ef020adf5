//! `armistice demo`: the 1953 armistice end to end. For now it shows the built-in
//! agreement and says what the full replay will add.

use anyhow::Result;
use clap::Args;

use crate::exit::Code;

#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(_args: DemoArgs) -> Result<Code> {
    super::agreement::run(super::agreement::AgreementCommand::Show(super::agreement::ShowArgs {
        agreement: None,
        json: false,
    }))?;
    println!(
        "\nThis is the built-in agreement the demo will run on. Coming next: zones and location\n\
         (armistice locate), report checking (armistice check), the prisoner ledger (armistice pow),\n\
         the signed journal and server, and a replay of the armistice's first months in the console."
    );
    Ok(Code::Ok)
}
