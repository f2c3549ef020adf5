//! The exit codes `armistice` promises, in one place.

/// How a command ended. These are documented in `armistice --help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The command did what was asked.
    Ok = 0,
    /// A check found something, and the user asked to fail on it.
    Found = 1,
    /// Usage or input error: bad arguments, a file that cannot be read or is invalid.
    Error = 2,
}

impl From<Code> for std::process::ExitCode {
    fn from(code: Code) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
