//! The review-and-direction cycle over the API: a meeting, its notice numbered and frozen at issue,
//! tasks assigned to units, each unit working only on its own tasks, extensions that keep the
//! original deadline, boards as of a past day, reminders e-mailed over SMTP, and the calendar feed
//! read back by an iCalendar parser.

mod common;

use common::{TestApp, get, post};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::task::{DeadlineInput, TaskDraft, TaskInput};
use giaoban_domain::unit::Contact;
use serde_json::{Value, json};

fn meeting_body(app: &TestApp, title: &str, date: &str) -> Value {
    json!({
        "kind": "regular_session",
        "title": title,
        "date": date,
        "time": "8h",
        "place": "Hội trường UBND huyện",
        "host_unit_id": app.units.ubnd.0,
        "chair": {"name": "Phạm Viết Hoài", "title": "Chủ tịch UBND huyện"},
        "agenda": ["Báo cáo kinh tế - xã hội quý I"],
        "period": "2023Q1"
    })
}

#[tokio::test]
async fn meeting_notice_and_tasks_each_unit_works_on_its_own() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;

    // A meeting opens the office's task of issuing its notice within 5 working days.
    let (s, m) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        meeting_body(&app, "Phiên họp thường kỳ tháng 03/2023", "24/03/2023"),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let meeting_id = m["meeting"]["id"].as_str().expect("id").to_owned();
    assert_eq!(m["meeting"]["time"], "08:00");
    // 24/03/2023 is a Friday: five working days later is Friday 31/03/2023.
    assert_eq!(m["meeting"]["notice_due"], "chậm nhất ngày 31/03/2023");
    let notice_task = m["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| {
            t["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("Ban hành thông báo kết luận"))
        })
        .expect("notice task")
        .clone();
    assert_eq!(notice_task["due_label"], "chậm nhất ngày 31/03/2023");

    // A notice: drafted, issued under number 1 of the year, then frozen.
    let notice = json!({
        "meeting_id": meeting_id,
        "issuer_unit_id": u.ubnd.0,
        "title": "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03/2023",
        "signer_name": "Nguyễn Đình Hùng",
        "signer_title": "Chánh Văn phòng",
        "authority": "by_order",
        "results": "Kinh tế tiếp tục phát triển.",
        "recipients": ["TT Huyện ủy;", "Lưu: VT."]
    });
    let (s, c) = post(&office, &ot, app.url("/api/v1/conclusions"), notice.clone()).await;
    assert_eq!(s, 201, "{c}");
    let cid = c["conclusion"]["id"].as_str().expect("id").to_owned();
    assert_eq!(c["conclusion"]["status"], "draft");
    assert_eq!(
        c["conclusion"]["authority_lines"],
        json!(["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"])
    );
    let (s, issued) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "27/03/2023"}),
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    assert_eq!(issued["conclusion"]["number"], "1/TB-UBND");
    assert_eq!(issued["conclusion"]["issued_on"], "2023-03-27");
    let r = office
        .put(app.url(&format!("/api/v1/conclusions/{cid}")))
        .header("x-csrf-token", &ot)
        .json(&notice)
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body["error"]["fields"][0]["code"],
        "conclusion.already_issued"
    );
    let (s, again) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({}),
    )
    .await;
    assert_eq!(s, 422, "{again}");
    // Issuing closed the office's notice task.
    let (_, nt) = get(
        &office,
        app.url(&format!(
            "/api/v1/tasks/{}",
            notice_task["id"].as_str().expect("id")
        )),
    )
    .await;
    assert!(
        nt["task"]["status"]
            .as_str()
            .is_some_and(|s| s.starts_with("completed")),
        "{nt}"
    );
    // The notice as Word and PDF files, with a Vietnamese file name.
    for (format, magic, ct) in [
        (
            "docx",
            &b"PK"[..],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("pdf", &b"%PDF"[..], "application/pdf"),
    ] {
        let r = office
            .get(app.url(&format!(
                "/api/v1/conclusions/{cid}/document?format={format}"
            )))
            .send()
            .await
            .expect("file");
        assert_eq!(r.status(), 200, "{format}");
        assert_eq!(r.headers()["content-type"], ct);
        let cd = r.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .to_owned();
        assert!(
            cd.contains(&format!("filename=\"thong-bao-1-TB-UBND.{format}\"")),
            "{cd}"
        );
        assert!(
            cd.contains("filename*=UTF-8''Th%C3%B4ng%20b%C3%A1o%201%2DTB%2DUBND"),
            "{cd}"
        );
        let bytes = r.bytes().await.expect("bytes");
        assert!(bytes.starts_with(magic), "{format} starts with its magic");
    }
    // The meetings page lists the notice under its number.
    let html = office
        .get(app.url("/meetings"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("id=\"notice-list\"") && html.contains("1/TB-UBND"));
    // A correction is a new notice that refers to the issued one (page and API).
    let r = office
        .get(app.url(&format!(
            "/meetings/{meeting_id}/conclusions/new?corrects={cid}"
        )))
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"corrects-note\""), "correction form");
    assert!(html.contains(&format!("name=\"corrects_id\" value=\"{cid}\"")));
    let mut correction = notice.clone();
    correction["corrects_id"] = json!(cid);
    correction["title"] = json!("Đính chính Thông báo số 1/TB-UBND");
    let (s, corr) = post(&office, &ot, app.url("/api/v1/conclusions"), correction).await;
    assert_eq!(s, 201, "{corr}");
    assert_eq!(corr["conclusion"]["corrects_id"], cid.as_str());
    assert_eq!(corr["conclusion"]["status"], "draft");
    // The next notice of the same body and year takes number 2.
    let (_, c2) = post(&office, &ot, app.url("/api/v1/conclusions"), notice.clone()).await;
    let cid2 = c2["conclusion"]["id"].as_str().expect("id").to_owned();
    let (_, issued2) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid2}/issue")),
        json!({"issued_on": "2023-03-28"}),
    )
    .await;
    assert_eq!(issued2["conclusion"]["number"], "2/TB-UBND");

    let (cn0, _) = app.signed_in("camngoc").await;
    let r = cn0
        .get(app.url(&format!("/api/v1/conclusions/{cid}/document?format=pdf")))
        .send()
        .await
        .expect("file");
    assert_eq!(r.status(), 403, "a commune with no part in the notice");
    // Tasks go into a notice while it is a draft (an issued notice is frozen, issue 21): a third
    // notice of the meeting takes them, and is issued once they are in.
    let (s, c3) = post(&office, &ot, app.url("/api/v1/conclusions"), notice).await;
    assert_eq!(s, 201, "{c3}");
    let cid = c3["conclusion"]["id"].as_str().expect("id").to_owned();
    // Tasks: finance leads one; a commune leads another; the commune leads a third with finance
    // coordinating.
    let task = |content: &str, lead: uuid::Uuid, coord: Vec<uuid::Uuid>, deadline: &str| {
        json!({
            "content": content,
            "conclusion_id": cid,
            "assigner_unit_id": u.ubnd.0,
            "lead_unit_id": lead,
            "coordinating_unit_ids": coord,
            "deadline": deadline,
            "assigned_on": "24/03/2023"
        })
    };
    let (s, a) = post(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        task(
            "Hoàn chỉnh dự thảo báo cáo kinh tế - xã hội Quý I",
            u.tckh.0,
            vec![],
            "chậm nhất ngày 27/03/2023",
        ),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    let a_id = a["task"]["id"].as_str().expect("id").to_owned();
    assert_eq!(a["task"]["meeting_id"], meeting_id.as_str());
    let (_, b) = post(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        task(
            "Rà soát tiêu chí nông thôn mới",
            u.cam_ngoc.0,
            vec![],
            "trong quý II",
        ),
    )
    .await;
    let b_id = b["task"]["id"].as_str().expect("id").to_owned();
    let (_, cc) = post(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        task(
            "Thanh quyết toán kinh phí cống rãnh thoát nước",
            u.cam_ngoc.0,
            vec![u.tckh.0],
            "thường xuyên",
        ),
    )
    .await;
    let c_id = cc["task"]["id"].as_str().expect("id").to_owned();
    assert_eq!(cc["task"]["status"], "standing");
    let (s, issued3) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "2023-03-28"}),
    )
    .await;
    assert_eq!(s, 200, "{issued3}");
    assert_eq!(issued3["conclusion"]["number"], "3/TB-UBND");

    // Finance lists its own task and the one it coordinates, never the commune's own.
    let (fin, ft) = app.signed_in("tckh").await;
    let (s, list) = get(&fin, app.url("/api/v1/tasks?as_of=2023-03-28")).await;
    assert_eq!(s, 200);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&a_id.as_str()) && ids.contains(&c_id.as_str()));
    assert!(!ids.contains(&b_id.as_str()), "{ids:?}");
    let a_row = &list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"] == a_id.as_str())
        .expect("a");
    assert_eq!(a_row["status"], "overdue");
    assert_eq!(a_row["days_late"], 1);
    // Pages of one: the same tasks in the same order, the total counting them all.
    let mut paged = Vec::new();
    for page in 1..=ids.len() + 1 {
        let (s, p) = get(
            &fin,
            app.url(&format!(
                "/api/v1/tasks?as_of=2023-03-28&per_page=1&page={page}"
            )),
        )
        .await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["total"], ids.len());
        for t in p["items"].as_array().expect("items") {
            paged.push(t["id"].as_str().expect("id").to_owned());
        }
    }
    assert_eq!(paged, ids);
    // Open ones only: the standing task stays, and the filter applies before the page.
    let (s, open) = get(
        &fin,
        app.url("/api/v1/tasks?as_of=2023-03-28&status=open&per_page=25"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        open["total"],
        open["items"].as_array().expect("items").len()
    );
    assert!(
        open["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|t| t["id"] == c_id.as_str())
    );
    for bad in ["per_page=0", "per_page=501", "page=0&per_page=5"] {
        let (s, e) = get(&fin, app.url(&format!("/api/v1/tasks?{bad}"))).await;
        assert_eq!(s, 422, "{bad}: {e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("trang")),
            "{e}"
        );
    }

    let (s, _) = get(&fin, app.url(&format!("/api/v1/tasks/{b_id}"))).await;
    assert_eq!(s, 403);
    let (s, _) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{b_id}/progress")),
        json!({"percent": "50", "note": "x"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = get(
        &fin,
        app.url(&format!("/api/v1/tasks?unit={}", u.cam_ngoc.0)),
    )
    .await;
    assert_eq!(s, 403);

    let (s, upd) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/progress")),
        json!({"percent": "63%", "note": "Đã tổng hợp ý kiến của 12/17 xã", "version": a["task"]["version"]}),
    )
    .await;
    assert_eq!(s, 200, "{upd}");
    assert_eq!(upd["task"]["percent"], 63);
    assert_eq!(upd["history"][0]["note"], "Đã tổng hợp ý kiến của 12/17 xã");
    assert_eq!(upd["history"][0]["kind"], "progress");
    // A stale version is refused, and nothing is lost.
    let (s, _) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/progress")),
        json!({"percent": "70", "note": "lại", "version": a["task"]["version"]}),
    )
    .await;
    assert_eq!(s, 409);
    // Coordinating: progress yes, completion no.
    let (s, _) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{c_id}/progress")),
        json!({"note": "Đã hướng dẫn hồ sơ thanh toán cho xã"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{c_id}/progress")),
        json!({"completed": true, "note": "Xong"}),
    )
    .await;
    assert_eq!(s, 403);
    // Bad input: every problem named, in Vietnamese (English on request).
    let (s, bad) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/progress")),
        json!({"percent": "120"}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(bad["error"]["fields"][0]["code"], "task.percent_invalid");
    let r = office
        .post(app.url("/api/v1/tasks"))
        .header("x-csrf-token", &ot)
        .header("accept-language", "en")
        .json(&task("Việc", u.tckh.0, vec![], "khi nào xong"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body["error"]["fields"][0]["code"],
        "task.deadline_unreadable"
    );
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Cannot read the deadline")),
        "{body}"
    );

    // Extension: asked by the lead unit, approved by the office; the original stays on record.
    let (s, ext) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/extension")),
        json!({"new_due": "05/04/2023", "reason": "Chờ số liệu của Chi cục Thống kê"}),
    )
    .await;
    assert_eq!(s, 200, "{ext}");
    assert!(ext["task"]["pending_extension"].is_string());
    let (s, _) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/extension/decision")),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(s, 403, "the lead unit cannot approve its own extension");
    let (s, dec) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/tasks/{a_id}/extension/decision")),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(s, 200, "{dec}");
    assert_eq!(dec["task"]["extended"], true);
    assert_eq!(dec["task"]["due_label"], "chậm nhất ngày 05/04/2023");
    assert_eq!(
        dec["task"]["original_due_label"],
        "chậm nhất ngày 27/03/2023"
    );

    // Completion by the lead unit.
    let (s, done) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{a_id}/progress")),
        json!({"completed": true, "evidence": "Báo cáo số 45/BC-UBND đã trình Ban Thường vụ"}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["task"]["percent"], 100);
    assert_eq!(done["history"][0]["kind"], "completion");

    // The leader's board as of 28/03/2023: the finance task overdue then (the extension was
    // approved later), the commune's within its deadline.
    let (leader, _) = app.signed_in("leader").await;
    let (s, board) = get(&leader, app.url("/api/v1/board?as_of=2023-03-28")).await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(board["overdue"][0]["id"], a_id.as_str());
    assert_eq!(board["totals"]["overdue"], 1);
    let notice_progress = board["conclusions"]
        .as_array()
        .expect("conclusions")
        .iter()
        .find(|c| c["conclusion_id"] == cid.as_str())
        .expect("notice progress");
    assert_eq!(notice_progress["total"], 3);
    assert_eq!(notice_progress["overdue"], 1);

    // Every write is in the audit trail, with who did it.
    let entries = app
        .db
        .store
        .audit_entries(&giaoban_storage::audit::AuditFilter {
            entity: None,
            entity_id: None,
            within: None,
            before_micros: None,
            limit: 500,
        })
        .await
        .expect("audit");
    for entity in ["meeting", "conclusion", "task"] {
        assert!(
            entries.iter().any(|e| e.entity == entity),
            "audit has {entity}"
        );
    }
    assert!(
        entries
            .iter()
            .any(|e| e.entity == "task" && e.actor_name == "tckh")
    );

    // A recommendation raised by the commune, answered by finance. The commune raises it at a
    // meeting it attends: until the office invites it, the meeting is not the commune's to cite.
    let (cn, ct) = app.signed_in("camngoc").await;
    let recommendation = json!({"meeting_id": meeting_id, "raised_by_unit_id": u.cam_ngoc.0,
        "addressed_to_unit_id": u.tckh.0,
        "content": "Đề nghị hướng dẫn thanh quyết toán công trình rãnh thoát nước"});
    let (s, _) = post(
        &cn,
        &ct,
        app.url("/api/v1/recommendations"),
        recommendation.clone(),
    )
    .await;
    assert_eq!(s, 403, "a meeting the commune does not attend");
    let mut invited = meeting_body(&app, "Phiên họp thường kỳ tháng 03/2023", "24/03/2023");
    invited["invited_unit_ids"] = json!([u.cam_ngoc.0]);
    let r = office
        .put(app.url(&format!("/api/v1/meetings/{meeting_id}")))
        .header("x-csrf-token", &ot)
        .json(&invited)
        .send()
        .await
        .expect("invite");
    assert_eq!(r.status(), 200);
    let (s, rec) = post(&cn, &ct, app.url("/api/v1/recommendations"), recommendation).await;
    assert_eq!(s, 201, "{rec}");
    assert_eq!(rec["status"], "awaiting");
    let rid = rec["id"].as_str().expect("id").to_owned();
    let (s, _) = post(
        &cn,
        &ct,
        app.url(&format!("/api/v1/recommendations/{rid}/answer")),
        json!({"status": "resolved", "answer": "tự trả lời"}),
    )
    .await;
    assert_eq!(s, 403, "the commune cannot answer its own recommendation");
    let (s, ans) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/recommendations/{rid}/answer")),
        json!({"status": "answered", "answer": "Phòng sẽ hướng dẫn trực tiếp trong tuần"}),
    )
    .await;
    assert_eq!(s, 200, "{ans}");
    assert_eq!(ans["status"], "answered");
    let (s, md) = get(&office, app.url(&format!("/api/v1/meetings/{meeting_id}"))).await;
    assert_eq!(s, 200);
    assert_eq!(md["recommendations"][0]["status"], "answered");
}

#[tokio::test]
async fn the_next_meeting_reviews_what_is_still_open() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let (_, m1) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        meeting_body(&app, "Phiên họp tháng 02", "2023-02-24"),
    )
    .await;
    let m1_id = m1["meeting"]["id"].as_str().expect("id").to_owned();
    let mut ids = Vec::new();
    for (content, deadline) in [
        ("Việc còn mở", "trong quý II/2023"),
        ("Việc sẽ xong", "chậm nhất ngày 10/03/2023"),
    ] {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({"content": content, "meeting_id": m1_id, "assigner_unit_id": u.ubnd.0,
                   "lead_unit_id": u.tckh.0, "deadline": deadline, "assigned_on": "2023-02-24"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        ids.push(t["task"]["id"].as_str().expect("id").to_owned());
    }
    let (_, m2) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        meeting_body(&app, "Phiên họp tháng 03", "2023-03-24"),
    )
    .await;
    let m2_id = m2["meeting"]["id"].as_str().expect("id").to_owned();
    let (_, detail) = get(&office, app.url(&format!("/api/v1/meetings/{m2_id}"))).await;
    let review: Vec<&str> = detail["review"]
        .as_array()
        .expect("review")
        .iter()
        .map(|t| t["content"].as_str().expect("content"))
        .collect();
    assert!(review.contains(&"Việc còn mở"), "{review:?}");
    // Not done by 10/03: overdue at the second meeting, so it is reviewed too.
    assert!(review.contains(&"Việc sẽ xong"), "{review:?}");
    assert_eq!(detail["previous_meeting"]["id"], m1_id.as_str());
    // The first meeting reviews nothing (no earlier meeting of the host).
    let (_, d1) = get(&office, app.url(&format!("/api/v1/meetings/{m1_id}"))).await;
    assert_eq!(d1["review"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn reminders_are_recorded_once_and_emailed_over_smtp() {
    use giaoban_notify::testing::SmtpSink;
    let app = TestApp::spawn().await;
    let store = &app.db.store;
    let actor = AuditActor::system("test");
    let unit = store.unit(app.units.tckh).await.expect("unit");
    store
        .set_unit_contact(
            &actor,
            unit.id,
            &Contact {
                email: Some("tckh.camthuy@thanhhoa.gov.vn".into()),
                ..Contact::default()
            },
            None,
        )
        .await
        .expect("contact");
    let today = giaoban_web::today();
    let due = today.checked_add(jiff::Span::new().days(3)).expect("date");
    let draft = TaskDraft::parse(
        &TaskInput {
            content: "Nộp báo cáo thu ngân sách quý".into(),
            source_kind: None,
            conclusion_id: None,
            meeting_id: None,
            source_ref: None,
            assigner_unit_id: app.units.ubnd.0,
            assigner_name: None,
            lead_unit_id: app.units.tckh.0,
            coordinating_unit_ids: vec![],
            monitor_unit_id: None,
            parent_id: None,
            deadline: DeadlineInput::Text(due.to_string()),
            assigned_on: Some(today.to_string()),
        },
        today,
    )
    .expect("draft");
    store.create_task(&actor, &draft).await.expect("task");

    let sink = SmtpSink::start().await.expect("sink");
    let mailer =
        giaoban_notify::Mailer::new(&sink.config("giaoban <giaoban@localhost>")).expect("mailer");
    let channels = giaoban_web::channels::Channels::new(Some(mailer), None, None);
    let deliver = async |at: jiff::Timestamp| {
        giaoban_web::channels::deliver_pending(store, &channels, at)
            .await
            .expect("deliver")
    };
    let now = jiff::Timestamp::now();
    let first = giaoban_web::work::send_reminders(store, &channels, now)
        .await
        .expect("sweep");
    assert_eq!(first.notifications, 1, "{first:?}");
    assert_eq!(first.deliveries, 1, "{first:?}");
    assert_eq!(deliver(now).await.sent, 1);
    // Run again: nothing new, nothing sent twice.
    let again = giaoban_web::work::send_reminders(store, &channels, now)
        .await
        .expect("sweep");
    assert_eq!(again.notifications, 0);
    assert_eq!(again.deliveries, 0);
    assert_eq!(deliver(now).await.sent, 0);
    // The day after the deadline: the "missed" reminder.
    let after = giaoban_domain::calendar::end_of_day(due.tomorrow().expect("date")).expect("ts");
    let late = giaoban_web::work::send_reminders(store, &channels, after)
        .await
        .expect("sweep");
    assert_eq!(late.deliveries, 1, "{late:?}");
    assert_eq!(deliver(after).await.sent, 1);

    let mails = sink
        .wait_for(2, std::time::Duration::from_secs(10))
        .await
        .expect("two mails");
    assert_eq!(mails.len(), 2);
    let parsed: Vec<_> = mails
        .iter()
        .map(|m| {
            assert_eq!(m.to, vec!["tckh.camthuy@thanhhoa.gov.vn".to_string()]);
            let msg = mail_parser::MessageParser::default()
                .parse(m.data.as_bytes())
                .expect("mail");
            (
                msg.subject().unwrap_or("").to_owned(),
                msg.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
            )
        })
        .collect();
    assert!(parsed[0].0.contains("Còn 3 ngày"), "{:?}", parsed[0].0);
    assert!(parsed[0].0.contains("Nộp báo cáo thu ngân sách quý"));
    assert!(
        parsed[0]
            .1
            .contains(&giaoban_domain::calendar::format_date_vi(due))
    );
    assert!(parsed[1].0.contains("quá hạn"), "{:?}", parsed[1].0);

    // In the app, the unit's people see both reminders.
    let (fin, _) = app.signed_in("tckh").await;
    let (s, list) = get(&fin, app.url("/api/v1/notifications")).await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(list["items"][0]["emailed"], true);
    assert_eq!(list["items"][0]["deliveries"][0]["channel"], "email");
    assert_eq!(list["items"][0]["deliveries"][0]["status"], "sent");
}

#[tokio::test]
async fn calendar_feed_parses_and_needs_its_secret() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    for (content, deadline) in [
        (
            "Nộp báo cáo kinh tế - xã hội, quyết toán",
            "chậm nhất ngày 27/03/2026",
        ),
        (
            "Tổng hợp đăng ký ra quân hàng tuần",
            "trước 17h thứ Năm hàng tuần",
        ),
    ] {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({"content": content, "assigner_unit_id": u.ubnd.0, "lead_unit_id": u.tckh.0,
                   "deadline": deadline, "assigned_on": giaoban_web::today().to_string()}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
    }
    let (fin, ft) = app.signed_in("tckh").await;
    let (s, tok) = post(&fin, &ft, app.url("/api/v1/calendar/token"), json!({})).await;
    assert_eq!(s, 201, "{tok}");
    let path = tok["path"].as_str().expect("path").to_owned();

    // No session needed: a calendar application fetches the feed alone.
    let r = reqwest::get(app.url(&path)).await.expect("feed");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/calendar")
    );
    let text = r.text().await.expect("text");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let summaries: Vec<String> = cal.events.iter().map(|e| prop(e, "SUMMARY")).collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("Nộp báo cáo kinh tế - xã hội\\, quyết toán")
                || s.contains("Nộp báo cáo kinh tế - xã hội, quyết toán")),
        "{summaries:?}"
    );
    let dated = cal
        .events
        .iter()
        .find(|e| prop(e, "SUMMARY").contains("Nộp báo cáo"))
        .expect("dated task");
    assert_eq!(prop(dated, "DTSTART"), "20260327");
    // The weekly obligation: one event per Thursday in the window, each with its own UID.
    let weekly: Vec<_> = cal
        .events
        .iter()
        .filter(|e| prop(e, "SUMMARY").contains("ra quân"))
        .collect();
    assert!(weekly.len() >= 12, "{} weekly events", weekly.len());
    let uids: std::collections::BTreeSet<String> = weekly.iter().map(|e| prop(e, "UID")).collect();
    assert_eq!(uids.len(), weekly.len());

    // A wrong or revoked secret gets nothing.
    let wrong = format!("/calendar/{}.ics", "0".repeat(64));
    assert_eq!(
        reqwest::get(app.url(&wrong)).await.expect("get").status(),
        404
    );
    let (_, tok2) = post(&fin, &ft, app.url("/api/v1/calendar/token"), json!({})).await;
    assert_ne!(tok2["token"], tok["token"]);
    assert_eq!(
        reqwest::get(app.url(&path)).await.expect("get").status(),
        404
    );
}

