//! The agreement format end to end: the built-in Korea 1953 agreement, a second agreement
//! written for the tests, a round trip, and a table of broken files with the error each
//! must give.

// Test helpers panic on a broken fixture, like the tests they serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use armistice_core::agreement::document::{CommissionKind, LineSide};
use armistice_core::agreement::{AgreementError, AgreementFiles, builtin, load, parse_document};
use proptest::prelude::*;

fn korea() -> BTreeMap<String, String> {
    builtin::korea_1953()
}

fn fixture(name: &str) -> BTreeMap<String, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let mut files = BTreeMap::new();
    for rel in ["agreement.toml", "geometry/line.geojson"] {
        files.insert(rel.to_owned(), std::fs::read_to_string(root.join(rel)).unwrap());
    }
    files
}

/// Every provision of Articles I-IV and the Annex that a program can check, with its kind.
const KOREA_PROVISIONS: &[(&str, &str)] = &[
    ("I.6", "hostile-act"),
    ("I.7", "line-crossing"),
    ("I.8", "zone-exit"),
    ("I.9", "zone-entry"),
    ("I.10", "headcount-limit"),
    ("I.10", "armed-personnel"),
    ("II.12", "hostile-act"),
    ("II.13(a)", "withdrawal"),
    ("II.13(a)", "hazard-removal"),
    ("II.13(b)", "island-evacuation"),
    ("II.13(c)", "rotation"),
    ("II.13(d)", "replacement"),
    ("II.14", "ground-forces"),
    ("II.15", "naval-forces"),
    ("II.16", "airspace"),
    ("II.20", "composition"),
    ("II.23", "composition"),
    ("II.27", "dispatch-limit"),
    ("II.31", "meetings"),
    ("II.37", "composition"),
    ("II.40", "composition"),
    ("II.42(e)", "dispatch-limit"),
    ("II.44", "meetings"),
    ("III.51(a)", "direct-repatriation"),
    ("III.53", "sick-and-injured-first"),
    ("III.55", "exchange-point"),
    ("III.56", "composition"),
    ("III.57", "composition"),
    ("III.58(a)", "prisoner-information"),
    ("III.59", "composition"),
    ("IV.60", "political-conference"),
    ("Annex.1", "composition"),
    ("Annex.3", "no-forced-repatriation"),
    ("Annex.4", "custody-handover"),
    ("Annex.8", "explanation"),
    ("Annex.11", "disposition"),
    ("Annex.25", "periodic-report"),
];

#[test]
fn korea_1953_has_every_checkable_provision_with_its_citation() {
    let agreement = load(&korea()).unwrap();
    let mut found: Vec<(String, &str)> =
        agreement.provisions().iter().map(|p| (p.citation.to_string(), p.rule.kind())).collect();
    let mut expected: Vec<(String, &str)> = KOREA_PROVISIONS.iter().map(|(c, k)| (c.to_string(), *k)).collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    for provision in agreement.provisions() {
        assert!(provision.summary.len() > 20, "{} needs a summary", provision.citation);
    }
}

#[test]
fn korea_1953_times_match_the_agreement() {
    let agreement = load(&korea()).unwrap();
    assert_eq!(agreement.signed_at().to_rfc3339(), "1953-07-27T10:00:00+09:00");
    assert_eq!(agreement.effective_at().to_rfc3339(), "1953-07-27T22:00:00+09:00");
    let cases = [
        ("dmz-withdrawal", "1953-07-30T22:00:00+09:00"),
        ("hazard-removal", "1953-09-13T22:00:00+09:00"),
        ("islands-evacuation", "1953-08-06T22:00:00+09:00"),
        ("direct-repatriation", "1953-09-25T22:00:00+09:00"),
        ("prisoner-information", "1953-08-06T22:00:00+09:00"),
        ("custody-handover", "1953-09-25T22:00:00+09:00"),
        ("political-conference", "1953-10-27T22:00:00+09:00"),
    ];
    for (id, at) in cases {
        assert_eq!(agreement.instant(id).map(|t| t.to_rfc3339()).as_deref(), Some(at), "{id}");
    }
}

