//! `armistice demo`: the 1953 armistice end to end, on the embedded defaults. Today it
//! shows the agreement, its zones, the findings on the sample reports and the prisoner
//! ledger replayed from the built-in scenario; the replay of the first months with the
//! journal and console comes with the later issues.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::pow::{Terms, replay, scenario};
use armistice_core::rules::{Checker, Report};
use clap::Args;

use crate::exit::Code;

/// The sample reports shipped with the Korea 1953 agreement.
const SAMPLE_REPORTS: &str = include_str!("../../../../data/korea-1953/reports-sample.ndjson");

#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(_args: DemoArgs) -> Result<Code> {
    super::agreement::run(super::agreement::AgreementCommand::Show(super::agreement::ShowArgs {
        agreement: None,
        json: false,
    }))?;
    let agreement = load(&builtin::korea_1953()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    println!(
        "\nZones (a position is in the first that holds it; a territory's area counts the land under the DMZ too)"
    );
    for zone in &atlas.zones.zones {
        let area = atlas
            .zones
            .area_km2(&zone.id)
            .map(|a| format!("{a:>10.1} km²"))
            .unwrap_or_else(|| "  (the rest)".to_owned());
        println!("  {:<18} {area}  {}", zone.id, zone.side.as_deref().unwrap_or("no side"));
    }
    let reports: Vec<Report> =
        SAMPLE_REPORTS.lines().filter(|l| !l.trim().is_empty()).filter_map(|l| Report::parse(l).ok()).collect();
    let findings = Checker::new(&agreement, &atlas).check(&reports);
    let mut by_citation: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &findings {
        *by_citation.entry(finding.citation.to_string()).or_default() += 1;
    }
    println!(
        "\nThe sample reports (data/korea-1953/reports-sample.ndjson): {} reports, {} findings",
        reports.len(),
        findings.len()
    );
    for (citation, n) in by_citation {
        println!("  {citation:<10} {n}");
    }
    for finding in findings.iter().take(3) {
        println!("  e.g. {} {}: {}", finding.at.format("%Y-%m-%d %H:%M"), finding.citation, finding.reason);
    }
    let terms = Terms::from_agreement(&agreement);
    let generated =
        scenario::generate(scenario::korea_1953_spec(), &terms).context("generating the prisoner scenario")?;
    let (prisoners, events) = (generated.prisoners.len(), generated.events.len());
    let (ledger, refused) = replay(terms, generated.prisoners, generated.events, None);
    println!(
        "\nPrisoners of war (data/korea-1953/prisoners/scenario.toml, replayed through the ledger): \
         {prisoners} prisoners, {events} events, {} refused, {} findings",
        refused.len(),
        ledger.findings().len()
    );
    for (state, n) in ledger.counts().into_iter().filter(|&(_, n)| n > 0) {
        println!("  {:<24} {n:>8}", state.name());
    }
    println!("  (armistice pow status shows them by nationality and detaining side)");
    println!(
        "\nComing next: the signed journal and server, and a replay of the armistice's first\n\
         months in the web console."
    );
    Ok(Code::Ok)
}
