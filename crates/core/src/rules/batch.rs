//! A batch of reports as the engine reads it: for every report a brief (when, where,
//! what kind, who reported it, its id), and the whole report only for those a rule may
//! need. Most reports from the ground (a patrol seen in its own side's rear) can break
//! no provision; they still order the reports and join incidents, which is all the brief
//! is for, and are never built into a whole [`Report`].

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, FixedOffset};

use super::draft::Draft;
use super::report::Report;
use super::report::{Category, Direction, Event};
use super::scan::Time;
use crate::agreement::Position;
use crate::hint::prefetch;

/// No whole report kept.
const NONE: u32 = u32::MAX;
/// In [`Brief::whole`]: the number is of a tally, not of a whole report.
const TALLY: u32 = 1 << 31;

/// What the rules that keep running totals (DMZ headcount, rotation, materiel) read of a
/// report of those kinds, besides its id and time: borrowed from a report, or from a
/// batch's [`Tally`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Counted<'x> {
    /// `Event::index` of the report.
    pub kind: usize,
    pub side: &'x str,
    pub direction: Direction,
    /// Persons (zone entries, rotation) or pieces (materiel).
    pub count: u32,
    /// The people's category (zone entries).
    pub category: Category,
    /// Port of entry (rotation, materiel).
    pub port: &'x str,
    /// The materiel's category and type.
    pub item_category: &'x str,
    pub item_type: &'x str,
    pub position: Option<Position>,
}

impl<'x> Counted<'x> {
    /// The counted parts of a report, if it is a DMZ entry or exit, rotation or materiel.
    pub fn of(report: &'x Report) -> Option<Self> {
        let counted = |side: &'x str, direction, count| Counted {
            kind: report.event.index(),
            side,
            direction,
            count,
            category: Category::Military,
            port: "",
            item_category: "",
            item_type: "",
            position: report.position,
        };
        match &report.event {
            Event::ZoneEntry { side, count, category, direction, .. } => {
                Some(Counted { category: *category, ..counted(side, *direction, *count) })
            }
            Event::Rotation { side, port, direction, count } => {
                Some(Counted { port, ..counted(side, *direction, *count) })
            }
            Event::Materiel { side, port, direction, category, item_type, quantity } => {
                Some(Counted { port, item_category: category, item_type, ..counted(side, *direction, *quantity) })
            }
            _ => None,
        }
    }
}

/// A [`Counted`] kept in a batch, its names interned.
#[derive(Debug, Clone, Copy)]
struct Tally {
    kind: u8,
    direction: Direction,
    category: Category,
    count: u32,
    /// Side, port, materiel category and type, as numbers of the batch's names.
    names: [u32; 4],
    position: Option<Position>,
}

/// A kept report as the engine evaluates it in time order.
#[derive(Debug)]
pub(crate) enum Kept<'b> {
    Report(&'b Report),
    Tally(Counted<'b>),
}

/// What the engine keeps of every report: 40 bytes, for there is one for every report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Brief {
    /// Observed (start): seconds since 1970 and nanoseconds.
    pub secs: i64,
    /// Its position, or its track's first fix.
    pub lon: f64,
    pub lat: f64,
    pub nanos: u32,
    /// The offset written (seconds east, under 2^23 either way) in the low 24 bits, and
    /// `Event::index`, or `u8::MAX` when the report has no place, in the high 8.
    offset_kind: u32,
    /// The reporting party and team and the observers' nationalities: a number of the
    /// batch's `reporters` list.
    reporter: u32,
    /// Index of the whole report, or of its tally with `TALLY` set, or `NONE`.
    whole: u32,
}

const _: () = assert!(std::mem::size_of::<Brief>() == 40);

impl Brief {
    /// `Event::index`, or `u8::MAX` when the report has no place.
    pub fn kind(&self) -> u8 {
        (self.offset_kind >> 24) as u8
    }

    /// The offset written, seconds east of UTC.
    pub fn offset(&self) -> i32 {
        ((self.offset_kind << 8) as i32) >> 8
    }
}