#[test]
fn korea_1953_places_parties_and_commissions() {
    let agreement = load(&korea()).unwrap();
    let doc = &agreement.document;
    let sides: Vec<(&str, LineSide, &str)> = doc
        .sides
        .iter()
        .map(|s| (s.get_ref().id.as_str(), s.get_ref().line_side, s.get_ref().territory_zone.as_str()))
        .collect();
    assert_eq!(sides, [("unc", LineSide::Right, "south"), ("kpa-cpv", LineSide::Left, "north")]);
    // Ten ports of entry, five per side (II.43).
    for side in ["unc", "kpa-cpv"] {
        assert_eq!(doc.ports.iter().filter(|p| p.get_ref().side.as_str() == side).count(), 5, "{side}");
    }
    // Five north-west island groups stay with the UN Command (II.13(b)).
    let islands: Vec<&str> = doc.islands.iter().map(|i| i.get_ref().id.as_str()).collect();
    assert_eq!(islands, ["paengyong-do", "taechong-do", "sochong-do", "yonpyong-do", "u-do"]);
    assert!(doc.islands.iter().all(|i| i.get_ref().held_by.as_str() == "unc"));
    let commission = |id: &str| doc.commissions.iter().map(|c| c.get_ref()).find(|c| c.id.as_str() == id).unwrap();
    let mac = commission("mac");
    assert_eq!(
        (mac.kind, mac.members_per_side, mac.general_officers_per_side),
        (CommissionKind::Joint, Some(5), Some(3))
    );
    assert_eq!(commission("nnsc").nations.len(), 4);
    let nnrc = commission("nnrc");
    assert_eq!((nnrc.nations.len(), nnrc.chair.as_ref().map(|c| c.as_str())), (5, Some("india")));
    assert_eq!(nnrc.max_staff_per_nation, Some(50));
    let team = |id: &str| doc.teams.iter().map(|t| t.get_ref()).find(|t| t.id.as_str() == id).unwrap();
    assert_eq!((team("jot").initial_count, team("jot").min_members, team("jot").max_members), (10, 4, Some(6)));
    assert_eq!(
        (team("nnit").initial_count, team("nnit").stationed_per_side, team("nnit").mobile),
        (20, Some(5), Some(10))
    );
    // The line from Natural Earth 1:10m: 44 vertices, about 204 km, drawn west to east.
    let (id, line) = agreement.demarcation_line().unwrap();
    assert_eq!((id, line.0.len()), ("mdl", 44));
    let km = agreement.line_length_km("mdl").unwrap();
    assert!((200.0..210.0).contains(&km), "{km}");
    assert!(line.0[0].x < line.0[43].x, "west to east");
    assert!(agreement.area("han-river-estuary").is_some());
    assert_eq!(agreement.land().len(), 2);
}

#[test]
fn a_second_agreement_loads_with_its_own_line_zone_limits_and_deadlines() {
    let agreement = load(&fixture("lakeland-2031")).unwrap();
    let doc = &agreement.document;
    assert_eq!(doc.id.as_str(), "lakeland-2031");
    assert_eq!(agreement.effective_at().to_rfc3339(), "2031-03-01T12:00:00-05:00");
    assert_eq!(agreement.instant("pull-back").unwrap().to_rfc3339(), "2031-03-03T12:00:00-05:00");
    assert_eq!(agreement.instant("demining").unwrap().to_rfc3339(), "2031-04-02T12:00:00-05:00");
    let buffer = doc.zones[0].get_ref().buffer.as_ref().unwrap();
    assert_eq!((buffer.half_width_m, buffer.left_half.as_str()), (5000.0, "buffer-west"));
    let kinds: Vec<&str> = agreement.provisions().iter().map(|p| p.rule.kind()).collect();
    assert_eq!(kinds, ["withdrawal", "hazard-removal", "headcount-limit", "rotation", "meetings"]);
    let km = agreement.line_length_km("contact-line").unwrap();
    assert!((100.0..125.0).contains(&km), "{km}");
}

