//! `giaoban-bench text`: giaoban's reading of documents against the word segmentation of pyvi and
//! underthesea, on the very same text file.
//!
//! The text is the five seed documents (real conclusion notices and reports) repeated to the asked
//! size, written to a file the peers read. giaoban runs its full extraction of each document — what
//! `POST /api/v1/extract` runs: the document's territory, then meeting, tasks with lead and
//! coordinating units matched against the demo's 350 units, deadlines, figures, recommendations and
//! warnings — and, on another row, `giaoban_vntext::extract` alone with the registry of every unit.
//! The peers only cut each line into words. Times are medians of runs alternating between them.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_storage::{Store, StoreConfig};

const SEEDS: [&str; 5] = [
    include_str!("../../vntext/tests/seeds/000_7dbb8d5ceec85e96.txt"),
    include_str!("../../vntext/tests/seeds/001_c93b7835f561c4d3.txt"),
    include_str!("../../vntext/tests/seeds/002_d653996d74202f5a.txt"),
    include_str!("../../vntext/tests/seeds/003_9ad25394f7ee9cae.txt"),
    include_str!("../../vntext/tests/seeds/004_b6c01a3b0295957f.txt"),
];

const SCRIPT: &str = include_str!("../peers/vi_segment.py");

pub struct Params {
    pub mb: f64,
    pub runs: usize,
    pub python: PathBuf,
    pub out: PathBuf,
    pub underthesea: bool,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The demo's units, read through a throw-away database (the same loader as `giaoban demo`).
async fn demo_units(
    dir: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<Vec<giaoban_domain::unit::Unit>> {
    let path = dir.join(format!("bench-text-units-{}.sqlite3", std::process::id()));
    let store = Store::open(&StoreConfig::Sqlite { path: path.clone() }).await?;
    let loaded = giaoban::units_file::load(
        &store,
        &AuditActor::system("bench"),
        giaoban::DEMO_UNITS_TOML,
        lang,
    )
    .await;
    let units = store.units().await.map(|u| u.as_ref().clone());
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    loaded?;
    Ok(units?)
}

pub async fn run(p: &Params, lang: Lang) -> anyhow::Result<()> {
    ensure!(
        p.mb > 0.0 && p.mb <= 100.0 && p.runs >= 1,
        "{}",
        lang.pick(
            "--mb từ 0 đến 100 và ít nhất một lần đo.",
            "--mb between 0 and 100 and at least one run."
        )
    );
    std::fs::create_dir_all(&p.out).with_context(|| p.out.display().to_string())?;
    let want = (p.mb * 1e6) as usize;
    let mut docs: Vec<&str> = Vec::new();
    let mut text = String::new();
    while text.len() < want {
        let d = SEEDS[docs.len() % SEEDS.len()];
        docs.push(d);
        text.push_str(d);
        text.push_str("\n\n");
    }
    let file = p.out.join("bench-text.txt");
    std::fs::write(&file, &text)?;
    let mb = text.len() as f64 / 1e6;

    let units = demo_units(&p.out, lang).await?;
    let registry = giaoban_domain::reading::registry(units.iter());
    // As the server reads: the directory made ready once (per revision), then each document.
    let reader = giaoban_domain::reading::Reader::new(&units, |_| true);
    let read_all = || {
        let (mut tasks, mut figures) = (0, 0);
        for d in &docs {
            let (x, _) = reader.read(d, None);
            tasks += x.tasks.len();
            figures += x.figures.len();
        }
        (tasks, figures)
    };
    let extract_all = || {
        let mut tasks = 0;
        for d in &docs {
            tasks += giaoban_vntext::extract::extract(d, &registry, None)
                .tasks
                .len();
        }
        tasks
    };
    let (tasks, figures) = read_all();
    ensure!(tasks > 0 && figures > 0, "no tasks or figures read");

    let script = p.out.join("vi_segment.py");
    std::fs::write(&script, SCRIPT)?;
    let mut child = Command::new(&p.python)
        .arg(&script)
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| {
            format!(
                "{} {}",
                p.python.display(),
                lang.pick(
                    "(Python có pyvi, underthesea: chạy ../shared/peers/pyenv.sh)",
                    "(Python with pyvi, underthesea: run ../shared/peers/pyenv.sh)"
                )
            )
        })?;
    let mut stdin = child.stdin.take().context("stdin")?;
    let mut stdout = BufReader::new(child.stdout.take().context("stdout")?);
    let mut line = || -> anyhow::Result<String> {
        let mut s = String::new();
        ensure!(
            stdout.read_line(&mut s)? > 0,
            "pyvi/underthesea: the process ended early"
        );
        Ok(s.trim().to_owned())
    };
    let ready: serde_json::Value = serde_json::from_str(&line()?)?;
    ensure!(
        ready["bytes"].as_u64() == Some(text.len() as u64),
        "the peers read {} bytes, not {}",
        ready["bytes"],
        text.len()
    );
    let mut peers = vec!["pyvi"];
    if p.underthesea {
        peers.push("underthesea");
    }
    let mut time = |cmd: &str| -> anyhow::Result<(Duration, u64)> {
        writeln!(stdin, "{cmd}")?;
        stdin.flush()?;
        let l = line()?;
        let (secs, toks) = l.split_once(' ').context("answer")?;
        Ok((Duration::from_secs_f64(secs.parse()?), toks.parse()?))
    };
    let (mut read_t, mut extract_t) = (vec![], vec![]);
    let mut peer_t: Vec<Vec<Duration>> = vec![vec![]; peers.len()];
    let mut tokens = vec![0u64; peers.len()];
    for _ in 0..p.runs {
        let t = Instant::now();
        std::hint::black_box(read_all());
        read_t.push(t.elapsed());
        for (i, name) in peers.iter().enumerate() {
            let (d, n) = time(name)?;
            peer_t[i].push(d);
            tokens[i] = n;
        }
        let t = Instant::now();
        std::hint::black_box(extract_all());
        extract_t.push(t.elapsed());
    }
    writeln!(stdin, "quit")?;
    drop(stdin);
    let _ = child.wait();

    let rate = |d: Duration| mb / d.as_secs_f64().max(1e-9);
    let (read_m, extract_m) = (median(read_t), median(extract_t));
    let peer_m: Vec<Duration> = peer_t.into_iter().map(median).collect();
    println!(
        "giaoban-bench text ({} build) vs pyvi {} / underthesea {}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        ready["pyvi"].as_str().unwrap_or("?"),
        ready["underthesea"].as_str().unwrap_or("?")
    );
    println!(
        "  text: {} ({:.2} MB UTF-8, {} documents = the 5 seeds repeated, {} lines); giaoban read {} tasks and {} figures; medians of {} alternating runs, one thread each",
        file.display(),
        mb,
        docs.len(),
        ready["lines"],
        tasks,
        figures,
        p.runs
    );
    println!("| tool | work | time | MB/s | giaoban (full reading) ÷ tool |");
    println!("|---|---|---|---|---|");
    println!(
        "| giaoban | full reading of each document (`Reader::read`, directory made ready once: territory, then `extract` with its units) | {:.3} s | {:.2} | 1.0× |",
        read_m.as_secs_f64(),
        rate(read_m)
    );
    println!(
        "| giaoban | `giaoban_vntext::extract` alone, registry of all {} demo units | {:.3} s | {:.2} | {:.2}× |",
        units.len(),
        extract_m.as_secs_f64(),
        rate(extract_m),
        rate(read_m) / rate(extract_m)
    );
    for (i, name) in peers.iter().enumerate() {
        println!(
            "| {name} | word segmentation of each line ({} words) | {:.3} s | {:.2} | {:.1}× |",
            tokens[i],
            peer_m[i].as_secs_f64(),
            rate(peer_m[i]),
            rate(read_m) / rate(peer_m[i])
        );
    }
    Ok(())
}

/// One line of `n` clauses, each a task with its units, an action and a deadline, after the
/// notice's date line: the shape of a notice pasted without its line breaks.
pub fn task_line(n: usize) -> String {
    let mut s = String::from("Cẩm Thủy, ngày 24 tháng 3 năm 2023. Kết luận cuộc họp: ");
    for i in 0..n {
        s.push_str(&format!(
            "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với UBND các xã rà soát hồ sơ đợt {} \
             trước ngày {}/{}/2023; ",
            i + 1,
            i % 28 + 1,
            i % 12 + 1
        ));
    }
    s
}

/// One line of `n` figures in a clause that never ends (no '.', ';' or ','), as a table pasted
/// without its cells' breaks reads.
pub fn figure_line(n: usize) -> String {
    let mut s = String::from("Cẩm Thủy, ngày 24 tháng 3 năm 2023. Kết quả ");
    for i in 0..n {
        s.push_str(&format!(
            "xã {} thu hoạch 5.466,32 tấn lúa tăng 12% so với cùng kỳ ",
            i + 1
        ));
    }
    s
}

/// The seeds with their line breaks made spaces, repeated to `bytes` (cut on a character).
pub fn one_line(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 4096);
    let mut i = 0;
    while s.len() < bytes {
        for c in SEEDS[i % SEEDS.len()].chars() {
            s.push(if c == '\n' || c == '\r' { ' ' } else { c });
        }
        s.push(' ');
        i += 1;
    }
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// `len` bytes from a fixed xorshift sequence, read as a pasted file is (lossy UTF-8).
pub fn random_text(len: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    giaoban_vntext::normalize::decode_text(&bytes)
}

/// `giaoban-bench text --scaling`: the time of `extract` (registry of the demo's units) as the
/// number of tasks on one line doubles and as one line without breaks doubles; a reading in linear
/// time doubles its time (ratio ≈ 2, 4× the input ≤ 4.5× the time). Medians of `runs`.
pub async fn scaling(runs: usize, lang: Lang) -> anyhow::Result<()> {
    ensure!(
        runs >= 1,
        "{}",
        lang.pick("Ít nhất một lần đo.", "At least one run.")
    );
    let units = demo_units(&std::env::temp_dir(), lang).await?;
    let registry = giaoban_domain::reading::registry(units.iter());
    println!(
        "giaoban-bench text --scaling ({} build), `giaoban_vntext::extract`, registry of {} demo units, medians of {runs} runs alternating between the sizes",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        units.len()
    );
    println!("| input | bytes | tasks | figures | time | × previous | × first |");
    println!("|---|---|---|---|---|---|---|");
    let families: [(Vec<String>, Vec<String>); 3] = [
        (
            [2_000, 4_000, 8_000]
                .map(|n| format!("{n} tasks on one line"))
                .into(),
            [2_000, 4_000, 8_000].map(task_line).into(),
        ),
        (
            [2_000, 4_000, 8_000]
                .map(|n| format!("{n} figures in one clause"))
                .into(),
            [2_000, 4_000, 8_000].map(figure_line).into(),
        ),
        (
            [0.25, 0.5, 1.0]
                .map(|mb| format!("{mb} MB of the seeds on one line"))
                .into(),
            [0.25, 0.5, 1.0]
                .map(|mb| one_line((mb * 1e6) as usize))
                .into(),
        ),
    ];
    for (labels, texts) in &families {
        // Each run times every size in turn, so that a change of the machine's load falls on all.
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); texts.len()];
        let mut counts = vec![(0, 0); texts.len()];
        for _ in 0..runs {
            for (i, text) in texts.iter().enumerate() {
                let start = Instant::now();
                let x = giaoban_vntext::extract::extract(text, &registry, None);
                times[i].push(start.elapsed());
                counts[i] = (x.tasks.len(), x.figures.len());
            }
        }
        let secs: Vec<f64> = times.into_iter().map(|t| median(t).as_secs_f64()).collect();
        for (i, label) in labels.iter().enumerate() {
            let ratio = |base: Option<&f64>| {
                base.map_or("—".to_string(), |b| {
                    format!("{:.2}", secs[i] / b.max(1e-9))
                })
            };
            let (tasks, figures) = counts[i];
            println!(
                "| {label} | {} | {tasks} | {figures} | {:.3} s | {} | {} |",
                texts[i].len(),
                secs[i],
                ratio(i.checked_sub(1).and_then(|p| secs.get(p))),
                ratio((i > 0).then(|| &secs[0]))
            );
        }
    }
    let random = random_text(200_000);
    let x = giaoban_vntext::extract::extract(&random, &registry, None);
    println!(
        "200 KB of random bytes (lossy UTF-8): {} figures, {} tasks, {} warnings",
        x.figures.len(),
        x.tasks.len(),
        x.warnings.len()
    );
    Ok(())
}
