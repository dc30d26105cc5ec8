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

/// Signs `username` in with the password the demo printed; Ok once the home page is shown.
async fn sign_in_as(s: &Session, server: &common::Server, username: &str) -> Result<(), String> {
    let password = server.password(username);
    s.goto(&format!("{}/login", server.url)).await;
    s.js(&format!(
        "document.getElementById('username').value = '{username}';\
         document.getElementById('password').value = '{password}';\
         document.getElementById('login-form').submit(); return true;"
    ))
    .await;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if s.path().await == "/" {
            return Ok(());
        }
    }
    Err(format!(
        "{username} did not reach the home page after signing in"
    ))
}

/// What does not fit the page's width, measured in the page (details opened first, so that
/// what they hold is measured too): the page itself when it scrolls sideways
/// (`documentElement.scrollWidth > innerWidth`); and every shown table that is wider than the
/// screen — its right edge past the screen, its content wider than its box
/// (`scrollWidth > clientWidth`), or any box around it that scrolls or clips it sideways (an
/// `overflow-x: auto` wrapper hiding columns is a table that does not fit).
const MEASURE_FIT: &str = r#"
document.querySelectorAll('details').forEach(d => { d.open = true; });
const W = window.innerWidth;
const out = [];
const de = document.documentElement;
if (de.scrollWidth > W) { out.push('page ' + de.scrollWidth + ' px wide'); }
document.querySelectorAll('table').forEach((t, i) => {
  const r = t.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { return; }
  const name = 'table ' + (t.id ? '#' + t.id : (t.className ? '.' + t.className.split(' ').join('.') : '') + '[' + i + ']');
  let why = null;
  if (r.right > W + 0.5 || r.left < -0.5) { why = 'spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px'; }
  else if (t.scrollWidth > t.clientWidth + 1) { why = 'content ' + t.scrollWidth + ' px in ' + t.clientWidth + ' px'; }
  else {
    for (let a = t.parentElement; a && a !== de; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible' && a.scrollWidth > a.clientWidth + 1) {
        why = 'clipped by ' + a.tagName.toLowerCase() + (a.className ? '.' + a.className : '') + ' (' + a.scrollWidth + ' px in ' + a.clientWidth + ' px)';
        break;
      }
    }
  }
  if (why) { out.push(name + ' ' + why); }
});
document.querySelectorAll('select[multiple]').forEach(sel => {
  const pick = sel.closest('label') ? sel.closest('label').nextElementSibling : sel.nextElementSibling;
  if (getComputedStyle(sel).display !== 'none' || !pick || !pick.classList.contains('pick')
      || pick.querySelectorAll('input[type=checkbox]').length !== sel.options.length) {
    out.push('select[name=' + sel.name + '] is a Ctrl-select, not checkboxes');
  }
});
if (/Ctrl/.test(document.body.innerText)) { out.push('the page asks for Ctrl'); }
return out;
"#;

/// The links to follow from a page: the menu's (on the first page), then in the page's main part
/// the first link of each shape (its path with ids as `:id`): first those deeper into the menu
/// entry's section, then the first record of each table, then any other; never a file, a
/// language switch, a sign-out or another query of the same page.
const COLLECT_LINKS: &str = r#"
const menu = arguments[0];
const shape = p => p.split('/').map(s => /^[0-9a-f-]{8,}$/i.test(s) || /^\d+$/.test(s) ? ':id' : s).join('/');
const ok = a => {
  if (!a.href || a.origin !== location.origin) { return false; }
  const p = a.pathname;
  if (p.startsWith('/lang/') || p === '/logout' || p.startsWith('/static/') || p.startsWith('/api/')) { return false; }
  if (/\.(xlsx|docx|pdf|csv|zip|png)$/i.test(p) || /(download|export|\/file)/i.test(p) || a.hasAttribute('download')) { return false; }
  return true;
};
if (menu) {
  return Array.from(document.querySelectorAll('header nav a')).filter(ok).map(a => a.pathname + a.search);
}
const here = location.pathname;
const seen = new Set();
const out = [];
const add = a => {
  const s = shape(a.pathname);
  if (a.pathname === here || seen.has(s)) { return; }
  seen.add(s);
  out.push(a.pathname);
};
document.querySelectorAll('main a').forEach(a => {
  if (ok(a) && here !== '/' && a.pathname.startsWith(here.replace(/\/$/, '') + '/')) { add(a); }
});
document.querySelectorAll('main table tbody').forEach(tb => {
  const a = Array.from(tb.querySelectorAll('a')).find(ok);
  if (a) { add(a); }
});
document.querySelectorAll('main a').forEach(a => { if (ok(a)) { add(a); } });
return out;
"#;

