//! Where the ledger's records and events come from: NDJSON files, or the built-in 1953
//! scenario when none are given.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::agreement::Agreement;
use armistice_core::pow::scenario::{self, generate};
use armistice_core::pow::{Event, Ledger, Prisoner, Terms, file, replay_located};
use serde::Serialize;

/// Where an input item was: a file and line, or the built-in scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
}

/// A line or item refused, with where it was and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub file: String,
    pub line: Option<usize>,
    pub error: String,
}

#[derive(Debug, Default)]
pub struct Input {
    /// What was read: file names, or the built-in scenario.
    pub source: String,
    pub prisoners: Vec<(Origin, Prisoner)>,
    pub events: Vec<(Origin, Event)>,
    pub rejected: Vec<Rejected>,
}

pub const BUILTIN: &str = "built-in 1953 scenario (data/korea-1953/prisoners/scenario.toml)";

/// Read every file (`-` for standard input); with none, generate the built-in scenario
/// (only under the agreement it was written for).
pub fn read(paths: &[PathBuf], agreement: &Agreement, terms: &Terms) -> Result<Input> {
    if paths.is_empty() {
        let spec = scenario::parse_spec(scenario::korea_1953_spec()).context("reading the built-in scenario")?;
        if spec.agreement != agreement.document.id.as_str() {
            anyhow::bail!(
                "the built-in prisoner scenario is for the `{}` agreement, not `{}`: give prisoner files",
                spec.agreement,
                agreement.document.id
            );
        }
        let scenario = generate(scenario::korea_1953_spec(), terms).context("generating the built-in scenario")?;
        let origin = || Origin { file: "built-in".to_owned(), line: None };
        return Ok(Input {
            source: BUILTIN.to_owned(),
            prisoners: scenario.prisoners.into_iter().map(|p| (origin(), p)).collect(),
            events: scenario.events.into_iter().map(|e| (origin(), e)).collect(),
            rejected: Vec::new(),
        });
    }
    let mut input = Input::default();
    let mut names = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
            text
        } else {
            std::fs::read_to_string(path).with_context(|| format!("reading {name} (NDJSON, UTF-8)"))?
        };
        let parsed = file::parse(&text);
        let at = |line: usize| Origin { file: name.clone(), line: Some(line) };
        input.prisoners.extend(parsed.prisoners.into_iter().map(|(line, p)| (at(line), p)));
        input.events.extend(parsed.events.into_iter().map(|(line, e)| (at(line), e)));
        input.rejected.extend(parsed.rejected.into_iter().map(|r| Rejected {
            file: name.clone(),
            line: Some(r.line),
            error: r.message,
        }));
        names.push(name);
    }
    input.source = names.join(", ");
    Ok(input)
}

impl Input {
    /// Fold the records and events into the ledger as of `until`; the lines the files
    /// could not give and the items the ledger refused come back together, in file and
    /// line order.
    pub fn fold(self, terms: Terms, until: Option<chrono::DateTime<chrono::FixedOffset>>) -> (Ledger, Vec<Rejected>) {
        let mut rejected = self.rejected;
        let (ledger, refused) = replay_located(terms, self.prisoners, self.events, until);
        rejected.extend(refused.into_iter().map(|(origin, error)| Rejected {
            file: origin.file,
            line: origin.line,
            error: error.to_string(),
        }));
        rejected.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        (ledger, rejected)
    }
}

/// `--at`: an RFC 3339 time, or a day (`YYYY-MM-DD`, its midnight in the agreement's
/// time zone).
pub fn parse_time(text: &str, agreement: &Agreement) -> Result<chrono::DateTime<chrono::FixedOffset>> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let offset = *agreement.effective_at().offset();
        return day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
            .with_context(|| format!("`{text}`: no such midnight"));
    }
    armistice_core::agreement::Timestamp::parse(text).map(|t| t.0).map_err(|e| anyhow::anyhow!("--at: {e}"))
}