#[tokio::test]
async fn a_confirmed_document_creates_everything_or_nothing() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let mut doc = json!({
        "meeting": meeting_body(&app, "Phiên họp thường kỳ tháng 03 năm 2023", "24/03/2023"),
        "conclusion": {
            "title": "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023",
            "signer_name": "Nguyễn Đình Hùng", "signer_title": "Chánh Văn phòng",
            "recipients": ["TT Huyện ủy;", "Lưu: VT."]
        },
        "tasks": [
            {"content": "Hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I", "assigner_unit_id": u.ubnd.0,
             "lead_unit_id": u.tckh.0, "deadline": "chậm nhất vào ngày 27/03/2023"},
            {"content": "Rà soát tiêu chí nông thôn mới", "assigner_unit_id": u.ubnd.0,
             "lead_unit_id": u.cam_ngoc.0, "coordinating_unit_ids": [u.tckh.0], "deadline": "sớm"}
        ],
        "recommendations": [
            {"raised_by_unit_id": u.cam_ngoc.0, "addressed_to_unit_id": u.tckh.0,
             "content": "Đề nghị hướng dẫn thanh quyết toán"}
        ]
    });
    let (s, err) = post(
        &office,
        &ot,
        app.url("/api/v1/extract/confirm"),
        doc.clone(),
    )
    .await;
    assert_eq!(s, 422, "{err}");
    let msg = err["error"]["fields"][0]["message"].as_str().unwrap_or("");
    assert!(msg.starts_with("Nhiệm vụ 2:"), "{msg}");
    let (_, meetings) = get(&office, app.url("/api/v1/meetings")).await;
    assert_eq!(
        meetings["items"].as_array().map(Vec::len),
        Some(0),
        "nothing saved"
    );
    let (_, tasks) = get(&office, app.url("/api/v1/tasks")).await;
    assert_eq!(tasks["total"], 0);

    doc["tasks"][1]["deadline"] = json!("trong quý II/2023");
    let (s, m) = post(&office, &ot, app.url("/api/v1/extract/confirm"), doc).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["conclusions"][0]["status"], "draft");
    let notice_id = m["conclusions"][0]["id"]
        .as_str()
        .expect("notice")
        .to_owned();
    let from_notice: Vec<&Value> = m["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["conclusion_id"] == notice_id.as_str())
        .collect();
    assert_eq!(from_notice.len(), 2, "{m}");
    assert!(from_notice.iter().all(|t| t["source_kind"] == "conclusion"));
    assert_eq!(
        m["recommendations"][0]["raised_by"]["id"],
        u.cam_ngoc.0.to_string()
    );
    // The notice's own deadline is tracked as the office's task of the meeting.
    assert!(m["tasks"].as_array().expect("tasks").iter().any(|t| t["source_kind"] == "meeting"
        && t["due_label"] == "chậm nhất ngày 31/03/2023"));
}

