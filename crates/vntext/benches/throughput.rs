//! Throughput of [`extract`] (and of the scanners under it) on the five seeds concatenated to at
//! least 1 MB, and of long texts at 100k/200k/400k characters:
//! `cargo bench --workspace --bench throughput`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use giaoban_vntext::extract::{UnitRegistry, extract};
use giaoban_vntext::{date, normalize, number};

const SEEDS: &[&str] = &[
    include_str!("../tests/seeds/000_7dbb8d5ceec85e96.txt"),
    include_str!("../tests/seeds/001_c93b7835f561c4d3.txt"),
    include_str!("../tests/seeds/002_d653996d74202f5a.txt"),
    include_str!("../tests/seeds/003_9ad25394f7ee9cae.txt"),
    include_str!("../tests/seeds/004_b6c01a3b0295957f.txt"),
];

fn corpus() -> String {
    let mut text = String::new();
    while text.len() < 1_000_000 {
        for s in SEEDS {
            text.push_str(s);
            text.push_str("\n\n");
        }
    }
    text
}

fn registry() -> UnitRegistry {
    let unit = |id: &str, names: &[&str]| {
        (
            id.to_string(),
            names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        )
    };
    UnitRegistry::new(&[
        unit(
            "tckh",
            &["Phòng Tài chính - Kế hoạch", "Phòng TC-KH", "TCKH"],
        ),
        unit("tnmt", &["Phòng Tài nguyên và Môi trường", "Phòng TN&MT"]),
        unit("ktht", &["Phòng Kinh tế và Hạ tầng", "Phòng KT&HT"]),
        unit(
            "nnptnt",
            &["Phòng Nông nghiệp và Phát triển nông thôn", "Phòng NN&PTNT"],
        ),
        unit(
            "vpdp",
            &[
                "Văn phòng điều phối nông thôn mới",
                "Văn phòng điều phối NTM",
            ],
        ),
        unit("ca", &["Công an huyện"]),
        unit("ubnd", &["UBND huyện", "Ủy ban nhân dân huyện"]),
    ])
}

fn throughput(c: &mut Criterion) {
    let text = corpus();
    let registry = registry();
    let doc_date = jiff::civil::date(2023, 3, 24);
    let mut g = c.benchmark_group("vntext");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("extract", |b| {
        b.iter(|| extract(black_box(&text), &registry, None))
    });
    g.bench_function("find_quantities", |b| {
        b.iter(|| number::find_quantities(black_box(&text)))
    });
    g.bench_function("find_dates", |b| {
        b.iter(|| date::find_dates(black_box(&text), doc_date))
    });
    g.bench_function("match_key", |b| {
        b.iter(|| normalize::match_key(black_box(&text)))
    });
    g.finish();
}

/// One clause of assignment, repeated on one line: the shape that made the reading quadratic
/// (issue 20, finding 5: a sentence walked for every task, the rest of the text searched again for
/// a trigger for every task, every date of the text looked at for every task).
const CLAUSE: &str = "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Công an huyện hoàn thành trước ngày 30/6/2023; ";

/// The extraction of 100k, 200k and 400k characters, on many lines (the seeds) and on one line
/// (clauses): with the reading linear, the time per byte stays flat across sizes.
fn long_texts(c: &mut Criterion) {
    let registry = registry();
    let seeds = corpus();
    let mut g = c.benchmark_group("vntext_long");
    g.sample_size(10);
    for chars in [100_000usize, 200_000, 400_000] {
        let lines: String = seeds.chars().take(chars).collect();
        let clauses = CLAUSE.repeat(chars.div_ceil(CLAUSE.chars().count()));
        for (name, text) in [("many_lines", lines), ("clauses_one_line", clauses)] {
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("{name}/{chars}"), |b| {
                b.iter(|| extract(black_box(&text), &registry, None))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, throughput, long_texts);
criterion_main!(benches);
