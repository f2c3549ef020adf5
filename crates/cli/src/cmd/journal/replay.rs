//! `armistice journal replay`: everything derived from the journal (report findings,
//! commission cases and findings, special inspections, prisoner counts), rebuilt from
//! its entries by the core's deterministic replay.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use armistice_core::agreement::Timestamp;
use armistice_core::commission::{Case, CaseState, Request, RequestStatus, Step};
use armistice_core::geo::Atlas;
use armistice_core::replay::{AnyFinding, FindingCommon, Replay, replay};
use armistice_store::load;
use clap::Args;
use serde::Serialize;

use super::StoreArgs;
use crate::exit::Code;
use crate::source::load_agreement;

/// Rebuild everything derived from the journal and print it: findings by citation,
/// cases by state with their history, special inspections outstanding, prisoners by
/// state, and the entries that could not be used (by index, with the reason).
///
/// The replay reads the stored record (checked entry by entry, as `export` does), takes
/// the entries in index order, lets each correction stand in for the entry it corrects,
/// and evaluates the agreement's rules. The same record always gives the same output,
/// byte for byte. Payload formats: docs/commissions.md.
///
/// Example: `armistice journal replay --data armistice-data --json`
///
/// Exit status: 0 replayed (even with unusable entries, which are listed); 2 the
/// record or the agreement cannot be read.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Judge due times (special inspections) as of this time, e.g.
    /// 1953-08-20T00:00:00+09:00; the last entry's receipt time when not given.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Print one JSON document instead of the summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct FindingView {
    pub(crate) source: &'static str,
    pub(crate) id: String,
    pub(crate) citation: String,
    pub(crate) rule: String,
    pub(crate) responsible: Option<String>,
    pub(crate) at: String,
    pub(crate) reason: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) reports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) entries: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) case: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) prisoners: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct StepView {
    entry: u64,
    at: String,
    actor: String,
    action: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    note: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CaseView {
    id: String,
    commission: String,
    alleged_by: String,
    against: String,
    paragraph: String,
    reports: Vec<String>,
    state: &'static str,
    outcome: Option<&'static str>,
    responsible: Option<String>,
    history: Vec<StepView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct InspectionView {
    id: String,
    entry: u64,
    by: String,
    team: String,
    teams: u32,
    at: String,
    due: Option<String>,
    status: &'static str,
    answered_by: Option<u64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SupersededView {
    entry: u64,
    by: u64,
}

#[derive(Debug, Serialize)]
pub(crate) struct ErrorView {
    pub(crate) entry: u64,
    pub(crate) kind: String,
    pub(crate) error: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ReplayView {
    pub(crate) agreement: String,
    pub(crate) entries: u64,
    pub(crate) as_of: Option<String>,
    pub(crate) kinds: BTreeMap<String, u64>,
    pub(crate) superseded: Vec<SupersededView>,
    pub(crate) reports: usize,
    pub(crate) findings_by_citation: BTreeMap<String, usize>,
    pub(crate) findings: Vec<FindingView>,
    pub(crate) cases_by_state: BTreeMap<&'static str, usize>,
    pub(crate) cases: Vec<CaseView>,
    pub(crate) special_inspections: Vec<InspectionView>,
    pub(crate) prisoners_by_state: BTreeMap<&'static str, usize>,
    pub(crate) prisoners_by_nationality: BTreeMap<String, BTreeMap<&'static str, usize>>,
    pub(crate) list_rows: usize,
    /// The negotiation's record: elements by type (`session`, `proposal`, `agreed`, ...).
    pub(crate) talks: BTreeMap<&'static str, usize>,
    pub(crate) errors: Vec<ErrorView>,
}

fn step_view(s: &Step) -> StepView {
    StepView {
        entry: s.entry,
        at: s.at.to_rfc3339(),
        actor: s.actor.to_string(),
        action: s.action.as_str(),
        from: s.from.map(CaseState::as_str),
        to: s.to.as_str(),
        note: s.note.clone(),
    }
}

fn case_view(c: &Case) -> CaseView {
    CaseView {
        id: c.id.clone(),
        commission: c.commission.clone(),
        alleged_by: c.alleged_by.clone(),
        against: c.against.clone(),
        paragraph: c.paragraph.to_string(),
        reports: c.reports.clone(),
        state: c.state.as_str(),
        outcome: c.outcome.map(|o| o.as_str()),
        responsible: c.responsible.clone(),
        history: c.history.iter().map(step_view).collect(),
    }
}

fn inspection_view((r, status): &(Request, RequestStatus)) -> InspectionView {
    InspectionView {
        id: r.id.clone(),
        entry: r.entry,
        by: r.by.to_string(),
        team: r.team.clone(),
        teams: r.teams,
        at: r.at.to_rfc3339(),
        due: r.due.map(|d| d.to_rfc3339()),
        status: status.as_str(),
        answered_by: r.answered.map(|(entry, _)| entry),
    }
}

impl FindingView {
    /// The fields every kind of finding has; the rest left empty for the caller to fill.
    fn common(source: &'static str, f: FindingCommon<'_>) -> Self {
        Self {
            source,
            id: f.id.to_owned(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.map(str::to_owned),
            at: f.at.to_rfc3339(),
            reason: f.reason.to_owned(),
            reports: Vec::new(),
            entries: Vec::new(),
            case: None,
            prisoners: Vec::new(),
        }
    }
}

fn findings(r: &Replay) -> Vec<FindingView> {
    r.findings()
        .map(|any| match any {
            AnyFinding::Report(f) => FindingView {
                reports: f.reports.iter().map(ToString::to_string).collect(),
                ..FindingView::common("reports", any.common())
            },
            AnyFinding::Commission(f) => FindingView {
                entries: f.entries.clone(),
                case: f.case.clone(),
                ..FindingView::common("commissions", any.common())
            },
            AnyFinding::Prisoner(f) => {
                FindingView { prisoners: f.prisoners.clone(), ..FindingView::common("prisoners", any.common()) }
            }
        })
        .collect()
}

pub(crate) fn view(agreement: &str, r: &Replay) -> ReplayView {
    let findings = findings(r);
    let mut findings_by_citation = BTreeMap::new();
    for f in &findings {
        *findings_by_citation.entry(f.citation.clone()).or_default() += 1;
    }
    let mut cases_by_state = BTreeMap::new();
    for state in CaseState::ALL {
        let n = r.cases.iter().filter(|c| c.state == state).count();
        if n > 0 {
            cases_by_state.insert(state.as_str(), n);
        }
    }
    ReplayView {
        agreement: agreement.to_owned(),
        entries: r.entries,
        as_of: r.as_of.map(|t| t.to_rfc3339()),
        kinds: r.kinds.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
        superseded: r.superseded.iter().map(|(&entry, &by)| SupersededView { entry, by }).collect(),
        reports: r.reports,
        findings_by_citation,
        findings,
        cases_by_state,
        cases: r.cases.iter().map(case_view).collect(),
        special_inspections: r.requests.iter().map(inspection_view).collect(),
        prisoners_by_state: r.prisoners.iter().filter(|(_, n)| *n > 0).map(|(k, n)| (k.name(), *n)).collect(),
        prisoners_by_nationality: r
            .prisoners_by_nationality
            .iter()
            .map(|(nationality, states)| (nationality.clone(), states.iter().map(|(k, n)| (k.name(), *n)).collect()))
            .collect(),
        list_rows: r.list_rows,
        talks: r.talks.iter().fold(BTreeMap::new(), |mut by, (_, e)| {
            *by.entry(e.table()).or_default() += 1;
            by
        }),
        errors: r
            .faults
            .iter()
            .map(|f| ErrorView { entry: f.index, kind: f.kind.to_string(), error: f.problem.to_string() })
            .collect(),
    }
}

/// `k1 n1, k2 n2, ...`, or `none`.
pub(crate) fn counts<K: std::fmt::Display, V: std::fmt::Display>(map: impl IntoIterator<Item = (K, V)>) -> String {
    let parts: Vec<String> = map.into_iter().map(|(k, n)| format!("{k} {n}")).collect();
    if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
}

fn print_summary(source: &str, v: &ReplayView) {
    println!("{source}: replayed {} entries against {}", v.entries, v.agreement);
    if let Some(as_of) = &v.as_of {
        println!("  as of          {as_of}");
    }
    println!("  entries        {}", counts(&v.kinds));
    if !v.superseded.is_empty() {
        let list: Vec<String> = v.superseded.iter().map(|s| format!("{} by {}", s.entry, s.by)).collect();
        println!("  corrected      {}", list.join(", "));
    }
    println!("  reports        {}", v.reports);
    println!("  findings       {}", counts(&v.findings_by_citation));
    for f in &v.findings {
        println!("    {:<9} {:<15} {:<26} {}", f.citation, f.rule, f.at, f.reason);
    }
    println!("  cases          {}", counts(&v.cases_by_state));
    for c in &v.cases {
        let path: Vec<String> = c.history.iter().map(|s| format!("{} ({})", s.to, s.entry)).collect();
        println!(
            "    {:<12} {} against {} under {}: {}",
            c.id,
            c.alleged_by,
            c.against,
            c.paragraph,
            path.join(" -> ")
        );
    }
    let outstanding: Vec<&InspectionView> = v.special_inspections.iter().filter(|i| i.status == "overdue").collect();
    println!("  inspections    {} special, {} outstanding", v.special_inspections.len(), outstanding.len());
    for i in outstanding {
        println!("    {:<12} {} {} team(s), due {}", i.id, i.teams, i.team, i.due.as_deref().unwrap_or("-"));
    }
    println!("  prisoners      {}", counts(&v.prisoners_by_state));
    for (nationality, states) in &v.prisoners_by_nationality {
        println!("    {nationality:<16} {}", counts(states));
    }
    println!("  errors         {}", v.errors.len());
    for e in &v.errors {
        println!("    entry {} ({}): {}", e.entry, e.kind, e.error);
    }
}

pub fn run(args: ReplayArgs) -> Result<Code> {
    let as_of = args
        .as_of
        .as_deref()
        .map(|t| Timestamp::parse(t).map(|t| t.0).map_err(|e| anyhow!("--as-of: {e}")))
        .transpose()?;
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let store = args.store.open()?;
    let journal = load(store.as_ref()).with_context(|| format!("checking {}", args.store.describe()))?;
    let replayed = replay(&agreement, &atlas, journal.entries(), as_of);
    let view = view(agreement.document.id.as_str(), &replayed);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
    } else {
        print_summary(&args.store.describe(), &view);
    }
    Ok(Code::Ok)
}
