//! The `armistice` binary as a user runs it: exit codes, JSON read back into typed
//! values, errors that name file and line, and `--help` that teaches.

// Test helpers panic on a broken fixture, like the tests they serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
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

#[derive(Debug, Deserialize)]
struct DemoJson {
    data_dir: String,
    journal: DemoJournal,
    incidents: Vec<DemoIncident>,
    prisoners_total: usize,
    findings_by_citation: BTreeMap<String, usize>,
    findings: Vec<DemoFinding>,
    cases_by_state: BTreeMap<String, usize>,
    prisoners_by_state: BTreeMap<String, usize>,
    prisoners_by_nationality: BTreeMap<String, BTreeMap<String, usize>>,
    errors: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct DemoJournal {
    entries: u64,
    root: String,
    checkpoint_size: u64,
    cosigned_by: Vec<String>,
    verified: bool,
}

#[derive(Debug, Deserialize)]
struct DemoIncident {
    case: String,
    paragraph: String,
    state: String,
}

#[derive(Debug, Deserialize)]
struct DemoFinding {
    citation: String,
    rule: String,
    responsible: Option<String>,
}

/// What the scenario's prisoners must come to: the spec's cohorts, counted by the state
/// each outcome ends in, per nationality (read from the spec, not copied from it).
fn prisoners_expected_by_nationality() -> BTreeMap<String, BTreeMap<String, usize>> {
    use armistice_core::pow::scenario::{korea_1953_spec, parse_spec, spec::Outcome};
    let spec = parse_spec(korea_1953_spec()).unwrap();
    let mut expected: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for cohort in &spec.cohorts {
        let state = match cohort.outcome {
            Outcome::Repatriated => "repatriated",
            Outcome::ReleasedUnilaterally => "released-unilaterally",
            Outcome::Returned => "returned",
            Outcome::NeutralNation => "went-to-neutral-nation",
            Outcome::Stayed => "stayed",
            Outcome::Unaccounted => "unaccounted",
        };
        for (nationality, &n) in &cohort.nationalities {
            *expected.entry(nationality.clone()).or_default().entry(state.to_owned()).or_default() += n as usize;
        }
    }
    expected
}

/// The demo tells the 1953 story into a fresh journal: every finding the scenario is
/// written to give, the cases in their states, the prisoners as the spec says, a
/// journal that verifies; and `journal replay` on the same directory agrees with it.
#[test]
fn demo_tells_the_1953_story_and_replay_agrees() {
    let dir = temp_dir("demo");
    let data = dir.join("data");
    let data_arg = data.to_str().unwrap();
    let output = armistice(&["demo", "--no-serve", "--json", "--data", data_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let demo: DemoJson = serde_json::from_slice(&output.stdout).unwrap();
    let demo_value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(demo.data_dir, data_arg);
    assert!(demo.journal.verified);
    assert_eq!(demo.journal.checkpoint_size, demo.journal.entries);
    assert_eq!(demo.journal.cosigned_by, ["unc", "kpa-cpv", "nnsc"]);
    assert_eq!(demo.journal.root.len(), 64);
    assert!(demo.errors.is_empty(), "{:?}", demo.errors);

    let found = |citation: &str, rule: &str, responsible: Option<&str>| {
        demo.findings
            .iter()
            .any(|f| f.citation == citation && f.rule == rule && f.responsible.as_deref() == responsible)
    };
    assert!(found("II.13(a)", "withdrawal", Some("kpa-cpv")), "the late unit: {:?}", demo.findings);
    assert!(found("I.6", "hostile-act", None), "the fire: {:?}", demo.findings);
    assert!(found("I.7", "line-crossing", Some("kpa-cpv")), "the crossing: {:?}", demo.findings);
    assert!(found("II.16", "airspace", Some("unc")), "the aircraft: {:?}", demo.findings);
    assert!(found("I.10", "headcount-limit", Some("kpa-cpv")), "the headcount: {:?}", demo.findings);
    assert!(found("II.13(c)", "rotation", Some("kpa-cpv")), "the rotation: {:?}", demo.findings);
    assert!(
        demo.findings.iter().any(|f| f.citation == "II.31" && f.rule == "meetings"),
        "the missed meeting: {:?}",
        demo.findings
    );
    // The hazards were removed in time: no hazard finding.
    assert!(!demo.findings.iter().any(|f| f.rule == "hazard-removal"), "{:?}", demo.findings);
    assert_eq!(demo.findings_by_citation.values().sum::<usize>(), demo.findings.len());

    let states: BTreeMap<&str, &str> = demo.incidents.iter().map(|i| (i.case.as_str(), i.state.as_str())).collect();
    assert_eq!(states["mac-1"], "corrected");
    assert_eq!(demo.incidents[0].paragraph, "II.13(a)");
    let cases: Vec<(&str, usize)> = demo.cases_by_state.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(cases, [("corrected", 1), ("found", 2), ("responded", 1), ("under-investigation", 1)]);

    let expected = prisoners_expected_by_nationality();
    assert_eq!(demo.prisoners_by_nationality, expected);
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for states in expected.values() {
        for (state, n) in states {
            *by_state.entry(state.clone()).or_default() += n;
        }
    }
    assert_eq!(demo.prisoners_by_state, by_state);
    assert_eq!(demo.prisoners_total, by_state.values().sum::<usize>());

    // The talks were told into the journal, and compile from it to the agreement.
    assert_eq!(demo_value["talks_compiled"], 89, "{}", demo_value["talks"]);
    let compiled = dir.join("from-journal");
    let output =
        armistice(&["talks", "compile", "--data", data_arg, "--at", "1953-07-27", "--out", compiled.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let builtin = repo_root().join("data/korea-1953");
    let same = armistice(&["talks", "diff", compiled.to_str().unwrap(), builtin.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));

    // The same directory, replayed on its own, gives the same derived state.
    let output = armistice(&["journal", "replay", "--data", data_arg, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let replayed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let replayed = replayed.as_object().unwrap();
    assert!(replayed.contains_key("prisoners_by_nationality"));
    for (key, value) in replayed {
        assert_eq!(demo_value.get(key), Some(value), "`{key}` differs between demo and journal replay");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_teaches_each_command() {
    for args in [
        vec!["--help"],
        vec!["agreement", "--help"],
        vec!["agreement", "show", "--help"],
        vec!["agreement", "check", "--help"],
        vec!["demo", "--help"],
        vec!["locate", "--help"],
        vec!["zones", "--help"],
        vec!["track", "--help"],
        vec!["demarcate", "--help"],
        vec!["check", "--help"],
    ] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        let name = format!("help_{}", words.join("_"));
        insta::assert_snapshot!(name, stdout(&output));
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("armistice-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Debug, Deserialize)]
struct LocateJson {
    zone: String,
    zones: Vec<String>,
    side: Option<String>,
    distance_m: f64,
    marker: Option<MarkerJson>,
    water: bool,
}

#[derive(Debug, Deserialize)]
struct MarkerJson {
    number: u32,
    distance_m: f64,
}

#[test]
fn locate_one_position_as_json() {
    // Seoul: south of the line, held by the UN Command, about 40 km from the line.
    let output = armistice(&["locate", "126.978", "37.566", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let place: LocateJson = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((place.zone.as_str(), place.side.as_deref(), place.water), ("south", Some("unc"), false));
    assert_eq!(place.zones, ["south"]);
    assert!((-50_000.0..-30_000.0).contains(&place.distance_m), "{}", place.distance_m);
    let marker = place.marker.unwrap();
    assert!((1..=1292).contains(&marker.number) && marker.distance_m >= place.distance_m.abs() - 1.0);
    // The sea has no side.
    let output = armistice(&["locate", "130.5", "38.0", "--json"]);
    let place: LocateJson = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((place.zone.as_str(), place.side, place.water), ("sea", None, true));
    // Off the globe is a usage error.
    let output = armistice(&["locate", "200", "38"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("longitude 200 is outside"), "{}", stderr(&output));
}

#[test]
fn locate_streams_csv_ndjson_and_geojson_and_names_bad_rows() {
    let dir = temp_dir("locate");
    let csv = dir.join("in.csv");
    std::fs::write(
        &csv,
        "id,lon,lat,note\n1,126.978,37.566,seoul\n2,abc,38,bad\n3,125.754,39.039,\"pyongyang, north\"\n4,200,1,x\n",
    )
    .unwrap();
    let out = dir.join("out.csv");
    let output = armistice(&["locate", "--input", csv.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("in.csv:3: skipped: longitude `abc` is not a number"), "{err}");
    assert!(err.contains("in.csv:5: skipped: longitude 200 is outside"), "{err}");
    assert!(err.contains("2 located, 2 skipped"), "{err}");
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let zone = headers.iter().position(|h| h == "zone").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((&rows[0][0], &rows[0][zone], &rows[0][3]), ("1", "south", "seoul"));
    assert_eq!((&rows[1][0], &rows[1][zone], &rows[1][3]), ("3", "north", "pyongyang, north"));

    let ndjson = dir.join("in.ndjson");
    std::fs::write(&ndjson, "{\"id\":\"a\",\"lon\":127.0,\"lat\":38.3}\nnot json\n{\"position\":[129.0,35.1]}\n")
        .unwrap();
    let output = armistice(&["locate", "--input", ndjson.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["location"]["zone"], "north");
    assert_eq!(lines[1]["location"]["side"], "unc");
    assert!(stderr(&output).contains("in.ndjson:2: skipped: not JSON"));

    let geojson = dir.join("in.geojson");
    std::fs::write(
        &geojson,
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"Kaesong"},"geometry":{"type":"Point","coordinates":[126.555,37.971]}},
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#,
    )
    .unwrap();
    let output = armistice(&["locate", "--input", geojson.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let collection: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(collection["features"].as_array().unwrap().len(), 1);
    assert_eq!(collection["features"][0]["properties"]["location"]["zone"], "north");
    assert!(stderr(&output).contains("feature 1: skipped: a LineString geometry"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn zones_writes_geojson_a_gis_can_open() {
    let dir = temp_dir("zones");
    let out = dir.join("zones.geojson");
    let output = armistice(&["zones", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let collection: geojson::FeatureCollection = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    let kind = |f: &geojson::Feature| f.property("kind").and_then(|k| k.as_str()).unwrap_or("").to_owned();
    let zones: Vec<String> = collection
        .features
        .iter()
        .filter(|f| kind(f) == "zone")
        .map(|f| f.property("id").unwrap().as_str().unwrap().to_owned())
        .collect();
    assert_eq!(zones, ["han-river-estuary", "dmz-north", "dmz-south", "south", "north"]);
    assert_eq!(collection.features.iter().filter(|f| kind(f) == "marker").count(), 1292);
    assert_eq!(collection.features.iter().filter(|f| kind(f) == "port").count(), 10);
    assert_eq!(collection.features.iter().filter(|f| kind(f) == "line").count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn track_lists_crossings_with_times() {
    let dir = temp_dir("track");
    let input = dir.join("tracks.csv");
    std::fs::write(
        &input,
        "track,time,lon,lat\nF-86,1953-08-01T10:00:00+09:00,127.0,38.1\nF-86,1953-08-01T10:10:00+09:00,127.0,38.5\nF-86,not a time,127,38\n",
    )
    .unwrap();
    let output = armistice(&["track", "--input", input.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let kinds: Vec<String> = report["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!("{} {}->{}", c["kind"].as_str().unwrap(), c["from"].as_str().unwrap(), c["to"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        kinds,
        ["zone south->dmz-south", "zone dmz-south->dmz-north", "line unc->kpa-cpv", "zone dmz-north->north"]
    );
    assert_eq!(report["rejected"][0]["line"], 4);
    let at = report["crossings"][2]["at"].as_str().unwrap();
    assert!(at.starts_with("1953-08-01T10:0"), "{at}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn demarcate_writes_an_agreement_the_other_commands_accept() {
    let dir = temp_dir("demarcate");
    // A front along 38.2 N from 127.0 to 127.6 E, both sides 1 km off it.
    let mut csv = String::from("lon,lat,side\n");
    for k in 0..=600 {
        let lon = 127.0 + f64::from(k) * 0.001;
        csv.push_str(&format!("{lon:.4},38.2090,north\n{lon:.4},38.1910,south\n"));
    }
    let contact = dir.join("contact.csv");
    std::fs::write(&contact, csv).unwrap();
    let out = dir.join("derived");
    let output = armistice(&["demarcate", "--contact", contact.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("between north (left) and south (right)"), "{}", stderr(&output));
    let output = armistice(&["agreement", "check", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = armistice(&["locate", "127.3", "38.2005", "--json", "--agreement", out.to_str().unwrap()]);
    let place: LocateJson = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(place.zone, "buffer-north");
    assert!((place.distance_m - 55.0).abs() < 30.0, "{}", place.distance_m);
    std::fs::remove_dir_all(dir).unwrap();
}

#[derive(Debug, Deserialize)]
struct CheckReport {
    accepted: usize,
    rejected: Vec<RejectedLine>,
    findings: Vec<FindingJson>,
}

#[derive(Debug, Deserialize)]
struct RejectedLine {
    line: usize,
    error: String,
}

#[derive(Debug, Deserialize)]
struct FindingJson {
    id: String,
    citation: String,
    rule: String,
    responsible: Option<String>,
    reports: Vec<String>,
    at: String,
    zone: Option<String>,
    reason: String,
    sources: usize,
}

#[test]
fn check_the_sample_reports_cites_every_kind_of_violation() {
    let sample = repo_root().join("data/korea-1953/reports-sample.ndjson");
    let output = armistice(&["check", sample.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: CheckReport = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((report.accepted, report.rejected.len()), (59, 0));
    let mut cited: Vec<&str> = report.findings.iter().map(|f| f.citation.as_str()).collect();
    cited.sort_unstable();
    cited.dedup();
    for citation in [
        "I.6", "I.7", "I.8", "I.9", "I.10", "II.12", "II.13(a)", "II.13(b)", "II.13(c)", "II.13(d)", "II.14", "II.15",
        "II.16",
    ] {
        assert!(cited.contains(&citation), "no finding cites {citation}: {cited:?}");
    }
    // The unit left behind in the DMZ, seen by two sources, is one finding.
    let late =
        report.findings.iter().find(|f| f.rule == "withdrawal" && f.responsible.as_deref() == Some("kpa-cpv")).unwrap();
    assert_eq!(late.zone.as_deref(), Some("dmz-north"));
    assert!(
        late.reason.contains("75 h after the effective time") && late.reason.contains("allows 72 h"),
        "{}",
        late.reason
    );
    assert!(late.reports.len() >= 2 && late.sources >= 2, "{late:?}");
    assert!(late.at.starts_with("1953-07-31T01:00"));
    assert!(report.findings.iter().all(|f| f.id.starts_with("f-") && !f.reports.is_empty()));
    // --fail-on-findings turns findings into exit status 1.
    let output = armistice(&["check", sample.to_str().unwrap(), "--fail-on-findings"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_rejects_bad_lines_by_number_and_goes_on() {
    let dir = temp_dir("check");
    let sample = std::fs::read_to_string(repo_root().join("data/korea-1953/reports-sample.ndjson")).unwrap();
    let mut lines: Vec<String> = sample.lines().take(12).map(str::to_owned).collect();
    lines.insert(3, "{\"id\": \"broken\"".to_owned());
    lines.insert(6, lines[5].replace("\"kind\":", "\"colour\":\"red\",\"kind\":"));
    lines.insert(8, "[1, 2]".to_owned());
    let input = dir.join("mixed.ndjson");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let output = armistice(&["check", input.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: CheckReport = serde_json::from_slice(&output.stdout).unwrap();
    let rejected: Vec<usize> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(rejected, [4, 7, 9]);
    assert!(report.rejected[0].error.starts_with("not JSON"), "{}", report.rejected[0].error);
    assert!(report.rejected[1].error.contains("unknown field `colour`"), "{}", report.rejected[1].error);
    assert!(report.rejected[2].error.contains("not an array"), "{}", report.rejected[2].error);
    assert_eq!(report.accepted, 12);
    let output = armistice(&["check", "/nonexistent/reports.ndjson"]);
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_reads_crlf_blank_and_non_utf8_lines_the_same_on_one_thread_or_several() {
    let dir = temp_dir("check-threads");
    let sample = std::fs::read_to_string(repo_root().join("data/korea-1953/reports-sample.ndjson")).unwrap();
    let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).collect();
    // Enough lines for the parse to be split between threads; ids made unique per copy.
    let mut bytes: Vec<u8> = Vec::new();
    for copy in 0..40 {
        for line in &lines {
            bytes.extend_from_slice(line.replacen("\"id\":\"", &format!("\"id\":\"c{copy}-"), 1).as_bytes());
            bytes.extend_from_slice(if copy % 2 == 0 { b"\r\n" } else { b"\n" });
        }
        if copy == 7 {
            bytes.extend_from_slice(b"\n   \n");
        }
        if copy == 20 {
            // A line longer than a read on one thread (256 KiB): the buffer grows for it.
            let noted = lines.iter().find(|l| l.contains("\"notes\":\"")).unwrap();
            let long = noted.replacen("\"id\":\"", "\"id\":\"long-", 1).replacen(
                "\"notes\":\"",
                &format!("\"notes\":\"{}", "n".repeat(600_000)),
                1,
            );
            bytes.extend_from_slice(long.as_bytes());
            bytes.push(b'\n');
        }
    }
    // Line numbers: 40 copies of the sample, the two blank lines and the long line, then
    // the bad line.
    let bad_line = 40 * lines.len() + 2 + 1 + 1;
    bytes.extend_from_slice(b"{\"id\": \"\xff\xfe\"}\n");
    // The last line has no newline.
    bytes.extend_from_slice(lines[0].replacen("\"id\":\"", "\"id\":\"last-", 1).as_bytes());
    let input = dir.join("many.ndjson");
    std::fs::write(&input, &bytes).unwrap();
    let one = armistice(&["check", input.to_str().unwrap(), "--json", "--threads", "1"]);
    let two = armistice(&["check", input.to_str().unwrap(), "--json", "--threads", "2"]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(one.stdout, two.stdout, "the same findings whatever the number of threads");
    // Standard input is read into memory rather than mapped: the same findings.
    let piped = Command::new(env!("CARGO_BIN_EXE_armistice"))
        .args(["check", "-", "--json"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(one.stdout, piped.stdout, "the same findings from standard input");
    let report: CheckReport = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(report.accepted, 40 * lines.len() + 2);
    let rejected: Vec<usize> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(rejected, [bad_line]);
    assert!(report.rejected[0].error.starts_with("not UTF-8"), "{}", report.rejected[0].error);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_teaches_the_pow_commands() {
    for args in [vec!["pow", "--help"], vec!["pow", "status", "--help"], vec!["pow", "plan", "--help"]] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        insta::assert_snapshot!(format!("help_{}", words.join("_")), stdout(&output));
    }
}

#[derive(Debug, Deserialize)]
struct PowStatusJson {
    agreement: String,
    at: Option<String>,
    prisoners: usize,
    by_state: std::collections::BTreeMap<String, usize>,
    by_detaining_side: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
    by_nationality: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
    unaccounted: std::collections::BTreeMap<String, Vec<PowUnaccountedJson>>,
    conserved: bool,
    findings: Vec<PowFindingJson>,
    rejected: Vec<PowRejectedJson>,
}

#[derive(Debug, Deserialize)]
struct PowUnaccountedJson {
    id: String,
    nationality: String,
}

#[derive(Debug, Deserialize)]
struct PowFindingJson {
    citation: String,
    rule: String,
    responsible: Option<String>,
    prisoners: Vec<String>,
    events: Vec<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct PowRejectedJson {
    line: Option<usize>,
    error: String,
}

fn pow_status(args: &[&str]) -> PowStatusJson {
    let output = armistice(&[&["pow", "status", "--json"], args].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("pow status --json is one JSON document")
}

#[test]
fn pow_status_on_the_1953_scenario_prints_the_historical_totals() {
    // After Operation Little Switch (reference: 6,670 and 684).
    let little = pow_status(&["--at", "1953-05-04"]);
    assert_eq!(little.agreement, "korea-1953");
    assert_eq!(little.at.as_deref(), Some("1953-05-04T00:00:00+09:00"));
    assert_eq!(little.by_detaining_side["unc"]["repatriated"], 6_670);
    assert_eq!(little.by_detaining_side["kpa-cpv"]["repatriated"], 684);

    // The end: both operations (82,493 and 13,457), the NNRC's outcomes, the gap.
    let end = pow_status(&[]);
    assert!(end.conserved);
    assert_eq!(end.by_state.values().sum::<usize>(), end.prisoners);
    let unc = &end.by_detaining_side["unc"];
    let kc = &end.by_detaining_side["kpa-cpv"];
    assert_eq!(unc["repatriated"], 82_493);
    assert_eq!(kc["repatriated"], 684 + 12_773);
    assert_eq!(unc["returned"], 137);
    assert_eq!(unc["stayed"] + unc["went-to-neutral-nation"], 21_839);
    assert_eq!(unc["went-to-neutral-nation"], 88);
    assert_eq!(kc["returned"], 10);
    assert_eq!(kc["stayed"], 347);
    assert_eq!(end.by_nationality["United States"]["repatriated"], 3_746);
    assert_eq!(end.unaccounted["unc"].len(), 628);
    assert!(end.unaccounted["kpa-cpv"].is_empty());
    assert!(end.unaccounted["unc"].iter().all(|u| u.id.starts_with("nnrc-unc-") && !u.nationality.is_empty()));
    assert!(end.findings.is_empty(), "{:?}", end.findings.first().map(|f| &f.reason));
}

#[test]
fn pow_status_reads_files_cites_breaches_and_names_bad_lines() {
    let dir = temp_dir("pow-status");
    let data = dir.join("ledger.ndjson");
    std::fs::write(
        &data,
        [
            r#"{"type":"prisoner","id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","choice":"refuse"}"#,
            r#"{"type":"prisoner","id":"p2","detaining_side":"kpa-cpv","side":"unc","nationality":"United States"}"#,
            r#"{"type":"event","id":"e1","prisoner":"p1","at":"1953-08-10T10:00:00+09:00","author":"unc","event":"handed-over","point":"panmunjom","receiving_officer":"Col. Li"}"#,
            r#"{"type":"event","id":"e2","prisoner":"p2","at":"1953-08-11T10:00:00+09:00","author":"kpa-cpv","event":"repatriated"}"#,
            r#"{"type":"event","id":"e3","prisoner":"p2","at":"1953-08-12T10:00:00+09:00","author":"kpa-cpv","event":"unaccounted"}"#,
            "this is not json",
        ]
        .join("\n"),
    )
    .unwrap();
    let path = data.to_str().unwrap();
    let status = pow_status(&[path]);
    assert_eq!(status.prisoners, 2);
    assert_eq!(status.by_state["handed-over"], 1);
    assert_eq!(status.by_state["unaccounted"], 1);
    assert_eq!(status.unaccounted["kpa-cpv"].len(), 1);
    let rejected: Vec<(Option<usize>, &str)> = status.rejected.iter().map(|r| (r.line, r.error.as_str())).collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, Some(4));
    assert!(rejected[0].1.contains("e2") && rejected[0].1.contains("handed over"), "{rejected:?}");
    assert_eq!(rejected[1].0, Some(6));
    let finding = &status.findings[0];
    assert_eq!((finding.citation.as_str(), finding.rule.as_str()), ("Annex.3", "no-forced-repatriation"));
    assert_eq!(finding.responsible.as_deref(), Some("unc"));
    assert_eq!(
        (finding.prisoners.as_slice(), finding.events.as_slice()),
        (&["p1".to_owned()][..], &["e1".to_owned()][..])
    );
    assert!(finding.reason.contains("refused"), "{}", finding.reason);

    let failing = armistice(&["pow", "status", path, "--fail-on-findings"]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(stderr(&failing).contains(&format!("{path}:6: rejected")), "{}", stderr(&failing));
    assert!(stdout(&failing).contains("Annex.3"));
    let missing = armistice(&["pow", "status", dir.join("nope.ndjson").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.ndjson"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[derive(Debug, Deserialize)]
struct PowPlanJson {
    deadline: Option<String>,
    days_available: Option<usize>,
    to_hand_over: usize,
    needed_per_day: Option<usize>,
    feasible: bool,
    statement: String,
    batches: Vec<PowBatchJson>,
    not_planned: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct PowBatchJson {
    day: String,
    size: usize,
    sick_and_injured: usize,
    late: bool,
    prisoners: Vec<String>,
}

#[test]
fn pow_plan_puts_the_sick_first_and_says_when_the_deadline_cannot_be_met() {
    let dir = temp_dir("pow-plan");
    let data = dir.join("prisoners.ndjson");
    let lines: Vec<String> = (0..150)
        .map(|k| {
            let health = if k % 10 == 0 { "sick" } else { "fit" };
            let choice = if k == 149 { "refuse" } else { "repatriation" };
            format!(
                r#"{{"type":"prisoner","id":"p{k:03}","detaining_side":"unc","side":"kpa-cpv","nationality":"China","health":"{health}","choice":"{choice}"}}"#
            )
        })
        .collect();
    std::fs::write(&data, lines.join("\n")).unwrap();
    let path = data.to_str().unwrap();
    let plan = |capacity: &str| -> PowPlanJson {
        let output = armistice(&["pow", "plan", "--prisoners", path, "--capacity", capacity, "--json"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let roomy = plan("10");
    assert!(roomy.feasible, "{}", roomy.statement);
    assert_eq!(roomy.deadline.as_deref(), Some("1953-09-25T22:00:00+09:00"));
    assert_eq!(roomy.days_available, Some(60));
    assert_eq!(roomy.to_hand_over, 149);
    assert_eq!(roomy.not_planned.len(), 1);
    assert_eq!(roomy.batches[0].day, "1953-07-28");
    assert_eq!(roomy.batches[0].prisoners[0], "p000");
    assert_eq!(roomy.batches[0].sick_and_injured, 10, "the 15 sick go first: 10 on day one");
    assert_eq!(roomy.batches[1].sick_and_injured, 5);
    assert!(roomy.batches.iter().all(|b| b.size <= 10 && !b.late));

    let tight = plan("2");
    assert!(!tight.feasible);
    assert_eq!(tight.needed_per_day, Some(3));
    assert!(tight.statement.contains("cannot be met") && tight.statement.contains("1 short"), "{}", tight.statement);
    assert!(tight.batches.iter().any(|b| b.late));
    let late = armistice(&["pow", "plan", "--prisoners", path, "--capacity", "2", "--fail-on-findings"]);
    assert_eq!(late.status.code(), Some(1));
    let zero = armistice(&["pow", "plan", "--prisoners", path, "--capacity", "0"]);
    assert_eq!(zero.status.code(), Some(2));
}

// Issue 5: prisoner lists reconciled across romanizations.

#[test]
fn help_teaches_pow_reconcile() {
    for args in [vec!["pow", "reconcile", "--help"]] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        let name = format!("help_{}", words.join("_"));
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[derive(Debug, Deserialize)]
struct ReconcileJson {
    matches: Vec<PairJson>,
    review: Vec<PairJson>,
    unmatched_a: Vec<UnmatchedJson>,
    unmatched_b: Vec<UnmatchedJson>,
    rejected: Vec<RejectedRowJson>,
    stats: ReconcileStatsJson,
}

#[derive(Debug, Deserialize)]
struct PairJson {
    a: String,
    b: String,
    score: f64,
    why: String,
    fields: Vec<WhyJson>,
    a_line: usize,
    b_line: usize,
}

#[derive(Debug, Deserialize)]
struct WhyJson {
    field: String,
    verdict: String,
    weight: f64,
}

#[derive(Debug, Deserialize)]
struct UnmatchedJson {
    id: String,
    line: usize,
    name: String,
}

#[derive(Debug, Deserialize)]
struct RejectedRowJson {
    file: String,
    line: usize,
    error: String,
}

#[derive(Debug, Deserialize)]
struct ReconcileStatsJson {
    a: usize,
    b: usize,
    candidate_pairs: usize,
}

fn example(name: &str) -> String {
    repo_root().join("docs/examples").join(name).to_str().unwrap().to_owned()
}

#[test]
fn pow_reconcile_matches_the_example_lists_across_romanizations() {
    let (held, missing) = (example("pow-held.csv"), example("pow-missing.csv"));
    let output = armistice(&["pow", "reconcile", &held, &missing, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: ReconcileJson = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let pairs: Vec<(&str, &str)> = result.matches.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
    assert_eq!(
        pairs,
        [("H-0001", "M-17"), ("H-0002", "M-18"), ("H-0003", "M-19"), ("H-0004", "M-20"), ("H-0007", "M-24")]
    );
    for p in &result.matches {
        assert!((0.8..=1.0).contains(&p.score), "{p:?}");
        assert!(p.fields.iter().any(|f| f.field == "name" && f.weight > 0.0), "{p:?}");
        assert!(p.a_line >= 2 && p.b_line >= 2);
    }
    // Kim Il-song (McCune–Reischauer without breves) and 김일성 / Gim Il-seong.
    assert!(result.matches[0].why.contains("same Korean key"), "{}", result.matches[0].why);
    // 朴憲永 read in Korean, not in Pinyin.
    assert!(result.matches[1].why.contains("characters read in Korean"), "{}", result.matches[1].why);
    let serial = result.matches[2].fields.iter().find(|f| f.field == "serial_number").unwrap();
    assert_eq!(serial.verdict, "equal");
    // Yi Sun-ok fits Lee Sun-ok and Rhee Sun-ok equally: a person decides. Kim Chang-sik
    // born twelve years apart is not a match, only worth a look.
    let review: Vec<(&str, &str)> = result.review.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
    assert_eq!(review, [("H-0005", "M-21"), ("H-0006", "M-23")]);
    assert!(result.review[0].why.contains("ambiguous"));
    assert!(result.review[1].score < 0.5 && result.review[1].why.contains("birth_date: differs"));
    assert!(result.unmatched_a.is_empty());
    let left_b: Vec<&str> = result.unmatched_b.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(left_b, ["M-22"]);
    assert_eq!(result.unmatched_b[0].line, 7);
    assert_eq!(result.unmatched_b[0].name, "Rhee Sun-ok");
    // The row with month 13 is named, with its file and line, and skipped.
    assert_eq!(result.rejected.len(), 1);
    assert!(result.rejected[0].file.ends_with("pow-missing.csv"));
    assert_eq!(result.rejected[0].line, 10);
    assert!(result.rejected[0].error.contains("month 13"), "{}", result.rejected[0].error);
    assert_eq!((result.stats.a, result.stats.b), (7, 8));
    assert!(result.stats.candidate_pairs >= 6);
}

#[test]
fn pow_reconcile_prints_a_table_and_names_bad_rows_by_file_and_line() {
    let (held, missing) = (example("pow-held.csv"), example("pow-missing.csv"));
    let output = armistice(&["pow", "reconcile", &held, &missing]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("matches (5)"), "{text}");
    assert!(text.contains("review (probable: confirm by hand) (2)"), "{text}");
    assert!(text.contains("unmatched in B (1)"), "{text}");
    let err = stderr(&output);
    assert!(err.contains("pow-missing.csv:10: rejected: field `birth_date`"), "{err}");
    assert!(err.contains("5 match(es), 2 to review"), "{err}");
}

#[test]
fn pow_reconcile_refuses_unusable_lists_and_arguments_with_status_2() {
    let dir = temp_dir("pow");
    let no_id = dir.join("no-id.csv");
    std::fs::write(&no_id, "name,birth_date\nKim Il-sung,1912\n").unwrap();
    let all_bad = dir.join("all-bad.csv");
    std::fs::write(&all_bad, "id,name,birth_date\n1,Kim,1912-02-30\n").unwrap();
    let good = example("pow-held.csv");
    let cases: [(Vec<&str>, &str); 5] = [
        (vec![no_id.to_str().unwrap(), &good], "no-id.csv:1: the header has no `id` column"),
        (vec![&good, all_bad.to_str().unwrap()], "all-bad.csv: no usable row"),
        (vec![&good, "/nonexistent/list.csv"], "opening /nonexistent/list.csv"),
        (vec![&good, &good, "--threshold", "1.5"], "--threshold must be between 0 and 1"),
        (vec![&good, &good, "--threshold", "0.5", "--review-threshold", "0.6"], "must not exceed"),
    ];
    for (args, message) in cases {
        let mut full = vec!["pow", "reconcile"];
        full.extend(args);
        let output = armistice(&full);
        assert_eq!(output.status.code(), Some(2), "{full:?}");
        assert!(stderr(&output).contains(message), "{full:?}: {}", stderr(&output));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

// ---- armistice journal ----

#[derive(Debug, Deserialize)]
struct VerifiedJournal {
    verified: bool,
    entries: u64,
    checkpoints: u64,
    cosignatures: u64,
    after_last_checkpoint: u64,
    submitters: Vec<JournalSigner>,
    cosigners: Vec<JournalSigner>,
    kinds: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize)]
struct JournalSigner {
    name: String,
    count: u64,
}

#[derive(Debug, Deserialize)]
struct FailedJournal {
    verified: bool,
    error: String,
    entry: Option<u64>,
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn help_teaches_the_journal_commands() {
    for args in [
        vec!["journal", "--help"],
        vec!["journal", "keygen", "--help"],
        vec!["journal", "append", "--help"],
        vec!["journal", "cosign", "--help"],
        vec!["journal", "export", "--help"],
        vec!["journal", "verify", "--help"],
        vec!["journal", "replay", "--help"],
    ] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        let text = stdout(&output);
        assert!(text.contains("Example") || args.len() == 2, "{args:?} has no example");
        insta::assert_snapshot!(format!("help_{}", words.join("_")), text);
    }
}

#[test]
fn help_teaches_the_talks_commands() {
    for args in [
        vec!["talks", "--help"],
        vec!["talks", "check", "--help"],
        vec!["talks", "status", "--help"],
        vec!["talks", "compile", "--help"],
        vec!["talks", "diff", "--help"],
    ] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        let text = stdout(&output);
        assert!(text.contains("Example") || text.contains("Exit status"), "{args:?} teaches nothing");
        insta::assert_snapshot!(format!("help_{}", words.join("_")), text);
    }
}

#[test]
fn journal_appends_cosigns_exports_and_verifies_and_names_an_altered_entry() {
    let dir = temp_dir("journal");
    let (unc, kpa, nnsc, data) = (dir.join("unc.key"), dir.join("kpa.key"), dir.join("nnsc.key"), dir.join("data"));
    for (name, key) in [("UNC", &unc), ("KPA/CPV", &kpa), ("NNSC", &nnsc)] {
        let output = armistice(&["journal", "keygen", "--name", name, "--out", path_arg(key)]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output).trim().len(), 64, "prints the public key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(key).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
    // A key file is never overwritten.
    let output = armistice(&["journal", "keygen", "--name", "UNC", "--out", path_arg(&unc)]);
    assert_eq!(output.status.code(), Some(2));

    let reports = repo_root().join("data/korea-1953/reports-sample.ndjson");
    let allegations = dir.join("allegations.txt");
    std::fs::write(&allegations, "shots fired near marker 0612\n\nan aircraft over the DMZ at dawn\n").unwrap();
    let data_arg = path_arg(&data);
    let steps: [&[&str]; 5] = [
        &["journal", "append", "--data", data_arg, "--key", path_arg(&unc), "--kind", "report", path_arg(&reports)],
        &["journal", "cosign", "--data", data_arg, "--key", path_arg(&nnsc)],
        &[
            "journal",
            "append",
            "--data",
            data_arg,
            "--key",
            path_arg(&kpa),
            "--kind",
            "allegation",
            path_arg(&allegations),
        ],
        &["journal", "cosign", "--data", data_arg, "--key", path_arg(&nnsc)],
        &["journal", "cosign", "--data", data_arg, "--key", path_arg(&kpa)],
    ];
    for args in steps {
        let output = armistice(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    }
    let n_reports = std::fs::read_to_string(&reports).unwrap().lines().filter(|l| !l.trim().is_empty()).count() as u64;

    let export = dir.join("journal.ndjson");
    let output = armistice(&["journal", "export", "--data", data_arg, "--out", path_arg(&export)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = armistice(&["journal", "verify", path_arg(&export), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: VerifiedJournal = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report.verified);
    assert_eq!(report.entries, n_reports + 2);
    assert_eq!((report.checkpoints, report.cosignatures, report.after_last_checkpoint), (2, 3, 0));
    assert_eq!(report.kinds.get("allegation"), Some(&2));
    let submitters: Vec<(&str, u64)> = report.submitters.iter().map(|s| (s.name.as_str(), s.count)).collect();
    assert_eq!(submitters, [("KPA/CPV", 2), ("UNC", n_reports)]);
    let cosigners: Vec<(&str, u64)> = report.cosigners.iter().map(|s| (s.name.as_str(), s.count)).collect();
    assert_eq!(cosigners, [("KPA/CPV", 1), ("NNSC", 2)]);

    // One letter changed in the first allegation: verify names that entry and exits 2.
    let text = std::fs::read_to_string(&export).unwrap();
    let altered = dir.join("altered.ndjson");
    std::fs::write(&altered, text.replacen("marker 0612", "marker 0613", 1)).unwrap();
    let output = armistice(&["journal", "verify", path_arg(&altered), "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let failed: FailedJournal = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!failed.verified);
    assert_eq!(failed.entry, Some(n_reports), "{}", failed.error);
    assert!(failed.error.contains("signature"), "{}", failed.error);
    let output = armistice(&["journal", "verify", path_arg(&altered)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(&format!("the first bad entry is entry {n_reports}")), "{}", stderr(&output));

    // Nothing on any output shows a secret key.
    let secret = std::fs::read_to_string(&unc).unwrap();
    let secret = secret.split("\"secret\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(!text.contains(&secret));
    std::fs::remove_dir_all(dir).unwrap();
}

#[derive(Debug, Deserialize)]
struct ReplayJson {
    entries: u64,
    kinds: std::collections::BTreeMap<String, u64>,
    findings_by_citation: std::collections::BTreeMap<String, usize>,
    cases_by_state: std::collections::BTreeMap<String, usize>,
    cases: Vec<ReplayCase>,
    errors: Vec<ReplayError>,
}

#[derive(Debug, Deserialize)]
struct ReplayCase {
    id: String,
    state: String,
    responsible: Option<String>,
    history: Vec<ReplayStep>,
}

#[derive(Debug, Deserialize)]
struct ReplayStep {
    entry: u64,
    to: String,
}

#[derive(Debug, Deserialize)]
struct ReplayError {
    entry: u64,
    kind: String,
    error: String,
}

/// A case told through `journal append` (a report, an allegation, the response, a team
/// sent, its report, the finding, three meetings with a day missed, a payload that is
/// not JSON), then replayed: the same record gives the same JSON, byte for byte.
#[test]
fn journal_replay_rebuilds_a_case_and_its_findings() {
    let dir = temp_dir("journal-replay");
    let data = dir.join("data");
    let data_arg = path_arg(&data);
    let key = |name: &str| {
        let path = dir.join(format!("{}.key", name.replace('/', "-")));
        let output = armistice(&["journal", "keygen", "--name", name, "--out", path_arg(&path)]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        path
    };
    let (unc, kpa, mac, jot) = (key("UNC"), key("KPA/CPV"), key("MAC"), key("JOT"));
    let report = std::fs::read_to_string(repo_root().join("data/korea-1953/reports-sample.ndjson"))
        .unwrap()
        .lines()
        .find(|l| l.contains(r#""id":"r-0032""#))
        .unwrap()
        .to_owned();
    let member = |name: &str, side: &str| format!(r#"{{"name":"{name}","nationality":"x","side":"{side}"}}"#);
    let members = [member("A", "unc"), member("B", "unc"), member("C", "kpa-cpv"), member("D", "kpa-cpv")].join(",");
    let minutes = |day: u32| {
        format!(
            r#"{{"commission":"mac","held_at":"1953-08-{day}T11:00:00+09:00","attendees":[{{"name":"Harrison","side":"unc"}}]}}"#
        )
    };
    let story: Vec<(&Path, &str, String)> = vec![
        (&unc, "report", report),
        (&unc, "allegation", r#"{"case":"mac-1","by":{"side":"unc"},"against":"kpa-cpv","commission":"mac","paragraph":"I.6","reports":["r-0032"],"at":"1953-08-14T09:00:00+09:00"}"#.to_owned()),
        (&kpa, "response", r#"{"case":"mac-1","by":{"side":"kpa-cpv"},"at":"1953-08-15T09:00:00+09:00","stance":"denies"}"#.to_owned()),
        (&mac, "team_dispatch", r#"{"id":"d-1","case":"mac-1","by":{"commission":"mac"},"team":"jot","teams":2,"at":"1953-08-15T10:00:00+09:00"}"#.to_owned()),
        (&jot, "investigation_report", format!(r#"{{"case":"mac-1","by":{{"team":"jot"}},"at":"1953-08-16T10:00:00+09:00","members":[{members}],"facts":["Cartridges on the hill."]}}"#)),
        (&mac, "commission_finding", r#"{"case":"mac-1","by":{"commission":"mac"},"at":"1953-08-17T10:00:00+09:00","outcome":"violation"}"#.to_owned()),
        (&mac, "meeting_minutes", [minutes(14), minutes(15), minutes(17)].join("\n")),
        (&unc, "allegation", r#"{"case":"mac-2""#.to_owned()),
    ];
    for (n, (key, kind, payload)) in story.iter().enumerate() {
        let file = dir.join(format!("step-{n}.ndjson"));
        std::fs::write(&file, format!("{payload}\n")).unwrap();
        let output = armistice(&[
            "journal",
            "append",
            "--data",
            data_arg,
            "--key",
            path_arg(key),
            "--kind",
            kind,
            path_arg(&file),
        ]);
        assert_eq!(output.status.code(), Some(0), "{kind}: {}", stderr(&output));
    }

    let output = armistice(&["journal", "replay", "--data", data_arg, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let again = armistice(&["journal", "replay", "--data", data_arg, "--json"]);
    assert_eq!(output.stdout, again.stdout, "the same record gives the same JSON");
    let replayed: ReplayJson = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(replayed.entries, 10);
    assert_eq!(replayed.kinds.get("meeting_minutes"), Some(&3));
    assert_eq!(replayed.cases_by_state.get("found"), Some(&1));
    let case = &replayed.cases[0];
    assert_eq!(
        (case.id.as_str(), case.state.as_str(), case.responsible.as_deref()),
        ("mac-1", "found", Some("kpa-cpv"))
    );
    let path: Vec<(u64, &str)> = case.history.iter().map(|s| (s.entry, s.to.as_str())).collect();
    assert_eq!(
        path,
        [(1, "open"), (2, "responded"), (3, "under-investigation"), (4, "under-investigation"), (5, "found")]
    );
    assert_eq!(replayed.findings_by_citation.get("I.6"), Some(&1), "{:?}", replayed.findings_by_citation);
    assert_eq!(replayed.findings_by_citation.get("II.31"), Some(&1), "{:?}", replayed.findings_by_citation);
    assert_eq!(replayed.errors.len(), 1);
    assert_eq!((replayed.errors[0].entry, replayed.errors[0].kind.as_str()), (9, "allegation"));
    assert!(replayed.errors[0].error.contains("not JSON"), "{}", replayed.errors[0].error);

    let output = armistice(&["journal", "replay", "--data", data_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("cases          found 1"), "{text}");
    assert!(text.contains("entry 9 (allegation)"), "{text}");
    let output = armistice(&["journal", "replay", "--data", data_arg, "--as-of", "yesterday"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--as-of"), "{}", stderr(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn journal_refuses_bad_arguments_and_a_tampered_store() {
    let dir = temp_dir("journal-bad");
    let key = dir.join("unc.key");
    let data = dir.join("data");
    assert_eq!(armistice(&["journal", "keygen", "--name", "UNC", "--out", path_arg(&key)]).status.code(), Some(0));
    let input = dir.join("lines.txt");
    std::fs::write(&input, "first line of the day\nsecond line of the day\nthird line of the day\n").unwrap();
    let append = |kind: &str, extra: &[&str]| {
        let mut args = vec!["journal", "append", "--data", path_arg(&data), "--key", path_arg(&key), "--kind", kind];
        args.extend_from_slice(extra);
        args.push(path_arg(&input));
        armistice(&args)
    };
    let output = append("rumour", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown entry kind \"rumour\""), "{}", stderr(&output));
    assert_eq!(append("correction", &[]).status.code(), Some(2));
    assert_eq!(append("report", &[]).status.code(), Some(0));
    std::fs::write(&input, "the first line misread the grid\n").unwrap();
    assert_eq!(append("correction", &["--corrects", "0"]).status.code(), Some(0));
    let output = append("report", &["--db", "postgres://nobody@127.0.0.1:1/none"]);
    assert_eq!(output.status.code(), Some(2), "--data and --db together");

    // Flip one byte of the second line's payload inside the SQLite file.
    let file = data.join("journal.sqlite");
    let mut bytes = std::fs::read(&file).unwrap();
    let marker = b"second line of the day";
    let at = bytes.windows(marker.len()).position(|w| w == marker).unwrap();
    bytes[at] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();
    let output = armistice(&["journal", "export", "--data", path_arg(&data), "--out", path_arg(&dir.join("x.ndjson"))]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("stored entry 1:"), "{}", stderr(&output));
    assert!(!dir.join("x.ndjson").exists());

    let output = armistice(&["journal", "verify", path_arg(&dir.join("missing.ndjson"))]);
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn journal_two_processes_append_to_one_postgres_record() {
    let Some(base) = std::env::var("ARMISTICE_TEST_PG").ok().filter(|s| !s.is_empty()) else {
        eprintln!("ARMISTICE_TEST_PG is not set: the two-process PostgreSQL test was not run");
        return;
    };
    // A schema of its own, so that nothing else in the database is touched.
    let schema = format!("armistice_cli_test_{}", std::process::id());
    let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let url = if base.contains("://") {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}options=-c%20search_path%3D{schema}")
    } else {
        format!("{base} options='-c search_path={schema}'")
    };

    let dir = temp_dir("journal-pg");
    let server = dir.join("server.key");
    assert_eq!(
        armistice(&["journal", "keygen", "--name", "server", "--out", path_arg(&server)]).status.code(),
        Some(0)
    );
    const LINES: usize = 150;
    let mut children = Vec::new();
    for name in ["UNC", "KPA-CPV"] {
        let key = dir.join(format!("{name}.key"));
        assert_eq!(armistice(&["journal", "keygen", "--name", name, "--out", path_arg(&key)]).status.code(), Some(0));
        let lines: String = (0..LINES).map(|i| format!("{name} report {i}\n")).collect();
        let input = dir.join(format!("{name}.txt"));
        std::fs::write(&input, lines).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_armistice"))
            .args(["journal", "append", "--db", &url, "--server-key", path_arg(&server), "--key", path_arg(&key)])
            .args(["--kind", "report", "--batch", "3", path_arg(&input)])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        children.push(child);
    }
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }

    let export = dir.join("journal.ndjson");
    let output = armistice(&["journal", "export", "--db", &url, "--out", path_arg(&export)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = armistice(&["journal", "verify", path_arg(&export), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: VerifiedJournal = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report.entries, 2 * LINES as u64);
    let submitters: Vec<(&str, u64)> = report.submitters.iter().map(|s| (s.name.as_str(), s.count)).collect();
    assert_eq!(submitters, [("KPA-CPV", LINES as u64), ("UNC", LINES as u64)]);
    assert!(report.checkpoints >= 1);
    client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn talks_status_shows_the_prisoner_deadlock_of_1952() {
    let output = armistice(&["talks", "status", "--at", "1952-06-01", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let items = status["items"].as_array().unwrap();
    let state = |id: &str| items.iter().find(|i| i["id"] == id).unwrap()["state"].as_str().unwrap().to_owned();
    assert_eq!(state("2"), "agreed");
    assert_eq!(state("4"), "contested");
    assert_eq!(status["place"], "panmunjom");
    let text = stdout(&armistice(&["talks", "status", "--at", "1951-07-01"]));
    assert!(text.contains("had not opened"), "{text}");
}

#[test]
fn talks_compile_on_signing_day_gives_an_agreement_that_checks_and_equals_the_built_in_one() {
    let out = temp_dir("talks-compile");
    let target = out.join("korea");
    let output = armistice(&["talks", "compile", "--at", "1953-07-27", "--out", target.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let view: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(view["complete"], true, "{view}");
    assert_eq!(view["contested"].as_array().unwrap().len(), 0);
    assert!(target.join("geometry/mdl.geojson").is_file());
    let check = armistice(&["agreement", "check", target.to_str().unwrap()]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
    let builtin = repo_root().join("data/korea-1953");
    let same = armistice(&["talks", "diff", target.to_str().unwrap(), builtin.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    // Between the provisional line of 1951 and the signing, provisions were added:
    // exit status 1, and the line's record changed.
    let changed = armistice(&["talks", "diff", "--from", "1951-11-27", "--to", "1953-07-27", "--json"]);
    assert_eq!(changed.status.code(), Some(1));
    let diff: serde_json::Value = serde_json::from_slice(&changed.stdout).unwrap();
    assert!(diff["diff"]["added"].as_array().unwrap().iter().any(|a| a == "commission mac"), "{diff}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_bad_talks_record_is_refused_with_every_entry_named() {
    let dir = temp_dir("talks-bad");
    let text = std::fs::read_to_string(repo_root().join("data/korea-1953/talks/talks.toml")).unwrap();
    let bad = text.replacen("level = \"plenary\"", "level = \"plenary\"\nduration_min = -5", 1).replacen(
        "[[proposal]]\nid = \"",
        "[[proposal]]\nid = \"p-unknown-item\"\nside = \"unc\"\nitem = \"9\"\ndate = 1952-01-01\ntext = \"x\"\nsource = \"ref\"\n\n[[proposal]]\nid = \"",
        1,
    );
    std::fs::write(dir.join("talks.toml"), bad.replacen("duration_min = -5\n", "", 1)).unwrap();
    let output = armistice(&["talks", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("talks.toml:") && err.contains("proposal p-unknown-item: item `9` is not an agenda item"),
        "{err}"
    );
    std::fs::write(dir.join("talks.toml"), bad).unwrap();
    let err = stderr(&armistice(&["talks", "status", "--talks", dir.to_str().unwrap()]));
    assert!(err.contains("duration_min"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
