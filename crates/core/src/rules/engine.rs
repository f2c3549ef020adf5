//! The rules engine: every provision a report can show broken, driven by the agreement's
//! typed rules. Reports are taken in order of observation (ties by id), so the findings
//! never depend on the order reports arrived in.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash};

use chrono::{DateTime, Datelike, FixedOffset};

use super::batch::{Batch, BytesHasher, Counted, Extent, Kept, Reporter, Sorted, id_prefix};
use super::draft::{Draft, Findings, NO_INCIDENT};
use super::finding::Finding;
use super::fixed::Fixed;
use super::incidents::{self, Incidents, Sighting, WordHasher};
use super::reason::reason;
use super::report::{Category, Direction, Event, Report, ReportError, Text};
use super::scan::{MAX_OBSERVERS, Scanned, scan_into_with};
use crate::agreement::rule::{Role, Rule};
use crate::agreement::{Agreement, Citation, Position};
use crate::geo::{Atlas, TrackPoint, ZoneKind, crossings};
use crate::hint::prefetch;

/// How far from the coast "contiguous waters" reach when the agreement does not say:
/// 12 nautical miles, the territorial sea of the law of the sea (our assumption).
const DEFAULT_CONTIGUOUS_M: f64 = 22_224.0;

fn role_matches(role: Role, category: Category) -> bool {
    matches!(
        (role, category),
        (Role::Military, Category::Military)
            | (Role::CivilAdministration, Category::CivilAdministration)
            | (Role::Relief, Category::Relief)
            | (Role::CivilPolice, Category::CivilPolice)
            | (Role::Commission, Category::Commission)
            | (Role::Salvage, Category::Salvage)
    )
}

/// A place a report puts something, located.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spot {
    at: DateTime<FixedOffset>,
    position: Position,
    zone: u8,
}

/// Running totals the stateful rules keep.
#[derive(Debug, Default)]
struct State {
    /// (provision, side) -> persons of the limited role in the zone now.
    headcount: BTreeMap<(usize, Text), i64>,
    /// (side, year, month) -> personnel admitted by rotation.
    rotation_month: BTreeMap<(Text, i32, u32), u64>,
    /// side -> (admitted, departed) since the effective time; reports of the current day.
    rotation_balance: BTreeMap<Text, (u64, u64)>,
    /// (side, item type) -> (in, out).
    materiel_balance: BTreeMap<(Text, Text), (u64, u64)>,
    /// Day (in the agreement's offset) whose balance is open, with its reports by side.
    open_day: Option<(i32, u32, u32)>,
    day_reports: BTreeMap<Text, Vec<usize>>,
    day_materiel: BTreeMap<(Text, Text), Vec<usize>>,
}

/// Checks reports against an agreement.
#[derive(Debug)]
pub struct Checker<'a> {
    agreement: &'a Agreement,
    atlas: &'a Atlas,
    /// Each side's coastline (the edges of its territory), indexed for "how far is the
    /// nearest coast of that side" (contiguous waters).
    coasts: BTreeMap<String, rstar::RTree<geo::Line<f64>>>,
    /// The provisions in citation order, each with its instant and zones resolved.
    prepared: Vec<Prepared<'a>>,
    /// Event kind (`Event::index`) -> the provisions whose rule can apply to it.
    by_kind: [Vec<usize>; Event::KINDS],
    /// The agreement's side ids, each with the atlas zones that are another side's
    /// territory.
    sides: Vec<(String, u64)>,
    /// The atlas zones that are some side's territory.
    territories: u64,
    /// The citations of the man-for-man rotation and piece-for-piece replacement rules,
    /// whose balances are judged at the end of each day.
    man_for_man: Option<usize>,
    /// For each provision, how many provisions' citations come before its own: equal
    /// for equal citations, so findings are merged and ordered by citation by this
    /// number (cheaper to compare than a citation).
    citation_ranks: Vec<u32>,
    /// For each provision, the number of its (citation, rule kind): findings of one
    /// incident with the same number are one finding.
    merge_classes: Vec<u32>,
    piece_for_piece: Option<usize>,
    /// By side (as in `sides`) and kind: the zones in which a report at a position may
    /// break a provision (`None`: a report of that kind may break one anywhere). A
    /// report of the side and kind elsewhere, with no track, can break none, so it is
    /// read for its brief only (see [`Batch`]).
    interest: Vec<[[Option<u64>; 3]; Event::KINDS]>,
    /// By kind: whether a provision keeps running totals over reports of that kind, so
    /// that they must be evaluated in time order. A report of any other kind is evaluated
    /// as it is read, on its own.
    stateful: [bool; Event::KINDS],
    /// By kind: whether every provision that reads reports of that kind keeps running
    /// totals, so that a report's tally is all they read of it (no whole report is made).
    tallied_only: [bool; Event::KINDS],
}

/// A provision made ready for evaluation: the instant and the zones its rule names,
/// resolved once rather than for every report.
#[derive(Debug)]
struct Prepared<'a> {
    /// Position among the prepared provisions (a key for the rule's running totals).
    index: usize,
    citation: &'a Citation,
    /// The citation as reasons write it (its `Display`), made once.
    cited: String,
    rule: &'a Rule,
    /// The instant the rule names (its `from`, `deadline` or `remove_by`), if it names one
    /// and the agreement defines it.
    instant: Option<DateTime<FixedOffset>>,
    /// The zones the rule names, as a mask of atlas zone indices (0 when none).
    mask: u64,
    /// For a rule that lists zones (`zones`), each listed zone's own mask, in the
    /// list's order; `mask` is their union.
    listed: Vec<u64>,
}

/// The event kinds (`Event::index`) a rule can apply to: a report of any other kind
/// cannot break it, so it is not evaluated there.
fn event_kinds(rule: &Rule) -> &'static [usize] {
    match rule {
        Rule::HostileAct(_) => &[Event::HOSTILE_ACT],
        Rule::LineCrossing(_) => &[Event::PERSONNEL, Event::VEHICLE, Event::CROSSING],
        Rule::ZoneEntry(_) | Rule::ZoneExit(_) => &[Event::ZONE_ENTRY],
        Rule::HeadcountLimit(_) | Rule::ArmedPersonnel(_) => &[Event::PERSONNEL, Event::ZONE_ENTRY],
        Rule::Withdrawal(_) | Rule::IslandEvacuation(_) | Rule::GroundForces(_) => &[Event::PERSONNEL, Event::VEHICLE],
        Rule::HazardRemoval(_) => &[Event::HAZARD],
        Rule::Airspace(_) => &[Event::AIRCRAFT],
        Rule::NavalForces(_) => &[Event::VESSEL],
        Rule::Rotation(_) => &[Event::ROTATION],
        Rule::Replacement(_) => &[Event::MATERIEL],
        Rule::Composition(_)
        | Rule::DispatchLimit(_)
        | Rule::Meetings(_)
        | Rule::DirectRepatriation(_)
        | Rule::SickAndInjuredFirst(_)
        | Rule::NoForcedRepatriation(_)
        | Rule::ExchangePoint(_)
        | Rule::PrisonerInformation(_)
        | Rule::CustodyHandover(_)
        | Rule::Explanation(_)
        | Rule::Disposition(_)
        | Rule::PeriodicReport(_)
        | Rule::PoliticalConference(_) => &[],
    }
}

