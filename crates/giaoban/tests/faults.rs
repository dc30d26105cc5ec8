//! Faults: the server killed with SIGKILL in the middle of a burst of writes — units created,
//! report figures saved and reports sent, task progress recorded — loses no write it had answered
//! 2xx, and leaves none half-written (every unit has exactly its one audit entry, every progress
//! note is stored once). Runs on SQLite, and on PostgreSQL in the suite's PostgreSQL pass
//! (`GIAOBAN_TEST_DATABASE_URL`). Its figures go to the suite's summary (`GIAOBAN_FIGURES`, see
//! scripts/test) and to stdout: `cargo test -p giaoban --test faults -- --nocapture`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

mod common;

use common::BIN;

/// What the burst wrote and heard back 2xx for.
#[derive(Default)]
struct Acknowledged {
    /// Units created (201), by name.
    units: Vec<String>,
    /// Report figures saved (200): (form, period, unit, indicator, value as typed).
    saved: Vec<(String, String, String, String, String)>,
    /// Reports sent (200 to `submit`): (form, period, unit).
    sent: Vec<(String, String, String)>,
    /// Progress updates recorded (200): (task, note).
    progress: Vec<(String, String)>,
}

async fn get_json(http: &reqwest::Client, url: String) -> Value {
    let r = http.get(&url).send().await.expect("get");
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.expect("json")
}

/// The value an entry view shows for an indicator.
fn entry_value(entry: &Value, code: &str) -> Option<String> {
    entry["items"]
        .as_array()?
        .iter()
        .find(|i| i["code"] == code)
        .and_then(|i| i["value"].as_str())
        .map(str::to_owned)
}

