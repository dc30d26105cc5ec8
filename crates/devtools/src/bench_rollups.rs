//! `giaoban-bench rollups`: the district and province roll-up of every indicator for a quarter
//! (quarter, year-to-date, plan, % of plan) served by giaoban against DuckDB computing it from the
//! same figures exported as Parquet, side by side; then a full rebuild of giaoban's aggregates
//! against DuckDB materialising the same aggregates.
//!
//! Works on the data set of `giaoban-bench reports` (built here when the database is empty). Plan
//! targets of the quarter's year are added for the province and the districts when missing. The
//! figures go out as CSV, DuckDB (the Python package, run as a child process) turns them into
//! Parquet and also loads them into in-memory tables. Both sides must give the same numbers, or the command fails.
//! Times are medians of runs that alternate between the two.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::indicator::{
    Aggregate, Figure, Indicator, IndicatorId, PlanTarget, RollupKind, percent_of_plan,
    rolled_value, year_to_date,
};
use giaoban_domain::period::{Period, PeriodKind};
use giaoban_domain::report::{SubmissionAction, SubmissionStatus};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{UnitId, UnitKind};
use giaoban_storage::{Store, StoreConfig};

use crate::bench_reports;

const SCRIPT: &str = include_str!("../peers/duckdb_rollups.py");

pub struct Params {
    /// The database `store` was opened on, to open it again as a server that has read nothing.
    pub config: StoreConfig,
    pub load: bench_reports::Params,
    pub quarter: Period,
    pub runs: usize,
    pub rebuild_runs: usize,
    pub python: PathBuf,
    pub out: PathBuf,
}

/// One row of the roll-up: scaled figures (value × 10 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Row {
    quarter: Option<i64>,
    ytd: Option<i64>,
    target: Option<i64>,
    pct: Option<i64>,
}

type Answer = BTreeMap<(UnitId, String), Row>;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn months(year: i16, from: i8, to: i8) -> anyhow::Result<Vec<Period>> {
    (from..=to)
        .map(|m| Period::month(year, m).map_err(|e| anyhow::anyhow!("{e:?}")))
        .collect()
}

/// giaoban's answer, as a page would serve it: the maintained aggregates of the units for the
/// months up to the quarter's end (one query), the year's targets (one query), folded with the
/// same functions as the roll-up page.
async fn giaoban_answer(
    store: &Store,
    units: &[UnitId],
    quarter: Period,
    indicators: &[Indicator],
) -> anyhow::Result<Answer> {
    let (year, q) = (quarter.year(), quarter.index());
    let ytd_months = months(year, 1, 3 * q)?;
    let aggs: HashMap<(UnitId, IndicatorId, Period), Aggregate> = store
        .aggregates(units, &ytd_months)
        .await?
        .into_iter()
        .map(|a| ((a.unit_id, a.indicator_id, a.period), a.aggregate))
        .collect();
    let targets: HashMap<(UnitId, IndicatorId), Figure> = store
        .targets(year, units)
        .await?
        .into_iter()
        .map(|t| ((t.unit_id, t.indicator_id), t.value))
        .collect();
    let by_code: HashMap<_, IndicatorId> = indicators.iter().map(|i| (&i.code, i.id)).collect();
    let mut out = Answer::new();
    for &unit in units {
        for ind in indicators
            .iter()
            .filter(|i| i.rollup.kind != RollupKind::None)
        {
            let figures: Vec<Option<Figure>> = ytd_months
                .iter()
                .map(|pc| {
                    rolled_value(ind, aggs.get(&(unit, ind.id, *pc)), |c| {
                        by_code
                            .get(c)
                            .and_then(|id| aggs.get(&(unit, *id, *pc)).copied())
                    })
                })
                .collect();
            let quarter_fig = year_to_date(ind.accumulation, &figures[figures.len() - 3..]);
            let ytd = year_to_date(ind.accumulation, &figures);
            let target = targets.get(&(unit, ind.id)).copied();
            let pct = ytd.zip(target).and_then(|(y, t)| percent_of_plan(y, t));
            if quarter_fig.is_none() && ytd.is_none() {
                continue;
            }
            out.insert(
                (unit, ind.code.to_string()),
                Row {
                    quarter: quarter_fig.map(Figure::scaled),
                    ytd: ytd.map(Figure::scaled),
                    target: target.map(Figure::scaled),
                    pct: pct.map(Figure::scaled),
                },
            );
        }
    }
    Ok(out)
}

