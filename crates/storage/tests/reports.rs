//! Periodic reports in storage, on SQLite and (with GIAOBAN_TEST_DATABASE_URL) PostgreSQL: the
//! aggregates kept current on every write equal a full rebuild, and equal the sums of the counted
//! figures computed here independently, after any sequence of saves, sends, returns, acceptances
//! and reopenings — including figures of a commune merged into another.

use std::collections::{BTreeMap, HashMap};

use giaoban_domain::audit::AuditActor;
use giaoban_domain::deadline::SubmissionRule;
use giaoban_domain::indicator::{
    BUNDLED_CATALOG, Figure, IndicatorCode, PlanTarget, parse_catalog,
};
use giaoban_domain::period::{Period, PeriodKind, WindowRule};
use giaoban_domain::report::{
    EnteredValue, FormDefinition, FormInput, FormItem, ReportForm, SectionKind, Submission,
    SubmissionAction, SubmissionStatus,
};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput, UnitKind};
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Store, StoreError};
use proptest::prelude::*;

fn actor() -> AuditActor {
    AuditActor::system("test")
}

fn code(s: &str) -> IndicatorCode {
    IndicatorCode::parse(s).expect("code")
}

const CODES: [&str; 3] = ["NN_LUA_GIEO_CAY", "DN_THANH_LAP_MOI", "NTM_SO_TIEU_CHI"];

struct Setup {
    district: UnitId,
    communes: Vec<UnitId>,
    form: ReportForm,
}

async fn setup(store: &Store) -> Setup {
    for (c, rank, vi, en) in [
        ("huyen", 2, "Huyện", "District"),
        ("xa", 3, "Xã", "Commune"),
    ] {
        let l = AdminLevel::parse(c, rank, vi, en, None, None).expect("level");
        store.put_level(&actor(), &l).await.expect("level");
    }
    let unit = |kind: &str, level: &str, name: &str, parent: Option<UnitId>| {
        UnitDraft::parse(&UnitInput {
            kind: kind.into(),
            level: level.into(),
            name: name.into(),
            parent_id: parent,
            ..Default::default()
        })
        .expect("unit")
    };
    let district = store
        .create_unit(&actor(), &unit("district", "huyen", "Huyện Thạch Hà", None))
        .await
        .expect("district")
        .id;
    let mut communes = Vec::new();
    for name in ["Xã Đỉnh Bàn", "Xã Thạch Đài", "Xã Nam Điền", "Xã Thạch Bàn"] {
        communes.push(
            store
                .create_unit(&actor(), &unit("commune", "xa", name, Some(district)))
                .await
                .expect("commune")
                .id,
        );
    }
    // Thạch Bàn was merged into Đỉnh Bàn: its figures count for Đỉnh Bàn too.
    let mut merged = store.unit(communes[3]).await.expect("unit");
    let mut input = UnitInput {
        kind: "commune".into(),
        level: "xa".into(),
        name: merged.name.clone(),
        parent_id: Some(district),
        merged_into: Some(communes[0]),
        active_to: Some("31/12/2019".into()),
        ..Default::default()
    };
    input.active_from = None;
    let d = UnitDraft::parse(&input).expect("merge draft");
    merged = store
        .update_unit(&actor(), merged.id, &d, Some(merged.version))
        .await
        .expect("merge");
    assert_eq!(merged.merged_into, Some(communes[0]));
    let drafts = parse_catalog(BUNDLED_CATALOG).expect("catalog");
    let added = store
        .load_catalog(&actor(), &drafts)
        .await
        .expect("load catalog");
    assert_eq!(added, drafts.len());
    // Loading again adds nothing and changes nothing.
    assert_eq!(
        store.load_catalog(&actor(), &drafts).await.expect("reload"),
        0
    );
    let catalog = store.indicators().await.expect("indicators");
    let def = FormDefinition::parse(
        &FormInput {
            code: "KTXH_THANG_XA".into(),
            name_vi: "Báo cáo KT-XH tháng (xã)".into(),
            name_en: String::new(),
            period_kind: PeriodKind::Month,
            window_rule: WindowRule::Decree09,
            submission_rule: SubmissionRule::WorkingDaysAfterWindow {
                days: 2,
                time: None,
            },
            reporter_kinds: vec![UnitKind::Commune],
            items: CODES
                .iter()
                .map(|c| FormItem {
                    code: code(c),
                    required: false,
                })
                .collect(),
            sections: vec![SectionKind::Results, SectionKind::Recommendations],
            rules: vec![],
            reminder_days: vec![3, 1],
        },
        &catalog,
    )
    .expect("form");
    let form = store
        .create_form(&actor(), &def)
        .await
        .expect("create form");
    Setup {
        district,
        communes,
        form,
    }
}

