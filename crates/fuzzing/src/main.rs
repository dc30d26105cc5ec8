//! A bounded fuzzing run on stable Rust: each target gets mutated copies of its seeds (and of the
//! inputs that did something new) for a time or a number of runs, every panic is caught, saved and
//! counted, and the figures are printed.
//!
//!   cargo run -p giaoban-fuzzing -- [--seconds S] [--runs N] [--seed X] [--artifacts DIR] [TARGET…]
//!
//! Targets: extract, xlsx_upload, xlsx_limits, units_file, criteria_set, indicator_catalog (all by
//! default).
//! Exits 1 when any input crashed a target; the input is written to DIR/TARGET/crash-… (default
//! fuzz/artifacts), where `cargo fuzz run TARGET FILE` (nightly) or this command replays it.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use giaoban_fuzzing::mutate::{self, Rng};
use giaoban_fuzzing::{TARGETS, UnitsFileTarget, dictionary, run_one, seeds};

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

struct Options {
    seconds: f64,
    runs: u64,
    seed: u64,
    artifacts: PathBuf,
    targets: Vec<String>,
    replay: Vec<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: giaoban-fuzzing [--seconds S] [--runs N] [--seed X] [--artifacts DIR] [--replay FILE…] [TARGET…]\n\
         targets: {}",
        TARGETS.join(", ")
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut o = Options {
        seconds: 10.0,
        runs: u64::MAX,
        seed: 20_230_328,
        artifacts: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/artifacts")),
        targets: Vec::new(),
        replay: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--seconds" => o.seconds = value().parse().unwrap_or_else(|_| usage()),
            "--runs" => o.runs = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => o.seed = value().parse().unwrap_or_else(|_| usage()),
            "--artifacts" => o.artifacts = PathBuf::from(value()),
            "--replay" => o.replay.push(PathBuf::from(value())),
            "-h" | "--help" => usage(),
            t if TARGETS.contains(&t) => o.targets.push(t.to_owned()),
            _ => usage(),
        }
    }
    if o.targets.is_empty() {
        o.targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    o
}

/// Runs one input, catching a panic; `Err` carries the panic's message.
fn guarded(target: &str, units: &UnitsFileTarget, data: &[u8]) -> Result<u64, String> {
    catch_unwind(AssertUnwindSafe(|| run_one(target, units, data)))
        .map_err(|_| LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default())
}

fn save_crash(dir: &std::path::Path, target: &str, data: &[u8]) -> PathBuf {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let dir = dir.join(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{h:016x}"));
    let _ = std::fs::write(&path, data);
    path
}

struct Figures {
    runs: u64,
    elapsed: Duration,
    slowest: Duration,
    corpus: usize,
    crashes: u64,
}

fn fuzz(target: &str, o: &Options, units: &UnitsFileTarget) -> Figures {
    let mut rng = Rng::new(o.seed ^ target.len() as u64);
    let dict = dictionary(target);
    let mut corpus = seeds(target);
    let mut seen = HashSet::new();
    let mut f = Figures {
        runs: 0,
        elapsed: Duration::ZERO,
        slowest: Duration::ZERO,
        corpus: 0,
        crashes: 0,
    };
    let mut crashes_seen = HashSet::new();
    let start = Instant::now();
    let budget = Duration::from_secs_f64(o.seconds);
    let mut i = 0usize;
    while f.runs < o.runs && start.elapsed() < budget {
        // The seeds themselves first, then mutations of the corpus.
        let input = if i < corpus.len() && f.runs < corpus.len() as u64 {
            corpus[i].clone()
        } else {
            let base = &corpus[rng.below(corpus.len())];
            if target == "xlsx_upload" {
                mutate::xlsx(&mut rng, base, &corpus, dict)
            } else {
                mutate::bytes(&mut rng, base, &corpus, dict)
            }
        };
        i += 1;
        let t = Instant::now();
        let outcome = guarded(target, units, &input);
        f.slowest = f.slowest.max(t.elapsed());
        f.runs += 1;
        match outcome {
            Ok(sig) => {
                if seen.insert(sig) && corpus.len() < 4096 {
                    corpus.push(input);
                }
            }
            Err(message) => {
                f.crashes += 1;
                if crashes_seen.insert(message.clone()) {
                    let path = save_crash(&o.artifacts, target, &input);
                    eprintln!(
                        "CRASH in {target}: {message}\n  input saved to {}",
                        path.display()
                    );
                }
            }
        }
    }
    f.elapsed = start.elapsed();
    f.corpus = corpus.len();
    f
}

fn main() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut m) = LAST_PANIC.lock() {
            *m = format!("{payload}{at}");
        }
    }));
    let o = options();
    let units = UnitsFileTarget::new();
    if !o.replay.is_empty() {
        let mut failed = false;
        for path in &o.replay {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for t in &o.targets {
                if let Err(m) = guarded(t, &units, &data) {
                    println!("{}: {t} CRASHES: {m}", path.display());
                    failed = true;
                }
            }
        }
        std::process::exit(i32::from(failed));
    }
    let mut total_crashes = 0;
    println!(
        "fuzzing on stable ({}), seed {}, at most {} s per target",
        if cfg!(debug_assertions) {
            "debug build, overflow checks on"
        } else {
            "release build"
        },
        o.seed,
        o.seconds
    );
    println!(
        "  {:<18} {:>9} {:>8} {:>10} {:>8} {:>12} {:>8}",
        "target", "inputs", "seconds", "inputs/s", "corpus", "slowest (ms)", "crashes"
    );
    for t in &o.targets {
        let f = fuzz(t, &o, &units);
        total_crashes += f.crashes;
        let secs = f.elapsed.as_secs_f64();
        println!(
            "  {:<18} {:>9} {:>8.1} {:>10.0} {:>8} {:>12.1} {:>8}",
            t,
            f.runs,
            secs,
            f.runs as f64 / secs.max(1e-9),
            f.corpus,
            f.slowest.as_secs_f64() * 1000.0,
            f.crashes
        );
    }
    if total_crashes > 0 {
        println!(
            "fuzzing: {total_crashes} crashing inputs (saved under {})",
            o.artifacts.display()
        );
        std::process::exit(1);
    }
    println!("fuzzing: 0 crashes");
}
