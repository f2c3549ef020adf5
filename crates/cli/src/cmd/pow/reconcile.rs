//! `armistice pow reconcile`: two prisoner lists in, matches, pairs to review and the
//! unmatched on each side out.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use armistice_core::pow::list::{ListEntry, ListError, parse_list};
use armistice_core::pow::reconcile::{Options, Pair, Reconciliation, reconcile};
use clap::Args;
use serde::Serialize;

use crate::exit::Code;
use crate::progress::Progress;

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// List A: the prisoners one side holds (CSV with a header).
    #[arg(value_name = "A.csv")]
    pub a: PathBuf,
    /// List B: the other side's missing (CSV with a header).
    #[arg(value_name = "B.csv")]
    pub b: PathBuf,
    /// Print one JSON document: {"matches", "review", "unmatched_a", "unmatched_b",
    /// "rejected", "stats"}.
    #[arg(long)]
    pub json: bool,
    /// Score (0-1) from which a pair is a match.
    #[arg(long, value_name = "SCORE", default_value_t = Options::default().threshold)]
    pub threshold: f64,
    /// Score (0-1) from which a pair is listed for a person to review.
    #[arg(long, value_name = "SCORE", default_value_t = Options::default().review_threshold)]
    pub review_threshold: f64,
}

#[derive(Debug, Serialize)]
struct Rejected {
    file: String,
    line: usize,
    error: String,
}

#[derive(Debug, Serialize)]
struct WhyView {
    field: &'static str,
    verdict: String,
    weight: f64,
}

#[derive(Debug, Serialize)]
struct PairView {
    a: String,
    b: String,
    score: f64,
    /// The evidence in one line, e.g. `name: same Korean key (...); birth_date: equal`.
    why: String,
    fields: Vec<WhyView>,
    a_line: usize,
    b_line: usize,
}

#[derive(Debug, Serialize)]
struct EntryView {
    id: String,
    line: usize,
    name: String,
}

#[derive(Debug, Serialize)]
struct StatsView {
    a: usize,
    b: usize,
    candidate_pairs: usize,
    oversized_blocks: usize,
}

#[derive(Debug, Serialize)]
struct ReconcileView {
    matches: Vec<PairView>,
    review: Vec<PairView>,
    unmatched_a: Vec<EntryView>,
    unmatched_b: Vec<EntryView>,
    rejected: Vec<Rejected>,
    stats: StatsView,
}

/// A list's error message without its own `line N: ` prefix, which the caller prints
/// as FILE:LINE.
fn reason(error: &ListError) -> String {
    let text = error.to_string();
    match text.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest.to_owned(),
        _ => text,
    }
}

fn read_list(path: &Path, rejected: &mut Vec<Rejected>) -> Result<Vec<ListEntry>> {
    let source = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {source}"))?;
    let size = file.metadata().ok().map(|m| m.len());
    let progress = Progress::bytes(size, "reading list");
    let mut bytes = Vec::with_capacity(size.unwrap_or(0) as usize);
    progress.wrap_read(file).read_to_end(&mut bytes).with_context(|| format!("reading {source}"))?;
    progress.finish();
    let import = parse_list(&bytes).map_err(|e| anyhow::anyhow!("{source}:{}: {}", e.line(), reason(&e)))?;
    rejected.extend(import.rejected.iter().map(|e| Rejected {
        file: source.clone(),
        line: e.line(),
        error: reason(e),
    }));
    if import.entries.is_empty() {
        bail!("{source}: no usable row");
    }
    Ok(import.entries)
}

fn display_name(e: &ListEntry) -> String {
    let latin = match (&e.family_name, &e.given_name, &e.name) {
        (None, None, name) => name.clone(),
        (family, given, _) => {
            Some([family.as_deref(), given.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" "))
        }
    };
    match (latin, &e.name_native) {
        (Some(latin), Some(native)) => format!("{latin} ({native})"),
        (Some(latin), None) => latin,
        (None, Some(native)) => native.clone(),
        (None, None) => String::new(),
    }
}