/// A document whose last task passes every check before the first write but is refused by the
/// store (its parent task does not exist) saves nothing: the meeting, the notice, the office's
/// task of issuing it, the tasks before it and the recommendation are one transaction (issue 22).
#[tokio::test]
async fn a_document_refused_at_its_last_task_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let mut doc = json!({
        "meeting": meeting_body(&app, "Phiên họp thường kỳ tháng 03 năm 2023", "24/03/2023"),
        "conclusion": {
            "title": "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023",
            "signer_name": "Nguyễn Đình Hùng", "signer_title": "Chánh Văn phòng"
        },
        "tasks": [
            {"content": "Hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I", "assigner_unit_id": u.ubnd.0,
             "lead_unit_id": u.tckh.0, "deadline": "chậm nhất vào ngày 27/03/2023"},
            {"content": "Rà soát tiêu chí nông thôn mới", "assigner_unit_id": u.ubnd.0,
             "lead_unit_id": u.cam_ngoc.0, "deadline": "trong quý II/2023",
             "parent_id": uuid::Uuid::now_v7()}
        ],
        "recommendations": [
            {"raised_by_unit_id": u.cam_ngoc.0, "addressed_to_unit_id": u.tckh.0,
             "content": "Đề nghị hướng dẫn thanh quyết toán"}
        ]
    });
    let (s, err) = post(
        &office,
        &ot,
        app.url("/api/v1/extract/confirm"),
        doc.clone(),
    )
    .await;
    assert_eq!(s, 422, "{err}");
    let msg = err["error"]["fields"][0]["message"].as_str().unwrap_or("");
    assert!(msg.starts_with("Nhiệm vụ 2:"), "{err}");
    let (_, meetings) = get(&office, app.url("/api/v1/meetings")).await;
    assert_eq!(
        meetings["items"].as_array().map(Vec::len),
        Some(0),
        "{meetings}"
    );
    let (_, notices) = get(&office, app.url("/api/v1/conclusions")).await;
    let notices = notices["items"]
        .as_array()
        .or_else(|| notices.as_array())
        .map_or(0, Vec::len);
    assert_eq!(notices, 0);
    let (_, tasks) = get(&office, app.url("/api/v1/tasks")).await;
    assert_eq!(tasks["total"], 0, "{tasks}");
    let (_, recs) = get(&office, app.url("/api/v1/recommendations")).await;
    let recs = recs["items"]
        .as_array()
        .or_else(|| recs.as_array())
        .map_or(0, Vec::len);
    assert_eq!(recs, 0);

    // Without the bad parent the same document saves whole.
    doc["tasks"][1]
        .as_object_mut()
        .expect("task")
        .remove("parent_id");
    let (s, m) = post(&office, &ot, app.url("/api/v1/extract/confirm"), doc).await;
    assert_eq!(s, 201, "{m}");
    let (_, tasks) = get(&office, app.url("/api/v1/tasks")).await;
    // Two tasks of the notice and the office's task of issuing it.
    assert_eq!(tasks["total"], 3, "{tasks}");
}