/// One write, through the first server (`via_other` false) or a second one on the same database.
#[derive(Debug, Clone)]
enum Op {
    Save {
        unit: usize,
        period: usize,
        values: [Option<i64>; 3],
        via_other: bool,
    },
    Act {
        unit: usize,
        period: usize,
        action: u8,
        via_other: bool,
    },
    /// Sets (a value) or removes (none) the target of the district (0) or a commune (1–4) for an
    /// indicator and the year 2019 + `year`.
    Target {
        unit: usize,
        indicator: usize,
        year: usize,
        value: Option<i64>,
        via_other: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0..4usize,
            0..2usize,
            proptest::array::uniform3(proptest::option::of(0i64..5_000_000)),
            any::<bool>()
        )
            .prop_map(|(unit, period, values, via_other)| Op::Save {
                unit,
                period,
                values,
                via_other
            }),
        (0..4usize, 0..2usize, 0u8..4, any::<bool>()).prop_map(
            |(unit, period, action, via_other)| Op::Act {
                unit,
                period,
                action,
                via_other
            }
        ),
        (
            0..5usize,
            0..3usize,
            0..2usize,
            proptest::option::of(1i64..9_000_000),
            any::<bool>()
        )
            .prop_map(|(unit, indicator, year, value, via_other)| Op::Target {
                unit,
                indicator,
                year,
                value,
                via_other
            }),
    ]
}

fn periods() -> [Period; 2] {
    [
        Period::month(2019, 12).expect("p"),
        Period::month(2020, 1).expect("p"),
    ]
}

/// The aggregates and targets two servers serve, each through its kept copies, against what the
/// aggregates table holds and the targets written so far (`targets`, per year).
async fn check_served(
    servers: [&Store; 2],
    every_unit: &[UnitId],
    codes: &[Period],
    one: (UnitId, &Period),
    targets: &BTreeMap<(i16, UnitId, String), i64>,
) {
    let sorted = |mut v: Vec<giaoban_storage::reports::AggregateRow>| {
        v.sort_by(|a, b| {
            (a.indicator_id.0, &a.period, a.unit_id.0).cmp(&(
                b.indicator_id.0,
                &b.period,
                b.unit_id.0,
            ))
        });
        v
    };
    let held = sorted(servers[0].all_aggregates().await.expect("held"));
    for (i, s) in servers.into_iter().enumerate() {
        let served = sorted(s.aggregates(every_unit, codes).await.expect("served"));
        assert_eq!(
            served, held,
            "server {i}: the roll-ups served are those the table holds"
        );
        // A narrower read: one commune, one period.
        let served = sorted(
            s.aggregates(&[one.0], std::slice::from_ref(one.1))
                .await
                .expect("served"),
        );
        let want: Vec<_> = held
            .iter()
            .filter(|a| a.unit_id == one.0 && &a.period == one.1)
            .cloned()
            .collect();
        assert_eq!(served, want, "server {i}: one commune's roll-ups");
        for year in [2019, 2020] {
            let mut served: Vec<(i16, UnitId, String, i64)> = s
                .targets(year, every_unit)
                .await
                .expect("targets")
                .into_iter()
                .map(|t| {
                    (
                        t.year,
                        t.unit_id,
                        t.indicator_id.to_string(),
                        t.value.scaled(),
                    )
                })
                .collect();
            served.sort();
            let want: Vec<(i16, UnitId, String, i64)> = targets
                .iter()
                .filter(|((y, _, _), _)| *y == year)
                .map(|((y, u, ind), v)| (*y, *u, ind.clone(), *v))
                .collect();
            assert_eq!(served, want, "server {i}: the targets of {year}");
        }
    }
}

