//! A talks record read and checked: every reference resolves, nothing but an event is
//! dated before the talks opened, every set of provisions parses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use toml::Spanned;

use super::document::{Agreed, Answer, Day, Element, FORMAT, Proposal, TalksDocument};
use super::fragment::{Fragment, FragmentError};
use crate::agreement::location::LineStarts;
use crate::agreement::{Id, Location};

/// The file name of a talks record within its directory.
pub const TALKS_FILE: &str = "talks.toml";

/// One problem with a talks record: where, which element, what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {entry}: {message}")]
pub struct TalksError {
    pub at: Location,
    /// The element at fault, e.g. `proposal p-2-unc-contact` or `session of 1951-07-10`.
    pub entry: String,
    pub message: String,
}

/// Every problem found, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TalksErrors(pub Vec<TalksError>);

impl fmt::Display for TalksErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// A checked talks record.
#[derive(Debug, Clone)]
pub struct Talks {
    pub document: TalksDocument,
    /// Each proposal's draft provisions, by proposal id (proposals without any: absent).
    pub drafts: BTreeMap<String, Fragment>,
    /// Each agreed entry's provisions (its own, or its proposal's), by agreed id.
    pub agreed: BTreeMap<String, Fragment>,
}

impl Talks {
    pub fn proposal(&self, id: &str) -> Option<&Proposal> {
        self.document.proposals.iter().map(Spanned::get_ref).find(|p| p.id == *id)
    }

    /// The agreed entries in the order they compile: by date, ties in file order.
    pub fn agreed_in_order(&self) -> Vec<&Agreed> {
        let mut agreed: Vec<&Agreed> = self.document.agreed.iter().map(Spanned::get_ref).collect();
        agreed.sort_by_key(|a| a.date);
        agreed
    }

    /// Every element as a journal payload, in date order (undated first, ties in file
    /// order), with its date.
    pub fn elements(&self) -> Vec<(Option<Day>, Element)> {
        let mut dated: Vec<(Option<Day>, Element)> =
            self.document.elements().into_iter().map(|(_, e)| (e.date(), e)).collect();
        dated.sort_by_key(|(date, _)| *date);
        dated
    }
}

