//! The NTM programme's use cases (`giaoban_app::programmes`) against a fresh store, on SQLite or,
//! with GIAOBAN_TEST_DATABASE_URL, PostgreSQL: only an administrator loads a criteria set; a
//! commune (or its district) records its criteria, never a neighbour's; a lagging criterion
//! becomes a task led by the commune.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body};
use giaoban_app::programmes::{self, CommuneQuery, CriterionTaskWrite, StatusWrite};
use giaoban_app::work::{self, TaskQuery};
use giaoban_domain::Lang;
use giaoban_domain::programme::BUNDLED_SETS;
use serde_json::json;

/// Criterion 15 (health) of 2021 as the commune's own assessment has it: not met, planned for
/// 2022, its first indicator at 88.5.
fn health_2021() -> StatusWrite {
    body(
        json!({"year": 2021, "item": "15", "met": "no", "evaluated_on": "31/03/2021",
                "assessor": "UBND xã", "planned_year": 2022, "values": {"15.2": 88.5}}),
    )
}

#[tokio::test]
async fn only_an_administrator_loads_a_criteria_set() {
    let f = Fixture::new().await;
    let codes = |sets: Vec<programmes::SetSummary>| {
        sets.into_iter()
            .map(|s| (s.code, s.version))
            .collect::<Vec<_>>()
    };
    let bundled = codes(programmes::list_sets(&f.app, Lang::Vi).await.expect("sets"));
    assert_eq!(
        bundled,
        [
            ("xa-ntm-2016-2020".to_owned(), 1),
            ("xa-ntm-2021-2025".to_owned(), 1)
        ]
    );
    let text = BUNDLED_SETS[1].1.replacen("version = 1", "version = 2", 1);
    for who in ["office", "leader", "camngoc"] {
        let me = f.caller(who).await;
        assert_forbidden(programmes::load_set(&f.app, &me, &text, Lang::Vi).await);
    }
    let admin = f.caller("admin").await;
    // A version already loaded is refused, with the field to change named.
    assert_invalid(
        programmes::load_set(&f.app, &admin, BUNDLED_SETS[1].1, Lang::Vi).await,
        "criteria_set.version_taken",
    );
    let loaded = programmes::load_set(&f.app, &admin, &text, Lang::Vi)
        .await
        .expect("version 2");
    assert_eq!(
        (loaded.code.as_str(), loaded.version),
        ("xa-ntm-2021-2025", 2)
    );
    assert_eq!(
        programmes::list_sets(&f.app, Lang::Vi)
            .await
            .expect("sets")
            .len(),
        3
    );
}

#[tokio::test]
async fn a_commune_records_its_own_criteria_and_not_its_neighbours() {
    let f = Fixture::new().await;
    let u = f.units;
    let camngoc = f.caller("camngoc").await;
    programmes::put_status(&f.app, &camngoc, u.cam_ngoc, &health_2021())
        .await
        .expect("the commune's own status");
    // Not the neighbour's, not from another district, and only for a commune.
    assert_forbidden(programmes::put_status(&f.app, &camngoc, u.cam_tan, &health_2021()).await);
    let leader_bt = f.caller("leader_bt").await;
    assert_forbidden(programmes::put_status(&f.app, &leader_bt, u.cam_ngoc, &health_2021()).await);
    let office = f.caller("office").await;
    assert_invalid(
        programmes::put_status(&f.app, &office, u.district, &health_2021()).await,
        "ntm.not_a_commune",
    );
    // A result that is none of the levels is refused.
    let mut wrong = health_2021();
    wrong.met = json!("maybe");
    assert!(matches!(
        programmes::put_status(&f.app, &camngoc, u.cam_ngoc, &wrong).await,
        Err(giaoban_app::Error::Invalid(_))
    ));

    let q = CommuneQuery {
        year: Some("2021".into()),
        ..CommuneQuery::default()
    };
    let v = programmes::commune(&f.app, &camngoc, u.cam_ngoc, &q, Lang::Vi)
        .await
        .expect("commune");
    let c15 = v
        .items
        .iter()
        .find(|i| i.item == "15")
        .expect("criterion 15");
    assert_eq!(c15.met.as_deref(), Some("no"));
    assert_eq!(c15.planned_year, Some(2022));
    assert_eq!(c15.indicators[0].value.as_deref(), Some("88,5"));
    assert!(v.may_edit);
    // The district's office reads it too; the neighbour does not.
    let seen = programmes::commune(&f.app, &office, u.cam_ngoc, &q, Lang::Vi)
        .await
        .expect("the district reads its commune");
    assert_eq!(seen.criteria_total, v.criteria_total);
    let camtan = f.caller("camtan").await;
    assert_forbidden(programmes::commune(&f.app, &camtan, u.cam_ngoc, &q, Lang::Vi).await);
}

#[tokio::test]
async fn a_lagging_criterion_becomes_a_task_led_by_the_commune() {
    let f = Fixture::new().await;
    let u = f.units;
    let camngoc = f.caller("camngoc").await;
    programmes::put_status(&f.app, &camngoc, u.cam_ngoc, &health_2021())
        .await
        .expect("status");
    let w: CriterionTaskWrite = body(json!({"year": 2021, "item": "15"}));
    let camtan = f.caller("camtan").await;
    assert_forbidden(programmes::criterion_task(&f.app, &camtan, u.cam_ngoc, &w).await);
    let office = f.caller("office").await;
    assert_invalid(
        programmes::criterion_task(
            &f.app,
            &office,
            u.cam_ngoc,
            &body(json!({"year": 2021, "item": "99"})),
        )
        .await,
        "ntm.item_unknown",
    );
    let t = programmes::criterion_task(&f.app, &office, u.cam_ngoc, &w)
        .await
        .expect("task");
    assert_eq!((t.lead_unit_id, t.assigner_unit_id), (u.cam_ngoc, u.ubnd));
    assert!(
        t.content.starts_with("Hoàn thành tiêu chí số 15"),
        "{}",
        t.content
    );
    // The commune finds it among its tasks.
    let (list, _) = work::list_tasks(&f.app, &camngoc, &TaskQuery::default(), Lang::Vi)
        .await
        .expect("tasks");
    assert!(list.iter().any(|l| l.task.id == t.id));
}