#[tokio::test]
async fn sigkill_mid_burst_loses_no_acknowledged_write() {
    let engine = common::Engine::fresh().await;
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("demo");
    let server = common::start_on(&data, engine.url.as_deref());
    let password = server.password("admin");
    let common::Server { mut child, url, .. } = server;
    let (http, token) = common::sign_in_with(&url, "admin", &password).await;
    let district = common::cam_thuy(&http, &url).await;

    // The reports: a form communes report on, its first number indicator, and the (period, unit)
    // pairs the burst will fill and send — years before the demo's own reports.
    let forms = get_json(&http, format!("{url}/api/v1/forms")).await;
    let form = forms["items"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["code"] == "KTXH_QUY_XA")
        .expect("a quarterly form for communes")
        .clone();
    let form_id = form["id"].as_str().expect("form id").to_owned();
    let indicators = get_json(&http, format!("{url}/api/v1/indicators")).await;
    let indicator = form["indicator_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str())
        .find(|c| {
            indicators["items"]
                .as_array()
                .expect("indicators")
                .iter()
                .any(|i| i["code"] == *c && i["value_type"] == "count")
        })
        .expect("a count indicator on the form")
        .to_owned();
    let completeness = get_json(
        &http,
        format!("{url}/api/v1/forms/{form_id}/periods/2019Q1/completeness?under={district}"),
    )
    .await;
    let communes: Vec<String> = completeness["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["unit_id"].as_str().expect("unit").to_owned())
        .collect();
    assert!(!communes.is_empty(), "communes report on {form_id}");
    // Sending needs every required figure: fill those with 1 (or «có», or a word).
    let first = get_json(
        &http,
        format!(
            "{url}/api/v1/forms/{form_id}/periods/2017Q1/units/{}",
            communes[0]
        ),
    )
    .await;
    let mut required = serde_json::Map::new();
    for item in first["items"].as_array().expect("items") {
        if item["required"] == true {
            let v = match item["value_type"].as_str() {
                Some("yes_no") => "có",
                Some("text") => "Đủ",
                _ => "1",
            };
            required.insert(item["code"].as_str().expect("code").to_owned(), json!(v));
        }
    }
    let mut slots = Vec::new();
    for year in 2017..2023 {
        for q in 1..=4 {
            for unit in &communes {
                slots.push((format!("{year}Q{q}"), unit.clone()));
            }
        }
    }

    // The tasks whose progress the burst reports.
    let tasks = get_json(&http, format!("{url}/api/v1/tasks?status=open")).await;
    let tasks: Vec<String> = tasks["items"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["rights"]["report_progress"] == true)
        .map(|t| t["id"].as_str().expect("task id").to_owned())
        .collect();
    assert!(
        !tasks.is_empty(),
        "open tasks the administrator may report on"
    );

    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let mut writers = Vec::new();
    // Two writers create units.
    for w in 0..2 {
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
                    Ok(r) if r.status() == 201 => acknowledged.lock().expect("lock").units.push(name),
                    Ok(r) => panic!("unexpected {} before the kill", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    // One writer fills in reports and sends them: save the figures, then submit.
    {
        let required = required.clone();
        let (http, token, url, form_id, indicator, acknowledged) = (
            http.clone(),
            token.clone(),
            url.clone(),
            form_id.clone(),
            indicator.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for (n, (period, unit)) in slots.into_iter().enumerate() {
                let value = (n + 1).to_string();
                let mut values = required.clone();
                values.insert(indicator.clone(), json!(value));
                let entry_url =
                    format!("{url}/api/v1/forms/{form_id}/periods/{period}/units/{unit}");
                let saved = http
                    .put(&entry_url)
                    .header("x-csrf-token", &token)
                    .json(&json!({"values": values}))
                    .send()
                    .await;
                let entry: Value = match saved {
                    Ok(r) if r.status() == 200 => match r.json().await {
                        Ok(v) => v,
                        Err(_) => break,
                    },
                    Ok(r) => panic!(
                        "unexpected {} saving {period} {unit}: {:?}",
                        r.status(),
                        r.text().await
                    ),
                    Err(_) => break,
                };
                acknowledged.lock().expect("lock").saved.push((
                    form_id.clone(),
                    period.clone(),
                    unit.clone(),
                    indicator.clone(),
                    value,
                ));
                let submission = entry["submission_id"]
                    .as_str()
                    .expect("submission")
                    .to_owned();
                let sent = http
                    .post(format!("{url}/api/v1/submissions/{submission}/action"))
                    .header("x-csrf-token", &token)
                    .json(&json!({"action": "submit", "version": entry["version"]}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acknowledged.lock().expect("lock").sent.push((
                        form_id.clone(),
                        period,
                        unit,
                    )),
                    Ok(r) => panic!(
                        "unexpected {} sending {period} {unit}: {:?}",
                        r.status(),
                        r.text().await
                    ),
                    Err(_) => break,
                }
            }
        }));
    }
    // One writer records progress on the tasks, each update with its own note.
    {
        let (http, token, url, acknowledged) = (
            http.clone(),
            token.clone(),
            url.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..100_000 {
                let task = &tasks[i % tasks.len()];
                let note = format!("Tiến độ thử {i}");
                let sent = http
                    .post(format!("{url}/api/v1/tasks/{task}/progress"))
                    .header("x-csrf-token", &token)
                    .json(&json!({"percent": "50", "note": note}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acknowledged
                        .lock()
                        .expect("lock")
                        .progress
                        .push((task.clone(), note)),
                    Ok(r) => panic!(
                        "unexpected {} reporting progress: {:?}",
                        r.status(),
                        r.text().await
                    ),
                    Err(_) => break,
                }
            }
        }));
    }
    // The kill comes once every kind of write has been answered a few times (not after a fixed
    // time: on a busy machine 2.5 s saw only 8 progress updates), while the writers keep going.
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let under_way = {
            let a = acknowledged.lock().expect("lock");
            a.units.len() >= 10 && !a.sent.is_empty() && a.progress.len() >= 10
        };
        if (under_way && started.elapsed() >= Duration::from_millis(500))
            || started.elapsed() >= Duration::from_secs(120)
        {
            break;
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for w in writers {
        w.await.expect("writer");
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().expect("lock"));
    assert!(
        acknowledged.units.len() >= 10
            && !acknowledged.sent.is_empty()
            && acknowledged.progress.len() >= 10,
        "the burst was under way: {} units, {} reports sent, {} progress updates",
        acknowledged.units.len(),
        acknowledged.sent.len(),
        acknowledged.progress.len()
    );

    // Restart on the same data and count what is there.
    let common::Server { mut child, url, .. } = common::start_on(&data, engine.url.as_deref());
    let (http, _) = common::sign_in_with(&url, "admin", &password).await;

    // Units: every acknowledged one is there, each with exactly one creation entry in the trail.
    let found = get_json(&http, format!("{url}/api/v1/units?q=Xa%20Thu")).await;
    // The search ignores diacritics ("Xã Thuần Thiện" matches too): keep the burst's own names.
    let found: HashSet<String> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .filter(|n| n.starts_with("Xã Thử "))
        .map(str::to_owned)
        .collect();
    for name in &acknowledged.units {
        assert!(found.contains(name), "acknowledged unit lost: {name}");
    }
    let mut created = 0;
    let mut before: Option<i64> = None;
    loop {
        let mut q = format!("{url}/api/v1/audit?entity=unit&limit=500");
        if let Some(b) = before {
            q.push_str(&format!("&before={b}"));
        }
        let page = get_json(&http, q).await;
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
    // At most one request per writer was in flight at the kill: written, never answered.
    assert!(found.len() - acknowledged.units.len() <= 2);

    // Reports: every saved figure reads back as typed; every sent report is sent, with it.
    let mut saved_found = 0;
    let mut sent_found = 0;
    for (form, period, unit, indicator, value) in &acknowledged.saved {
        let entry = get_json(
            &http,
            format!("{url}/api/v1/forms/{form}/periods/{period}/units/{unit}"),
        )
        .await;
        assert_eq!(
            entry_value(&entry, indicator).as_deref(),
            Some(value.as_str()),
            "acknowledged figure lost: {period} {unit}"
        );
        saved_found += 1;
        if acknowledged
            .sent
            .iter()
            .any(|(f, p, u)| f == form && p == period && u == unit)
        {
            assert_eq!(
                entry["status"], "submitted",
                "acknowledged sending lost: {period} {unit}"
            );
            sent_found += 1;
        }
    }
    // Progress: every acknowledged note is in its task's history, once.
    let mut progress_found = 0;
    let mut by_task: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for (task, note) in &acknowledged.progress {
        by_task.entry(task).or_default().push(note);
    }
    let mut stored_notes = 0;
    for (task, notes) in &by_task {
        let detail = get_json(&http, format!("{url}/api/v1/tasks/{task}")).await;
        let history: Vec<&str> = detail["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter_map(|h| h["note"].as_str())
            .filter(|n| n.starts_with("Tiến độ thử "))
            .collect();
        stored_notes += history.len();
        let unique: HashSet<&str> = history.iter().copied().collect();
        assert_eq!(
            unique.len(),
            history.len(),
            "a progress update stored twice"
        );
        for note in notes {
            assert!(
                unique.contains(note),
                "acknowledged progress lost: {task} {note}"
            );
            progress_found += 1;
        }
    }
    assert!(stored_notes - acknowledged.progress.len() <= 1);

    common::report_figure(&format!(
        "kill -9 ({}): answered 2xx / found after restart — units {}/{} ({} audit entries), \
         report figures saved {}/{}, reports sent {}/{}, progress updates {}/{} ({} stored)",
        engine.name,
        acknowledged.units.len(),
        found.len(),
        created,
        acknowledged.saved.len(),
        saved_found,
        acknowledged.sent.len(),
        sent_found,
        acknowledged.progress.len(),
        progress_found,
        stored_notes
    ));
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
    let (http, token) = common::sign_in_with(&url, "admin", &password).await;
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
