//! `armistice check`: reports in, findings out.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::geo::Atlas;
use armistice_core::rules::finding::with_rfc3339;
use armistice_core::rules::report::Text;
use armistice_core::rules::{Batch, Checker, Finding};
use clap::Args;
use serde::Serialize;

use crate::exit::Code;
use crate::progress::Progress;
use crate::source::load_agreement;

/// Check reports (NDJSON, one per line; see docs/report-format.md) against every
/// provision the reports can show broken, and print the findings: each with the
/// paragraph it breaks, the reports that show it, when and where, and why, with the
/// numbers. A line that is not a valid report is rejected with its line number and
/// reason; the rest go on. The same reports always give the same findings, whatever
/// their order in the file.
///
/// Example: `armistice check data/korea-1953/reports-sample.ndjson --json`
///
/// Exit status: 0 checked; 1 findings present and --fail-on-findings given; 2 unusable
/// input or arguments (including a file in which no line is a valid report).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The reports, one JSON object per line; `-` for standard input.
    #[arg(value_name = "REPORTS.ndjson")]
    pub reports: PathBuf,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Print one JSON document: {"accepted": N, "rejected": [{line, error}], "findings": [...]}.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there is any finding.
    #[arg(long)]
    pub fail_on_findings: bool,
    /// Threads that parse reports (default: every core, up to 8). The rules themselves
    /// run on one thread.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Serialize)]
struct Rejected {
    line: usize,
    error: String,
}

/// What `--json` writes of a finding: the writer below writes exactly what serde_json's
/// pretty printer writes of this (a test holds it to that).
#[cfg(test)]
#[derive(Debug, Serialize)]
struct FindingView<'a> {
    id: &'a str,
    citation: String,
    rule: &'a str,
    responsible: Option<&'a str>,
    reports: &'a [Text],
    at: String,
    position: Option<[f64; 2]>,
    zone: Option<&'a str>,
    reason: &'a str,
    incident: &'a str,
    sources: usize,
    nationalities: &'a [Text],
}

#[cfg(test)]
impl<'a> From<&'a Finding> for FindingView<'a> {
    fn from(f: &'a Finding) -> Self {
        Self {
            id: &f.id,
            citation: f.citation.to_string(),
            rule: f.rule,
            responsible: f.responsible.as_deref(),
            reports: &f.reports,
            at: f.at.to_rfc3339(),
            position: f.position.map(|p| [p.lon, p.lat]),
            zone: f.zone.as_deref(),
            reason: &f.reason,
            incident: &f.incident,
            sources: f.sources,
            nationalities: &f.nationalities,
        }
    }
}