#[tokio::test]
async fn a_pasted_notice_becomes_a_meeting_and_tasks_through_the_page() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let text = "UBND HUYỆN CẨM THỦY\nSố: /TB-UBND\nCẩm Thủy, ngày 27 tháng 3 năm 2023\nTHÔNG BÁO\n\
        Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023\n\
        Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp thường kỳ tháng 03.\n\
        Giao Phòng Tài chính - Kế hoạch tiếp thu ý kiến để hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I chậm nhất vào ngày 27/03/2023.\n";
    let r = office
        .post(app.url("/extract"))
        .form(&[
            ("csrf_token", ot.as_str()),
            ("text", text),
            ("document_date", ""),
        ])
        .send()
        .await
        .expect("extract");
    // The reading is kept and shown by a page got, not posted (Back works, issue 21).
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let r = office.get(app.url(&at)).send().await.expect("reading");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("id=\"confirm-form\""),
        "confirmation form offered"
    );
    // The finance department is proposed as the lead, and the deadline in the domain's words.
    assert!(
        html.contains(&format!("value=\"{}\" selected", u.tckh.0)),
        "lead preselected"
    );
    assert!(
        html.contains("value=\"chậm nhất ngày 27/03/2023\""),
        "deadline proposed"
    );
    assert!(
        html.contains("value=\"2023-03-24\""),
        "meeting date proposed"
    );

    // The person confirms with one task row wrong: the page comes back, nothing saved.
    let content = "Hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I";
    let host = u.ubnd.0.to_string();
    let lead = u.tckh.0.to_string();
    let mut form = vec![
        ("csrf_token", ot.as_str()),
        ("text", text),
        ("kind", "regular_session"),
        ("title", "Phiên họp thường kỳ tháng 03 năm 2023"),
        ("date", "2023-03-24"),
        ("host_unit_id", host.as_str()),
        ("notice", "1"),
        (
            "notice_title",
            "Kết luận tại phiên họp thường kỳ tháng 03 năm 2023",
        ),
        ("task_0_present", "1"),
        ("task_0_include", "1"),
        ("task_0_content", content),
        ("task_0_lead", lead.as_str()),
        ("task_0_deadline", "hạn chót mơ hồ"),
    ];
    let r = office
        .post(app.url("/extract/confirm"))
        .form(&form)
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("Nhiệm vụ 1:"), "the row is named");
    assert!(
        html.contains("hạn chót mơ hồ"),
        "the typed value comes back"
    );
    let (_, meetings) = get(&office, app.url("/api/v1/meetings")).await;
    assert_eq!(meetings["items"].as_array().map(Vec::len), Some(0));

    form.pop();
    form.push(("task_0_deadline", "chậm nhất ngày 27/03/2023"));
    let r = office
        .post(app.url("/extract/confirm"))
        .form(&form)
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(to.starts_with("/meetings/"), "{to}");
    let id = to.trim_start_matches("/meetings/");
    let (_, m) = get(&office, app.url(&format!("/api/v1/meetings/{id}"))).await;
    assert_eq!(m["conclusions"][0]["status"], "draft");
    let task = m["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["content"] == content)
        .expect("task created");
    assert_eq!(task["lead"]["id"], lead.as_str());
    assert_eq!(task["deadline_label"], "chậm nhất ngày 27/03/2023");
}

