//! The talks: how an armistice is made (docs/talks.md). A negotiation recorded as data
//! (delegations, agenda items, sessions, proposals and answers, suspensions, changes of
//! site, agreed provisions, and the events the sources tie to them), its status on any
//! day, and what the sides agreed compiled into an agreement the rest of armistice
//! checks. Pure: the record arrives as text.

pub mod document;
pub mod fragment;
pub mod record;
pub mod status;

pub use document::{Day, Element, FORMAT, TalksDocument};
pub use fragment::{Diff, Fragment, Identity, Merged, diff};
pub use record::{TALKS_FILE, Talks, TalksError, TalksErrors, from_elements, load};
pub use status::{Compiled, Contested, ItemState, ItemStatus, Status, compile, compile_elements, last_day, status};

/// The 1951–53 Korean talks (`data/korea-1953/talks/talks.toml`), embedded: its file
/// name for errors, and its text. Its geometry is the built-in agreement's.
pub fn korea_1953() -> (&'static str, &'static str) {
    ("data/korea-1953/talks/talks.toml", include_str!("../../../../data/korea-1953/talks/talks.toml"))
}

/// The story items of a talks record: one `talks` entry per element, on its day at
/// 10:00 in `offset` (undated elements on the day the talks opened), signed by the side
/// it names or by `secretariat`, in date order.
pub fn story_items(
    talks: &Talks,
    offset: chrono::FixedOffset,
    secretariat: &str,
) -> Vec<(chrono::DateTime<chrono::FixedOffset>, String, String)> {
    talks
        .elements()
        .into_iter()
        .filter_map(|(date, element)| {
            let day = date.unwrap_or(talks.document.opened).0;
            let at = day.and_hms_opt(10, 0, 0)?.and_local_timezone(offset).single()?;
            let author = element.author().map_or_else(|| secretariat.to_owned(), ToString::to_string);
            let payload = serde_json::to_string(&element).ok()?;
            Some((at, author, payload))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{self, builtin};

    fn builtin_talks() -> Talks {
        let (file, text) = korea_1953();
        load(file, text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    const SMALL: &str = r#"
format = "armistice-talks/1"
id = "t"
name = "Test talks"
opened = 1951-07-10
sides = ["a", "b"]

[[source]]
id = "s"
title = "A source"

[[item]]
id = "1"
title = "The line"
adopted = 1951-07-26
source = "s"

[[session]]
date = 1951-07-10
level = "plenary"
place = "kaesong"
attendance = ["a", "b"]
source = "s"

[[proposal]]
id = "p-a"
side = "a"
item = "1"
date = 1951-07-27
text = "The line where it is."
source = "s"
provisions = '''
[[line]]
id = "mdl"
name = "Line"
kind = "demarcation"
file = "contact.geojson"
citation = "I.1"
'''

[[proposal]]
id = "p-b"
side = "b"
item = "1"
date = 1951-07-28
text = "The old parallel."
source = "s"
provisions = '''
[[line]]
id = "mdl"
name = "Line"
kind = "demarcation"
file = "parallel.geojson"
citation = "I.1"

[[zone]]
id = "dmz"
name = "Zone"
citation = "I.1"
buffer = { line = "mdl", half_width_m = 2000.0, left_half = "n", right_half = "s" }
'''

[[response]]
proposal = "p-b"
side = "a"
date = 1951-07-29
answer = "reject"
source = "s"

[[agreed]]
id = "ag-1"
item = "1"
date = 1951-11-27
proposal = "p-a"
text = "The line of contact."
source = "s"
"#;

    #[test]
    fn status_follows_an_item_from_not_discussed_to_contested_to_agreed() {
        let talks = load("t.toml", SMALL).unwrap();
        let before = status(&talks, day("1951-07-26"));
        assert_eq!(before.items[0].state, ItemState::NotYetDiscussed);
        assert_eq!(before.sessions, 1);
        assert_eq!(before.place.as_ref().map(ToString::to_string).as_deref(), Some("kaesong"));
        let contested = status(&talks, day("1951-08-07"));
        assert_eq!(contested.items[0].state, ItemState::Contested);
        assert_eq!(contested.items[0].days_in_dispute, Some(11));
        let latest: Vec<String> = contested.items[0].latest.iter().map(|l| l.proposal.to_string()).collect();
        assert_eq!(latest, ["p-a", "p-b"]);
        let d = contested.items[0].differences.as_ref().unwrap();
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].0.to_string(), "line mdl");
        assert_eq!(d.changed[0].1, ["file"]);
        assert_eq!(d.added.iter().map(ToString::to_string).collect::<Vec<_>>(), ["zone dmz"]);
        let agreed = status(&talks, day("1951-12-01"));
        assert_eq!(agreed.items[0].state, ItemState::Agreed(day("1951-11-27")));
        assert_eq!(agreed.items[0].days_in_dispute, Some(123));
        assert!(agreed.items[0].differences.is_none());
    }

    #[test]
    fn compile_takes_only_the_agreed_and_lists_the_contested() {
        let talks = load("t.toml", SMALL).unwrap();
        let early = compile(&talks, day("1951-08-01"));
        assert!(early.provisions.is_empty());
        let contested: Vec<String> =
            early.contested.iter().map(|c| format!("{} {} {}", c.side, c.proposal, c.provision)).collect();
        assert_eq!(contested, ["a p-a line mdl", "b p-b line mdl", "b p-b zone dmz"]);
        let late = compile(&talks, day("1951-11-27"));
        assert_eq!(late.provisions.len(), 1);
        assert!(late.contested.is_empty());
        assert!(late.text.contains("contact.geojson") && !late.text.contains("parallel.geojson"), "{}", late.text);
        let diff = diff(&early.provisions, &late.provisions);
        assert_eq!(diff.added.iter().map(ToString::to_string).collect::<Vec<_>>(), ["line mdl"]);
    }

    #[test]
    fn bad_records_name_the_entry_and_keep_every_problem() {
        let bad = SMALL
            .replace("date = 1951-07-10\nlevel", "date = 1951-07-09\nlevel")
            .replace("id = \"p-b\"\nside = \"b\"\nitem = \"1\"", "id = \"p-b\"\nside = \"b\"\nitem = \"9\"")
            .replace("file = \"contact.geojson\"", "file = 7");
        let errors = load("t.toml", &bad).unwrap_err();
        let text = errors.to_string();
        assert!(
            text.contains("session of 1951-07-09: dated 1951-07-09, before the talks opened on 1951-07-10"),
            "{text}"
        );
        assert!(text.contains("proposal p-b: item `9` is not an agenda item"), "{text}");
        assert!(text.contains("proposal p-a: provisions:") && text.contains("file"), "{text}");
        assert!(errors.0.iter().all(|e| e.at.file == "t.toml" && e.at.line.is_some()), "{errors:?}");
        // The agreed entry names a proposal whose provisions did not parse: not compiled,
        // and nothing panics.
        let unknown = SMALL.replace("answer = \"reject\"", "answer = \"maybe\"");
        let error = load("t.toml", &unknown).unwrap_err().to_string();
        assert!(error.contains("maybe") && error.contains("response"), "{error}");
    }

    #[test]
    fn talks_read_from_a_journal_name_the_entry_at_fault() {
        let talks = load("t.toml", SMALL).unwrap();
        let mut elements: Vec<(u64, Element)> =
            talks.elements().into_iter().enumerate().map(|(i, (_, e))| (i as u64 + 100, e)).collect();
        let (index, proposal) = elements.iter_mut().find(|(_, e)| matches!(e, Element::Proposal(_))).unwrap();
        if let Element::Proposal(p) = proposal {
            p.item = crate::agreement::Id::parse("9").unwrap();
        }
        let index = *index;
        let error = from_elements(&elements).unwrap_err().to_string();
        assert!(error.contains(&format!("journal entry {index}: proposal")) && error.contains("item `9`"), "{error}");
        assert!(from_elements(&[]).unwrap_err().to_string().contains("no dated talks entries"));
    }

    #[test]
    fn every_element_goes_through_a_journal_payload_unchanged() {
        let talks = builtin_talks();
        for (_, element) in talks.elements() {
            let json = serde_json::to_string(&element).unwrap();
            assert_eq!(serde_json::from_str::<Element>(&json).unwrap(), element, "{json}");
        }
    }

    /// Compiling the built-in record on the day of signing gives the built-in
    /// agreement: every provision of it is reached through the talks.
    #[test]
    fn the_1953_record_compiles_to_the_built_in_agreement() {
        let talks = builtin_talks();
        let compiled = compile(&talks, day("1953-07-27"));
        let mut files = builtin::korea_1953();
        let reference = Merged::of_agreement(&files[agreement::AGREEMENT_FILE]).unwrap();
        let d = diff(&reference, &compiled.provisions);
        assert!(d.is_empty(), "{d:#?}");
        assert!(compiled.contested.is_empty(), "{:?}", compiled.contested);
        files.insert(agreement::AGREEMENT_FILE.to_owned(), compiled.text.clone());
        let loaded = agreement::load(&files).unwrap_or_else(|e| panic!("{e}"));
        let builtin = agreement::load(&builtin::korea_1953()).unwrap();
        assert_eq!(loaded.document.provisions.len(), builtin.document.provisions.len());
        assert_eq!(loaded.effective_at(), builtin.effective_at());
        // The same from the elements as the journal carries them, read back as a record.
        let indexed: Vec<(u64, Element)> =
            talks.elements().into_iter().enumerate().map(|(i, (_, e))| (i as u64, e)).collect();
        let back = from_elements(&indexed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.document.opened, talks.document.opened);
        assert_eq!(back.document.sides, talks.document.sides);
        assert!(diff(&reference, &compile(&back, day("1953-07-27")).provisions).is_empty());
        assert_eq!(status(&back, day("1952-06-01")), status(&talks, day("1952-06-01")));
        let elements: Vec<Element> = talks.elements().into_iter().map(|(_, e)| e).collect();
        assert!(diff(&reference, &compile_elements(&elements, day("1953-07-27")).unwrap()).is_empty());
        // A day earlier, the agreement is not yet whole.
        let before = compile(&talks, day("1953-07-26"));
        assert!(!diff(&reference, &before.provisions).is_empty());
    }

    #[test]
    fn the_1953_record_on_1_june_1952() {
        let talks = builtin_talks();
        let state = status(&talks, day("1952-06-01"));
        let item = |id: &str| state.items.iter().find(|i| i.id == *id).unwrap();
        // Prisoners deadlocked the talks; the line had been agreed in November 1951.
        assert_eq!(item("4").state, ItemState::Contested);
        assert_eq!(item("4").latest.len(), 2);
        assert!(matches!(item("2").state, ItemState::Agreed(_)), "{:?}", item("2"));
        assert_eq!(state.place.as_ref().map(ToString::to_string).as_deref(), Some("panmunjom"));
    }
}
