//! The router driven with `oneshot` on SQLite in a temporary directory: the story of a
//! submission (receipt, reads, proofs, checkpoints, co-signature), every route with
//! every role against the permission matrix, malformed input, the OpenAPI document and
//! the documented matrix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use armistice_core::access::{Action, RoleKind, allowed, markdown_table};
use armistice_core::journal::keys::Domain;
use armistice_core::journal::{
    Checkpoint, CoSignature, EntryKind, EntryRef, Hash, Time, hex, verify_consistency, verify_inclusion,
};
use armistice_server::{ROUTES, router};
use armistice_store::{AccountStore, SqliteStore, load};
use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

fn hash(value: &Value) -> Hash {
    Hash::from_hex(value.as_str().unwrap()).unwrap()
}

fn proof(value: &Value) -> Vec<Hash> {
    value.as_array().unwrap().iter().map(hash).collect()
}

/// Waits until the writer has stored a checkpoint of at least `size` entries.
async fn checkpoint_of(router: &axum::Router, state: &armistice_server::AppState, token: &str, size: u64) -> Value {
    for _ in 0..500 {
        state.request_checkpoint();
        let (status, latest) = call(router, "GET", "/api/checkpoints/latest", Some(token), None).await;
        if status == StatusCode::OK && latest["size"].as_u64().unwrap() >= size {
            return latest;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no checkpoint of size {size}");
}

/// A co-signature by `user` over the checkpoint as the API shows it.
fn cosignature(user: &User, view: &Value) -> Value {
    let checkpoint = Checkpoint {
        root: hash(&view["root"]),
        size: view["size"].as_u64().unwrap(),
        time: Time::parse(view["time"].as_str().unwrap()).unwrap(),
    };
    #[derive(serde::Serialize)]
    struct CoSigned<'a> {
        checkpoint: &'a Checkpoint,
        key: &'a armistice_core::journal::PublicKey,
        name: &'a str,
    }
    let public = user.key.public();
    let body = armistice_core::journal::canonical::encode(&CoSigned {
        checkpoint: &checkpoint,
        key: &public,
        name: &user.name,
    });
    let signature = user.key.sign(Domain::CoSignature, &body);
    let cosig = CoSignature { key: public, name: user.name.clone(), signature };
    assert_eq!(cosig.verify(&checkpoint), Ok(()));
    json!({ "name": user.name, "key": public.to_hex(), "signature": hex::encode(&signature.0) })
}

#[tokio::test]
async fn a_submission_is_received_read_proved_checkpointed_and_cosigned() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_sqlite(dir.path(), |_| {});
    let accounts = SqliteStore::open_dir(dir.path()).unwrap();
    let unc = add_user(&accounts, "UNC", RoleKind::MacMember, Some("unc"), 1);
    let kpa = add_user(&accounts, "KPA/CPV", RoleKind::MacMember, Some("kpa-cpv"), 2);
    let nnsc = add_user(&accounts, "NNSC", RoleKind::Nnsc, None, 3);
    let state = app.state();
    let router = router(state.clone());

    let mut leaves = Vec::new();
    for (n, user) in [&unc, &kpa, &unc].into_iter().enumerate() {
        let body = submission(user, EntryKind::Report, &format!(r#"{{"id":"r{n}"}}"#), None);
        let (status, receipt) = call_json(&router, "POST", "/api/entries", Some(&user.token), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(receipt["index"], n as u64);
        let canonical = receipt["entry"]["canonical"].as_str().unwrap();
        assert_eq!(Hash::leaf(canonical.as_bytes()), hash(&receipt["leaf_hash"]));
        leaves.push(hash(&receipt["leaf_hash"]));
    }
    let correction = submission(&unc, EntryKind::Correction, "{}", Some(EntryRef { hash: leaves[0], index: 0 }));
    let (status, receipt) = call_json(&router, "POST", "/api/entries", Some(&unc.token), &correction).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    // KPA/CPV may not correct the UNC's entry, and nobody may name a wrong hash.
    let theirs = submission(&kpa, EntryKind::Correction, "{}", Some(EntryRef { hash: leaves[0], index: 0 }));
    assert_eq!(call_json(&router, "POST", "/api/entries", Some(&kpa.token), &theirs).await.0, StatusCode::FORBIDDEN);
    let wrong = submission(&unc, EntryKind::Correction, "{}", Some(EntryRef { hash: leaves[1], index: 0 }));
    let (status, error) = call_json(&router, "POST", "/api/entries", Some(&unc.token), &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"].as_str().unwrap().contains("another hash"), "{error}");
    // The client is told which entry, not where its submission sat in the writer's batch.
    assert_eq!(error["error"], "corrects entry 0, which has another hash", "{error}");

    let (status, entry) = call(&router, "GET", "/api/entries/1", Some(&nnsc.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entry["submission"]["submitter"], "KPA/CPV");
    let (_, page) = call(&router, "GET", "/api/entries?from=1&limit=2", Some(&nnsc.token), None).await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    assert_eq!((page["size"].as_u64(), page["next"].as_u64()), (Some(4), Some(3)));
    let (_, last) = call(&router, "GET", "/api/entries?from=3", Some(&nnsc.token), None).await;
    assert_eq!(last["next"], Value::Null);

    let latest = checkpoint_of(&router, &state, &nnsc.token, 4).await;
    assert_eq!(latest["size"], 4);
    let root = hash(&latest["root"]);
    let (status, inclusion) =
        call(&router, "GET", "/api/proofs/inclusion?index=1&size=4", Some(&kpa.token), None).await;
    assert_eq!(status, StatusCode::OK, "{inclusion}");
    assert_eq!(verify_inclusion(&leaves[1], 1, 4, &proof(&inclusion["proof"]), &root), Ok(()));
    let (_, consistency) = call(&router, "GET", "/api/proofs/consistency?old=2&new=4", Some(&kpa.token), None).await;
    let old_root = hash(&consistency["old_root"]);
    assert_eq!(verify_consistency(2, 4, &old_root, &root, &proof(&consistency["proof"])), Ok(()));

    let number = latest["number"].as_u64().unwrap();
    let path = format!("/api/checkpoints/{number}/cosignatures");
    let (status, cosigned) = call_json(&router, "POST", &path, Some(&nnsc.token), &cosignature(&nnsc, &latest)).await;
    assert_eq!(status, StatusCode::CREATED, "{cosigned}");
    assert_eq!(cosigned["cosignatures"][0]["name"], "NNSC");
    let (status, _) = call_json(&router, "POST", &path, Some(&nnsc.token), &cosignature(&nnsc, &latest)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Signed as someone else: refused.
    let (status, _) = call_json(&router, "POST", &path, Some(&unc.token), &cosignature(&kpa, &latest)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let journal = load(&SqliteStore::open_dir(dir.path()).unwrap()).unwrap();
    assert_eq!(journal.size(), 4);
    assert_eq!(journal.checkpoints().last().unwrap().cosignatures.len(), 1);
    assert!(state.metrics().render().contains("armistice_entries_appended_total 4\n"));
}

/// Every route with every role, no token and a revoked token: the status is the one
/// the matrix gives.
#[tokio::test]
async fn every_route_with_every_role_follows_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_sqlite(dir.path(), |_| {});
    let accounts = SqliteStore::open_dir(dir.path()).unwrap();
    let users = add_every_role(&accounts);
    let revoked = add_user(&accounts, "gone", RoleKind::MacMember, Some("unc"), 99);
    accounts.revoke_account("gone", Time::from_unix_millis(1).unwrap()).unwrap();
    let state = app.state();
    let router = router(state.clone());
    let member = &users[0];
    let (status, _) = call_json(
        &router,
        "POST",
        "/api/entries",
        Some(&member.token),
        &submission(member, EntryKind::Report, "{}", None),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let checkpoint = checkpoint_of(&router, &state, &member.token, 1).await;

    // No token or a revoked one: 401; a role the matrix refuses: 403; else `ok`.
    let expected = |caller: Option<&User>, action: Action, ok: StatusCode| match caller {
        Some(user) if user.name != "gone" && !allowed(user.role, action) => StatusCode::FORBIDDEN,
        Some(user) if user.name != "gone" => ok,
        _ => StatusCode::UNAUTHORIZED,
    };
    let mut walked = std::collections::BTreeSet::new();
    for route in ROUTES {
        let concrete = route.path.replace("{index}", "0").replace("{number}", "0");
        let concrete = match route.path {
            "/api/proofs/inclusion" => format!("{concrete}?index=0"),
            "/api/proofs/consistency" => format!("{concrete}?old=0"),
            _ => concrete,
        };
        for caller in [None, Some(&revoked)].into_iter().chain(users.iter().map(Some)) {
            let token = caller.map(|u| u.token.as_str());
            let label = caller.map_or("no token".to_owned(), |u| u.name.clone());
            match (route.method, route.action) {
                (_, None) => {
                    let (status, _) = call(&router, route.method, &concrete, token, None).await;
                    assert_eq!(status, StatusCode::OK, "{} {} as {label}", route.method, route.path);
                }
                ("GET", Some(action)) => {
                    let expected = expected(caller, action, StatusCode::OK);
                    let (status, body) = call(&router, "GET", &concrete, token, None).await;
                    assert_eq!(status, expected, "GET {concrete} as {label}: {body}");
                }
                ("POST", Some(Action::Submit(_))) => {
                    let user = caller.unwrap_or(member);
                    let mut own = None;
                    for kind in EntryKind::ALL {
                        let corrects = (kind == EntryKind::Correction)
                            .then(|| own.unwrap_or(EntryRef { hash: Hash::empty(), index: 0 }));
                        let body = submission(user, kind, "{}", corrects);
                        let (status, answer) = call_json(&router, "POST", &concrete, token, &body).await;
                        let expected = expected(caller, Action::Submit(kind), StatusCode::CREATED);
                        assert_eq!(status, expected, "submit {kind} as {label}: {answer}");
                        if status == StatusCode::CREATED && own.is_none() {
                            own = Some(EntryRef {
                                hash: hash(&answer["leaf_hash"]),
                                index: answer["index"].as_u64().unwrap(),
                            });
                        }
                        walked.insert((route.path, kind.as_str()));
                    }
                }
                ("POST", Some(Action::Cosign)) => {
                    let user = caller.unwrap_or(member);
                    let (status, answer) =
                        call_json(&router, "POST", &concrete, token, &cosignature(user, &checkpoint)).await;
                    let expected = expected(caller, Action::Cosign, StatusCode::CREATED);
                    assert_eq!(status, expected, "cosign as {label}: {answer}");
                }
                other => panic!("route {other:?} is not walked"),
            }
            walked.insert((route.path, route.method));
        }
    }
    assert!(walked.len() >= ROUTES.len());
    // Every route, and every kind through the submit route.
    let every: std::collections::BTreeSet<(&str, &str)> = ROUTES
        .iter()
        .map(|r| (r.path, r.method))
        .chain(EntryKind::ALL.iter().map(|k| ("/api/entries", k.as_str())))
        .collect();
    assert_eq!(walked, every);
}

#[tokio::test]
async fn malformed_and_oversized_requests_get_4xx_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_sqlite(dir.path(), |_| {});
    let accounts = SqliteStore::open_dir(dir.path()).unwrap();
    let unc = add_user(&accounts, "UNC", RoleKind::MacMember, Some("unc"), 1);
    let kpa = add_user(&accounts, "KPA/CPV", RoleKind::MacMember, Some("kpa-cpv"), 2);
    let router = router(app.state());
    let token = Some(unc.token.as_str());
    let good = submission(&unc, EntryKind::Report, "{}", None);
    let mut unknown_field = good.clone();
    unknown_field["extra"] = json!(1);
    let mut bad_kind = good.clone();
    bad_kind["submission"]["kind"] = json!("rumour");
    let mut bad_signature = good.clone();
    bad_signature["signature"] = json!("00".repeat(64));
    let mut short_key = good.clone();
    short_key["submission"]["key"] = json!("abcd");
    let mut tampered = good.clone();
    tampered["submission"]["payload"] = json!("{\"changed\":true}");
    let big = json!({ "submission": { "payload": "x".repeat(2 * 1024 * 1024) } });
    // method, path, token, body, status, what the reason says
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<Vec<u8>>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        ("POST", "/api/entries", token, Some(b"{not json".to_vec()), StatusCode::BAD_REQUEST, "not the JSON expected"),
        ("POST", "/api/entries", token, Some(Vec::new()), StatusCode::BAD_REQUEST, "not the JSON expected"),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&unknown_field).unwrap()),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&bad_kind).unwrap()),
            StatusCode::BAD_REQUEST,
            "submission.kind",
        ),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&bad_signature).unwrap()),
            StatusCode::BAD_REQUEST,
            "signature",
        ),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&short_key).unwrap()),
            StatusCode::BAD_REQUEST,
            "submission.key",
        ),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&tampered).unwrap()),
            StatusCode::BAD_REQUEST,
            "does not verify",
        ),
        (
            "POST",
            "/api/entries",
            token,
            Some(serde_json::to_vec(&big).unwrap()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than",
        ),
        (
            "POST",
            "/api/entries",
            Some(&kpa.token),
            Some(serde_json::to_vec(&good).unwrap()),
            StatusCode::FORBIDDEN,
            "only as itself",
        ),
        (
            "POST",
            "/api/entries",
            Some("arm_nothex"),
            Some(serde_json::to_vec(&good).unwrap()),
            StatusCode::UNAUTHORIZED,
            "not a token",
        ),
        ("GET", "/api/entries/abc", token, None, StatusCode::BAD_REQUEST, "Invalid URL"),
        ("GET", "/api/entries/7", token, None, StatusCode::NOT_FOUND, "no entry 7"),
        ("GET", "/api/entries?limit=0", token, None, StatusCode::BAD_REQUEST, "limit must be"),
        ("GET", "/api/entries?from=-1", token, None, StatusCode::BAD_REQUEST, "from"),
        ("GET", "/api/entries?colour=red", token, None, StatusCode::BAD_REQUEST, "unknown field"),
        ("GET", "/api/proofs/inclusion?index=5&size=9", token, None, StatusCode::BAD_REQUEST, "size"),
        ("GET", "/api/proofs/consistency", token, None, StatusCode::BAD_REQUEST, "old"),
        ("GET", "/api/checkpoints/latest", token, None, StatusCode::NOT_FOUND, "no checkpoint"),
        ("POST", "/api/checkpoints/0/cosignatures", token, Some(b"[]".to_vec()), StatusCode::BAD_REQUEST, "JSON"),
        ("GET", "/api/nowhere", token, None, StatusCode::NOT_FOUND, "no such route"),
        ("DELETE", "/api/entries", token, None, StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
    ];
    for (method, path, token, body, expected, reason) in cases {
        let (status, answer) = call(&router, method, path, token, body).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        let error = answer["error"].as_str().unwrap_or_else(|| panic!("{method} {path}: no error field in {answer}"));
        assert!(error.contains(reason), "{method} {path}: {error:?} does not say {reason:?}");
    }
    assert_eq!(load(&SqliteStore::open_dir(dir.path()).unwrap()).map(|j| j.size()).unwrap_or(0), 0);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_health_and_metrics_answer() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_sqlite(dir.path(), |_| {});
    let router = router(app.state());
    let (status, document) = call(&router, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    for route in ROUTES {
        let operation = &document["paths"][route.path][route.method.to_lowercase()];
        assert!(operation.is_object(), "{} {} is not in the document", route.method, route.path);
        assert!(operation["responses"].is_object());
    }
    let documented: usize = document["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, ROUTES.len());
    let (status, health) = call(&router, "GET", "/health", None, None).await;
    assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, metrics) = call(&router, "GET", "/metrics", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let text = metrics.as_str().unwrap();
    assert!(text.contains("# TYPE armistice_entries_appended_total counter"), "{text}");
    assert!(text.contains("armistice_http_requests_total{route=\"/health\",status=\"200\"} 1"), "{text}");
}

#[tokio::test]
async fn a_server_at_its_request_limit_says_busy_but_stays_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_sqlite(dir.path(), |config| config.max_in_flight = 0);
    let accounts = SqliteStore::open_dir(dir.path()).unwrap();
    let unc = add_user(&accounts, "UNC", RoleKind::MacMember, Some("unc"), 1);
    let router = router(app.state());
    let (status, answer) = call(&router, "GET", "/api/whoami", Some(&unc.token), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer["error"].as_str().unwrap().contains("busy"), "{answer}");
    for path in ["/health", "/metrics", "/api/openapi.json"] {
        assert_eq!(call(&router, "GET", path, None, None).await.0, StatusCode::OK, "{path}");
    }
}

/// docs/server.md shows the matrix the code enforces.
#[test]
fn the_documented_matrix_is_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/server.md")).unwrap();
    let table = markdown_table();
    assert!(doc.contains(&table), "docs/server.md must contain the matrix exactly as the code has it:\n{table}");
}