impl<'a> Checker<'a> {
    pub fn new(agreement: &'a Agreement, atlas: &'a Atlas) -> Self {
        let mut coasts = BTreeMap::new();
        for zone in atlas.zones.zones.iter().filter(|z| z.kind == ZoneKind::Territory) {
            let Some(side) = &zone.side else { continue };
            let edges: Vec<geo::Line<f64>> = zone
                .polygons
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|ring| ring.lines())
                .collect();
            coasts.insert(side.clone(), rstar::RTree::bulk_load(edges));
        }
        // Zone id -> indices of the atlas zones that count as being in it.
        let mut masks: BTreeMap<String, u64> = BTreeMap::new();
        for (i, zone) in atlas.zones.zones.iter().enumerate() {
            *masks.entry(zone.id.clone()).or_default() |= 1 << i;
            if let ZoneKind::BufferHalf { buffer_id, .. } = &zone.kind {
                *masks.entry(buffer_id.clone()).or_default() |= 1 << i;
            }
        }
        let mask_of = |id: &str| masks.get(id).copied().unwrap_or(0);
        let provisions = agreement.provisions();
        let prepared: Vec<Prepared<'a>> = provisions
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let listed: Vec<u64> = match &p.rule {
                    Rule::GroundForces(r) | Rule::Airspace(r) => r.zones.iter().map(|z| mask_of(z.as_str())).collect(),
                    Rule::NavalForces(r) => r.zones.iter().map(|z| mask_of(z.as_str())).collect(),
                    _ => Vec::new(),
                };
                let (anchor, mask): (Option<&str>, u64) = match &p.rule {
                    Rule::HostileAct(r) => (Some(r.from.as_str()), r.zone.as_ref().map_or(0, |z| mask_of(z.as_str()))),
                    Rule::ZoneEntry(r) => (None, mask_of(r.zone.as_str())),
                    Rule::ZoneExit(r) => (None, mask_of(r.zone.as_str())),
                    Rule::HeadcountLimit(r) => (None, mask_of(r.zone.as_str())),
                    Rule::ArmedPersonnel(r) => (None, mask_of(r.zone.as_str())),
                    Rule::Withdrawal(r) => (Some(r.deadline.as_str()), mask_of(r.zone.as_str())),
                    Rule::HazardRemoval(r) => (Some(r.remove_by.as_str()), mask_of(r.zone.as_str())),
                    Rule::IslandEvacuation(r) => (Some(r.deadline.as_str()), 0),
                    Rule::GroundForces(r) | Rule::Airspace(r) => {
                        (Some(r.from.as_str()), listed.iter().fold(0, |m, z| m | z))
                    }
                    Rule::NavalForces(r) => (Some(r.from.as_str()), listed.iter().fold(0, |m, z| m | z)),
                    _ => (None, 0),
                };
                Prepared {
                    index,
                    citation: &p.citation,
                    cited: p.citation.to_string(),
                    rule: &p.rule,
                    instant: anchor.and_then(|a| agreement.instant(a)),
                    mask,
                    listed,
                }
            })
            .collect();
        let mut by_kind: [Vec<usize>; Event::KINDS] = Default::default();
        for p in &prepared {
            for &kind in event_kinds(p.rule) {
                by_kind[kind].push(p.index);
            }
        }
        let territory_of = |i: usize| {
            let zone = &atlas.zones.zones[i];
            if zone.kind == ZoneKind::Territory { zone.side.as_deref() } else { None }
        };
        let zone_count = atlas.zones.zones.len();
        let territories = (0..zone_count).filter(|&i| territory_of(i).is_some()).fold(0u64, |m, i| m | 1 << i);
        let sides: Vec<(String, u64)> = agreement
            .document
            .sides
            .iter()
            .map(|side| {
                let side = side.get_ref().id.as_str();
                let foreign = (0..zone_count)
                    .filter(|&i| territory_of(i).is_some_and(|s| s != side))
                    .fold(0u64, |m, i| m | 1 << i);
                (side.to_owned(), foreign)
            })
            .collect();
        let man_for_man = provisions.iter().position(|p| matches!(&p.rule, Rule::Rotation(r) if r.man_for_man));
        let piece_for_piece =
            provisions.iter().position(|p| matches!(&p.rule, Rule::Replacement(r) if r.piece_for_piece));
        let citation_ranks: Vec<u32> =
            prepared.iter().map(|p| prepared.iter().filter(|q| q.citation < p.citation).count() as u32).collect();
        // A class is named by its first provision: an earlier one of the same citation and
        // rule kind, or the provision itself.
        let merge_classes = (0..prepared.len())
            .map(|i| {
                let same = |&j: &usize| {
                    citation_ranks[j] == citation_ranks[i] && prepared[j].rule.kind() == prepared[i].rule.kind()
                };
                (0..i).find(same).unwrap_or(i) as u32
            })
            .collect();
        let sea = (0..zone_count).filter(|&i| atlas.zones.zones[i].kind == ZoneKind::Sea).fold(0u64, |m, i| m | 1 << i);
        let interest = sides.iter().map(|(_, foreign)| interest(&prepared, &by_kind, *foreign, sea)).collect();
        let stateful = std::array::from_fn(|kind| by_kind[kind].iter().any(|&p| keeps_state(prepared[p].rule, kind)));
        let tallied_only = std::array::from_fn(|kind| {
            !by_kind[kind].is_empty() && by_kind[kind].iter().all(|&p| keeps_state(prepared[p].rule, kind))
        });
        Self {
            agreement,
            atlas,
            coasts,
            prepared,
            by_kind,
            sides,
            territories,
            man_for_man,
            citation_ranks,
            merge_classes,
            piece_for_piece,
            interest,
            stateful,
            tallied_only,
        }
    }

    /// Read one report line into `batch`: its brief, and, when a rule may need the whole
    /// report, the findings it shows on its own (evaluated now); a report of a kind whose
    /// rules keep running totals also leaves what those rules read (its tally), for
    /// [`Checker::check_batch`] to evaluate in time order. A line that is not a valid
    /// report, or names a side the agreement does not have, is an error and adds nothing.
    pub fn read_line(&self, batch: &mut Batch, line: &str) -> Result<(), ReportError> {
        let mut s = Scanned::default();
        if scan_into_with(line, &mut s, &mut batch.known).is_none() {
            let report = Report::parse_careful(line)?;
            self.check_names(&report)?;
            batch.push_whole(report);
            return Ok(());
        }
        let side = match s.side {
            Some(side) => Some(self.side_index(side)?),
            None => None,
        };
        let place = s.position.or_else(|| s.track.first().map(|f| f.1));
        let class = match s.kind {
            Event::PERSONNEL => match s.category() {
                Some(Category::Military) => MILITARY,
                _ if s.armed == Some(true) => ARMED_CIVIL,
                _ => CIVIL,
            },
            Event::VEHICLE if s.military != Some(true) => CIVIL,
            Event::AIRCRAFT if s.military == Some(false) => CIVIL,
            _ => MILITARY,
        };
        let whole = self.needs_whole(s.kind, class, side, place, !s.track.is_empty());
        let mut names = [""; MAX_OBSERVERS];
        let mut count = 0;
        for (slot, nationality) in names.iter_mut().zip(s.observers().iter().filter_map(|o| o.1)) {
            *slot = nationality;
            count += 1;
        }
        let nationalities = &names[..count];
        let report = (whole && !self.tallied_only[s.kind]).then(|| s.to_rules_report());
        let tally = match &report {
            Some(report) => {
                self.evaluate_alone(batch, report);
                Counted::of(report).filter(|_| self.stateful[s.kind])
            }
            // Only rules that keep running totals read reports of this kind: the tally
            // is taken from the line as read.
            None if whole => s.counted(),
            None => None,
        };
        let number = s.known.and_then(|slot| batch.known.number(slot));
        let reporter = Reporter { text: Some(s.reporter), number, party: s.party, team: s.team, nationalities };
        let pushed = batch.push(s.id, s.start(), 0, place.map(|p| (p.lon, p.lat)), s.kind, reporter, tally);
        if let (Some(slot), None) = (s.known, number) {
            batch.known.number_as(slot, pushed);
        }
        Ok(())
    }

    /// Evaluate the provisions that keep no running totals against a report, as the next
    /// report of `batch`: its findings wait in the batch for their place in time order.
    fn evaluate_alone(&self, batch: &mut Batch, report: &Report) {
        let (kind, index) = (report.event.index(), batch.len());
        // The batch's room for places, not a new list for every report.
        let mut spots = std::mem::take(&mut batch.spots);
        self.spots(report, &mut spots);
        for (rank, &p) in self.by_kind[kind].iter().enumerate() {
            let prepared = &self.prepared[p];
            if keeps_state(prepared.rule, kind) {
                continue;
            }
            let before = batch.pending.len();
            self.evaluate(prepared, report, &spots, &mut batch.pending);
            let emitted = batch.pending.len() - before;
            batch.pending_keys.extend((0..emitted).map(|e| finding_key(index, rank, e)));
        }
        batch.spots = spots;
    }

    /// Whether a report of `kind` and `class` by side `side` at `place` may break a
    /// provision (and so must be kept whole).
    fn needs_whole(
        &self,
        kind: usize,
        class: usize,
        side: Option<usize>,
        place: Option<Position>,
        tracked: bool,
    ) -> bool {
        if self.by_kind[kind].is_empty() {
            return false;
        }
        let (Some(side), Some(place), false) = (side, place, tracked) else { return true };
        match self.interest[side][kind][class] {
            None => true,
            Some(mask) => {
                let zone = self.atlas.zone_index(place.lon, place.lat);
                1u64.checked_shl(u32::from(zone)).is_none_or(|bit| mask & bit != 0)
            }
        }
    }

    /// The index of side `side` among the agreement's sides.
    fn side_index(&self, side: &str) -> Result<usize, ReportError> {
        self.sides.iter().position(|(s, _)| s == side).ok_or_else(|| {
            let sides: Vec<&str> = self.sides.iter().map(|(s, _)| s.as_str()).collect();
            ReportError::Field {
                field: "side".into(),
                message: format!("`{side}` is not a side of this agreement ({})", sides.join(", ")),
            }
        })
    }

    /// Whether the sides a report names exist in this agreement: a misspelt side would
    /// otherwise match no rule and pass unnoticed.
    pub fn check_names(&self, report: &Report) -> Result<(), ReportError> {
        match report.event.side() {
            Some(side) => self.side_index(side).map(drop),
            None => Ok(()),
        }
    }

    /// A finding shown by one report at one of its places.
    fn at_spot(
        &self,
        prepared: &Prepared<'a>,
        side: Option<&str>,
        report: &Report,
        spot: &Spot,
        reason: String,
    ) -> Draft {
        self.finding(
            prepared.index,
            side,
            report.id.clone(),
            spot.at,
            Some(spot.position),
            Some(self.zone_id(spot)),
            reason,
        )
    }

    /// A finding shown by one report, at the report's own position and time, in the zone
    /// of its first place.
    fn at_report(
        &self,
        prepared: &Prepared<'a>,
        side: Option<&str>,
        report: &Report,
        spots: &[Spot],
        reason: String,
    ) -> Draft {
        self.finding(
            prepared.index,
            side,
            report.id.clone(),
            report.observed_at.start(),
            report.position,
            spots.first().map(|s| self.zone_id(s)),
            reason,
        )
    }

    /// The places a report puts something, located, into `spots` (cleared first).
    fn spots(&self, report: &Report, spots: &mut Vec<Spot>) {
        spots.clear();
        let mut add = |at, position: Position| {
            spots.push(Spot { at, position, zone: self.atlas.zone_index(position.lon, position.lat) });
        };
        if let Some(p) = report.position {
            add(report.observed_at.start(), p);
        }
        for fix in &report.track {
            add(fix.at.0, fix.position);
        }
    }

    fn zone_id(&self, spot: &Spot) -> Text {
        Text::from(self.atlas.zone(spot.zone).id.as_str())
    }

    /// Hours from the effective time, for reasons.
    fn hours_after_effective(&self, at: DateTime<FixedOffset>) -> f64 {
        (at - self.agreement.effective_at()).num_seconds() as f64 / 3600.0
    }

    /// Whether `spot` lies in the other side's contiguous waters: sea within `reach_m` of
    /// the other side's coast.
    fn in_other_waters(&self, spot: &Spot, side: &str, reach_m: f64) -> bool {
        use geo::{Closest, ClosestPoint, Distance, Haversine, Point};
        if self.atlas.zone(spot.zone).kind != ZoneKind::Sea {
            return false;
        }
        let here = Point::new(spot.position.lon, spot.position.lat);
        self.coasts.iter().filter(|(s, _)| s.as_str() != side).any(|(_, coast)| {
            let Some(edge) = coast.nearest_neighbor(&here) else { return false };
            match edge.closest_point(&here) {
                Closest::Intersection(p) | Closest::SinglePoint(p) => Haversine.distance(here, p) <= reach_m,
                Closest::Indeterminate => false,
            }
        })
    }

    /// Whether people of `category` leaving `zone` at `at` are carrying out a withdrawal
    /// the agreement itself orders (before its deadline, for the roles it does not exempt):
    /// that movement needs no further authorization.
    fn withdrawing(&self, zone: &str, category: Category, at: DateTime<FixedOffset>) -> bool {
        self.prepared.iter().any(|p| match p.rule {
            Rule::Withdrawal(w) if w.zone.as_str() == zone => {
                !w.exempt.iter().any(|role| role_matches(*role, category))
                    && p.instant.is_some_and(|deadline| at <= deadline)
            }
            _ => false,
        })
    }

    /// The side whose territory people leaving `zone` at `spot` enter: the side of the
    /// half of the zone they left from, or of the territory they are already in.
    fn side_entered_from(&self, zone: &str, spot: &Spot) -> Option<String> {
        let here = self.atlas.zone(spot.zone);
        match &here.kind {
            ZoneKind::BufferHalf { buffer_id, .. } if buffer_id == zone => here.side.clone(),
            ZoneKind::Territory => here.side.clone(),
            _ => None,
        }
    }

    /// The atlas zones that are the territory of a side other than `side`.
    fn foreign_mask(&self, side: &str) -> u64 {
        self.sides.iter().find(|(s, _)| s == side).map_or(self.territories, |&(_, foreign)| foreign)
    }

    /// Check every report; return the findings in order of time, then citation.
    pub fn check(&self, reports: &[Report]) -> Vec<Finding> {
        let mut batch = Batch::default();
        for report in reports {
            batch.push_borrowed(report);
        }
        self.check_batch(batch)
    }

    /// Check a batch of reports (see [`Checker::read_line`]); return the findings in order
    /// of time, then citation.
    pub fn check_batch(&self, batch: Batch) -> Vec<Finding> {
        self.findings(batch).collect()
    }

    /// [`Checker::check_batch`], the findings made one at a time as they are taken (a
    /// caller that writes them out never holds them all).
    pub fn findings<'b>(&self, mut batch: Batch<'b>) -> Findings<'b> {
        let (pending, pending_keys) = (std::mem::take(&mut batch.pending), std::mem::take(&mut batch.pending_keys));
        let order = time_order(&batch);
        let sorted = Sorted { batch: &batch, order: &order };
        // One pass over the briefs in time order: each one's sighting, to group it into
        // an incident, and the positions of the reports kept for evaluation in time order
        // (read apart from the rules, the scattered reads overlap).
        let max_lat = batch.extent.max_lat;
        let mut wholes = Vec::with_capacity(batch.wholes());
        // The briefs are read in time order, scattered in memory. They are read a block
        // at a time, in a loop that does nothing else and asks for each well ahead, so
        // that many reads are under way at once; grouping then reads the block's
        // sightings from the cache.
        let mut block: Vec<Sighting> = Vec::with_capacity(SIGHTING_BLOCK);
        let incidents = incidents::group_with(sorted.len(), max_lat, |i| {
            if i % SIGHTING_BLOCK == 0 {
                block.clear();
                for at in i..(i + SIGHTING_BLOCK).min(sorted.len()) {
                    if let Some(&ahead) = sorted.order.get(at + SIGHTING_AHEAD) {
                        prefetch(&batch.briefs[ahead as usize]);
                    }
                    let brief = &batch.briefs[sorted.order[at] as usize];
                    // What is kept is taken now, while the brief is at hand.
                    if let Some(kept) = Batch::keeps(brief) {
                        wholes.push((at as u32, kept));
                    }
                    block.push(Sighting::of(brief));
                }
            }
            block[i % SIGHTING_BLOCK]
        });
        // Findings, each with its place in the order they would have if every report
        // were evaluated in time order (`finding_key`).
        let mut out = Vec::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut state = State::default();
        let mut spots = Vec::new();
        for (k, &(i, kept)) in wholes.iter().enumerate() {
            // Tallies too are read in time order, scattered in memory.
            if let Some(&(at, ahead)) = wholes.get(k + 8) {
                batch.prefetch_kept(ahead);
                // The rules that keep running totals read its time from its brief.
                batch.prefetch_brief(sorted.order[at as usize] as usize);
            }
            let Some(kept) = batch.kept(kept) else { continue };
            let i = i as usize;
            let report = match &kept {
                Kept::Report(report) => Some(*report),
                Kept::Tally(_) => None,
            };
            let counted = match kept {
                Kept::Report(report) => Counted::of(report),
                Kept::Tally(counted) => Some(counted),
            };
            let kind = match (report, &counted) {
                (Some(report), _) => report.event.index(),
                (None, Some(counted)) => counted.kind,
                (None, None) => continue,
            };
            if let Some(report) = report {
                self.spots(report, &mut spots);
            }
            for (rank, &p) in self.by_kind[kind].iter().enumerate() {
                let prepared = &self.prepared[p];
                let before = out.len();
                match (keeps_state(prepared.rule, kind), report, &counted) {
                    (true, _, Some(counted)) => {
                        self.evaluate_in_order(prepared, &sorted, i, counted, &mut state, &mut out);
                    }
                    // The rest of a tally's rules were evaluated as it was read.
                    (false, Some(report), _) => self.evaluate(prepared, report, &spots, &mut out),
                    _ => {}
                }
                keys.extend((0..out.len() - before).map(|e| finding_key(i, rank, e)));
            }
        }
        self.close_day(&sorted, &mut state, &mut out);
        keys.extend((0..out.len() - keys.len()).map(|e| finding_key(sorted.len(), 0, e)));
        // The findings evaluated in time order join those of reports evaluated as they
        // were read (the longer list, not copied), and all are taken in the order of
        // their keys (by their index in `all`).
        let mut all = pending;
        let read_first = all.len();
        all.extend(out);
        let order_of_keys = merge_keys(&keys, read_first, &pending_places(&sorted, &pending_keys));
        // An incident is named by its first report's id: when no two reports share an id,
        // the first report's place names it as well, and is had without reading the id.
        let kept = if batch.ids_unique() {
            self.merge_corroborated(&mut all, &incidents, &order_of_keys, sorted.len(), |first| first as u32)
        } else {
            self.merge_corroborated(&mut all, &incidents, &order_of_keys, sorted.len(), |first| sorted.id(first))
        };
        let citations = self.prepared.iter().map(|p| (p.citation.clone(), p.cited.clone(), p.rule.kind())).collect();
        Findings::new(batch, order, incidents, citations, &self.citation_ranks, all, &kept)
    }

    #[allow(clippy::too_many_arguments)] // the evaluation context, passed flat for speed
    fn finding(
        &self,
        provision: usize,
        responsible: Option<&str>,
        report: Text,
        at: DateTime<FixedOffset>,
        position: Option<Position>,
        zone: Option<Text>,
        reason: String,
    ) -> Draft {
        Draft {
            provision: provision as u32,
            responsible: responsible.map(Text::from),
            report,
            more: Vec::new(),
            at,
            position,
            zone,
            reason,
            incident_of: NO_INCIDENT,
            own_incident: false,
        }
    }

    /// Evaluate one provision against one report on its own (every rule but those that
    /// keep running totals: see [`Checker::evaluate_in_order`]).
    #[allow(clippy::too_many_lines)] // one match over the rule kinds
    fn evaluate(&self, prepared: &Prepared<'a>, report: &Report, spots: &[Spot], out: &mut Vec<Draft>) {
        let start = report.observed_at.start();
        let id = || report.id.clone();
        let (citation, rule) = (prepared.cited.as_str(), prepared.rule);
        match (rule, &report.event) {
            (Rule::HostileAct(r), Event::HostileAct { side, act, origin, .. }) => {
                let Some(from) = prepared.instant else { return };
                if start < from {
                    return;
                }
                // Who fired, when the report says; else the side a team's investigation
                // assessed (never a mere allegation).
                let side = side.as_deref().or(report.assessed_responsible.as_deref());
                match &r.zone {
                    None => out.push(self.at_report(
                        prepared,
                        side,
                        report,
                        spots,
                        reason!(
                            act,
                            " by ",
                            side.unwrap_or("an unidentified side"),
                            " ",
                            Fixed::one(self.hours_after_effective(start)),
                            " h after the effective time; ",
                            citation,
                            " ends all hostilities from then"
                        ),
                    )),
                    Some(zone) => {
                        let mask = prepared.mask;
                        let origin_spot =
                            origin.map(|p| Spot { at: start, position: p, zone: self.atlas.zone_index(p.lon, p.lat) });
                        let hit = spots.iter().chain(origin_spot.iter()).find(|s| mask & (1 << s.zone) != 0);
                        if let Some(spot) = hit {
                            let role =
                                if origin_spot.is_some_and(|o| o.zone == spot.zone && o.position == spot.position) {
                                    "from"
                                } else {
                                    "within or against"
                                };
                            out.push(self.at_spot(
                                prepared,
                                side,
                                report,
                                spot,
                                reason!(
                                    act,
                                    " ",
                                    role,
                                    " ",
                                    zone,
                                    " (",
                                    self.zone_id(spot),
                                    "); ",
                                    citation,
                                    " forbids any hostile act within, from or against ",
                                    zone
                                ),
                            ));
                        }
                    }
                }
            }
            (Rule::LineCrossing(r), Event::Crossing { side, count, category, authorization: None })
                if start >= self.agreement.effective_at() =>
            {
                out.push(self.at_report(
                    prepared,
                    Some(side),
                    report,
                    spots,
                    reason!(
                        count,
                        " ",
                        category_words(*category),
                        " of ",
                        side,
                        " crossed ",
                        r.line,
                        " without an authorization from ",
                        r.authorized_by,
                        "; ",
                        citation,
                        " requires one"
                    ),
                ));
            }
            (
                Rule::LineCrossing(r),
                Event::Personnel { side, count, authorization: None, .. } | Event::Vehicle { side, count, .. },
            ) if report.track.len() >= 2 && start >= self.agreement.effective_at() => {
                let track = track_points(report);
                let crossed = crossings(self.atlas, &track)
                    .into_iter()
                    .find(|c| matches!(c.kind, crate::geo::CrossingKind::Line { .. }));
                if let Some(c) = crossed {
                    out.push(self.finding(prepared.index,
                        Some(side),
                        id(),
                        c.at,
                        Some(Position { lon: c.lon, lat: c.lat }),
                        None,
                        format!("a track of {count} of {side} crossed {} at {} without an authorization from {}; {citation} requires one", r.line, c.at.to_rfc3339(), r.authorized_by),
                    ));
                }
            }
            (
                Rule::ZoneEntry(r),
                Event::ZoneEntry { side, count, category, direction: Direction::In, authorization, .. },
            ) => {
                let allowed = r.allowed.iter().any(|role| role_matches(*role, *category));
                if !allowed && authorization.is_none() && start >= self.agreement.effective_at() {
                    out.push(self.at_report(
                        prepared,
                        Some(side),
                        report,
                        spots,
                        reason!(
                            count,
                            " ",
                            category_words(*category),
                            " of ",
                            side,
                            " entered ",
                            r.zone,
                            " with no authorization from ",
                            r.authorized_by,
                            "; ",
                            citation,
                            " admits only ",
                            roles_words(&r.allowed)
                        ),
                    ));
                }
            }
            (
                Rule::ZoneExit(r),
                Event::ZoneEntry { side, count, category, direction: Direction::Out, authorization: None, .. },
            ) if start >= self.agreement.effective_at() && !self.withdrawing(r.zone.as_str(), *category, start) => {
                let entered = spots.first().and_then(|s| self.side_entered_from(r.zone.as_str(), s));
                let into = if entered.is_some() { " into the territory of " } else { " into a side's territory" };
                out.push(self.at_report(
                    prepared,
                    Some(side),
                    report,
                    spots,
                    reason!(
                        count,
                        " ",
                        category_words(*category),
                        " of ",
                        side,
                        " left ",
                        r.zone,
                        into,
                        entered.as_deref().unwrap_or_default(),
                        " with no authorization; ",
                        citation,
                        " needs the authorization of that side's commander"
                    ),
                ));
            }
            (Rule::HeadcountLimit(r), Event::Personnel { side, count, category, .. })
                if role_matches(r.role, *category) && *count > r.max_per_side =>
            {
                let mask = prepared.mask;
                if let Some(spot) = first_in(spots, mask) {
                    out.push(self.at_spot(
                        prepared,
                        Some(side),
                        report,
                        spot,
                        format!(
                            "{count} {} of {side} seen in {} at once; {citation} allows {}",
                            category_words(*category),
                            r.zone,
                            r.max_per_side
                        ),
                    ));
                }
            }
            (
                Rule::ArmedPersonnel(r),
                Event::Personnel { side, count, category, armed: true, authorization: None, .. }
                | Event::ZoneEntry { side, count, category, armed: true, authorization: None, direction: Direction::In },
            ) if *category != Category::Military && !r.allowed.iter().any(|role| role_matches(*role, *category)) => {
                let mask = prepared.mask;
                if start >= self.agreement.effective_at() {
                    if let Some(spot) = first_in(spots, mask) {
                        out.push(self.at_spot(
                            prepared,
                            Some(side),
                            report,
                            spot,
                            format!(
                                "{count} armed {} of {side} in {}; {citation} allows arms there only to {}",
                                category_words(*category),
                                self.zone_id(spot),
                                roles_words(&r.allowed)
                            ),
                        ));
                    }
                }
            }
            (Rule::Withdrawal(r), Event::Personnel { side, category: Category::Military, unit, .. })
                if !r.exempt.contains(&Role::Military) =>
            {
                self.withdrawal(prepared, report, spots, side, unit.as_deref().unwrap_or("unit"), out);
            }
            (Rule::Withdrawal(_), Event::Vehicle { side, military: true, .. }) => {
                self.withdrawal(prepared, report, spots, side, "military vehicle", out);
            }
            (Rule::HazardRemoval(_), Event::Hazard { side, hazard, removed: false }) => {
                let (Some(deadline), mask) = (prepared.instant, prepared.mask) else {
                    return;
                };
                if start > deadline {
                    if let Some(spot) = first_in(spots, mask) {
                        let days = (start - deadline).num_hours() as f64 / 24.0;
                        out.push(self.at_spot(
                            prepared,
                            Some(side),
                            report,
                            spot,
                            reason!(
                                hazard,
                                " of ",
                                side,
                                " still in ",
                                self.zone_id(spot),
                                " ",
                                Fixed::one(days),
                                " days after the removal deadline ",
                                deadline.to_rfc3339(),
                                "; ",
                                citation
                            ),
                        ));
                    }
                }
            }
            (
                Rule::IslandEvacuation(_),
                Event::Personnel { side, category: Category::Military, .. }
                | Event::Vehicle { side, military: true, .. },
            ) => {
                let Some(deadline) = prepared.instant else { return };
                if start > deadline {
                    if let Some(spot) = first_in(spots, self.foreign_mask(side)) {
                        out.push(self.at_spot(
                            prepared,
                            Some(side),
                            report,
                            spot,
                            reason!(
                                "forces of ",
                                side,
                                " in ",
                                self.zone_id(spot),
                                " (held by the other side) ",
                                Fixed::one(self.hours_after_effective(start) / 24.0),
                                " days after the effective time; ",
                                citation,
                                " allows 10 days to leave"
                            ),
                        ));
                    }
                }
            }
            (
                Rule::GroundForces(r),
                Event::Personnel { side, category: Category::Military, .. }
                | Event::Vehicle { side, military: true, .. },
            ) => {
                let Some(from) = prepared.instant else { return };
                if start < from {
                    return;
                }
                let foreign = if r.other_side_territory { self.foreign_mask(side) } else { 0 };
                if let Some(spot) = first_in(spots, foreign) {
                    out.push(self.at_spot(
                        prepared,
                        Some(side),
                        report,
                        spot,
                        reason!(
                            "ground forces of ",
                            side,
                            " in ",
                            self.zone_id(spot),
                            ", the other side's area; ",
                            citation
                        ),
                    ));
                    return;
                }
                // In a zone the rule lists: unless carrying out a withdrawal from it that
                // the agreement orders, before its deadline.
                let listed = spots.iter().find_map(|s| {
                    let (zone, _) =
                        r.zones.iter().zip(&prepared.listed).find(|&(_, mask)| mask & (1 << s.zone) != 0)?;
                    (!self.withdrawing(zone.as_str(), Category::Military, s.at)).then_some((zone.as_str(), s))
                });
                if let Some((zone, spot)) = listed {
                    out.push(self.at_spot(
                        prepared,
                        Some(side),
                        report,
                        spot,
                        reason!(
                            "ground forces of ",
                            side,
                            " in ",
                            zone,
                            " (",
                            self.zone_id(spot),
                            ") ",
                            Fixed::whole(self.hours_after_effective(spot.at)),
                            " h after the effective time; ",
                            citation,
                            " requires them to respect ",
                            zone
                        ),
                    ));
                }
            }
            (Rule::Airspace(r), Event::Aircraft { side, military: true, aircraft_type }) => {
                let Some(from) = prepared.instant else { return };
                let zones = prepared.mask | if r.other_side_territory { self.foreign_mask(side) } else { 0 };
                let offends = |s: &Spot| {
                    zones & (1 << s.zone) != 0
                        || (r.other_side_waters && self.in_other_waters(s, side, DEFAULT_CONTIGUOUS_M))
                };
                // The earliest place that offends (the first of equals), kept as they come
                // rather than gathered into a list for every aircraft report.
                let mut first: Option<Spot> = None;
                let mut consider = |spot: Spot| {
                    if spot.at >= from && first.is_none_or(|f| spot.at < f.at) && offends(&spot) {
                        first = Some(spot);
                    }
                };
                for &spot in spots {
                    consider(spot);
                }
                if report.track.len() >= 2 {
                    let track = track_points(report);
                    for c in crossings(self.atlas, &track) {
                        if let crate::geo::CrossingKind::Zone { to_zone, .. } = &c.kind {
                            let Some(idx) = self.atlas.zones.zones.iter().position(|z| &z.id == to_zone) else {
                                continue;
                            };
                            consider(Spot { at: c.at, position: Position { lon: c.lon, lat: c.lat }, zone: idx as u8 });
                        }
                    }
                }
                if let Some(spot) = &first {
                    out.push(self.at_spot(
                        prepared,
                        Some(side),
                        report,
                        spot,
                        format!(
                            "military aircraft{} of {side} over {}; {citation} forbids it",
                            aircraft_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
                            self.zone_id(spot)
                        ),
                    ));
                }
            }
            (Rule::NavalForces(r), Event::Vessel { side, naval: true, blockading, vessel_type }) => {
                let Some(from) = prepared.instant else { return };
                if start < from {
                    return;
                }
                let zones = prepared.mask;
                let reach = r.contiguous_waters_m.unwrap_or(DEFAULT_CONTIGUOUS_M);
                let within = spots.iter().find(|s| {
                    zones & (1 << s.zone) != 0 || (r.other_side_waters && self.in_other_waters(s, side, reach))
                });
                // Its type, for a reason: written only when there is one to write.
                let name = || vessel_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                if *blockading && r.no_blockade {
                    out.push(self.at_report(
                        prepared,
                        Some(side),
                        report,
                        spots,
                        format!(
                            "naval vessel{} of {side} blockading; {citation} forbids a blockade of any kind",
                            name()
                        ),
                    ));
                }
                if let Some(spot) = within {
                    out.push(self.at_spot(
                        prepared,
                        Some(side),
                        report,
                        spot,
                        format!(
                            "naval vessel{} of {side} in {} within {} km of the other side's coast; {citation}",
                            name(),
                            self.zone_id(spot),
                            Fixed::whole(reach / 1000.0)
                        ),
                    ));
                }
            }
            _ => {}
        }
    }

    /// Evaluate one provision that keeps running totals (see [`keeps_state`]) against
    /// the next report in time order (the `index`-th), by what those rules read of it.
    fn evaluate_in_order(
        &self,
        prepared: &Prepared<'a>,
        reports: &Sorted,
        index: usize,
        c: &Counted,
        state: &mut State,
        out: &mut Vec<Draft>,
    ) {
        let start = reports.start(index);
        let id = || Text::from(reports.id(index));
        let (citation, rule) = (prepared.cited.as_str(), prepared.rule);
        let side = c.side;
        let count = c.count;
        let direction = c.direction;
        match rule {
            Rule::HeadcountLimit(r) if c.kind == Event::ZONE_ENTRY && role_matches(r.role, c.category) => {
                let key = (prepared.index, Text::from(side));
                let before = *state.headcount.get(&key).unwrap_or(&0);
                let now = match direction {
                    Direction::In => before + i64::from(count),
                    Direction::Out => (before - i64::from(count)).max(0),
                };
                state.headcount.insert(key, now);
                if now > i64::from(r.max_per_side) && before <= i64::from(r.max_per_side) {
                    out.push(self.finding(
                        prepared.index,
                        Some(side),
                        id(),
                        start,
                        c.position,
                        Some(Text::from(r.zone.as_str())),
                        format!(
                            "{now} {} of {side} in {} at once; {citation} allows {}",
                            category_words(c.category),
                            r.zone,
                            r.max_per_side
                        ),
                    ));
                }
            }
            Rule::Rotation(r) if c.kind == Event::ROTATION => {
                if start < self.agreement.effective_at() {
                    return;
                }
                let port = c.port;
                self.roll_day(reports, start, state, out);
                if r.ports_of_entry_only && !self.is_port_of(port, side) {
                    out.push(self.finding(prepared.index, Some(side), id(), start, c.position, None, format!("{count} personnel of {side} rotated {} through `{port}`, not a listed port of entry of {side}; {citation}", direction_words(direction))));
                }
                let balance = state.rotation_balance.entry(side.into()).or_default();
                match direction {
                    Direction::In => balance.0 += u64::from(count),
                    Direction::Out => balance.1 += u64::from(count),
                }
                state.day_reports.entry(side.into()).or_default().push(index);
                if direction == Direction::In {
                    let local = start.with_timezone(&self.agreement.signed_at().timezone());
                    let month = state.rotation_month.entry((side.into(), local.year(), local.month())).or_default();
                    let before = *month;
                    *month += u64::from(count);
                    let cap = u64::from(r.monthly_cap_per_side);
                    if *month > cap && before <= cap {
                        out.push(self.finding(
                            prepared.index,
                            Some(side),
                            id(),
                            start,
                            c.position,
                            None,
                            format!(
                                "{} personnel of {side} admitted in {}-{:02}; {citation} allows {cap} a calendar month",
                                *month,
                                local.year(),
                                local.month()
                            ),
                        ));
                    }
                }
            }
            Rule::Replacement(r)
                if c.kind == Event::MATERIEL && r.categories.iter().any(|category| category == c.item_category) =>
            {
                if start < self.agreement.effective_at() {
                    return;
                }
                let (port, item_type, quantity) = (c.port, c.item_type, count);
                self.roll_day(reports, start, state, out);
                if r.ports_of_entry_only && !self.is_port_of(port, side) {
                    out.push(self.finding(prepared.index, Some(side), id(), start, c.position, None, format!("{quantity} {item_type} of {side} moved {} through `{port}`, not a listed port of entry of {side}; {citation}", direction_words(direction))));
                }
                let key: (Text, Text) = (side.into(), item_type.into());
                let balance = state.materiel_balance.entry(key.clone()).or_default();
                match direction {
                    Direction::In => balance.0 += u64::from(quantity),
                    Direction::Out => balance.1 += u64::from(quantity),
                }
                state.day_materiel.entry(key).or_default().push(index);
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)] // the evaluation context
    fn withdrawal(
        &self,
        prepared: &Prepared<'a>,
        report: &Report,
        spots: &[Spot],
        side: &str,
        what: &str,
        out: &mut Vec<Draft>,
    ) {
        let citation = &prepared.cited;
        let (Some(deadline), mask) = (prepared.instant, prepared.mask) else { return };
        let late = spots.iter().find(|s| s.at > deadline && mask & (1 << s.zone) != 0);
        if let Some(spot) = late {
            let allowed = (deadline - self.agreement.effective_at()).num_seconds() as f64 / 3600.0;
            out.push(self.at_spot(
                prepared,
                Some(side),
                report,
                spot,
                reason!(
                    what,
                    " of ",
                    side,
                    " in ",
                    self.zone_id(spot),
                    " ",
                    Fixed::whole(self.hours_after_effective(spot.at)),
                    " h after the effective time; ",
                    citation,
                    " allows ",
                    Fixed::whole(allowed),
                    " h"
                ),
            ));
        }
    }

    /// Reports of one incident that show the same provision broken are one finding with
    /// all their reports: the earliest report's time, place and reason stand for it.
    /// `order` is the findings' keys (see `finding_key`) in order, each with its index in
    /// `drafts`; `name` gives what names the incident whose first report is at a place in
    /// time order, of `reports`. Returns the indices of the findings that stand, each now
    /// with the reports of those merged into it.
    fn merge_corroborated<N: Hash + Eq>(
        &self,
        drafts: &mut [Draft],
        incidents: &Incidents,
        order: &[(u64, u32)],
        reports: usize,
        name: impl Fn(usize) -> N,
    ) -> Vec<usize> {
        let mut kept = Vec::with_capacity(drafts.len());
        // (finding merged into, finding merged), in order.
        let mut merges: Vec<(usize, usize)> = Vec::new();
        {
            // Keyed by citation and rule (one number) and the incident's name. Only
            // looked up, never iterated: a hash map cannot change the result.
            let mut by_key: HashMap<(u32, N), u32, BuildHasherDefault<BytesHasher>> =
                HashMap::with_capacity_and_hasher(drafts.len(), BuildHasherDefault::default());
            for (k, &(key, f)) in order.iter().enumerate() {
                // The drafts are taken scattered in memory: ask for each ahead, and for
                // its incident's entry once the draft is at hand.
                if let Some(&(_, ahead)) = order.get(k + 16) {
                    prefetch(&drafts[ahead as usize]);
                }
                if let Some(&(key, ahead)) = order.get(k + 8) {
                    if let Some(index) = incident_report(&drafts[ahead as usize], key, reports) {
                        incidents.prefetch_first(index);
                    }
                }
                let f = f as usize;
                let draft = &mut drafts[f];
                if draft.incident_of == NO_INCIDENT {
                    if let Some(index) = incident_report(draft, key, reports) {
                        // The report whose evaluation made the finding: the one it names first.
                        draft.incident_of = index as u32;
                        draft.own_incident = true;
                    }
                }
                let draft = &drafts[f];
                let first = match draft.incident_of {
                    NO_INCIDENT => None,
                    index => incidents.first(index as usize),
                };
                let Some(first) = first else {
                    kept.push(f);
                    continue;
                };
                let provision = draft.provision as usize;
                let key = (self.merge_classes[provision], name(first));
                match by_key.entry(key) {
                    std::collections::hash_map::Entry::Occupied(first) => merges.push((*first.get() as usize, f)),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(f as u32);
                        kept.push(f);
                    }
                }
            }
        }
        // The reports already listed, per finding merged into, as a set (an incident seen
        // by many reports can gather many findings: no list is searched per report).
        let mut sets: HashMap<usize, HashSet<Text, BuildHasherDefault<BytesHasher>>, BuildHasherDefault<WordHasher>> =
            HashMap::default();
        for (into, from) in merges {
            let (report, more) = (std::mem::take(&mut drafts[from].report), std::mem::take(&mut drafts[from].more));
            let listed = sets.entry(into).or_insert_with(|| drafts[into].reports().map(Text::from).collect());
            for report in std::iter::once(report).chain(more) {
                if listed.insert(report.clone()) {
                    drafts[into].more.push(report);
                }
            }
        }
        kept
    }

    fn is_port_of(&self, port: &str, side: &str) -> bool {
        self.agreement
            .document
            .ports
            .iter()
            .any(|p| p.get_ref().id.as_str() == port && p.get_ref().side.as_str() == side)
    }

    /// Balances are judged at the end of each day, so that arrivals reported before the
    /// same day's departures are not taken for reinforcement.
    fn roll_day(&self, reports: &Sorted, at: DateTime<FixedOffset>, state: &mut State, out: &mut Vec<Draft>) {
        let local = at.with_timezone(&self.agreement.signed_at().timezone());
        let day = (local.year(), local.month(), local.day());
        if state.open_day.is_some_and(|d| d != day) {
            self.close_day(reports, state, out);
        }
        state.open_day = Some(day);
    }

    fn close_day(&self, reports: &Sorted, state: &mut State, out: &mut Vec<Draft>) {
        let day_reports = std::mem::take(&mut state.day_reports);
        if let Some(provision) = self.man_for_man {
            let citation = &self.prepared[provision].cited;
            for (side, indices) in day_reports {
                let (admitted, departed) = state.rotation_balance.get(&side).copied().unwrap_or_default();
                if admitted > departed {
                    let reason = format!(
                        "{admitted} personnel of {side} admitted and {departed} departed since the effective time; {citation} allows replacement man for man only"
                    );
                    self.unbalanced_day(provision, &side, &indices, reports, out, reason);
                    // Counted once: the excess stands until departures catch up.
                    state.rotation_balance.insert(side, (admitted, admitted));
                }
            }
        }
        let day_materiel = std::mem::take(&mut state.day_materiel);
        if let Some(provision) = self.piece_for_piece {
            let citation = &self.prepared[provision].cited;
            for (key, indices) in day_materiel {
                let (brought, removed) = state.materiel_balance.get(&key).copied().unwrap_or_default();
                if brought > removed {
                    let reason = format!(
                        "{brought} {} of {} brought in and {removed} taken out since the effective time; {citation} allows replacement piece for piece only",
                        key.1, key.0
                    );
                    self.unbalanced_day(provision, &key.0, &indices, reports, out, reason);
                    state.materiel_balance.insert(key, (brought, brought));
                }
            }
        }
        state.open_day = None;
    }

    /// A balance left unbalanced at the end of a day: one finding with the day's reports
    /// (`indices`), at the time and in the incident of the last of them.
    fn unbalanced_day(
        &self,
        provision: usize,
        side: &str,
        indices: &[usize],
        reports: &Sorted,
        out: &mut Vec<Draft>,
        reason: String,
    ) {
        let (Some(&first), Some(&last)) = (indices.first(), indices.last()) else { return };
        let mut draft =
            self.finding(provision, Some(side), Text::from(reports.id(first)), reports.start(last), None, None, reason);
        draft.more = indices[1..].iter().map(|&i| Text::from(reports.id(i))).collect();
        draft.incident_of = last as u32;
        out.push(draft);
    }
}

