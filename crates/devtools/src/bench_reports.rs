//! `giaoban-bench reports`: builds a province-scale reporting data set in an empty database and
//! prints what a person waits for — the incremental roll-up update per submitted report and the
//! time of a roll-up page — plus a full rebuild, which must give the same numbers.
//!
//! Data: a province, `districts` districts with `communes / districts` communes each, `indicators`
//! numeric indicators on one monthly form, `months` months of reports from every commune, every
//! one sent (so every figure counts). Figures are pseudo-random but reproducible.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use giaoban_domain::audit::AuditActor;
use giaoban_domain::indicator::{Figure, IndicatorCode, IndicatorDraft, IndicatorInput};
use giaoban_domain::period::Period;
use giaoban_domain::report::{EnteredValue, FormDefinition, FormInput, FormItem, SubmissionAction};
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput};
use giaoban_domain::{Lang, deadline::SubmissionRule, period::PeriodKind, period::WindowRule};
use giaoban_storage::Store;

pub struct Params {
    pub communes: usize,
    pub districts: usize,
    pub indicators: usize,
    pub months: usize,
}

pub(crate) fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A reproducible pseudo-random figure (xorshift).
pub(crate) fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The province, its districts and communes of a benchmark data set.
pub struct BenchUnits {
    pub province: UnitId,
    pub districts: Vec<UnitId>,
    pub communes: Vec<UnitId>,
}

/// What [`load_reports`] built and how long it took.
pub struct LoadedReports {
    pub catalog: Vec<giaoban_domain::indicator::Indicator>,
    /// The last month loaded.
    pub last_period: Period,
    pub reports: usize,
    pub figures: usize,
    /// Indicators and form.
    pub setup: Duration,
    /// Saving and sending every report.
    pub load: Duration,
    pub save_times: Vec<Duration>,
    pub submit_times: Vec<Duration>,
}

/// Fails unless the database holds no unit: benchmark data sets are built from scratch.
pub async fn ensure_empty(store: &Store, lang: Lang) -> anyhow::Result<()> {
    anyhow::ensure!(
        store.units().await?.is_empty(),
        "{}",
        lang.pick(
            "Cần một cơ sở dữ liệu trống (dùng --data-dir mới).",
            "An empty database is needed (use a new --data-dir)."
        )
    );
    Ok(())
}

