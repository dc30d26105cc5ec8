//! Faults: the server killed with SIGKILL in the middle of a burst of writes loses no write it had
//! acknowledged, and leaves none half-written (every unit has exactly its one audit entry).

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

mod common;

use common::{BIN, start};

async fn sign_in(url: &str, password: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = http
        .post(format!("{url}/api/v1/session"))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.expect("json")["csrf_token"]
        .as_str()
        .expect("token")
        .to_owned();
    (http, token)
}

#[tokio::test]
async fn sigkill_mid_burst_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("demo");
    let common::Server {
        mut child,
        url,
        passwords,
    } = start(&data);
    let password = passwords
        .iter()
        .find(|(u, _)| u == "admin")
        .map(|(_, p)| p.clone())
        .expect("admin password");
    let (http, token) = sign_in(&url, &password).await;
    let districts: Value = http
        .get(format!("{url}/api/v1/units?q=Huyen%20Cam%20Thuy"))
        .send()
        .await
        .expect("units")
        .json()
        .await
        .expect("json");
    let district = districts["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["kind"] == "district")
        .expect("Huyện Cẩm Thủy")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, token, url, district, acknowledged) = (
            http.clone(),
            token.clone(),
            url.clone(),
            district.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let name = format!("Xã Thử {w}-{i}");
                let sent = http
                    .post(format!("{url}/api/v1/units"))
                    .header("x-csrf-token", &token)
                    .json(&json!({"kind": "commune", "level": "xa", "name": name, "parent_id": district}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 201 => acknowledged.lock().expect("lock").push(name),
                    Ok(r) => panic!("unexpected {} before the kill", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for w in writers {
        w.await.expect("writer");
    }
    let acknowledged: Vec<String> = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 10,
        "the burst was under way: {}",
        acknowledged.len()
    );

    // Restart on the same data and count what is there.
    let common::Server { mut child, url, .. } = start(&data);
    let (http, _) = sign_in(&url, &password).await;
    let found: Value = http
        .get(format!("{url}/api/v1/units?q=Xa%20Thu"))
        .send()
        .await
        .expect("units")
        .json()
        .await
        .expect("json");
    // The search ignores diacritics ("Xã Thuần Thiện" matches too): keep the burst's own names.
    let found: HashSet<String> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .filter(|n| n.starts_with("Xã Thử "))
        .map(str::to_owned)
        .collect();
    for name in &acknowledged {
        assert!(found.contains(name), "acknowledged write lost: {name}");
    }
    // Every stored unit has exactly one creation entry in the trail: no half-written transaction.
    let mut created = 0;
    let mut before: Option<i64> = None;
    loop {
        let mut q = format!("{url}/api/v1/audit?entity=unit&limit=500");
        if let Some(b) = before {
            q.push_str(&format!("&before={b}"));
        }
        let page: Value = http
            .get(q)
            .send()
            .await
            .expect("audit")
            .json()
            .await
            .expect("json");
        created += page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| {
                e["action"] == "create"
                    && e["after"]["name"]
                        .as_str()
                        .is_some_and(|n| n.starts_with("Xã Thử"))
            })
            .count();
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    assert_eq!(created, found.len(), "one audit entry per stored unit");
    println!(
        "kill -9 (SQLite): {} writes acknowledged with 201, {} found after restart, {} audit entries",
        acknowledged.len(),
        found.len(),
        created
    );
    child.kill().expect("stop");
    let _ = child.wait();
}

#[tokio::test]
async fn logs_never_carry_passwords_tokens_or_session_ids() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("demo");
    let log = dir.path().join("server.log");
    let mut child = Command::new(BIN)
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env("GIAOBAN_DATA_DIR", &data)
        .env("GIAOBAN_LOG", "debug")
        .env_remove("GIAOBAN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut password = String::new();
    let url = loop {
        let line = lines.next().expect("line").expect("line");
        if line.starts_with("  admin ") {
            password = line.split_whitespace().nth(1).expect("password").to_owned();
        }
        if let Some(pos) = line.find("http://") {
            break line[pos..].trim().to_owned();
        }
    };
    let (http, token) = sign_in(&url, &password).await;
    let _ = http
        .get(format!("{url}/api/v1/units?q=bí%20mật"))
        .send()
        .await
        .expect("search");
    let wrong = reqwest::Client::new()
        .post(format!("{url}/api/v1/session"))
        .json(&json!({"username": "admin", "password": "sai-mat-khau-rat-rieng"}))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 401);
    child.kill().expect("stop");
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("/api/v1/session"), "requests are logged");
    for secret in [
        password.as_str(),
        "sai-mat-khau-rat-rieng",
        token.as_str(),
        "bí mật",
        "b%C3%AD",
    ] {
        assert!(!text.contains(secret), "the log carries {secret:?}");
    }
    assert!(
        !text.contains("giaoban_session="),
        "no session cookie in the log"
    );
}