/// Sightings read ahead of grouping at a time (128 KiB of them), and how many briefs
/// ahead each read is asked for. On the 10M file, against each brief read as grouping
/// asked for it (16 ahead): a median 0.085 s less over 26 pairs on a quiet host, 0.53 s
/// in an earlier set of 5 on a busier one (BENCHMARKS.md, session 18). The test
/// `incidents_are_whole_across_many_thousands_of_reports` reads more than two blocks:
/// a larger block needs a larger test.
const SIGHTING_BLOCK: usize = 4096;
const SIGHTING_AHEAD: usize = 64;

/// The batch's reports in order of observation time (seconds, then nanoseconds), ties by
/// id. Times become one number each (seconds from the earliest, then nanoseconds), less
/// the low bits no time sets (nanoseconds, when every time is to the second), and are
/// put in order by a stable radix sort of as few passes as their varying bits need, with
/// the report's index packed below the time in one `u64` when both fit. Runs of one time
/// are then in the order the reports were read, which is id order when ids never
/// decrease down the batch (as the batch tells); otherwise they are sorted by id. A batch
/// whose times span more than five centuries is sorted by comparison.
fn time_order(batch: &Batch<'_>) -> Vec<u32> {
    let briefs = &batch.briefs;
    let n = briefs.len();
    // The earliest and latest second, and which bits the keys below can differ in, as
    // the batch kept them up while briefs were added.
    let Extent { first, last, apart, fractions, .. } = batch.extent;
    let (first, span) = if n == 0 { (0, 0) } else { (first, last.saturating_sub(first)) };
    if span >= 1 << 33 {
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|a, b| {
            let (x, y) = (&briefs[*a as usize], &briefs[*b as usize]);
            (x.secs, x.nanos).cmp(&(y.secs, y.nanos)).then_with(|| by_id(batch, *a, *b))
        });
        return order;
    }
    // Nanoseconds take 30 bits (under 2^30), seconds from the earliest the 34 above.
    let key = |b: &super::batch::Brief| ((b.secs - first) as u64) << 30 | u64::from(b.nanos);
    // The keys' lowest bit that is not the same in all, and their highest set bit (the
    // latest second's, or the fractions' when all share one second).
    let (low, bits) = match (apart.trailing_zeros() + 30).min(fractions.trailing_zeros()) {
        // All keys are 0: one second, no fractions.
        64.. => (0, 0),
        low => {
            let high = if span > 0 { 64 - (span as u64).leading_zeros() + 30 } else { 64 - fractions.leading_zeros() };
            (low, high - low)
        }
    };
    let index_bits = 64 - (n.max(1) as u64 - 1).leading_zeros();
    // Ties are left in the order read: that is id order if ids never decrease down the
    // batch, and are otherwise sorted by id.
    let in_id_order = batch.ids_in_order();
    if bits + index_bits <= 64 {
        let mut packed: Vec<u64> =
            briefs.iter().enumerate().map(|(i, b)| (key(b) >> low) << index_bits | i as u64).collect();
        radix_sort(&mut packed, |&v| v, index_bits, bits);
        let mut order: Vec<u32> = packed.iter().map(|&v| (v & ((1 << index_bits) - 1)) as u32).collect();
        if !in_id_order {
            ties_by_id(batch, &mut order, |a, b| packed[a] >> index_bits == packed[b] >> index_bits);
        }
        order
    } else {
        let mut keyed: Vec<(u64, u32)> = briefs.iter().enumerate().map(|(i, b)| (key(b) >> low, i as u32)).collect();
        radix_sort(&mut keyed, |v| v.0, 0, bits);
        let mut order: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
        if !in_id_order {
            ties_by_id(batch, &mut order, |a, b| keyed[a].0 == keyed[b].0);
        }
        order
    }
}

