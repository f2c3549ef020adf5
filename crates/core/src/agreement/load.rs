//! Loading an agreement from its files (given as text) into a checked [`Agreement`]:
//! parse, resolve every reference, compute the deadlines, read the geometry.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use geo::{Geodesic, Length, LineString, MultiPolygon};
use toml::Spanned;

use super::document::{AgreementDocument, FORMAT, LineKind, Provision};
use super::error::{AgreementError, AgreementErrors};
use super::geometry::{read_line, read_polygons};
use super::location::{LineStarts, Location};
use super::rule::Target;
use super::values::Id;

/// The agreement file's name inside an agreement directory.
pub const AGREEMENT_FILE: &str = "agreement.toml";

/// The files of an agreement directory, by path relative to it (`agreement.toml`,
/// `geometry/mdl.geojson`). The shell reads them from disk or from the binary; the
/// core only looks them up.
pub trait AgreementFiles {
    fn text(&self, path: &str) -> Option<&str>;
}

impl AgreementFiles for BTreeMap<String, String> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

/// A checked agreement: every reference resolves, every deadline has an instant, every
/// geometry file has been read and checked.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub document: AgreementDocument,
    effective_at: DateTime<FixedOffset>,
    deadlines: BTreeMap<String, DateTime<FixedOffset>>,
    lines: BTreeMap<String, LineString<f64>>,
    areas: BTreeMap<String, MultiPolygon<f64>>,
    land: Vec<(Option<String>, MultiPolygon<f64>)>,
}

impl Agreement {
    pub fn signed_at(&self) -> DateTime<FixedOffset> {
        self.document.signed_at.0
    }

    pub fn effective_at(&self) -> DateTime<FixedOffset> {
        self.effective_at
    }

    /// The instant of a deadline, or of the anchors `signed` and `effective`.
    pub fn instant(&self, id: &str) -> Option<DateTime<FixedOffset>> {
        match id {
            "signed" => Some(self.signed_at()),
            "effective" => Some(self.effective_at),
            _ => self.deadlines.get(id).copied(),
        }
    }

    /// The geometry of a line, by id.
    pub fn line(&self, id: &str) -> Option<&LineString<f64>> {
        self.lines.get(id)
    }

    /// The first line of kind `demarcation`, with its id.
    pub fn demarcation_line(&self) -> Option<(&str, &LineString<f64>)> {
        self.document
            .lines
            .iter()
            .find(|l| l.get_ref().kind == LineKind::Demarcation)
            .and_then(|l| self.lines.get_key_value(l.get_ref().id.as_str()))
            .map(|(id, line)| (id.as_str(), line))
    }

    /// A line's length along the ellipsoid (WGS 84), in kilometres.
    pub fn line_length_km(&self, id: &str) -> Option<f64> {
        self.lines.get(id).map(|line| Geodesic.length(line) / 1000.0)
    }

    /// The polygons of an `area` zone, by zone id.
    pub fn area(&self, zone_id: &str) -> Option<&MultiPolygon<f64>> {
        self.areas.get(zone_id)
    }

    /// The land polygons, each with the `id` its feature carried.
    pub fn land(&self) -> &[(Option<String>, MultiPolygon<f64>)] {
        &self.land
    }

