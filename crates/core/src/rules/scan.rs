//! The fast reader of report lines: one pass over the bytes, no intermediate JSON tree,
//! text borrowed from the line. It reads the common shape of a valid report; anything
//! it is not sure of (an escape in a string, a `null`, a repeated or unknown field, a
//! number in exponent form, a time with fractions of a second, an invalid value) makes it
//! give up, and [`Report::parse`] reads the line the careful way, which says exactly
//! what is wrong. What it accepts, the careful path accepts too, as the same report (a
//! test and a fuzz target hold it to that).

use chrono::{DateTime, FixedOffset};

use super::batch::Counted;
use super::report::{
    Category, Direction, Estimate, Event, Evidence, Observed, Observer, Report, Reporter, TrackFix, validate_parts,
};
use crate::agreement::{Position, Timestamp};

/// A report line read by [`scan`], its text borrowed from the line.
#[derive(Debug, Clone, Default)]
pub struct Scanned<'a> {
    pub id: &'a str,
    pub party: &'a str,
    pub team: Option<&'a str>,
    /// The `reported_by` object as written in the line: equal texts name one party, team
    /// and set of observers' nationalities.
    pub reporter: &'a str,
    /// (name, nationality) of each observer, held in place (a report with more than
    /// [`MAX_OBSERVERS`] takes the careful path).
    observers: [(&'a str, Option<&'a str>); MAX_OBSERVERS],
    observer_count: usize,
    /// The slot of [`Reporters`] holding the `reported_by` object, when it is held.
    pub(crate) known: Option<usize>,
    /// Observed: an instant, or the start and end of a window.
    pub observed: Option<(Time, Option<Time>)>,
    time_precision: Option<&'a str>,
    received: Option<Time>,
    pub position: Option<Position>,
    pub track: Vec<(Time, Position)>,
    location_precision_m: Option<f64>,
    alleged: Option<&'a str>,
    assessed: Option<&'a str>,
    /// (sha256, name) of each piece of evidence.
    evidence: Vec<(&'a str, Option<&'a str>)>,
    notes: Option<&'a str>,
    /// `Event::index` of the kind.
    pub kind: usize,
    pub side: Option<&'a str>,
    count: Option<u32>,
    category: Option<&'a str>,
    pub armed: Option<bool>,
    unit: Option<&'a str>,
    authorization: Option<&'a str>,
    pub military: Option<bool>,
    vehicle_type: Option<&'a str>,
    act: Option<&'a str>,
    origin: Option<Position>,
    direction_deg: Option<f64>,
    aircraft_type: Option<&'a str>,
    naval: Option<bool>,
    blockading: Option<bool>,
    vessel_type: Option<&'a str>,
    direction: Option<Direction>,
    hazard: Option<&'a str>,
    removed: Option<bool>,
    port: Option<&'a str>,
    item_type: Option<&'a str>,
    quantity: Option<u32>,
    killed: Option<Estimate>,
    wounded: Option<Estimate>,
}

/// The top-level fields, one bit each (a field given twice makes the reader give up);
/// the first [`ENVELOPE_END`] are the envelope's, which every kind of report may carry.
pub(crate) const FIELDS: [&str; 37] = [
    "id",
    "reported_by",
    "observed_at",
    "time_precision",
    "received_at",
    "position",
    "track",
    "location_precision_m",
    "alleged_responsible",
    "assessed_responsible",
    "evidence",
    "notes",
    "kind",
    "$schema",
    // The event's fields: bit 14 on.
    "side",
    "count",
    "category",
    "armed",
    "unit",
    "authorization",
    "military",
    "vehicle_type",
    "act",
    "origin",
    "direction_deg",
    "aircraft_type",
    "naval",
    "blockading",
    "vessel_type",
    "direction",
    "hazard",
    "removed",
    "port",
    "item_type",
    "quantity",
    "killed",
    "wounded",
];

/// A name the reader expects in a line (an object's key, or a string value from a short
/// list), held ready to be compared with the line 16 bytes at a time: a masked
/// comparison of two numbers instead of finding where the string ends, then comparing
/// text, then looking for the colon after a key.
#[derive(Clone, Copy)]
struct Name {
    /// `"name":` as [`block`] reads it from a line: its first 16 bytes, then the rest.
    pattern: [u128; 2],
    /// Ones over the bytes of `pattern` that a key takes (`"name":`), and those that a
    /// string value takes (`"name"`).
    key: [u128; 2],
    value: [u128; 2],
    text: &'static str,
}

/// How a [`Name`] is written: as a key and its colon, or as a string value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Key,
    Value,
}

impl Name {
    const fn new(text: &'static str) -> Self {
        let mut name = Name { pattern: [0; 2], key: [0; 2], value: [0; 2], text };
        let len = text.len() + 3;
        let mut i = 0;
        while i < len {
            let byte = match i {
                0 => b'"',
                _ if i <= text.len() => text.as_bytes()[i - 1],
                _ if i == text.len() + 1 => b'"',
                _ => b':',
            };
            name.pattern[i / 16] |= (byte as u128) << (8 * (i % 16));
            name.key[i / 16] |= 0xff << (8 * (i % 16));
            if i < len - 1 {
                name.value[i / 16] |= 0xff << (8 * (i % 16));
            }
            i += 1;
        }
        name
    }

    /// Bytes the name takes in this form.
    #[inline(always)]
    fn len(&self, form: Form) -> usize {
        self.text.len() + if form == Form::Key { 3 } else { 2 }
    }

    /// Whether the line `bytes` holds the name in this form at `at`, `head` being
    /// [`block`]`(bytes, at)`. A name holds no quote, backslash or control character,
    /// so a string that matches is exactly the name, as any JSON reader reads it.
    #[inline(always)]
    fn is_at(&self, head: u128, bytes: &[u8], at: usize, form: Form) -> bool {
        let mask = if form == Form::Key { self.key } else { self.value };
        (head ^ self.pattern[0]) & mask[0] == 0
            && (mask[1] == 0 || (block(bytes, at + 16) ^ self.pattern[1]) & mask[1] == 0)
    }
}