/// Reports read for checking. Built by [`super::Checker::read_line`] (or from whole
/// reports by [`Batch::push_whole`]), checked by [`super::Checker::check_batch`].
#[derive(Debug, Default, Clone)]
pub struct Batch<'r> {
    pub(crate) briefs: Vec<Brief>,
    /// Every report's id, one after another; `id_ends.get(i)` is where report i's ends.
    ids: String,
    id_ends: Ends,
    /// Whole reports: owned when read from lines, borrowed when the caller has them.
    wholes: Vec<Cow<'r, Report>>,
    /// Tallies of the reports whose other rules were evaluated as they were read.
    tallies: Vec<Tally>,
    /// The names in tallies.
    names: Interner,
    /// Findings of reports evaluated as they were read, each with its key: the report's
    /// index << 32 | its place among that report's findings.
    pub(crate) pending: Vec<Draft>,
    pub(crate) pending_keys: Vec<u64>,
    sources: Interner,
    /// Sets of nationalities, each as its names, sorted, written by [`encode`].
    nationalities: Interner,
    /// Each reporter (a source and a set of nationalities) a brief names, by number.
    reporters: Vec<(u32, u32)>,
    reporter_numbers: HashMap<(u32, u32), u32, foldhash::fast::FixedState>,
    /// Room to write a key in.
    key: String,
    /// Room to locate the places of a report evaluated as it is read in.
    pub(crate) spots: Vec<super::engine::Spot>,
    /// Whether some report's id is less than the one before it.
    ids_fall: bool,
    /// Whether some report's id is the one before it (noted while none falls).
    ids_repeat: bool,
    /// A `reported_by` object as written in a line -> its number in `reporters`: one
    /// lookup for a reporter seen before.
    reporter_texts: HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    /// The `reported_by` objects read so far, for the reader not to read them again.
    pub(crate) known: super::scan::Reporters,
    /// What ordering and grouping need of all the briefs, kept up as each is added.
    pub(crate) extent: Extent,
}

/// What putting the briefs in time order and grouping them into incidents need to know of
/// them all, kept up as briefs are added, so that neither reads all the briefs first (a
/// pass over 400 MB each on a file of 10 million reports).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extent {
    /// The earliest and latest second (`i64::MAX` and `i64::MIN` when there is none).
    pub first: i64,
    pub last: i64,
    /// The first brief's second.
    base: i64,
    /// The bits of every second's difference from `base`, or-ed: its lowest set bit is
    /// the lowest bit in which any two seconds differ.
    pub apart: u64,
    /// The bits of every brief's nanoseconds, or-ed.
    pub fractions: u64,
    /// The highest latitude, north or south, of the briefs with a place (0 if none).
    pub max_lat: f64,
}

impl Default for Extent {
    fn default() -> Self {
        Self { first: i64::MAX, last: i64::MIN, base: 0, apart: 0, fractions: 0, max_lat: 0.0 }
    }
}

impl Extent {
    /// Take in a brief's second, nanoseconds and latitude (if it has a place); `first`
    /// says whether it is the batch's first brief.
    fn add(&mut self, first: bool, secs: i64, nanos: u32, lat: Option<f64>) {
        if first {
            self.base = secs;
        }
        self.first = self.first.min(secs);
        self.last = self.last.max(secs);
        self.apart |= secs.wrapping_sub(self.base) as u64;
        self.fractions |= u64::from(nanos);
        if let Some(lat) = lat {
            self.max_lat = self.max_lat.max(lat.abs());
        }
    }

    /// Take in the extent of briefs added after these. Every difference or-ed in is one
    /// between two seconds of the batches, and any two seconds' difference is a sum of
    /// such differences, so the lowest bit set stays the lowest in which two differ.
    fn join(&mut self, other: &Extent, empty: bool) {
        if empty {
            *self = *other;
            return;
        }
        self.apart |= other.apart | other.base.wrapping_sub(self.base) as u64;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.fractions |= other.fractions;
        self.max_lat = self.max_lat.max(other.max_lat);
    }
}

/// Who made a report, as [`Batch::push`] takes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reporter<'x> {
    /// The `reported_by` object as written in a line, if read from one.
    pub text: Option<&'x str>,
    /// Its number in the batch, when the caller knows it (as [`Batch::push`] returned it
    /// for an earlier report of the same reporter).
    pub number: Option<u32>,
    pub party: &'x str,
    pub team: Option<&'x str>,
    /// The observers' nationalities (any order, repeats allowed).
    pub nationalities: &'x [&'x str],
}

