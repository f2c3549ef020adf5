//! The console's pages driven with `oneshot` over a journal holding the first weeks of
//! the built-in 1953 story (and one report whose notes try to inject markup): each page
//! answers 200 with its heading and content, every value escaped; the derived state
//! follows the journal as it grows; verify reports success.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::journal::{EntryKind, Hash, SecretKey, Submission, Time};
use armistice_core::pow::Terms;
use armistice_core::story;
use armistice_server::console::{Console, PAGES};
use armistice_server::{AppState, router};
use armistice_store::{JournalStore, SqliteStore, Writer};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use common::*;
use http_body_util::BodyExt;
use tower::ServiceExt;

const HOSTILE: &str = "<script>alert('x')</script>";

fn key(name: &str) -> SecretKey {
    let Hash(seed) = Hash::leaf(format!("console test key: {name}").as_bytes());
    SecretKey::from_seed(&seed)
}

/// Appends the story's items up to `until` (YYYY-MM-DD, inclusive), a day per
/// transaction; the first report's notes are replaced by markup.
fn write_story(dir: &std::path::Path, until: &str) -> String {
    let agreement = load(&builtin::korea_1953()).unwrap();
    let items = story::build(&story::korea_1953(), &Terms::from_agreement(&agreement), agreement.signed_at()).unwrap();
    let store = SqliteStore::open_dir(dir).unwrap();
    let mut writer = Writer::open(&store).unwrap();
    let mut keys: BTreeMap<String, SecretKey> = BTreeMap::new();
    let mut hostile = String::new();
    for day in story::days(&items) {
        if day[0].at.date_naive().to_string().as_str() > until {
            break;
        }
        let mut batch = Vec::new();
        for item in day {
            let mut payload = item.payload.clone();
            if item.kind == EntryKind::Report && hostile.is_empty() {
                let mut value: serde_json::Value = serde_json::from_str(&payload).unwrap();
                value["notes"] = serde_json::Value::String(HOSTILE.to_owned());
                payload = value.to_string();
                hostile = value["id"].as_str().unwrap().to_owned();
            }
            let key = keys.entry(item.submitter.clone()).or_insert_with(|| key(&item.submitter));
            let submission = Submission::new(item.kind, &item.submitter, key.public(), payload, None).unwrap();
            let signature = submission.sign(key).unwrap();
            batch.push((submission, signature));
        }
        let received = Time::from_datetime(day.iter().map(|i| i.at).max().unwrap().with_timezone(&Utc));
        writer.append(&batch, received, &server_key()).unwrap();
    }
    hostile
}

fn console_state(dir: &std::path::Path) -> AppState {
    let agreement = load(&builtin::korea_1953()).unwrap();
    let atlas = Atlas::build(&agreement).unwrap();
    let console = Arc::new(Console::new(agreement, atlas));
    start_sqlite(dir, |c| c.console = Some(console)).state()
}