/// [`Name`]s for a list of texts.
const fn names<const N: usize>(texts: [&'static str; N]) -> [Name; N] {
    let mut out = [Name::new(""); N];
    let mut i = 0;
    while i < N {
        out[i] = Name::new(texts[i]);
        i += 1;
    }
    out
}

const FIELD_NAMES: [Name; FIELDS.len()] = names(FIELDS);

/// The slot in [`FIELD_SLOTS`] of the top-level key that `head` (a [`block`] from its
/// opening quote) starts, from its first three bytes (for `"id"`, its closing quote is
/// the third): a multiplicative hash, its multiplier picked so that no two fields with
/// different first three bytes share a slot.
const fn field_slot(head: u128) -> usize {
    ((head >> 8) as u32 & 0xff_ffff).wrapping_mul(0x3118_3e39) as usize >> 26
}

/// No field in this place of a slot.
const NO_FIELD: (u8, u8) = (u8::MAX, 0);

/// The fields whose first three bytes hash to each slot, as (place in [`FIELDS`],
/// bytes of `"name":`): one, or two for `direction` and `direction_deg`, which share
/// them. The length is here so that the reader's place after a key does not wait on
/// reading its [`Name`]. Built when compiling, which fails should a third field land in
/// a slot.
const FIELD_SLOTS: [[(u8, u8); 2]; 64] = {
    let mut slots = [[NO_FIELD; 2]; 64];
    let mut i = 0;
    while i < FIELDS.len() {
        let slot = &mut slots[field_slot(FIELD_NAMES[i].pattern[0])];
        let entry = (i as u8, FIELDS[i].len() as u8 + 3);
        if slot[0].0 == NO_FIELD.0 {
            slot[0] = entry;
        } else if slot[1].0 == NO_FIELD.0 {
            slot[1] = entry;
        } else {
            panic!("three fields share a slot of FIELD_SLOTS: pick another multiplier in field_slot");
        }
        i += 1;
    }
    slots
};

const REPORTER_KEYS: [Name; 3] = names(["party", "team", "observers"]);
const OBSERVER_KEYS: [Name; 2] = names(["name", "nationality"]);
const WINDOW_KEYS: [Name; 2] = names(["from", "to"]);
const TRACK_KEYS: [Name; 2] = names(["at", "position"]);
const EVIDENCE_KEYS: [Name; 2] = names(["sha256", "name"]);
const ESTIMATE_KEYS: [Name; 3] = names(["low", "best", "high"]);
const DIRECTIONS: [Name; 2] = names(["in", "out"]);

/// The envelope's fields are `FIELDS[..ENVELOPE_END]`.
pub(crate) const ENVELOPE_END: usize = 12;

/// The first event field's bit.
const EVENT_BIT: u32 = 14;

/// The bits of the named fields.
const fn bits(names: &[&str]) -> u64 {
    let mut out = 0u64;
    let mut i = 0;
    while i < names.len() {
        let mut j = 0;
        while j < FIELDS.len() {
            if str_eq(FIELDS[j], names[i]) {
                out |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    out
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The fields every report must carry.
const ENVELOPE_REQUIRED: u64 = bits(&["id", "reported_by", "observed_at", "received_at", "kind"]);

/// Each kind's event fields: those it may carry, and those it must.
const KIND_FIELDS: [(u64, u64); Event::KINDS] = [
    (bits(&["side", "count", "category", "armed", "unit", "authorization"]), bits(&["side", "count", "category"])),
    (bits(&["side", "count", "military", "vehicle_type"]), bits(&["side", "count"])),
    (bits(&["side", "act", "origin", "direction_deg"]), bits(&["act"])),
    (bits(&["side", "military", "aircraft_type"]), bits(&["side"])),
    (bits(&["side", "naval", "blockading", "vessel_type"]), bits(&["side"])),
    (bits(&["side", "count", "category", "authorization"]), bits(&["side", "count", "category"])),
    (
        bits(&["side", "count", "category", "direction", "armed", "authorization"]),
        bits(&["side", "count", "category", "direction"]),
    ),
    (bits(&["side", "hazard", "removed"]), bits(&["side", "hazard"])),
    (bits(&["side", "port", "direction", "count"]), bits(&["side", "port", "direction", "count"])),
    (
        bits(&["side", "port", "direction", "category", "item_type", "quantity"]),
        bits(&["side", "port", "direction", "category", "item_type", "quantity"]),
    ),
    (bits(&["side", "killed", "wounded"]), bits(&["side", "killed"])),
];

const KIND_NAMES: [Name; Event::KINDS] = names([
    "personnel",
    "vehicle",
    "hostile-act",
    "aircraft",
    "vessel",
    "crossing",
    "zone-entry",
    "hazard",
    "rotation",
    "materiel",
    "casualties",
]);

/// Powers of ten that are exact in an f64, as the JSON reader divides by them.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Read one report line, or `None` when the careful path must read it (it may still be
/// a valid report).
pub fn scan(line: &str) -> Option<Scanned<'_>> {
    let mut s = Scanned::default();
    scan_into(line, &mut s)?;
    Some(s)
}

/// [`scan`] into `s`, which must be fresh (`Scanned::default()`): a scanned report is
/// some 700 bytes, which a reader of millions of lines does better not to copy out of a
/// returned value (twice, as `scan`'s caller did). `None` leaves `s` partly filled, to
/// be dropped.
pub fn scan_into<'a>(line: &'a str, s: &mut Scanned<'a>) -> Option<()> {
    scan_in(line, s, None)
}

/// [`scan_into`], with the reporters of lines read before at hand: a line whose
/// `reported_by` object is, byte for byte, one read before is not read again.
pub fn scan_into_with<'a>(line: &'a str, s: &mut Scanned<'a>, known: &mut Reporters) -> Option<()> {
    scan_in(line, s, Some(known))
}

fn scan_in<'a>(line: &'a str, s: &mut Scanned<'a>, mut known: Option<&mut Reporters>) -> Option<()> {
    let mut c = Cursor { text: line, bytes: line.as_bytes(), at: 0 };
    let mut kind = None;
    let seen = c.record(Cursor::field, |c, bit| {
        match bit {
            0 => s.id = c.string()?,
            1 => {
                let from = c.at;
                if let Some((slot, reporter)) = known.as_deref().and_then(|k| k.at(c.bytes, from)) {
                    c.at = reporter.fill(line, from, s)?;
                    s.known = Some(slot);
                    return Some(());
                }
                let fields = c.record(
                    |c| c.key(&REPORTER_KEYS),
                    |c, field| {
                        match field {
                            0 => s.party = c.string()?,
                            1 => s.team = Some(c.string()?),
                            _ => c.array(|c| {
                                let texts = c.strings(&OBSERVER_KEYS)?;
                                *s.observers.get_mut(s.observer_count)? = (texts[0]?, texts[1]);
                                s.observer_count += 1;
                                Some(())
                            })?,
                        }
                        Some(())
                    },
                )?;
                if fields & 1 == 0 {
                    return None;
                }
                s.reporter = c.text.get(from..c.at)?;
                if let Some(known) = known.as_deref_mut() {
                    s.known = known.remember(line, from, s);
                }
            }
            2 => {
                s.observed = Some(match c.peek()? {
                    b'"' => (c.time()?, None),
                    b'{' => {
                        let mut times = [None; 2];
                        c.record(
                            |c| c.key(&WINDOW_KEYS),
                            |c, k| {
                                times[k] = Some(c.time()?);
                                Some(())
                            },
                        )?;
                        (times[0]?, Some(times[1]?))
                    }
                    _ => return None,
                });
            }
            3 => s.time_precision = Some(c.string()?),
            4 => s.received = Some(c.time()?),
            5 => s.position = Some(c.position()?),
            6 => c.array(|c| {
                let (mut at, mut position) = (None, None);
                c.record(
                    |c| c.key(&TRACK_KEYS),
                    |c, k| {
                        if k == 0 {
                            at = Some(c.time()?);
                        } else {
                            position = Some(c.position()?);
                        }
                        Some(())
                    },
                )?;
                s.track.push((at?, position?));
                Some(())
            })?,
            7 => s.location_precision_m = Some(c.f64()?),
            8 => s.alleged = Some(c.string()?),
            9 => s.assessed = Some(c.string()?),
            10 => c.array(|c| {
                let texts = c.strings(&EVIDENCE_KEYS)?;
                s.evidence.push((texts[0]?, texts[1]));
                Some(())
            })?,
            11 => s.notes = Some(c.string()?),
            12 => kind = Some(c.name(&KIND_NAMES)?),
            13 => {
                // `$schema` may hold anything; read here only as text.
                c.string()?;
            }
            14 => s.side = Some(c.string()?),
            15 => s.count = Some(c.u32()?),
            16 => s.category = Some(c.string()?),
            17 => s.armed = Some(c.bool()?),
            18 => s.unit = Some(c.string()?),
            19 => s.authorization = Some(c.string()?),
            20 => s.military = Some(c.bool()?),
            21 => s.vehicle_type = Some(c.string()?),
            22 => s.act = Some(c.string()?),
            23 => s.origin = Some(c.position()?),
            24 => s.direction_deg = Some(c.f64()?),
            25 => s.aircraft_type = Some(c.string()?),
            26 => s.naval = Some(c.bool()?),
            27 => s.blockading = Some(c.bool()?),
            28 => s.vessel_type = Some(c.string()?),
            29 => {
                s.direction = Some(if c.name(&DIRECTIONS)? == 0 { Direction::In } else { Direction::Out });
            }
            30 => s.hazard = Some(c.string()?),
            31 => s.removed = Some(c.bool()?),
            32 => s.port = Some(c.string()?),
            33 => s.item_type = Some(c.string()?),
            34 => s.quantity = Some(c.u32()?),
            35 => s.killed = Some(c.estimate()?),
            36 => s.wounded = Some(c.estimate()?),
            _ => return None,
        }
        Some(())
    })?;
    c.end()?;
    s.kind = kind?;
    let (allowed, required) = KIND_FIELDS[s.kind];
    let event = seen >> EVENT_BIT << EVENT_BIT;
    if seen & ENVELOPE_REQUIRED != ENVELOPE_REQUIRED || event & !allowed != 0 || seen & required != required {
        return None;
    }
    if matches!(s.kind, Event::PERSONNEL | Event::CROSSING | Event::ZONE_ENTRY) {
        category_of(s.category?)?;
    }
    let (start, end) = s.observed?;
    let needs_place = !matches!(s.kind, Event::ROTATION | Event::MATERIEL | Event::CASUALTIES);
    let estimates = [s.killed.as_ref(), s.wounded.as_ref()];
    validate_parts(
        s.id,
        (start.secs, end.unwrap_or(start).secs, s.received?.secs),
        s.position.is_some() || !s.track.is_empty(),
        s.track.iter().map(|f| f.0.secs),
        s.location_precision_m,
        s.evidence.iter().map(|e| e.0),
        needs_place,
        estimates,
        s.direction_deg,
    )
    .ok()?;
    Some(())
}

/// The `reported_by` objects of lines read before, each with where its parts lie in it:
/// the reader compares a line's object with those remembered for its bytes up to the
/// first closing brace and, when the bytes are the same, takes the parts from there
/// rather than reading them again. The same bytes read from the same place read the same way (an object's reading
/// ends at its closing brace and looks at nothing after it), so this changes no result;
/// a test and the `report_line` fuzz target hold it to that.
#[derive(Debug, Default, Clone)]
pub struct Reporters {
    /// [`REPORTER_SLOTS`] slots (none until the first is filled); an object may be in
    /// either of two, picked by its bytes up to the first closing brace.
    slots: Vec<Option<Box<Known>>>,
}

/// Slots of [`Reporters`]: a power of two, some ten times the reporters a mission has.
const REPORTER_SLOTS: usize = 1 << 10;

/// Where a part lies in a [`Known`] object's text: its first byte and the one after it.
type Span = (u32, u32);

/// A `reported_by` object read before: its text (from where its value starts, white
/// space included) and its parts, as byte ranges of that text.
#[derive(Debug, Clone)]
struct Known {
    text: Box<str>,
    party: Span,
    team: Option<Span>,
    /// Each observer's name and nationality.
    observers: [(Span, Option<Span>); MAX_OBSERVERS],
    observer_count: usize,
    /// The number its caller gave it.
    number: Option<u32>,
}

impl Reporters {
    /// The two slots an object starting at `from` may be in, from its bytes up to the
    /// first closing brace (the object's own, or its first observer's, so the party and
    /// team are in it): `None` past 128 bytes without one.
    fn slots(bytes: &[u8], from: usize) -> Option<[usize; 2]> {
        let mut hash = 0u64;
        for k in 0..8 {
            let b = block(bytes, from + 16 * k);
            let braces = closing_braces(b);
            // Up to the first brace, that byte kept.
            let b = if braces == 0 { b } else { b & (u128::MAX >> (120 - 8 * braces.trailing_zeros())) };
            hash = (hash ^ b as u64 ^ ((b >> 64) as u64).rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            if braces != 0 {
                // The product's high bits hang on every bit of what was multiplied.
                let slot = |shift: u32| (hash >> shift) as usize & (REPORTER_SLOTS - 1);
                return Some([slot(54), slot(44)]);
            }
        }
        None
    }

    /// The object remembered that the line's bytes from `from` start with, and its slot.
    #[inline]
    fn at(&self, bytes: &[u8], from: usize) -> Option<(usize, &Known)> {
        if self.slots.is_empty() {
            return None;
        }
        Self::slots(bytes, from)?.into_iter().find_map(|slot| {
            let known = self.slots.get(slot)?.as_deref()?;
            same_at(bytes, from, known.text.as_bytes()).then_some((slot, known))
        })
    }

    /// The number the caller gave the object in `slot` ([`Reporters::number_as`]).
    pub(crate) fn number(&self, slot: usize) -> Option<u32> {
        self.slots.get(slot)?.as_ref()?.number
    }

    /// Give the object in `slot` a number (a batch's for its reporter).
    pub(crate) fn number_as(&mut self, slot: usize, number: u32) {
        if let Some(Some(known)) = self.slots.get_mut(slot) {
            known.number = Some(number);
        }
    }

    /// Remember the object `s.reporter`, just read from `line` at `from`, and its parts;
    /// returns its slot.
    fn remember(&mut self, line: &str, from: usize, s: &Scanned<'_>) -> Option<usize> {
        if s.reporter.len() > u32::MAX as usize {
            return None;
        }
        // Where a part read from the line lies in the object: every part is a slice of it.
        let start = s.reporter.as_ptr() as usize;
        let range = |part: &str| {
            let at = (part.as_ptr() as usize).wrapping_sub(start);
            debug_assert!(at + part.len() <= s.reporter.len(), "{part:?} is not in {:?}", s.reporter);
            (at as u32, (at + part.len()) as u32)
        };
        let mut observers = [((0, 0), None); MAX_OBSERVERS];
        for (to, from) in observers.iter_mut().zip(s.observers()) {
            *to = (range(from.0), from.1.map(range));
        }
        let known = Known {
            text: s.reporter.into(),
            party: range(s.party),
            team: s.team.map(range),
            observers,
            observer_count: s.observer_count,
            number: None,
        };
        let [first, second] = Self::slots(line.as_bytes(), from)?;
        if self.slots.is_empty() {
            self.slots.resize(REPORTER_SLOTS, None);
        }
        let slot = if self.slots[first].is_some() && self.slots[second].is_none() { second } else { first };
        self.slots[slot] = Some(Box::new(known));
        Some(slot)
    }
}

impl Known {
    /// Set `s`'s reporter and its parts from the line holding this object at `from`;
    /// returns where the object ends.
    fn fill<'a>(&self, line: &'a str, from: usize, s: &mut Scanned<'a>) -> Option<usize> {
        let part = |(start, end): Span| line.get(from + start as usize..from + end as usize);
        s.reporter = line.get(from..from + self.text.len())?;
        s.party = part(self.party)?;
        s.team = match self.team {
            Some(range) => Some(part(range)?),
            None => None,
        };
        for (to, &(name, nationality)) in s.observers.iter_mut().zip(self.observers.iter().take(self.observer_count)) {
            *to = (
                part(name)?,
                match nationality {
                    Some(range) => Some(part(range)?),
                    None => None,
                },
            );
        }
        s.observer_count = self.observer_count;
        Some(from + self.text.len())
    }
}

/// A category by its name in a report.
fn category_of(name: &str) -> Option<Category> {
    Some(match name {
        "military" => Category::Military,
        "civil-administration" => Category::CivilAdministration,
        "relief" => Category::Relief,
        "civil-police" => Category::CivilPolice,
        "commission" => Category::Commission,
        "salvage" => Category::Salvage,
        "civilian" => Category::Civilian,
        _ => return None,
    })
}

/// Observers a report read by the fast reader can name.
pub const MAX_OBSERVERS: usize = 4;

impl<'a> Scanned<'a> {
    /// (name, nationality) of each observer.
    pub fn observers(&self) -> &[(&'a str, Option<&'a str>)] {
        &self.observers[..self.observer_count]
    }

    /// When the event was observed (its earliest moment).
    pub fn start(&self) -> Time {
        self.observed.map(|o| o.0).unwrap_or_default()
    }

    /// The category of people, for the kinds that count people.
    pub fn category(&self) -> Option<Category> {
        match self.kind {
            Event::PERSONNEL | Event::CROSSING | Event::ZONE_ENTRY => category_of(self.category?),
            _ => None,
        }
    }

    /// What the rules that keep running totals read of a report of the kinds they count
    /// (zone entries and exits, rotation, materiel), as [`Counted::of`] reads it from
    /// [`Scanned::to_report`], without making the report. Only for a `Scanned` that
    /// [`scan`] returned.
    pub(crate) fn counted(&self) -> Option<Counted<'a>> {
        let counted = |count: Option<u32>| Counted {
            kind: self.kind,
            side: self.side.unwrap_or_default(),
            direction: self.direction.unwrap_or(Direction::In),
            count: count.unwrap_or_default(),
            category: Category::Military,
            port: "",
            item_category: "",
            item_type: "",
            position: self.position,
        };
        match self.kind {
            Event::ZONE_ENTRY => {
                Some(Counted { category: self.category().unwrap_or(Category::Military), ..counted(self.count) })
            }
            Event::ROTATION => Some(Counted { port: self.port.unwrap_or_default(), ..counted(self.count) }),
            Event::MATERIEL => Some(Counted {
                port: self.port.unwrap_or_default(),
                item_category: self.category.unwrap_or_default(),
                item_type: self.item_type.unwrap_or_default(),
                ..counted(self.quantity)
            }),
            _ => None,
        }
    }

    /// The report, owned. Only for a `Scanned` that [`scan`] returned (every field its
    /// kind needs is there).
    pub fn to_report(&self) -> Report {
        self.report(true)
    }

    /// The report as the rules read it, for a report evaluated as it is read and dropped
    /// right after: [`Scanned::to_report`] with what no rule reads left empty (the
    /// observers, the time's precision, the alleged responsibility, evidence, notes and a
    /// vehicle's type), which would cost an allocation each, for every such report.
    pub(crate) fn to_rules_report(&self) -> Report {
        self.report(false)
    }

    /// The report, with (`all`) or without what only [`Scanned::to_report`] keeps.
    fn report(&self, all: bool) -> Report {
        let text = |s: Option<&str>| s.map(Into::into);
        let string = |s: Option<&str>| s.map(str::to_owned);
        let side = self.side.unwrap_or_default().into();
        let count = self.count.unwrap_or_default();
        let direction = self.direction.unwrap_or(Direction::In);
        let event = match self.kind {
            Event::PERSONNEL => Event::Personnel {
                side,
                count,
                category: self.category().unwrap_or(Category::Military),
                armed: self.armed.unwrap_or(false),
                unit: text(self.unit),
                authorization: text(self.authorization),
            },
            Event::VEHICLE => Event::Vehicle {
                side,
                count,
                military: self.military.unwrap_or(false),
                vehicle_type: string(self.vehicle_type.filter(|_| all)),
            },
            Event::HOSTILE_ACT => Event::HostileAct {
                side: text(self.side),
                act: self.act.unwrap_or_default().to_owned(),
                origin: self.origin,
                direction_deg: self.direction_deg,
            },
            Event::AIRCRAFT => Event::Aircraft {
                side,
                military: self.military.unwrap_or(true),
                aircraft_type: string(self.aircraft_type),
            },
            Event::VESSEL => Event::Vessel {
                side,
                naval: self.naval.unwrap_or(true),
                blockading: self.blockading.unwrap_or(false),
                vessel_type: string(self.vessel_type),
            },
            Event::CROSSING => Event::Crossing {
                side,
                count,
                category: self.category().unwrap_or(Category::Military),
                authorization: text(self.authorization),
            },
            Event::ZONE_ENTRY => Event::ZoneEntry {
                side,
                count,
                category: self.category().unwrap_or(Category::Military),
                direction,
                armed: self.armed.unwrap_or(false),
                authorization: text(self.authorization),
            },
            Event::HAZARD => Event::Hazard {
                side,
                hazard: self.hazard.unwrap_or_default().to_owned(),
                removed: self.removed.unwrap_or(false),
            },
            Event::ROTATION => Event::Rotation { side, port: self.port.unwrap_or_default().into(), direction, count },
            Event::MATERIEL => Event::Materiel {
                side,
                port: self.port.unwrap_or_default().into(),
                direction,
                category: self.category.unwrap_or_default().into(),
                item_type: self.item_type.unwrap_or_default().into(),
                quantity: self.quantity.unwrap_or_default(),
            },
            _ => Event::Casualties {
                side,
                killed: self.killed.unwrap_or(Estimate { low: 0, best: 0, high: 0 }),
                wounded: self.wounded,
            },
        };
        let observed = match self.observed.unwrap_or_default() {
            (at, None) => Observed::At(at.timestamp()),
            (from, Some(to)) => Observed::Window { from: from.timestamp(), to: to.timestamp() },
        };
        Report {
            id: self.id.into(),
            reported_by: Reporter {
                party: self.party.into(),
                team: text(self.team),
                observers: if all {
                    self.observers()
                        .iter()
                        .map(|&(name, nationality)| Observer {
                            name: name.to_owned(),
                            nationality: string(nationality),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            },
            observed_at: observed,
            time_precision: string(self.time_precision.filter(|_| all)),
            received_at: self.received.unwrap_or_default().timestamp(),
            position: self.position,
            track: self.track.iter().map(|&(at, position)| TrackFix { at: at.timestamp(), position }).collect(),
            location_precision_m: self.location_precision_m,
            alleged_responsible: string(self.alleged.filter(|_| all)),
            assessed_responsible: string(self.assessed),
            evidence: if all {
                self.evidence
                    .iter()
                    .map(|&(sha256, name)| Evidence { sha256: sha256.to_owned(), name: string(name) })
                    .collect()
            } else {
                Vec::new()
            },
            notes: string(self.notes.filter(|_| all)),
            event,
        }
    }
}

/// Whether `bytes` holds `text` at `from`, compared 16 bytes at a time in registers
/// (the last 16 overlapping those before): the library's `memcmp`, called for every
/// line, cost more than the comparing.
#[inline]
pub(crate) fn same_at(bytes: &[u8], from: usize, text: &[u8]) -> bool {
    let Some(line) = bytes.get(from..).and_then(|rest| rest.get(..text.len())) else {
        return false;
    };
    let n = text.len();
    if n < 16 {
        return line == text;
    }
    let word =
        |s: &[u8], at: usize| s.get(at..at + 16).and_then(|w| <[u8; 16]>::try_from(w).ok()).map(u128::from_le_bytes);
    let mut at = 0;
    while at + 16 < n {
        if word(line, at) != word(text, at) {
            return false;
        }
        at += 16;
    }
    word(line, n - 16) == word(text, n - 16)
}

/// The 16 bytes of `bytes` from `at` as a little-endian number, zeros past its end (a
/// zero is a control character, which ends every search for a string's end, so a string
/// cut off by the end of the line is never taken for a whole one).
#[inline(always)]
fn block(bytes: &[u8], at: usize) -> u128 {
    let load =
        |from: usize| bytes.get(from..from + 16).and_then(|b| <[u8; 16]>::try_from(b).ok()).map(u128::from_le_bytes);
    if let Some(block) = load(at) {
        return block;
    }
    // Near the end of the line: its last 16 bytes, moved down to start at `at`.
    match bytes.len().checked_sub(16).and_then(load) {
        Some(last) if at <= bytes.len() => last.checked_shr(8 * (at + 16 - bytes.len()) as u32).unwrap_or(0),
        _ => {
            let mut block = [0; 16];
            for (to, from) in block.iter_mut().zip(bytes.get(at..).unwrap_or_default()) {
                *to = *from;
            }
            u128::from_le_bytes(block)
        }
    }
}

/// One bit for each byte of `block` that ends a string's plain text: a quote, a
/// backslash or a control character. In one SSE2 register (baseline on x86_64).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn specials(block: u128) -> u32 {
    use safe_arch::{cmp_eq_mask_i8_m128i, m128i, min_u8_m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let v = m128i::from(block);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
    let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
    // A byte is under 0x20 when the smaller of it and 0x1f is itself.
    let control = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1f)), v);
    move_mask_i8_m128i(quote | backslash | control) as u32
}