/// Where each report's id ends among the batch's ids, in 4 bytes a report: the low
/// `BITS` bits of each end, and the bits above them wherever those change (never, for
/// fewer than 4 GiB of ids).
#[derive(Debug, Default, Clone)]
struct Ends<const BITS: u32 = 32> {
    lows: Vec<u32>,
    /// (report, the high bits of its end and of those after it, up to the next entry).
    highs: Vec<(usize, u64)>,
}

impl<const BITS: u32> Ends<BITS> {
    const MASK: u64 = (1 << BITS) - 1;

    /// Add the next report's end (no less than the one before).
    fn push(&mut self, end: usize) {
        let high = end as u64 >> BITS;
        if high != self.highs.last().map_or(0, |h| h.1) {
            self.highs.push((self.lows.len(), high));
        }
        self.lows.push((end as u64 & Self::MASK) as u32);
    }

    /// Report `i`'s end.
    #[inline]
    fn get(&self, i: usize) -> usize {
        let low = u64::from(self.lows[i]);
        if self.highs.is_empty() {
            return low as usize;
        }
        let at = self.highs.partition_point(|&(j, _)| j <= i);
        let high = at.checked_sub(1).map_or(0, |h| self.highs[h].1);
        (high << BITS | low) as usize
    }
}

/// Strings, each kept once and named by a number.
#[derive(Debug, Clone)]
struct Interner {
    names: Vec<Box<str>>,
    numbers: HashMap<Box<str>, u32, BuildHasherDefault<BytesHasher>>,
    /// Names of up to 16 bytes looked up before, in a slot picked by their bytes: each
    /// as ([`short_key`], its length, its number). Most lookups end here, without
    /// hashing the name and comparing it through `memcmp`.
    recent: [((u64, u64), u8, u32); RECENT],
}

/// Slots of [`Interner::recent`].
const RECENT: usize = 32;

/// Two numbers that, with its length, tell a text of up to 16 bytes from any other: its
/// first and last 8 bytes (overlapping under 16), or 4, or for under 4 bytes every
/// byte; `None` past 16 bytes.
fn short_key(bytes: &[u8]) -> Option<(u64, u64)> {
    let n = bytes.len();
    let word = |at: usize| bytes.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let half = |at: usize| bytes.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map(u32::from_le_bytes);
    match n {
        17.. => None,
        8.. => Some((word(0)?, word(n - 8)?)),
        4.. => Some((u64::from(half(0)?), u64::from(half(n - 4)?))),
        1.. => {
            let byte = |at: usize| u64::from(bytes[at.min(n - 1)]);
            Some((byte(0) | byte(1) << 8 | byte(2) << 16, 0))
        }
        0 => Some((0, 0)),
    }
}

impl Default for Interner {
    fn default() -> Self {
        Self { names: Vec::new(), numbers: HashMap::default(), recent: [((0, 0), u8::MAX, 0); RECENT] }
    }
}

impl Interner {
    fn number(&mut self, name: &str) -> u32 {
        let key = short_key(name.as_bytes());
        let slot = key.map(|(a, b)| {
            let folded = (a ^ b.rotate_left(29) ^ name.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (folded >> (64 - RECENT.ilog2())) as usize
        });
        if let (Some(key), Some(slot)) = (key, slot) {
            let (known, len, n) = self.recent[slot];
            if known == key && usize::from(len) == name.len() {
                return n;
            }
        }
        let n = match self.numbers.get(name) {
            Some(&n) => n,
            None => {
                let n = self.names.len() as u32;
                self.names.push(name.into());
                self.numbers.insert(name.into(), n);
                n
            }
        };
        if let (Some(key), Some(slot)) = (key, slot) {
            self.recent[slot] = (key, name.len() as u8, n);
        }
        n
    }

    fn name(&self, number: u32) -> &str {
        self.names.get(number as usize).map_or("", |n| n)
    }
}

/// FNV-1a over 8 bytes at a time: the interned names are short, and a lookup is made
/// for every report. The maps are only looked up, so the hash cannot change a result.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BytesHasher(u64);

impl Hasher for BytesHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0 ^ 0xcbf2_9ce4_8422_2325;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            hash = (hash ^ word).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(23);
        }
        for &b in chunks.remainder() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