/// Visits, as `username` on a 390-px phone, every page of the menu and from each the first link of
/// each kind deeper in its section and the first record of each table; gives the number of pages
/// visited and the offenders, one line each.
async fn crawl_at_390(
    s: &Session,
    server: &common::Server,
    username: &str,
) -> Result<(usize, Vec<String>), String> {
    sign_in_as(s, server, username).await?;
    let menu = s
        .command(
            "execute/sync",
            json!({"script": COLLECT_LINKS, "args": [true]}),
        )
        .await;
    let mut queue: Vec<String> = vec!["/".to_owned()];
    for v in menu.as_array().cloned().unwrap_or_default() {
        if let Some(p) = v.as_str()
            && !queue.iter().any(|q| q == p)
        {
            queue.push(p.to_owned());
        }
    }
    if queue.len() < 8 {
        return Err(format!("{username}'s menu has only {queue:?}"));
    }
    let menu_len = queue.len();
    let mut seen_shapes = std::collections::HashSet::new();
    let mut offenders = Vec::new();
    let mut visited = 0;
    let mut i = 0;
    while i < queue.len() {
        let path = queue[i].clone();
        i += 1;
        s.goto(&format!("{}{path}", server.url)).await;
        let html = s
            .js("return document.contentType === 'text/html' && !!document.querySelector('main');")
            .await;
        if html != json!(true) {
            continue;
        }
        visited += 1;
        let width = s.js("return window.innerWidth;").await;
        if width.as_f64() != Some(390.0) {
            return Err(format!("the screen is {width} px wide at {path}"));
        }
        for what in s
            .js(MEASURE_FIT)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            offenders.push(format!(
                "{username} {path}: {}",
                what.as_str().unwrap_or("?")
            ));
        }
        // Deeper pages only from the menu's pages (one level down).
        if i <= menu_len {
            let links = s
                .command(
                    "execute/sync",
                    json!({"script": COLLECT_LINKS, "args": [false]}),
                )
                .await;
            for v in links.as_array().cloned().unwrap_or_default() {
                let Some(p) = v.as_str() else { continue };
                let shape: String = p
                    .split('/')
                    .map(|seg| {
                        if (seg.len() >= 8
                            && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
                            || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()))
                        {
                            ":id"
                        } else {
                            seg
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                if seen_shapes.insert(shape) && !queue.iter().any(|q| q == p) {
                    queue.push(p.to_owned());
                }
            }
        }
    }
    Ok((visited, offenders))
}

/// Issue 25: every page reached from the menu (and the first record of each list) fits a 390-px
/// phone, for the leader, the office, a department and a commune of the demo of today: no page
/// scrolls sideways and no table is wider than the screen (see [`MEASURE_FIT`] for what counts).
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; run by scripts/test"]
async fn browser_every_menu_page_fits_a_390_px_phone_for_each_role() {
    let engine = common::Engine::fresh().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start_with(
        &dir.path().join("demo"),
        engine.url.as_deref(),
        &["--as-of", "2026-12-06"],
    );
    let driver = Driver::start();
    let mut counts = Vec::new();
    let mut offenders = Vec::new();
    let mut failure = None;
    for (role, user) in [
        ("leader", "thanhhoa.chutich"),
        ("office", "thanhhoa.vanphong"),
        ("department", "thanhhoa.taichinh"),
        ("commune", "xa.camthuy"),
    ] {
        let s = driver.session(390, 844).await;
        match crawl_at_390(&s, &server, user).await {
            Ok((n, mut off)) => {
                let pages: std::collections::BTreeSet<&str> =
                    off.iter().filter_map(|o| o.split(": ").next()).collect();
                counts.push(format!(
                    "{role} ({user}): {n} pages, {} not fitting",
                    pages.len()
                ));
                offenders.append(&mut off);
            }
            Err(e) => {
                s.screenshot(&format!("fit_390_{role}")).await;
                failure = Some(format!("{role}: {e}"));
            }
        }
        s.close().await;
        if failure.is_some() {
            break;
        }
    }
    let _ = server.child.kill();
    let _ = server.child.wait();
    for line in &counts {
        println!("{line}");
    }
    if let Some(e) = failure {
        panic!("browser flow fit_390 ({}): {e}", engine.name);
    }
    assert!(
        offenders.is_empty(),
        "({}) {} things wider than a 390-px screen:\n{}",
        engine.name,
        offenders.len(),
        offenders.join("\n")
    );
    common::report_figure(&format!(
        "every menu page at 390 px on {}: {}; no page scrolls sideways, no table wider than the screen",
        engine.name,
        counts.join("; ")
    ));
}

/// Standard base64 (as WebDriver sends screenshots) to bytes.
fn from_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).expect("a byte"));
        }
    }
    out
}

