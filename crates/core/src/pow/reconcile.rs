//! One-to-one reconciliation of list A (prisoners one side holds) against list B (the
//! other side's missing): candidate pairs from blocking, a score for each pair, and a
//! greedy assignment from the best score down.
//!
//! Blocking: every entry gets a handful of keys (its canonical name with the order of
//! surname and given name ignored, surname + birth year + the given name's first three
//! sounds, given name + birth year, surname + full birth date, full birth date + either
//! name's first sound, serial number, its characters sorted, and the serial with one
//! character left out). Only entries that
//! share a key are compared, so the work grows with the list, not with its square; a
//! block too large to be useful (more pairs than [`Options::max_block_pairs`]) is left
//! out, since the other keys still reach its true pairs.
//!
//! Score: each field that both entries carry adds a weight (positive when it agrees,
//! negative when it disagrees, nothing when either side left it empty), in the manner
//! of Fellegi and Sunter's log-likelihood ratios; the total is mapped to 0–1 by a
//! logistic curve. The weights were set by hand and checked on FEBRL4 and on the
//! project's romanization benchmark (see BENCHMARKS.md).
//!
//! Assignment: pairs in order of score (ties by the two ids), each person used once. A
//! pair at or over the threshold is a match, unless another pair for either person that
//! is still open scores nearly as well: then it goes to review, as do pairs between the
//! review threshold and the threshold. The result depends on the rows, not on their
//! order in either file.

use std::cmp::Ordering;

use rayon::prelude::*;
use serde::Serialize;

use super::list::{ListEntry, PartialDate};
use super::names::{self, Hint, NameKeys};

/// What counts as a match, and how much blocking may cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Score (0–1) from which a pair is a match.
    pub threshold: f64,
    /// Score (0–1) from which a pair is put to a person for review.
    pub review_threshold: f64,
    /// A block that would make more pairs than this is skipped.
    pub max_block_pairs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { threshold: 0.5, review_threshold: 0.2, max_block_pairs: 50_000 }
    }
}

/// One field's contribution to a pair's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub field: &'static str,
    /// In words: `equal`, `year agrees (1931 ~ 1931-04)`, `differs`, ...
    pub verdict: String,
    /// The log-likelihood weight it added.
    pub weight: f64,
}

/// A pair of entries (indices into list A and list B) with its score and reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub score: f64,
    pub why: Vec<Evidence>,
}

/// Counts that say how much work blocking left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Distinct pairs compared.
    pub candidate_pairs: usize,
    /// Blocks skipped for being larger than `max_block_pairs`.
    pub oversized_blocks: usize,
}

/// The outcome: matches, pairs for review, and who is left on each side (indices,
/// each list in id order).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    pub matches: Vec<Pair>,
    pub review: Vec<Pair>,
    pub unmatched_a: Vec<usize>,
    pub unmatched_b: Vec<usize>,
    pub stats: Stats,
}

/// The score's logistic midpoint: a total weight of this much is a score of 0.5.
const MIDPOINT: f64 = 8.0;
/// A rival within this much total weight makes a match doubtful.
const AMBIGUITY_MARGIN: f64 = 1.0;

fn score_of(total: f64) -> f64 {
    1.0 / (1.0 + (-(total - MIDPOINT)).exp())
}

fn total_of(score: f64) -> f64 {
    let score = score.clamp(1e-12, 1.0 - 1e-12);
    MIDPOINT + (score / (1.0 - score)).ln()
}

/// An entry with its fields normalised once for comparison.
#[derive(Debug)]
struct Prepared {
    names: NameKeys,
    birth: Option<PartialDate>,
    serial: Option<String>,
    unit: Option<String>,
    rank: Option<String>,
    nation: Hint,
    captured_on: Option<PartialDate>,
    captured_at: Option<String>,
}

fn squash(text: Option<&str>) -> Option<String> {
    let s: String = text?.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    (!s.is_empty()).then_some(s)
}

fn words(text: Option<&str>) -> Option<String> {
    let s: Vec<String> =
        text?.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect();
    (!s.is_empty()).then(|| s.join(" "))
}

