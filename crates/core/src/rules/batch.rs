//! A batch of reports as the engine reads it: for every report a brief (when, where,
//! what kind, who reported it, its id), and the whole report only for those a rule may
//! need. Most reports from the ground (a patrol seen in its own side's rear) can break
//! no provision; they still order the reports and join incidents, which is all the brief
//! is for, and are never built into a whole [`Report`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, FixedOffset};

use super::finding::Finding;
use super::report::Report;
use super::scan::{Time, scan};

/// No whole report kept.
const NONE: u32 = u32::MAX;
/// In [`Brief::whole`]: the number is of a kept line, not of a built report.
const LINE: u32 = 1 << 31;

/// What a batch keeps of a report a rule may need.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // made and used up at once, never stored
pub(crate) enum Whole<'r> {
    /// Nothing: no rule can need it.
    None,
    /// The report, built.
    Report(Report),
    /// Its line, which the fast reader reads, kept to be read again when the rules reach
    /// the report: a line takes far less room than the report built from it.
    Line(&'r str),
}

/// What the engine keeps of every report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Brief {
    /// Observed (start): seconds since 1970, nanoseconds, the offset written (seconds east).
    pub secs: i64,
    pub nanos: u32,
    pub offset: i32,
    /// Its position, or its track's first fix.
    pub lon: f64,
    pub lat: f64,
    /// `Event::index`, or `u8::MAX` when the report has no place.
    pub kind: u8,
    /// The reporting party and team, interned.
    pub source: u32,
    /// The observers' nationalities (a sorted set), interned; 0 is none.
    pub nationalities: u32,
    /// Index of the whole report, or of its line with `LINE` set, or `NONE`.
    pub whole: u32,
}

/// Reports read for checking. Built by [`super::Checker::read_line`] (or from whole
/// reports by [`Batch::push_whole`]), checked by [`super::Checker::check_batch`].
#[derive(Debug, Default, Clone)]
pub struct Batch<'r> {
    pub(crate) briefs: Vec<Brief>,
    /// Every report's id, one after another; `id_ends[i]` is where report i's ends.
    ids: String,
    id_ends: Vec<usize>,
    /// Whole reports: owned when read from lines, borrowed when the caller has them.
    wholes: Vec<Cow<'r, Report>>,
    /// Lines of reports kept whole, read again when checked (see [`Whole::Line`]).
    lines: Vec<&'r str>,
    /// Findings of reports evaluated as they were read, each with its key: the report's
    /// index << 32 | its place among that report's findings.
    pub(crate) pending: Vec<Finding>,
    pub(crate) pending_keys: Vec<u64>,
    sources: Interner,
    /// Sets of nationalities, each as its names, sorted, written by [`encode`].
    nationalities: Interner,
    /// Room to write a key in.
    key: String,
}

/// Strings, each kept once and named by a number.
#[derive(Debug, Default, Clone)]
struct Interner {
    names: Vec<Box<str>>,
    numbers: HashMap<Box<str>, u32, BuildHasherDefault<BytesHasher>>,
}

