//! The `armistice` binary as a user runs it: exit codes, JSON read back into typed
//! values, errors that name file and line, and `--help` that teaches.

// Test helpers panic on a broken fixture, like the tests they serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

fn armistice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_armistice")).args(args).output().expect("the binary runs")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[derive(Debug, Deserialize)]
struct ShowJson {
    id: String,
    name: String,
    parties: Vec<Party>,
    signed_at: String,
    effective_at: String,
    mdl_length_km: f64,
    ports_of_entry: Vec<Place>,
    deadlines: Vec<Deadline>,
    provisions: Vec<Provision>,
}

#[derive(Debug, Deserialize)]
struct Party {
    id: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct Place {
    side: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Deadline {
    id: String,
    at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Provision {
    citation: String,
    kind: String,
    summary: String,
}

#[test]
fn show_json_describes_the_built_in_agreement() {
    let output = armistice(&["agreement", "show", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let show: ShowJson = serde_json::from_slice(&output.stdout).expect("show --json is one JSON document");
    assert_eq!(show.id, "korea-1953");
    assert_eq!(show.name, "Korean Armistice Agreement");
    assert_eq!(show.signed_at, "1953-07-27T10:00:00+09:00");
    assert_eq!(show.effective_at, "1953-07-27T22:00:00+09:00");
    let parties: Vec<&str> = show.parties.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(parties, ["unc", "kpa-cpv"]);
    assert!(show.parties.iter().all(|p| !p.name.is_empty()));
    assert!((200.0..210.0).contains(&show.mdl_length_km), "{}", show.mdl_length_km);
    assert_eq!(show.ports_of_entry.iter().filter(|p| p.side.as_deref() == Some("unc")).count(), 5);
    let withdrawal = show.deadlines.iter().find(|d| d.id == "dmz-withdrawal").unwrap();
    assert_eq!(withdrawal.at.as_deref(), Some("1953-07-30T22:00:00+09:00"));
    let cited = show.provisions.iter().find(|p| p.citation == "II.13(a)" && p.kind == "withdrawal").unwrap();
    assert!(cited.summary.contains("72 hours"));
    // Provisions come in article order.
    let first_of = |article: &str| show.provisions.iter().position(|p| p.citation.starts_with(article)).unwrap();
    assert!(
        first_of("I.") < first_of("II.") && first_of("II.") < first_of("III.") && first_of("III.") < first_of("IV.")
    );
}

#[test]
fn show_text_reports_line_length_and_groups_by_article() {
    let output = armistice(&["agreement", "show"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for needle in
        ["Korean Armistice Agreement", "204.1 km", "Article I", "Article III", "Annex", "II.13(a)", "Panmunjom"]
    {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn show_loads_another_agreement_directory() {
    let dir = repo_root().join("crates/core/tests/fixtures/lakeland-2031");
    let output = armistice(&["agreement", "show", "--json", "--agreement", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let show: ShowJson = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(show.id, "lakeland-2031");
    assert_eq!(show.provisions.len(), 5);
}

#[test]
fn check_accepts_the_shipped_agreement() {
    let dir = repo_root().join("data/korea-1953");
    let output = armistice(&["agreement", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("is a valid agreement"));
}

#[derive(Debug, Deserialize)]
struct CheckJson {
    ok: bool,
    errors: Vec<CheckError>,
}

#[derive(Debug, Deserialize)]
struct CheckError {
    file: String,
    line: Option<usize>,
    field: Option<String>,
    message: String,
}

fn broken_copy(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let source = repo_root().join("data/korea-1953");
    let target = std::env::temp_dir().join(format!("armistice-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    std::fs::create_dir_all(target.join("geometry")).unwrap();
    for entry in std::fs::read_dir(source.join("geometry")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), target.join("geometry").join(entry.file_name())).unwrap();
    }
    let text = std::fs::read_to_string(source.join("agreement.toml")).unwrap();
    std::fs::write(target.join("agreement.toml"), edit(text)).unwrap();
    target
}

#[test]
fn check_names_file_line_and_field_and_exits_2() {
    let dir = broken_copy("unknown-zone", |t| {
        t.replace("rule.zone-exit = { zone = \"dmz\" }", "rule.zone-exit = { zone = \"dmzz\" }")
    });
    let output = armistice(&["agreement", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("agreement.toml:") && err.contains("rule.zone-exit.zone") && err.contains("dmzz"), "{err}");

    let output = armistice(&["agreement", "check", "--json", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let report: CheckJson = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!report.ok);
    let [error] = report.errors.as_slice() else { panic!("{report:?}") };
    assert!(error.file.ends_with("agreement.toml"));
    assert!(error.line.is_some());
    assert_eq!(error.field.as_deref(), Some("rule.zone-exit.zone"));
    assert!(error.message.contains("no zone has id `dmzz`"), "{}", error.message);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn show_with_a_broken_agreement_fails_with_a_pointer_to_check() {
    let dir = broken_copy("bad-period", |t| t.replace("after = \"PT72H\"", "after = \"72h\""));
    let output = armistice(&["agreement", "show", "--agreement", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("`72h` is not an ISO 8601 duration") && err.contains("armistice agreement check"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_directory_and_bad_usage_exit_2() {
    let output = armistice(&["agreement", "check", "/nonexistent/armistice"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/nonexistent/armistice: not a directory"));
    let output = armistice(&["agreement", "frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn demo_runs_on_the_embedded_defaults() {
    let output = armistice(&["demo"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Korean Armistice Agreement"));
}

#[test]
fn help_teaches_each_command() {
    for args in [
        vec!["--help"],
        vec!["agreement", "--help"],
        vec!["agreement", "show", "--help"],
        vec!["agreement", "check", "--help"],
        vec!["demo", "--help"],
    ] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        let name = format!("help_{}", words.join("_"));
        insta::assert_snapshot!(name, stdout(&output));
    }
}