impl<'r> Batch<'r> {
    /// A batch with room for about `reports` reports of ids about `id_bytes` long in all,
    /// so that its lists are seldom copied to grow (room never written takes no memory).
    pub fn with_capacity(reports: usize, id_bytes: usize) -> Self {
        Self {
            briefs: Vec::with_capacity(reports),
            ids: String::with_capacity(id_bytes),
            id_ends: Ends { lows: Vec::with_capacity(reports), highs: Vec::new() },
            pending: Vec::with_capacity(reports / 4),
            pending_keys: Vec::with_capacity(reports / 4),
            tallies: Vec::with_capacity(reports / 4),
            ..Self::default()
        }
    }

    /// Reports in the batch.
    pub fn len(&self) -> usize {
        self.briefs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.briefs.is_empty()
    }

    /// Reports kept for evaluation in time order: whole, or as tallies.
    pub fn wholes(&self) -> usize {
        self.wholes.len() + self.tallies.len()
    }

    /// Add a report, kept whole.
    pub fn push_whole(&mut self, report: Report) {
        self.push_cow(Cow::Owned(report));
    }

    /// Add a report the caller keeps, kept whole (not copied).
    pub fn push_borrowed(&mut self, report: &'r Report) {
        self.push_cow(Cow::Borrowed(report));
    }

    fn push_cow(&mut self, report: Cow<'r, Report>) {
        let start = report.observed_at.start();
        let place = report.position.or_else(|| report.track.first().map(|f| f.position));
        let nationalities: Vec<&str> =
            report.reported_by.observers.iter().filter_map(|o| o.nationality.as_deref()).collect();
        self.push(
            &report.id,
            Time { secs: start.timestamp(), offset: start.offset().local_minus_utc() },
            start.timestamp_subsec_nanos(),
            place.map(|p| (p.lon, p.lat)),
            report.event.index(),
            Reporter {
                text: None,
                number: None,
                party: &report.reported_by.party,
                team: report.reported_by.team.as_deref(),
                nationalities: &nationalities,
            },
            None,
        );
        let last = self.briefs.len() - 1;
        self.briefs[last].whole = self.wholes.len() as u32;
        self.wholes.push(report);
    }

    /// Add a report by its brief, with its tally when kept for the rules that keep running
    /// totals. Returns its reporter's number.
    #[allow(clippy::too_many_arguments)] // a brief's parts
    pub(crate) fn push(
        &mut self,
        id: &str,
        start: Time,
        nanos: u32,
        place: Option<(f64, f64)>,
        kind: usize,
        reporter: Reporter<'_>,
        tally: Option<Counted<'_>>,
    ) -> u32 {
        if let (false, Some(last)) = (self.ids_fall, self.len().checked_sub(1)) {
            match compare(id.as_bytes(), self.id(last).as_bytes()) {
                Ordering::Less => self.ids_fall = true,
                Ordering::Equal => self.ids_repeat = true,
                Ordering::Greater => {}
            }
        }
        self.ids.push_str(id);
        self.id_ends.push(self.ids.len());
        let reporter = match (reporter.number, reporter.text) {
            (Some(number), _) => number,
            (None, Some(text)) => match self.reporter_texts.get(text) {
                Some(&number) => number,
                None => {
                    let number = self.reporter_number(&reporter);
                    self.reporter_texts.insert(text.into(), number);
                    number
                }
            },
            (None, None) => self.reporter_number(&reporter),
        };
        let (lon, lat) = place.unwrap_or_default();
        let whole = match tally {
            Some(c) => {
                let names = [c.side, c.port, c.item_category, c.item_type].map(|name| self.names.number(name));
                let (kind, direction, category, count, position) =
                    (c.kind as u8, c.direction, c.category, c.count, c.position);
                self.tallies.push(Tally { kind, direction, category, count, names, position });
                (self.tallies.len() - 1) as u32 | TALLY
            }
            None => NONE,
        };
        let kind = if place.is_some() { kind as u8 } else { u8::MAX };
        // Offsets are read up to 23:59 either way (and chrono's are under a day).
        debug_assert!(start.offset.unsigned_abs() < 1 << 23, "offset {}", start.offset);
        let offset_kind = (start.offset as u32 & 0xff_ffff) | u32::from(kind) << 24;
        self.extent.add(self.briefs.is_empty(), start.secs, nanos, place.map(|(_, lat)| lat));
        self.briefs.push(Brief { secs: start.secs, lon, lat, nanos, offset_kind, reporter, whole });
        reporter
    }

