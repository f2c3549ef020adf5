//! The roles an account can hold: each side's commission members and staff, the
//! neutral supervisory commission and its inspection teams, the repatriation
//! commission, the commission secretariat and the read-only public observer. A side
//! role names one of the agreement's sides; no other role names a side.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::agreement::{Agreement, Id};

/// The kind of a role. The names are the wire names (`armistice user add --role`).
/// They are an armistice's generic bodies under the abbreviations of the 1953
/// agreement: a joint military armistice commission (MAC) whose members each side
/// appoints, a neutral nations supervisory commission (NNSC) with inspection teams, a
/// neutral nations repatriation commission (NNRC), and their common secretariat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKind {
    /// A senior member of one side's delegation to the armistice commission: speaks
    /// for the side (allegations, responses, team dispatch, co-signing checkpoints).
    MacMember,
    /// One side's staff: files reports, investigation reports and prisoner records.
    Staff,
    /// The neutral supervisory commission: inspection reports, co-signs checkpoints.
    Nnsc,
    /// A neutral inspection team at a port of entry or on a mobile mission.
    InspectionTeam,
    /// The neutral repatriation commission: custody of prisoners who refuse repatriation.
    Nnrc,
    /// The commission secretariat: meeting minutes, commission findings, dispatches.
    Secretariat,
    /// A read-only public observer.
    Observer,
}

impl RoleKind {
    pub const ALL: [RoleKind; 7] = [
        RoleKind::MacMember,
        RoleKind::Staff,
        RoleKind::Nnsc,
        RoleKind::InspectionTeam,
        RoleKind::Nnrc,
        RoleKind::Secretariat,
        RoleKind::Observer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::MacMember => "mac-member",
            RoleKind::Staff => "staff",
            RoleKind::Nnsc => "nnsc",
            RoleKind::InspectionTeam => "inspection-team",
            RoleKind::Nnrc => "nnrc",
            RoleKind::Secretariat => "secretariat",
            RoleKind::Observer => "observer",
        }
    }

    /// Whether the role belongs to one side (and so must name it).
    pub fn has_side(self) -> bool {
        matches!(self, RoleKind::MacMember | RoleKind::Staff)
    }
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RoleKind {
    type Err = AccessError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RoleKind::ALL.into_iter().find(|k| k.as_str() == text).ok_or_else(|| AccessError::UnknownRole(text.to_owned()))
    }
}

/// Why a role was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AccessError {
    #[error(
        "unknown role {0:?} (expected one of mac-member, staff, nnsc, inspection-team, nnrc, secretariat, observer)"
    )]
    UnknownRole(String),
    #[error("role {0} belongs to one side: name it (one of {1})")]
    SideMissing(RoleKind, String),
    #[error("role {0} belongs to no side, but side {1:?} was given")]
    SideNotAllowed(RoleKind, String),
    #[error("the agreement has no side {0:?} (its sides: {1})")]
    UnknownSide(String, String),
}

/// A checked role: a kind and, for a side's role, one of the agreement's sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Role {
    kind: RoleKind,
    side: Option<Id>,
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        self.kind
    }

    /// The side the role belongs to, for `mac-member` and `staff`.
    pub fn side(&self) -> Option<&Id> {
        self.side.as_ref()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.side {
            Some(side) => write!(f, "{} of {side}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// The parties of one agreement: what a role may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    sides: Vec<Id>,
}

impl Parties {
    /// The sides of `agreement`.
    pub fn from_agreement(agreement: &Agreement) -> Self {
        Self::new(agreement.document.sides.iter().map(|s| s.get_ref().id.clone()).collect())
    }

    pub fn new(sides: Vec<Id>) -> Self {
        Self { sides }
    }

    pub fn sides(&self) -> &[Id] {
        &self.sides
    }

    fn side_list(&self) -> String {
        self.sides.iter().map(Id::as_str).collect::<Vec<_>>().join(", ")
    }

    /// The role `kind` (a wire name) of `side`, checked: a side's role names one of
    /// the agreement's sides, any other role names none.
    pub fn role(&self, kind: &str, side: Option<&str>) -> Result<Role, AccessError> {
        let kind: RoleKind = kind.parse()?;
        match (kind.has_side(), side) {
            (true, None) => Err(AccessError::SideMissing(kind, self.side_list())),
            (false, Some(side)) => Err(AccessError::SideNotAllowed(kind, side.to_owned())),
            (false, None) => Ok(Role { kind, side: None }),
            (true, Some(side)) => match self.sides.iter().find(|s| s.as_str() == side) {
                Some(id) => Ok(Role { kind, side: Some(id.clone()) }),
                None => Err(AccessError::UnknownSide(side.to_owned(), self.side_list())),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parties() -> Parties {
        Parties::new(vec![Id::parse("unc").unwrap(), Id::parse("kpa-cpv").unwrap()])
    }

    #[test]
    fn roles_are_checked_against_the_sides() {
        let parties = parties();
        let member = parties.role("mac-member", Some("unc")).unwrap();
        assert_eq!((member.kind(), member.side().map(Id::as_str)), (RoleKind::MacMember, Some("unc")));
        assert_eq!(member.to_string(), "mac-member of unc");
        assert_eq!(parties.role("observer", None).unwrap().to_string(), "observer");
        let cases = [
            ("staff", None, AccessError::SideMissing(RoleKind::Staff, "unc, kpa-cpv".into())),
            ("nnsc", Some("unc"), AccessError::SideNotAllowed(RoleKind::Nnsc, "unc".into())),
            ("staff", Some("rok"), AccessError::UnknownSide("rok".into(), "unc, kpa-cpv".into())),
            ("admiral", None, AccessError::UnknownRole("admiral".into())),
        ];
        for (kind, side, expected) in cases {
            assert_eq!(parties.role(kind, side), Err(expected), "{kind} {side:?}");
        }
    }

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in RoleKind::ALL {
            assert_eq!(kind.as_str().parse::<RoleKind>(), Ok(kind));
        }
    }

    #[test]
    fn the_built_in_agreement_gives_its_two_sides() {
        let agreement = crate::agreement::load(&crate::agreement::builtin::korea_1953()).unwrap();
        let parties = Parties::from_agreement(&agreement);
        let sides: Vec<&str> = parties.sides().iter().map(Id::as_str).collect();
        assert_eq!(sides, ["unc", "kpa-cpv"]);
    }
}
