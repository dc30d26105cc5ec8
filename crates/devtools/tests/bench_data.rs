//! `giaoban-bench data` at a tiny scale: what it prints is what the database holds, the same
//! options give the same tasks whatever the number of writers, and the printed password signs in.

use std::collections::BTreeMap;
use std::process::Command;

use giaoban_storage::tasks::TaskFilter;
use giaoban_storage::{Store, StoreConfig};

mod common;

use common::BIN;

const TASKS: usize = 60;

fn bench_data(dir: &std::path::Path, jobs: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "--data-dir",
            dir.to_str().expect("utf-8 path"),
            "data",
            "--scale",
            "province",
            "--communes",
            "4",
            "--districts",
            "2",
            "--departments",
            "3",
            "--indicators",
            "2",
            "--months",
            "2",
            "--tasks",
            &TASKS.to_string(),
            "--jobs",
            jobs,
        ])
        .env_remove("GIAOBAN_DATABASE_URL")
        .env_remove("GIAOBAN_DATA_DIR")
        .output()
        .expect("run giaoban-bench data");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The number printed before `word` on the line starting with `prefix`.
fn printed(text: &str, prefix: &str, word: &str) -> usize {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix}: {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| w.trim_end_matches([',', ';']) == word)
        .unwrap_or_else(|| panic!("no {word} in {line}"));
    words[at - 1].parse().expect("a number")
}

async fn open(dir: &std::path::Path) -> Store {
    Store::open(&StoreConfig::in_data_dir(dir))
        .await
        .expect("open the data set")
}

/// Each task's contents, deadline, lead unit name and parts, by content (ids and times differ).
async fn tasks_by_content(store: &Store) -> BTreeMap<String, String> {
    let units = store.units().await.expect("units");
    let name = |id: giaoban_domain::unit::UnitId| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .expect("unit")
    };
    let mut out = BTreeMap::new();
    for t in store.tasks(&TaskFilter::default()).await.expect("tasks") {
        let coordinating: Vec<String> = t.coordinating_unit_ids.iter().map(|u| name(*u)).collect();
        let summary = format!(
            "{:?} lead {} with {:?}, {}% done {} cancelled {}",
            t.deadline,
            name(t.lead_unit_id),
            coordinating,
            t.percent.unwrap_or(0),
            t.completed_at.is_some(),
            t.cancelled
        );
        out.insert(t.content, summary);
    }
    out
}

#[tokio::test]
async fn a_tiny_data_set_holds_what_it_prints_and_is_reproducible() {
    let dir = tempfile::tempdir().expect("dir");
    let one = dir.path().join("one");
    let text = bench_data(&one, "1");
    assert!(
        text.contains("giaoban-bench data --scale province (SQLite)"),
        "{text}"
    );
    assert_eq!(printed(&text, "units:", "districts"), 2);
    assert_eq!(printed(&text, "units:", "communes"), 4);
    assert_eq!(printed(&text, "units:", "departments"), 3);
    assert_eq!(printed(&text, "reports:", "reports"), 8);
    assert_eq!(printed(&text, "tasks:", "tasks"), TASKS);
    let completed = printed(&text, "tasks:", "completed");
    let cancelled = printed(&text, "tasks:", "cancelled");
    let updates = printed(&text, "tasks:", "progress");

    let store = open(&one).await;
    assert_eq!(store.units().await.expect("units").len(), 1 + 2 + 4 + 3);
    let tasks = store.tasks(&TaskFilter::default()).await.expect("tasks");
    assert_eq!(tasks.len(), TASKS);
    assert_eq!(
        tasks.iter().filter(|t| t.completed_at.is_some()).count(),
        completed
    );
    assert_eq!(tasks.iter().filter(|t| t.cancelled).count(), cancelled);
    assert!(completed > 0 && updates > completed, "{text}");
    let mut history = 0;
    for t in &tasks {
        history += store
            .task_history(t.id)
            .await
            .expect("history")
            .iter()
            .filter(|h| h.kind != giaoban_domain::task::EventKind::Cancelled)
            .count();
    }
    assert_eq!(history, updates);
    // Every commune sent its two monthly reports: 2 indicators × 2 months × 4 communes.
    assert!(!store.all_aggregates().await.expect("aggregates").is_empty());
    let first = tasks_by_content(&store).await;
    store.close().await;

    // Three writers build the same tasks.
    let three = dir.path().join("three");
    bench_data(&three, "3");
    let store = open(&three).await;
    assert_eq!(tasks_by_content(&store).await, first);
    store.close().await;

    // The printed password signs bench-admin in, and the API sees every task.
    let password = text
        .lines()
        .find(|l| l.starts_with("Mật khẩu"))
        .and_then(|l| l.split_whitespace().last())
        .expect("password printed")
        .to_owned();
    let served = common::serve(open(&one).await).await;
    let url = served.url.clone();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = http
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"username": "bench-admin", "password": password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200);
    let list: serde_json::Value = http
        .get(format!("{url}/api/v1/tasks?per_page=7&page=2"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], TASKS);
    assert_eq!(list["items"].as_array().expect("items").len(), 7);
    drop(served);
}