/// How well the words of the shorter text are found in the longer (Monge–Elkan: each
/// word's best Jaro–Winkler match, averaged), so that a place written with a word left
/// out or moved ("4 hodgkinson street raworth cottage" ~ "4 raworth cottage") still
/// agrees, where one Jaro–Winkler over the whole text falls at the first difference.
fn word_similarity(x: &str, y: &str) -> f64 {
    let (short, long): (Vec<&str>, Vec<&str>) = {
        let (p, q) = (x.split(' ').collect::<Vec<_>>(), y.split(' ').collect::<Vec<_>>());
        if p.len() <= q.len() { (p, q) } else { (q, p) }
    };
    if short.is_empty() {
        return 0.0;
    }
    let best =
        |w: &str| long.iter().map(|v| if w == *v { 1.0 } else { strsim::jaro_winkler(w, v) }).fold(0.0, f64::max);
    short.iter().map(|w| best(w)).sum::<f64>() / short.len() as f64
}

fn prepare(entry: &ListEntry) -> Prepared {
    Prepared {
        names: NameKeys::of_entry(entry),
        birth: entry.birth_date,
        serial: squash(entry.serial_number.as_deref()),
        unit: words(entry.unit.as_deref()),
        rank: words(entry.rank.as_deref()),
        nation: Hint::from_nationality(entry.nationality.as_deref()),
        captured_on: entry.captured_on,
        captured_at: words(entry.captured_at.as_deref()),
    }
}

/// FNV-1a, 64 bits: block keys only need to be equal when their parts are.
#[derive(Debug, Clone, Copy)]
struct KeyHash(u64);