impl Interner {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.into());
        self.numbers.insert(name.into(), n);
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
            id_ends: Vec::with_capacity(reports),
            lines: Vec::with_capacity(reports / 2),
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

    /// Reports kept whole (those a rule may need), built or as their lines.
    pub fn wholes(&self) -> usize {
        self.wholes.len() + self.lines.len()
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
            (&report.reported_by.party, report.reported_by.team.as_deref()),
            &nationalities,
            Whole::None,
        );
        let last = self.briefs.len() - 1;
        self.briefs[last].whole = self.wholes.len() as u32;
        self.wholes.push(report);
    }

    /// Add a report by its brief, with what is kept of it whole.
    #[allow(clippy::too_many_arguments)] // a brief's parts
    pub(crate) fn push(
        &mut self,
        id: &str,
        start: Time,
        nanos: u32,
        place: Option<(f64, f64)>,
        kind: usize,
        (party, team): (&str, Option<&str>),
        nationalities: &[&str],
        whole: Whole<'r>,
    ) {
        self.ids.push_str(id);
        self.id_ends.push(self.ids.len());
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        encode(&mut key, party);
        if let Some(team) = team {
            encode(&mut key, team);
        }
        let source = self.sources.number(&key);
        key.clear();
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
        let (lon, lat) = place.unwrap_or_default();
        let whole = match whole {
            Whole::Report(report) => {
                self.wholes.push(Cow::Owned(report));
                (self.wholes.len() - 1) as u32
            }
            Whole::Line(line) => {
                self.lines.push(line);
                (self.lines.len() - 1) as u32 | LINE
            }
            Whole::None => NONE,
        };
        self.briefs.push(Brief {
            secs: start.secs,
            nanos,
            offset: start.offset,
            lon,
            lat,
            kind: if place.is_some() { kind as u8 } else { u8::MAX },
            source,
            nationalities,
            whole,
        });
    }

    /// Add the reports of `other` after these (for reading parts of a file on several
    /// threads, in order).
    pub fn append(&mut self, other: Batch<'r>) {
        let sources: Vec<u32> = other.sources.names.iter().map(|n| self.sources.number(n)).collect();
        let nationalities: Vec<u32> = other.nationalities.names.iter().map(|n| self.nationalities.number(n)).collect();
        let (id_base, whole_base, line_base) = (self.ids.len(), self.wholes.len() as u32, self.lines.len() as u32);
        self.ids.push_str(&other.ids);
        self.id_ends.extend(other.id_ends.iter().map(|e| e + id_base));
        let report_base = self.briefs.len() as u64;
        self.wholes.extend(other.wholes);
        self.lines.extend(other.lines);
        self.pending.extend(other.pending);
        self.pending_keys.extend(other.pending_keys.iter().map(|key| key + (report_base << 32)));
        self.briefs.extend(other.briefs.into_iter().map(|b| Brief {
            source: sources[b.source as usize],
            nationalities: nationalities[b.nationalities as usize],
            whole: match b.whole {
                NONE => NONE,
                line if line & LINE != 0 => line + line_base,
                whole => whole + whole_base,
            },
            ..b
        }));
    }

    /// Report `i`'s id.
    pub(crate) fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        self.ids.get(start..self.id_ends[i]).unwrap_or_default()
    }

    /// Whether a brief's report is kept whole.
    pub(crate) fn is_whole(brief: &Brief) -> bool {
        brief.whole != NONE
    }

    /// A brief's whole report, if kept: built again from its line if kept as one. A kept
    /// line was read by the fast reader when the report was added, so it reads the same
    /// again (the careful reader is the fallback should the text have changed since; a
    /// line neither reads is skipped).
    pub(crate) fn whole(&self, brief: &Brief) -> Option<Cow<'_, Report>> {
        match brief.whole {
            NONE => None,
            line if line & LINE != 0 => {
                let line = self.lines.get((line & !LINE) as usize)?;
                match scan(line) {
                    Some(s) => Some(Cow::Owned(s.to_report())),
                    None => Report::parse_careful(line).ok().map(Cow::Owned),
                }
            }
            whole => self.wholes.get(whole as usize).map(|r| Cow::Borrowed(r.as_ref())),
        }
    }

    /// When report `i`'s event was observed (its earliest moment), with its offset.
    pub(crate) fn start(&self, i: usize) -> DateTime<FixedOffset> {
        let b = &self.briefs[i];
        Time { secs: b.secs, offset: b.offset }.with_nanos(b.nanos)
    }

    /// The nationalities of a set named by [`Sorted::nationality_set`].
    pub(crate) fn set_names(&self, set: u32) -> impl Iterator<Item = &str> {
        decode(self.nationalities.name(set))
    }
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
    pub order: Vec<u32>,
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
        self.batch.briefs[self.order[i] as usize].source
    }

    /// The set of report `i`'s observers' nationalities, as a number: equal for equal
    /// sets (its names by [`Batch::set_names`]).
    pub fn nationality_set(&self, i: usize) -> u32 {
        self.batch.briefs[self.order[i] as usize].nationalities
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
}