/// A province has tens of thousands of tasks: `/tasks` shows them 100 to a page, counts them all,
/// numbers the rows across pages and keeps the filters in its links; a page number that is not
/// one is refused with a message, a page past the end is empty and links back.
#[tokio::test]
async fn the_task_page_is_read_a_hundred_rows_at_a_time() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    for n in 1..=105 {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({
                "content": format!("Rà soát hồ sơ số {n:03}"),
                "assigner_unit_id": u.ubnd.0,
                "lead_unit_id": u.cam_ngoc.0,
                "deadline": "chậm nhất ngày 30/06/2023",
                "assigned_on": "24/03/2023"
            }),
        )
        .await;
        assert_eq!(s, 201, "{t}");
    }
    let page = |q: String| {
        let office = office.clone();
        let url = app.url(&format!("/tasks?{q}"));
        async move {
            let r = office.get(url).send().await.expect("get");
            // Ampersands in links as the browser reads them, whichever escape the template uses.
            let status = r.status().as_u16();
            let html = r.text().await.expect("html");
            (status, html.replace("&#38;", "&").replace("&amp;", "&"))
        }
    };
    let unit = u.cam_ngoc.0;
    let rows = |html: &str| html.matches("<tr data-status=").count();
    let (s, first) = page(format!("unit={unit}&status=open&as_of=28/03/2023")).await;
    assert_eq!(s, 200);
    assert_eq!(rows(&first), 100);
    assert!(first.contains("105 nhiệm vụ"), "the count is of every page");
    assert!(first.contains("Trang 1/2"));
    assert!(first.contains("Rà soát hồ sơ số 001") && !first.contains("Rà soát hồ sơ số 101"));
    let next = format!("/tasks?unit={unit}&status=open&as_of=28%2F03%2F2023&page=2");
    assert!(
        first.contains(&next),
        "the next page keeps the filters: {}",
        first
            .split("task-pager")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(400)
            .collect::<String>()
    );
    assert!(!first.contains("id=\"page-prev\""));

    let (s, second) = page(format!("unit={unit}&status=open&as_of=28/03/2023&page=2")).await;
    assert_eq!(s, 200);
    assert_eq!(rows(&second), 5);
    assert!(second.contains("<td>101</td>") && second.contains("<td>105</td>"));
    assert!(second.contains("Rà soát hồ sơ số 105") && !second.contains("Rà soát hồ sơ số 100<"));
    assert!(second.contains("page=1\" rel=\"prev\""));
    assert!(!second.contains("id=\"page-next\""));

    let (s, past) = page(format!("unit={unit}&page=9")).await;
    assert_eq!(s, 200);
    assert_eq!(rows(&past), 0);
    assert!(
        past.contains("page=2\" rel=\"prev\""),
        "back to the last page"
    );

    for bad in ["0", "hai", "-1"] {
        let (s, html) = page(format!("unit={unit}&page={bad}")).await;
        assert_eq!(s, 422, "page={bad}");
        assert!(html.contains("Số trang bắt đầu từ 1."), "page={bad}");
    }
}