impl KeyHash {
    fn new(tag: u8) -> Self {
        Self(0xcbf2_9ce4_8422_2325).byte(tag)
    }
    fn byte(self, b: u8) -> Self {
        Self((self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
    }
    fn str(self, s: &str) -> Self {
        s.bytes().fold(self, Self::byte).byte(0xff)
    }
    fn num(self, n: u32) -> Self {
        n.to_le_bytes().into_iter().fold(self, Self::byte)
    }
}

fn block_keys(p: &Prepared, out: &mut Vec<u64>) {
    out.clear();
    let year = p.birth.map(|d| u32::from(d.year));
    let full = p.birth.and_then(|d| Some(u32::from(d.year) * 10_000 + u32::from(d.month?) * 100 + u32::from(d.day?)));
    for key in &p.names.keys {
        let t = key.tradition as u8;
        let (low, high) = if key.family <= key.given { (&key.family, &key.given) } else { (&key.given, &key.family) };
        out.push(KeyHash::new(1).byte(t).str(low).str(high).0);
        let whole = format!("{}{}", key.family, key.given);
        out.push(KeyHash::new(2).byte(t).str(&whole).0);
        if let Some(year) = year {
            // Surname, year and the given name's first three sounds: a block of Kims
            // born in one year would be too large to compare in full.
            let start = key.given.get(..3).unwrap_or(&key.given);
            out.push(KeyHash::new(3).byte(t).str(&key.family).num(year).str(start).0);
            if !key.given.is_empty() {
                out.push(KeyHash::new(4).byte(t).str(&key.given).num(year).0);
            }
        }
        if let Some(full) = full {
            out.push(KeyHash::new(5).byte(t).str(&key.family).num(full).0);
            // Birth date and either name's first sound, for names mangled past the
            // other keys.
            for part in [&key.family, &key.given] {
                out.push(KeyHash::new(6).byte(t).num(full).byte(part.bytes().next().unwrap_or(0)).0);
            }
        }
    }
    if p.names.keys.is_empty()
        && let Some(full) = full
    {
        out.push(KeyHash::new(6).num(full).0);
    }
    if let Some(serial) = &p.serial {
        out.push(KeyHash::new(7).str(serial).0);
        // Its characters in order: two serials with digits swapped anywhere share it.
        let mut sorted: Vec<char> = serial.chars().collect();
        sorted.sort_unstable();
        out.push(KeyHash::new(9).str(&sorted.into_iter().collect::<String>()).0);
        // The serial with each character left out in turn: two serials one slip apart
        // (a wrong, missing, extra or swapped digit) share one of these.
        if serial.chars().count() >= 5 {
            for (at, c) in serial.char_indices() {
                out.push(KeyHash::new(8).str(&serial[..at]).str(&serial[at + c.len_utf8()..]).0);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

fn digits(d: &PartialDate) -> Option<[u8; 8]> {
    let (y, m, day) = (d.year, d.month?, d.day?);
    let y = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10].map(|x| x as u8);
    Some([y[0], y[1], y[2], y[3], m / 10, m % 10, day / 10, day % 10])
}

/// How two birth dates compare: a weight and a few words (the dates are added by the
/// caller, only when the evidence is wanted).
fn birth_weight(a: &PartialDate, b: &PartialDate) -> (f64, &'static str) {
    if a == b {
        let w = match (a.month, a.day) {
            (Some(_), Some(_)) => 7.0,
            (Some(_), None) => 4.0,
            _ => 2.5,
        };
        return (w, "equal");
    }
    let both_full = a.day.is_some() && b.day.is_some();
    if both_full && let (Some(x), Some(y)) = (digits(a), digits(b)) {
        let mut differing = (0..8).filter(|&i| x[i] != y[i]);
        let first = differing.next();
        let second = differing.next();
        let more = differing.next().is_some();
        let one = first.is_some() && second.is_none();
        let transposed = match (first, second) {
            (Some(i), Some(j)) => !more && j == i + 1 && x[i] == y[j] && x[j] == y[i],
            _ => false,
        };
        let day_month_swapped = a.year == b.year && a.month == b.day && a.day == b.month;
        if one || transposed || day_month_swapped {
            return (2.0, "one slip");
        }
        if a.year == b.year && a.month == b.month {
            return (0.0, "day differs");
        }
    }
    if a.year == b.year {
        let month_agrees = a.month.zip(b.month).is_none_or(|(x, y)| x == y);
        if !month_agrees {
            return (-1.5, "month differs");
        }
        let both_months = a.month.is_some() && b.month.is_some();
        return if both_months { (4.0, "year and month agree") } else { (2.5, "year agrees") };
    }
    if a.year.abs_diff(b.year) == 1 {
        return (-1.5, "a year apart");
    }
    (-2.3, "differs")
}

fn name_weight(m: &names::NameAgreement) -> f64 {
    let w = match m.given {
        // Surname and given name weigh separately: a list may get one wholly wrong
        // (a clerk's slip, a nickname) while every other field agrees.
        Some(given) => {
            let family = match m.family {
                f if f >= 0.999 => 4.0,
                f if f >= 0.92 => 2.5,
                f if f >= 0.85 => 0.5,
                _ => -2.3,
            };
            let given = match given {
                g if g >= 0.999 => 5.0,
                g if g >= 0.94 => 3.0,
                g if g >= 0.88 => 0.5,
                _ => -2.3,
            };
            family + given
        }
        None => match m.similarity {
            s if s >= 0.999 => 4.0,
            s if s >= 0.93 => 2.5,
            s if s >= 0.85 => 0.0,
            _ => -3.0,
        },
    };
    if m.swapped { w - 0.5 } else { w }
}

/// The total weight of a pair; with `why`, the evidence for each field too.
fn weigh(a: &Prepared, b: &Prepared, mut why: Option<&mut Vec<Evidence>>) -> f64 {
    let mut total = 0.0;
    let mut add = |field: &'static str, weight: f64, verdict: &dyn Fn() -> String| {
        total += weight;
        if let Some(why) = why.as_deref_mut() {
            why.push(Evidence { field, verdict: verdict(), weight });
        }
    };
    if !a.names.keys.is_empty() && !b.names.keys.is_empty() {
        match names::compare(&a.names, &b.names) {
            Some(m) => add("name", name_weight(&m), &|| m.to_string()),
            None => add("name", -3.0, &|| "no common reading (different scripts or nationalities)".into()),
        }
    }
    if let (Some(x), Some(y)) = (&a.birth, &b.birth) {
        let (w, verdict) = birth_weight(x, y);
        add("birth_date", w, &|| if verdict == "equal" { verdict.into() } else { format!("{verdict} ({x} ~ {y})") });
    }
    if let (Some(x), Some(y)) = (&a.serial, &b.serial) {
        if x == y {
            add("serial_number", 8.0, &|| "equal".into());
        } else if x.len() >= 4 && strsim::osa_distance(x, y) <= 1 {
            add("serial_number", 4.0, &|| format!("one slip ({x} ~ {y})"));
        } else if x.len() >= 6 && strsim::osa_distance(x, y) <= 2 {
            add("serial_number", 1.5, &|| format!("two slips ({x} ~ {y})"));
        } else {
            add("serial_number", -2.3, &|| format!("differs ({x} ~ {y})"));
        }
    }
    if let (Some(x), Some(y)) = (&a.unit, &b.unit) {
        if x == y {
            add("unit", 1.5, &|| "equal".into());
        } else if strsim::jaro_winkler(x, y) >= 0.9 {
            add("unit", 0.5, &|| format!("similar ({x} ~ {y})"));
        } else {
            add("unit", -1.0, &|| format!("differs ({x} ~ {y})"));
        }
    }
    if let (Some(x), Some(y)) = (&a.rank, &b.rank) {
        if x == y {
            add("rank", 0.5, &|| "equal".into());
        } else {
            add("rank", -0.5, &|| format!("differs ({x} ~ {y})"));
        }
    }
    if a.nation != Hint::Unknown && b.nation != Hint::Unknown {
        if a.nation == b.nation {
            add("nationality", 0.3, &|| "equal".into());
        } else {
            add("nationality", -4.0, &|| "differs".into());
        }
    }
    if let (Some(x), Some(y)) = (&a.captured_on, &b.captured_on) {
        if x == y {
            add("captured_on", 1.5, &|| "equal".into());
        } else if x.year == y.year
            && x.month.zip(y.month).is_none_or(|(m, n)| m == n)
            && (x.day.is_none() || y.day.is_none())
        {
            add("captured_on", 0.5, &|| format!("agrees as far as both go ({x} ~ {y})"));
        } else {
            add("captured_on", -1.0, &|| format!("differs ({x} ~ {y})"));
        }
    }
    if let (Some(x), Some(y)) = (&a.captured_at, &b.captured_at) {
        let s = if x == y { 1.0 } else { strsim::jaro_winkler(x, y).max(word_similarity(x, y)) };
        // A place of several words (a street, a hill and a village) that agrees says
        // far more than one town name does.
        let specific = x.split(' ').count().min(y.split(' ').count()) >= 3;
        let (strong, close, weak) = if specific { (4.5, 4.0, 2.0) } else { (2.0, 1.0, 0.5) };
        if s >= 0.95 {
            add("captured_at", strong, &|| if s >= 1.0 { "equal".into() } else { format!("similar ({s:.2})") });
        } else if s >= 0.9 {
            add("captured_at", close, &|| format!("similar ({s:.2})"));
        } else if s >= 0.85 {
            add("captured_at", weak, &|| format!("similar ({s:.2})"));
        } else {
            add("captured_at", -1.5, &|| format!("differs ({s:.2})"));
        }
    }
    total
}

/// Pairs of entries that share at least one block key, as `a << 32 | b`, sorted.
fn candidate_pairs(a: &[Prepared], b: &[Prepared], options: &Options, stats: &mut Stats) -> Vec<u64> {
    let keyed = |side: &[Prepared]| -> Vec<(u64, u32)> {
        let mut all: Vec<(u64, u32)> = side
            .par_iter()
            .enumerate()
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut acc, mut scratch): (Vec<(u64, u32)>, Vec<u64>), (i, p)| {
                    block_keys(p, &mut scratch);
                    acc.extend(scratch.iter().map(|&k| (k, i as u32)));
                    (acc, scratch)
                },
            )
            .map(|(acc, _)| acc)
            .reduce(Vec::new, |mut x, mut y| {
                x.append(&mut y);
                x
            });
        all.par_sort_unstable();
        all
    };
    let (keys_a, keys_b) = rayon::join(|| keyed(a), || keyed(b));
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < keys_a.len() && j < keys_b.len() {
        match keys_a[i].0.cmp(&keys_b[j].0) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                let key = keys_a[i].0;
                let end_a = i + keys_a[i..].iter().take_while(|k| k.0 == key).count();
                let end_b = j + keys_b[j..].iter().take_while(|k| k.0 == key).count();
                if (end_a - i) * (end_b - j) > options.max_block_pairs {
                    stats.oversized_blocks += 1;
                } else {
                    for &(_, x) in &keys_a[i..end_a] {
                        pairs.extend(keys_b[j..end_b].iter().map(|&(_, y)| (u64::from(x) << 32) | u64::from(y)));
                    }
                }
                (i, j) = (end_a, end_b);
            }
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Each entry's place in the list sorted by id (ids are unique within a list).
fn id_ranks(entries: &[ListEntry]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..entries.len() as u32).collect();
    order.par_sort_unstable_by(|&i, &j| entries[i as usize].id.cmp(&entries[j as usize].id));
    let mut rank = vec![0; entries.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// Reconcile list A against list B. Entries are referred to by their index in each slice.
pub fn reconcile(a: &[ListEntry], b: &[ListEntry], options: &Options) -> Reconciliation {
    let (prepared_a, prepared_b): (Vec<Prepared>, Vec<Prepared>) =
        rayon::join(|| a.par_iter().map(prepare).collect(), || b.par_iter().map(prepare).collect());
    let mut stats = Stats::default();
    let pairs = candidate_pairs(&prepared_a, &prepared_b, options, &mut stats);
    stats.candidate_pairs = pairs.len();

    let floor = total_of(options.review_threshold);
    let mut scored: Vec<(f64, u32, u32)> = pairs
        .par_iter()
        .filter_map(|&pair| {
            let (x, y) = ((pair >> 32) as u32, pair as u32);
            let total = weigh(&prepared_a[x as usize], &prepared_b[y as usize], None);
            (total >= floor).then_some((total, x, y))
        })
        .collect();
    drop(pairs);
    // Ties are broken by id, not by position, so that row order does not matter.
    let (rank_a, rank_b) = rayon::join(|| id_ranks(a), || id_ranks(b));
    let by_rank = |p: &(f64, u32, u32), q: &(f64, u32, u32)| {
        q.0.total_cmp(&p.0)
            .then_with(|| rank_a[p.1 as usize].cmp(&rank_a[q.1 as usize]))
            .then_with(|| rank_b[p.2 as usize].cmp(&rank_b[q.2 as usize]))
    };
    scored.par_sort_unstable_by(by_rank);

    // Each person's candidates, best first, to look for rivals.
    let mut rivals_a: Vec<Vec<(f64, u32)>> = vec![Vec::new(); a.len()];
    let mut rivals_b: Vec<Vec<(f64, u32)>> = vec![Vec::new(); b.len()];
    for &(total, x, y) in &scored {
        rivals_a[x as usize].push((total, y));
        rivals_b[y as usize].push((total, x));
    }
    let mut taken_a = vec![false; a.len()];
    let mut taken_b = vec![false; b.len()];
    let match_total = total_of(options.threshold);
    let mut result = Reconciliation { stats, ..Reconciliation::default() };
    for &(total, x, y) in &scored {
        let (xi, yi) = (x as usize, y as usize);
        if taken_a[xi] || taken_b[yi] {
            continue;
        }
        taken_a[xi] = true;
        taken_b[yi] = true;
        let mut why = Vec::new();
        weigh(&prepared_a[xi], &prepared_b[yi], Some(&mut why));
        let close = |t: f64| t >= total - AMBIGUITY_MARGIN;
        let rival_b = rivals_a[xi].iter().find(|&&(t, other)| other != y && !taken_b[other as usize] && close(t));
        let rival_a = rivals_b[yi].iter().find(|&&(t, other)| other != x && !taken_a[other as usize] && close(t));
        if let Some(&(_, other)) = rival_b {
            why.push(Evidence {
                field: "ambiguous",
                verdict: format!("B {} is nearly as close", b[other as usize].id),
                weight: 0.0,
            });
        }
        if let Some(&(_, other)) = rival_a {
            why.push(Evidence {
                field: "ambiguous",
                verdict: format!("A {} is nearly as close", a[other as usize].id),
                weight: 0.0,
            });
        }
        let pair = Pair { a: xi, b: yi, score: score_of(total), why };
        if total >= match_total && rival_a.is_none() && rival_b.is_none() {
            result.matches.push(pair);
        } else {
            result.review.push(pair);
        }
    }
    let by_a = |p: &Pair, q: &Pair| a[p.a].id.cmp(&a[q.a].id);
    result.matches.sort_by(by_a);
    result.review.sort_by(by_a);
    result.unmatched_a = (0..a.len()).filter(|&i| !taken_a[i]).collect();
    result.unmatched_a.sort_by(|&i, &j| a[i].id.cmp(&a[j].id));
    result.unmatched_b = (0..b.len()).filter(|&i| !taken_b[i]).collect();
    result.unmatched_b.sort_by(|&i, &j| b[i].id.cmp(&b[j].id));
    result
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::pow::list::parse_list;
    use crate::pow::romanize::hangul;

    fn list(csv: &str) -> Vec<ListEntry> {
        let import = parse_list(csv.as_bytes()).unwrap();
        assert!(import.rejected.is_empty(), "{:?}", import.rejected);
        import.entries
    }

    fn ids(a: &[ListEntry], b: &[ListEntry], pairs: &[Pair]) -> Vec<(String, String)> {
        pairs.iter().map(|p| (a[p.a].id.clone(), b[p.b].id.clone())).collect()
    }

    const HELD: &str = "id,name,name_native,birth_date,serial_number,unit,nationality\n\
        a1,Kim Il-sung,,1925-04-15,,105th Tank Div,KOR\n\
        a2,Pak Hon-yong,,1930,,,KOR\n\
        a3,Ch'oe Yong-gon,,1928-06-02,K-4410,,KOR\n\
        a4,P'eng Te-huai,,1920-10,,,CHN\n\
        a5,Yi Sun-ok,,1931-02-01,,,KOR\n\
        a6,Kim Chang-sik,,1929-01-01,,,KOR\n";
    const MISSING: &str = "id,name,name_native,birth_date,serial_number,unit,nationality\n\
        b1,Gim Il-seong,김일성,1925-04-15,,105th Tank Division,ROK\n\
        b2,,朴憲永,1930-03,,,KOR\n\
        b3,Choi Yong-geon,,1928-06-02,K4410,,KOR\n\
        b4,Peng Dehuai,彭德怀,1920-10-24,,,Chinese\n\
        b5,Lee Sun-ok,,1931-02-01,,,KOR\n\
        b6,Kim Chang-sik,,1941-07-07,,,KOR\n\
        b7,Rhee Sun-ok,,1931-02-01,,,KOR\n";

    #[test]
    fn matches_across_romanizations_and_scripts() {
        let (a, b) = (list(HELD), list(MISSING));
        let result = reconcile(&a, &b, &Options::default());
        let pairs = |v| ids(&a, &b, v);
        assert_eq!(
            pairs(&result.matches),
            [("a1", "b1"), ("a2", "b2"), ("a3", "b3"), ("a4", "b4")].map(|(x, y)| (x.to_owned(), y.to_owned()))
        );
        // Lee Sun-ok and Rhee Sun-ok, same birth day: equally good, so a person decides.
        // Kim Chang-sik born twelve years apart is no match either, only worth a look.
        assert_eq!(pairs(&result.review), [("a5", "b5"), ("a6", "b6")].map(|(x, y)| (x.to_owned(), y.to_owned())));
        assert!(result.review[0].why.iter().any(|e| e.field == "ambiguous"));
        assert!(result.review[1].score < 0.5, "{:?}", result.review[1]);
        assert!(result.unmatched_a.is_empty());
        assert_eq!(result.unmatched_b.iter().map(|&i| b[i].id.as_str()).collect::<Vec<_>>(), ["b7"]);
        let first = &result.matches[0];
        assert!(first.score > 0.95, "{first:?}");
        let fields: Vec<&str> = first.why.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "birth_date", "unit", "nationality"]);
        assert!(first.why[0].verdict.starts_with("same Korean key"), "{:?}", first.why[0]);
        let serial = result.matches[2].why.iter().find(|e| e.field == "serial_number").unwrap();
        assert_eq!(serial.verdict, "equal");
    }

    #[test]
    fn thresholds_move_pairs_between_matches_and_review() {
        let (a, b) = (list(HELD), list(MISSING));
        let strict = reconcile(&a, &b, &Options { threshold: 0.999_999, ..Options::default() });
        assert!(strict.matches.len() < 4);
        assert_eq!(strict.matches.len() + strict.review.len(), 6);
        let none = reconcile(&a, &b, &Options { threshold: 1.0, review_threshold: 1.0, ..Options::default() });
        assert!(none.matches.is_empty() && none.review.is_empty());
        assert_eq!(none.unmatched_a.len(), a.len());
    }

    #[test]
    fn surname_blocks_alone_do_not_pair_everyone() {
        // 300 Kims on each side, all different people: blocking must not compare all
        // 90,000 pairs.
        let row = |side: &str, i: usize| {
            format!("{side}{i},Kim Person{i},,{}-{:02}-{:02},,,KOR\n", 1900 + i % 40, 1 + i % 12, 1 + i % 28)
        };
        let header = "id,name,name_native,birth_date,serial_number,unit,nationality\n";
        let a = list(&(header.to_owned() + &(0..300).map(|i| row("a", i)).collect::<String>()));
        let b = list(&(header.to_owned() + &(0..300).map(|i| row("b", i + 7)).collect::<String>()));
        let result = reconcile(&a, &b, &Options::default());
        assert!(result.stats.candidate_pairs < 5_000, "{:?}", result.stats);
        assert_eq!(result.matches.len(), 293);
    }

    fn name_strategy() -> impl Strategy<Value = (String, String)> {
        let surnames =
            prop::sample::select(vec!['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '류', '노']);
        let syllable = (0u32..19, 0u32..21, prop::sample::select(vec![0u32, 4, 8, 16, 21]))
            .prop_map(|(i, v, f)| char::from_u32(0xAC00 + (i * 21 + v) * 28 + f).unwrap_or('가'));
        (surnames, syllable.clone(), syllable).prop_map(|(s, g1, g2)| (s.to_string(), format!("{g1}{g2}")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A person written in Hangul on one list and in McCune–Reischauer (with or
        /// without breves and apostrophes) on the other is still found.
        #[test]
        fn another_romanization_still_matches(
            (family, given) in name_strategy(),
            plain in any::<bool>(),
            year in 1900u16..1940,
        ) {
            let mr = |part: &str| hangul::romanize(part, hangul::System::McCuneReischauer, "-");
            let mut latin = format!("{} {}", mr(&family), mr(&given));
            if plain {
                latin = latin.replace('ŏ', "o").replace('ŭ', "u").replace('\'', "");
            }
            let a = list(&format!("id,name,birth_date\n1,{family}{given},{year}-05-06\n"));
            let b = list(&format!("id,name,birth_date\nx,\"{latin}\",{year}-05\n"));
            let result = reconcile(&a, &b, &Options::default());
            prop_assert_eq!(result.matches.len(), 1, "{} {} vs {}: {:?}", family, given, latin, result);
        }

        /// Shuffling either list changes nothing but indices.
        #[test]
        fn independent_of_row_order(seed_a in any::<u64>(), seed_b in any::<u64>()) {
            let (a, b) = (list(HELD), list(MISSING));
            let shuffle = |mut v: Vec<ListEntry>, mut seed: u64| {
                for i in (1..v.len()).rev() {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    v.swap(i, (seed >> 33) as usize % (i + 1));
                }
                v
            };
            let (sa, sb) = (shuffle(a.clone(), seed_a), shuffle(b.clone(), seed_b));
            let summary = |a: &[ListEntry], b: &[ListEntry], r: &Reconciliation| {
                let pairs = |v: &[Pair]| v.iter().map(|p| (a[p.a].id.clone(), b[p.b].id.clone(), p.score.to_bits())).collect::<Vec<_>>();
                (pairs(&r.matches), pairs(&r.review), r.unmatched_a.iter().map(|&i| a[i].id.clone()).collect::<Vec<_>>())
            };
            let before = summary(&a, &b, &reconcile(&a, &b, &Options::default()));
            let after = summary(&sa, &sb, &reconcile(&sa, &sb, &Options::default()));
            prop_assert_eq!(before, after);
        }
    }
}