/// Order by id each run of `order` whose places `same` tells are of one time.
fn ties_by_id(batch: &Batch<'_>, order: &mut [u32], same: impl Fn(usize, usize) -> bool) {
    let mut start = 0;
    let mut run: Vec<(u128, u32)> = Vec::new();
    while start < order.len() {
        let end = (start + 1..order.len()).find(|&i| !same(start, i)).unwrap_or(order.len());
        if end - start > 1 {
            // The first 16 bytes of each id as a number, the whole ids only when those are equal.
            run.clear();
            run.extend(order[start..end].iter().map(|&i| (id_prefix(batch.id(i as usize)), i)));
            run.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| by_id(batch, a.1, b.1)));
            for (to, &(_, i)) in order[start..end].iter_mut().zip(&run) {
                *to = i;
            }
        }
        start = end;
    }
}

/// Two reports of a batch by id.
fn by_id(batch: &Batch<'_>, a: u32, b: u32) -> std::cmp::Ordering {
    let (a, b) = (batch.id(a as usize), batch.id(b as usize));
    id_prefix(a).cmp(&id_prefix(b)).then_with(|| a.cmp(b))
}

/// Sort `items` by bits `from..from + bits` of `key` (the bits above must be zero),
/// keeping items of equal keys in their order: a least-significant-digit radix sort of
/// as few passes as the bits need (digits of at most 11 bits), every pass's counts taken
/// in one read. Bits below `from` are not looked at.
fn radix_sort<T: Copy + Default>(items: &mut Vec<T>, key: impl Fn(&T) -> u64, from: u32, bits: u32) {
    if bits == 0 || items.len() < 2 {
        return;
    }
    let passes = bits.div_ceil(11);
    let width = bits.div_ceil(passes);
    let buckets = 1usize << width;
    let mask = (buckets - 1) as u64;
    let mut counts = vec![0usize; buckets * passes as usize];
    for item in items.iter() {
        let k = key(item) >> from;
        for (p, counts) in counts.chunks_exact_mut(buckets).enumerate() {
            counts[((k >> (p as u32 * width)) & mask) as usize] += 1;
        }
    }
    let mut spare = vec![T::default(); items.len()];
    for (p, counts) in counts.chunks_exact_mut(buckets).enumerate() {
        // A digit every item shares moves nothing.
        if counts.contains(&items.len()) {
            continue;
        }
        let mut at = 0;
        for count in counts.iter_mut() {
            (*count, at) = (at, at + *count);
        }
        let shift = from + p as u32 * width;
        for item in items.iter() {
            let slot = &mut counts[((key(item) >> shift) & mask) as usize];
            spare[*slot] = *item;
            *slot += 1;
        }
        std::mem::swap(items, &mut spare);
    }
}

