//! The inbox's use cases (`giaoban_app::inbox`) against a fresh store, on SQLite or, with
//! GIAOBAN_TEST_DATABASE_URL, PostgreSQL: what waits for whom (an extension request for the
//! assigner's leaders and never another district's, a draft notice for its issuer, a
//! recommendation for the body it is addressed to), and that a decision takes it out.

mod common;

use common::{Fixture, assert_forbidden, body, in_days};
use giaoban_app::inbox::{self, InboxCounts, InboxKind};
use giaoban_app::work::{self, DecisionWrite, ExtensionWrite};
use giaoban_domain::Lang;
use serde_json::json;
use uuid::Uuid;

async fn counts(f: &Fixture, who: &str) -> InboxCounts {
    let me = f.caller(who).await;
    inbox::inbox_count(f.store(), &me).await.expect("counts")
}

/// The ids of the items of `kind` in `who`'s inbox.
async fn items(f: &Fixture, who: &str, kind: InboxKind) -> Vec<Uuid> {
    let me = f.caller(who).await;
    inbox::inbox(&f.app, &me, Lang::Vi)
        .await
        .expect("inbox")
        .items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.id)
        .collect()
}

#[tokio::test]
async fn an_extension_request_waits_for_the_assigners_leader_and_not_another_district() {
    let f = Fixture::new().await;
    let u = f.units;
    let office = f.caller("office").await;
    let t = work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": "Hoàn thành quyết toán vốn đầu tư công năm 2022",
            "assigner_unit_id": u.ubnd.0, "lead_unit_id": u.tckh.0, "deadline": in_days(10),
        })),
    )
    .await
    .expect("task");
    assert_eq!(
        counts(&f, "leader").await.extensions,
        0,
        "nothing asked yet"
    );
    let tckh = f.caller("tckh").await;
    let ask: ExtensionWrite = body(json!({"new_due": in_days(30), "reason": "Chờ Kho bạc"}));
    work::request_extension(&f.app, &tckh, t.id, &ask)
        .await
        .expect("asked");

    // The assigner's leader and office have it, with the request to decide.
    for who in ["leader", "office"] {
        let c = counts(&f, who).await;
        assert_eq!((c.extensions, c.total), (1, 1), "{who}: {c:?}");
        assert_eq!(items(&f, who, InboxKind::Extension).await, vec![t.id.0]);
    }
    let leader = f.caller("leader").await;
    let view = inbox::inbox(&f.app, &leader, Lang::Vi)
        .await
        .expect("inbox");
    let ext = view.items[0].extension.as_ref().expect("the request");
    assert_eq!(ext.lead.id, u.tckh.0);
    assert_eq!(ext.asked_due_date, in_days(30));
    // Not the other district's leader, not the unit that asked, not a commune.
    for who in ["leader_bt", "tckh", "camngoc"] {
        assert_eq!(counts(&f, who).await.extensions, 0, "{who}");
        assert!(
            items(&f, who, InboxKind::Extension).await.is_empty(),
            "{who}"
        );
    }
    assert!(
        inbox::still_waiting(&f.app, InboxKind::Extension, t.id.0)
            .await
            .expect("waiting")
    );

    // Decided, it leaves every inbox.
    let refuse: DecisionWrite = body(json!({"approve": false, "note": "Không đủ căn cứ"}));
    work::decide_extension(&f.app, &leader, t.id, &refuse)
        .await
        .expect("refused");
    assert_eq!(counts(&f, "leader").await, InboxCounts::default());
    assert_eq!(counts(&f, "office").await.extensions, 0);
    assert!(
        !inbox::still_waiting(&f.app, InboxKind::Extension, t.id.0)
            .await
            .expect("waiting")
    );
}

#[tokio::test]
async fn a_draft_notice_waits_for_its_issuer_until_issued() {
    let f = Fixture::new().await;
    let u = f.units;
    let office = f.caller("office").await;
    let m = work::create_meeting(
        &f.app,
        &office,
        &body(json!({"kind": "briefing", "title": "Giao ban tháng 3/2023",
                     "date": "2023-03-24", "host_unit_id": u.ubnd.0})),
    )
    .await
    .expect("meeting");
    let c = work::create_conclusion(
        &f.app,
        &office,
        &body(json!({"meeting_id": m.id, "issuer_unit_id": u.ubnd.0,
                     "title": "Kết luận giao ban tháng 3/2023", "signer_name": "Lê Văn Hoa",
                     "signer_title": "Chánh Văn phòng"})),
    )
    .await
    .expect("notice");
    assert_eq!(counts(&f, "leader").await.notices, 1);
    assert_eq!(items(&f, "office", InboxKind::Notice).await, vec![c.id]);
    for who in ["leader_bt", "camngoc", "tckh"] {
        assert_eq!(counts(&f, who).await.notices, 0, "{who}");
    }
    work::issue_conclusion(
        &f.app,
        &office,
        c.id,
        &body(json!({"issued_on": "2023-03-28"})),
    )
    .await
    .expect("issued");
    assert_eq!(counts(&f, "leader").await.notices, 0);
    assert!(items(&f, "office", InboxKind::Notice).await.is_empty());
}

#[tokio::test]
async fn a_recommendation_waits_for_the_body_it_is_addressed_to() {
    let f = Fixture::new().await;
    let u = f.units;
    let camngoc = f.caller("camngoc").await;
    // A commune addresses its own district, never another one.
    assert_forbidden(
        work::create_recommendation(
            &f.app,
            &camngoc,
            &body(json!({"raised_by_unit_id": u.cam_ngoc.0,
                         "addressed_to_unit_id": u.other_district.0,
                         "content": "Đề nghị hỗ trợ"})),
        )
        .await,
    );
    let r = work::create_recommendation(
        &f.app,
        &camngoc,
        &body(json!({"raised_by_unit_id": u.cam_ngoc.0, "addressed_to_unit_id": u.district.0,
                     "content": "Đề nghị UBND huyện hỗ trợ kinh phí sửa chữa kênh mương nội đồng."})),
    )
    .await
    .expect("raised");
    assert_eq!(counts(&f, "leader").await.recommendations, 1);
    assert_eq!(
        items(&f, "leader", InboxKind::Recommendation).await,
        vec![r.id]
    );
    for who in ["leader_bt", "camtan", "camngoc"] {
        assert_eq!(counts(&f, who).await.recommendations, 0, "{who}");
    }
    // The other commune may not answer it; the district's leader does, and it waits no more.
    let camtan = f.caller("camtan").await;
    let answer = body(
        json!({"answer": "Huyện bố trí 200 triệu đồng trong quý II.",
                             "status": "answered"}),
    );
    assert_forbidden(work::answer_recommendation(&f.app, &camtan, r.id, &answer).await);
    let leader = f.caller("leader").await;
    work::answer_recommendation(&f.app, &leader, r.id, &answer)
        .await
        .expect("answered");
    assert_eq!(counts(&f, "leader").await.recommendations, 0);
}