#[test]
fn the_format_round_trips() {
    for files in [korea(), fixture("lakeland-2031")] {
        let text = files.text("agreement.toml").unwrap();
        let first = parse_document(text).unwrap();
        let written = toml::to_string(&first).unwrap();
        let second = parse_document(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(first, second);
        // And the rewritten file still loads with the same geometry.
        let mut rewritten = files.clone();
        rewritten.insert("agreement.toml".to_owned(), written);
        let again = load(&rewritten).unwrap();
        assert_eq!(again.document, first);
    }
}

/// One broken agreement: a change to the Korea files, and what the error must say.
struct Broken {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    /// Text the error must contain.
    message: &'static str,
    /// The error must point at the line where `replace` lands (or the file only).
    at_replacement: bool,
}

const BROKEN: &[Broken] = &[
    Broken {
        name: "unknown field",
        file: "agreement.toml",
        find: "id = \"dmz\"\n",
        replace: "id = \"dmz\"\ncolour = \"red\"\n",
        message: "unknown field `colour`",
        at_replacement: true,
    },
    Broken {
        name: "missing geometry file",
        file: "agreement.toml",
        find: "file = \"geometry/mdl.geojson\"",
        replace: "file = \"geometry/nowhere.geojson\"",
        message: "geometry/nowhere.geojson: file not found",
        at_replacement: false,
    },
    Broken {
        name: "coordinates off the globe",
        file: "agreement.toml",
        find: "position = [124.4, 40.1]",
        replace: "position = [224.4, 40.1]",
        message: "longitude 224.4 is outside -180..180",
        at_replacement: true,
    },
    Broken {
        name: "a position with one number",
        file: "agreement.toml",
        find: "position = [124.4, 40.1]",
        replace: "position = [124.4]",
        message: "a position is [longitude, latitude], two numbers",
        at_replacement: true,
    },
    Broken {
        name: "a line that crosses itself",
        file: "geometry/mdl.geojson",
        find: "[126.669067,37.828065]",
        replace: "[126.669067,37.828065],[127.5,38.6],[127.5,37.0]",
        message: "line `mdl` crosses itself",
        at_replacement: false,
    },
    Broken {
        name: "line geometry off the globe",
        file: "geometry/mdl.geojson",
        find: "[126.669067,37.828065]",
        replace: "[126.669067,97.828065]",
        message: "not on the globe",
        at_replacement: false,
    },
    Broken {
        name: "broken GeoJSON",
        file: "geometry/mdl.geojson",
        find: "\"type\":\"FeatureCollection\"",
        replace: "\"type\":\"FeatureCollection\",,",
        message: "not valid JSON",
        at_replacement: false,
    },
    Broken {
        name: "a deadline without its anchor",
        file: "agreement.toml",
        find: "id = \"dmz-withdrawal\"\nname = \"Forces, supplies and equipment out of the DMZ\"\nfrom = \"effective\"\n",
        replace: "id = \"dmz-withdrawal\"\nname = \"Forces, supplies and equipment out of the DMZ\"\n",
        message: "missing field `from`",
        at_replacement: false,
    },
    Broken {
        name: "a deadline with an unknown anchor",
        file: "agreement.toml",
        find: "from = \"dmz-withdrawal\"",
        replace: "from = \"armistice-day\"",
        message: "field `from`: no anchor (signed, effective or a deadline) has id `armistice-day`",
        at_replacement: false,
    },
    Broken {
        name: "deadlines in a circle",
        file: "agreement.toml",
        find: "id = \"islands-evacuation\"\nname = \"Forces out of the other side's rear and coastal islands and waters\"\nfrom = \"effective\"",
        replace: "id = \"islands-evacuation\"\nname = \"Forces out of the other side's rear and coastal islands and waters\"\nfrom = \"islands-evacuation\"",
        message: "deadlines refer to each other in a circle",
        at_replacement: false,
    },
    Broken {
        name: "a malformed citation",
        file: "agreement.toml",
        find: "citation = \"I.7\"",
        replace: "citation = \"I-7\"",
        message: "`I-7` is not a citation",
        at_replacement: true,
    },
    Broken {
        name: "a malformed period",
        file: "agreement.toml",
        find: "after = \"PT72H\"",
        replace: "after = \"72 hours\"",
        message: "`72 hours` is not an ISO 8601 duration",
        at_replacement: true,
    },
    Broken {
        name: "an unknown rule kind",
        file: "agreement.toml",
        find: "rule.line-crossing = {",
        replace: "rule.line-crosing = {",
        message: "unknown variant `line-crosing`",
        at_replacement: true,
    },
    Broken {
        name: "a rule naming an unknown zone",
        file: "agreement.toml",
        find: "rule.zone-exit = { zone = \"dmz\" }",
        replace: "rule.zone-exit = { zone = \"dmzz\" }",
        message: "field `rule.zone-exit.zone`: no zone has id `dmzz`",
        at_replacement: false,
    },
    Broken {
        name: "a duplicate id",
        file: "agreement.toml",
        find: "id = \"kunsan\"",
        replace: "id = \"pusan\"",
        message: "place id `pusan` is used twice",
        at_replacement: false,
    },
    Broken {
        name: "a signing time without an offset",
        file: "agreement.toml",
        find: "signed_at = 1953-07-27T10:00:00+09:00\nlanguages",
        replace: "signed_at = 1953-07-27T10:00:00\nlanguages",
        message: "not an RFC 3339 time with a UTC offset",
        at_replacement: true,
    },
    Broken {
        name: "an unknown format version",
        file: "agreement.toml",
        find: "format = \"armistice-agreement/1\"",
        replace: "format = \"armistice-agreement/9\"",
        message: "expected `armistice-agreement/1`",
        at_replacement: false,
    },
    Broken {
        name: "both sides on the same side of the line",
        file: "agreement.toml",
        find: "line_side = \"right\"",
        replace: "line_side = \"left\"",
        message: "opposite sides of the line",
        at_replacement: false,
    },
    Broken {
        name: "a zone with neither buffer nor area",
        file: "agreement.toml",
        find: "area = { file = \"geometry/han-river-estuary.geojson\" }\n",
        replace: "\n",
        message: "needs exactly one of `buffer` or `area`",
        at_replacement: false,
    },
    Broken {
        name: "a negative zone width",
        file: "agreement.toml",
        find: "half_width_m = 2000.0",
        replace: "half_width_m = -2000.0",
        message: "is not a width in metres",
        at_replacement: false,
    },
    Broken {
        name: "a TOML syntax error",
        file: "agreement.toml",
        find: "name = \"Military Demarcation Line\"",
        replace: "name = \"Military Demarcation Line",
        message: "agreement.toml:",
        at_replacement: true,
    },
    Broken {
        name: "a wrong value type",
        file: "agreement.toml",
        find: "max_per_side = 1000",
        replace: "max_per_side = \"a thousand\"",
        message: "invalid type",
        at_replacement: true,
    },
    Broken {
        name: "a chair who is not a member",
        file: "agreement.toml",
        find: "nations = [\"sweden\", \"switzerland\", \"poland\", \"czechoslovakia\", \"india\"]",
        replace: "nations = [\"sweden\", \"switzerland\", \"poland\", \"czechoslovakia\"]",
        message: "the chair `india` must be one of the commission's nations",
        at_replacement: false,
    },
];

fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap();
    text[..offset].matches('\n').count() + 1
}

