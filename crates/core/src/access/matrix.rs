//! The permission matrix: which role may read the record, submit which kind of entry,
//! and co-sign checkpoints. One function, [`allowed`]; the table in docs/server.md is
//! [`markdown_table`]'s output, and a server test walks every route with every role
//! against it.
//!
//! A correction may be submitted by any role that submits anything; the server adds
//! that a correction must come from the submitter of the entry it corrects.

use std::fmt;

use super::role::RoleKind;
use crate::journal::EntryKind;

/// What an account asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read entries, checkpoints and proofs.
    Read,
    /// Submit an entry of this kind (as itself).
    Submit(EntryKind),
    /// Co-sign a checkpoint after checking it extends the last one it signed.
    Cosign,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Read => f.write_str("read"),
            Action::Submit(kind) => write!(f, "submit {kind}"),
            Action::Cosign => f.write_str("cosign"),
        }
    }
}

impl Action {
    /// Every action, in the order of the documented table's columns.
    pub fn all() -> Vec<Action> {
        let mut all = vec![Action::Read];
        all.extend(EntryKind::ALL.into_iter().map(Action::Submit));
        all.push(Action::Cosign);
        all
    }
}

/// Whether `role` may do `action`.
pub fn allowed(role: RoleKind, action: Action) -> bool {
    use EntryKind as K;
    use RoleKind as R;
    match action {
        Action::Read => true,
        // The parties and the supervisory commission vouch for the record.
        Action::Cosign => matches!(role, R::MacMember | R::Nnsc),
        Action::Submit(K::Correction) => {
            EntryKind::ALL.into_iter().filter(|k| *k != K::Correction).any(|k| allowed(role, Action::Submit(k)))
        }
        Action::Submit(kind) => match role {
            R::MacMember => matches!(
                kind,
                K::Report | K::Allegation | K::Response | K::TeamDispatch | K::PrisonerEvent | K::ListUpload | K::Talks
            ),
            R::Staff => matches!(kind, K::Report | K::InvestigationReport | K::PrisonerEvent | K::ListUpload),
            R::Nnsc => matches!(kind, K::Report | K::InspectionReport),
            R::InspectionTeam => matches!(kind, K::InspectionReport),
            R::Nnrc => matches!(kind, K::PrisonerEvent | K::ListUpload),
            R::Secretariat => {
                matches!(kind, K::TeamDispatch | K::CommissionFinding | K::MeetingMinutes | K::Talks)
            }
            R::Observer => false,
        },
    }
}

/// The matrix as a Markdown table: one row per role, one column per action.
pub fn markdown_table() -> String {
    let actions = Action::all();
    let mut out = String::from("| role |");
    for action in &actions {
        out.push_str(&format!(" {action} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(actions.len()));
    out.push('\n');
    for role in RoleKind::ALL {
        out.push_str(&format!("| {role} |"));
        for action in &actions {
            out.push_str(if allowed(role, *action) { " yes |" } else { " no |" });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_observer_only_reads_and_everyone_reads() {
        for action in Action::all() {
            assert_eq!(allowed(RoleKind::Observer, action), action == Action::Read, "{action}");
        }
        assert!(RoleKind::ALL.into_iter().all(|r| allowed(r, Action::Read)));
    }

    #[test]
    fn every_kind_has_a_submitter_and_corrections_follow_submission() {
        for kind in EntryKind::ALL {
            assert!(RoleKind::ALL.into_iter().any(|r| allowed(r, Action::Submit(kind))), "{kind}");
        }
        for role in RoleKind::ALL {
            let submits =
                EntryKind::ALL.into_iter().any(|k| k != EntryKind::Correction && allowed(role, Action::Submit(k)));
            assert_eq!(allowed(role, Action::Submit(EntryKind::Correction)), submits, "{role}");
        }
    }

    #[test]
    fn the_table_has_a_row_per_role_and_a_column_per_action() {
        let table = markdown_table();
        assert_eq!(table.lines().count(), 2 + RoleKind::ALL.len());
        assert!(table.lines().all(|l| l.matches('|').count() == Action::all().len() + 2), "{table}");
        assert!(table.contains("| observer | yes | no |"), "{table}");
    }
}
