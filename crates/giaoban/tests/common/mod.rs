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
    start_on(data_dir, None)
}

/// The database a test's server runs on: PostgreSQL (a fresh schema, dropped afterwards) when
/// `GIAOBAN_TEST_DATABASE_URL` is set, as in the suite's PostgreSQL pass; SQLite in the data
/// directory otherwise.
pub struct Engine {
    pub name: &'static str,
    /// `GIAOBAN_DATABASE_URL` for the server; `None` for SQLite.
    pub url: Option<String>,
    _db: Option<giaoban_storage::testing::TestDb>,
}

impl Engine {
    pub async fn fresh() -> Engine {
        let Ok(base) = std::env::var(giaoban_storage::testing::TEST_URL_VAR) else {
            return Engine {
                name: "SQLite",
                url: None,
                _db: None,
            };
        };
        if base.trim().is_empty() {
            return Engine {
                name: "SQLite",
                url: None,
                _db: None,
            };
        }
        let db = giaoban_storage::testing::TestDb::new().await;
        let giaoban_storage::StoreConfig::Postgres {
            url,
            schema: Some(schema),
        } = &db.config
        else {
            panic!(
                "{} names a PostgreSQL server",
                giaoban_storage::testing::TEST_URL_VAR
            );
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        Engine {
            name: "PostgreSQL",
            url: Some(format!("{url}{sep}options[search_path]={schema}")),
            _db: Some(db),
        }
    }
}

/// Starts `giaoban demo` as [`start`] does, on PostgreSQL when `database_url` is given.
pub fn start_on(data_dir: &std::path::Path, database_url: Option<&str>) -> Server {
    start_with(data_dir, database_url, &[])
}

/// Starts `giaoban demo` as [`start_on`] does, with further arguments (e.g. `--as-of 2026-12-06`).
pub fn start_with(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    extra: &[&str],
) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.args(["demo", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env("GIAOBAN_DATA_DIR", data_dir);
    match database_url {
        Some(url) => cmd.env("GIAOBAN_DATABASE_URL", url),
        None => cmd.env_remove("GIAOBAN_DATABASE_URL"),
    };
    let mut child = cmd
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
    sign_in_for_writes(server, username).await.0
}

/// A GET that must answer 200 with JSON.
pub async fn get(http: &reqwest::Client, url: String) -> serde_json::Value {
    let r = http.get(&url).send().await.expect("get");
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.expect("json")
}

impl Server {
    /// The password the demo printed for `username` at its first start.
    pub fn password(&self, username: &str) -> String {
        self.passwords
            .iter()
            .find(|(u, _)| u == username)
            .map(|(_, p)| p.clone())
            .expect("password printed")
    }
}

/// A client signed in as `username`, with the CSRF token its writes must carry.
pub async fn sign_in_for_writes(server: &Server, username: &str) -> (reqwest::Client, String) {
    sign_in_with(&server.url, username, &server.password(username)).await
}

/// The id of the demo's Huyện Cẩm Thủy (the district of seed 004).
pub async fn cam_thuy(http: &reqwest::Client, url: &str) -> String {
    get(http, format!("{url}/api/v1/units?q=Huyen%20Cam%20Thuy")).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["kind"] == "district")
        .expect("Huyện Cẩm Thủy")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A sign-in with a known password that must succeed: the client and its CSRF token.
pub async fn sign_in_with(url: &str, username: &str, password: &str) -> (reqwest::Client, String) {
    let (http, r) = try_sign_in(url, username, password).await;
    assert_eq!(r.status(), 200, "{username} signs in");
    let body: serde_json::Value = r.json().await.expect("json");
    let token = body["csrf_token"].as_str().expect("csrf token").to_owned();
    (http, token)
}

/// Posts a sign-in and gives the answer as it came; the client keeps the session if it holds.
pub async fn try_sign_in(
    url: &str,
    username: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = http
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign-in answered");
    (http, r)
}

/// Records a figure line for the suite's summary: appended to the file `GIAOBAN_FIGURES` names
/// (scripts/test sets it and prints the file at the end), and printed (seen with `--nocapture`).
pub fn report_figure(line: &str) {
    println!("{line}");
    if let Some(path) = std::env::var_os("GIAOBAN_FIGURES") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .expect("the figures file opens");
        writeln!(f, "{line}").expect("the figure is written");
    }
}
