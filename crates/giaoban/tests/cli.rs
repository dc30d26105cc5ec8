//! The binary as a person runs it: the demo serves, its printed password signs in, the unit tree
//! comes back over the API; a backup taken while writes go on restores after the server stops.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

mod common;

use common::{BIN, Server, start};

fn stop(mut s: Server) {
    let pid = s.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let code = s.child.wait().expect("wait");
    assert!(code.success(), "graceful shutdown exits 0, got {code}");
}

fn run(args: &[&str], data_dir: &std::path::Path) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("GIAOBAN_DATA_DIR", data_dir)
        .env_remove("GIAOBAN_DATABASE_URL")
        .output()
        .expect("run giaoban");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn demo_serves_signs_in_backs_up_under_writes_and_restores() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("demo");
    let server = start(&data);
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .expect("healthz");
    assert_eq!(r.status(), 200);
    let admin_pw = server
        .passwords
        .iter()
        .find(|(u, _)| u == "admin")
        .map(|(_, p)| p.clone())
        .expect("admin password printed");
    let r = http
        .post(format!("{}/api/v1/session", server.url))
        .json(&json!({"username": "admin", "password": admin_pw}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.expect("json")["csrf_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let units: Value = http
        .get(format!("{}/api/v1/units", server.url))
        .send()
        .await
        .expect("units")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = units["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    for expected in [
        "Huyện Cẩm Thủy",
        "Xã Cẩm Ngọc",
        "Huyện Thạch Hà",
        "Xã Đỉnh Bàn",
        "Huyện Sông Lô",
        "Huyện Bạch Thông",
    ] {
        assert!(names.contains(&expected), "{expected} in the demo tree");
    }
    let cam_ngoc = units["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["name"] == "Xã Cẩm Ngọc")
        .expect("Cẩm Ngọc")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // While contact updates go on, take a backup with the CLI.
    let writer = {
        let http = http.clone();
        let url = format!("{}/api/v1/units/{cam_ngoc}/contact", server.url);
        let token = token.clone();
        tokio::spawn(async move {
            let mut ok = 0;
            for i in 0..80 {
                let r = http
                    .put(&url)
                    .header("x-csrf-token", &token)
                    .json(&json!({"phone": format!("0237 {i:04}")}))
                    .send()
                    .await
                    .expect("write");
                assert_eq!(r.status(), 200);
                ok += 1;
            }
            ok
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let backup = dir.path().join("backup.sqlite3");
    let (ok, out) = run(&["backup", backup.to_str().expect("path")], &data);
    assert!(ok, "backup: {out}");
    assert!(out.contains("Đã sao lưu"), "{out}");
    assert_eq!(writer.await.expect("writer"), 80);

    // Restore is refused while the server holds the data directory.
    let (ok, out) = run(&["restore", backup.to_str().expect("path"), "--yes"], &data);
    assert!(
        !ok && out.contains("đang được một máy chủ giaoban khác sử dụng"),
        "{out}"
    );
    stop(server);

    let (ok, out) = run(&["restore", backup.to_str().expect("path")], &data);
    assert!(
        !ok && out.contains("--yes"),
        "restore asks for confirmation: {out}"
    );
    let (ok, out) = run(&["restore", backup.to_str().expect("path"), "--yes"], &data);
    assert!(ok, "restore: {out}");

    // The restored demo serves again, with the same accounts.
    let server = start(&data);
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = http
        .post(format!("{}/api/v1/session", server.url))
        .json(&json!({"username": "admin", "password": admin_pw}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200, "the restored database has the admin");
    let unit: Value = http
        .get(format!("{}/api/v1/units/{cam_ngoc}", server.url))
        .send()
        .await
        .expect("unit")
        .json()
        .await
        .expect("json");
    let phone = unit["contact"]["phone"].as_str().unwrap_or("");
    assert!(
        phone.is_empty() || phone.starts_with("0237 "),
        "a whole value from before the backup: {phone:?}"
    );
    stop(server);
}

#[test]
fn bad_arguments_are_explained_not_panicked() {
    let dir = tempfile::tempdir().expect("dir");
    let (ok, out) = run(&["backup"], dir.path());
    assert!(!ok && out.contains("FILE"), "{out}");
    let (ok, out) = run(&["--lang", "fr", "migrate"], dir.path());
    assert!(!ok && out.contains("vi | en"), "{out}");
    let (ok, out) = run(&["--database-url", "mysql://x", "migrate"], dir.path());
    assert!(
        !ok && out.contains("unsupported database URL") && out.contains("Cấu hình"),
        "{out}"
    );
    let (ok, out) = run(&["restore", "/nonexistent/file", "--yes"], dir.path());
    assert!(
        !ok && out.contains("not a file") && out.contains("không hợp lệ"),
        "{out}"
    );
    let (ok, out) = run(&["migrate"], dir.path());
    assert!(ok, "{out}");
}

#[test]
fn extract_reads_seed_004_against_the_demo_directory() {
    let dir = tempfile::tempdir().expect("dir");
    let units = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/units.toml");
    let (ok, out) = run(&["import", "units", units], dir.path());
    assert!(ok, "{out}");
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vntext/tests/seeds/004_b6c01a3b0295957f.txt"
    );
    let out = Command::new(BIN)
        .args(["extract", seed])
        .env("GIAOBAN_DATA_DIR", dir.path())
        .env_remove("GIAOBAN_DATABASE_URL")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let x: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let first = &x["tasks"][0];
    assert_eq!(first["lead"][0]["resolution"]["kind"], "exact", "{first}");
    assert_eq!(first["deadline"]["value"]["date"]["date"], "2023-03-27");
    let warnings = x["warnings"].to_string();
    assert!(
        warnings.contains("2022") && warnings.contains("Phạm Viết Hoài"),
        "{warnings}"
    );
    // The same reading as a table to read: one line per task, the finance department first.
    let (ok, out) = run(&["extract", "--format", "table", seed], dir.path());
    assert!(ok, "{out}");
    let first_task = out
        .lines()
        .find(|l| l.starts_with("1\t"))
        .expect("task line");
    let cols: Vec<&str> = first_task.split('\t').collect();
    assert_eq!(cols[1], "Phòng Tài chính - Kế hoạch", "{first_task}");
    assert_eq!(cols[3], "chậm nhất vào ngày 27/03/2023", "{first_task}");
    assert!(out.contains("Nhiệm vụ (6)"), "{out}");
    // Bytes that are not UTF-8 are read, never a panic.
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, [0xff, 0xfe, 0x00, 0xd8, b'G', 0x80, 0xc3]).expect("write");
    let (ok, out) = run(&["extract", bad.to_str().expect("path")], dir.path());
    assert!(ok, "{out}");
}
