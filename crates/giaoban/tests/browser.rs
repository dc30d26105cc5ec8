//! The demo of today in a real headless Chromium (Debian's `chromium` and `chromium-driver`),
//! driven through WebDriver's HTTP protocol: `giaoban demo --as-of 2026-12-06` builds the demo at
//! that day and serves it with the clock fixed at its noon; the Chairman of UBND tỉnh Thanh Hóa
//! signs in and finds, at 1280 px and on a 390-px phone without horizontal scrolling, this week's
//! tasks, this month's reports and last month's notice. Ignored by plain `cargo test`;
//! `scripts/test` runs every `browser` test target with `--ignored` (on SQLite, then PostgreSQL).
//! Screenshots of failures go to `target/browser-screenshots/`.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Driver {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Driver {
    fn start() -> Driver {
        let bin = std::env::var("GIAOBAN_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (install Debian's chromium-driver)");
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    /// A browser session whose page is `width` px wide (phone emulation below 500 px: headless
    /// Chromium keeps its window at least about 500 px wide).
    async fn session(&self, width: u32, height: u32) -> Session {
        let chromium =
            std::env::var("GIAOBAN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut options = json!({
            "binary": chromium,
            "prefs": {"intl.accept_languages": "vi-VN,vi"},
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--window-size={width},{height}"),
            ]
        });
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}
            });
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}});
        for _ in 0..50 {
            if let Ok(r) = self
                .http
                .post(format!("{}/session", self.url))
                .json(&caps)
                .send()
                .await
                && let Ok(v) = r.json::<Value>().await
                && let Some(id) = v["value"]["sessionId"].as_str()
            {
                return Session {
                    http: self.http.clone(),
                    base: format!("{}/session/{id}", self.url),
                };
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not reach chromedriver at {}", self.url);
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    async fn command(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("chromedriver answers");
        let v: Value = r.json().await.expect("json");
        assert!(
            v["value"]["error"].is_null(),
            "WebDriver {path}: {}",
            v["value"]
        );
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.command("url", json!({"url": url})).await;
    }

    async fn js(&self, script: &str) -> Value {
        self.command("execute/sync", json!({"script": script, "args": []}))
            .await
    }

    async fn text(&self) -> String {
        self.js("return document.body.innerText;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn path(&self) -> String {
        self.js("return location.pathname;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn scrolls_sideways(&self) -> bool {
        self.js("return document.documentElement.scrollWidth > window.innerWidth;")
            .await
            .as_bool()
            .unwrap_or(true)
    }

    async fn screenshot(&self, name: &str) {
        let r = self
            .http
            .get(format!("{}/screenshot", self.base))
            .send()
            .await;
        if let Ok(r) = r
            && let Ok(v) = r.json::<Value>().await
            && let Some(b64) = v["value"].as_str()
        {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/browser-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{name}.png.base64")), b64);
        }
    }

    async fn close(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

/// The leader's view at one width: sign in, the home page, the board, the monthly report.
async fn leader_sees_today(s: &Session, server: &common::Server, width: u32) -> Result<(), String> {
    let password = server.password("thanhhoa.chutich");
    s.goto(&format!("{}/login", server.url)).await;
    s.js(&format!(
        "document.getElementById('username').value = 'thanhhoa.chutich';\
         document.getElementById('password').value = '{password}';\
         document.getElementById('login-form').submit(); return true;"
    ))
    .await;
    let mut path = String::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        path = s.path().await;
        if path == "/" {
            break;
        }
    }
    if path != "/" {
        return Err(format!("after signing in: {path}"));
    }
    let home = s.text().await;
    for want in ["Chủ tịch UBND tỉnh Thanh Hóa", "UBND tỉnh Thanh Hóa"] {
        if !home.contains(want) {
            return Err(format!("home page without «{want}»"));
        }
    }
    if s.scrolls_sideways().await {
        return Err(format!("the home page scrolls sideways at {width} px"));
    }

    // The board, as of the server's clock (06/12/2026): this week's tasks, last week's overdue
    // ones, last month's notice.
    s.goto(&format!("{}/board", server.url)).await;
    let board = s.text().await;
    if !board.contains("06/12/2026") {
        return Err("the board is not as of 06/12/2026".into());
    }
    let due_soon = s
        .js("const e = document.getElementById('total-due_soon'); return e ? e.textContent : '';")
        .await;
    let due_soon: usize = due_soon.as_str().unwrap_or("").trim().parse().unwrap_or(0);
    if due_soon < 2 {
        return Err(format!("{due_soon} tasks due soon on the board"));
    }
    let overdue = s
        .js("const t = document.getElementById('board-overdue'); return t ? t.innerText : '';")
        .await;
    let overdue = overdue.as_str().unwrap_or("");
    for want in [
        "Báo cáo tiến độ giải ngân vốn đầu tư công",
        "Hoàn thành bàn giao hồ sơ",
    ] {
        if !overdue.contains(want) {
            return Err(format!("overdue list without «{want}»"));
        }
    }
    let notices = s
        .js("const t = document.getElementById('board-conclusions'); return t ? t.innerText : '';")
        .await;
    if !notices
        .as_str()
        .unwrap_or("")
        .contains("hội nghị giao ban tháng 11/2026")
    {
        return Err("last month's notice is not on the board".into());
    }
    if s.scrolls_sideways().await {
        return Err(format!("the board scrolls sideways at {width} px"));
    }
    // This week's tasks, in the list the board's count links to.
    s.goto(&format!("{}/tasks?status=due_soon", server.url))
        .await;
    let tasks = s.text().await;
    for want in ["07/12/2026", "09/12/2026", "Sở Tài chính"] {
        if !tasks.contains(want) {
            return Err(format!("tasks due this week without «{want}»"));
        }
    }
    if s.scrolls_sideways().await {
        return Err(format!("the task list scrolls sideways at {width} px"));
    }

    // This month's monthly report of the communes: due 16/12/2026, 56 of 166 sent.
    s.goto(&format!("{}/reports", server.url)).await;
    let link = s
        .js("const a = document.getElementById('board-KTXH_THANG_XA'); return a ? a.getAttribute('href') : '';")
        .await;
    let link = link.as_str().unwrap_or("").to_owned();
    let Some((form, _)) = link.rsplit_once('/') else {
        return Err("no monthly report on the reports page".into());
    };
    s.goto(&format!("{}{form}/202612", server.url)).await;
    let board = s.text().await;
    if !board.contains("16/12/2026") {
        return Err("the monthly report is not due 16/12/2026".into());
    }
    let totals = s
        .js("return [document.getElementById('total-expected').textContent, document.getElementById('total-sent').textContent];")
        .await;
    if totals != json!(["166", "56"]) {
        return Err(format!("monthly report totals {totals}"));
    }
    if s.scrolls_sideways().await {
        return Err(format!("the report board scrolls sideways at {width} px"));
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; run by scripts/test"]
async fn browser_province_leader_sees_today_at_1280_and_390_px() {
    let engine = common::Engine::fresh().await;
    let dir = tempfile::tempdir().expect("dir");
    let started = std::time::Instant::now();
    let mut server = common::start_with(
        &dir.path().join("demo"),
        engine.url.as_deref(),
        &["--as-of", "2026-12-06"],
    );
    let built = started.elapsed();
    let driver = Driver::start();
    let mut failure = None;
    for (width, height) in [(1280, 900), (390, 844)] {
        let s = driver.session(width, height).await;
        if let Err(e) = leader_sees_today(&s, &server, width).await {
            s.screenshot(&format!("demo_today_{width}")).await;
            failure = Some(format!("at {width} px: {e}"));
        }
        s.close().await;
        if failure.is_some() {
            break;
        }
    }
    let _ = server.child.kill();
    let _ = server.child.wait();
    if let Some(e) = failure {
        panic!("browser flow demo_today ({}): {e}", engine.name);
    }
    common::report_figure(&format!(
        "demo of today on {}: built and serving in {:.1} s; the province leader's home, board, tasks and monthly report fit 1280 px and 390 px",
        engine.name,
        built.as_secs_f64()
    ));
}