    /// The number of a reporter: of its source and set of nationalities.
    fn reporter_number(&mut self, reporter: &Reporter<'_>) -> u32 {
        let pair = self.source_and_set(reporter);
        self.pair_number(pair)
    }

    /// The number of a source and set of nationalities in `reporters`.
    fn pair_number(&mut self, pair: (u32, u32)) -> u32 {
        let next = self.reporters.len() as u32;
        let number = *self.reporter_numbers.entry(pair).or_insert(next);
        if number == next {
            self.reporters.push(pair);
        }
        number
    }

    /// A reporter's source (party and team) and set of nationalities, as numbers.
    fn source_and_set(&mut self, reporter: &Reporter<'_>) -> (u32, u32) {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        encode(&mut key, reporter.party);
        if let Some(team) = reporter.team {
            encode(&mut key, team);
        }
        let source = self.sources.number(&key);
        key.clear();
        let nationalities = reporter.nationalities;
        if nationalities.len() == 1 {
            encode(&mut key, nationalities[0]);
        } else if !nationalities.is_empty() {
            let mut set = nationalities.to_vec();
            set.sort_unstable();
            set.dedup();
            set.iter().for_each(|n| encode(&mut key, n));
        }
        let nationalities = self.nationalities.number(&key);
        self.key = key;
        (source, nationalities)
    }

    /// Add the reports of `other` after these (for reading parts of a file on several
    /// threads, in order).
    pub fn append(&mut self, other: Batch<'r>) {
        let sources: Vec<u32> = other.sources.names.iter().map(|n| self.sources.number(n)).collect();
        let nationalities: Vec<u32> = other.nationalities.names.iter().map(|n| self.nationalities.number(n)).collect();
        let reporters: Vec<u32> = other
            .reporters
            .iter()
            .map(|&(source, set)| self.pair_number((sources[source as usize], nationalities[set as usize])))
            .collect();
        let joint = match (self.is_empty(), other.is_empty()) {
            (false, false) => compare(other.id(0).as_bytes(), self.id(self.len() - 1).as_bytes()),
            _ => Ordering::Greater,
        };
        self.ids_fall |= other.ids_fall || joint == Ordering::Less;
        self.ids_repeat |= other.ids_repeat || joint == Ordering::Equal;
        let (id_base, whole_base, tally_base) = (self.ids.len(), self.wholes.len() as u32, self.tallies.len() as u32);
        let names: Vec<u32> = other.names.names.iter().map(|n| self.names.number(n)).collect();
        self.ids.push_str(&other.ids);
        for i in 0..other.len() {
            self.id_ends.push(other.id_ends.get(i) + id_base);
        }
        if !other.is_empty() {
            self.extent.join(&other.extent, self.is_empty());
        }
        let report_base = self.briefs.len() as u64;
        self.wholes.extend(other.wholes);
        self.tallies
            .extend(other.tallies.into_iter().map(|t| Tally { names: t.names.map(|n| names[n as usize]), ..t }));
        self.pending.extend(other.pending);
        self.pending_keys.extend(other.pending_keys.iter().map(|key| key + (report_base << 32)));
        self.briefs.extend(other.briefs.into_iter().map(|b| Brief {
            reporter: reporters[b.reporter as usize],
            whole: match b.whole {
                NONE => NONE,
                tally if tally & TALLY != 0 => tally + tally_base,
                whole => whole + whole_base,
            },
            ..b
        }));
    }

