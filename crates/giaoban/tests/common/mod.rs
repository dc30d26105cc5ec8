//! Shared by the binary's tests: the demo server started as a person starts it, on a free port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_giaoban");

pub struct Server {
    pub child: Child,
    pub url: String,
    /// (username, one-time password) as printed at the first start.
    pub passwords: Vec<(String, String)>,
}

/// Starts `giaoban demo` on 127.0.0.1:0 in `data_dir` and reads its address and printed passwords.
pub fn start(data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(BIN)
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env("GIAOBAN_DATA_DIR", data_dir)
        .env_remove("GIAOBAN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("giaoban demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut passwords = Vec::new();
    let url = loop {
        let line = lines
            .next()
            .expect("server printed its address")
            .expect("line");
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() >= 3 && line.starts_with("  ") {
            passwords.push((cols[0].to_owned(), cols[1].to_owned()));
        }
        if let Some(pos) = line.find("http://") {
            break line[pos..].trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        url,
        passwords,
    }
}

/// A client signed in as `username` with the password the demo printed.
pub async fn sign_in(server: &Server, username: &str) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let password = server
        .passwords
        .iter()
        .find(|(u, _)| u == username)
        .map(|(_, p)| p.clone())
        .expect("password printed");
    let r = http
        .post(format!("{}/api/v1/session", server.url))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200, "{username} signs in");
    http
}

/// A GET that must answer 200 with JSON.
pub async fn get(http: &reqwest::Client, url: String) -> serde_json::Value {
    let r = http.get(&url).send().await.expect("get");
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.expect("json")
}