/// The classes of report [`interest`] tells apart: military (personnel of the military
/// category, military vehicles and aircraft, and every report of another kind); armed
/// people of another category; the rest.
const MILITARY: usize = 0;
const ARMED_CIVIL: usize = 1;
const CIVIL: usize = 2;

/// For one side (whose foreign territories are `foreign`), by kind and class: the zones
/// in which a report at a position may break one of the provisions, `None` when it may
/// anywhere. Each rule kind asks for what its evaluation tests a position against, for
/// the reports it evaluates; a rule not named here is taken to need every report of its
/// kinds.
fn interest(
    prepared: &[Prepared],
    by_kind: &[Vec<usize>; Event::KINDS],
    foreign: u64,
    sea: u64,
) -> [[Option<u64>; 3]; Event::KINDS] {
    let mut table = [[Some(0u64); 3]; Event::KINDS];
    for (kind, provisions) in by_kind.iter().enumerate() {
        for &p in provisions {
            let p = &prepared[p];
            let military_only = |zones: u64| [Some(zones), Some(0), Some(0)];
            let zones = match (p.rule, kind) {
                (Rule::Withdrawal(r), Event::PERSONNEL) if r.exempt.contains(&Role::Military) => [Some(0); 3],
                (Rule::Withdrawal(_), Event::PERSONNEL | Event::VEHICLE) => military_only(p.mask),
                (Rule::HazardRemoval(_), _) => [Some(p.mask); 3],
                (Rule::HeadcountLimit(_), Event::PERSONNEL) => [Some(p.mask); 3],
                (Rule::ArmedPersonnel(_), Event::PERSONNEL) => [Some(0), Some(p.mask), Some(0)],
                (Rule::IslandEvacuation(_), Event::PERSONNEL | Event::VEHICLE) => military_only(foreign),
                (Rule::GroundForces(r), Event::PERSONNEL | Event::VEHICLE) => {
                    military_only(p.mask | if r.other_side_territory { foreign } else { 0 })
                }
                // Only a track can show a line crossed by people or vehicles (and any
                // report with a track is kept whole).
                (Rule::LineCrossing(_), Event::PERSONNEL | Event::VEHICLE) => [Some(0); 3],
                (Rule::Airspace(r), Event::AIRCRAFT) => {
                    military_only(p.mask | foreign | if r.other_side_waters { sea } else { 0 })
                }
                _ => [None; 3],
            };
            for (slot, zones) in table[kind].iter_mut().zip(zones) {
                *slot = slot.zip(zones).map(|(a, b)| a | b);
            }
        }
    }
    table
}