/// The `--json` document, `{"accepted": N, "rejected": [...], "findings": [...]}`,
/// written byte for byte as serde_json's pretty printer writes it (two spaces an
/// indent), but field by field by hand: a large run writes a million findings, and the
/// general serializer took some 9,500 instructions a finding (3,200 here). Each finding is made as
/// it is written (never all held). Returns the number of findings.
fn write_json(
    out: &mut impl Write,
    accepted: usize,
    rejected: &[Rejected],
    findings: impl Iterator<Item = Finding>,
) -> io::Result<usize> {
    // Each citation as written, kept: a run cites a few provisions many times.
    let mut citations: Vec<(armistice_core::agreement::Citation, String)> = Vec::new();
    write!(out, "{{\n  \"accepted\": {accepted},\n  \"rejected\": ")?;
    if rejected.is_empty() {
        out.write_all(b"[]")?;
    } else {
        for (k, r) in rejected.iter().enumerate() {
            out.write_all(if k == 0 { b"[\n    {\n      \"line\": " } else { b",\n    {\n      \"line\": " })?;
            write!(out, "{},\n      \"error\": ", r.line)?;
            json_string(out, &r.error)?;
            out.write_all(b"\n    }")?;
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b",\n  \"findings\": ")?;
    let mut count = 0;
    for f in findings {
        out.write_all(if count == 0 { b"[\n    {\n      \"id\": " } else { b",\n    {\n      \"id\": " })?;
        json_string(out, &f.id)?;
        out.write_all(b",\n      \"citation\": ")?;
        let citation = match citations.iter().position(|(c, _)| *c == f.citation) {
            Some(k) => &citations[k].1,
            None => {
                citations.push((f.citation.clone(), f.citation.to_string()));
                &citations[citations.len() - 1].1
            }
        };
        json_string(out, citation)?;
        out.write_all(b",\n      \"rule\": ")?;
        json_string(out, f.rule)?;
        out.write_all(b",\n      \"responsible\": ")?;
        json_option(out, f.responsible.as_deref())?;
        out.write_all(b",\n      \"reports\": ")?;
        json_strings(out, &f.reports)?;
        out.write_all(b",\n      \"at\": ")?;
        // Nothing in the time to escape.
        with_rfc3339(&f.at, |text| {
            out.write_all(b"\"")?;
            out.write_all(text)?;
            out.write_all(b"\"")
        })?;
        out.write_all(b",\n      \"position\": ")?;
        match f.position {
            Some(p) => {
                out.write_all(b"[\n        ")?;
                serde_json::to_writer(&mut *out, &p.lon)?;
                out.write_all(b",\n        ")?;
                serde_json::to_writer(&mut *out, &p.lat)?;
                out.write_all(b"\n      ]")?;
            }
            None => out.write_all(b"null")?,
        }
        out.write_all(b",\n      \"zone\": ")?;
        json_option(out, f.zone.as_deref())?;
        out.write_all(b",\n      \"reason\": ")?;
        json_string(out, &f.reason)?;
        out.write_all(b",\n      \"incident\": ")?;
        json_string(out, &f.incident)?;
        out.write_all(b",\n      \"sources\": ")?;
        out.write_all(itoa::Buffer::new().format(f.sources).as_bytes())?;
        out.write_all(b",\n      \"nationalities\": ")?;
        json_strings(out, &f.nationalities)?;
        out.write_all(b"\n    }")?;
        count += 1;
    }
    out.write_all(if count == 0 { b"[]\n}\n" } else { b"\n  ]\n}\n" })?;
    Ok(count)
}

/// A JSON string: as it is between quotes when nothing in it needs escaping (the
/// common case, checked 16 bytes at a time), else as serde_json escapes it.
fn json_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    if armistice_core::rules::scan::plain(s) {
        out.write_all(b"\"")?;
        out.write_all(s.as_bytes())?;
        out.write_all(b"\"")
    } else {
        serde_json::to_writer(&mut *out, s).map_err(io::Error::from)
    }
}

fn json_option(out: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => json_string(out, s),
        None => out.write_all(b"null"),
    }
}

/// An array of strings, as an entry of a finding (three indents deep).
fn json_strings(out: &mut impl Write, strings: &[Text]) -> io::Result<()> {
    if strings.is_empty() {
        return out.write_all(b"[]");
    }
    for (k, s) in strings.iter().enumerate() {
        out.write_all(if k == 0 { b"[\n        " } else { b",\n        " })?;
        json_string(out, s)?;
    }
    out.write_all(b"\n      ]")
}

/// Bytes read at a time; the lines in them are parsed as one batch, split between the
/// threads.
const CHUNK: usize = 8 << 20;

/// Bytes read at a time on one thread: few enough that what a read copies is still in
/// the core's cache when the lines are parsed (BENCHMARKS.md, session 11, has the
/// figures).
const CHUNK_ALONE: usize = 256 << 10;

/// Read one line (1-based number `line`) into `reports` (checked for the agreement's
/// names: a misspelt side would match no rule) or `rejected`.
fn parse_line(line: usize, bytes: &[u8], checker: &Checker, reports: &mut Batch<'_>, rejected: &mut Vec<Rejected>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_text(line, text, checker, reports, rejected),
        Err(e) => {
            let e = std::str::from_utf8(bytes.strip_suffix(b"\r").unwrap_or(bytes)).err().unwrap_or(e);
            rejected.push(Rejected { line, error: format!("not UTF-8 text ({e})") });
        }
    }
}

/// [`parse_line`] on a line known to be UTF-8.
fn parse_text(line: usize, text: &str, checker: &Checker, reports: &mut Batch<'_>, rejected: &mut Vec<Rejected>) {
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.trim().is_empty() {
        return;
    }
    if let Err(e) = checker.read_line(reports, text) {
        rejected.push(Rejected { line, error: e.to_string() });
    }
}

/// Read the lines of `part` (the first numbered `first_line`; the last may lack its
/// newline). Returns the number of lines.
fn parse_lines(
    part: &[u8],
    first_line: usize,
    checker: &Checker,
    reports: &mut Batch<'_>,
    rejected: &mut Vec<Rejected>,
) -> usize {
    // Most parts are UTF-8 throughout: checked at once (with SIMD instructions where the
    // processor has them), then every line is, a newline being a character of its own.
    // A part with a bad byte is checked line by line, to name the lines that are not.
    let text = simdutf8::basic::from_utf8(part).ok();
    let mut read = |line: usize, start: usize, end: usize| match text {
        Some(text) => parse_text(line, text.get(start..end).unwrap_or_default(), checker, reports, rejected),
        None => parse_line(line, &part[start..end], checker, reports, rejected),
    };
    let (mut start, mut count) = (0, 0);
    for end in memchr::memchr_iter(b'\n', part) {
        read(first_line + count, start, end);
        count += 1;
        start = end + 1;
    }
    if start < part.len() {
        read(first_line + count, start, part.len());
        count += 1;
    }
    count
}

