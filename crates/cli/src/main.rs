//! The `armistice` command: parses arguments, calls the core, prints, and maps the
//! outcome to an exit code. Every piece of real work lives in `armistice-core`.

mod cmd;
mod exit;
mod keyfile;
mod progress;
mod source;

use clap::Parser;

/// mimalloc, not the system allocator: `check` makes millions of small allocations
/// reading reports (see ARCHITECTURE.md and BENCHMARKS.md). Built not to ask for
/// transparent huge pages (`no_thp` in Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::Code::Error.into()
        }
    }
}

/// Output piped into a reader that stops early (`armistice ... | head`) ends the command
/// quietly with status 0, as it does for `grep` and `ripgrep`, instead of a panic report
/// from `println!`.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