/// A finding's place in the order every report evaluated in time order would give: the
/// position of its report in that order, the rank of the provision among those of the
/// report's kind, and its place among that provision's findings for that report.
fn finding_key(position: usize, rank: usize, emitted: usize) -> u64 {
    debug_assert!(rank < 1 << 12 && emitted < 1 << 20);
    (position as u64) << 32 | (rank as u64) << 20 | emitted as u64
}

/// Whether `rule` keeps running totals over reports of `kind` (and so evaluates them in
/// time order, in [`Checker::evaluate_in_order`]).
/// The report (by place in time order, of `reports`) whose incident a draft of key `key`
/// is of: the one it has (a day's balance has the incident of the day's last report), or
/// else the report whose evaluation made it; none for one judged after the last report.
fn incident_report(draft: &Draft, key: u64, reports: usize) -> Option<usize> {
    match draft.incident_of {
        NO_INCIDENT => Some((key >> 32) as usize).filter(|&index| index < reports),
        index => Some(index as usize),
    }
}

fn keeps_state(rule: &Rule, kind: usize) -> bool {
    matches!(
        (rule, kind),
        (Rule::HeadcountLimit(_), Event::ZONE_ENTRY)
            | (Rule::Rotation(_), Event::ROTATION)
            | (Rule::Replacement(_), Event::MATERIEL)
    )
}

