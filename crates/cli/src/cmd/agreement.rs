//! `armistice agreement show|check`: what an agreement says, and whether a directory
//! holds a valid one.

use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::agreement::document::{Commission, CommissionKind, LineSide};
use armistice_core::agreement::{Agreement, AgreementError, load};
use armistice_core::geo::{ZoneKind, ZoneSet};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::exit::Code;
use crate::source::{load_agreement, read_dir};

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Print an agreement: parties, signing and effective times, lines and zones (with
    /// the demarcation line's length), deadlines, commissions and provisions by article.
    ///
    /// Example: `armistice agreement show --json | jq '.provisions[].citation'`
    Show(ShowArgs),
    /// Validate an agreement directory. Every problem is listed with its file, line,
    /// column and field; the exit status is 2 when there is any.
    ///
    /// Example: `armistice agreement check data/korea-1953`
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An agreement directory (holding agreement.toml); the built-in Korea 1953 agreement
    /// when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The agreement directory to validate.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print one JSON document: `{"ok": bool, "errors": [{file, line, column, field, message}]}`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: AgreementCommand) -> Result<Code> {
    match command {
        AgreementCommand::Show(args) => show(args),
        AgreementCommand::Check(args) => check(args),
    }
}

fn show(args: ShowArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let mut view = AgreementView::from(&agreement);
    // Zones need a demarcation line; an agreement without one still shows.
    if let Ok(zones) = ZoneSet::build(&agreement) {
        view.dmz_area_km2 = zones.buffer_area_km2.map(|a| round(a, 1));
        let halves: Vec<f64> = zones
            .zones
            .iter()
            .filter(|z| matches!(z.kind, ZoneKind::BufferHalf { .. }))
            .filter_map(|z| zones.area_km2(&z.id))
            .collect();
        view.dmz_land_area_km2 = (!halves.is_empty()).then(|| round(halves.iter().sum(), 1));
        view.markers = zones.markers.len();
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
    } else {
        print!("{}", render_text(&view));
    }
    Ok(Code::Ok)
}

fn check(args: CheckArgs) -> Result<Code> {
    let files = read_dir(&args.dir)?;
    let result = load(&files);
    let errors: Vec<ErrorView> = match &result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(|e| ErrorView::new(&args.dir, e)).collect(),
    };
    if args.json {
        let report = CheckView { ok: errors.is_empty(), errors };
        println!("{}", serde_json::to_string_pretty(&report).context("writing JSON")?);
    } else if let Ok(agreement) = &result {
        println!(
            "ok: {} is a valid agreement ({}, {} provisions)",
            args.dir.display(),
            agreement.document.name,
            agreement.document.provisions.len()
        );
    } else {
        for error in &errors {
            eprintln!("{}", error.display);
        }
        eprintln!("{}: {} problem(s)", args.dir.display(), errors.len());
    }
    Ok(if result.is_ok() { Code::Ok } else { Code::Error })
}

/// One problem, as `check --json` prints it.
#[derive(Debug, Serialize)]
struct ErrorView {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    field: Option<String>,
    message: String,
    #[serde(skip)]
    display: String,
}

impl ErrorView {
    fn new(dir: &std::path::Path, error: &AgreementError) -> Self {
        let at = error.location();
        let file = dir.join(&at.file).display().to_string();
        let mut display_at = at.clone();
        display_at.file.clone_from(&file);
        Self {
            file,
            line: at.line,
            column: at.column,
            field: error.field().map(str::to_owned),
            message: error.message(),
            display: format!("{display_at}: {}", error.message()),
        }
    }
}

#[derive(Debug, Serialize)]
struct CheckView {
    ok: bool,
    errors: Vec<ErrorView>,
}

/// The agreement as `show --json` prints it: the CLI's own wire type, stable for scripts.
#[derive(Debug, Serialize)]
struct AgreementView {
    id: String,
    name: String,
    place: String,
    signed_at: String,
    effective_at: String,
    effective_after_signing: String,
    languages: Vec<String>,
    summary: String,
    parties: Vec<PartyView>,
    neutral_nations: Vec<NeutralView>,
    mdl_length_km: Option<f64>,
    /// The band of the agreed width around the line, before clipping to land (km²).
    dmz_area_km2: Option<f64>,
    /// The same band on land, outside drawn areas such as the estuary (km²).
    dmz_land_area_km2: Option<f64>,
    markers: usize,
    lines: Vec<LineView>,
    zones: Vec<ZoneView>,
    islands: Vec<PlaceView>,
    ports_of_entry: Vec<PlaceView>,
    exchange_points: Vec<PlaceView>,
    deadlines: Vec<DeadlineView>,
    commissions: Vec<CommissionView>,
    teams: Vec<TeamView>,
    provisions: Vec<ProvisionView>,
    geometry_source: Option<String>,
}