fn pair_view(a: &[ListEntry], b: &[ListEntry], p: &Pair) -> PairView {
    PairView {
        a: a[p.a].id.clone(),
        b: b[p.b].id.clone(),
        score: (p.score * 10_000.0).round() / 10_000.0,
        why: p.why.iter().map(|e| format!("{}: {}", e.field, e.verdict)).collect::<Vec<_>>().join("; "),
        fields: p
            .why
            .iter()
            .map(|e| WhyView { field: e.field, verdict: e.verdict.clone(), weight: e.weight })
            .collect(),
        a_line: a[p.a].line,
        b_line: b[p.b].line,
    }
}

fn entry_view(e: &ListEntry) -> EntryView {
    EntryView { id: e.id.clone(), line: e.line, name: display_name(e) }
}

pub fn run(args: ReconcileArgs) -> Result<Code> {
    for (flag, value) in [("--threshold", args.threshold), ("--review-threshold", args.review_threshold)] {
        if !(0.0..=1.0).contains(&value) {
            bail!("{flag} must be between 0 and 1, not {value}");
        }
    }
    if args.review_threshold > args.threshold {
        bail!("--review-threshold ({}) must not exceed --threshold ({})", args.review_threshold, args.threshold);
    }
    let mut rejected = Vec::new();
    let a = read_list(&args.a, &mut rejected)?;
    let b = read_list(&args.b, &mut rejected)?;
    for r in &rejected {
        eprintln!("{}:{}: rejected: {}", r.file, r.line, r.error);
    }
    let options = Options { threshold: args.threshold, review_threshold: args.review_threshold, ..Options::default() };
    let result: Reconciliation = reconcile(&a, &b, &options);
    let view = ReconcileView {
        matches: result.matches.iter().map(|p| pair_view(&a, &b, p)).collect(),
        review: result.review.iter().map(|p| pair_view(&a, &b, p)).collect(),
        unmatched_a: result.unmatched_a.iter().map(|&i| entry_view(&a[i])).collect(),
        unmatched_b: result.unmatched_b.iter().map(|&i| entry_view(&b[i])).collect(),
        rejected,
        stats: StatsView {
            a: a.len(),
            b: b.len(),
            candidate_pairs: result.stats.candidate_pairs,
            oversized_blocks: result.stats.oversized_blocks,
        },
    };
    if args.json {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer_pretty(&mut out, &view).context("writing JSON")?;
        writeln!(out).and_then(|()| out.flush()).context("writing JSON")?;
    } else {
        print_table(&a, &b, &result, &view);
    }
    eprintln!(
        "{} ~ {}: {} match(es), {} to review, {} of {} unmatched in A, {} of {} unmatched in B, {} row(s) rejected",
        args.a.display(),
        args.b.display(),
        view.matches.len(),
        view.review.len(),
        view.unmatched_a.len(),
        a.len(),
        view.unmatched_b.len(),
        b.len(),
        view.rejected.len()
    );
    Ok(Code::Ok)
}

fn print_table(a: &[ListEntry], b: &[ListEntry], result: &Reconciliation, view: &ReconcileView) {
    let section = |title: &str, pairs: &[Pair], views: &[PairView]| {
        println!("{title} ({})", pairs.len());
        if pairs.is_empty() {
            return;
        }
        println!("  {:<6} {:<12} {:<12} {:<30} {:<30} why", "score", "A", "B", "A name", "B name");
        for (p, v) in pairs.iter().zip(views) {
            println!(
                "  {:<6.3} {:<12} {:<12} {:<30} {:<30} {}",
                p.score,
                v.a,
                v.b,
                display_name(&a[p.a]),
                display_name(&b[p.b]),
                v.why
            );
        }
    };
    section("matches", &result.matches, &view.matches);
    println!();
    section("review (probable: confirm by hand)", &result.review, &view.review);
    for (title, entries) in [("unmatched in A", &view.unmatched_a), ("unmatched in B", &view.unmatched_b)] {
        println!();
        println!("{title} ({})", entries.len());
        for e in entries {
            println!("  {:<12} {}", e.id, e.name);
        }
    }
}