/// The keys of findings of reports evaluated as they were read (report index in the batch
/// << 32 | place among its findings) made keys in time order (position of the report in
/// `sorted` << 32 | place), each with its finding's index, in key order.
fn pending_places(sorted: &Sorted, keys: &[u64]) -> Vec<(u64, u32)> {
    if keys.is_empty() {
        return Vec::new();
    }
    let mut position = vec![0u32; sorted.len()];
    for (i, &index) in sorted.order.iter().enumerate() {
        position[index as usize] = i as u32;
    }
    let mut places: Vec<(u64, u32)> = keys
        .iter()
        .enumerate()
        .map(|(j, &key)| (u64::from(position[(key >> 32) as usize]) << 32 | (key & 0xffff_ffff), j as u32))
        .collect();
    places.sort_unstable();
    places
}

/// The findings evaluated in time order (with `keys`, in order; in the list from index
/// `base` on) and those evaluated as read (`places`, in key order, each with its index
/// in the list, before `base`), as (key, index in the list) in key order. No two findings
/// share a key.
fn merge_keys(keys: &[u64], base: usize, places: &[(u64, u32)]) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(keys.len() + places.len());
    let mut places = places.iter().copied().peekable();
    for (i, &key) in keys.iter().enumerate() {
        while let Some(place) = places.next_if(|p| p.0 < key) {
            out.push(place);
        }
        out.push((key, (base + i) as u32));
    }
    out.extend(places);
    out
}