/// One bit for each closing brace in `block`, as [`specials`] finds its bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn closing_braces(block: u128) -> u32 {
    use safe_arch::{cmp_eq_mask_i8_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    move_mask_i8_m128i(cmp_eq_mask_i8_m128i(m128i::from(block), set_splat_i8_m128i(b'}' as i8))) as u32
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn closing_braces(block: u128) -> u32 {
    block.to_le_bytes().iter().rev().fold(0, |bits, &b| bits << 1 | u32::from(b == b'}'))
}

/// As [`specials`], a byte at a time: on other targets (and in a test against the SSE2
/// one).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn specials(block: u128) -> u32 {
    specials_scalar(block)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn specials_scalar(block: u128) -> u32 {
    let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    block.to_le_bytes().iter().rev().fold(0, |bits, &b| bits << 1 | u32::from(special(b)))
}

/// Whether `text` may be written between quotes as a JSON string as it is: no quote,
/// backslash or control character in it. Looked at 16 bytes at a time, as the reader
/// looks for a string's end (a writer of a million findings asks it of every string).
pub fn plain(text: &str) -> bool {
    let mut chunks = text.as_bytes().chunks_exact(16);
    for chunk in &mut chunks {
        let block = <[u8; 16]>::try_from(chunk).map_or(0, u128::from_le_bytes);
        if specials(block) != 0 {
            return false;
        }
    }
    // The rest padded with spaces, which are plain.
    let mut last = [b' '; 16];
    for (to, from) in last.iter_mut().zip(chunks.remainder()) {
        *to = *from;
    }
    specials(u128::from_le_bytes(last)) == 0
}

/// Where the plain text of a string starting at `start` ends: the place of the first
/// quote, backslash or control character, looked for 16 bytes at a time; the line's
/// length if there is none (the zeros [`block`] reads past the end stop the search).
#[inline(always)]
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    loop {
        let found = specials(block(bytes, at));
        if found != 0 {
            return at + found.trailing_zeros() as usize;
        }
        at += 16;
    }
}