/// Where a figure of the leader's home stands: shown, on the screen's width, a link.
const FIGURE_SHOWN: &str = r#"
const id = arguments[0];
const e = document.getElementById(id);
if (!e) { return {id, missing: true}; }
const r = e.getBoundingClientRect();
const s = getComputedStyle(e);
return {
  id,
  tag: e.tagName.toLowerCase(),
  href: e.getAttribute('href') || '',
  text: (e.textContent || '').trim(),
  shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
    && r.left >= -0.5 && r.right <= window.innerWidth + 0.5,
  width: Math.round(r.width),
};
"#;

/// Issue 25: the leader's home on a 390-px phone, on the demo of today (06/12/2026): the overdue
/// tasks, the late reports and what waits for a decision are each shown as a number that links to
/// its list, each with its chart within the screen; the overdue number and the waiting number
/// lead to the lists that count as many. A screenshot of the page is kept as a test artefact.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; run by scripts/test"]
async fn browser_leaders_home_at_390_px_shows_its_figures_with_charts() {
    let engine = common::Engine::fresh().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start_with(
        &dir.path().join("demo"),
        engine.url.as_deref(),
        &["--as-of", "2026-12-06"],
    );
    let driver = Driver::start();
    let s = driver.session(390, 844).await;
    let result = leaders_home_at_390(&s, &server).await;
    if result.is_err() {
        s.screenshot("leader_home_390").await;
    }
    s.close().await;
    let _ = server.child.kill();
    let _ = server.child.wait();
    match result {
        Ok(line) => common::report_figure(&format!("{} ({})", line, engine.name)),
        Err(e) => panic!("browser flow leader_home_390 ({}): {e}", engine.name),
    }
}