/// The DuckDB child process.
struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Peer {
    fn line(&mut self) -> anyhow::Result<String> {
        let mut s = String::new();
        let n = self.stdout.read_line(&mut s)?;
        ensure!(n > 0, "DuckDB: the process ended early");
        Ok(s.trim().to_owned())
    }

    fn time(&mut self, cmd: &str) -> anyhow::Result<Duration> {
        writeln!(self.stdin, "{cmd}")?;
        self.stdin.flush()?;
        let l = self.line()?;
        let secs: f64 = l.parse().with_context(|| format!("DuckDB: «{l}»"))?;
        Ok(Duration::from_secs_f64(secs))
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

fn read_answer(path: &Path) -> anyhow::Result<Answer> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let int = |s: &str| -> anyhow::Result<Option<i64>> {
        if s.is_empty() {
            Ok(None)
        } else {
            Ok(Some(s.parse().with_context(|| format!("«{s}»"))?))
        }
    };
    let mut out = Answer::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        ensure!(f.len() == 6, "answer.csv: «{line}»");
        let unit = UnitId(f[0].parse().with_context(|| f[0].to_owned())?);
        out.insert(
            (unit, f[1].to_owned()),
            Row {
                quarter: int(f[2])?,
                ytd: int(f[3])?,
                target: int(f[4])?,
                pct: int(f[5])?,
            },
        );
    }
    Ok(out)
}

/// A reproducible pseudo-random number (xorshift).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// A unit's report of `period` sent back (returned, or reopened when accepted) and sent again: two
/// real writes that take its figures out of the aggregates and add them back.
async fn send_again(
    store: &Store,
    actor: &AuditActor,
    form: giaoban_domain::report::FormId,
    unit: UnitId,
    period: Period,
) -> anyhow::Result<()> {
    let sub = store
        .find_submission(form, unit, period)
        .await?
        .context("the report to send again")?;
    let reason = "Gửi lại (đo hiệu năng)".to_owned();
    let back = match sub.status {
        SubmissionStatus::Accepted => SubmissionAction::Reopen { reason },
        _ => SubmissionAction::Return { reason },
    };
    let now = jiff::Timestamp::now();
    let returned = store
        .act_on_submission(actor, sub.id, &back, sub.version, now)
        .await?;
    store
        .act_on_submission(
            actor,
            returned.id,
            &SubmissionAction::Submit,
            returned.version,
            now,
        )
        .await?;
    Ok(())
}