/// A position in a line, for the reader.
struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// The next byte that is not JSON white space, not consumed.
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        // Generated lines have no white space between tokens: one test for that first.
        match self.bytes.get(self.at) {
            Some(&b) if b > b' ' => Some(b),
            _ => self.skip_space(),
        }
    }

    /// [`Cursor::peek`] past white space.
    #[cold]
    fn skip_space(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.at) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Nothing but white space left.
    fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// A string with no escapes and no control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let end = string_end(self.bytes, start);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        // Both ends are at ASCII bytes, so on character boundaries.
        self.text.get(start..end)
    }

    /// A string that is one of `names`: its place among them.
    #[inline(always)]
    fn name(&mut self, names: &[Name]) -> Option<usize> {
        self.peek()?;
        self.name_among(names.iter().enumerate(), Form::Value)
    }

    /// The first of `names` (each with its place) written here in `form`: its place.
    #[inline(always)]
    fn name_among<'n>(&mut self, names: impl Iterator<Item = (usize, &'n Name)>, form: Form) -> Option<usize> {
        let head = block(self.bytes, self.at);
        for (place, name) in names {
            if name.is_at(head, self.bytes, self.at, form) {
                self.at += name.len(form);
                return Some(place);
            }
        }
        None
    }

    /// An object's key that is one of `names`, and its colon: its place among them.
    #[inline(always)]
    fn key(&mut self, names: &[Name]) -> Option<usize> {
        match self.name_among(names.iter().enumerate(), Form::Key) {
            Some(place) => Some(place),
            None => self.key_slowly(|c| c.name(names)),
        }
    }

    /// A top-level key and its colon: its place in [`FIELDS`], found through
    /// [`FIELD_SLOTS`] rather than by trying each field.
    fn field(&mut self) -> Option<usize> {
        match self.field_in(Form::Key) {
            Some(place) => Some(place),
            None => self.key_slowly(|c| {
                c.peek()?;
                c.field_in(Form::Value)
            }),
        }
    }

    /// The top-level field whose name is written here in `form`: its place.
    #[inline(always)]
    fn field_in(&mut self, form: Form) -> Option<usize> {
        let head = block(self.bytes, self.at);
        let [first, second] = FIELD_SLOTS[field_slot(head)];
        let is_at =
            |place: u8| FIELD_NAMES.get(usize::from(place)).is_some_and(|n| n.is_at(head, self.bytes, self.at, form));
        let (place, len) = if is_at(first.0) {
            first
        } else if is_at(second.0) {
            second
        } else {
            return None;
        };
        self.at += usize::from(len) - usize::from(form == Form::Value);
        Some(usize::from(place))
    }

    /// A key not written as `"name":` right here (white space before it or before its
    /// colon, or a key this reader does not take): `name` reads its name, then the
    /// colon.
    #[cold]
    fn key_slowly(&mut self, name: impl FnOnce(&mut Self) -> Option<usize>) -> Option<usize> {
        let place = name(self)?;
        self.eat(b':')?;
        Some(place)
    }

    /// An object whose keys are known: `key` reads a key and its colon and names its
    /// place (`None`: a key this reader does not take), `read` reads the value of the key
    /// at that place. A key given twice makes the reader give up. Returns the places
    /// seen, one bit each.
    fn record(
        &mut self,
        key: impl Fn(&mut Self) -> Option<usize>,
        mut read: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<u64> {
        self.eat(b'{')?;
        let mut seen = 0u64;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(seen);
        }
        loop {
            let place = key(self)?;
            let bit = 1u64.checked_shl(place as u32)?;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            read(self, place)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(seen);
                }
                _ => return None,
            }
        }
    }

    /// `[ item, ... ]`, each item read by `item`.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn bool(&mut self) -> Option<bool> {
        self.peek()?;
        let rest = &self.bytes[self.at..];
        if rest.starts_with(b"true") {
            self.at += 4;
            Some(true)
        } else if rest.starts_with(b"false") {
            self.at += 5;
            Some(false)
        } else {
            None
        }
    }

    /// A number as JSON writes it, without an exponent: (negative, digits as an integer,
    /// digits after the point). `None` past 19 digits.
    fn number(&mut self) -> Option<(bool, u64, usize)> {
        self.peek()?;
        let negative = self.bytes[self.at] == b'-';
        if negative {
            self.at += 1;
        }
        let digits = |c: &mut Self, value: &mut u64| -> Option<usize> {
            let start = c.at;
            while let Some(&b @ b'0'..=b'9') = c.bytes.get(c.at) {
                *value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                c.at += 1;
            }
            Some(c.at - start)
        };
        let mut value = 0u64;
        let first = *self.bytes.get(self.at)?;
        let whole = digits(self, &mut value)?;
        // No leading zeros, at least one digit.
        if whole == 0 || (first == b'0' && whole > 1) {
            return None;
        }
        let mut fraction = 0;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            fraction = digits(self, &mut value)?;
            if fraction == 0 {
                return None;
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            return None;
        }
        Some((negative, value, fraction))
    }

    /// A number read into an f64 exactly as the JSON reader reads it: an integer is
    /// converted, a decimal is its digits divided by a power of ten.
    fn f64(&mut self) -> Option<f64> {
        let (negative, value, fraction) = self.number()?;
        if fraction == 0 {
            // As the JSON reader does: -0 is -0.0.
            return Some(if negative { -(value as f64) } else { value as f64 });
        }
        // Digits under 2^53 and a power of ten up to 10^22 are exact in an f64, so the one
        // division is correctly rounded: the same value whether or not serde_json is
        // built to round every decimal correctly (its `float_roundtrip` feature).
        if value >= 1 << 53 {
            return None;
        }
        let f = value as f64 / *POW10.get(fraction)?;
        Some(if negative { -f } else { f })
    }

    fn u32(&mut self) -> Option<u32> {
        let (negative, value, fraction) = self.number()?;
        if negative || fraction != 0 {
            return None;
        }
        u32::try_from(value).ok()
    }

    fn position(&mut self) -> Option<Position> {
        self.eat(b'[')?;
        let lon = self.f64()?;
        self.eat(b',')?;
        let lat = self.f64()?;
        self.eat(b']')?;
        Position::new(lon, lat).ok()
    }

    /// An object whose keys are `keys`, each holding a string: the strings present.
    fn strings(&mut self, keys: &[Name; 2]) -> Option<[Option<&'a str>; 2]> {
        let mut texts = [None; 2];
        self.record(
            |c| c.key(keys),
            |c, k| {
                texts[k] = Some(c.string()?);
                Some(())
            },
        )?;
        Some(texts)
    }

    fn estimate(&mut self) -> Option<Estimate> {
        let mut counts = [None; 3];
        self.record(
            |c| c.key(&ESTIMATE_KEYS),
            |c, k| {
                counts[k] = Some(c.u32()?);
                Some(())
            },
        )?;
        Some(Estimate { low: counts[0]?, best: counts[1]?, high: counts[2]? })
    }

    /// A time as [`parse_time`] reads it. Its length is known from its 20th byte, and
    /// `parse_time` checks every byte, none of which may then be a quote, backslash or
    /// control character: the string ends where the time does, without looking for it.
    fn time(&mut self) -> Option<Time> {
        self.eat(b'"')?;
        let start = self.at;
        let len = if self.bytes.get(start + 19) == Some(&b'Z') { 20 } else { 25 };
        let time = parse_time_bytes(self.bytes.get(start..start + len)?)?;
        if self.bytes.get(start + len) != Some(&b'"') {
            return None;
        }
        self.at = start + len + 1;
        Some(time)
    }
}

