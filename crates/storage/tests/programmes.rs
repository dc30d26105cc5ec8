//! Programmes on both engines (PostgreSQL with GIAOBAN_TEST_DATABASE_URL): criteria sets load as
//! versions, broken files are refused with located messages and store nothing, and old
//! assessments keep the version they were made against.

use std::collections::BTreeMap;

use giaoban_domain::Lang;
use giaoban_domain::Localized;
use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::programme::{
    BUNDLED_SETS, CommuneProgramme, CriteriaSet, CriterionStatus, Level, Met, Recognition,
};
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput};
use giaoban_storage::audit::AuditFilter;
use giaoban_storage::programmes::ModelAreas;
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Conflict, Store, StoreError};

fn actor() -> AuditActor {
    AuditActor::system("test")
}

async fn commune(store: &Store) -> UnitId {
    for (code, rank, vi, en) in [
        ("huyen", 2, "Huyện", "District"),
        ("xa", 3, "Xã", "Commune"),
    ] {
        let l = AdminLevel::parse(code, rank, vi, en, None, None).expect("level");
        store.put_level(&actor(), &l).await.expect("put level");
    }
    let d = |kind: &str, level: &str, name: &str, parent: Option<UnitId>| {
        UnitDraft::parse(&UnitInput {
            kind: kind.into(),
            level: level.into(),
            name: name.into(),
            parent_id: parent,
            ..Default::default()
        })
        .expect("draft")
    };
    let district = store
        .create_unit(&actor(), &d("district", "huyen", "Huyện Thạch Hà", None))
        .await
        .expect("district")
        .id;
    store
        .create_unit(
            &actor(),
            &d("commune", "xa", "Xã Tượng Sơn", Some(district)),
        )
        .await
        .expect("commune")
        .id
}

fn status(item: &str, met: Met) -> CriterionStatus {
    CriterionStatus {
        item: item.into(),
        met,
        evaluated_on: jiff::civil::Date::new(2021, 3, 31).ok(),
        assessor: Some("Văn phòng điều phối NTM huyện".into()),
        evidence: Some("Biên bản rà soát quý I".into()),
        planned_year: None,
        values: BTreeMap::new(),
    }
}