#[derive(Debug, Serialize)]
struct PartyView {
    id: String,
    name: String,
    line_side: &'static str,
    territory_zone: String,
    commanders: Vec<PersonView>,
    delegates: Vec<PersonView>,
}

#[derive(Debug, Serialize)]
struct PersonView {
    name: String,
    title: String,
    signed_at: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct NeutralView {
    id: String,
    name: String,
    nominated_by: Option<String>,
}

#[derive(Debug, Serialize)]
struct LineView {
    id: String,
    name: String,
    kind: String,
    length_km: Option<f64>,
    vertices: usize,
    citation: String,
    notes: Option<String>,
}

#[derive(Debug, Serialize)]
struct ZoneView {
    id: String,
    name: String,
    citation: String,
    shape: String,
    halves: Vec<String>,
}

#[derive(Debug, Serialize)]
struct PlaceView {
    id: String,
    name: String,
    side: Option<String>,
    lon: f64,
    lat: f64,
    citation: String,
}

#[derive(Debug, Serialize)]
struct DeadlineView {
    id: String,
    name: String,
    at: Option<String>,
    from: String,
    after: String,
    citation: String,
}

#[derive(Debug, Serialize)]
struct CommissionView {
    id: String,
    abbreviation: String,
    name: String,
    kind: &'static str,
    citation: String,
    composition: String,
}

#[derive(Debug, Serialize)]
struct TeamView {
    id: String,
    name: String,
    commission: String,
    initial_count: u32,
    members: String,
    citation: String,
}

#[derive(Debug, Serialize)]
struct ProvisionView {
    citation: String,
    article: String,
    kind: &'static str,
    summary: String,
    params: serde_json::Value,
}

fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

fn composition(c: &Commission) -> String {
    match c.kind {
        CommissionKind::Joint => {
            let mut text = format!("{} members per side", c.members_per_side.unwrap_or(0));
            if let Some(generals) = c.general_officers_per_side {
                text.push_str(&format!(", {generals} of them general or flag officers"));
            }
            if let Some(grade) = &c.member_grade {
                text.push_str(&format!(", {grade}"));
            }
            text
        }
        CommissionKind::Neutral => {
            let mut text = format!(
                "{} member(s) from each of {}",
                c.members_per_nation.unwrap_or(1),
                c.nations.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            );
            if let Some(chair) = &c.chair {
                text.push_str(&format!("; {chair} chairs"));
            }
            if let Some(staff) = c.max_staff_per_nation {
                text.push_str(&format!("; at most {staff} staff per nation"));
            }
            text
        }
    }
}

impl From<&Agreement> for AgreementView {
    fn from(agreement: &Agreement) -> Self {
        let doc = &agreement.document;
        let person = |p: &armistice_core::agreement::document::Person| PersonView {
            name: p.name.clone(),
            title: p.title.clone(),
            signed_at: p.signed_at.map(|t| t.0.to_rfc3339()),
            note: p.note.clone(),
        };
        let provisions = agreement
            .provisions()
            .into_iter()
            .map(|p| {
                let params = serde_json::to_value(&p.rule)
                    .ok()
                    .and_then(|v| v.as_object().and_then(|o| o.values().next().cloned()))
                    .unwrap_or(serde_json::Value::Null);
                ProvisionView {
                    citation: p.citation.to_string(),
                    article: p.citation.article.to_string(),
                    kind: p.rule.kind(),
                    summary: p.summary.clone(),
                    params,
                }
            })
            .collect();
        Self {
            id: doc.id.to_string(),
            name: doc.name.clone(),
            place: doc.place.clone(),
            signed_at: agreement.signed_at().to_rfc3339(),
            effective_at: agreement.effective_at().to_rfc3339(),
            effective_after_signing: doc.effective.after_signing.to_string(),
            languages: doc.languages.clone(),
            summary: doc.summary.trim().to_owned(),
            parties: doc
                .sides
                .iter()
                .map(|s| {
                    let s = s.get_ref();
                    PartyView {
                        id: s.id.to_string(),
                        name: s.name.clone(),
                        line_side: match s.line_side {
                            LineSide::Left => "left",
                            LineSide::Right => "right",
                        },
                        territory_zone: s.territory_zone.to_string(),
                        commanders: s.commanders.iter().map(person).collect(),
                        delegates: s.delegates.iter().map(person).collect(),
                    }
                })
                .collect(),
            neutral_nations: doc
                .neutral_nations
                .iter()
                .map(|n| NeutralView {
                    id: n.get_ref().id.to_string(),
                    name: n.get_ref().name.clone(),
                    nominated_by: n.get_ref().nominated_by.as_ref().map(ToString::to_string),
                })
                .collect(),
            dmz_area_km2: None,
            dmz_land_area_km2: None,
            markers: 0,
            mdl_length_km: agreement
                .demarcation_line()
                .and_then(|(id, _)| agreement.line_length_km(id))
                .map(|km| round(km, 1)),
            lines: doc
                .lines
                .iter()
                .map(|l| {
                    let l = l.get_ref();
                    LineView {
                        id: l.id.to_string(),
                        name: l.name.clone(),
                        kind: format!("{:?}", l.kind).to_lowercase(),
                        length_km: agreement.line_length_km(l.id.as_str()).map(|km| round(km, 1)),
                        vertices: agreement.line(l.id.as_str()).map_or(0, |g| g.0.len()),
                        citation: l.citation.to_string(),
                        notes: l.notes.as_ref().map(|n| n.trim().to_owned()),
                    }
                })
                .collect(),
            zones: doc
                .zones
                .iter()
                .map(|z| {
                    let z = z.get_ref();
                    let (shape, halves) = match (&z.buffer, &z.area) {
                        (Some(b), _) => (
                            format!("{} m each side of line {}", b.half_width_m, b.line),
                            vec![b.left_half.to_string(), b.right_half.to_string()],
                        ),
                        (None, Some(a)) => (format!("area drawn in {}", a.file), Vec::new()),
                        (None, None) => (String::new(), Vec::new()),
                    };
                    ZoneView {
                        id: z.id.to_string(),
                        name: z.name.clone(),
                        citation: z.citation.to_string(),
                        shape,
                        halves,
                    }
                })
                .collect(),
            islands: doc
                .islands
                .iter()
                .map(|i| {
                    let i = i.get_ref();
                    PlaceView {
                        id: i.id.to_string(),
                        name: i.name.clone(),
                        side: Some(i.held_by.to_string()),
                        lon: i.position.lon,
                        lat: i.position.lat,
                        citation: i.citation.to_string(),
                    }
                })
                .collect(),
            ports_of_entry: doc
                .ports
                .iter()
                .map(|p| {
                    let p = p.get_ref();
                    PlaceView {
                        id: p.id.to_string(),
                        name: p.name.clone(),
                        side: Some(p.side.to_string()),
                        lon: p.position.lon,
                        lat: p.position.lat,
                        citation: p.citation.to_string(),
                    }
                })
                .collect(),
            exchange_points: doc
                .exchange_points
                .iter()
                .map(|p| {
                    let p = p.get_ref();
                    PlaceView {
                        id: p.id.to_string(),
                        name: p.name.clone(),
                        side: None,
                        lon: p.position.lon,
                        lat: p.position.lat,
                        citation: p.citation.to_string(),
                    }
                })
                .collect(),
            deadlines: doc
                .deadlines
                .iter()
                .map(|d| {
                    let d = d.get_ref();
                    DeadlineView {
                        id: d.id.to_string(),
                        name: d.name.clone(),
                        at: agreement.instant(d.id.as_str()).map(|t| t.to_rfc3339()),
                        from: d.from.to_string(),
                        after: d.after.to_string(),
                        citation: d.citation.to_string(),
                    }
                })
                .collect(),
            commissions: doc
                .commissions
                .iter()
                .map(|c| {
                    let c = c.get_ref();
                    CommissionView {
                        id: c.id.to_string(),
                        abbreviation: c.abbreviation.clone(),
                        name: c.name.clone(),
                        kind: match c.kind {
                            CommissionKind::Joint => "joint",
                            CommissionKind::Neutral => "neutral",
                        },
                        citation: c.citation.to_string(),
                        composition: composition(c),
                    }
                })
                .collect(),
            teams: doc
                .teams
                .iter()
                .map(|t| {
                    let t = t.get_ref();
                    let members = match t.max_members {
                        Some(max) if max != t.min_members => format!("{}-{max}", t.min_members),
                        Some(max) => max.to_string(),
                        None => format!("at least {}", t.min_members),
                    };
                    TeamView {
                        id: t.id.to_string(),
                        name: t.name.clone(),
                        commission: t.commission.to_string(),
                        initial_count: t.initial_count,
                        members,
                        citation: t.citation.to_string(),
                    }
                })
                .collect(),
            provisions,
            geometry_source: doc.geography.source.clone(),
        }
    }
}

fn render_text(view: &AgreementView) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{} ({})", view.name, view.id);
    let _ = writeln!(w, "  signed     {} at {}", view.signed_at, view.place);
    let _ = writeln!(w, "  effective  {} ({} after signing)", view.effective_at, view.effective_after_signing);
    let _ = writeln!(w, "\nParties");
    for party in &view.parties {
        let _ = writeln!(w, "  {:<10} {} (territory: {})", party.id, party.name, party.territory_zone);
        for person in party.delegates.iter().chain(&party.commanders) {
            let signed = person.signed_at.as_deref().map(|t| format!(", signed {t}")).unwrap_or_default();
            let note = person.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            let _ = writeln!(w, "  {:<10}   {} - {}{signed}{note}", "", person.name, person.title);
        }
    }
    if !view.neutral_nations.is_empty() {
        let names: Vec<String> = view
            .neutral_nations
            .iter()
            .map(|n| match &n.nominated_by {
                Some(side) => format!("{} (named by {side})", n.name),
                None => n.name.clone(),
            })
            .collect();
        let _ = writeln!(w, "\nNeutral nations\n  {}", names.join(", "));
    }
    let _ = writeln!(w, "\nLines");
    for line in &view.lines {
        let length = line.length_km.map(|km| format!("{km:.1} km")).unwrap_or_default();
        let _ = writeln!(
            w,
            "  {:<10} {} ({}), {length}, {} vertices [{}]",
            line.id, line.name, line.kind, line.vertices, line.citation
        );
        if let Some(notes) = &line.notes {
            let _ = writeln!(w, "  {:<10} note: {notes}", "");
        }
    }
    if let Some(source) = &view.geometry_source {
        let _ = writeln!(w, "  geometry: {source}");
    }
    if let Some(area) = view.dmz_area_km2 {
        let land = view
            .dmz_land_area_km2
            .map(|a| format!(", {a:.1} km² of it on land outside the estuary"))
            .unwrap_or_default();
        let _ =
            writeln!(w, "  DMZ: {area:.1} km² within the agreed distance of the line{land}; {} markers", view.markers);
    }
    let _ = writeln!(w, "\nZones");
    for zone in &view.zones {
        let halves =
            if zone.halves.is_empty() { String::new() } else { format!("; halves {}", zone.halves.join(", ")) };
        let _ = writeln!(w, "  {:<18} {}: {}{halves} [{}]", zone.id, zone.name, zone.shape, zone.citation);
    }
    for (title, places) in [
        ("Islands", &view.islands),
        ("Ports of entry", &view.ports_of_entry),
        ("Exchange points", &view.exchange_points),
    ] {
        if places.is_empty() {
            continue;
        }
        let _ = writeln!(w, "\n{title}");
        for p in places {
            let side = p.side.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            let _ = writeln!(w, "  {:<14} {}{side} at {:.4}, {:.4} [{}]", p.id, p.name, p.lon, p.lat, p.citation);
        }
    }
    let _ = writeln!(w, "\nDeadlines");
    for d in &view.deadlines {
        let _ = writeln!(
            w,
            "  {:<22} {}  {} after {} [{}]",
            d.id,
            d.at.as_deref().unwrap_or("?"),
            d.after,
            d.from,
            d.citation
        );
    }
    let _ = writeln!(w, "\nCommissions");
    for c in &view.commissions {
        let _ = writeln!(w, "  {:<6} {} ({}): {} [{}]", c.abbreviation, c.name, c.kind, c.composition, c.citation);
    }
    for t in &view.teams {
        let _ = writeln!(
            w,
            "  {:<6} {} x{} of {} members, under {} [{}]",
            "", t.name, t.initial_count, t.members, t.commission, t.citation
        );
    }
    let _ = writeln!(w, "\nProvisions ({})", view.provisions.len());
    let mut article = "";
    for p in &view.provisions {
        if p.article != article {
            article = &p.article;
            let heading = if article.chars().all(|c| "IVXLC".contains(c)) {
                format!("Article {article}")
            } else {
                article.to_owned()
            };
            let _ = writeln!(w, "  {heading}");
        }
        let _ = writeln!(w, "    {:<10} {:<24} {}", p.citation, p.kind, p.summary);
    }
    out
}
