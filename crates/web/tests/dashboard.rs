//! The home page as a dashboard per role (issue 25): the page and `GET /api/v1/dashboard` give the
//! same numbers, at the server's fixed clock, each number linking to its list; a member sees their
//! unit's numbers only; the leader's chart is SVG that scales to a phone's width.

mod common;

use common::{TestApp, get, post};
use giaoban_web::{Clock, WebConfig};
use serde_json::json;

async fn page(c: &reqwest::Client, url: String, lang: &str) -> String {
    let r = c
        .get(url)
        .header("accept-language", lang)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("text")
}

/// Monday 12/05/2025 at the server; tasks given on 01/04: Cẩm Tân's due 02/05 and Cẩm Ngọc's due
/// 05/05 overdue, Cẩm Ngọc's due 14/05 due soon, the finance department's due 01/07 on track.
async fn seeded() -> TestApp {
    let at: jiff::Timestamp = "2025-05-12T09:00:00+07:00".parse().expect("instant");
    let app = TestApp::spawn_with(WebConfig {
        clock: Clock::Fixed(at),
        ..WebConfig::default()
    })
    .await;
    let (office, ot) = app.signed_in("office").await;
    let u = &app.units;
    for (lead, deadline) in [
        (u.cam_tan, "2025-05-02"),
        (u.cam_ngoc, "2025-05-05"),
        (u.cam_ngoc, "2025-05-14"),
        (u.tckh, "2025-07-01"),
    ] {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({"content": format!("Nhiệm vụ hạn {deadline}"), "assigner_unit_id": u.ubnd.0,
                   "lead_unit_id": lead.0, "deadline": deadline, "assigned_on": "2025-04-01"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
    }
    app
}

#[tokio::test]
async fn the_leader_and_a_commune_see_their_numbers_on_the_page_and_the_api() {
    let app = seeded().await;
    let (leader, _) = app.signed_in("leader").await;
    let (s, d) = get(&leader, app.url("/api/v1/dashboard")).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["today"], "2025-05-12");
    assert_eq!(d["role"], "leader");
    let l = &d["leader"];
    assert_eq!(
        (
            &l["overdue"]["count"],
            &l["due_soon"]["count"],
            &l["on_track"]["count"]
        ),
        (&json!(2), &json!(1), &json!(1)),
        "{d}"
    );
    assert_eq!(l["overdue"]["href"], "/tasks?status=overdue");
    assert!(d["member"].is_null() && d["office"].is_null());

    let html = page(&leader, app.url("/"), "vi").await;
    assert!(
        html.contains(r#"id="dash-overdue" href="/tasks?status=overdue">2</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"id="dash-due-soon" href="/tasks?status=due_soon">1</a>"#));
    assert!(html.contains("Quá hạn") && html.contains("Số liệu đến ngày"));
    assert!(html.contains(d["today_label"].as_str().expect("label")));
    // The chart: SVG scaled to its box, labels 14 units in a 340-unit drawing.
    assert!(html.contains(r#"viewBox="0 0 340 "#) && html.contains(r#"width="100%""#));
    assert!(html.contains(r#"font-size="14""#));
    let svg = html
        .split_once("<svg")
        .and_then(|(_, rest)| rest.split_once("</svg>"))
        .map(|(svg, _)| svg)
        .expect("svg");
    assert!(
        !svg.contains("<script") && svg.contains("Xã Cẩm Tân"),
        "{svg}"
    );
    // The number's link opens its list, which holds the two overdue tasks.
    let list = page(&leader, app.url("/tasks?status=overdue"), "vi").await;
    assert!(list.contains("Nhiệm vụ hạn 2025-05-02") || list.contains("hạn 2025-05-02"));
    assert!(!list.contains("Nhiệm vụ hạn 2025-07-01"));
    // English through i18n.
    let en = page(&leader, app.url("/"), "en").await;
    assert!(
        en.contains("Figures as of") && en.contains("Overdue"),
        "{en}"
    );

    // A commune sees its own unit's tasks only, and no chart.
    let (camngoc, _) = app.signed_in("camngoc").await;
    let (s, m) = get(&camngoc, app.url("/api/v1/dashboard")).await;
    assert_eq!(s, 200, "{m}");
    assert!(m["leader"].is_null());
    let mine = &m["member"];
    assert_eq!(
        (
            &mine["overdue"]["count"],
            &mine["due_soon"]["count"],
            &mine["later"]["count"]
        ),
        (&json!(1), &json!(1), &json!(0)),
        "{m}"
    );
    let html = page(&camngoc, app.url("/"), "vi").await;
    let href = format!("/tasks?status=overdue&#38;unit={}", app.units.cam_ngoc.0);
    assert!(
        html.contains(&format!(r#"id="dash-overdue" href="{href}">1</a>"#)),
        "{html}"
    );
    // The leader's chart and section are not the commune's (its inbox may have a chart of its own).
    assert!(!html.contains(r#"id="dash-chart""#) && !html.contains("dash-leader"));
}

#[tokio::test]
async fn the_dashboard_needs_a_session() {
    let app = TestApp::spawn().await;
    let (s, _) = get(&app.client(), app.url("/api/v1/dashboard")).await;
    assert_eq!(s, 401);
}