async fn run(ops: Vec<Op>) {
    let db = TestDb::new().await;
    let s = &db.store;
    let setup = setup(s).await;
    let now = jiff::Timestamp::now();
    // A second server on the same database: each keeps its own copies of what it read, and must
    // see the other's writes.
    let other = Store::open(&db.config).await.expect("a second server");
    let indicator_ids: Vec<_> = {
        let all = s.indicators().await.expect("indicators");
        CODES
            .iter()
            .map(|c| {
                all.iter()
                    .find(|i| i.code == code(c))
                    .expect("indicator")
                    .id
            })
            .collect()
    };
    let mut targets: BTreeMap<(i16, UnitId, String), i64> = BTreeMap::new();
    // Roll-ups are read through the stores' kept copies: after every write, what each serves must
    // be what the tables hold.
    let every_unit: Vec<_> = s
        .units()
        .await
        .expect("units")
        .iter()
        .map(|u| u.id)
        .collect();
    let codes: Vec<Period> = periods().into_iter().collect();
    let one = (setup.communes[0], &codes[1]);
    for op in ops {
        check_served([s, &other], &every_unit, &codes, one, &targets).await;
        let pick = |via_other: bool| if via_other { &other } else { s };
        match op {
            Op::Target {
                unit,
                indicator,
                year,
                value,
                via_other,
            } => {
                let unit = if unit == 0 {
                    setup.district
                } else {
                    setup.communes[unit - 1]
                };
                let year = 2019 + year as i16;
                let ind = indicator_ids[indicator];
                let key = (year, unit, ind.to_string());
                match value {
                    Some(v) => {
                        let value = Figure::from_int(v).expect("figure");
                        pick(via_other)
                            .set_target(
                                &actor(),
                                &PlanTarget {
                                    year,
                                    unit_id: unit,
                                    indicator_id: ind,
                                    value,
                                    note: None,
                                },
                            )
                            .await
                            .expect("set target");
                        targets.insert(key, value.scaled());
                    }
                    None => match pick(via_other)
                        .delete_target(&actor(), year, unit, ind)
                        .await
                    {
                        Ok(()) => assert!(targets.remove(&key).is_some()),
                        Err(StoreError::NotFound) => assert!(!targets.contains_key(&key)),
                        Err(e) => panic!("delete target: {e}"),
                    },
                }
            }
            Op::Save {
                unit,
                period,
                values,
                via_other,
            } => {
                let vals: BTreeMap<IndicatorCode, EnteredValue> = CODES
                    .iter()
                    .zip(values)
                    .filter_map(|(c, v)| {
                        // Counts are whole: store whole figures for the count indicators.
                        v.map(|v| {
                            (
                                code(c),
                                EnteredValue::Figure(Figure::from_int(v).expect("fig")),
                            )
                        })
                    })
                    .collect();
                let r = pick(via_other)
                    .save_submission(
                        &actor(),
                        &setup.form,
                        setup.communes[unit],
                        periods()[period],
                        &vals,
                        &BTreeMap::new(),
                        None,
                    )
                    .await;
                match r {
                    Ok(_) | Err(StoreError::Invalid(_)) => {}
                    Err(e) => panic!("save: {e}"),
                }
            }
            Op::Act {
                unit,
                period,
                action,
                via_other,
            } => {
                let Some(sub) = s
                    .find_submission(setup.form.id, setup.communes[unit], periods()[period])
                    .await
                    .expect("find")
                else {
                    continue;
                };
                let action = match action {
                    0 => SubmissionAction::Submit,
                    1 => SubmissionAction::Return {
                        reason: "Thiếu số liệu".into(),
                    },
                    2 => SubmissionAction::Accept,
                    _ => SubmissionAction::Reopen {
                        reason: "Sai số".into(),
                    },
                };
                match pick(via_other)
                    .act_on_submission(&actor(), sub.id, &action, sub.version, now)
                    .await
                {
                    Ok(after) => assert_ne!(after.status, sub.status),
                    Err(StoreError::Invalid(_)) => {}
                    Err(e) => panic!("act: {e}"),
                }
            }
        }
    }
    check_served([s, &other], &every_unit, &codes, one, &targets).await;
    other.close().await;
    let incremental = s.all_aggregates().await.expect("aggregates");
    // An independent oracle: the counted figures summed here.
    let units = s.units().await.expect("units");
    let tree = UnitTree::new(&units);
    let ids: HashMap<IndicatorCode, _> = s
        .indicators()
        .await
        .expect("ind")
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let mut expected: BTreeMap<(String, String, UnitId), (i64, i64)> = BTreeMap::new();
    for p in periods() {
        for sum in s.submissions_for(setup.form.id, p).await.expect("subs") {
            if !sum.status.is_counted() {
                continue;
            }
            let sub = s.submission(sum.id).await.expect("sub");
            for (c, v) in &sub.values {
                let EnteredValue::Figure(f) = v else { continue };
                for t in tree.rollup_targets(sub.unit_id) {
                    let e = expected
                        .entry((ids[c].to_string(), p.code(), t))
                        .or_default();
                    e.0 += f.scaled();
                    e.1 += 1;
                }
            }
        }
    }
    let got: BTreeMap<(String, String, UnitId), (i64, i64)> = incremental
        .iter()
        .map(|a| {
            (
                (a.indicator_id.to_string(), a.period.code(), a.unit_id),
                (a.aggregate.sum.scaled(), a.aggregate.count),
            )
        })
        .collect();
    assert_eq!(
        got, expected,
        "incremental aggregates differ from the counted figures"
    );
    assert!(
        db.figures_out_of_step().await.is_empty(),
        "a submission's figures column differs from its values"
    );
    let summary = s.rebuild_aggregates(&actor()).await.expect("rebuild");
    let rebuilt = s.all_aggregates().await.expect("aggregates");
    assert_eq!(
        incremental, rebuilt,
        "incremental aggregates differ from a full rebuild"
    );
    assert_eq!(summary.aggregates as usize, rebuilt.len());
    // The district total counts the merged commune's figures once, not twice.
    for a in &rebuilt {
        if a.unit_id == setup.district {
            let parts: i64 = rebuilt
                .iter()
                .filter(|b| {
                    b.indicator_id == a.indicator_id
                        && b.period == a.period
                        && setup.communes[..3].contains(&b.unit_id)
                })
                .map(|b| b.aggregate.count)
                .sum();
            // Đỉnh Bàn's total includes Thạch Bàn's figures, so the communes' counts add up to the
            // district's count plus Thạch Bàn's (counted under Đỉnh Bàn as well).
            let merged: i64 = rebuilt
                .iter()
                .filter(|b| {
                    b.indicator_id == a.indicator_id
                        && b.period == a.period
                        && b.unit_id == setup.communes[3]
                })
                .map(|b| b.aggregate.count)
                .sum();
            assert_eq!(
                parts, a.aggregate.count,
                "district count = its communes' ({merged} merged)"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn incremental_rollups_equal_a_full_rebuild(ops in proptest::collection::vec(op(), 1..40)) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(run(ops));
    }
}

#[tokio::test]
async fn a_sent_report_is_locked_counted_once_and_targets_give_percent_of_plan() {
    let db = TestDb::new().await;
    let s = &db.store;
    let setup = setup(s).await;
    let p = periods()[1];
    let vals: BTreeMap<IndicatorCode, EnteredValue> = [(
        code("DN_THANH_LAP_MOI"),
        EnteredValue::Figure(Figure::from_int(9).expect("9")),
    )]
    .into();
    let sub = s
        .save_submission(
            &actor(),
            &setup.form,
            setup.communes[0],
            p,
            &vals,
            &BTreeMap::new(),
            None,
        )
        .await
        .expect("save");
    assert_eq!(sub.status, SubmissionStatus::Draft);
    let sent = s
        .act_on_submission(
            &actor(),
            sub.id,
            &SubmissionAction::Submit,
            sub.version,
            jiff::Timestamp::now(),
        )
        .await
        .expect("submit");
    assert!(sent.first_sent_at.is_some());
    // Locked while sent.
    let err = s
        .save_submission(
            &actor(),
            &setup.form,
            setup.communes[0],
            p,
            &vals,
            &BTreeMap::new(),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.0[0].code == "submission.locked"),
        "{err:?}"
    );
    // A stale version is a conflict, not a silent overwrite.
    let err = s
        .act_on_submission(
            &actor(),
            sub.id,
            &SubmissionAction::Accept,
            sub.version,
            jiff::Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // A monthly code on a monthly form only.
    let err = s
        .save_submission(
            &actor(),
            &setup.form,
            setup.communes[1],
            Period::quarter(2020, 1).expect("q"),
            &vals,
            &BTreeMap::new(),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref i) if i.0[0].code == "submission.period_kind"));
    let ind = s
        .indicators()
        .await
        .expect("ind")
        .into_iter()
        .find(|i| i.code.as_str() == "DN_THANH_LAP_MOI")
        .expect("indicator");
    s.set_target(
        &actor(),
        &PlanTarget {
            year: 2020,
            unit_id: setup.district,
            indicator_id: ind.id,
            value: Figure::from_int(45).expect("45"),
            note: None,
        },
    )
    .await
    .expect("target");
    let t = s.targets(2020, &[setup.district]).await.expect("targets");
    let agg = s
        .aggregates(&[setup.district], &[p])
        .await
        .expect("agg")
        .into_iter()
        .find(|a| a.indicator_id == ind.id)
        .expect("district aggregate");
    let pct =
        giaoban_domain::indicator::percent_of_plan(agg.aggregate.sum, t[0].value).expect("pct");
    assert_eq!(pct.format_vi(0), "20");
    // Every write above is in the audit trail.
    let entries = s
        .audit_entries(&giaoban_storage::audit::AuditFilter {
            entity: Some("submission".into()),
            entity_id: None,
            within: None,
            before_micros: None,
            limit: 100,
        })
        .await
        .expect("audit");
    assert!(entries.len() >= 2, "{}", entries.len());
}

