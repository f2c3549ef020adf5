//! What the server tests share: a server on SQLite in a temporary directory with one
//! account per role, signed submissions, a oneshot caller and a small HTTP client for
//! servers on port 0.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use armistice_core::access::{Parties, RoleKind};
use armistice_core::agreement::Id;
use armistice_core::journal::{EntryKind, EntryRef, SecretKey, Submission, Time, hex};
use armistice_server::{App, Config, token};
use armistice_store::{Account, AccountStore, SqliteStore, Store};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub fn parties() -> Parties {
    Parties::new(vec![Id::parse("unc").unwrap(), Id::parse("kpa-cpv").unwrap()])
}

pub fn server_key() -> SecretKey {
    SecretKey::from_seed(&[200; 32])
}

/// An account the tests call as.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub role: RoleKind,
    pub key: SecretKey,
    pub token: String,
}

/// Adds an account with a fresh token.
pub fn add_user(store: &dyn AccountStore, name: &str, role: RoleKind, side: Option<&str>, seed: u8) -> User {
    let key = SecretKey::from_seed(&[seed; 32]);
    let token = token::generate().unwrap();
    let account = Account {
        name: name.into(),
        role: role.as_str().into(),
        side: side.map(str::to_owned),
        key: key.public(),
        created_at: Time::from_unix_millis(0).unwrap(),
        revoked_at: None,
    };
    store.add_account(&account, &token::hash(&token).unwrap()).unwrap();
    User { name: name.into(), role, key, token }
}

/// One account per role (the side roles for `unc`), in RoleKind::ALL order.
pub fn add_every_role(store: &dyn AccountStore) -> Vec<User> {
    RoleKind::ALL
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let side = role.has_side().then_some("unc");
            add_user(store, &format!("{role}-1"), role, side, 10 + i as u8)
        })
        .collect()
}

/// A signed submission of `kind` by `user`, as the API takes it.
pub fn submission(user: &User, kind: EntryKind, payload: &str, corrects: Option<EntryRef>) -> Value {
    let submission = Submission::new(kind, &user.name, user.key.public(), payload.into(), corrects).unwrap();
    let signature = submission.sign(&user.key).unwrap();
    let mut body = json!({
        "submission": { "kind": kind.as_str(), "submitter": user.name, "key": user.key.public().to_hex(), "payload": payload },
        "signature": hex::encode(&signature.0),
    });
    if let Some(target) = corrects {
        body["submission"]["corrects"] = json!({ "index": target.index, "hash": target.hash.to_hex() });
    }
    body
}

/// A server on SQLite in `dir`, started with `config` changes applied.
pub fn start_sqlite(dir: &std::path::Path, tune: impl FnOnce(&mut Config)) -> App {
    let mut config = Config::new(server_key(), parties());
    tune(&mut config);
    let writer: Box<dyn Store> = Box::new(SqliteStore::open_dir(dir).unwrap());
    let reader: Box<dyn Store> = Box::new(SqliteStore::open_dir(dir).unwrap());
    App::start(writer, reader, config).unwrap()
}

/// Calls the router once; returns the status and the body as JSON (or as a string).
pub async fn call(
    router: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request =
        request.header("content-type", "application/json").body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

pub async fn call_json(
    router: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    call(router, method, path, token, Some(serde_json::to_vec(body).unwrap())).await
}

/// A minimal HTTP/1.1 client for servers on port 0: one request per connection.
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    try_http(addr, method, path, token, body).await.unwrap()
}

/// As [`http`], with a failed connection, write or read returned as an error: a client
/// whose connection is reset before any answer came may send its request again.
pub async fn try_http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let auth = token.map(|t| format!("authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\n{auth}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let payload = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, serde_json::from_str(payload).unwrap_or(Value::Null)))
}

/// A schema of its own in the PostgreSQL database of `ARMISTICE_TEST_PG`, dropped at
/// the end; `None` when the variable is not set.
pub struct PgSchema {
    base: String,
    schema: String,
    pub url: String,
}

impl PgSchema {
    pub fn new() -> Option<Self> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::var("ARMISTICE_TEST_PG").ok().filter(|s| !s.is_empty())?;
        let schema = format!("armistice_server_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("ARMISTICE_TEST_PG connects");
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        Some(Self { base, schema, url })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
