//! Who may do what on the record: the roles an armistice's parties and bodies hold
//! (`role.rs`) and the role × action permission matrix (`matrix.rs`).
//!
//! Pure: a role is checked against the loaded agreement (its side ids), and the matrix
//! is a function. Accounts, tokens and their storage belong to the shells. The matrix
//! is documented in docs/server.md, whose table a test holds to [`markdown_table`].

pub mod matrix;
pub mod role;

pub use matrix::{Action, allowed, markdown_table};
pub use role::{AccessError, Parties, Role, RoleKind};