    /// The provisions in citation order (article, paragraph, sub-paragraph), then file order.
    pub fn provisions(&self) -> Vec<&Provision> {
        let mut provisions: Vec<&Provision> = self.document.provisions.iter().map(Spanned::get_ref).collect();
        provisions.sort_by(|a, b| {
            let key = |p: &Provision| {
                (
                    p.citation.article_rank(),
                    p.citation.article.clone(),
                    p.citation.paragraph,
                    p.citation.subparagraph.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        provisions
    }
}

/// Load and check an agreement. Every problem found is returned, in file order.
pub fn load(files: &dyn AgreementFiles) -> Result<Agreement, AgreementErrors> {
    let Some(text) = files.text(AGREEMENT_FILE) else {
        return Err(AgreementErrors(vec![AgreementError::MissingFile {
            file: AGREEMENT_FILE.to_owned(),
            named_by: Location::file("the agreement directory"),
        }]));
    };
    let document = parse_document(text).map_err(|e| AgreementErrors(vec![e]))?;
    let mut checker = Checker { text, lines: LineStarts::new(text), errors: Vec::new() };
    let ids = checker.collect_ids(&document);
    checker.check_references(&document, &ids);
    let (effective_at, deadlines) = checker.resolve_deadlines(&document);
    let (lines, areas, land) = checker.read_geometry(&document, files);
    let mut errors = checker.errors;
    if errors.is_empty() {
        if let Some(effective_at) = effective_at {
            return Ok(Agreement { document, effective_at, deadlines, lines, areas, land });
        }
    }
    errors.sort_by_key(|e| e.location());
    errors.dedup();
    Err(AgreementErrors(errors))
}

/// Parse `agreement.toml`, turning serde's complaint into one that names line, column
/// and field.
pub fn parse_document(text: &str) -> Result<AgreementDocument, AgreementError> {
    toml::from_str::<AgreementDocument>(text).map_err(|e| {
        let at = Location::at_span(AGREEMENT_FILE, text, e.span());
        // Without the input attached, toml's Display appends the key path ("in `a.b`").
        let mut bare = e.clone();
        bare.set_input(None);
        let rendered = bare.to_string();
        let message = e.message().trim().to_owned();
        match rendered.lines().find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`'))) {
            Some(field) => AgreementError::Invalid { at, field: field.to_owned(), message },
            None => AgreementError::Syntax { at, message },
        }
    })
}

/// The namespaces ids live in, each id with where it was first defined.
#[derive(Debug, Default)]
struct Ids {
    sides: BTreeMap<String, Location>,
    nations: BTreeMap<String, Location>,
    lines: BTreeMap<String, Location>,
    zones: BTreeMap<String, Location>,
    deadlines: BTreeMap<String, Location>,
    commissions: BTreeMap<String, Location>,
    teams: BTreeMap<String, Location>,
    exchange_points: BTreeMap<String, Location>,
    places: BTreeMap<String, Location>,
}

struct Checker<'a> {
    text: &'a str,
    lines: LineStarts,
    errors: Vec<AgreementError>,
}

impl Checker<'_> {
    fn at<T>(&self, item: &Spanned<T>) -> Location {
        self.lines.locate(AGREEMENT_FILE, self.text, item.span().start)
    }

    fn invalid(&mut self, at: Location, field: &str, message: String) {
        self.errors.push(AgreementError::Invalid { at, field: field.to_owned(), message });
    }

    fn define(&mut self, map_name: &'static str, map: &mut BTreeMap<String, Location>, id: &Id, at: Location) {
        if let Some(first) = map.get(id.as_str()) {
            self.errors.push(AgreementError::Duplicate {
                at,
                what: map_name,
                id: id.to_string(),
                first: first.clone(),
            });
        } else {
            map.insert(id.to_string(), at);
        }
    }

    fn collect_ids(&mut self, doc: &AgreementDocument) -> Ids {
        let mut ids = Ids::default();
        let top = Location::at_offset(AGREEMENT_FILE, self.text, 0);
        if doc.format != FORMAT {
            self.invalid(
                top.clone(),
                "format",
                format!("`{}` is not a format this version reads; expected `{FORMAT}`", doc.format),
            );
        }
        if doc.sides.len() != 2 {
            self.invalid(top.clone(), "side", format!("an armistice has exactly two sides, found {}", doc.sides.len()));
        } else if doc.sides[0].get_ref().line_side == doc.sides[1].get_ref().line_side {
            let at = self.at(&doc.sides[1]);
            self.invalid(
                at,
                "line_side",
                "the two sides must hold opposite sides of the line (left and right)".to_owned(),
            );
        }
        for side in &doc.sides {
            let at = self.at(side);
            self.define("side", &mut ids.sides, &side.get_ref().id, at.clone());
            self.define("zone", &mut ids.zones, &side.get_ref().territory_zone, at);
        }
        for nation in &doc.neutral_nations {
            let at = self.at(nation);
            self.define("neutral nation", &mut ids.nations, &nation.get_ref().id, at);
        }
        for line in &doc.lines {
            let at = self.at(line);
            self.define("line", &mut ids.lines, &line.get_ref().id, at.clone());
            if let Some(markers) = &line.get_ref().markers {
                match (markers.count, markers.spacing_m) {
                    (Some(count), None) if (2..=1_000_000).contains(&count) => {}
                    (None, Some(spacing)) if spacing.is_finite() && spacing >= 1.0 => {}
                    _ => self.invalid(
                        at,
                        "markers",
                        "give either `count` (2 to 1000000 markers, spread end to end) or `spacing_m` (at least 1 metre)"
                            .to_owned(),
                    ),
                }
            }
        }
        if let Some(sea) = &doc.geography.sea_zone {
            self.define("zone", &mut ids.zones, sea, top.clone());
        }
        for zone in &doc.zones {
            let at = self.at(zone);
            let z = zone.get_ref();
            self.define("zone", &mut ids.zones, &z.id, at.clone());
            match (&z.buffer, &z.area) {
                (Some(buffer), None) => {
                    self.define("zone", &mut ids.zones, &buffer.left_half, at.clone());
                    self.define("zone", &mut ids.zones, &buffer.right_half, at.clone());
                    if !(buffer.half_width_m.is_finite()
                        && buffer.half_width_m > 0.0
                        && buffer.half_width_m <= 100_000.0)
                    {
                        self.invalid(
                            at,
                            "buffer.half_width_m",
                            format!("{} is not a width in metres between 0 and 100000", buffer.half_width_m),
                        );
                    }
                }
                (None, Some(_)) => {}
                _ => self.invalid(at, "buffer", format!("zone `{}` needs exactly one of `buffer` or `area`", z.id)),
            }
        }
        for island in &doc.islands {
            let at = self.at(island);
            self.define("place", &mut ids.places, &island.get_ref().id, at.clone());
            if let Some(radius) = island.get_ref().radius_m {
                if !(radius.is_finite() && radius > 0.0 && radius <= 100_000.0) {
                    self.invalid(at, "radius_m", format!("{radius} is not a radius in metres between 0 and 100000"));
                }
            }
        }
        for port in &doc.ports {
            let at = self.at(port);
            self.define("place", &mut ids.places, &port.get_ref().id, at);
        }
        for point in &doc.exchange_points {
            let at = self.at(point);
            self.define("place", &mut ids.places, &point.get_ref().id, at.clone());
            self.define("exchange point", &mut ids.exchange_points, &point.get_ref().id, at);
        }
        for deadline in &doc.deadlines {
            let at = self.at(deadline);
            let id = &deadline.get_ref().id;
            if id.as_str() == "signed" || id.as_str() == "effective" {
                self.invalid(at.clone(), "id", format!("`{id}` is a built-in anchor and cannot be a deadline id"));
            }
            self.define("deadline", &mut ids.deadlines, id, at);
        }
        for commission in &doc.commissions {
            let at = self.at(commission);
            self.define("commission", &mut ids.commissions, &commission.get_ref().id, at);
        }
        for team in &doc.teams {
            let at = self.at(team);
            self.define("team", &mut ids.teams, &team.get_ref().id, at);
        }
        ids
    }

    fn require(&mut self, at: &Location, field: &str, target: Target, id: &Id, ids: &Ids) {
        let known: Vec<&BTreeMap<String, Location>> = match target {
            Target::Zone => vec![&ids.zones],
            Target::Line => vec![&ids.lines],
            Target::Commission => vec![&ids.commissions],
            Target::Team => vec![&ids.teams],
            Target::Body => vec![&ids.commissions, &ids.teams],
            Target::Deadline => vec![&ids.deadlines],
            Target::Anchor => vec![&ids.deadlines],
            Target::ExchangePoint => vec![&ids.exchange_points],
        };
        let builtin = target == Target::Anchor && (id.as_str() == "signed" || id.as_str() == "effective");
        if builtin || known.iter().any(|m| m.contains_key(id.as_str())) {
            return;
        }
        let mut names: Vec<&str> = known.iter().flat_map(|m| m.keys().map(String::as_str)).collect();
        if target == Target::Anchor {
            names.splice(0..0, ["signed", "effective"]);
        }
        let known = if names.is_empty() { "none defined".to_owned() } else { names.join(", ") };
        self.errors.push(AgreementError::UnknownReference {
            at: at.clone(),
            field: field.to_owned(),
            what: target.noun(),
            id: id.to_string(),
            known,
        });
    }

    fn require_in(
        &mut self,
        at: &Location,
        field: &str,
        what: &'static str,
        map: &BTreeMap<String, Location>,
        id: &Id,
    ) {
        if !map.contains_key(id.as_str()) {
            let known = if map.is_empty() {
                "none defined".to_owned()
            } else {
                map.keys().cloned().collect::<Vec<_>>().join(", ")
            };
            self.errors.push(AgreementError::UnknownReference {
                at: at.clone(),
                field: field.to_owned(),
                what,
                id: id.to_string(),
                known,
            });
        }
    }

    fn check_references(&mut self, doc: &AgreementDocument, ids: &Ids) {
        for nation in &doc.neutral_nations {
            if let Some(side) = &nation.get_ref().nominated_by {
                let at = self.at(nation);
                self.require_in(&at, "nominated_by", "side", &ids.sides, side);
            }
        }
        for zone in &doc.zones {
            if let Some(buffer) = &zone.get_ref().buffer {
                let at = self.at(zone);
                self.require(&at, "buffer.line", Target::Line, &buffer.line, ids);
            }
        }
        for island in &doc.islands {
            let at = self.at(island);
            self.require_in(&at, "held_by", "side", &ids.sides, &island.get_ref().held_by);
        }
        for port in &doc.ports {
            let at = self.at(port);
            self.require_in(&at, "side", "side", &ids.sides, &port.get_ref().side);
        }
        for deadline in &doc.deadlines {
            let at = self.at(deadline);
            self.require(&at, "from", Target::Anchor, &deadline.get_ref().from, ids);
        }
        for commission in &doc.commissions {
            let at = self.at(commission);
            let c = commission.get_ref();
            for nation in &c.nations {
                self.require_in(&at, "nations", "neutral nation", &ids.nations, nation);
            }
            if let Some(chair) = &c.chair {
                self.require_in(&at, "chair", "neutral nation", &ids.nations, chair);
                if !c.nations.contains(chair) {
                    self.invalid(
                        at.clone(),
                        "chair",
                        format!("the chair `{chair}` must be one of the commission's nations"),
                    );
                }
            }
            if let Some(under) = &c.under {
                self.require(&at, "under", Target::Commission, under, ids);
            }
            use super::document::CommissionKind;
            match c.kind {
                CommissionKind::Joint if c.members_per_side.is_none() => {
                    self.invalid(
                        at.clone(),
                        "members_per_side",
                        "a joint commission states how many members each side appoints".to_owned(),
                    );
                }
                CommissionKind::Neutral if c.nations.is_empty() => {
                    self.invalid(at.clone(), "nations", "a neutral commission lists its neutral nations".to_owned());
                }
                _ => {}
            }
            if let (Some(generals), Some(members)) = (c.general_officers_per_side, c.members_per_side) {
                if generals > members {
                    self.invalid(
                        at,
                        "general_officers_per_side",
                        format!("{generals} general officers is more than the {members} members per side"),
                    );
                }
            }
        }
        for team in &doc.teams {
            let at = self.at(team);
            let t = team.get_ref();
            self.require(&at, "commission", Target::Commission, &t.commission, ids);
            if t.max_members.is_some_and(|max| max < t.min_members) {
                self.invalid(
                    at.clone(),
                    "max_members",
                    format!("max_members is below min_members ({})", t.min_members),
                );
            }
            let placed = t.stationed_per_side.unwrap_or(0) * 2 + t.mobile.unwrap_or(0);
            if placed > t.initial_count {
                self.invalid(
                    at,
                    "mobile",
                    format!("{placed} teams stationed or mobile is more than the {} teams there are", t.initial_count),
                );
            }
        }
        for provision in &doc.provisions {
            let at = self.at(provision);
            let rule = &provision.get_ref().rule;
            for (field, target, id) in rule.references() {
                self.require(&at, &format!("rule.{}.{field}", rule.kind()), target, id, ids);
            }
            if let super::rule::Rule::DispatchLimit(limit) = rule {
                if !(limit.max_share_per_side > 0.0 && limit.max_share_per_side <= 1.0) {
                    self.invalid(
                        at,
                        "rule.dispatch-limit.max_share_per_side",
                        format!("{} is not a share between 0 and 1", limit.max_share_per_side),
                    );
                }
            }
        }
    }

    /// Compute the effective time and every deadline, following anchors; a cycle or an
    /// instant out of range is an error.
    fn resolve_deadlines(
        &mut self,
        doc: &AgreementDocument,
    ) -> (Option<DateTime<FixedOffset>>, BTreeMap<String, DateTime<FixedOffset>>) {
        let signed = doc.signed_at.0;
        let top = Location::at_offset(AGREEMENT_FILE, self.text, 0);
        let Some(effective) = doc.effective.after_signing.after(signed) else {
            self.invalid(top, "effective.after_signing", "the effective time is out of range".to_owned());
            return (None, BTreeMap::new());
        };
        let by_id: BTreeMap<&str, &Spanned<super::document::Deadline>> =
            doc.deadlines.iter().map(|d| (d.get_ref().id.as_str(), d)).collect();
        let mut resolved: BTreeMap<String, DateTime<FixedOffset>> = BTreeMap::new();
        for deadline in &doc.deadlines {
            let mut chain: Vec<&str> = Vec::new();
            let mut current = deadline.get_ref().id.as_str();
            // Walk back to a known instant, then forward again.
            let base = loop {
                if let Some(&t) = resolved.get(current) {
                    break Some(t);
                }
                if chain.contains(&current) {
                    let at = self.at(deadline);
                    chain.push(current);
                    self.invalid(
                        at,
                        "from",
                        format!("deadlines refer to each other in a circle: {}", chain.join(" -> ")),
                    );
                    break None;
                }
                let Some(d) = by_id.get(current) else { break None };
                chain.push(current);
                match d.get_ref().from.as_str() {
                    "signed" => break Some(signed),
                    "effective" => break Some(effective),
                    other if by_id.contains_key(other) => current = other,
                    _ => break None, // reported as an unknown reference
                }
            };
            let Some(mut instant) = base else { continue };
            for id in chain.iter().rev() {
                if resolved.contains_key(*id) {
                    continue;
                }
                let Some(d) = by_id.get(id) else { break };
                match d.get_ref().after.after(instant) {
                    Some(t) => {
                        instant = t;
                        resolved.insert((*id).to_owned(), t);
                    }
                    None => {
                        let at = self.at(d);
                        self.invalid(at, "after", "the deadline falls out of the representable range".to_owned());
                        break;
                    }
                }
            }
        }
        (Some(effective), resolved)
    }

    #[allow(clippy::type_complexity)] // three maps returned together, named at the call
    fn read_geometry(
        &mut self,
        doc: &AgreementDocument,
        files: &dyn AgreementFiles,
    ) -> (
        BTreeMap<String, LineString<f64>>,
        BTreeMap<String, MultiPolygon<f64>>,
        Vec<(Option<String>, MultiPolygon<f64>)>,
    ) {
        let mut lines = BTreeMap::new();
        for line in &doc.lines {
            let l = line.get_ref();
            let at = self.at(line);
            match files.text(&l.file) {
                None => self.errors.push(AgreementError::MissingFile { file: l.file.clone(), named_by: at }),
                Some(text) => match read_line(&l.file, text, l.id.as_str()) {
                    Ok(geometry) => {
                        lines.insert(l.id.to_string(), geometry);
                    }
                    Err(e) => self.errors.push(e),
                },
            }
        }
        let mut areas = BTreeMap::new();
        for zone in &doc.zones {
            let z = zone.get_ref();
            let Some(area) = &z.area else { continue };
            let at = self.at(zone);
            match files.text(&area.file) {
                None => self.errors.push(AgreementError::MissingFile { file: area.file.clone(), named_by: at }),
                Some(text) => match read_polygons(&area.file, text) {
                    Ok(parts) => {
                        let polygons = parts.into_iter().flat_map(|(_, mp)| mp.0).collect();
                        areas.insert(z.id.to_string(), MultiPolygon::new(polygons));
                    }
                    Err(e) => self.errors.push(e),
                },
            }
        }
        let mut land = Vec::new();
        if let Some(file) = &doc.geography.land {
            let at = Location::at_offset(AGREEMENT_FILE, self.text, 0);
            match files.text(file) {
                None => self.errors.push(AgreementError::MissingFile { file: file.clone(), named_by: at }),
                Some(text) => match read_polygons(file, text) {
                    Ok(parts) => land = parts,
                    Err(e) => self.errors.push(e),
                },
            }
        }
        (lines, areas, land)
    }
}