/// Read and check `text`, the contents of `file`.
pub fn load(file: &str, text: &str) -> Result<Talks, TalksErrors> {
    let document: TalksDocument = toml::from_str(text).map_err(|e| {
        let mut bare = e.clone();
        bare.set_input(None);
        let rendered = bare.to_string();
        let entry = rendered
            .lines()
            .find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`')))
            .unwrap_or("talks")
            .to_owned();
        TalksErrors(vec![TalksError {
            at: Location::at_span(file, text, e.span()),
            entry,
            message: e.message().trim().to_owned(),
        }])
    })?;
    let mut check = Checker { file, text, lines: LineStarts::new(text), entries: false, errors: Vec::new() };
    let (drafts, agreed) = check.run(&document);
    if check.errors.is_empty() {
        Ok(Talks { document, drafts, agreed })
    } else {
        check.errors.sort_by(|a, b| a.at.cmp(&b.at));
        Err(TalksErrors(check.errors))
    }
}

/// A talks record made of the elements a journal holds (`replay::talks_elements`),
/// checked as a file is, each problem naming its entry. The header comes from the
/// elements: the talks opened on the earliest session (or the earliest dated element),
/// and the sides are those the elements name, in the order first named.
pub fn from_elements(elements: &[(u64, Element)]) -> Result<Talks, TalksErrors> {
    let journal = |message: &str| {
        TalksErrors(vec![TalksError {
            at: Location::file("journal"),
            entry: "talks".to_owned(),
            message: message.to_owned(),
        }])
    };
    let mut sides: Vec<Id> = Vec::new();
    let mut name = |side: &Id| {
        if side != "both" && !sides.contains(side) {
            sides.push(side.clone());
        }
    };
    let mut document = TalksDocument {
        format: FORMAT.to_owned(),
        id: Id::parse("journal").map_err(|e| journal(&e))?,
        name: "The talks in the journal".to_owned(),
        opened: Day(chrono::NaiveDate::MIN),
        sides: Vec::new(),
        files: None,
        sources: Vec::new(),
        delegations: Vec::new(),
        items: Vec::new(),
        sessions: Vec::new(),
        proposals: Vec::new(),
        responses: Vec::new(),
        suspensions: Vec::new(),
        site_changes: Vec::new(),
        agreed: Vec::new(),
        events: Vec::new(),
    };
    for (index, element) in elements {
        let at = *index as usize..*index as usize;
        match element.clone() {
            Element::Source(x) => document.sources.push(Spanned::new(at, x)),
            Element::Delegation(x) => {
                name(&x.side);
                document.delegations.push(Spanned::new(at, x));
            }
            Element::Item(x) => document.items.push(Spanned::new(at, x)),
            Element::Session(x) => {
                x.attendance.iter().for_each(&mut name);
                document.sessions.push(Spanned::new(at, x));
            }
            Element::Proposal(x) => {
                name(&x.side);
                document.proposals.push(Spanned::new(at, x));
            }
            Element::Response(x) => {
                name(&x.side);
                document.responses.push(Spanned::new(at, x));
            }
            Element::Suspension(x) => {
                name(&x.by);
                document.suspensions.push(Spanned::new(at, x));
            }
            Element::SiteChange(x) => document.site_changes.push(Spanned::new(at, x)),
            Element::Agreed(x) => document.agreed.push(Spanned::new(at, x)),
            Element::Event(x) => document.events.push(Spanned::new(at, x)),
        }
    }
    let first_session = document.sessions.iter().map(|s| s.get_ref().date).min();
    let first_dated =
        elements.iter().filter(|(_, e)| !matches!(e, Element::Event(_))).filter_map(|(_, e)| e.date()).min();
    document.opened =
        first_session.or(first_dated).ok_or_else(|| journal("the journal holds no dated talks entries"))?;
    document.sides = sides;
    let mut check =
        Checker { file: "journal", text: "", lines: LineStarts::new(""), entries: true, errors: Vec::new() };
    let (drafts, agreed) = check.run(&document);
    if check.errors.is_empty() { Ok(Talks { document, drafts, agreed }) } else { Err(TalksErrors(check.errors)) }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    lines: LineStarts,
    /// Spans are journal entry indices, not offsets into `text`.
    entries: bool,
    errors: Vec<TalksError>,
}

impl Checker<'_> {
    fn fail<T>(&mut self, at: &Spanned<T>, entry: &str, message: impl Into<String>) {
        self.fail_at(at.span().start, entry, message);
    }

    /// A problem at `at`: a byte offset in the file, or a journal entry's index.
    fn fail_at(&mut self, at: usize, entry: &str, message: impl Into<String>) {
        let location = if self.entries {
            Location::file(&format!("journal entry {at}"))
        } else {
            self.lines.locate(self.file, self.text, at)
        };
        self.errors.push(TalksError { at: location, entry: entry.to_owned(), message: message.into() });
    }

    fn unique<T>(&mut self, table: &str, elements: &[Spanned<T>], id: impl Fn(&T) -> &Id) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        for element in elements {
            let key = id(element.get_ref()).to_string();
            if !seen.insert(key.clone()) {
                self.fail(
                    element,
                    &format!("{table} {key}"),
                    format!("the id `{key}` is used by an earlier [[{table}]]"),
                );
            }
        }
        seen
    }

    fn fragment<T>(&mut self, at: &Spanned<T>, entry: &str, text: &str) -> Option<Fragment> {
        match Fragment::parse(text) {
            Ok(fragment) => Some(fragment),
            Err(FragmentError { line, message }) => {
                let line = line.map(|l| format!("line {l} of its provisions: ")).unwrap_or_default();
                self.fail(at, entry, format!("provisions: {line}{message}"));
                None
            }
        }
    }

    fn run(&mut self, d: &TalksDocument) -> (BTreeMap<String, Fragment>, BTreeMap<String, Fragment>) {
        if d.format != FORMAT {
            self.errors.push(TalksError {
                at: Location::file(self.file),
                entry: "format".to_owned(),
                message: format!("`{}` is not a known format; this version reads `{FORMAT}`", d.format),
            });
        }
        let sources = self.unique("source", &d.sources, |s| &s.id);
        let items = self.unique("item", &d.items, |i| &i.id);
        let proposals = self.unique("proposal", &d.proposals, |p| &p.id);
        self.unique("agreed", &d.agreed, |a| &a.id);
        let sides: BTreeSet<String> = d.sides.iter().map(ToString::to_string).collect();
        let opened = d.opened;

        // Checks every element shares: its source, and its date against the opening
        // (a delegation by its first member's; events may come before the talks).
        for (at, element) in d.elements() {
            let entry = element.label();
            if let Some(source) = element.source().filter(|s| !sources.contains(s.as_str())) {
                self.fail_at(at, &entry, format!("source `{source}` is not declared in a [[source]]"));
            }
            let date = match &element {
                Element::Event(_) => None,
                Element::Delegation(x) => x.members.iter().map(|m| m.from).min(),
                other => other.date(),
            };
            if let Some(date) = date.filter(|date| *date < opened) {
                self.fail_at(at, &entry, format!("dated {date}, before the talks opened on {opened}"));
            }
        }

        let side_ok = |id: &Id| sides.contains(id.as_str());
        let sides_list = d.sides.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        for element in &d.delegations {
            if !side_ok(&element.get_ref().side) {
                let side = element.get_ref().side.to_string();
                self.fail(
                    element,
                    &format!("delegation {side}"),
                    format!("side `{side}` is not one of the talks' sides ({sides_list})"),
                );
            }
        }
        for element in &d.sessions {
            let s = element.get_ref();
            let entry = format!("session of {}", s.date);
            for side in s.attendance.iter().filter(|s| !side_ok(s)) {
                self.fail(
                    element,
                    &entry,
                    format!("attendance: `{side}` is not one of the talks' sides ({sides_list})"),
                );
            }
            for item in s.items.iter().filter(|i| !items.contains(i.as_str())) {
                self.fail(element, &entry, format!("items: `{item}` is not an agenda item"));
            }
        }
        for element in &d.events {
            let e = element.get_ref();
            for item in e.items.iter().filter(|i| !items.contains(i.as_str())) {
                self.fail(element, &format!("event of {}", e.date), format!("items: `{item}` is not an agenda item"));
            }
        }
        let mut drafts = BTreeMap::new();
        for element in &d.proposals {
            let p = element.get_ref();
            let entry = format!("proposal {}", p.id);
            if !side_ok(&p.side) {
                self.fail(element, &entry, format!("side `{}` is not one of the talks' sides ({sides_list})", p.side));
            }
            if !items.contains(p.item.as_str()) {
                self.fail(element, &entry, format!("item `{}` is not an agenda item", p.item));
            }
            if let Some(text) = &p.provisions
                && let Some(fragment) = self.fragment(element, &entry, text)
            {
                drafts.insert(p.id.to_string(), fragment);
            }
        }
        let proposal_of = |id: &Id| d.proposals.iter().map(Spanned::get_ref).find(|p| p.id == *id.as_str());
        for element in &d.responses {
            let r = element.get_ref();
            let entry = format!("response of {} to {}", r.side, r.proposal);
            if !side_ok(&r.side) {
                self.fail(element, &entry, format!("side `{}` is not one of the talks' sides ({sides_list})", r.side));
            }
            match proposal_of(&r.proposal) {
                None => self.fail(element, &entry, format!("proposal `{}` is not in the record", r.proposal)),
                Some(p) if p.date > r.date => {
                    self.fail(element, &entry, format!("dated {}, before the proposal it answers ({})", r.date, p.date))
                }
                Some(_) => {}
            }
            match (r.answer, &r.counter) {
                (Answer::Counter, None) => {
                    self.fail(element, &entry, "a counter answer names its counter-proposal in `counter`")
                }
                (_, Some(counter)) if !proposals.contains(counter.as_str()) => {
                    self.fail(element, &entry, format!("counter: proposal `{counter}` is not in the record"))
                }
                _ => {}
            }
        }
        for element in &d.suspensions {
            let s = element.get_ref();
            let entry = format!("suspension from {}", s.from);
            if s.by != *"both" && !side_ok(&s.by) {
                self.fail(
                    element,
                    &entry,
                    format!("by: `{}` is neither one of the talks' sides ({sides_list}) nor `both`", s.by),
                );
            }
            if let Some(until) = s.until.filter(|until| *until < s.from) {
                self.fail(element, &entry, format!("until {until} is before from {}", s.from));
            }
        }
        let mut agreed = BTreeMap::new();
        for element in &d.agreed {
            let a = element.get_ref();
            let entry = format!("agreed {}", a.id);
            if !items.contains(a.item.as_str()) {
                self.fail(element, &entry, format!("item `{}` is not an agenda item", a.item));
            }
            let fragment = match (&a.proposal, &a.provisions) {
                (Some(_), Some(_)) => {
                    self.fail(element, &entry, "give either `proposal` or `provisions`, not both");
                    None
                }
                (None, None) => {
                    self.fail(element, &entry, "name the agreed `proposal` or write the agreed `provisions`");
                    None
                }
                (None, Some(text)) => self.fragment(element, &entry, text),
                (Some(id), None) => match proposal_of(id) {
                    None => {
                        self.fail(element, &entry, format!("proposal `{id}` is not in the record"));
                        None
                    }
                    Some(p) if p.item != a.item => {
                        self.fail(element, &entry, format!("proposal `{id}` is on item {}, not {}", p.item, a.item));
                        None
                    }
                    // A proposal without provisions agrees its text alone (an agenda).
                    Some(p) => match &p.provisions {
                        None => Some(Fragment { parts: Vec::new() }),
                        Some(_) => drafts.get(id.as_str()).cloned(),
                    },
                },
            };
            if let Some(fragment) = fragment {
                agreed.insert(a.id.to_string(), fragment);
            }
        }
        (drafts, agreed)
    }
}