/// Parse the whole lines of `chunk` (the first numbered `first_line`) on `threads`
/// threads, each taking an equal run of whole lines, appending to `reports` and
/// `rejected` in line order. Returns the number of lines.
fn parse_chunk(
    chunk: &[u8],
    first_line: usize,
    threads: usize,
    checker: &Checker,
    reports: &mut Batch<'_>,
    rejected: &mut Vec<Rejected>,
) -> usize {
    if threads <= 1 || chunk.len() < (1 << 20) {
        return parse_lines(chunk, first_line, checker, reports, rejected);
    }
    // Cut the chunk after the first newline past each equal share.
    let mut parts = Vec::with_capacity(threads);
    let mut start = 0;
    for k in 1..=threads {
        let cut = if k == threads {
            chunk.len()
        } else {
            let share = (chunk.len() * k / threads).max(start);
            memchr::memchr(b'\n', &chunk[share..]).map_or(chunk.len(), |i| share + i + 1)
        };
        if cut > start {
            parts.push(&chunk[start..cut]);
            start = cut;
        }
    }
    let mut first_lines = Vec::with_capacity(parts.len());
    let mut line = first_line;
    for part in &parts {
        first_lines.push(line);
        line += memchr::memchr_iter(b'\n', part).count() + usize::from(!part.ends_with(b"\n"));
    }
    let results: Vec<(Batch<'_>, Vec<Rejected>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .zip(&first_lines)
            .map(|(part, &first)| {
                scope.spawn(move || {
                    let (mut ok, mut bad) = (Batch::default(), Vec::new());
                    let count = parse_lines(part, first, checker, &mut ok, &mut bad);
                    (ok, bad, count)
                })
            })
            .collect();
        // A parser thread that panicked is a bug: carry its panic on rather than lose its
        // lines without a word.
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut count = 0;
    for (ok, bad, lines) in results {
        reports.append(ok);
        rejected.extend(bad);
        count += lines;
    }
    count
}

pub fn run(args: CheckArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let source = args.reports.display().to_string();
    let (reader, size): (Box<dyn Read>, Option<u64>) = if args.reports.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(&args.reports).with_context(|| format!("opening {source}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let threads = match args.threads {
        Some(n) => n.max(1),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
    };
    let progress = Progress::bytes(size, "reading reports");
    let mut reader = progress.wrap_read(reader);
    let checker = Checker::new(&agreement, &atlas);
    // Room for about as many reports as a file of this size holds (report lines run to
    // some 300-400 bytes).
    let expected = size.map_or(0, |s| (s / 300) as usize);
    let mut reports = Batch::with_capacity(expected, expected * 16);
    let mut rejected = Vec::new();
    // The buffer is filled, its whole lines parsed, and a line cut by the end of the
    // buffer moved to its start to be completed by the next read.
    let chunk = if threads == 1 { CHUNK_ALONE } else { CHUNK };
    let mut buffer = vec![0u8; chunk];
    let (mut filled, mut next_line) = (0, 1);
    loop {
        if filled == buffer.len() {
            // One line longer than the buffer: make room for it.
            buffer.resize(buffer.len() * 2, 0);
        }
        let mut at_end = false;
        while filled < buffer.len() {
            match reader.read(&mut buffer[filled..]) {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).with_context(|| format!("reading {source}")),
            }
        }
        if at_end {
            parse_chunk(&buffer[..filled], next_line, threads, &checker, &mut reports, &mut rejected);
            break;
        }
        if let Some(end) = buffer[..filled].iter().rposition(|&b| b == b'\n') {
            next_line += parse_chunk(&buffer[..=end], next_line, threads, &checker, &mut reports, &mut rejected);
            buffer.copy_within(end + 1..filled, 0);
            filled -= end + 1;
            if buffer.len() > chunk && filled < chunk {
                // Grown for a long line now read: back to the size that stays in cache.
                buffer.truncate(chunk);
                buffer.shrink_to_fit();
            }
        }
    }
    progress.finish();

    let accepted = reports.len();
    let mut findings = checker.findings(reports);
    let found = findings.len();
    let unusable = accepted == 0 && !rejected.is_empty();
    if args.json {
        let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
        write_json(&mut out, accepted, &rejected, findings).and_then(|_| out.flush()).context("writing JSON")?;
    } else {
        for r in &rejected {
            eprintln!("{source}:{}: rejected: {}", r.line, r.error);
        }
        // Written through one buffer: a million findings are a million lines.
        let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
        writeln!(out, "{:<10} {:<20} {:<9} {:<26} {:<18} reason", "citation", "rule", "side", "time", "zone")
            .context("writing findings")?;
        for f in findings.by_ref() {
            writeln!(
                out,
                "{:<10} {:<20} {:<9} {:<26} {:<18} {} [reports {}; {} source(s)]",
                f.citation.to_string(),
                f.rule,
                f.responsible.as_deref().unwrap_or("-"),
                f.at.to_rfc3339(),
                f.zone.as_deref().unwrap_or("-"),
                f.reason,
                f.reports.join(", "),
                f.sources
            )
            .context("writing findings")?;
        }
        out.flush().context("writing findings")?;
        eprintln!("{source}: {accepted} report(s) accepted, {} rejected, {} finding(s)", rejected.len(), found);
    }
    if unusable {
        // Nothing usable: say so by the exit status too.
        return Ok(Code::Error);
    }
    Ok(if args.fail_on_findings && found > 0 { Code::Found } else { Code::Ok })
}

#[cfg(test)]
mod tests {
    use armistice_core::agreement::Position;
    use chrono::DateTime;

    use super::*;

    #[derive(Serialize)]
    struct Document<'a> {
        accepted: usize,
        rejected: &'a [Rejected],
        findings: Vec<FindingView<'a>>,
    }

    const SAMPLE: &str = include_str!("../../../../data/korea-1953/reports-sample.ndjson");

    /// The built-in agreement and its zones.
    fn korea() -> (armistice_core::agreement::Agreement, Atlas) {
        let agreement = load_agreement(None).unwrap();
        let atlas = Atlas::build(&agreement).unwrap();
        (agreement, atlas)
    }

    /// What serde_json's pretty printer writes of the document, with the newline after.
    fn by_serde(accepted: usize, rejected: &[Rejected], findings: &[Finding]) -> String {
        let document = Document { accepted, rejected, findings: findings.iter().map(FindingView::from).collect() };
        serde_json::to_string_pretty(&document).unwrap() + "\n"
    }

    fn by_hand(accepted: usize, rejected: &[Rejected], findings: &[Finding]) -> String {
        let mut out = Vec::new();
        let count = write_json(&mut out, accepted, rejected, findings.iter().cloned()).unwrap();
        assert_eq!(count, findings.len());
        String::from_utf8(out).unwrap()
    }

    /// Every kind of finding the sample reports give, written by hand and by serde_json.
    #[test]
    fn the_sample_is_written_as_serde_json_writes_it() {
        let (agreement, atlas) = korea();
        let checker = Checker::new(&agreement, &atlas);
        let mut batch = Batch::default();
        for line in SAMPLE.lines().filter(|l| !l.trim().is_empty()) {
            checker.read_line(&mut batch, line).unwrap();
        }
        let accepted = batch.len();
        let findings = checker.check_batch(batch);
        assert!(findings.len() > 10, "the sample shows provisions broken");
        assert!(findings.iter().any(|f| f.responsible.is_none()) && findings.iter().any(|f| f.position.is_none()));
        assert_eq!(by_hand(accepted, &[], &findings), by_serde(accepted, &[], &findings));
    }

    /// Strings that need escaping (quotes, backslashes, control characters, at every
    /// place of a 16-byte block), text beyond ASCII, nothing where something may be,
    /// empty lists, floats of every form, and rejected lines.
    #[test]
    fn odd_findings_are_written_as_serde_json_writes_them() {
        let at = DateTime::parse_from_rfc3339("1953-07-27T22:00:00.5+09:00").unwrap();
        let plain = Finding {
            id: "f-0000000000000001".into(),
            citation: "II.13(a)".parse().unwrap(),
            rule: "withdrawal",
            responsible: Some("unc".into()),
            reports: vec!["r-1".into(), "r-2".into()],
            at,
            position: Some(Position { lon: 126.5, lat: 38.0 }),
            zone: Some("dmz-south".into()),
            reason: "a reason".to_owned(),
            incident: "incident-r-1".into(),
            sources: 2,
            nationalities: vec!["CH".into(), "SE".into()],
        };
        let mut findings = vec![plain.clone()];
        for odd in ["\"", "\\", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "é", "판문점"] {
            for place in [0, 1, 15, 16, 17, 31, 40] {
                let text = "x".repeat(place) + odd + "y";
                findings.push(Finding {
                    responsible: Some(text.as_str().into()),
                    reports: vec![text.as_str().into()],
                    zone: Some(text.as_str().into()),
                    reason: text.clone(),
                    incident: text.as_str().into(),
                    nationalities: vec![text.as_str().into()],
                    ..plain.clone()
                });
            }
        }
        for (lon, lat) in [(-0.0, 0.0), (1e-7, -89.999999), (179.99999999999997, 1.0 / 3.0)] {
            findings.push(Finding { position: Some(Position { lon, lat }), ..plain.clone() });
        }
        // Times written the quick way (whole seconds, four-digit years, offsets in
        // minutes) and the slow way; counts of every width; citations of every form,
        // each again after another.
        for (at, sources, citation) in [
            ("1953-07-27T22:00:00+09:00", 0, "I.6"),
            ("0001-01-01T00:00:00-12:45", 9, "Annex.4"),
            ("9999-12-31T23:59:59+14:00", 10, "I.6"),
            ("1953-07-27T13:00:00Z", 123_456_789, "II.13(a)"),
            ("1953-07-27T13:00:00.000000001+00:00", usize::MAX, "XXXIX.4294967295(zz9)"),
        ] {
            let at = DateTime::parse_from_rfc3339(at).unwrap();
            findings.push(Finding { at, sources, citation: citation.parse().unwrap(), ..plain.clone() });
        }
        let far = chrono::NaiveDate::from_ymd_opt(12_345, 6, 7).unwrap().and_hms_opt(8, 9, 10).unwrap();
        let seconds = chrono::FixedOffset::east_opt(-3_599).unwrap();
        findings.push(Finding { at: far.and_local_timezone(seconds).unwrap(), ..plain.clone() });
        findings.push(Finding {
            responsible: None,
            reports: vec![],
            position: None,
            zone: None,
            reason: String::new(),
            nationalities: vec![],
            ..plain.clone()
        });
        let rejected = [
            Rejected { line: 1, error: "not JSON: \"quoted\" \\ and\nnewline".to_owned() },
            Rejected { line: 7, error: "plain".to_owned() },
        ];
        for (rejected, findings) in
            [(&rejected[..], &findings[..]), (&[], &findings[..]), (&rejected[..], &[]), (&[], &[])]
        {
            assert_eq!(by_hand(5, rejected, findings), by_serde(5, rejected, findings));
        }
    }

    /// A part of the file read as a whole (all UTF-8) and line by line (one bad byte at
    /// its end sends it that way) gives the same reports and rejections for its lines.
    #[test]
    fn a_part_checked_at_once_reads_as_one_checked_line_by_line() {
        let (agreement, atlas) = korea();
        let checker = Checker::new(&agreement, &atlas);
        let mut part = String::new();
        for (i, line) in SAMPLE.lines().enumerate() {
            part.push_str(line);
            // Line ends and lines as files have them: CRLF, blank, white space only,
            // a line cut short, a CR alone before the newline.
            part.push_str(["\n", "\r\n", "\n\n", "\n \t\r\n", "\n{\"id\": \"cut", "\n\r\n"][i % 6]);
        }
        let read = |bytes: &[u8]| {
            let (mut batch, mut rejected) = (Batch::default(), Vec::new());
            let lines = parse_lines(bytes, 1, &checker, &mut batch, &mut rejected);
            let findings = checker.check_batch(batch);
            let rejected: Vec<(usize, String)> = rejected.into_iter().map(|r| (r.line, r.error)).collect();
            (lines, findings, rejected)
        };
        let (lines, findings, rejected) = read(part.as_bytes());
        assert!(std::str::from_utf8(part.as_bytes()).is_ok() && !findings.is_empty());
        assert!(rejected.len() >= 9 && rejected.iter().any(|(_, e)| e.starts_with("not JSON")), "{rejected:?}");
        let mut bad = part.clone().into_bytes();
        bad.extend_from_slice(b"\n{\"id\": \"\xff\"}\r");
        let (bad_lines, bad_findings, mut bad_rejected) = read(&bad);
        assert_eq!(bad_lines, lines + 1);
        let last = bad_rejected.pop().unwrap();
        assert_eq!(last.0, lines + 1);
        assert!(last.1.starts_with("not UTF-8"), "{}", last.1);
        assert_eq!((bad_findings, bad_rejected), (findings, rejected));
    }
}