/// An instant as a report gives it: seconds since 1970 (UTC) and the offset written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Time {
    pub secs: i64,
    /// Seconds east of UTC.
    pub offset: i32,
}

impl Time {
    pub fn timestamp(self) -> Timestamp {
        Timestamp(self.with_nanos(0))
    }

    /// The instant `nanos` nanoseconds after this one's second, with its offset.
    pub fn with_nanos(self, nanos: u32) -> DateTime<FixedOffset> {
        let utc = DateTime::from_timestamp(self.secs, nanos).unwrap_or_default();
        // Every offset read is under a day, which is all `east_opt` asks.
        let offset = FixedOffset::east_opt(self.offset).unwrap_or(*utc.fixed_offset().offset());
        utc.with_timezone(&offset)
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, for a year of
/// four digits (as a time has). The calendar is counted from the March before the year
/// (so that the leap day comes last) and 400 years earlier still, which keeps every
/// number positive: unsigned division by constants, no sign fix-ups.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let (year, month) = if month <= 2 { (year + 399, month + 9) } else { (year + 400, month - 3) };
    let (era, year_of_era) = (year / 400, year % 400);
    let day_of_year = (153 * month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days from 0000-03-01 to 1970-01-01, and 146,097 in the era added.
    i64::from(era * 146_097 + day_of_era) - 719_468 - 146_097
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DDTHH:MM:SS` and `Z` or `±HH:MM`, as RFC 3339 writes a time to the second;
/// `None` for anything else (fractions of a second, a leap second, another separator),
/// which the careful path reads.
pub fn parse_time(text: &str) -> Option<Time> {
    parse_time_bytes(text.as_bytes())
}

/// [`parse_time`] on the bytes of a time. Every byte is checked: a digit or the one
/// separator its place takes.
fn parse_time_bytes(b: &[u8]) -> Option<Time> {
    // Eight bytes at a time, read as numbers: "YYYY-MM-", "DDTHH:MM" and "HH:MM:SS"
    // (this one overlapping the second, so that every two-digit field and separator
    // is whole in one word).
    let word = |at: usize| b.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let date = Template::DATE.pairs(word(0)?)?;
    let day_time = Template::DAY_TIME.pairs(word(8)?)?;
    let time = Template::TIME.pairs(word(11)?)?;
    let pair = |pairs: u64, place: u32| (pairs >> (8 * place)) as u32 & 0xff;
    let year = pair(date, 0) * 100 + pair(date, 2);
    let (month, day) = (pair(date, 5), pair(day_time, 0));
    let (hour, minute, second) = (pair(day_time, 3), pair(day_time, 6), pair(time, 6));
    let offset = match (b.len(), b.get(19)) {
        (20, Some(b'Z')) => 0,
        (25, Some(&sign @ (b'+' | b'-'))) => {
            // "SS±HH:MM": the sign is in the place the template leaves unchecked.
            let zone = Template::ZONE.pairs(word(17)?)?;
            let (h, m) = (pair(zone, 3), pair(zone, 6));
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = (h * 3600 + m * 60) as i32;
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(Time { secs: local - i64::from(offset), offset })
}

/// What the eight bytes of a word of a time must hold (byte 0 lowest): digits where
/// `digits` has 0xff, and `literal`'s bytes where `fixed` has 0xff (any byte elsewhere).
struct Template {
    digits: u64,
    fixed: u64,
    literal: u64,
}

impl Template {
    /// "YYYY-MM-".
    const DATE: Self = Self::new(b"dddd-dd-");
    /// "DDTHH:MM".
    const DAY_TIME: Self = Self::new(b"ddTdd:dd");
    /// "HH:MM:SS".
    const TIME: Self = Self::new(b"dd:dd:dd");
    /// "SS±HH:MM": the sign is left to the caller.
    const ZONE: Self = Self::new(b"ddxdd:dd");

    /// From a pattern: `d` a digit, `x` anything, any other byte itself.
    const fn new(pattern: &[u8; 8]) -> Self {
        let (mut digits, mut fixed, mut literal, mut i) = (0u64, 0u64, 0u64, 0);
        while i < 8 {
            match pattern[i] {
                b'd' => digits |= 0xff << (8 * i),
                b'x' => {}
                byte => {
                    fixed |= 0xff << (8 * i);
                    literal |= (byte as u64) << (8 * i);
                }
            }
            i += 1;
        }
        Self { digits, fixed, literal }
    }

    /// If `word` fits: at each byte that starts two digits, their value (10 times the
    /// first plus the second, so under 100: no byte carries into the next). Bytes
    /// where no pair of digits starts hold nothing of use.
    #[inline(always)]
    fn pairs(&self, word: u64) -> Option<u64> {
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let high = self.digits & HIGHS;
        let zeros = self.digits & 0x3030_3030_3030_3030;
        let x = word & self.digits;
        // A digit is 0x30..=0x39. With its high bit clear, adding 0x46 sets it for 0x3a
        // and up, and (x | 0x80) - 0x30 keeps it only for 0x30 and up; neither carries
        // nor borrows across bytes.
        let bad =
            (x & high) | (x.wrapping_add(self.digits & 0x4646_4646_4646_4646) & high) | (!((x | high) - zeros) & high);
        if bad != 0 || word & self.fixed != self.literal {
            return None;
        }
        let values = x - zeros;
        Some(values * 10 + (values >> 8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key given twice, at any depth, is left to the careful path (where the last one
    /// counts), and a line without repeats reads the same on both paths.
    #[test]
    fn a_repeated_key_at_any_depth_goes_to_the_careful_path() {
        let line = |reporter: &str, observed: &str, killed: &str| {
            format!(
                r#"{{"id":"x","reported_by":{reporter},"observed_at":{observed},"received_at":"1953-08-02T00:00:00+09:00","kind":"casualties","side":"unc","killed":{killed}}}"#
            )
        };
        let (reporter, observed, killed) = (
            r#"{"party":"unc","observers":[{"name":"A","nationality":"CH"}]}"#,
            r#"{"from":"1953-08-01T10:00:00+09:00","to":"1953-08-01T11:00:00+09:00"}"#,
            r#"{"low":1,"best":2,"high":3}"#,
        );
        let plain = line(reporter, observed, killed);
        assert_eq!(scan(&plain).map(|s| s.to_report()), Report::parse_careful(&plain).ok());
        for repeated in [
            line(r#"{"party":"unc","party":"mac"}"#, observed, killed),
            line(r#"{"party":"unc","observers":[{"name":"A","name":"B"}]}"#, observed, killed),
            line(
                reporter,
                r#"{"from":"1953-08-01T10:00:00+09:00","to":"1953-08-01T11:00:00+09:00","to":"1953-08-01T12:00:00+09:00"}"#,
                killed,
            ),
            line(reporter, observed, r#"{"low":1,"best":2,"high":3,"low":0}"#),
            format!(r#"{},"id":"y"}}"#, plain.strip_suffix('}').unwrap_or_default()),
        ] {
            assert!(scan(&repeated).is_none(), "{repeated}");
            assert!(Report::parse(&repeated).is_ok(), "{repeated}");
        }
    }

    /// The top-level key `key` (written as is between quotes) read by `Cursor::field`
    /// with `after` after its closing quote: its place and where the cursor stops.
    fn field(key: &str, after: &str) -> Option<(usize, usize)> {
        let text = format!("\"{key}\"{after}");
        let mut c = Cursor { text: &text, bytes: text.as_bytes(), at: 0 };
        c.field().map(|place| (place, c.at))
    }

    /// The hash of `FIELD_SLOTS` (there for speed) finds every field at its place, at
    /// the end of a line or not, and nothing else: not a field's name cut short or run
    /// on, nor one that is not a field.
    #[test]
    fn every_field_is_found_at_its_place() {
        for (place, name) in FIELDS.iter().enumerate() {
            let after = name.len() + 3;
            assert_eq!(field(name, ":"), Some((place, after)), "{name}");
            assert_eq!(field(name, " :1"), Some((place, after + 1)), "{name}");
            assert_eq!(field(name, "\t\r\n:"), Some((place, after + 3)), "{name}");
            let spaced = format!(" \"{name}\":");
            let mut c = Cursor { text: &spaced, bytes: spaced.as_bytes(), at: 0 };
            assert_eq!((c.field(), c.at), (Some(place), after + 1), "{name}");
            assert_eq!(field(name, ":\"a long value after the key\""), Some((place, after)), "{name}");
            assert_eq!(field(name, ""), None, "{name}");
            assert_eq!(field(&format!("{name}x"), ":"), None, "{name}");
            assert_eq!(field(&format!("{name}\\"), ":"), None, "{name}");
            assert_eq!(field(&name[..name.len() - 1], ":"), None, "{name}");
            assert_eq!(field(&name.to_uppercase(), ":"), None, "{name}");
        }
        for key in ["nationality", "", "i", "direction_", "direction_degs", "location_precision_n", "\\u0069d"] {
            assert_eq!(field(key, ":"), None, "{key}");
        }
        assert_eq!(FIELDS[ENVELOPE_END], "kind");
        assert_eq!(FIELDS[EVENT_BIT as usize], "side");
    }

    /// Lines and texts of up to 70 bytes over a few letters, texts cut from the lines
    /// (equal) or changed in one byte, at every place: `same_at` is slice equality.
    #[test]
    fn same_at_is_slice_equality() {
        let mut next = crate::rules::xorshift(0x2545_f491_4f6c_dd1d_u64);
        for _ in 0..400 {
            let line: Vec<u8> = (0..(next() % 71)).map(|_| [b'a', b'b', b'{'][(next() % 3) as usize]).collect();
            for from in 0..=line.len() + 1 {
                let len = (next() % 72) as usize;
                let mut text: Vec<u8> = line.iter().skip(from).take(len).copied().collect();
                if next() % 2 == 0 && !text.is_empty() {
                    let at = (next() as usize) % text.len();
                    text[at] ^= 1;
                }
                let want = line.get(from..).and_then(|rest| rest.get(..text.len())) == Some(&text[..]);
                assert_eq!(same_at(&line, from, &text), want, "{line:?} at {from}: {text:?}");
            }
        }
    }

    /// A text is plain exactly when serde_json writes it as it is between quotes: every
    /// byte that needs escaping, at every place in texts of 0 to 40 bytes (across the
    /// 16-byte blocks and in the padded rest), and texts with none.
    #[test]
    fn plain_is_what_needs_no_escaping() {
        let specials = ['"', '\\', '\n', '\u{0}', '\u{1f}'];
        let others = ['a', ' ', '~', '\u{7f}', 'é', '🙂'];
        let mut checked = 0;
        for len in 0..40 {
            let base: String = (0..len).map(|k| others[k % others.len()]).collect();
            let cases = (0..=base.chars().count()).flat_map(|at| {
                let base = &base;
                specials.iter().map(move |&c| {
                    let mut text: String = base.chars().take(at).collect();
                    text.push(c);
                    text.extend(base.chars().skip(at));
                    text
                })
            });
            for text in std::iter::once(base.clone()).chain(cases) {
                let as_is = serde_json::to_string(&text).unwrap() == format!("\"{text}\"");
                assert_eq!(plain(&text), as_is, "{text:?}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    /// A block read near the end of a line is the line's bytes then zeros; SSE2 and a
    /// byte at a time find the same special bytes of every value at every place.
    #[test]
    fn blocks_and_the_search_for_a_strings_end() {
        let line: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for len in 0..line.len() {
            let bytes = &line[..len];
            for at in 0..len + 20 {
                let mut expected = [0u8; 16];
                for (i, e) in expected.iter_mut().enumerate() {
                    *e = bytes.get(at + i).copied().unwrap_or(0);
                }
                assert_eq!(block(bytes, at), u128::from_le_bytes(expected), "{len} {at}");
            }
        }
        for byte in 0..=255u8 {
            for place in 0..16 {
                for other in [b'a', b'0', b'"', 0x7f, 0x80, 0xff, b'.', b'E', 0] {
                    let mut block = [other; 16];
                    block[place] = byte;
                    let block = u128::from_le_bytes(block);
                    assert_eq!(specials(block), specials_scalar(block), "{byte} {place} {other}");
                }
            }
        }
        assert_eq!(specials(u128::from_le_bytes(*b"ab\"\\\n\x1f\x20\x7f\x80\xff\x00cdef\"")), 0b1000_0100_0011_1100);
        assert_eq!(string_end(br#"abc"def"#, 0), 3);
        assert_eq!(string_end(b"0123456789abcdefghij\\", 2), 20);
        assert_eq!(string_end(b"0123456789abcdefghij", 2), 20);
    }

    /// Every date of four-digit years counts the days from 1970 as chrono does.
    #[test]
    fn days_count_as_chrono_counts_them() {
        use chrono::Datelike;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut date = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        while date.year() <= 9999 {
            let days = date.signed_duration_since(epoch).num_days();
            assert_eq!(days_from_civil(date.year() as u32, date.month(), date.day()), days, "{date}");
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn times_read_as_chrono_reads_them() {
        for text in [
            "1953-07-27T22:00:00+09:00",
            "1953-07-27T22:00:00Z",
            "1953-07-27T22:00:00-05:30",
            "2000-02-29T00:00:00+00:00",
            "1953-12-31T23:59:59-23:59",
        ] {
            let ours = parse_time(text).unwrap().timestamp().0;
            let theirs = DateTime::parse_from_rfc3339(text).unwrap();
            assert_eq!((ours, ours.offset()), (theirs, theirs.offset()), "{text}");
        }
        for text in [
            "1953-02-29T00:00:00+09:00",
            "1953-07-27T24:00:00+09:00",
            "1953-07-27T22:00:00+24:00",
            "1953-07-27 22:00:00+09:00",
            "1953-07-27T22:00:00.5+09:00",
            "1953-07-27T22:00:60+09:00",
        ] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }

    /// Every change of one byte of a few times (to each byte value) reads the same as
    /// chrono reads it, or goes to the careful path where chrono reads something this
    /// reader leaves to it (a lowercase `t` or `z`, a space, a leap second).
    #[test]
    fn times_changed_in_one_byte_read_as_chrono_reads_them() {
        let mut read = 0;
        for base in ["1953-07-27T22:00:00+09:00", "2000-02-29T23:59:59Z", "1900-02-28T00:00:00-12:45"] {
            for place in 0..base.len() {
                for byte in 0..=255u8 {
                    let mut bytes = base.as_bytes().to_vec();
                    bytes[place] = byte;
                    let theirs = std::str::from_utf8(&bytes).ok().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
                    match (parse_time_bytes(&bytes), theirs) {
                        (Some(ours), Some(theirs)) => {
                            let ours = ours.timestamp().0;
                            assert_eq!((ours, ours.offset()), (theirs, theirs.offset()), "{bytes:?}");
                            read += 1;
                        }
                        (Some(ours), None) => panic!("{bytes:?} read as {ours:?}, which chrono does not read"),
                        (None, Some(_)) => assert!(matches!(byte, b't' | b' ' | b'z' | b'6'), "{bytes:?}"),
                        (None, None) => {}
                    }
                }
            }
        }
        assert!(read > 300, "{read}");
    }

    /// The tally taken from a line as read is what the rules would read of the whole
    /// report: over the sample's counted reports, and each with one of its fields left out
    /// (what the reader still takes of it).
    #[test]
    fn a_tally_read_from_the_line_is_the_whole_reports() {
        let sample = include_str!("../../../../data/korea-1953/reports-sample.ndjson");
        let mut compared = [0; Event::KINDS];
        for line in sample.lines().filter(|l| !l.trim().is_empty()) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let serde_json::Value::Object(fields) = &value else { panic!("{line}") };
            let mut variants = vec![line.to_owned()];
            for key in fields.keys() {
                let mut fewer = fields.clone();
                fewer.remove(key);
                variants.push(serde_json::to_string(&fewer).unwrap());
            }
            for variant in variants {
                let Some(s) = scan(&variant) else { continue };
                let report = s.to_report();
                assert_eq!(s.counted(), Counted::of(&report), "{variant}");
                compared[s.kind] += usize::from(s.counted().is_some());
            }
        }
        for kind in [Event::ZONE_ENTRY, Event::ROTATION, Event::MATERIEL] {
            assert!(compared[kind] >= 20, "kind {kind}: {} compared", compared[kind]);
        }
    }

    /// The report the rules read is the whole report with only the observers, the time's
    /// precision, the alleged responsibility, evidence, notes and a vehicle's type left
    /// empty: over the sample's lines, enough of which have each of those for a field kept
    /// by mistake, or another dropped, to show.
    #[test]
    fn the_rules_report_lacks_only_what_no_rule_reads() {
        let sample = include_str!("../../../../data/korea-1953/reports-sample.ndjson");
        let mut left_out = [0; 6];
        for line in sample.lines().filter(|l| !l.trim().is_empty()) {
            let Some(s) = scan(line) else { continue };
            let mut whole = s.to_report();
            let vehicle_type = match &mut whole.event {
                Event::Vehicle { vehicle_type, .. } => vehicle_type.take(),
                _ => None,
            };
            let lacks = [
                !whole.reported_by.observers.is_empty(),
                whole.time_precision.is_some(),
                whole.alleged_responsible.is_some(),
                !whole.evidence.is_empty(),
                whole.notes.is_some(),
                vehicle_type.is_some(),
            ];
            for (count, lacks) in left_out.iter_mut().zip(lacks) {
                *count += usize::from(lacks);
            }
            whole.reported_by.observers.clear();
            whole.time_precision = None;
            whole.alleged_responsible = None;
            whole.evidence.clear();
            whole.notes = None;
            assert_eq!(s.to_rules_report(), whole, "{line}");
        }
        assert!(left_out.iter().all(|&n| n >= 3), "{left_out:?}");
    }

    /// Reading with the reporters of earlier lines at hand reads every line as reading it
    /// alone does: the sample's lines, each with a reporter of many made here (observers
    /// up to five, names sharing long beginnings, braces and white space inside, an
    /// escape), in an order that repeats them; and lines whose bytes after a remembered
    /// reporter's begin the same but go on differently.
    #[test]
    fn remembered_reporters_read_as_reading_alone() {
        let sample = include_str!("../../../../data/korea-1953/reports-sample.ndjson");
        let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).collect();
        let observer =
            |k: usize| format!(r#"{{"name":"Observer {k}","nationality":"{}"}}"#, ["CH", "SE", "PL", "CS"][k % 4]);
        let mut reporters = Vec::new();
        for team in 0..60 {
            let observers: Vec<String> = (0..team % 6).map(|k| observer(team + k)).collect();
            reporters.push(format!(
                r#"{{"party":"kpa-cpv","team":"kpa-cpv-long-team-name-{team}","observers":[{}]}}"#,
                observers.join(",")
            ));
        }
        reporters.extend([
            r#"{"party":"unc"}"#.to_owned(),
            r#"{"party":"unc","team":"a}b"}"#.to_owned(),
            r#"{"party":"unc","team":"a}c"}"#.to_owned(),
            r#" { "party" : "nnsc" , "team":"t" } "#.to_owned(),
            r#"{"party":"nnsc","team":"t\u0041"}"#.to_owned(),
            r#"{"team":"no party"}"#.to_owned(),
            r#"{"party":"unc","observers":[{"nationality":"US"}]}"#.to_owned(),
            format!(r#"{{"party":"unc","team":"{}"}}"#, "x".repeat(200)),
        ]);
        let start = |line: &str| line.find(r#""reported_by":"#).unwrap() + r#""reported_by":"#.len();
        let with = |line: &str, reporter: &str| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["reported_by"] = serde_json::Value::from("@reporter@");
            value.to_string().replace(r#""@reporter@""#, reporter)
        };
        let mut texts = Vec::new();
        let mut next = crate::rules::xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..6 {
            for (k, line) in lines.iter().enumerate() {
                let reporter = &reporters[(next() as usize + round) % reporters.len()];
                texts.push(with(line, reporter));
                // A remembered reporter with its last byte changed, or with more after it.
                if k % 7 == 0 {
                    let cut = &reporter[..reporter.len() - 1];
                    texts.push(with(line, &format!("{cut}]")));
                    texts.push(with(line, &format!("{reporter}}}")));
                }
            }
        }
        let mut known = Reporters::default();
        let (mut read, mut hits) = (0, 0);
        for text in &texts {
            let mut alone = Scanned::default();
            let mut remembered = Scanned::default();
            let hit = known.at(text.as_bytes(), start(text)).is_some();
            let a = scan_into(text, &mut alone);
            let b = scan_into_with(text, &mut remembered, &mut known);
            assert_eq!(a.is_some(), b.is_some(), "{text}");
            if a.is_some() {
                assert_eq!(alone.to_report(), remembered.to_report(), "{text}");
                assert_eq!(alone.reporter, remembered.reporter, "{text}");
                read += 1;
                hits += usize::from(hit);
            }
        }
        assert!(read > 3 * lines.len() && hits > 2 * lines.len(), "{read} read, {hits} remembered");
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for text in
            ["0", "-0", "127", "126.95249", "35.26360", "-0.0", "0.1", "9007199254740.991", "18446744073709551615"]
        {
            let mut c = Cursor { text, bytes: text.as_bytes(), at: 0 };
            let ours = c.f64().unwrap();
            let theirs: f64 = serde_json::from_str(text).unwrap();
            assert_eq!(ours.to_bits(), theirs.to_bits(), "{text}");
        }
        // Leading zeros, no digits, exponents, too many digits for a u64, and decimals
        // with more digits than an f64 holds exactly: the careful path reads them.
        for text in [
            "01",
            "1.",
            "1e5",
            "-",
            ".5",
            "18446744073709551616",
            "1844674407370955161.6",
            "1234567890.123456789",
            "1.7976931348623157",
            "12345678.123456789",
        ] {
            let mut c = Cursor { text, bytes: text.as_bytes(), at: 0 };
            assert!(c.f64().is_none() || c.end().is_none(), "{text}");
        }
        // Counts: whole, unsigned, within a u32.
        for (text, count) in [("0", Some(0)), ("4294967295", Some(u32::MAX)), ("4294967296", None), ("00", None)]
            .into_iter()
            .chain([("-1", None), ("1.0", None), ("99999999999999999999", None), ("1e2", None)])
        {
            let mut c = Cursor { text, bytes: text.as_bytes(), at: 0 };
            assert_eq!(c.u32().filter(|_| c.end().is_some()), count, "{text}");
        }
    }
}
