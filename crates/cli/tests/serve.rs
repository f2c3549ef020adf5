//! `armistice serve` and `armistice user` as a user runs them: accounts added, listed
//! and revoked; a real server process answering, stopped by SIGTERM; and a crash test
//! that SIGKILLs the server during sustained ingest, 50 times, and checks after each
//! restart that every acknowledged entry is stored as acknowledged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use armistice_core::journal::{EntryKind, Hash, SecretKey, Submission, hex};
use armistice_store::{JournalStore, SqliteStore, load};
use serde_json::{Value, json};

fn armistice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_armistice")).args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_teaches_serve_and_user() {
    for args in [
        vec!["serve", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "revoke", "--help"],
        vec!["user", "list", "--help"],
    ] {
        let output = armistice(&args);
        assert_eq!(output.status.code(), Some(0));
        let words: Vec<&str> =
            std::iter::once("armistice").chain(args.iter().copied().filter(|a| !a.starts_with('-'))).collect();
        insta::assert_snapshot!(format!("help_{}", words.join("_")), text(&output.stdout));
    }
}

/// A running `armistice serve` on port 0.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(data: &Path) -> Self {
        Self::start_with(&["--data", data.to_str().unwrap()])
    }

    fn start_with(store: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_armistice"))
            .arg("serve")
            .args(store)
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("the server says where it listens").unwrap();
            if let Some(rest) = line.split_once("on http://") {
                break rest.1.trim().parse().unwrap();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// One HTTP/1.1 request; `None` if the connection failed or was cut.
fn http(addr: SocketAddr, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let auth = token.map(|t| format!("authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\n{auth}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(&body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = text(&response);
    let status: u16 = response.split(' ').nth(1)?.parse().ok()?;
    let payload = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, serde_json::from_str(payload).unwrap_or(Value::Null)))
}

fn signed_report(name: &str, key: &SecretKey, payload: &str) -> Value {
    let submission = Submission::new(EntryKind::Report, name, key.public(), payload.into(), None).unwrap();
    let signature = submission.sign(key).unwrap();
    json!({
        "submission": { "kind": "report", "submitter": name, "key": key.public().to_hex(), "payload": payload },
        "signature": hex::encode(&signature.0),
    })
}

/// Adds account `name` (mac-member of unc) with `key`; returns its token.
fn add_account(data: &Path, name: &str, key: &SecretKey) -> String {
    add_account_in(&["--data", data.to_str().unwrap()], &data.with_extension(format!("{name}.pub")), name, key)
}

/// Adds account `name` (mac-member of unc) to the store `store` names, with `key`
/// written to `key_file`; returns its token.
fn add_account_in(store: &[&str], key_file: &Path, name: &str, key: &SecretKey) -> String {
    std::fs::write(key_file, key.public().to_hex()).unwrap();
    let mut args =
        vec!["user", "add", name, "--role", "mac-member", "--side", "unc", "--key", key_file.to_str().unwrap()];
    args.extend_from_slice(store);
    let output = armistice(&args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    text(&output.stdout).trim().to_owned()
}

#[test]
fn accounts_are_added_listed_revoked_and_the_server_obeys_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let unc = SecretKey::from_seed(&[1; 32]);
    let token = add_account(&data, "UNC", &unc);
    assert!(token.starts_with("arm_") && token.len() == 68, "{token}");

    let data_arg = data.to_str().unwrap();
    let bad_side =
        armistice(&["user", "add", "X", "--role", "staff", "--side", "rok", "--key", "/dev/null", "--data", data_arg]);
    assert_eq!(bad_side.status.code(), Some(2));
    assert!(text(&bad_side.stderr).contains("no side \"rok\" (its sides: unc, kpa-cpv)"), "{}", text(&bad_side.stderr));
    let again = armistice(&[
        "user",
        "add",
        "UNC",
        "--role",
        "observer",
        "--key",
        data.with_extension("UNC.pub").to_str().unwrap(),
        "--data",
        data_arg,
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("exists"), "{}", text(&again.stderr));

    let listed = armistice(&["user", "list", "--json", "--data", data_arg]);
    let accounts: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(accounts[0]["name"], "UNC");
    assert_eq!((accounts[0]["role"].as_str(), accounts[0]["side"].as_str()), (Some("mac-member"), Some("unc")));
    assert!(!text(&listed.stdout).contains(&token), "a token is never listed");

    let server = Server::start(&data);
    let (status, receipt) =
        http(server.addr, "POST", "/api/entries", Some(&token), Some(&signed_report("UNC", &unc, "{}"))).unwrap();
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(http(server.addr, "GET", "/api/whoami", Some(&token), None).unwrap().1["name"], "UNC");
    assert_eq!(armistice(&["user", "revoke", "UNC", "--data", data_arg]).status.code(), Some(0));
    assert_eq!(http(server.addr, "GET", "/api/whoami", Some(&token), None).unwrap().0, 401);
    assert!(server.terminate().success(), "SIGTERM stops the server cleanly");

    let store = SqliteStore::open_dir(&data).unwrap();
    let journal = load(&store).unwrap();
    assert_eq!(journal.size(), 1);
    assert_eq!(journal.checkpoints().last().map(|c| c.checkpoint.size), Some(1), "a last checkpoint on SIGTERM");
}

/// SIGKILL during sustained ingest, 50 rounds: after each restart every acknowledged
/// entry is stored with the leaf hash it was acknowledged with; the whole journal
/// verifies every ten rounds and at the end.
#[test]
fn acknowledged_entries_survive_sigkill() {
    const ROUNDS: usize = 50;
    const CLIENTS: usize = 4;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let unc = SecretKey::from_seed(&[1; 32]);
    let token = Arc::new(add_account(&data, "UNC", &unc));
    let unc = Arc::new(unc);
    let mut acknowledged: Vec<(u64, Hash)> = Vec::new();
    for round in 0..ROUNDS {
        let server = Server::start(&data);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (stop, token, unc, addr) = (stop.clone(), token.clone(), unc.clone(), server.addr);
                std::thread::spawn(move || {
                    let mut acks = Vec::new();
                    for n in 0.. {
                        let body =
                            signed_report("UNC", &unc, &format!(r#"{{"round":{round},"client":{client},"n":{n}}}"#));
                        match http(addr, "POST", "/api/entries", Some(&token), Some(&body)) {
                            Some((201, receipt)) if receipt["index"].is_u64() => acks.push((
                                receipt["index"].as_u64().unwrap(),
                                Hash::from_hex(receipt["leaf_hash"].as_str().unwrap()).unwrap(),
                            )),
                            // Cut off mid-answer by the kill: not an acknowledgement.
                            Some((201, _)) => break,
                            Some((status, answer)) => panic!("round {round}: {status} {answer}"),
                            None => break,
                        }
                        if stop.load(Ordering::Relaxed) && n > 1_000_000 {
                            break;
                        }
                    }
                    acks
                })
            })
            .collect();
        // Let ingest run a varying while, then kill the server mid-stream.
        std::thread::sleep(Duration::from_millis(60 + (round as u64 * 37) % 120));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            acknowledged.extend(client.join().unwrap());
        }
        let store = SqliteStore::open_dir(&data).unwrap();
        let size = store.size().unwrap();
        for (index, leaf) in &acknowledged {
            assert!(*index < size, "round {round}: acknowledged entry {index} is gone (size {size})");
            let row = store.read(*index, index + 1).unwrap();
            assert_eq!(row[0].leaf_hash, *leaf, "round {round}: entry {index} is not what was acknowledged");
        }
        if round % 10 == 9 || round + 1 == ROUNDS {
            let journal = load(&store).unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(journal.size(), size);
        }
    }
    let distinct: std::collections::BTreeSet<u64> = acknowledged.iter().map(|(i, _)| *i).collect();
    assert_eq!(distinct.len(), acknowledged.len(), "no index acknowledged twice");
    eprintln!(
        "{ROUNDS} SIGKILLs: {} entries acknowledged, all stored; {:.1} s",
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Two `armistice serve` processes on one PostgreSQL database, written to at once: one
/// journal, every acknowledged index once, no gap, and it exports and verifies.
#[test]
fn two_serve_processes_on_one_postgres_keep_one_journal() {
    let Some(base) = std::env::var("ARMISTICE_TEST_PG").ok().filter(|s| !s.is_empty()) else {
        eprintln!("ARMISTICE_TEST_PG is not set: the two-server process test was not run");
        return;
    };
    let schema = format!("armistice_serve_test_{}", std::process::id());
    let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let dir = tempfile::tempdir().unwrap();
    let server_key = dir.path().join("server.key");
    let key_arg = server_key.to_str().unwrap();
    assert_eq!(armistice(&["journal", "keygen", "--name", "server", "--out", key_arg]).status.code(), Some(0));
    let store = ["--db", url.as_str()];
    let sides = [("UNC", SecretKey::from_seed(&[1; 32])), ("KPA-CPV", SecretKey::from_seed(&[2; 32]))];
    let tokens: Vec<String> = sides
        .iter()
        .map(|(name, key)| add_account_in(&store, &dir.path().join(format!("{name}.pub")), name, key))
        .collect();
    let servers: Vec<Server> =
        (0..2).map(|_| Server::start_with(&["--db", url.as_str(), "--server-key", key_arg])).collect();
    const PER_CLIENT: usize = 40;
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (name, key) = (sides[client % 2].0, sides[client % 2].1.clone());
            let token = tokens[client % 2].clone();
            let addr = servers[client / 2].addr;
            std::thread::spawn(move || {
                (0..PER_CLIENT)
                    .map(|n| {
                        let body = signed_report(name, &key, &format!(r#"{{"client":{client},"n":{n}}}"#));
                        let (status, receipt) = http(addr, "POST", "/api/entries", Some(&token), Some(&body)).unwrap();
                        assert_eq!(status, 201, "{receipt}");
                        receipt["index"].as_u64().unwrap()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let indexes: std::collections::BTreeSet<u64> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    assert_eq!(indexes, (0..4 * PER_CLIENT as u64).collect(), "every index acknowledged once, none missing");
    for server in servers {
        assert!(server.terminate().success());
    }
    let export = dir.path().join("journal.ndjson");
    let exported = armistice(&["journal", "export", "--db", &url, "--out", export.to_str().unwrap()]);
    assert_eq!(exported.status.code(), Some(0), "{}", text(&exported.stderr));
    let verified = armistice(&["journal", "verify", export.to_str().unwrap(), "--json"]);
    assert_eq!(verified.status.code(), Some(0), "{}", text(&verified.stderr));
    let report: Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(report["entries"], 4 * PER_CLIENT as u64);
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
}
