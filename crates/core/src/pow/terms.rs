//! What the agreement says about prisoners, read from its typed rules: deadlines as
//! instants, clock periods, the custody commission, exchange points, and the citation
//! each finding will carry. Nothing here is specific to one armistice.

use chrono::{DateTime, FixedOffset};

use crate::agreement::rule::{Disposition, Rule};
use crate::agreement::{Agreement, Citation, Period};

/// A provision's citation with the instant its deadline falls on.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub citation: Citation,
    pub at: DateTime<FixedOffset>,
}

/// The prisoner provisions of one agreement. A provision the agreement lacks is `None`,
/// and the ledger then checks nothing for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub effective_at: DateTime<FixedOffset>,
    pub sides: Vec<String>,
    /// Everyone insisting on repatriation handed over by then (`direct-repatriation`).
    pub direct_repatriation: Option<Deadline>,
    /// The sick and injured who ask to go, first (`sick-and-injured-first`).
    pub sick_and_injured_first: Option<Citation>,
    /// Nobody sent home against their choice (`no-forced-repatriation`).
    pub no_forced_repatriation: Option<Citation>,
    /// Everyone else in the commission's custody by then (`custody-handover`).
    pub custody_handover: Option<Deadline>,
    /// The commission that takes custody; `commission` when the agreement names none.
    pub custody_commission: String,
    /// How long explanations last from the start of custody (`explanation`).
    pub explanation: Option<(Citation, Period)>,
    /// Referral, civilian status and departure periods (`disposition`).
    pub disposition: Option<(Citation, Disposition)>,
    /// Exchange points as (id, name), from `exchange-point` rules, else every
    /// `[[exchange_point]]` of the agreement.
    pub exchange_points: Vec<(String, String)>,
}

impl Terms {
    pub fn from_agreement(agreement: &Agreement) -> Self {
        let mut terms = Terms {
            effective_at: agreement.effective_at(),
            sides: agreement.document.sides.iter().map(|s| s.get_ref().id.to_string()).collect(),
            direct_repatriation: None,
            sick_and_injured_first: None,
            no_forced_repatriation: None,
            custody_handover: None,
            custody_commission: "commission".to_owned(),
            explanation: None,
            disposition: None,
            exchange_points: Vec::new(),
        };
        let deadline =
            |citation: &Citation, id: &str| agreement.instant(id).map(|at| Deadline { citation: citation.clone(), at });
        let mut named_points = Vec::new();
        for provision in agreement.provisions() {
            let citation = &provision.citation;
            match &provision.rule {
                Rule::DirectRepatriation(r) if terms.direct_repatriation.is_none() => {
                    terms.direct_repatriation = deadline(citation, r.deadline.as_str());
                }
                Rule::SickAndInjuredFirst(_) if terms.sick_and_injured_first.is_none() => {
                    terms.sick_and_injured_first = Some(citation.clone());
                }
                Rule::NoForcedRepatriation(_) if terms.no_forced_repatriation.is_none() => {
                    terms.no_forced_repatriation = Some(citation.clone());
                }
                Rule::CustodyHandover(r) if terms.custody_handover.is_none() => {
                    terms.custody_handover = deadline(citation, r.deadline.as_str());
                    terms.custody_commission = r.to.to_string();
                }
                Rule::Explanation(r) if terms.explanation.is_none() => {
                    terms.explanation = Some((citation.clone(), r.period));
                }
                Rule::Disposition(r) if terms.disposition.is_none() => {
                    terms.disposition = Some((citation.clone(), r.clone()));
                }
                Rule::ExchangePoint(r) => named_points.push(r.point.to_string()),
                _ => {}
            }
        }
        for point in agreement.document.exchange_points.iter().map(|p| p.get_ref()) {
            if named_points.is_empty() || named_points.iter().any(|n| point.id == *n.as_str()) {
                terms.exchange_points.push((point.id.to_string(), point.name.clone()));
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{builtin, load};

    #[test]
    fn korea_1953_terms_come_from_the_agreement_file() {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let terms = Terms::from_agreement(&agreement);
        let direct = terms.direct_repatriation.unwrap();
        assert_eq!(direct.citation.to_string(), "III.51(a)");
        assert_eq!(direct.at.to_rfc3339(), "1953-09-25T22:00:00+09:00");
        assert_eq!(terms.custody_handover.unwrap().citation.to_string(), "Annex.4");
        assert_eq!(terms.custody_commission, "nnrc");
        assert_eq!(terms.sick_and_injured_first.unwrap().to_string(), "III.53");
        assert_eq!(terms.no_forced_repatriation.unwrap().to_string(), "Annex.3");
        assert_eq!(terms.explanation.unwrap().1, Period::days(90));
        assert_eq!(terms.disposition.unwrap().1.civilian_status_after, Period::days(120));
        assert_eq!(terms.exchange_points, [("panmunjom".to_owned(), "Panmunjom".to_owned())]);
        assert_eq!(terms.sides, ["unc", "kpa-cpv"]);
    }
}