/// Builds a unit through the storage layer's validation.
pub fn unit_draft(
    kind: &str,
    level: &str,
    name: String,
    parent: Option<UnitId>,
) -> anyhow::Result<UnitDraft> {
    UnitDraft::parse(&UnitInput {
        kind: kind.into(),
        level: level.into(),
        name,
        parent_id: parent,
        ..Default::default()
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// The levels (tỉnh, huyện, xã), the province, `districts` districts and `communes` communes
/// spread evenly over them.
pub async fn build_units(
    store: &Store,
    actor: &AuditActor,
    p: &Params,
) -> anyhow::Result<BenchUnits> {
    let actor = actor.clone();
    for (code, rank, vi, en) in [
        ("tinh", 1, "Tỉnh", "Province"),
        ("huyen", 2, "Huyện", "District"),
        ("xa", 3, "Xã", "Commune"),
    ] {
        let l = AdminLevel::parse(code, rank, vi, en, None, None)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        store.put_level(&actor, &l).await?;
    }
    let unit = unit_draft;
    let province = store
        .create_unit(
            &actor,
            &unit("province", "tinh", "Tỉnh Thử nghiệm".into(), None)?,
        )
        .await?
        .id;
    let per = p.communes.div_ceil(p.districts.max(1));
    let mut districts = Vec::new();
    let mut communes = Vec::new();
    for d in 0..p.districts {
        let district = store
            .create_unit(
                &actor,
                &unit(
                    "district",
                    "huyen",
                    format!("Huyện Thử {}", d + 1),
                    Some(province),
                )?,
            )
            .await?
            .id;
        districts.push(district);
        for c in 0..per {
            if communes.len() == p.communes {
                break;
            }
            communes.push(
                store
                    .create_unit(
                        &actor,
                        &unit(
                            "commune",
                            "xa",
                            format!("Xã Thử {}-{}", d + 1, c + 1),
                            Some(district),
                        )?,
                    )
                    .await?
                    .id,
            );
        }
    }
    Ok(BenchUnits {
        province,
        districts,
        communes,
    })
}

/// The indicators, the monthly form and `months` months of reports from every commune, each saved
/// as a draft then sent (so every figure goes through the incremental roll-up).
pub async fn load_reports(
    store: &Store,
    actor: &AuditActor,
    p: &Params,
    units: &BenchUnits,
    lang: Lang,
) -> anyhow::Result<LoadedReports> {
    let actor = actor.clone();
    let communes = &units.communes;
    let t0 = Instant::now();
    let mut items = Vec::new();
    for i in 0..p.indicators {
        let code = format!("BENCH_{:03}", i + 1);
        let draft = IndicatorDraft::parse(&IndicatorInput {
            code: code.clone(),
            name_vi: format!("Chỉ tiêu thử {}", i + 1),
            name_en: String::new(),
            measure: "ha".into(),
            value_type: if i % 4 == 0 { "count" } else { "number" }.into(),
            rollup: "sum".into(),
            numerator: None,
            denominator: None,
            factor: None,
            accumulation: "flow".into(),
            direction: "higher".into(),
            sector: "other".into(),
            decimals: None,
            active: true,
        })
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        store.create_indicator(&actor, &draft).await?;
        items.push(FormItem {
            code: IndicatorCode::parse(&code).map_err(|e| anyhow::anyhow!("{e:?}"))?,
            required: false,
        });
    }
    let catalog = store.indicators().await?;
    let def = FormDefinition::parse(
        &FormInput {
            code: "BENCH_THANG".into(),
            name_vi: "Báo cáo tháng (thử tải)".into(),
            name_en: String::new(),
            period_kind: PeriodKind::Month,
            window_rule: WindowRule::Decree09,
            submission_rule: SubmissionRule::WorkingDaysAfterWindow {
                days: 2,
                time: None,
            },
            reporter_kinds: vec![giaoban_domain::unit::UnitKind::Commune],
            items: items.clone(),
            sections: vec![],
            rules: vec![],
            reminder_days: vec![3, 1],
        },
        &catalog,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let form = store.create_form(&actor, &def).await?;
    let setup = t0.elapsed();

    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut save_times = Vec::new();
    let mut submit_times = Vec::new();
    let first = Period::month(2023, 1)?;
    let mut period = first;
    let t_load = Instant::now();
    for m in 0..p.months {
        for c in communes {
            let values: BTreeMap<IndicatorCode, EnteredValue> = items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let raw = next(&mut seed) % 1_000_000;
                    let f = if i % 4 == 0 {
                        Figure::from_int((raw % 500) as i64).unwrap_or(Figure::ZERO)
                    } else {
                        Figure::from_scaled((raw as i64) * 100)
                    };
                    (it.code.clone(), EnteredValue::Figure(f))
                })
                .collect();
            let t = Instant::now();
            let s = store
                .save_submission(&actor, &form, *c, period, &values, &BTreeMap::new(), None)
                .await?;
            save_times.push(t.elapsed());
            let t = Instant::now();
            store
                .act_on_submission(
                    &actor,
                    s.id,
                    &SubmissionAction::Submit,
                    s.version,
                    jiff::Timestamp::now(),
                )
                .await?;
            submit_times.push(t.elapsed());
        }
        if m + 1 < p.months {
            period = period.next()?;
        }
        eprint!("\r{} {}/{}", lang.pick("tháng", "month"), m + 1, p.months);
    }
    eprintln!();
    let load = t_load.elapsed();
    let figures = communes.len() * p.months * p.indicators;
    Ok(LoadedReports {
        catalog,
        last_period: period,
        reports: communes.len() * p.months,
        figures,
        setup,
        load,
        save_times,
        submit_times,
    })
}

pub async fn run(store: &Store, p: &Params, lang: Lang) -> anyhow::Result<()> {
    ensure_empty(store, lang).await?;
    let actor = AuditActor::system("bench");
    let t0 = Instant::now();
    let units = build_units(store, &actor, p).await?;
    let setup_units = t0.elapsed();
    let LoadedReports {
        catalog,
        last_period: period,
        figures,
        setup,
        load,
        mut save_times,
        mut submit_times,
        ..
    } = load_reports(store, &actor, p, &units, lang).await?;
    let setup = setup + setup_units;
    let province = units.province;
    let communes = units.communes;

    // The roll-up page: the province's table for the last month (value, year-to-date, plan, % of
    // plan, same month last year) over every indicator, read from the aggregates.
    let mut page_times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let rows = giaoban_app::reports::rollup_rows(store, province, period, &catalog, Lang::Vi)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        page_times.push(t.elapsed());
        anyhow::ensure!(rows.len() == p.indicators, "rows {}", rows.len());
    }
    let before = store.all_aggregates().await?;
    let t = Instant::now();
    let summary = store.rebuild_aggregates(&actor).await?;
    let rebuild = t.elapsed();
    let after = store.all_aggregates().await?;
    let same = before == after;

    save_times.sort();
    submit_times.sort();
    page_times.sort();
    println!("giaoban-bench reports ({})", store.engine().name());
    println!(
        "  data: {} communes in {} districts, {} indicators, {} months = {} reports, {} figures; {} aggregates",
        communes.len(),
        p.districts,
        p.indicators,
        p.months,
        communes.len() * p.months,
        figures,
        summary.aggregates
    );
    println!(
        "  setup (units, indicators, form): {:.1} s",
        setup.as_secs_f64()
    );
    println!(
        "  load (save + send every report): {:.1} s",
        load.as_secs_f64()
    );
    println!(
        "  save a report's {} figures (draft):   p50 {}  p95 {}  max {}",
        p.indicators,
        ms(pct(&save_times, 0.5)),
        ms(pct(&save_times, 0.95)),
        ms(pct(&save_times, 1.0))
    );
    println!(
        "  send a report = incremental roll-up update ({} figures × {} levels): p50 {}  p95 {}  max {}",
        p.indicators,
        3,
        ms(pct(&submit_times, 0.5)),
        ms(pct(&submit_times, 0.95)),
        ms(pct(&submit_times, 1.0))
    );
    println!(
        "  roll-up page (province, {} indicators, with year-to-date, plan, last year): p50 {}  p95 {}",
        p.indicators,
        ms(pct(&page_times, 0.5)),
        ms(pct(&page_times, 0.95))
    );
    println!(
        "  full rebuild of the aggregates: {:.1} s ({} figures → {} aggregates); equal to the incremental totals: {}",
        rebuild.as_secs_f64(),
        summary.figures,
        summary.aggregates,
        if same { "yes" } else { "NO" }
    );
    anyhow::ensure!(same, "the rebuild differs from the incremental aggregates");
    Ok(())
}
