//! An armistice agreement as data: the file format, its checks, and the built-in
//! agreements. Everything here works on text handed in by a shell.

pub mod builtin;
pub mod citation;
pub mod document;
pub mod error;
pub mod geometry;
pub mod load;
pub mod location;
pub mod period;
pub mod rule;
pub mod values;

pub use citation::Citation;
pub use document::{AgreementDocument, FORMAT};
pub use error::{AgreementError, AgreementErrors};
pub use load::{AGREEMENT_FILE, Agreement, AgreementFiles, load, parse_document};
pub use location::Location;
pub use period::Period;
pub use rule::Rule;
pub use values::{Id, Position, Timestamp};