    /// Report `i`'s id.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.ids.get(self.id_start(i)..self.id_ends.get(i)).unwrap_or_default()
    }

    /// Where report `i`'s id starts among the ids: where the one before it ends.
    fn id_start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.id_ends.get(i - 1) }
    }

    /// Whether no report's id is less than the one before it.
    pub(crate) fn ids_in_order(&self) -> bool {
        !self.ids_fall
    }

    /// Whether every report's id is greater than the one before it, and so no two are
    /// equal.
    pub(crate) fn ids_unique(&self) -> bool {
        !self.ids_fall && !self.ids_repeat
    }

    /// What is kept of a brief's report for evaluation in time order, as a number for
    /// [`Batch::kept`]: `None` when nothing is.
    pub(crate) fn keeps(brief: &Brief) -> Option<u32> {
        (brief.whole != NONE).then_some(brief.whole)
    }

    /// What is kept of a report for evaluation in time order, by the number
    /// [`Batch::keeps`] gave.
    pub(crate) fn kept(&self, kept: u32) -> Option<Kept<'_>> {
        match kept {
            NONE => None,
            tally if tally & TALLY != 0 => {
                let t = self.tallies.get((tally & !TALLY) as usize)?;
                let [side, port, item_category, item_type] = t.names.map(|n| self.names.name(n));
                let (kind, direction, category, count, position) =
                    (usize::from(t.kind), t.direction, t.category, t.count, t.position);
                Some(Kept::Tally(Counted {
                    kind,
                    side,
                    direction,
                    count,
                    category,
                    port,
                    item_category,
                    item_type,
                    position,
                }))
            }
            whole => self.wholes.get(whole as usize).map(|r| Kept::Report(r.as_ref())),
        }
    }

    /// Ask for what [`Batch::kept`] reads (a tally; whole reports are few), to have it at
    /// hand when it comes to be read.
    pub(crate) fn prefetch_kept(&self, kept: u32) {
        if kept != NONE && kept & TALLY != 0 {
            if let Some(tally) = self.tallies.get((kept & !TALLY) as usize) {
                prefetch(tally);
            }
        }
    }

    /// Ask for where report `i`'s id ends (and the one before it, where it starts).
    pub(crate) fn prefetch_id_end(&self, i: usize) {
        if let Some(end) = self.id_ends.lows.get(i) {
            prefetch(end);
        }
    }

    /// Ask for report `i`'s id, its end asked for before ([`Batch::prefetch_id_end`]).
    pub(crate) fn prefetch_id(&self, i: usize) {
        if let Some(byte) = self.ids.as_bytes().get(self.id_start(i)) {
            prefetch(byte);
        }
    }

    /// Ask for report `i`'s brief, to have it at hand.
    pub(crate) fn prefetch_brief(&self, i: usize) {
        if let Some(brief) = self.briefs.get(i) {
            prefetch(brief);
        }
    }

    /// When report `i`'s event was observed (its earliest moment), with its offset.
    pub(crate) fn start(&self, i: usize) -> DateTime<FixedOffset> {
        let b = &self.briefs[i];
        Time { secs: b.secs, offset: b.offset() }.with_nanos(b.nanos)
    }

    /// The nationalities of a set named by [`Sorted::nationality_set`].
    pub(crate) fn set_names(&self, set: u32) -> impl Iterator<Item = &str> {
        decode(self.nationalities.name(set))
    }
}

/// The first 16 bytes of an id as a number (zero-padded), which orders ids as their text
/// does whenever it differs.
pub(crate) fn id_prefix(id: &str) -> u128 {
    prefix(id.as_bytes())
}

fn prefix(bytes: &[u8]) -> u128 {
    let mut padded = [0u8; 16];
    let n = bytes.len().min(16);
    padded[..n].copy_from_slice(&bytes[..n]);
    u128::from_be_bytes(padded)
}

/// Texts `a` and `b` compared: for texts of up to 16 bytes, as two numbers and their
/// lengths (no call to compare memory).
fn compare(a: &[u8], b: &[u8]) -> Ordering {
    if a.len() <= 16 && b.len() <= 16 { (prefix(a), a.len()).cmp(&(prefix(b), b.len())) } else { a.cmp(b) }
}

/// Append `name` to `key` as its length in decimal, a colon, and itself, so that a list
/// of names makes one key and no two lists the same.
fn encode(key: &mut String, name: &str) {
    let (mut digits, mut at, mut len) = ([0u8; 20], 20, name.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (len % 10) as u8;
        len /= 10;
        if len == 0 {
            break;
        }
    }
    key.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
    key.push(':');
    key.push_str(name);
}

/// The names [`encode`] wrote into `key`.
fn decode(mut key: &str) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        let (len, rest) = key.split_once(':')?;
        let len: usize = len.parse().ok()?;
        let name = rest.get(..len)?;
        key = rest.get(len..)?;
        Some(name)
    })
}