/// A rebuild of a district of 300 communes (and a merged commune, counted under two targets) equals
/// the running totals. A database written before migration 0010 (no aggregate set, no submission's
/// figures column) gets both filled when it is opened.
#[tokio::test]
async fn a_rebuild_of_many_communes_equals_the_running_totals_and_an_older_database_is_filled() {
    let db = TestDb::new().await;
    let s = &db.store;
    let setup = setup(s).await;
    let mut communes = setup.communes.clone();
    for i in 0..300 {
        let d = UnitDraft::parse(&UnitInput {
            kind: "commune".into(),
            level: "xa".into(),
            name: format!("Xã Thử {i:03}"),
            parent_id: Some(setup.district),
            ..Default::default()
        })
        .expect("unit");
        communes.push(s.create_unit(&actor(), &d).await.expect("commune").id);
    }
    let p = periods()[1];
    let mut expected_sum = 0i64;
    let mut sent = 0i64;
    // Every other commune and the merged one send a figure (value depends on the commune).
    for (i, c) in communes.iter().enumerate() {
        if i % 2 != 0 && *c != setup.communes[3] {
            continue;
        }
        let v = Figure::from_scaled(10_000 * (i as i64 + 1) + 37);
        let vals: BTreeMap<IndicatorCode, EnteredValue> =
            [(code("DN_THANH_LAP_MOI"), EnteredValue::Figure(v))].into();
        let sub = s
            .save_submission(&actor(), &setup.form, *c, p, &vals, &BTreeMap::new(), None)
            .await
            .expect("save");
        s.act_on_submission(
            &actor(),
            sub.id,
            &SubmissionAction::Submit,
            sub.version,
            jiff::Timestamp::now(),
        )
        .await
        .expect("submit");
        expected_sum += v.scaled();
        sent += 1;
    }
    let figures = s.counted_figures().await.expect("figures");
    assert_eq!(figures.len() as i64, sent);
    assert_eq!(
        figures.iter().map(|f| f.value.scaled()).sum::<i64>(),
        expected_sum
    );
    let running = s.all_aggregates().await.expect("aggregates");
    let summary = s.rebuild_aggregates(&actor()).await.expect("rebuild");
    let rebuilt = s.all_aggregates().await.expect("aggregates");
    assert_eq!(running, rebuilt, "rebuild differs from the running totals");
    assert_eq!(summary.figures as i64, sent);
    assert_eq!(summary.aggregates as usize, rebuilt.len());
    let district = rebuilt
        .iter()
        .find(|a| a.unit_id == setup.district)
        .expect("district total");
    assert_eq!(district.aggregate.sum.scaled(), expected_sum);
    assert_eq!(district.aggregate.count, sent);
    // The commune Thạch Bàn was merged into counts under Đỉnh Bàn as well.
    assert!(rebuilt.iter().any(|a| a.unit_id == setup.communes[0]));

    assert!(db.figures_out_of_step().await.is_empty());

    // As a database written before the sets existed: opening it fills the figures and rebuilds
    // the sets, once.
    assert!(db.as_before_migration_0010().await > 0);
    assert!(s.all_aggregates().await.expect("none").is_empty());
    assert_eq!(
        db.figures_out_of_step().await.len() as i64,
        sent,
        "every submission unfilled"
    );
    let reopened = Store::open(&db.config).await.expect("reopen");
    assert!(db.figures_out_of_step().await.is_empty());
    assert_eq!(
        reopened.all_aggregates().await.expect("aggregates"),
        running
    );
    let rebuilds = |store: Store| async move {
        store
            .audit_entries(&giaoban_storage::audit::AuditFilter {
                entity: Some("aggregates".into()),
                entity_id: Some("rebuild".into()),
                within: None,
                before_micros: None,
                limit: 100,
            })
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.actor_name == "system:migrate")
            .count()
    };
    assert_eq!(rebuilds(reopened).await, 1, "rebuilt by the store, audited");
    let again = Store::open(&db.config).await.expect("reopen again");
    assert_eq!(again.all_aggregates().await.expect("aggregates"), running);
    assert_eq!(
        rebuilds(again).await,
        1,
        "a database with its sets is not rebuilt on open"
    );
}

