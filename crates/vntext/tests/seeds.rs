//! The five seed documents end to end: what issue 4 asks the engine to show on them.

use giaoban_vntext::date::{DateExpr, Qualifier, Recurrence};
use giaoban_vntext::extract::{
    Extraction, Resolution, TaskKind, UnitRegistry, WarningKind, extract,
};
use giaoban_vntext::number::{Amount, Decimal, KnownUnit, Unit};
use jiff::civil::{Time, Weekday, date};
use unicode_normalization::UnicodeNormalization;

const SEED_000: &str = include_str!("seeds/000_7dbb8d5ceec85e96.txt");
const SEED_001: &str = include_str!("seeds/001_c93b7835f561c4d3.txt");
const SEED_002: &str = include_str!("seeds/002_d653996d74202f5a.txt");
const SEED_003: &str = include_str!("seeds/003_9ad25394f7ee9cae.txt");
const SEED_004: &str = include_str!("seeds/004_b6c01a3b0295957f.txt");

/// District departments as in UNITS.md §2, with the aliases a registry would hold.
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
        unit("noivu", &["Phòng Nội vụ"]),
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
        unit(
            "vp",
            &["Văn phòng HĐND và UBND huyện", "Văn phòng UBND huyện"],
        ),
    ])
}

fn ids(assignees: &[giaoban_vntext::extract::Assignee]) -> Vec<String> {
    assignees
        .iter()
        .map(|a| match &a.resolution {
            Resolution::Exact { id } | Resolution::Prefix { id } => id.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn meeting_day(x: &Extraction) -> Option<jiff::civil::Date> {
    match x.meeting.date?.value {
        DateExpr::Date { date, .. } => Some(date),
        _ => None,
    }
}

fn chair_names(x: &Extraction) -> Vec<&str> {
    x.meeting.chairs.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn seed_004_every_assignment_with_units_and_deadline() {
    let x = extract(SEED_004, &registry(), None);
    let got: Vec<(Vec<String>, Vec<String>, bool)> = x
        .tasks
        .iter()
        .map(|t| (ids(&t.lead), ids(&t.coordinating), t.continued))
        .collect();
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (v(&["tckh"]), v(&[]), false),
            (v(&["tckh"]), v(&["Unresolved"]), false),
            (v(&["ca"]), v(&[]), false),
            (v(&["ktht"]), v(&[]), false),
            (v(&["nnptnt", "vpdp"]), v(&[]), false),
            (v(&["nnptnt", "vpdp"]), v(&[]), true),
        ]
    );
    // The cut name is matched as a prefix, not silently completed.
    let first = &x.tasks[0];
    assert_eq!(first.lead[0].text, "Phòng Tài chính Kế");
    assert_eq!(
        first.lead[0].resolution,
        Resolution::Prefix { id: "tckh".into() }
    );
    let deadline = first.deadline.unwrap_or_else(|| panic!("no deadline"));
    assert_eq!(
        deadline.value,
        DateExpr::Date {
            date: date(2023, 3, 27),
            time: None,
            part_of_day: None,
            year_inferred: false,
            relative: false
        }
    );
    assert_eq!(deadline.qualifier, Some(Qualifier::NoLaterThan));
    assert_eq!(
        x.tasks[1].coordinating[0].text,
        "các phòng ngành có liên quan"
    );
    // Every task span points at its source.
    for t in &x.tasks {
        assert!(t.action.span.slice(SEED_004) == t.action.text);
        assert!(t.span.contains(&t.action.span));
    }
}

#[test]
fn seed_004_raises_the_year_and_name_warnings() {
    let x = extract(SEED_004, &registry(), None);
    let kinds: Vec<&WarningKind> = x.warnings.iter().map(|w| &w.kind).collect();
    assert!(kinds.contains(&&WarningKind::YearMismatch {
        expected: 2023,
        found: 2022
    }));
    let names = x.warnings.iter().find_map(|w| match &w.kind {
        WarningKind::NameVariants { variants } => Some(variants.clone()),
        _ => None,
    });
    assert_eq!(
        names,
        Some(vec![
            "Phạm Viêt Hoài".to_string(),
            "Phạm Viết Hoài".to_string()
        ])
    );
    let year = x
        .warnings
        .iter()
        .find(|w| matches!(w.kind, WarningKind::YearMismatch { .. }))
        .map(|w| w.spans[0].slice(SEED_004));
    assert_eq!(year, Some("tháng 03 năm 2022"));
    assert!(kinds.contains(&&WarningKind::BlankDocumentNumber));
    assert!(kinds.contains(&&WarningKind::BlankIssueDay));
    let number = x
        .document
        .number
        .as_ref()
        .map(|n| (n.number, n.symbol.as_str()));
    assert_eq!(number, Some((None, "TB-UBND")));
    assert_eq!(
        x.document.place.as_ref().map(|p| p.text.as_str()),
        Some("Cẩm Thủy")
    );
}

#[test]
fn seed_003_weekly_deadlines_are_recurring_rules() {
    let x = extract(SEED_003, &registry(), None);
    let rules: Vec<(Vec<String>, DateExpr)> = x
        .tasks
        .iter()
        .filter(|t| t.kind == TaskKind::Assignment)
        .filter_map(|t| Some((ids(&t.lead), t.deadline?.value)))
        .collect();
    let weekly = |weekday, h| {
        DateExpr::Recurring(Recurrence::Weekly {
            weekday: Some(weekday),
            time: Some(Time::constant(h, 0, 0, 0)),
        })
    };
    assert_eq!(
        rules,
        vec![
            (vec!["vpdp".to_string()], weekly(Weekday::Thursday, 17)),
            (vec!["vpdp".to_string()], weekly(Weekday::Monday, 10)),
        ]
    );
}

#[test]
fn meeting_date_and_chair_on_all_five() {
    let r = registry();
    let x = extract(SEED_000, &r, None);
    assert_eq!(meeting_day(&x), Some(date(2018, 4, 6)));
    assert_eq!(chair_names(&x), vec!["Nông Quốc Dũng"]);
    assert_eq!(
        x.meeting.host.as_ref().map(|h| h.text.as_str()),
        Some("Lãnh đạo UBND huyện")
    );

    // A news round-up of three meetings: no single meeting date or chair, only the stamp.
    let x = extract(SEED_001, &r, None);
    assert_eq!(meeting_day(&x), None);
    assert!(chair_names(&x).is_empty());
    assert_eq!(x.document.reference_date, Some(date(2017, 4, 14)));

    let x = extract(SEED_002, &r, None);
    assert_eq!(meeting_day(&x), Some(date(2020, 6, 25)));
    assert_eq!(chair_names(&x), vec!["Phùng Thị Kim Nga", "Trần Công Ngôn"]);
    assert_eq!(
        x.meeting.host.as_ref().map(|h| h.text.as_str()),
        Some("Huyện ủy Sông Lô")
    );

    let x = extract(SEED_003, &r, None);
    assert_eq!(meeting_day(&x), Some(date(2021, 4, 8)));
    assert_eq!(
        chair_names(&x),
        vec!["Nguyễn Thị Nguyệt", "Nguyễn Văn Khoa", "Trần Danh Vinh"]
    );

    let x = extract(SEED_004, &r, None);
    assert_eq!(meeting_day(&x), Some(date(2023, 3, 24)));
    assert_eq!(chair_names(&x), vec!["Phạm Viêt Hoài"]);
    assert_eq!(
        x.meeting.chairs[0].title.as_deref(),
        Some("Chủ tịch UBND huyện")
    );
}

#[test]
fn seed_001_figures() {
    let x = extract(SEED_001, &registry(), None);
    let got: Vec<(String, Option<Unit>)> = x
        .figures
        .iter()
        .map(|f| {
            let v = match f.quantity.amount {
                Amount::Exact(d) => d.to_string(),
                other => format!("{other:?}"),
            };
            (v, f.quantity.unit.clone())
        })
        .collect();
    let k = |v: &str, u| (v.to_string(), Some(Unit::Known(u)));
    assert_eq!(
        got,
        vec![
            k("5466.32", KnownUnit::Hectare),
            k("1101.4", KnownUnit::Hectare),
            k("9", KnownUnit::Model),
            k("371.6", KnownUnit::Tonne),
            k("18500000000", KnownUnit::Dong),
            k("294980000000", KnownUnit::Dong),
            (
                "9.8".to_string(),
                Some(Unit::Per {
                    unit: KnownUnit::Criterion,
                    per: KnownUnit::Commune
                })
            ),
            k("3089", KnownUnit::Beneficiary),
            k("122072000000", KnownUnit::Dong),
            k("6", KnownUnit::Commune),
            k("1000", KnownUnit::PersonVisit),
        ]
    );
    assert_eq!(x.figures[0].measure.as_deref(), Some("lúa"));
}

#[test]
fn seed_004_figures_with_plan_comparisons() {
    let x = extract(SEED_004, &registry(), None);
    let enterprises = x
        .figures
        .iter()
        .find(|f| f.quantity.unit == Some(Unit::Known(KnownUnit::Enterprise)))
        .unwrap_or_else(|| panic!("no enterprises"));
    assert_eq!(
        enterprises.quantity.amount,
        Amount::Exact(Decimal::from_int(9))
    );
    assert_eq!(
        enterprises.quantity.comparison.map(|c| c.percent),
        Some(Decimal::from_int(20))
    );
    assert_eq!(enterprises.measure.as_deref(), Some("thành lập mới"));
}

#[test]
fn without_a_registry_assignees_stay_as_written() {
    let x = extract(SEED_004, &UnitRegistry::default(), None);
    let leads: Vec<Vec<&str>> = x
        .tasks
        .iter()
        .map(|t| t.lead.iter().map(|a| a.text.as_str()).collect())
        .collect();
    assert_eq!(
        leads,
        vec![
            vec!["Phòng Tài chính Kế"],
            vec!["phòng Tài chính Kế hoạch"],
            vec!["công an huyện"],
            vec!["Phòng Kinh tế Hạ tầng"],
            vec![
                "phòng Nông nghiệp và phát triển nông thôn",
                "Văn phòng điều phối nông thôn mới"
            ],
            vec![
                "phòng Nông nghiệp và phát triển nông thôn",
                "Văn phòng điều phối nông thôn mới"
            ],
        ]
    );
    assert!(
        x.tasks
            .iter()
            .flat_map(|t| &t.lead)
            .all(|a| a.resolution == Resolution::Unresolved)
    );
}

#[test]
fn decomposed_input_gives_the_same_results() {
    for seed in [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004] {
        let nfd: String = seed.nfd().collect();
        let a = extract(seed, &registry(), None);
        let b = extract(&nfd, &registry(), None);
        assert_eq!(a.tasks.len(), b.tasks.len());
        assert_eq!(a.figures.len(), b.figures.len());
        assert_eq!(a.meeting.chairs.len(), b.meeting.chairs.len());
        assert_eq!(meeting_day(&a), meeting_day(&b));
        for t in &b.tasks {
            assert!(nfd.get(t.span.start..t.span.end).is_some());
        }
    }
}

#[test]
fn serialises_to_json() {
    let x = extract(SEED_004, &registry(), None);
    let json = serde_json::to_string(&x).unwrap_or_default();
    assert!(json.contains("\"2023-03-27\""), "{json}");
    assert!(json.contains("\"year_mismatch\""));
    assert!(json.contains("\"tckh\""));
}

#[test]
fn requests_to_units_are_tasks_of_their_own_kind() {
    let all = |text: &str| -> Vec<(TaskKind, Vec<String>, Option<DateExpr>)> {
        extract(text, &UnitRegistry::default(), None)
            .tasks
            .iter()
            .map(|t| {
                (
                    t.kind,
                    t.lead.iter().map(|a| a.text.clone()).collect(),
                    t.deadline.map(|d| d.value),
                )
            })
            .collect()
    };
    // Subject-first directives ("Các cơ quan chuyên môn cần …") are checked below.
    let leads = |text: &str| -> Vec<(TaskKind, Vec<String>, Option<DateExpr>)> {
        all(text)
            .into_iter()
            .filter(|t| t.0 != TaskKind::Directive)
            .collect()
    };
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let directives = |text: &str| -> Vec<Vec<String>> {
        all(text)
            .into_iter()
            .filter(|t| t.0 == TaskKind::Directive)
            .map(|t| t.1)
            .collect()
    };
    assert_eq!(
        directives(SEED_002),
        vec![
            v(&["các xã"]),
            v(&["Các cơ quan chuyên môn"]),
            v(&["Bí thư các xã, thị trấn"]),
            v(&["Bí thư các xã, thị trấn"]),
            v(&["Các xã, thị trấn", "các ban, ngành, đơn vị"]),
            v(&["Các phòng, ban, ngành, đơn vị"]),
        ]
    );
    assert_eq!(directives(SEED_000), vec![v(&["UBND các xã"])]);
    assert_eq!(
        leads(SEED_000),
        vec![(
            TaskKind::Request,
            v(&["các ngành", "UBND các xã, thị trấn"]),
            None
        )]
    );
    assert_eq!(
        leads(SEED_001),
        vec![(
            TaskKind::Request,
            v(&["thành viên các đoàn công tác"]),
            // "Để thực hiện tốt nhiệm vụ được phân công trong quý II, … yêu cầu …"
            Some(DateExpr::Period {
                period: giaoban_vntext::date::Period::Quarter {
                    year: 2017,
                    quarter: 2
                },
                year_inferred: true
            })
        )]
    );
    assert_eq!(
        leads(SEED_002),
        vec![
            (TaskKind::Request, v(&["Lãnh đạo các xã, thị trấn"]), None),
            (
                TaskKind::Assignment,
                v(&["phòng Tài chính - Kế hoạch"]),
                None
            ),
        ]
    );
    let seed_003 = leads(SEED_003);
    assert_eq!(
        seed_003[0],
        (
            TaskKind::Request,
            v(&["BCĐ NTM các xã"]),
            Some(DateExpr::Standing)
        )
    );
}

#[test]
fn seed_003_recommendations_name_who_asked() {
    let x = extract(SEED_003, &registry(), None);
    let got: Vec<(Option<&str>, &str)> = x
        .recommendations
        .iter()
        .map(|r| (r.by.as_deref(), r.to.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("Dương Anh Dũng"), "huyện"),
            (Some("Ngô Văn Ngọc"), "huyện")
        ],
        "{:?}",
        x.recommendations
    );
    assert_eq!(
        x.recommendations[0].content.text,
        "quan tâm, hỗ trợ xây dựng"
    );
}

#[test]
fn no_recommendation_where_nothing_is_asked_upwards() {
    for seed in [SEED_000, SEED_001, SEED_002, SEED_004] {
        let x = extract(seed, &registry(), None);
        assert!(x.recommendations.is_empty(), "{:?}", x.recommendations);
    }
}

/// The spelling check on the five seeds: the only syllables it calls misspelt are the three
/// "Viêt" of seed 004 (a stop final with no tone); every correct word of the five passes. Before
/// it existed, no seed had a misspelling flag at all.
#[test]
fn spelling_flags_only_the_three_viet_of_seed_004() {
    use giaoban_vntext::spelling::misspellings;
    let counts: Vec<usize> = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004]
        .iter()
        .map(|s| misspellings(s).len())
        .collect();
    println!("misspelling flags per seed: {counts:?}");
    assert_eq!(counts, vec![0, 0, 0, 0, 3]);
    let found = misspellings(SEED_004);
    assert!(found.iter().all(|m| m.text == "Viêt"), "{found:?}");
    // The notice itself writes "Phạm Viết Hoài" once: its own spelling is offered first.
    assert!(
        found.iter().all(|m| m.suggestions == ["Viết", "Việt"]),
        "{found:?}"
    );
    // The same in NFD, as some editors paste it.
    let nfd: String = SEED_004.nfd().collect();
    assert_eq!(misspellings(&nfd).len(), 3);
    // The extraction reports them as one warning on the three places.
    let x = extract(SEED_004, &registry(), None);
    let w = x
        .warnings
        .iter()
        .find(|w| matches!(w.kind, WarningKind::Misspelling { .. }))
        .expect("a misspelling warning");
    assert_eq!(w.spans.len(), 3);
    assert!(w.spans.iter().all(|s| s.slice(SEED_004) == "Viêt"));
}
