//! Throughput of [`extract`] (and of the scanners under it) on the five seeds concatenated to at
//! least 1 MB: `cargo bench -p giaoban-vntext --bench throughput`.

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

criterion_group!(benches, throughput);
criterion_main!(benches);
