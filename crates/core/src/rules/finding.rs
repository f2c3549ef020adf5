//! A finding: a provision broken, shown by reports, at a time and place, with a reason
//! a person can read and the numbers that make it.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

use crate::agreement::{Citation, Position};
use crate::rules::report::Text;

/// One provision shown broken.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable: the same provision, reports and time always give the same id.
    pub id: Text,
    pub citation: Citation,
    /// The rule kind, as in the agreement file (`withdrawal`, `hostile-act`, ...).
    pub rule: &'static str,
    /// The side the rule holds responsible, when it can tell.
    pub responsible: Option<Text>,
    /// The reports that show it, in time order.
    pub reports: Vec<Text>,
    pub at: DateTime<FixedOffset>,
    pub position: Option<Position>,
    pub zone: Option<Text>,
    /// One sentence with the numbers.
    pub reason: String,
    /// The incident the first report belongs to (reports of one event grouped).
    pub incident: Text,
    /// Independent sources in that incident: distinct reporting parties and teams.
    pub sources: usize,
    /// Observer nationalities in that incident.
    pub nationalities: Vec<Text>,
}

/// FNV-1a, 64 bits: a stable id from text, the same on every machine and version.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let mut hash = Fnv::new();
    for part in parts {
        hash.part(part.as_bytes());
    }
    format!("{prefix}-{:016x}", hash.0)
}

/// The id a finding's hash (see [`finding_hash`]) gives: `f-` and 16 hex digits, so that
/// ids compare as their hashes do.
pub fn id_text(hash: u64) -> Text {
    let mut id = *b"f-0000000000000000";
    for (i, digit) in id[2..].iter_mut().enumerate() {
        *digit = b"0123456789abcdef"[(hash >> (60 - 4 * i)) as usize & 0xf];
    }
    // All ASCII.
    Text::from(std::str::from_utf8(&id).unwrap_or_default())
}

/// The hash of a finding's id: the same as `stable_id("f", [citation, rule, at in RFC
/// 3339, reports...])` (see [`id_text`]), hashed as the parts are written rather than
/// from parts written out first.
/// `citation` is the citation as it is written (`Citation`'s `Display`), which a caller
/// making many ids writes once.
pub fn finding_hash<'r>(
    citation: &str,
    rule: &str,
    at: &DateTime<FixedOffset>,
    reports: impl IntoIterator<Item = &'r str>,
) -> u64 {
    let mut hash = Fnv::new();
    hash.part(citation.as_bytes());
    hash.part(rule.as_bytes());
    with_rfc3339(at, |text| hash.part(text));
    for report in reports {
        hash.part(report.as_bytes());
    }
    hash.0
}

/// `use_text` given the bytes of `at.to_rfc3339()`, made without allocating in the usual
/// case (whole seconds, a year of four digits, an offset of whole minutes). The text is
/// ASCII digits, `-`, `+`, `T`, `:` and `.`: nothing a JSON string must escape.
pub fn with_rfc3339<R>(at: &DateTime<FixedOffset>, use_text: impl FnOnce(&[u8]) -> R) -> R {
    match rfc3339_seconds(at) {
        Some(text) => use_text(&text),
        None => use_text(at.to_rfc3339().as_bytes()),
    }
}

/// `at.to_rfc3339()` for the usual case (whole seconds, a year of four digits, an offset
/// of whole minutes), written without allocating; `None` for any other.
fn rfc3339_seconds(at: &DateTime<FixedOffset>) -> Option<[u8; 25]> {
    let local = at.naive_local();
    let offset = at.offset().local_minus_utc();
    let year = local.year();
    if at.nanosecond() != 0 || !(0..=9999).contains(&year) || offset % 60 != 0 {
        return None;
    }
    let mut text = *b"0000-00-00T00:00:00+00:00";
    let mut put = |at: usize, value: u32, width: usize| {
        let mut value = value;
        for i in (at..at + width).rev() {
            text[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, local.month(), 2);
    put(8, local.day(), 2);
    put(11, local.hour(), 2);
    put(14, local.minute(), 2);
    put(17, local.second(), 2);
    let minutes = offset.unsigned_abs() / 60;
    put(20, minutes / 60, 2);
    put(23, minutes % 60, 2);
    if offset < 0 {
        text[19] = b'-';
    }
    Some(text)
}

/// FNV-1a, 64 bits, over parts each ended by 0x1f.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The rest of a part, and its end.
    fn part(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.bytes(&[0x1f]);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The id written without its parts is the id of the parts written out, for any
        /// time (nanoseconds, leap seconds, years of five digits, offsets with seconds
        /// taking the slow way), citation and reports.
        #[test]
        fn finding_hash_is_stable_id_of_the_parts(
            days in -800_000i64..3_700_000,
            seconds in 0u32..86_400,
            nanos in prop_oneof![Just(0u32), 0u32..2_000_000_000],
            offset in prop_oneof![(-14i32..=14).prop_map(|h| h * 3600), (-50_000i32..50_000)],
            citation in prop_oneof![Just("II.13(a)"), Just("I.10"), Just("Annex.11"), Just("XXXIX.4294967295(zz9)")],
            rule in "[a-z-]{0,20}",
            reports in proptest::collection::vec("[ -~é]{0,30}", 0..4),
        ) {
            let Some(offset) = FixedOffset::east_opt(offset) else { return Ok(()) };
            let Some(date) = NaiveDate::from_num_days_from_ce_opt(days as i32) else { return Ok(()) };
            let Some(time) = chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos) else { return Ok(()) };
            let at = offset.from_utc_datetime(&date.and_time(time));
            let citation: Citation = citation.parse().unwrap();
            let reports: Vec<Text> = reports.iter().map(|r| Text::from(r.as_str())).collect();
            let mut parts = vec![citation.to_string(), rule.clone(), at.to_rfc3339()];
            parts.extend(reports.iter().map(ToString::to_string));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let (fast, slow) = (id_text(finding_hash(&citation.to_string(), &rule, &at, reports.iter().map(Text::as_str))), stable_id("f", &parts));
            prop_assert_eq!(fast.as_str(), slow.as_str());
        }
    }
}