#[test]
fn broken_agreements_give_errors_that_name_file_line_and_field() {
    for case in BROKEN {
        let mut files = korea();
        let original = files.get(case.file).unwrap().clone();
        assert!(original.contains(case.find), "{}: the fixture text to replace is missing", case.name);
        let broken = original.replacen(case.find, case.replace, 1);
        files.insert(case.file.to_owned(), broken.clone());
        let errors = match load(&files) {
            Ok(_) => panic!("{}: the broken agreement was accepted", case.name),
            Err(errors) => errors.0,
        };
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let hit = errors.iter().find(|e| e.to_string().contains(case.message));
        let Some(hit) = hit else {
            panic!("{}: no error says {:?}; got {rendered:#?}", case.name, case.message);
        };
        let at = hit.location();
        let expected_file =
            if case.message.ends_with("file not found") { "geometry/nowhere.geojson" } else { case.file };
        assert_eq!(at.file, expected_file, "{}: {hit}", case.name);
        if case.at_replacement {
            let replaced_line = line_of(&broken, case.replace.lines().next().unwrap_or(case.replace));
            let line = at.line.unwrap_or(0);
            // A value's error points at the value, a table's at the table: within a few lines.
            assert!(
                line <= replaced_line + 1 && line + 8 >= replaced_line,
                "{}: error at line {line}, change at line {replaced_line}: {hit}",
                case.name
            );
        }
        if case.file == "agreement.toml" && !matches!(hit, AgreementError::MissingFile { .. }) {
            assert!(at.line.is_some(), "{}: an error in agreement.toml names its line: {hit}", case.name);
        }
    }
}

#[test]
fn a_missing_agreement_file_is_named() {
    let errors = load(&BTreeMap::new()).unwrap_err();
    assert!(errors.to_string().contains("agreement.toml: file not found"), "{errors}");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let mut files = korea();
    let text = files["agreement.toml"]
        .replace("zone = \"dmz\", deadline", "zone = \"nowhere\", deadline")
        .replace("rule.zone-exit = { zone = \"dmz\" }", "rule.zone-exit = { zone = \"elsewhere\" }");
    files.insert("agreement.toml".to_owned(), text);
    let errors = load(&files).unwrap_err().0;
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever bytes arrive as agreement.toml, loading returns; it never panics.
    #[test]
    fn arbitrary_agreement_text_never_panics(text in ".{0,400}") {
        let mut files = korea();
        files.insert("agreement.toml".to_owned(), text);
        let _ = load(&files);
    }

    /// Truncating or corrupting the real file at any point gives an error, never a panic.
    #[test]
    fn corrupted_korea_file_gives_an_error(cut in 0usize..30_000, junk in "[\\[\\]={}\"#a-z0-9., \n-]{0,12}") {
        let mut files = korea();
        let text = files["agreement.toml"].clone();
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let corrupted = format!("{}{}", &text[..cut], junk);
        files.insert("agreement.toml".to_owned(), corrupted.clone());
        if let Err(errors) = load(&files) {
            prop_assert!(!errors.0.is_empty());
        }
    }

    /// Arbitrary GeoJSON text for the line never panics.
    #[test]
    fn arbitrary_line_geojson_never_panics(text in "[\\[\\]{}\":,0-9.eE+ a-zA-Z-]{0,200}") {
        let mut files = korea();
        files.insert("geometry/mdl.geojson".to_owned(), text);
        let _ = load(&files);
    }
}