async fn leaders_home_at_390(s: &Session, server: &common::Server) -> Result<String, String> {
    sign_in_as(s, server, "thanhhoa.chutich").await?;
    let width = s.js("return window.innerWidth;").await;
    if width.as_f64() != Some(390.0) {
        return Err(format!("the screen is {width} px wide"));
    }
    let mut figures = Vec::new();
    for (number, chart) in [
        ("dash-overdue", "dash-chart"),
        ("dash-reports-late", "dash-reports-chart"),
        ("home-inbox-count", "home-inbox-chart"),
    ] {
        let n = s
            .command(
                "execute/sync",
                json!({"script": FIGURE_SHOWN, "args": [number]}),
            )
            .await;
        let c = s
            .command(
                "execute/sync",
                json!({"script": FIGURE_SHOWN, "args": [chart]}),
            )
            .await;
        if n["shown"] != json!(true) || n["tag"] != json!("a") || n["href"] == json!("") {
            return Err(format!("{number} is not a link shown on the screen: {n}"));
        }
        let count: usize = n["text"]
            .as_str()
            .unwrap_or("")
            .parse()
            .map_err(|_| format!("{number} is not a number: {n}"))?;
        // The demo of today has overdue tasks and waiting decisions; its reports are not late yet
        // (the month's is due 16/12/2026): 0 is then shown, as a link, with its chart of 0s.
        if count == 0 && number != "dash-reports-late" {
            return Err(format!("{number} is 0 on the demo of today"));
        }
        if c["shown"] != json!(true) || c["width"].as_i64().unwrap_or(0) < 300 {
            return Err(format!("{chart} is not shown across the screen: {c}"));
        }
        figures.push((number, count, n["href"].as_str().unwrap_or("").to_owned()));
    }
    if s.scrolls_sideways().await {
        return Err("the leader's home scrolls sideways".into());
    }

    // The screenshot, the whole page as a phone shows it.
    let shot = s
        .command(
            "goog/cdp/execute",
            json!({"cmd": "Page.captureScreenshot", "params": {"format": "png", "captureBeyondViewport": true}}),
        )
        .await;
    let png = from_base64(shot["data"].as_str().unwrap_or(""));
    if !png.starts_with(b"\x89PNG") {
        return Err("the screenshot is not a PNG".into());
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artefacts");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("leader-home-390.png");
    std::fs::write(&path, &png).map_err(|e| e.to_string())?;
    println!(
        "screenshot of the leader's home at 390 px: {}",
        path.display()
    );

    // The overdue number leads to the overdue tasks, as many as it says (or a first page of them).
    let (_, overdue, href) = &figures[0];
    s.goto(&format!("{}{href}", server.url)).await;
    let list = s
        .js("const rows = Array.from(document.querySelectorAll('#task-list tbody tr')); \
             return {path: location.pathname, query: location.search, \
                     rows: rows.length, overdue: rows.filter(r => r.dataset.status === 'overdue').length, \
                     paged: !!document.getElementById('task-pager'), \
                     wide: document.documentElement.scrollWidth > innerWidth};")
        .await;
    let rows = list["rows"].as_u64().unwrap_or(0) as usize;
    if list["path"] != json!("/tasks")
        || !list["query"]
            .as_str()
            .unwrap_or("")
            .contains("status=overdue")
        || list["overdue"].as_u64() != Some(rows as u64)
        || !(rows == *overdue || (list["paged"] == json!(true) && rows > 0))
        || list["wide"] != json!(false)
    {
        return Err(format!("the overdue number ({overdue}) opened {list}"));
    }
    // The waiting number leads to the inbox, which counts as many.
    let (_, waiting, href) = &figures[2];
    s.goto(&format!("{}{href}", server.url)).await;
    let inbox = s
        .js("const t = document.getElementById('inbox-total'); \
             return {path: location.pathname, total: t ? t.textContent.trim() : '', \
                     wide: document.documentElement.scrollWidth > innerWidth};")
        .await;
    if inbox["path"] != json!("/inbox")
        || inbox["total"] != json!(waiting.to_string())
        || inbox["wide"] != json!(false)
    {
        return Err(format!("the waiting number ({waiting}) opened {inbox}"));
    }
    let (_, late, late_href) = &figures[1];
    Ok(format!(
        "the leader's home at 390 px: {overdue} overdue → {href0} ({rows} rows), {late} late reports → {late_href}, {waiting} waiting → /inbox; each with its chart",
        href0 = figures[0].2
    ))
}
