//! A team's make-up against the agreement: how many members (at least `min_members`, at
//! most `max_members`) and how they split (half appointed by each side, or half from the
//! neutral nations each side nominated).

use std::collections::BTreeMap;

use super::payload::Member;
use super::terms::{TeamTerms, Terms};
use crate::agreement::document::TeamComposition;

/// What is wrong with a team's listed members, one sentence each; empty when nothing is.
pub fn problems(terms: &Terms, team: &TeamTerms, members: &[Member]) -> Vec<String> {
    let mut out = Vec::new();
    let n = members.len() as u32;
    let citation = &team.composition_citation;
    let range = match team.max_members {
        Some(max) if max == team.min_members => format!("exactly {max}"),
        Some(max) => format!("{} to {max}", team.min_members),
        None => format!("at least {}", team.min_members),
    };
    if n < team.min_members || team.max_members.is_some_and(|max| n > max) {
        out.push(format!("the {} team has {n} member(s); {citation} requires {range}", team.id));
    }
    let mut halves: BTreeMap<String, u32> = terms.sides.iter().map(|s| (s.clone(), 0)).collect();
    for member in members {
        let half = match team.composition {
            TeamComposition::HalfPerSide => match &member.side {
                Some(side) if terms.is_side(side.as_str()) => Some(side.to_string()),
                Some(side) => {
                    out.push(format!("member {} names `{side}`, not a side ({})", member.name, terms.sides_list()));
                    None
                }
                None => {
                    out.push(format!("member {} does not say which side appointed them", member.name));
                    None
                }
            },
            TeamComposition::HalfPerNominatingSide => match &member.nation {
                Some(nation) => match terms.nominated_by.get(nation.as_str()) {
                    Some(Some(side)) => Some(side.clone()),
                    Some(None) => {
                        out.push(format!("member {} is from {nation}, which no one side nominated", member.name));
                        None
                    }
                    None => {
                        out.push(format!("member {} names `{nation}`, not a neutral nation", member.name));
                        None
                    }
                },
                None => {
                    out.push(format!("member {} does not say which neutral nation they come from", member.name));
                    None
                }
            },
        };
        if let Some(half) = half {
            *halves.entry(half).or_default() += 1;
        }
    }
    let counts: Vec<u32> = halves.values().copied().collect();
    if counts.windows(2).any(|w| w[0] != w[1]) {
        let split: Vec<String> = halves.iter().map(|(side, n)| format!("{n} {side}")).collect();
        let how = match team.composition {
            TeamComposition::HalfPerSide => "half from each side",
            TeamComposition::HalfPerNominatingSide => "half from the neutrals each side nominated",
        };
        out.push(format!("the {} team splits {}; {citation} requires {how}", team.id, split.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{builtin, load};

    fn member(name: &str, side: Option<&str>, nation: Option<&str>) -> Member {
        Member {
            name: name.into(),
            nationality: "x".into(),
            side: side.map(|s| crate::agreement::Id::parse(s).unwrap()),
            nation: nation.map(|s| crate::agreement::Id::parse(s).unwrap()),
        }
    }

    #[test]
    fn team_sizes_and_halves_come_from_the_agreement() {
        let terms = Terms::from_agreement(&load(&builtin::korea_1953()).unwrap());
        let jot = &terms.teams["jot"];
        let nnit = &terms.teams["nnit"];
        let jot_member = |i: usize, side: &str| member(&format!("m{i}"), Some(side), None);
        let nnit_member = |i: usize, nation: &str| member(&format!("m{i}"), None, Some(nation));
        let four: Vec<Member> =
            ["unc", "unc", "kpa-cpv", "kpa-cpv"].iter().enumerate().map(|(i, s)| jot_member(i, s)).collect();
        let six: Vec<Member> = ["unc", "unc", "unc", "kpa-cpv", "kpa-cpv", "kpa-cpv"]
            .iter()
            .enumerate()
            .map(|(i, s)| jot_member(i, s))
            .collect();
        let mut seven = six.clone();
        seven.push(jot_member(7, "unc"));
        let lopsided: Vec<Member> =
            ["unc", "unc", "unc", "kpa-cpv"].iter().enumerate().map(|(i, s)| jot_member(i, s)).collect();
        let three: Vec<Member> = four[..3].to_vec();
        let unnamed =
            vec![jot_member(0, "unc"), jot_member(1, "kpa-cpv"), member("x", None, None), jot_member(3, "unc")];
        let neutrals: Vec<Member> = ["sweden", "switzerland", "poland", "czechoslovakia"]
            .iter()
            .enumerate()
            .map(|(i, n)| nnit_member(i, n))
            .collect();
        let neutral_lopsided: Vec<Member> =
            ["sweden", "switzerland", "sweden", "poland"].iter().enumerate().map(|(i, n)| nnit_member(i, n)).collect();
        let cases: Vec<(&TeamTerms, &[Member], &[&str])> = vec![
            (jot, &four, &[]),
            (jot, &six, &[]),
            (jot, &three, &["3 member(s); II.23 requires 4 to 6", "splits 1 kpa-cpv, 2 unc"]),
            (jot, &seven, &["7 member(s); II.23 requires 4 to 6", "splits 3 kpa-cpv, 4 unc"]),
            (jot, &lopsided, &["splits 1 kpa-cpv, 3 unc; II.23 requires half from each side"]),
            (jot, &unnamed, &["member x does not say which side", "splits 1 kpa-cpv, 2 unc"]),
            (nnit, &neutrals, &[]),
            (nnit, &neutral_lopsided, &["splits 1 kpa-cpv, 3 unc; II.40 requires half from the neutrals"]),
            (
                nnit,
                &four[..1],
                &["1 member(s); II.40 requires at least 4", "member m0 does not say which neutral nation"],
            ),
        ];
        for (team, members, expected) in cases {
            let found = problems(&terms, team, members);
            assert_eq!(found.len(), expected.len(), "{} {members:?}: {found:?}", team.id);
            for (found, expected) in found.iter().zip(expected) {
                assert!(found.contains(expected), "{found} should contain {expected}");
            }
        }
    }
}