/// The board counts in the database and lists only the most late: with 57 overdue tasks (two of
/// them recurring, classified occurrence by occurrence) it lists 50, most days late first, says
/// how many there are, and its counts equal the task list's; the list read page by page gives
/// every task once, in the order of the whole list, recurring ones in their place.
#[tokio::test]
async fn the_board_counts_every_task_and_lists_the_fifty_most_late() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let mut created = Vec::new();
    for n in 0..60i64 {
        let due = jiff::civil::date(2023, 2, 1)
            .checked_add(jiff::Span::new().days(n))
            .expect("due");
        let deadline = if n == 20 || n == 40 {
            "trước 17h thứ Năm hàng tuần".to_string()
        } else {
            format!("chậm nhất ngày {}", due.strftime("%d/%m/%Y"))
        };
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({
                "content": format!("Việc số {n:02}"),
                "assigner_unit_id": u.ubnd.0,
                "lead_unit_id": if n % 2 == 0 { u.cam_ngoc.0 } else { u.cam_tan.0 },
                "deadline": deadline,
                "assigned_on": "05/01/2023"
            }),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        created.push(t["task"]["id"].as_str().expect("id").to_string());
    }
    let as_of = "as_of=28/03/2023";
    let (s, board) = get(&office, app.url(&format!("/api/v1/board?{as_of}"))).await;
    assert_eq!(s, 200, "{board}");
    // Due 01/02 … 27/03 (55 days, two of them recurring instead) and the two weekly tasks.
    assert_eq!(board["overdue_total"], 55, "{}", board["totals"]);
    let listed = board["overdue"].as_array().expect("overdue");
    assert_eq!(listed.len(), 50);
    let days: Vec<i64> = listed
        .iter()
        .map(|t| t["days_late"].as_i64().expect("days late"))
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
    let most_late: Vec<&str> = listed[..2]
        .iter()
        .map(|t| t["content"].as_str().unwrap_or(""))
        .collect();
    assert!(
        most_late.contains(&"Việc số 20") && most_late.contains(&"Việc số 40"),
        "the weekly tasks missed since January are the most late: {most_late:?} {days:?}"
    );
    let (s, list) = get(
        &office,
        app.url(&format!("/api/v1/tasks?status=overdue&{as_of}&per_page=1")),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(list["total"], board["overdue_total"]);
    let totals: i64 = board["totals"]
        .as_object()
        .expect("totals")
        .values()
        .filter_map(Value::as_i64)
        .sum();
    let (_, all) = get(&office, app.url(&format!("/api/v1/tasks?{as_of}"))).await;
    let all: Vec<String> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(totals, all.len() as i64);
    let per_unit: i64 = board["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["total"].as_i64())
        .sum();
    assert_eq!(per_unit, totals);
    // Ours are the newest: the whole list ends with them, in the order written.
    assert_eq!(all[all.len() - 60..], created[..]);
    let mut paged = Vec::new();
    for page in 1.. {
        let (s, p) = get(
            &office,
            app.url(&format!("/api/v1/tasks?{as_of}&per_page=7&page={page}")),
        )
        .await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["total"].as_u64(), Some(all.len() as u64));
        let items = p["items"].as_array().expect("items");
        if items.is_empty() {
            break;
        }
        paged.extend(
            items
                .iter()
                .map(|t| t["id"].as_str().expect("id").to_string()),
        );
    }
    assert_eq!(paged, all);

    let r = office
        .get(app.url(&format!("/board?{as_of}")))
        .send()
        .await
        .expect("board page");
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("50 nhiệm vụ quá hạn lâu nhất trong tổng số 55."),
        "the page says the list is cut"
    );
    let table = html
        .split("id=\"board-overdue\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("overdue table");
    assert_eq!(table.matches("badge s-overdue").count(), 50);
}