/// A batch in the order the engine reads it: position `i` is the `i`-th report in time.
#[derive(Debug)]
pub(crate) struct Sorted<'b> {
    pub batch: &'b Batch<'b>,
    /// Position -> index in the batch.
    pub order: &'b [u32],
}

impl Sorted<'_> {
    pub fn id(&self, i: usize) -> &str {
        self.batch.id(self.order[i] as usize)
    }

    pub fn start(&self, i: usize) -> DateTime<FixedOffset> {
        self.batch.start(self.order[i] as usize)
    }

    /// Report `i`'s source (its party and team), as a number: equal for equal sources.
    pub fn source(&self, i: usize) -> u32 {
        self.batch.reporters[self.batch.briefs[self.order[i] as usize].reporter as usize].0
    }

    /// The set of report `i`'s observers' nationalities, as a number: equal for equal
    /// sets (its names by [`Batch::set_names`]).
    pub fn nationality_set(&self, i: usize) -> u32 {
        self.batch.reporters[self.batch.briefs[self.order[i] as usize].reporter as usize].1
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of reports with these ids, read as one batch or as two appended halves.
    fn batch_of(ids: &[&str], halves: bool) -> Batch<'static> {
        let reporter = Reporter { text: None, number: None, party: "unc", team: None, nationalities: &[] };
        let mut parts = [Batch::default(), Batch::default()];
        for (i, id) in ids.iter().enumerate() {
            let part = usize::from(halves && i >= ids.len() / 2);
            parts[part].push(id, Time { secs: 0, offset: 0 }, 0, None, 0, reporter, None);
        }
        let [mut first, second] = parts;
        first.append(second);
        first
    }

    /// Ends kept in their low 4 bits (and their high ones where those change) read back
    /// as given: ends that stay in one span of 16, cross it, leap several, or repeat.
    #[test]
    fn ends_read_back_as_pushed() {
        let mut next = crate::rules::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for _ in 0..200 {
            let mut ends: Ends<4> = Ends::default();
            let mut given = Vec::new();
            let mut end = 0usize;
            for _ in 0..(next() % 40) {
                end += match next() % 4 {
                    0 => 0,
                    1 => (next() % 3) as usize,
                    2 => (next() % 20) as usize,
                    _ => (next() % 100) as usize,
                };
                ends.push(end);
                given.push(end);
            }
            let read: Vec<usize> = (0..given.len()).map(|i| ends.get(i)).collect();
            assert_eq!(read, given);
        }
        // Under 4 GiB of ids, no high bits are kept.
        let mut ends: Ends = Ends::default();
        ends.push(usize::try_from(u32::MAX).unwrap_or(usize::MAX));
        assert!(ends.highs.is_empty());
    }

    #[test]
    fn ids_are_unique_only_when_each_is_greater_than_the_one_before() {
        for halves in [false, true] {
            let check = |ids: &[&str], in_order: bool, unique: bool| {
                let batch = batch_of(ids, halves);
                assert_eq!((batch.ids_in_order(), batch.ids_unique()), (in_order, unique), "{ids:?}, halves {halves}");
            };
            check(&["a", "b", "c", "d"], true, true);
            check(&["a", "b", "b", "c"], true, false);
            check(&["a", "c", "b", "d"], false, false);
            // Equal across the place the halves are joined, and ids longer than 16 bytes.
            check(&["a", "x-0123456789abcdefgh", "x-0123456789abcdefgh", "z"], true, false);
            check(&["a", "x-0123456789abcdefgh", "x-0123456789abcdefgi", "z"], true, true);
            check(&[], true, true);
        }
    }

    /// The extent kept up as briefs are added, read in one batch or in two appended at
    /// any place, is what a pass over all the briefs finds: the earliest and latest
    /// second, the lowest bit in which two seconds differ, the nanoseconds' bits and the
    /// highest latitude of those with a place.
    #[test]
    fn the_extent_kept_up_is_the_briefs_own() {
        let mut next = crate::rules::xorshift(0x2545_f491_4f6c_dd1d_u64);
        let reporter = Reporter { text: None, number: None, party: "unc", team: None, nationalities: &[] };
        for case in 0..300 {
            let n = (next() % 12) as usize;
            // Seconds on a grid of 2^k (so that the lowest differing bit varies), some
            // negative; nanoseconds in some cases; latitudes north and south, some
            // briefs without a place.
            let grid = 1i64 << (next() % 8);
            let briefs: Vec<(i64, u32, Option<f64>)> = (0..n)
                .map(|_| {
                    let secs = (next() % 2000) as i64 * grid - 1000 * grid;
                    let nanos = if case % 3 == 0 { (next() % 1000) as u32 * 1000 } else { 0 };
                    let lat = (next() % 4 != 0).then(|| (next() % 1800) as f64 / 10.0 - 90.0);
                    (secs, nanos, lat)
                })
                .collect();
            let lowest = |secs: &[i64]| {
                secs.iter().flat_map(|a| secs.iter().map(move |b| a.wrapping_sub(*b) as u64)).fold(0, |x, d| x | d)
            };
            let secs: Vec<i64> = briefs.iter().map(|b| b.0).collect();
            let want = (
                secs.iter().copied().min().unwrap_or(i64::MAX),
                secs.iter().copied().max().unwrap_or(i64::MIN),
                lowest(&secs).trailing_zeros(),
                briefs.iter().fold(0u64, |x, b| x | u64::from(b.1)),
                briefs.iter().filter_map(|b| b.2).map(f64::abs).fold(0.0, f64::max),
            );
            for cut in 0..=n {
                let mut parts = [Batch::default(), Batch::default()];
                for (i, &(secs, nanos, lat)) in briefs.iter().enumerate() {
                    let place = lat.map(|lat| (127.0, lat));
                    parts[usize::from(i >= cut)].push("r", Time { secs, offset: 0 }, nanos, place, 0, reporter, None);
                }
                let [mut batch, second] = parts;
                batch.append(second);
                let e = batch.extent;
                let got = (e.first, e.last, e.apart.trailing_zeros(), e.fractions, e.max_lat);
                assert_eq!(got, want, "case {case}, cut at {cut}: {briefs:?}");
            }
        }
    }

    /// `count` texts of up to 20 bytes, each byte one of `letters`.
    fn random_texts(next: &mut impl FnMut() -> u64, count: usize, letters: &[u8]) -> Vec<Vec<u8>> {
        (0..count)
            .map(|_| {
                let len = (next() % 21) as usize;
                (0..len).map(|_| letters[(next() % letters.len() as u64) as usize]).collect()
            })
            .collect()
    }

    /// Texts of up to 20 bytes over a few letters (so that many share their first or
    /// last bytes): two have the same short key and length exactly when they are the
    /// same text, and the interner numbers each name by its first appearance, whether
    /// its memo of recent names answers or the map does.
    #[test]
    fn short_names_are_told_apart_and_numbered_once() {
        let mut next = crate::rules::xorshift(0x51_7cc1_b727_220a_u64);
        let texts = random_texts(&mut next, 3000, &[b'a', b'b', 0, 0xff]);
        for a in &texts {
            for b in texts.iter().take(300) {
                let (ka, kb) = (short_key(a), short_key(b));
                assert_eq!(ka.is_some(), a.len() <= 16);
                if let (Some(ka), Some(kb)) = (ka, kb) {
                    assert_eq!(ka == kb && a.len() == b.len(), a == b, "{a:?} {b:?}");
                }
            }
        }
        let names: Vec<String> = texts.iter().map(|t| t.iter().map(|&b| char::from(b'a' + b % 7)).collect()).collect();
        let mut interner = Interner::default();
        let mut first: HashMap<&str, u32> = HashMap::new();
        for _ in 0..20_000 {
            let name = names[(next() % 60) as usize].as_str();
            let fresh = first.len() as u32;
            let want = *first.entry(name).or_insert(fresh);
            assert_eq!(interner.number(name), want, "{name:?}");
            assert_eq!(interner.name(want), name);
        }
    }

    /// Texts of up to 20 bytes, some a prefix of another, some with zero bytes: ordered
    /// as slices are.
    #[test]
    fn compare_orders_texts_as_slices_do() {
        let mut next = crate::rules::xorshift(0x853c_49e6_748f_ea9b_u64);
        let texts = random_texts(&mut next, 400, &[0, 1, b'a', b'b', 0xff]);
        for a in &texts {
            for b in &texts {
                assert_eq!(compare(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
