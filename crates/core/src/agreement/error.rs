//! Everything that can be wrong with an agreement directory, each naming where.

use super::location::Location;

/// One problem in an agreement's files. Every variant names the file, and the line,
/// column and field where they are known, and says what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    #[error("{file}: file not found (named by {named_by})")]
    MissingFile { file: String, named_by: Location },

    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },

    #[error("{at}: field `{field}`: {message}")]
    Invalid { at: Location, field: String, message: String },

    #[error("{at}: field `{field}`: no {what} has id `{id}` (known: {known})")]
    UnknownReference { at: Location, field: String, what: &'static str, id: String, known: String },

    #[error("{at}: {what} id `{id}` is used twice (first at {first})")]
    Duplicate { at: Location, what: &'static str, id: String, first: Location },

    #[error(
        "{at}: line `{line_id}` crosses itself near ({lon:.6}, {lat:.6}), between segments {first_segment} and {second_segment}"
    )]
    SelfCrossing { at: Location, line_id: String, lon: f64, lat: f64, first_segment: usize, second_segment: usize },
}

impl AgreementError {
    /// Where the problem is.
    pub fn location(&self) -> Location {
        match self {
            Self::MissingFile { file, .. } => Location::file(file),
            Self::Syntax { at, .. }
            | Self::Invalid { at, .. }
            | Self::UnknownReference { at, .. }
            | Self::Duplicate { at, .. }
            | Self::SelfCrossing { at, .. } => at.clone(),
        }
    }
}

impl AgreementError {
    /// The field at fault, where one is known (`rule.withdrawal.zone`, `format`).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } | Self::UnknownReference { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the location prefix, for machine-readable output.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.location());
        full.strip_prefix(&prefix).map(str::to_owned).unwrap_or(full)
    }
}

/// All the problems found in one agreement, in file order, so that a user can fix them
/// in one pass rather than one run per mistake.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} problem(s) in the agreement:\n{}", .0.len(), render(.0))]
pub struct AgreementErrors(pub Vec<AgreementError>);

fn render(errors: &[AgreementError]) -> String {
    errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
}