/// Issue 23: every task's mistake in one answer — three tasks without a readable deadline are
/// three messages of one 422, not three rounds; nothing is saved.
#[tokio::test]
async fn a_confirm_lists_every_tasks_mistake_at_once() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let task = |content: &str, deadline: &str| {
        json!({"content": content, "assigner_unit_id": u.ubnd.0, "lead_unit_id": u.tckh.0,
               "deadline": deadline})
    };
    let doc = json!({
        "meeting": meeting_body(&app, "Phiên họp thường kỳ tháng 03 năm 2023", "24/03/2023"),
        "tasks": [
            task("Hoàn chỉnh báo cáo", "sớm"),
            task("Rà soát tiêu chí", "chậm nhất ngày 30/4/2023"),
            task("Tổng hợp ý kiến", ""),
            task("Báo cáo giải ngân", "khi nào xong"),
        ]
    });
    let (s, err) = post(&office, &ot, app.url("/api/v1/extract/confirm"), doc).await;
    assert_eq!(s, 422, "{err}");
    let messages: Vec<&str> = err["error"]["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["message"].as_str()).collect())
        .unwrap_or_default();
    for n in [1, 3, 4] {
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&format!("Nhiệm vụ {n}:"))),
            "task {n} missing from {messages:?}"
        );
    }
    assert!(
        !messages.iter().any(|m| m.starts_with("Nhiệm vụ 2:")),
        "{messages:?}"
    );
    let (_, meetings) = get(&office, app.url("/api/v1/meetings")).await;
    assert_eq!(meetings["items"].as_array().map(Vec::len), Some(0));
}
