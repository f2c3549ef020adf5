//! Prisoners of war: the sides' lists, the names on them across romanizations and
//! scripts, and the reconciliation of one side's list against the other's.
//!
//! - `list`: a list as CSV text, read into entries; bad rows named by line.
//! - `romanize` and `names`: canonical name keys and how alike two names are.
//! - `reconcile`: one-to-one matching of two lists, with blocking so that large lists
//!   need no quadratic work.

pub mod list;
pub mod names;
pub mod reconcile;
pub mod romanize;
