//! The app's clock (SQLite, or PostgreSQL with GIAOBAN_TEST_DATABASE_URL): started with a fixed
//! clock (`WebConfig.clock`, as `giaoban demo --as-of DATE` serves), every page and API answers as
//! of that day, not the system's: which tasks are overdue, a new meeting's date, the default
//! period of the reports list and the roll-up, whether a report is missing yet, which units are
//! active, the default year of the programme picture. Run twice, on 24/03/2023 and on 05/11/2024, so that no answer can be
//! right by chance (and neither day is the machine's).

mod common;

use common::{TestApp, get, post};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::unit::{UnitDraft, UnitId, UnitInput};
use giaoban_web::{Clock, WebConfig};
use serde_json::{Value, json};

/// What the app must answer on one fixed day.
struct Expected {
    /// 10:00 in Vietnam on this day.
    day: &'static str,
    /// The same day as a form shows it (the new meeting's default date).
    day_vi: &'static str,
    /// The status of the task due 27/03/2023 (the one due 20/03/2023 is overdue on both days).
    due_27_status: &'static str,
    /// The quarter before the day's: the reports list's and the roll-up's default period.
    default_quarter: &'static str,
    /// The day's quarter: the newest in the reports list's period picker.
    current_quarter: &'static str,
    /// Units of 2023Q2 missing (not sent, deadline passed) on the completeness board.
    missing_2023q2: u64,
    /// The programme picture's year when none is asked for and nothing is assessed.
    programme_year: i64,
    /// Active on the day: ended 30/06/2023, and started 01/01/2024 (the units ended 31/12/2022 and
    /// starting 01/07/2025 are inactive on both days).
    ends_2023_active: bool,
    starts_2024_active: bool,
}

const MARCH_2023: Expected = Expected {
    day: "2023-03-24T10:00:00+07:00",
    day_vi: "24/03/2023",
    due_27_status: "due_soon",
    default_quarter: "2022Q4",
    current_quarter: "2023Q1",
    missing_2023q2: 0,
    programme_year: 2023,
    ends_2023_active: true,
    starts_2024_active: false,
};

const NOVEMBER_2024: Expected = Expected {
    day: "2024-11-05T10:00:00+07:00",
    day_vi: "05/11/2024",
    due_27_status: "overdue",
    default_quarter: "2024Q3",
    current_quarter: "2024Q4",
    missing_2023q2: 2,
    programme_year: 2024,
    ends_2023_active: false,
    starts_2024_active: true,
};

/// A department under the district's people's committee, active from `from` to `to`.
async fn dated_unit(app: &TestApp, name: &str, from: Option<&str>, to: Option<&str>) -> UnitId {
    let d = UnitDraft::parse(&UnitInput {
        kind: "department".into(),
        level: "huyen".into(),
        name: name.into(),
        parent_id: Some(app.units.ubnd),
        active_from: from.map(Into::into),
        active_to: to.map(Into::into),
        ..Default::default()
    })
    .expect("draft");
    app.db
        .store
        .create_unit(&AuditActor::system("test"), &d)
        .await
        .expect("unit")
        .id
}

async fn text(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("text")
}

