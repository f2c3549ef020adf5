//! Who moves a case: a side (through its senior member), a commission, or a team. The
//! actor is a value the payload states; the server later maps an account to the actor
//! it may act as, so nothing here knows about accounts or roles.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::agreement::Id;

/// An actor, written in JSON as `{"side": "unc"}`, `{"commission": "mac"}` or
/// `{"team": "jot"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    /// One side, acting through its senior member of the commission.
    Side(Id),
    /// A commission acting as a body.
    Commission(Id),
    /// A team of the kind the agreement names (`jot`, `nnit`).
    Team(Id),
}

impl Actor {
    /// The side, when the actor is one.
    pub fn side(&self) -> Option<&str> {
        match self {
            Self::Side(id) => Some(id.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Side(id) => write!(f, "side {id}"),
            Self::Commission(id) => write!(f, "commission {id}"),
            Self::Team(id) => write!(f, "team {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_are_one_key_objects() {
        let cases = [
            (r#"{"side":"unc"}"#, "side unc"),
            (r#"{"commission":"mac"}"#, "commission mac"),
            (r#"{"team":"jot"}"#, "team jot"),
        ];
        for (json, shown) in cases {
            let actor: Actor = serde_json::from_str(json).unwrap();
            assert_eq!(actor.to_string(), shown);
            assert_eq!(serde_json::to_string(&actor).unwrap(), json);
        }
        for bad in [r#"{"side":"UNC"}"#, r#"{"party":"unc"}"#, r#"{"side":"unc","team":"jot"}"#, r#""unc""#] {
            assert!(serde_json::from_str::<Actor>(bad).is_err(), "{bad}");
        }
    }
}
