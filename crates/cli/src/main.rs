//! The `armistice` command: parses arguments, calls the core, prints, and maps the
//! outcome to an exit code. Every piece of real work lives in `armistice-core`.

mod cmd;
mod exit;
mod keyfile;
mod progress;
mod source;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::Code::Error.into()
        }
    }
}