#[tokio::test]
async fn criteria_sets_load_as_versions_and_assessments_keep_theirs() {
    let db = TestDb::new().await;
    let store = &db.store;
    let commune = commune(store).await;
    let text = BUNDLED_SETS[1].1;
    let v1 = CriteriaSet::parse(text).expect("bundled set");
    let stored_v1 = store
        .load_criteria_set(&actor(), text, &v1)
        .await
        .expect("load v1");

    // An assessment against version 1.
    let mut income = status("10", Met::No);
    income.values.insert("10".into(), 41_500);
    income.planned_year = Some(2022);
    store
        .put_statuses(
            &actor(),
            commune,
            stored_v1.id,
            2021,
            &[status("1", Met::NangCao), status("2", Met::Ntm), income],
        )
        .await
        .expect("statuses");

    // The same code and version again: refused, nothing stored.
    let again = store.load_criteria_set(&actor(), text, &v1).await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict(Conflict::Duplicate {
                what: "criteria_set"
            }))
        ),
        "{again:?}"
    );

    // A broken threshold and a duplicate number are refused before anything is stored, with
    // the line and the criterion named.
    let broken = text.replacen("version = 1", "version = 2", 1).replacen(
        "threshold.ntm = 90",
        "threshold.ntm = \"chín mươi\"",
        1,
    );
    let e = CriteriaSet::parse(&broken).expect_err("broken threshold");
    let line = broken
        .lines()
        .position(|l| l.contains("chín mươi"))
        .expect("line")
        + 1;
    assert_eq!(e.0[0].code, "criteria_set.threshold_broken");
    assert_eq!((e.0[0].line, e.0[0].criterion), (Some(line), Some(15)));
    assert!(
        e.message(Lang::Vi)
            .starts_with(&format!("Dòng {line}, tiêu chí 15: ngưỡng hỏng")),
        "{}",
        e.message(Lang::Vi)
    );
    let duplicate =
        text.replacen("version = 1", "version = 2", 1)
            .replacen("number = 4\n", "number = 3\n", 1);
    let e = CriteriaSet::parse(&duplicate).expect_err("duplicate number");
    assert_eq!(e.0[0].code, "criteria_set.number_duplicate");
    assert_eq!(e.0[0].criterion, Some(3));
    assert!(
        e.message(Lang::En)
            .contains("criterion number 3 is duplicated")
    );
    assert_eq!(store.criteria_sets().await.expect("sets").len(), 1);

    // A valid version 2 (a raised threshold) loads beside version 1.
    let v2_text = text.replacen("version = 1", "version = 2", 1).replacen(
        "threshold.ntm = 90",
        "threshold.ntm = 92",
        1,
    );
    let v2 = CriteriaSet::parse(&v2_text).expect("v2");
    let stored_v2 = store
        .load_criteria_set(&actor(), &v2_text, &v2)
        .await
        .expect("load v2");
    let sets = store.criteria_sets().await.expect("sets");
    assert_eq!(
        sets.iter()
            .map(|s| (s.set.code.as_str(), s.set.version))
            .collect::<Vec<_>>(),
        [("xa-ntm-2021-2025", 1), ("xa-ntm-2021-2025", 2)]
    );

    // The old assessment still points at version 1, with its statuses as recorded.
    let old = store
        .assessment(commune, stored_v1.id, 2021)
        .await
        .expect("read")
        .expect("assessment");
    assert_eq!(old.set_id, stored_v1.id);
    let old_set = store.criteria_set(old.set_id).await.expect("set");
    assert_eq!(old_set.set.version, 1);
    assert_eq!(old.criteria_met(&old_set.set), 2);
    assert_eq!(old.status("10").expect("10").values["10"], 41_500);
    assert_eq!(old.status("10").expect("10").planned_year, Some(2022));
    assert!(
        store
            .assessment(commune, stored_v2.id, 2021)
            .await
            .expect("read")
            .is_none()
    );

    // Updating one criterion keeps the others, and is audited.
    let a = store
        .put_criterion_status(
            &actor(),
            commune,
            stored_v1.id,
            2021,
            &status("10", Met::Ntm),
        )
        .await
        .expect("update");
    assert_eq!(a.criteria_met(&old_set.set), 3);
    assert_eq!(a.statuses.len(), 3);
    let audit = store
        .audit_entries(&AuditFilter {
            entity: Some("ntm_assessment".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].action, AuditAction::Update);
    assert_eq!(
        store
            .assessments(stored_v1.id, None)
            .await
            .expect("all")
            .len(),
        1
    );
}

#[tokio::test]
async fn commune_programmes_and_model_areas_round_trip() {
    let db = TestDb::new().await;
    let store = &db.store;
    let commune = commune(store).await;
    let mut p = CommuneProgramme {
        region: Some("bac-trung-bo".into()),
        recognitions: vec![Recognition {
            level: Level::Ntm,
            decision: "123/QĐ-UBND".into(),
            decided_on: jiff::civil::Date::new(2019, 12, 20).expect("date"),
        }],
        targets: BTreeMap::new(),
    };
    p.targets.insert(Level::KieuMau, 2021);
    let (saved, v) = store
        .put_commune_programme(&actor(), commune, &p, None)
        .await
        .expect("save");
    assert_eq!((saved.clone(), v), (p.clone(), 1));
    let stale = store
        .put_commune_programme(&actor(), commune, &p, Some(7))
        .await;
    assert!(matches!(
        stale,
        Err(StoreError::Conflict(Conflict::Version))
    ));
    let all = store.commune_programmes().await.expect("all");
    assert_eq!(all[&commune].0.level_in(2021), Some(Level::Ntm));
    assert_eq!(
        all[&commune].0.next_target(2021),
        Some((Level::KieuMau, 2021))
    );
    store
        .put_model_areas(
            &actor(),
            &ModelAreas {
                unit_id: commune,
                year: 2021,
                kind: "vuon_mau".into(),
                achieved: Some(12),
                target: Some(20),
            },
        )
        .await
        .expect("areas");
    let areas = store.model_areas(2021).await.expect("areas");
    assert_eq!(areas.len(), 1);
    assert_eq!((areas[0].achieved, areas[0].target), (Some(12), Some(20)));
}