/// A report taken back (returned, reopened) leaves the district's total of what is still counted:
/// sum and count lose its figure, and the minimum and maximum are those of the figures left —
/// step by step equal to a rebuild.
#[tokio::test]
async fn a_report_taken_back_leaves_the_bounds_of_the_figures_still_counted() {
    let db = TestDb::new().await;
    let s = &db.store;
    let setup = setup(s).await;
    let p = periods()[1];
    let ind = s
        .indicators()
        .await
        .expect("indicators")
        .into_iter()
        .find(|i| i.code == code("DN_THANH_LAP_MOI"))
        .expect("indicator")
        .id;
    let mut sent = Vec::new();
    // Đỉnh Bàn 10, Thạch Đài 30, Nam Điền 20.
    for (c, v) in setup.communes[..3].iter().zip([10, 30, 20]) {
        let vals: BTreeMap<IndicatorCode, EnteredValue> = [(
            code("DN_THANH_LAP_MOI"),
            EnteredValue::Figure(Figure::from_int(v).expect("figure")),
        )]
        .into();
        let sub = s
            .save_submission(&actor(), &setup.form, *c, p, &vals, &BTreeMap::new(), None)
            .await
            .expect("save");
        sent.push(act(s, &sub, SubmissionAction::Submit).await);
    }
    let district = |rows: &[giaoban_storage::reports::AggregateRow]| {
        rows.iter()
            .find(|a| a.unit_id == setup.district && a.indicator_id == ind)
            .map(|a| {
                let f = |x: Option<Figure>| x.map(|x| x.scaled() / 10_000);
                (
                    a.aggregate.sum.scaled() / 10_000,
                    a.aggregate.count,
                    f(a.aggregate.min),
                    f(a.aggregate.max),
                )
            })
    };
    let equal_to_a_rebuild = || async {
        let running = s.all_aggregates().await.expect("aggregates");
        s.rebuild_aggregates(&actor()).await.expect("rebuild");
        assert_eq!(running, s.all_aggregates().await.expect("rebuilt"));
        running
    };
    assert_eq!(
        district(&equal_to_a_rebuild().await),
        Some((60, 3, Some(10), Some(30)))
    );
    let back = |reason: &str| SubmissionAction::Return {
        reason: reason.into(),
    };
    // The largest goes back: the maximum is the next one.
    let returned = act(s, &sent[1], back("Sai số liệu")).await;
    assert_eq!(
        district(&equal_to_a_rebuild().await),
        Some((30, 2, Some(10), Some(20)))
    );
    // Then the smallest: one figure left.
    act(s, &sent[0], back("Thiếu")).await;
    assert_eq!(
        district(&equal_to_a_rebuild().await),
        Some((20, 1, Some(20), Some(20)))
    );
    // The first one sent again counts again.
    act(s, &returned, SubmissionAction::Submit).await;
    assert_eq!(
        district(&equal_to_a_rebuild().await),
        Some((50, 2, Some(20), Some(30)))
    );
}

/// Acts on a submission at its current version, now.
async fn act(s: &Store, sub: &Submission, action: SubmissionAction) -> Submission {
    s.act_on_submission(
        &actor(),
        sub.id,
        &action,
        sub.version,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{action:?}: {e:?}"))
}
