//! The console's pages, each a function from the derived state (and the request's
//! query) to an HTML string. Every value from the journal goes through `escape`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use armistice_core::commission::CaseState;
use chrono::NaiveDate;
use serde::Deserialize;

use super::derived::{Checkpoints, Derived, FindingRow, Moment, MomentKind};
use super::html::{escape, page, table, url_component};
use super::map::BaseMap;

fn finding_link(f: &FindingRow) -> String {
    format!("<a href=\"/findings/{}\">{}</a>", url_component(&f.id), escape(&f.id))
}

fn case_link(id: &str) -> String {
    format!("<a href=\"/cases#case-{}\">{}</a>", escape(id), escape(id))
}

fn report_link(id: &str) -> String {
    format!("<a href=\"/reports/{}\">{}</a>", url_component(id), escape(id))
}

fn date(rfc3339: &str) -> String {
    escape(rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ").as_str())
}

pub fn overview(d: &Derived) -> String {
    let r = &d.replay;
    let mut body = format!(
        "<p>The journal holds <strong>{}</strong> entries (root <code>{}</code>); replay accepted {} reports \
         and found <strong>{}</strong> findings. <a href=\"/record\">Verify the record</a>.</p>",
        d.size,
        escape(&d.root),
        r.reports,
        d.findings.len()
    );
    let mut by_citation: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &d.findings {
        *by_citation.entry(f.citation.as_str()).or_default() += 1;
    }
    let rows: Vec<Vec<String>> = by_citation
        .iter()
        .map(|(c, n)| {
            vec![format!("<a href=\"/findings?paragraph={}\">{}</a>", url_component(c), escape(c)), n.to_string()]
        })
        .collect();
    body.push_str("<section aria-labelledby=\"h-findings\"><h2 id=\"h-findings\">Findings by paragraph</h2>");
    body.push_str(&table("Findings by paragraph", &["Paragraph", "Findings"], &rows));
    body.push_str("</section>");
    let rows: Vec<Vec<String>> = CaseState::ALL
        .iter()
        .map(|s| vec![escape(s.as_str()), r.cases.iter().filter(|c| c.state == *s).count().to_string()])
        .collect();
    body.push_str("<section aria-labelledby=\"h-cases\"><h2 id=\"h-cases\">Cases by state</h2>");
    body.push_str(&table("Cases by state", &["State", "Cases"], &rows));
    body.push_str("</section>");
    let rows: Vec<Vec<String>> =
        r.prisoners.iter().filter(|(_, n)| *n > 0).map(|(s, n)| vec![escape(s.name()), n.to_string()]).collect();
    body.push_str("<section aria-labelledby=\"h-prisoners\"><h2 id=\"h-prisoners\">Prisoners by state</h2>");
    body.push_str(&table("Prisoners by state", &["State", "Prisoners"], &rows));
    body.push_str("</section>");
    page("/", "Overview", &body)
}

/// Colours for finding rules, in the order rules first appear (sorted).
const PALETTE: [&str; 8] = ["#c0392b", "#8e44ad", "#d35400", "#1f618d", "#b7950b", "#117a65", "#6e2c00", "#4a235a"];

fn rule_colours(d: &Derived) -> BTreeMap<String, &'static str> {
    let rules: BTreeSet<&str> = d.findings.iter().filter(|f| f.position.is_some()).map(|f| f.rule.as_str()).collect();
    rules.into_iter().enumerate().map(|(i, r)| (r.to_owned(), PALETTE[i % PALETTE.len()])).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct MapQuery {
    pub focus: Option<String>,
}

pub fn map(d: &Derived, base: &BaseMap, query: &MapQuery) -> String {
    let colours = rule_colours(d);
    let (mut x0, mut y0, mut w, mut h) = base.view_box;
    let mut incidents = String::new();
    let mut panels = String::new();
    // Findings at one place (one report can break several provisions) are drawn side by
    // side, a marker's width apart, so that none hides another.
    let mut at_place: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    for f in d.findings.iter().filter(|f| f.position.is_some()) {
        let Some((lon, lat)) = f.position else { continue };
        let (x, y) = base.project(lon, lat);
        let earlier = at_place.entry(((x * 10.0).round() as i64, (y * 10.0).round() as i64)).or_default();
        let x = x + 12.0 * f64::from(*earlier);
        *earlier += 1;
        if query.focus.as_deref() == Some(f.id.as_str()) {
            (w, h) = (w / 8.0, h / 8.0);
            (x0, y0) = (x - w / 2.0, y - h / 2.0);
        }
        let colour = colours.get(&f.rule).copied().unwrap_or("#000");
        let _ = write!(
            incidents,
            "<a class=\"incident\" href=\"/findings/{id_url}\" data-finding=\"{id}\" aria-label=\"Finding {id}: {rule}, {citation}\">\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{colour}\"/></a>",
            id_url = url_component(&f.id),
            id = escape(&f.id),
            rule = escape(&f.rule),
            citation = escape(&f.citation),
        );
        let _ = write!(
            panels,
            "<div class=\"panel-item\" id=\"panel-{}\" hidden>{}</div>",
            escape(&f.id),
            finding_summary(d, f)
        );
    }
    let mut legend = String::new();
    for (rule, colour) in &colours {
        let _ = write!(legend, "<li><span class=\"swatch\" style=\"background:{colour}\"></span>{}</li>", escape(rule));
    }
    let body = format!(
        "<p>Land by side, the demilitarized zone's halves, the Han River estuary, the demarcation line and its markers, \
         islands, ports of entry and exchange points; incidents coloured by finding. Drag to pan, scroll or use the \
         buttons to zoom; select an incident for its reports, finding, citation and case.</p>\
         <div class=\"map-layout\"><div class=\"map-frame\">\
         <div class=\"map-controls\"><button type=\"button\" data-zoom=\"in\">Zoom in</button>\
         <button type=\"button\" data-zoom=\"out\">Zoom out</button><button type=\"button\" data-zoom=\"reset\">Reset</button></div>\
         <svg id=\"map\" role=\"img\" aria-label=\"Map of the armistice lines and incidents\" viewBox=\"{x0:.1} {y0:.1} {w:.1} {h:.1}\" \
         data-home=\"{:.1} {:.1} {:.1} {:.1}\" preserveAspectRatio=\"xMidYMid meet\">{}<g id=\"incidents\">{incidents}</g></svg></div>\
         <aside id=\"panel\" aria-live=\"polite\" aria-labelledby=\"h-panel\"><h2 id=\"h-panel\">Incident</h2>\
         <p id=\"panel-hint\">Select an incident on the map.</p>{panels}</aside></div>\
         <section aria-labelledby=\"h-legend\"><h2 id=\"h-legend\">Legend</h2><ul class=\"legend\">{legend}\
         <li><span class=\"swatch mdl-swatch\"></span>Demarcation line</li><li><span class=\"swatch dmz-swatch\"></span>DMZ half</li>\
         <li><span class=\"swatch area-swatch\"></span>Estuary zone</li></ul></section>",
        base.view_box.0, base.view_box.1, base.view_box.2, base.view_box.3, base.layers
    );
    page("/map", "Map", &body)
}

/// A finding's facts: rule, citation, time, place, reason, case and reports.
fn finding_summary(d: &Derived, f: &FindingRow) -> String {
    let mut out = format!(
        "<h3>{}</h3><dl><dt>Finding</dt><dd class=\"rule\">{}</dd><dt>Citation</dt><dd class=\"citation\">{}</dd>\
         <dt>When</dt><dd>{}</dd><dt>Responsible</dt><dd>{}</dd>",
        finding_link(f),
        escape(&f.rule),
        escape(&f.citation),
        date(&f.at),
        escape(f.responsible.as_deref().unwrap_or("not determined"))
    );
    if let Some(zone) = &f.zone {
        let _ = write!(out, "<dt>Zone</dt><dd>{}</dd>", escape(zone));
    }
    let _ = write!(out, "<dt>Reason</dt><dd>{}</dd>", escape(&f.reason));
    if let Some(case) = &f.case {
        let state = d.case(case).map(|c| c.state.as_str()).unwrap_or_default();
        let _ = write!(out, "<dt>Case</dt><dd>{} ({})</dd>", case_link(case), escape(state));
    }
    if !f.reports.is_empty() {
        let links: Vec<String> = f.reports.iter().map(|r| report_link(r)).collect();
        let _ = write!(out, "<dt>Reports</dt><dd>{}</dd>", links.join(", "));
    }
    out.push_str("</dl>");
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct FindingsQuery {
    pub paragraph: Option<String>,
    pub side: Option<String>,
    pub zone: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl FindingsQuery {
    fn keeps(&self, f: &FindingRow) -> bool {
        let day = f.at.get(..10).unwrap_or_default();
        given(&self.paragraph).is_none_or(|p| f.citation == p)
            && given(&self.side).is_none_or(|s| f.responsible.as_deref() == Some(s))
            && given(&self.zone).is_none_or(|z| f.zone.as_deref() == Some(z))
            && given(&self.from).is_none_or(|from| day >= from)
            && given(&self.to).is_none_or(|to| day <= to)
    }
}

fn select(name: &str, label: &str, options: &BTreeSet<&str>, chosen: Option<&str>) -> String {
    let mut out = format!("<label>{label} <select name=\"{name}\"><option value=\"\">any</option>");
    for option in options {
        let selected = if chosen == Some(*option) { " selected" } else { "" };
        let _ = write!(out, "<option{selected}>{}</option>", escape(option));
    }
    out.push_str("</select></label>");
    out
}

pub fn findings(d: &Derived, q: &FindingsQuery) -> String {
    let paragraphs: BTreeSet<&str> = d.findings.iter().map(|f| f.citation.as_str()).collect();
    let sides: BTreeSet<&str> = d.findings.iter().filter_map(|f| f.responsible.as_deref()).collect();
    let zones: BTreeSet<&str> = d.findings.iter().filter_map(|f| f.zone.as_deref()).collect();
    let kept: Vec<&FindingRow> = d.findings.iter().filter(|f| q.keeps(f)).collect();
    let mut body = format!(
        "<form method=\"get\" action=\"/findings\" class=\"filters\" aria-label=\"Filter findings\">{}{}{}\
         <label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <button type=\"submit\">Filter</button> <a href=\"/findings\">Clear</a></form>\
         <p id=\"count\">{} of {} findings.</p>",
        select("paragraph", "Paragraph", &paragraphs, given(&q.paragraph)),
        select("side", "Side responsible", &sides, given(&q.side)),
        select("zone", "Zone", &zones, given(&q.zone)),
        escape(given(&q.from).unwrap_or_default()),
        escape(given(&q.to).unwrap_or_default()),
        kept.len(),
        d.findings.len()
    );
    let rows: Vec<Vec<String>> = kept
        .iter()
        .take(500)
        .map(|f| {
            let place = if f.position.is_some() {
                format!("<a href=\"/map?focus={}\">on the map</a>", url_component(&f.id))
            } else {
                String::new()
            };
            let reports: Vec<String> = f.reports.iter().map(|r| report_link(r)).collect();
            vec![
                finding_link(f),
                date(&f.at),
                escape(&f.citation),
                escape(&f.rule),
                escape(f.responsible.as_deref().unwrap_or("")),
                escape(f.zone.as_deref().unwrap_or("")),
                escape(&f.reason),
                reports.join(", "),
                place,
            ]
        })
        .collect();
    body.push_str(&table(
        "Findings",
        &["Finding", "When", "Paragraph", "Rule", "Responsible", "Zone", "Reason", "Reports", "Place"],
        &rows,
    ));
    if kept.len() > 500 {
        body.push_str("<p>The first 500 are shown; narrow the filter for the rest.</p>");
    }
    page("/findings", "Findings", &body)
}

pub fn finding(d: &Derived, f: &FindingRow) -> String {
    let mut body = finding_summary(d, f);
    if f.position.is_some() {
        let _ = write!(body, "<p><a href=\"/map?focus={}\">Show on the map</a></p>", url_component(&f.id));
    }
    if !f.prisoners.is_empty() {
        let links: Vec<String> = f
            .prisoners
            .iter()
            .map(|p| format!("<a href=\"/prisoners/{}\">{}</a>", url_component(p), escape(p)))
            .collect();
        let _ = write!(body, "<h2>Prisoners</h2><p>{}</p>", links.join(", "));
    }
    for id in &f.reports {
        body.push_str(&report_section(d, id));
    }
    page("/findings", &format!("Finding {}", f.id), &body)
}

fn report_section(d: &Derived, id: &str) -> String {
    match d.reports.get(id) {
        Some(r) => format!(
            "<section aria-label=\"Report {id}\"><h2>Report {id}</h2><p>Entry {} submitted by {}, received {}.</p>\
             <pre>{}</pre></section>",
            r.entry,
            escape(&r.submitter),
            escape(&r.received),
            escape(&r.payload),
            id = escape(id)
        ),
        None => format!(
            "<section><h2>Report {}</h2><p>Made by the commission from an inspection.</p></section>",
            escape(id)
        ),
    }
}

pub fn report(d: &Derived, id: &str) -> String {
    let mut body = report_section(d, id);
    let related: Vec<String> =
        d.findings.iter().filter(|f| f.reports.iter().any(|r| r == id)).map(finding_link).collect();
    let _ =
        write!(body, "<p>Findings: {}</p>", if related.is_empty() { "none".to_owned() } else { related.join(", ") });
    page("/findings", &format!("Report {id}"), &body)
}

pub fn cases(d: &Derived) -> String {
    let mut body = String::from("<div class=\"board\">");
    for state in CaseState::ALL {
        let cases: Vec<_> = d.replay.cases.iter().filter(|c| c.state == state).collect();
        let _ = write!(
            body,
            "<section class=\"column\" aria-labelledby=\"col-{s}\"><h2 id=\"col-{s}\">{s} ({})</h2>",
            cases.len(),
            s = escape(state.as_str())
        );
        for c in cases {
            let reports: Vec<String> = c.reports.iter().map(|r| report_link(r)).collect();
            let outcome = match (c.outcome, &c.responsible) {
                (Some(o), Some(side)) => format!("{} ({})", o.as_str(), side),
                (Some(o), None) => o.as_str().to_owned(),
                _ => "pending".to_owned(),
            };
            let _ = write!(
                body,
                "<article class=\"case\" id=\"case-{id}\"><h3>{id}</h3><p>{} ¶{} — {} against {}; outcome {}</p><p>Reports: {}</p>\
                 <details><summary>History ({} steps)</summary><ol>",
                escape(&c.commission),
                escape(&c.paragraph.to_string()),
                escape(&c.alleged_by),
                escape(&c.against),
                escape(&outcome),
                reports.join(", "),
                c.history.len(),
                id = escape(&c.id)
            );
            for step in &c.history {
                let _ = write!(
                    body,
                    "<li>{} — {} {}: {} → {}{} (entry {})</li>",
                    date(&step.at.to_rfc3339()),
                    escape(&step.actor.to_string()),
                    escape(&step.action.to_string()),
                    escape(step.from.map_or("", |s| s.as_str())),
                    escape(step.to.as_str()),
                    if step.note.is_empty() { String::new() } else { format!(" ({})", escape(&step.note)) },
                    step.entry
                );
            }
            body.push_str("</ol></details></article>");
        }
        body.push_str("</section>");
    }
    body.push_str("</div>");
    page("/cases", "Cases", &body)
}

/// Cumulative prisoner events by kind over time, as an SVG line chart.
/// Prisoners by state at the end of each day with events, one line per state that ever
/// held anyone, drawn against the calendar (days without events keep the last counts).
fn chart(d: &Derived) -> String {
    let series = &d.replay.prisoners_by_day;
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return "<p>No prisoner events yet, so no chart.</p>".to_owned();
    };
    let span = (last.0 - first.0).num_days().max(1) as f64;
    let states: Vec<usize> = (0..first.1.len()).filter(|&k| series.iter().any(|(_, c)| c[k].1 > 0)).collect();
    let max = series.iter().flat_map(|(_, c)| c.iter().map(|(_, n)| *n)).max().unwrap_or(1).max(1);
    let (width, height) = (720.0, 260.0);
    let x = |day: NaiveDate| (day - first.0).num_days() as f64 / span * width;
    let y = |n: usize| height - n as f64 / max as f64 * height;
    let mut lines = String::new();
    let mut legend = String::new();
    for (i, &k) in states.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        // A step line: each day's count holds until the next day with events.
        let mut points = Vec::new();
        for (j, (day, counts)) in series.iter().enumerate() {
            if j > 0 {
                points.push(format!("{:.1},{:.1}", x(*day), y(series[j - 1].1[k].1)));
            }
            points.push(format!("{:.1},{:.1}", x(*day), y(counts[k].1)));
        }
        let name = first.1[k].0.name();
        let _ = write!(
            lines,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            points.join(" "),
            escape(name)
        );
        let _ = write!(
            legend,
            "<li><span class=\"swatch\" style=\"background:{colour}\"></span>{} ({})</li>",
            escape(name),
            last.1[k].1
        );
    }
    let rows: Vec<Vec<String>> = series
        .iter()
        .map(|(day, counts)| {
            let parts: Vec<String> =
                states.iter().map(|&k| format!("{} {}", counts[k].0.name(), counts[k].1)).collect();
            vec![day.to_string(), escape(&parts.join(", "))]
        })
        .collect();
    format!(
        "<figure><svg class=\"chart\" viewBox=\"-60 -10 {} {}\" role=\"img\" aria-label=\"Prisoners by state over time\">\
         <line x1=\"0\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\" class=\"axis\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{height}\" class=\"axis\"/>\
         <text x=\"-6\" y=\"8\" text-anchor=\"end\">{max}</text><text x=\"-6\" y=\"{height}\" text-anchor=\"end\">0</text>\
         <text x=\"0\" y=\"{}\">{}</text><text x=\"{width}\" y=\"{}\" text-anchor=\"end\">{}</text>{lines}</svg>\
         <figcaption>Prisoners in each state at the end of each day with events, {} to {}.</figcaption>\
         <ul class=\"legend\">{legend}</ul></figure>\
         <details><summary>The counts day by day ({} days)</summary>{}</details>",
        width + 80.0,
        height + 40.0,
        height + 20.0,
        first.0,
        height + 20.0,
        last.0,
        first.0,
        last.0,
        series.len(),
        table("Prisoners by state, day by day", &["Day", "Counts"], &rows),
    )
}

/// The prisoners no one can account for, per detaining side: the first `LIMIT` of each
/// with a link to their history, and how many there are.
fn unaccounted(d: &Derived) -> String {
    const LIMIT: usize = 100;
    let mut by_side: BTreeMap<&str, Vec<&armistice_core::pow::Unaccounted>> = BTreeMap::new();
    for u in &d.replay.unaccounted {
        by_side.entry(u.detaining_side.as_str()).or_default().push(u);
    }
    if by_side.is_empty() {
        return "<p>Every prisoner is accounted for.</p>".to_owned();
    }
    let mut out = String::new();
    for (side, list) in by_side {
        let rows: Vec<Vec<String>> = list
            .iter()
            .take(LIMIT)
            .map(|u| {
                vec![
                    format!("<a class=\"prisoner\" href=\"/prisoners/{}\">{}</a>", url_component(&u.id), escape(&u.id)),
                    escape(&u.names.join(" / ")),
                    escape(&u.nationality),
                    u.since.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                    escape(u.reason.as_deref().unwrap_or("")),
                ]
            })
            .collect();
        let shown = if list.len() > LIMIT { format!(", the first {LIMIT} shown") } else { String::new() };
        out.push_str(&table(
            &format!("Held by {side}: {} unaccounted for{shown}", list.len()),
            &["Prisoner", "Names", "Nationality", "Since", "Reason"],
            &rows,
        ));
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct TimelineQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
}

/// Colour and shape of each kind of moment on the axis.
fn moment_colour(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Agenda | MomentKind::Agreed => "#0f5e1f",
        MomentKind::Session | MomentKind::Response => "#6b6b6b",
        MomentKind::Proposal => "#1f618d",
        MomentKind::Suspension => "#b00020",
        MomentKind::Site | MomentKind::Signing => "#12263a",
        MomentKind::Event => "#a04000",
        MomentKind::Finding | MomentKind::Case => "#8e44ad",
    }
}

/// The talks and the record after them on one dated axis (sessions as ticks,
/// suspensions as bars, agreements as diamonds, events as dots, findings and case steps
/// after the signing), then as a dated list grouped by month, filterable by kind and
/// dates.
pub fn timeline(d: &Derived, q: &TimelineQuery) -> String {
    let day = |v: &Option<String>| given(v).and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
    let (from, to) = (day(&q.from), day(&q.to));
    let kind = given(&q.kind);
    let shown: Vec<&Moment> = d
        .timeline
        .iter()
        .filter(|m| from.is_none_or(|f| m.day >= f) && to.is_none_or(|t| m.day <= t))
        .filter(|m| kind.is_none_or(|k| m.kind.as_str() == k))
        .collect();
    let kinds: BTreeSet<&str> = MomentKind::ALL.iter().map(|k| k.as_str()).collect();
    let value = |v: &Option<String>| escape(given(v).unwrap_or(""));
    let mut body = format!(
        "<form method=\"get\" class=\"filters\" aria-label=\"Filter the timeline\">{}\
         <label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <button type=\"submit\">Filter</button> <a href=\"/timeline\">Clear</a></form>",
        select("kind", "Kind", &kinds, kind),
        value(&q.from),
        value(&q.to),
    );
    body.push_str(&axis(&shown));
    // The range shown: the one asked for, or the moments' own.
    let range = match (from.or(shown.first().map(|m| m.day)), to.or(shown.last().map(|m| m.day))) {
        (Some(f), Some(t)) if f <= t => Some((f, t)),
        _ => None,
    };
    if let Some((f, t)) = range {
        body.push_str(&zoom_links(f, t, kind));
    }
    let _ = write!(body, "<p>{} moments.</p>", shown.len());
    let mut month = String::new();
    for m in &shown {
        let this = m.day.format("%B %Y").to_string();
        if this != month {
            if !month.is_empty() {
                body.push_str("</ol>");
            }
            let _ = write!(body, "<h2>{this}</h2><ol class=\"timeline\">");
            month = this;
        }
        let text = match &m.link {
            Some(link) => format!("<a href=\"{}\">{}</a>", escape(link), escape(&m.text)),
            None => escape(&m.text),
        };
        let entry = m.entry.map(|e| format!(" <span class=\"entry\">entry {e}</span>")).unwrap_or_default();
        let _ = write!(
            body,
            "<li class=\"moment {kind}\"><time datetime=\"{day}\">{day}</time> <span class=\"kind\" style=\"color:{colour}\">{kind}</span> {text}{entry}</li>",
            day = m.day,
            kind = m.kind.as_str(),
            colour = moment_colour(m.kind),
        );
    }
    if !month.is_empty() {
        body.push_str("</ol>");
    }
    page("/timeline", "Timeline", &body)
}

/// The ranges around `from..=to` (days, both shown), for links that zoom the timeline:
/// half as long about the same middle, twice as long, and as long a range half of it
/// earlier and later. A range outside the calendar's dates is left out.
fn zoomed(from: NaiveDate, to: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let days = (to - from).num_days();
    let day = |date: NaiveDate, by: i64| date.checked_add_signed(chrono::Duration::days(by));
    let middle = day(from, days / 2);
    let (quarter, shift) = (days / 4, ((days + 1) / 2).max(1));
    let ranges = [
        ("Zoom in", middle.and_then(|m| day(m, -quarter)), middle.and_then(|m| day(m, days / 2 - quarter))),
        ("Zoom out", day(from, -(days / 2 + 1)), day(to, days / 2 + 1)),
        ("Earlier", day(from, -shift), day(to, -shift)),
        ("Later", day(from, shift), day(to, shift)),
    ];
    ranges.into_iter().filter_map(|(label, f, t)| Some((label, f?, t?))).collect()
}

/// Links to the ranges of [`zoomed`], keeping the kind chosen.
fn zoom_links(from: NaiveDate, to: NaiveDate, kind: Option<&str>) -> String {
    let kind = kind.map(|k| format!("&kind={}", url_component(k))).unwrap_or_default();
    let mut nav = format!("<nav class=\"zoom\" aria-label=\"Zoom the timeline\">{from} to {to}:");
    for (label, f, t) in zoomed(from, to) {
        let _ = write!(nav, " <a href=\"/timeline?from={f}&amp;to={t}{}\">{label}</a>", escape(&kind));
    }
    nav.push_str("</nav>");
    nav
}

fn axis(moments: &[&Moment]) -> String {
    let (Some(first), Some(last)) = (moments.first(), moments.last()) else {
        return "<p>Nothing dated in this range.</p>".to_owned();
    };
    let span = (last.day - first.day).num_days().max(1) as f64;
    let width = 1000.0;
    let x = |day: NaiveDate| (day - first.day).num_days() as f64 / span * width;
    let row = |kind: MomentKind| match kind {
        MomentKind::Suspension => 10.0,
        MomentKind::Session | MomentKind::Response | MomentKind::Site => 30.0,
        MomentKind::Proposal | MomentKind::Agenda | MomentKind::Agreed => 50.0,
        MomentKind::Event => 70.0,
        MomentKind::Signing | MomentKind::Finding | MomentKind::Case => 90.0,
    };
    let mut marks = String::new();
    for m in moments {
        let (cx, cy, colour) = (x(m.day), row(m.kind), moment_colour(m.kind));
        let title = format!("<title>{} {}</title>", m.day, escape(&m.text));
        let _ = match m.kind {
            MomentKind::Suspension => {
                let end = m.until.map_or(width, |u| x(u.min(last.day))).max(cx + 2.0);
                write!(
                    marks,
                    "<rect x=\"{cx:.1}\" y=\"4\" width=\"{:.1}\" height=\"12\" fill=\"{colour}\" fill-opacity=\"0.5\">{title}</rect>",
                    end - cx
                )
            }
            MomentKind::Agreed | MomentKind::Agenda | MomentKind::Signing => write!(
                marks,
                "<path d=\"M{cx:.1} {:.1} l6 6 l-6 6 l-6 -6 z\" fill=\"{colour}\">{title}</path>",
                cy - 6.0
            ),
            MomentKind::Session | MomentKind::Response => write!(
                marks,
                "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"{colour}\">{title}</line>",
                cy - 6.0,
                cy + 6.0
            ),
            _ => write!(marks, "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\" fill=\"{colour}\">{title}</circle>"),
        };
    }
    let labels =
        [(10.0, "suspended"), (30.0, "sessions"), (50.0, "proposals, agreed"), (70.0, "events"), (90.0, "armistice")];
    let mut legend = String::new();
    for (y, label) in labels {
        let _ = write!(legend, "<text x=\"-8\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>", y + 4.0);
    }
    format!(
        "<figure><svg class=\"chart timeline-axis\" viewBox=\"-130 0 {} 125\" role=\"img\" aria-label=\"Timeline from {} to {}\">\
         <line x1=\"0\" y1=\"100\" x2=\"{width}\" y2=\"100\" class=\"axis\"/>{legend}{marks}\
         <text x=\"0\" y=\"118\">{}</text><text x=\"{width}\" y=\"118\" text-anchor=\"end\">{}</text></svg>\
         <figcaption>Suspensions as bars, sessions and answers as ticks, proposals and agreements (diamonds), \
         events, and after the signing findings and case steps, {} to {}.</figcaption></figure>",
        width + 140.0,
        first.day,
        last.day,
        first.day,
        last.day,
        first.day,
        last.day,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PrisonerQuery {
    pub id: Option<String>,
}

pub fn prisoners(d: &Derived) -> String {
    let r = &d.replay;
    let mut body = String::from(
        "<form method=\"get\" action=\"/prisoners/find\" class=\"filters\" aria-label=\"Find a prisoner\">\
         <label>Prisoner id <input name=\"id\" required></label><button type=\"submit\">Show history</button></form>",
    );
    let rows: Vec<Vec<String>> =
        r.prisoners.iter().filter(|(_, n)| *n > 0).map(|(s, n)| vec![escape(s.name()), n.to_string()]).collect();
    body.push_str("<h2>By state</h2>");
    body.push_str(&table("Prisoners by state", &["State", "Prisoners"], &rows));
    body.push_str("<h2>Over time</h2>");
    body.push_str(&chart(d));
    let rows: Vec<Vec<String>> = r
        .prisoners_by_nationality
        .iter()
        .map(|(nationality, states)| {
            let parts: Vec<String> = states.iter().map(|(s, n)| format!("{} {n}", s.name())).collect();
            vec![escape(nationality), escape(&parts.join(", "))]
        })
        .collect();
    body.push_str("<h2>By nationality</h2>");
    body.push_str(&table("Prisoners by nationality and state", &["Nationality", "States"], &rows));
    let mut by_side: BTreeMap<(&str, &str), (usize, Vec<&str>)> = BTreeMap::new();
    for (id, p) in &d.prisoners {
        let cell = by_side.entry((p.detaining_side.as_str(), p.nationality.as_str())).or_default();
        cell.0 += 1;
        if cell.1.len() < 3 {
            cell.1.push(id);
        }
    }
    let examples: Vec<Vec<String>> = by_side
        .iter()
        .map(|((side, nationality), (n, examples))| {
            let links: Vec<String> = examples
                .iter()
                .map(|p| format!("<a class=\"prisoner\" href=\"/prisoners/{}\">{}</a>", url_component(p), escape(p)))
                .collect();
            vec![escape(side), escape(nationality), n.to_string(), links.join(", ")]
        })
        .collect();
    let rows: Vec<Vec<String>> = r
        .prisoners_by_side
        .iter()
        .map(|(side, states)| {
            let parts: Vec<String> = states.iter().map(|(s, n)| format!("{} {n}", s.name())).collect();
            vec![escape(side), escape(&parts.join(", "))]
        })
        .collect();
    body.push_str("<h2>By detaining side</h2>");
    body.push_str(&table("Prisoners by detaining side and state", &["Detaining side", "States"], &rows));
    body.push_str("<h2 id=\"unaccounted\">Unaccounted for</h2>");
    body.push_str(&unaccounted(d));
    body.push_str("<h3>Examples by detaining side and nationality</h3>");
    body.push_str(&table(
        "Prisoners by detaining side and nationality",
        &["Detaining side", "Nationality", "Prisoners", "For example"],
        &examples,
    ));
    page("/prisoners", "Prisoners", &body)
}

pub fn prisoner(d: &Derived, id: &str) -> Option<String> {
    let p = d.prisoners.get(id)?;
    let mut body = format!(
        "<dl><dt>Nationality</dt><dd>{}</dd><dt>Detaining side</dt><dd>{}</dd><dt>Side at capture</dt><dd>{}</dd>\
         <dt>Recorded</dt><dd>entry {}</dd></dl><h2>History</h2><ol class=\"history\">",
        escape(&p.nationality),
        escape(&p.detaining_side),
        escape(&p.side),
        p.entry
    );
    for e in &p.events {
        let _ = write!(
            body,
            "<li>{} — <strong>{}</strong> by {} (entry {})</li>",
            date(&e.at),
            escape(&e.kind),
            escape(&e.author),
            e.entry
        );
    }
    body.push_str("</ol>");
    if p.events.is_empty() {
        body.push_str("<p>No events: the prisoner is as first recorded.</p>");
    }
    Some(page("/prisoners", &format!("Prisoner {id}"), &body))
}

/// The outcome of verifying the stored journal, when the button was pressed.
#[derive(Debug, Clone)]
pub enum Verification {
    Verified { entries: u64, bytes: usize },
    Failed(String),
}

pub fn record(d: &Derived, checkpoints: &Checkpoints, verification: Option<&Verification>) -> String {
    let mut body = format!(
        "<dl><dt>Entries</dt><dd id=\"size\">{}</dd><dt>Root</dt><dd><code>{}</code></dd><dt>Checkpoints</dt><dd>{}</dd>",
        d.size,
        escape(&d.root),
        checkpoints.count
    );
    match &checkpoints.latest {
        Some(c) => {
            let _ = write!(
                body,
                "<dt>Latest checkpoint</dt><dd>number {}, size {}, signed {}, root <code>{}</code></dd>\
                 <dt>Co-signed by</dt><dd>{}</dd>",
                c.number,
                c.size,
                escape(&c.time),
                escape(&c.root),
                if c.cosigners.is_empty() { "no one yet".to_owned() } else { escape(&c.cosigners.join(", ")) }
            );
        }
        None => body.push_str("<dt>Latest checkpoint</dt><dd>none yet</dd>"),
    }
    body.push_str("</dl>");
    body.push_str(
        "<form method=\"post\" action=\"/record/verify\"><button type=\"submit\" id=\"verify\">Verify the journal</button></form>",
    );
    match verification {
        Some(Verification::Verified { entries, bytes }) => {
            let _ = write!(
                body,
                "<p class=\"ok\" role=\"status\" id=\"verification\">Verified: the export of {entries} entries ({bytes} bytes) \
                 checks offline — every signature, every leaf and the root.</p>"
            );
        }
        Some(Verification::Failed(reason)) => {
            let _ = write!(
                body,
                "<p class=\"bad\" role=\"alert\" id=\"verification\">Not verified: {}</p>",
                escape(reason)
            );
        }
        None => {}
    }
    let rows: Vec<Vec<String>> = d.replay.kinds.iter().map(|(k, n)| vec![escape(k.as_str()), n.to_string()]).collect();
    body.push_str(&table("Entries by kind", &["Kind", "Entries"], &rows));
    let rows: Vec<Vec<String>> = d.submitters.iter().map(|(s, n)| vec![escape(s), n.to_string()]).collect();
    body.push_str(&table("Entries by submitter", &["Submitter", "Entries"], &rows));
    page("/record", "Record", &body)
}

pub fn not_found(what: &str) -> String {
    page("", "Not found", &format!("<p>{}</p><p><a href=\"/\">Back to the overview</a></p>", escape(what)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A year zooms in to its middle half and out to three years; earlier and later move
    /// it by half a year; a day cannot zoom in further; the calendar's ends drop links.
    #[test]
    fn zooming_halves_doubles_and_moves_the_range() {
        let ranges = |from: &str, to: &str| -> Vec<(String, String, String)> {
            zoomed(date(from), date(to))
                .into_iter()
                .map(|(l, f, t)| (l.to_owned(), f.to_string(), t.to_string()))
                .collect()
        };
        let year = ranges("1953-01-01", "1953-12-31");
        let expected = [
            ("Zoom in", "1953-04-02", "1953-10-01"),
            ("Zoom out", "1952-07-02", "1954-07-02"),
            ("Earlier", "1952-07-03", "1953-07-02"),
            ("Later", "1953-07-02", "1954-07-01"),
        ];
        let expected: Vec<(String, String, String)> =
            expected.iter().map(|(l, f, t)| (l.to_string(), f.to_string(), t.to_string())).collect();
        assert_eq!(year, expected);
        let day = ranges("1953-07-27", "1953-07-27");
        assert_eq!(day[0], ("Zoom in".to_owned(), "1953-07-27".to_owned(), "1953-07-27".to_owned()));
        assert_eq!(day[2].1, "1953-07-26");
        let edge = zoomed(NaiveDate::MIN, NaiveDate::MIN + chrono::Duration::days(10));
        assert_eq!(edge.iter().map(|r| r.0).collect::<Vec<_>>(), ["Zoom in", "Later"]);
        let html = zoom_links(date("1953-01-01"), date("1953-12-31"), Some("a&b"));
        assert!(
            html.contains("href=\"/timeline?from=1953-04-02&amp;to=1953-10-01&amp;kind=a%26b\">Zoom in</a>"),
            "{html}"
        );
    }
}
