//! Times the extraction of long generated texts (issue 20, finding 5): the seeds' sentences
//! repeated on many lines, and clauses on one long line, at growing sizes.
//!
//!   cargo build --workspace --release --examples && target/release/examples/long_text [CHARS…]

use std::time::Instant;

use giaoban_vntext::extract::{UnitRegistry, extract};

const SEEDS: &[&str] = &[
    include_str!("../tests/seeds/000_7dbb8d5ceec85e96.txt"),
    include_str!("../tests/seeds/001_c93b7835f561c4d3.txt"),
    include_str!("../tests/seeds/002_d653996d74202f5a.txt"),
    include_str!("../tests/seeds/003_9ad25394f7ee9cae.txt"),
    include_str!("../tests/seeds/004_b6c01a3b0295957f.txt"),
];

const CLAUSE: &str = "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Công an huyện hoàn thành trước ngày 30/6/2023; ";

/// The seeds, one after another, until `chars` characters.
fn many_lines(chars: usize) -> String {
    let mut s = String::new();
    let mut n = 0;
    'outer: loop {
        for seed in SEEDS {
            for c in seed.chars() {
                if n >= chars {
                    break 'outer;
                }
                s.push(c);
                n += 1;
            }
            s.push_str("\n\n");
            n += 2;
        }
    }
    s
}

/// The seeds' text with every line break made a space: one line of `chars` characters.
fn one_line(chars: usize) -> String {
    many_lines(chars).replace(['\n', '\r'], " ")
}

/// One clause of assignment repeated on one line.
fn clauses(chars: usize) -> String {
    let n = CLAUSE.chars().count();
    CLAUSE.repeat(chars.div_ceil(n))
}

fn registry() -> UnitRegistry {
    UnitRegistry::new(&[
        (
            "tckh".to_string(),
            vec!["Phòng Tài chính - Kế hoạch".to_string()],
        ),
        ("ca".to_string(), vec!["Công an huyện".to_string()]),
    ])
}

fn main() {
    // `--json`: print every extraction (the seeds, and the three texts at each size) instead of
    // the times, to compare two builds' results.
    let json = std::env::args().any(|a| a == "--json");
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 200_000, 400_000]
    } else {
        sizes
    };
    let reg = registry();
    if json {
        for seed in SEEDS {
            for date in [None, Some(jiff::civil::date(2023, 3, 24))] {
                let x = extract(seed, &reg, date);
                println!("{}", serde_json::to_string(&x).unwrap_or_default());
            }
        }
    }
    for (name, make) in [
        ("many lines", many_lines as fn(usize) -> String),
        ("one line", one_line),
        ("clauses on one line", clauses),
    ] {
        for &n in &sizes {
            let text = make(n);
            let t = Instant::now();
            let x = extract(&text, &reg, None);
            if json {
                println!("{}", serde_json::to_string(&x).unwrap_or_default());
                continue;
            }
            println!(
                "{name:>20} {:>8} chars: {:>8.3} s, {} tasks",
                text.chars().count(),
                t.elapsed().as_secs_f64(),
                x.tasks.len()
            );
        }
    }
}