async fn page(router: &axum::Router, method: &str, path: &str) -> (StatusCode, String) {
    let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// The first href in `html` that starts with `prefix`.
fn first_link(html: &str, prefix: &str) -> String {
    let start = html.find(&format!("href=\"{prefix}")).unwrap() + "href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_with_its_heading_and_escapes_what_the_journal_says() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = write_story(dir.path(), "1953-08-06");
    let state = console_state(dir.path());
    let router = router(state);

    for (path, heading) in PAGES.iter().zip(["Overview", "Map", "Findings", "Cases", "Prisoners", "Record"]) {
        let (status, html) = page(&router, "GET", path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{path}");
        assert!(html.contains("<nav aria-label=\"Console\">"), "{path}");
        assert!(!html.contains("<script>alert"), "{path} is not escaped");
    }
    let (_, css) = page(&router, "GET", "/assets/console.css").await;
    assert!(css.contains(".mdl"));
    let (_, js) = page(&router, "GET", "/assets/console.js").await;
    assert!(js.contains("viewBox"));

    let (_, map) = page(&router, "GET", "/map").await;
    assert!(map.contains("class=\"mdl\""), "the demarcation line");
    assert!(map.contains("class=\"zone dmz"), "the DMZ halves");
    assert!(map.contains("class=\"incident\""), "incidents on the map");
    // No marker hides another: findings at one place are drawn side by side.
    let markers: Vec<&str> = map.split("<circle cx=\"").skip(1).filter_map(|m| m.split(" r=").next()).collect();
    let places: std::collections::BTreeSet<&str> = markers.iter().copied().collect();
    assert_eq!(places.len(), markers.len(), "two markers on one spot: {markers:?}");

    let (_, findings) = page(&router, "GET", "/findings").await;
    let finding = first_link(&findings, "/findings/");
    let (status, detail) = page(&router, "GET", &finding).await;
    assert_eq!(status, StatusCode::OK, "{finding}");
    assert!(detail.contains("<dt>Citation</dt>"));

    // The report whose notes carry markup shows them as text.
    let report = first_link(&map, "/reports/");
    let (status, _) = page(&router, "GET", &report).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (status, html) = page(&router, "GET", &format!("/reports/{hostile}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(HOSTILE));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "the hostile notes are shown, escaped");

    // Filters: a paragraph keeps only its findings; an empty date range keeps none.
    let (_, overview) = page(&router, "GET", "/").await;
    let paragraph = first_link(&overview, "/findings?paragraph=");
    let (status, _) = page(&router, "GET", &paragraph).await;
    assert_eq!(status, StatusCode::OK);
    let (_, none) = page(&router, "GET", "/findings?from=1900-01-01&to=1900-01-02").await;
    assert!(none.contains("<p id=\"count\">0 of"), "{}", &none[none.find("count").unwrap()..][..60]);

    let (_, cases) = page(&router, "GET", "/cases").await;
    assert!(cases.contains("<h2 id=\"col-open\">"));

    let (_, prisoners) = page(&router, "GET", "/prisoners").await;
    let prisoner = first_link(&prisoners, "/prisoners/");
    let (status, history) = page(&router, "GET", &prisoner).await;
    assert_eq!(status, StatusCode::OK, "{prisoner}");
    assert!(history.contains("<h2>History</h2>"));
    let (status, _) = page(&router, "GET", "/prisoners/no-such-prisoner").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, verified) = page(&router, "POST", "/record/verify").await;
    assert_eq!(status, StatusCode::OK);
    assert!(verified.contains("Verified:"), "{verified}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_follows_the_journal_as_it_grows_and_is_absent_without_a_console() {
    let dir = tempfile::tempdir().unwrap();
    let state = console_state(dir.path());
    let router = router(state);
    let (status, html) = page(&router, "GET", "/record").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<dd id=\"size\">0</dd>"));
    write_story(dir.path(), "1953-07-28");
    let (_, html) = page(&router, "GET", "/record").await;
    assert!(!html.contains("<dd id=\"size\">0</dd>"), "rebuilt after the journal grew");
    assert!(html.contains("<dt>Latest checkpoint</dt><dd>none yet</dd>"));
    // A checkpoint adds no entry; the record page shows it all the same.
    let store = SqliteStore::open_dir(dir.path()).unwrap();
    let mut journal = armistice_store::load(&store).unwrap();
    let signed = journal.checkpoint(Time::from_unix_millis(1).unwrap(), &server_key()).unwrap().clone();
    store.append_checkpoint(&signed).unwrap();
    let (_, html) = page(&router, "GET", "/record").await;
    assert!(html.contains(&format!("<dt>Latest checkpoint</dt><dd>number 1, size {}", journal.size())), "{html}");

    let other = tempfile::tempdir().unwrap();
    let plain = router_without_console(other.path());
    let (status, _) = page(&plain, "GET", "/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn router_without_console(dir: &std::path::Path) -> axum::Router {
    router(start_sqlite(dir, |_| {}).state())
}