async fn answers_as_of(e: &Expected) {
    let at: jiff::Timestamp = e.day.parse().expect("instant");
    let app = TestApp::spawn_with(WebConfig {
        clock: Clock::Fixed(at),
        ..WebConfig::default()
    })
    .await;
    let (office, ot) = app.signed_in("office").await;

    // ----- tasks: overdue as of the app's day, on the list, the task and the board -----
    let mut ids = Vec::new();
    for (content, deadline) in [
        ("Nộp báo cáo rà soát hộ nghèo", "chậm nhất ngày 20/03/2023"),
        ("Hoàn thiện hồ sơ đất đai", "chậm nhất ngày 27/03/2023"),
    ] {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({"content": content, "assigner_unit_id": app.units.ubnd.0,
                   "lead_unit_id": app.units.tckh.0, "deadline": deadline,
                   "assigned_on": "10/03/2023"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        ids.push(t["task"]["id"].as_str().expect("id").to_owned());
    }
    let (s, list) = get(&office, app.url("/api/v1/tasks")).await;
    assert_eq!(s, 200, "{list}");
    let status_of = |id: &str| {
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|t| t["id"] == id)
            .map(|t| t["status"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(status_of(&ids[0]), "overdue", "{} {list}", e.day);
    assert_eq!(status_of(&ids[1]), e.due_27_status, "{} {list}", e.day);
    let (_, one) = get(&office, app.url(&format!("/api/v1/tasks/{}", ids[1]))).await;
    assert_eq!(one["task"]["status"], e.due_27_status, "{one}");
    let overdue_list = text(&office, app.url("/tasks?status=overdue")).await;
    assert!(overdue_list.contains("Nộp báo cáo rà soát hộ nghèo"));
    assert_eq!(
        overdue_list.contains("Hoàn thiện hồ sơ đất đai"),
        e.due_27_status == "overdue",
        "{}",
        e.day
    );

    // A new meeting is dated the app's day by default.
    let meeting = text(&office, app.url("/meetings/new")).await;
    assert!(
        meeting.contains(&format!(
            "id=\"meeting-date\" required value=\"{}\"",
            e.day_vi
        )),
        "{}",
        e.day
    );

    // ----- reports: the default period and the missing reports follow the app's day -----
    let form = app
        .quarterly_commune_form(json!({"items": [{"code": "NN_LUA_GIEO_CAY", "required": true}]}))
        .await;
    let reports = text(&office, app.url("/reports")).await;
    assert!(
        reports.contains(&format!("/reports/{}/{}", form.id.0, e.default_quarter)),
        "{} default period {}",
        e.day,
        e.default_quarter
    );
    assert!(
        reports.contains(&format!(
            "<option value=\"{}\" selected>",
            e.default_quarter
        )),
        "{}",
        e.day
    );
    let newest = reports
        .split("<select name=\"period\"><option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("period picker");
    assert_eq!(newest, e.current_quarter);
    let rollups = text(&office, app.url("/rollups")).await;
    assert!(
        rollups.contains(&format!("period={}", e.default_quarter)),
        "{} roll-up of {}",
        e.day,
        e.default_quarter
    );
    let (s, board) = get(
        &office,
        app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q2/completeness",
            form.id.0
        )),
    )
    .await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(board["expected"], 2, "{board}");
    assert_eq!(board["missing"], e.missing_2023q2, "{} {board}", e.day);

    // ----- the directory: `active` on the app's day -----
    let ended_2022 = dated_unit(&app, "Ban đã giải thể 2022", None, Some("2022-12-31")).await;
    let ends_2023 = dated_unit(&app, "Ban kết thúc giữa 2023", None, Some("2023-06-30")).await;
    let starts_2024 = dated_unit(&app, "Ban thành lập 2024", Some("2024-01-01"), None).await;
    let starts_2025 = dated_unit(&app, "Ban thành lập 07/2025", Some("2025-07-01"), None).await;
    let expected = [
        (ended_2022, false),
        (ends_2023, e.ends_2023_active),
        (starts_2024, e.starts_2024_active),
        (starts_2025, false),
        (app.units.tckh, true),
    ];
    let (s, units) = get(&office, app.url("/api/v1/units")).await;
    assert_eq!(s, 200, "{units}");
    for (id, active) in expected {
        let row = units["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["id"] == id.0.to_string())
            .expect("listed");
        assert_eq!(row["active"], active, "{} {row}", e.day);
        let (_, one) = get(&office, app.url(&format!("/api/v1/units/{id}"))).await;
        assert_eq!(one["active"], active, "{} {one}", e.day);
    }
    // The directory page shows the day's units only.
    let page = text(&office, app.url("/units")).await;
    assert!(!page.contains("Ban đã giải thể 2022"));
    assert_eq!(page.contains("Ban kết thúc giữa 2023"), e.ends_2023_active);
    assert_eq!(page.contains("Ban thành lập 2024"), e.starts_2024_active);
    assert!(!page.contains("Ban thành lập 07/2025"));

    // ----- programmes: the picture's default year is the app's -----
    let (s, picture) = get(&office, app.url("/api/v1/programmes/picture")).await;
    assert_eq!(s, 200, "{picture}");
    assert_eq!(picture["year"], e.programme_year, "{} {picture}", e.day);
}

#[tokio::test]
async fn pages_and_api_answer_as_of_24_march_2023() {
    answers_as_of(&MARCH_2023).await;
}

#[tokio::test]
async fn pages_and_api_answer_as_of_5_november_2024() {
    answers_as_of(&NOVEMBER_2024).await;
}