pub async fn run(store: &Store, p: &Params, lang: Lang) -> anyhow::Result<()> {
    ensure!(
        p.quarter.kind() == PeriodKind::Quarter,
        "{}",
        lang.pick(
            "--quarter phải là một quý, ví dụ 2025Q2.",
            "--quarter must be a quarter, e.g. 2025Q2."
        )
    );
    ensure!(
        p.runs >= 1 && p.rebuild_runs >= 1,
        "{}",
        lang.pick("Cần ít nhất một lần đo.", "At least one run is needed.")
    );
    let actor = AuditActor::system("bench");
    if store.units().await?.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "Cơ sở dữ liệu trống: tạo bộ dữ liệu của giaoban-bench reports…",
                "Empty database: building the giaoban-bench reports data set…"
            )
        );
        let units = bench_reports::build_units(store, &actor, &p.load).await?;
        bench_reports::load_reports(store, &actor, &p.load, &units, lang).await?;
    }
    let form = store.form_by_code("BENCH_THANG").await.map_err(|_| {
        anyhow::anyhow!(lang.pick(
            "Không phải bộ dữ liệu của giaoban-bench reports (thiếu biểu BENCH_THANG): dùng --data-dir mới.",
            "Not a giaoban-bench reports data set (no BENCH_THANG form): use a new --data-dir."
        ))
    })?;
    let units = store.units().await?;
    let tree = UnitTree::new(&units);
    let province = units
        .iter()
        .find(|u| u.kind == UnitKind::Province)
        .context("province")?
        .id;
    let districts: Vec<UnitId> = tree
        .children(Some(province))
        .iter()
        .filter(|u| u.kind == UnitKind::District)
        .map(|u| u.id)
        .collect();
    let mut rollup_units = vec![province];
    rollup_units.extend(&districts);
    let catalog = store.indicators().await?;
    let on_form: Vec<Indicator> = catalog
        .iter()
        .filter(|i| form.def.items.iter().any(|it| it.code == i.code))
        .cloned()
        .collect();
    let year = p.quarter.year();

    // Plan targets of the year, about 10 % above what the units under each one report in a year.
    let have = store.targets(year, &rollup_units).await?;
    if have.is_empty() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for &u in &rollup_units {
            let communes = tree
                .preorder(Some(u))
                .iter()
                .filter(|(x, _)| x.kind == UnitKind::Commune)
                .count() as i64;
            for (i, ind) in on_form.iter().enumerate() {
                let mean = if i % 4 == 0 { 250 * 10_000 } else { 50_000_000 };
                let spread = (next(&mut seed) % 40) as i64 + 90; // 90–129 % of a year's figures
                let value = Figure::from_scaled(communes * 12 * mean / 100 * spread);
                store
                    .set_target(
                        &actor,
                        &PlanTarget {
                            year,
                            unit_id: u,
                            indicator_id: ind.id,
                            value,
                            note: None,
                        },
                    )
                    .await?;
            }
        }
    }

    // Export: every counted figure with its commune, district, indicator and month; the targets.
    std::fs::create_dir_all(&p.out).with_context(|| p.out.display().to_string())?;
    let t_export = Instant::now();
    let codes: HashMap<IndicatorId, &str> =
        catalog.iter().map(|i| (i.id, i.code.as_str())).collect();
    let district_of = |u: UnitId| {
        tree.ancestry(u)
            .into_iter()
            .find(|a| tree.get(*a).is_some_and(|x| x.kind == UnitKind::District))
    };
    let figures = store.counted_figures().await?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(p.out.join("figures.csv"))?);
    writeln!(w, "district_id,commune_id,indicator,year,month,value")?;
    let mut district_cache: HashMap<UnitId, Option<UnitId>> = HashMap::new();
    for f in &figures {
        let period = f.period;
        if period.kind() != PeriodKind::Month {
            continue;
        }
        let d = *district_cache
            .entry(f.unit_id)
            .or_insert_with(|| district_of(f.unit_id));
        writeln!(
            w,
            "{},{},{},{},{},{}",
            d.map(|d| d.0.to_string()).unwrap_or_default(),
            f.unit_id.0,
            codes.get(&f.indicator_id).copied().unwrap_or(""),
            period.year(),
            period.index(),
            f.value.scaled()
        )?;
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(p.out.join("targets.csv"))?);
    writeln!(w, "unit_id,indicator,year,value")?;
    for t in store.targets(year, &rollup_units).await? {
        writeln!(
            w,
            "{},{},{},{}",
            t.unit_id.0,
            codes.get(&t.indicator_id).copied().unwrap_or(""),
            t.year,
            t.value.scaled()
        )?;
    }
    w.flush()?;
    let export = t_export.elapsed();

    // DuckDB: prepare (CSV → Parquet, in-memory tables, its answer), then wait for commands.
    let script = p.out.join("duckdb_rollups.py");
    std::fs::write(&script, SCRIPT)?;
    let mut child = Command::new(&p.python)
        .arg(&script)
        .arg(&p.out)
        .arg(year.to_string())
        .arg(p.quarter.index().to_string())
        .arg(province.0.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| {
            format!(
                "{} {}",
                p.python.display(),
                lang.pick(
                    "(Python có DuckDB: chạy ../shared/peers/pyenv.sh)",
                    "(Python with DuckDB: run ../shared/peers/pyenv.sh)"
                )
            )
        })?;
    let stdin = child.stdin.take().context("stdin")?;
    let stdout = BufReader::new(child.stdout.take().context("stdout")?);
    let mut peer = Peer {
        child,
        stdin,
        stdout,
    };
    let ready: serde_json::Value = serde_json::from_str(&peer.line()?)?;
    if let Some(e) = ready.get("error") {
        bail!("DuckDB: {e}");
    }

    // The same numbers on both sides, or nothing to compare.
    let theirs = read_answer(&p.out.join("answer.csv"))?;
    let ours = giaoban_answer(store, &rollup_units, p.quarter, &on_form).await?;
    let diffs: Vec<String> = theirs
        .iter()
        .filter(|(k, v)| ours.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k:?}: DuckDB {v:?}, giaoban {:?}", ours.get(k)))
        .chain(
            ours.keys()
                .filter(|k| !theirs.contains_key(*k))
                .map(|k| format!("{k:?}: giaoban only")),
        )
        .collect();
    ensure!(
        diffs.is_empty() && !ours.is_empty(),
        "{} ({} / {} rows): {}",
        lang.pick(
            "giaoban và DuckDB cho số khác nhau",
            "giaoban and DuckDB differ"
        ),
        diffs.len(),
        theirs.len(),
        diffs.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
    );
    // The roll-up page's own function at the quarter's last month: same year-to-date, plan, %.
    let last_month =
        Period::month(year, 3 * p.quarter.index()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let page = |u: UnitId| giaoban_app::reports::rollup_rows(store, u, last_month, &on_form, lang);
    for &u in &rollup_units {
        let rows = page(u).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(rows.len() == on_form.len(), "rollup_rows: {}", rows.len());
        for r in rows {
            let want = theirs
                .get(&(u, r.code.clone()))
                .copied()
                .unwrap_or_default();
            let f = |x: Option<i64>| x.map(|v| Figure::from_scaled(v).to_f64());
            ensure!(
                r.ytd == f(want.ytd)
                    && r.target == f(want.target)
                    && r.percent_of_plan == f(want.pct),
                "rollup_rows {u:?} {}: {:?} {:?} {:?} ≠ DuckDB {want:?}",
                r.code,
                r.ytd,
                r.target,
                r.percent_of_plan
            );
        }
    }

    // Real writes before each round: a commune's report of the quarter's last month sent back by
    // the district and sent again (its figures leave the aggregates of the commune, its district
    // and the province, and come back), and the province's first target set again to its value.
    // The first read of a round brings the store's kept copy up to date (it reads the changes and
    // the changed rows again), the second serves the copy, the third is the first read of a
    // server that has read nothing yet (a second store opened on the same database).
    let rewrite = store
        .targets(year, &[province])
        .await?
        .into_iter()
        .next()
        .context("a target of the province")?;
    let resent = tree
        .preorder(Some(province))
        .iter()
        .find(|(u, _)| u.kind == UnitKind::Commune)
        .map(|(u, _)| u.id)
        .context("a commune")?;
    // Alternating runs.
    let (mut ours_t, mut page_t, mut pq_t, mut tb_t) = (vec![], vec![], vec![], vec![]);
    let (mut kept_t, mut cold_t) = (vec![], vec![]);
    for _ in 0..p.runs {
        send_again(store, &actor, form.id, resent, last_month).await?;
        store.set_target(&actor, &rewrite).await?;
        let t = Instant::now();
        let a = giaoban_answer(store, &rollup_units, p.quarter, &on_form).await?;
        ours_t.push(t.elapsed());
        ensure!(
            a == ours,
            "the roll-up changed after sending the same report again"
        );
        let t = Instant::now();
        let again = giaoban_answer(store, &rollup_units, p.quarter, &on_form).await?;
        kept_t.push(t.elapsed());
        ensure!(again == a);
        let fresh = Store::open(&p.config).await?;
        let t = Instant::now();
        let cold = giaoban_answer(&fresh, &rollup_units, p.quarter, &on_form).await?;
        cold_t.push(t.elapsed());
        fresh.close().await;
        ensure!(cold == a);
        pq_t.push(peer.time("rollup parquet")?);
        let t = Instant::now();
        for &u in &rollup_units {
            page(u).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        page_t.push(t.elapsed());
        tb_t.push(peer.time("rollup table")?);
    }
    let (kept_m, cold_m) = (median(kept_t), median(cold_t));
    let before = store.all_aggregates().await?;
    let (mut rb_t, mut rbq_t, mut rbt_t) = (vec![], vec![], vec![]);
    let mut summary = None;
    for _ in 0..p.rebuild_runs {
        let t = Instant::now();
        summary = Some(store.rebuild_aggregates(&actor).await?);
        rb_t.push(t.elapsed());
        rbq_t.push(peer.time("rebuild parquet")?);
        rbt_t.push(peer.time("rebuild table")?);
    }
    let after = store.all_aggregates().await?;
    ensure!(
        before == after,
        "{}",
        lang.pick(
            "Dựng lại cho tổng khác với tổng duy trì khi ghi.",
            "The rebuild differs from the aggregates kept on write."
        )
    );
    let summary = summary.context("rebuild")?;
    let our_sum: i128 = after
        .iter()
        .map(|a| i128::from(a.aggregate.sum.scaled()))
        .sum();
    ensure!(
        ready["aggregates"].as_u64() == Some(summary.aggregates)
            && ready["aggregate_sum"].as_str() == Some(our_sum.to_string().as_str()),
        "{}: DuckDB {} / {}, giaoban {} / {our_sum}",
        lang.pick("Số tổng hợp khác nhau", "The aggregates differ"),
        ready["aggregates"],
        ready["aggregate_sum"],
        summary.aggregates
    );
    drop(peer);

    let (ours_m, page_m, pq_m, tb_m) = (median(ours_t), median(page_t), median(pq_t), median(tb_t));
    let (rb_m, rbq_m, rbt_m) = (median(rb_t), median(rbq_t), median(rbt_t));
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
    println!(
        "giaoban-bench rollups ({}, {} build) vs DuckDB {} ({} threads)",
        store.engine().name(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        ready["duckdb"].as_str().unwrap_or("?"),
        ready["threads"]
    );
    println!(
        "  data: {} counted figures ({} exported in {:.1} s, DuckDB → Parquet + tables in {:.1} s); {} aggregates",
        figures.len(),
        ready["figures"],
        export.as_secs_f64(),
        ready["prepare_s"].as_f64().unwrap_or(0.0),
        summary.aggregates
    );
    println!(
        "  roll-up of {} (months {:02}–{:02}, year to date {:02}–{:02}, plan, % of plan): province + {} districts × {} indicators = {} rows, identical on both sides",
        p.quarter.code(),
        3 * p.quarter.index() - 2,
        3 * p.quarter.index(),
        1,
        3 * p.quarter.index(),
        districts.len(),
        on_form.len(),
        ours.len()
    );
    println!(
        "  medians of {} alternating runs ({} for the rebuild):",
        p.runs, p.rebuild_runs
    );
    println!(
        "| work | giaoban | DuckDB on Parquet | DuckDB in-memory table | DuckDB ÷ giaoban (Parquet / table) |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| roll-up, first read after the writes (the kept copy brought up to date: changes and changed aggregates read) | {} | {} | {} | {:.1}× / {:.1}× |",
        ms(ours_m),
        ms(pq_m),
        ms(tb_m),
        ratio(ours_m, pq_m),
        ratio(ours_m, tb_m)
    );
    println!(
        "| roll-up, first read of a server that has read nothing (every maintained aggregate of the quarter read) | {} | {} | {} | {:.1}× / {:.1}× |",
        ms(cold_m),
        ms(pq_m),
        ms(tb_m),
        ratio(cold_m, pq_m),
        ratio(cold_m, tb_m)
    );
    println!(
        "| roll-up read again, no write since (the store's kept copy, revision checked) | {} | {} | {} | {:.1}× / {:.1}× |",
        ms(kept_m),
        ms(pq_m),
        ms(tb_m),
        ratio(kept_m, pq_m),
        ratio(kept_m, tb_m)
    );
    println!(
        "| roll-up page function (`rollup_rows`, one call per unit: {}, with last year) | {} | {} | {} | {:.1}× / {:.1}× |",
        rollup_units.len(),
        ms(page_m),
        ms(pq_m),
        ms(tb_m),
        ratio(page_m, pq_m),
        ratio(page_m, tb_m)
    );
    println!(
        "| full rebuild of the aggregates | {} | {} | {} | {:.2}× / {:.2}× (giaoban = {:.1}× / {:.1}× DuckDB) |",
        ms(rb_m),
        ms(rbq_m),
        ms(rbt_m),
        ratio(rb_m, rbq_m),
        ratio(rb_m, rbt_m),
        1.0 / ratio(rb_m, rbq_m),
        1.0 / ratio(rb_m, rbt_m)
    );
    Ok(())
}
