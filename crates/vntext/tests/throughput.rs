//! Throughput of the whole pipeline on the seeds concatenated to ≥ 1 MB
//! (`cargo test --release -p giaoban-vntext --test throughput -- --ignored --nocapture`).
use std::time::Instant;

#[test]
#[ignore]
fn throughput() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seeds");
    let mut seeds = String::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        seeds.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        seeds.push_str("\n\n");
    }
    let mut text = String::new();
    while text.len() < 1_000_000 {
        text.push_str(&seeds);
    }
    let registry = giaoban_vntext::extract::UnitRegistry::new(&[(
        "tckh".into(),
        vec!["Phòng Tài chính - Kế hoạch".into()],
    )]);
    let start = Instant::now();
    let x = giaoban_vntext::extract::extract(&text, &registry, None);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "extract: {:.2} MB in {secs:.3} s = {:.1} MB/s ({} tasks, {} figures)",
        text.len() as f64 / 1e6,
        text.len() as f64 / 1e6 / secs,
        x.tasks.len(),
        x.figures.len()
    );
    for (name, f) in [
        (
            "find_quantities",
            &(|t: &str| giaoban_vntext::number::find_quantities(t).len()) as &dyn Fn(&str) -> usize,
        ),
        ("find_dates", &|t: &str| {
            giaoban_vntext::date::find_dates(t, jiff::civil::date(2023, 1, 1)).len()
        }),
        ("match_key", &|t: &str| {
            giaoban_vntext::normalize::match_key(t).len()
        }),
    ] {
        let start = Instant::now();
        let n = f(&text);
        let secs = start.elapsed().as_secs_f64();
        println!("{name}: {:.1} MB/s ({n})", text.len() as f64 / 1e6 / secs);
    }
}