/// The first of a report's places inside the zones of `mask`.
fn first_in(spots: &[Spot], mask: u64) -> Option<&Spot> {
    spots.iter().find(|s| mask & (1 << s.zone) != 0)
}

/// A report's track as timed positions for the geometry.
fn track_points(report: &Report) -> Vec<TrackPoint> {
    report.track.iter().map(|f| TrackPoint { at: f.at.0, lon: f.position.lon, lat: f.position.lat }).collect()
}

fn category_words(category: Category) -> &'static str {
    match category {
        Category::Military => "military personnel",
        Category::CivilAdministration => "civil-administration personnel",
        Category::Relief => "relief personnel",
        Category::CivilPolice => "civil police",
        Category::Commission => "commission personnel",
        Category::Salvage => "salvage personnel",
        Category::Civilian => "civilians",
    }
}

fn roles_words(roles: &[Role]) -> String {
    let words: Vec<&str> = roles
        .iter()
        .map(|r| match r {
            Role::Military => "military personnel",
            Role::CivilAdministration => "civil-administration personnel",
            Role::Relief => "relief personnel",
            Role::CivilPolice => "civil police",
            Role::Commission => "commission personnel",
            Role::Salvage => "salvage personnel",
        })
        .collect();
    words.join(", ")
}

fn direction_words(direction: Direction) -> &'static str {
    match direction {
        Direction::In => "in",
        Direction::Out => "out",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::scan::Time;

    /// The radix order is the order of (seconds, nanoseconds, id), ties of all three in
    /// the order read, for every way `time_order` takes: times with and without
    /// fractions, shared seconds, equal times, ids sharing 16-byte prefixes or increasing
    /// down the batch, times and indices too wide to share a number, times centuries
    /// apart, one time for all, one report and none.
    #[test]
    fn time_order_is_time_then_id() {
        let mut next = crate::rules::xorshift(0x2545_f491_4f6c_dd1d_u64);
        // Ids: at random (sharing long prefixes), increasing down the batch (pairs equal),
        // or increasing down each half of it, from the same start.
        const RANDOM: u8 = 0;
        const INCREASING: u8 = 1;
        const HALVES: u8 = 2;
        // (reports, seconds between times, number of distinct times, fractions, ids)
        let cases: [(usize, i64, u64, bool, u8); 12] = [
            (5000, 977, 4000, false, RANDOM),
            (5000, 4096, 300, false, RANDOM),
            (5000, 6, 100, false, INCREASING),
            (5000, 1 << 20, 3, true, RANDOM),
            (5000, 977, 4000, false, INCREASING),
            (5000, 1, 40, false, INCREASING),
            (5000, 1, 40, false, HALVES),
            (5000, 1_048_573, 4000, true, RANDOM),
            (3000, 4_000_000_007, 1000, true, RANDOM),
            (300, 1, 1, false, RANDOM),
            (1, 1, 1, true, RANDOM),
            (0, 1, 1, false, RANDOM),
        ];
        for (case, &(n, step, times, fractions, ids)) in cases.iter().enumerate() {
            let mut batch = Batch::default();
            // The same reports in two batches, the second appended to the first.
            let mut halves = [Batch::default(), Batch::default()];
            for i in 0..n {
                let secs = -1_000_000_000 + (next() % times) as i64 * step;
                // Quarter seconds in one report of three, unless the seconds are an
                // even step apart: then the keys' lowest bits are the seconds'.
                let nanos = match (fractions, i % 3) {
                    (true, 0) => (next() % 1_000_000_000) as u32,
                    (_, 1) if step % 2 == 1 => (next() % 4) as u32 * 250_000_000,
                    _ => 0,
                };
                let id = match (ids, i % 5) {
                    (INCREASING, _) => format!("r-{:06}", i - i % 2),
                    (HALVES, _) => format!("r-{:06}", if i >= n / 2 { i - n / 2 } else { i }),
                    (_, 0) => format!("{}", next() % 90),
                    _ => format!("report-with-a-long-shared-prefix-{}", next() % 700),
                };
                let reporter = Reporter { text: None, number: None, party: "unc", team: None, nationalities: &[] };
                batch.push(&id, Time { secs, offset: 0 }, nanos, None, 0, reporter, None);
                halves[usize::from(i >= n / 2)].push(&id, Time { secs, offset: 0 }, nanos, None, 0, reporter, None);
            }
            let order = time_order(&batch);
            let [mut appended, second] = halves;
            appended.append(second);
            assert_eq!(time_order(&appended), order, "case {case}, appended");
            let key = |i: u32| {
                let b = &batch.briefs[i as usize];
                (b.secs, b.nanos, batch.id(i as usize).to_owned())
            };
            let mut expected: Vec<u32> = (0..batch.len() as u32).collect();
            expected.sort_by_key(|&i| key(i));
            assert_eq!(order, expected, "case {case}");
        }
    }
}
