//! Issued means frozen (issue 21): once a conclusion notice is issued, no route — API or page —
//! adds, edits or removes anything of it or of the tasks it assigned, except what the rules allow
//! (progress, completion, an extension, a correcting notice). Each refused change is a 422 in
//! Vietnamese, and the notice's DOCX and PDF afterwards are byte for byte the ones before.

mod common;

use common::TestApp;
use serde_json::{Value, json};

async fn send(
    c: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> (u16, Value) {
    let r = c
        .request(method, url)
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn document(app: &TestApp, c: &reqwest::Client, id: &str, format: &str) -> Vec<u8> {
    let r = c
        .get(app.url(&format!(
            "/api/v1/conclusions/{id}/document?format={format}"
        )))
        .send()
        .await
        .expect("document");
    assert_eq!(r.status(), 200, "{format}");
    r.bytes().await.expect("bytes").to_vec()
}

/// The PDF writer (printpdf) draws a random file identifier (`/ID`, and the XMP document and
/// instance ids) for every file it writes; its dates are fixed (the epoch), its font ids fixed by
/// the notice writer. The identifier is set aside so that what is compared is the document.
fn pdf_without_stamps(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut out = String::with_capacity(text.len());
    let patterns = [
        ("/CreationDate", ')'),
        ("/ModDate", ')'),
        ("/ID", ']'),
        ("<xmp:CreateDate>", '<'),
        ("<xmp:ModifyDate>", '<'),
        ("<xmp:MetadataDate>", '<'),
        ("<xmpMM:DocumentID>", '<'),
        ("<xmpMM:InstanceID>", '<'),
    ];
    let mut rest = text.as_str();
    'outer: while !rest.is_empty() {
        for (start, end) in patterns {
            if let Some(tail) = rest.strip_prefix(start) {
                out.push_str(start);
                let cut = tail.find(end).unwrap_or(tail.len());
                rest = &tail[cut..];
                continue 'outer;
            }
        }
        let ch = rest.chars().next().expect("char");
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out.into_bytes()
}

fn task_count(detail: &Value) -> usize {
    detail["tasks"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn an_issued_notice_and_its_tasks_stay_as_issued() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let (leader, lt) = app.signed_in("leader").await;
    let (fin, ft) = app.signed_in("tckh").await;
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;

    // A meeting, its notice with one task, issued.
    let meeting = json!({"kind": "regular_session", "title": "Phiên họp thường kỳ tháng 3",
        "date": "2023-03-24", "place": "Hội trường UBND huyện", "host_unit_id": u.ubnd.0,
        "chair": {"name": "Phạm Viết Hoài", "title": "Chủ tịch UBND huyện"}});
    let (s, m) = send(
        &office,
        &ot,
        post.clone(),
        app.url("/api/v1/meetings"),
        meeting.clone(),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let meeting_id = m["meeting"]["id"]
        .as_str()
        .or(m["id"].as_str())
        .expect("id")
        .to_owned();
    let notice = json!({"meeting_id": meeting_id, "issuer_unit_id": u.ubnd.0,
        "title": "Thông báo kết luận phiên họp tháng 3", "signer_name": "Phạm Viết Hoài",
        "signer_title": "Chủ tịch", "directions": "Tập trung chỉ đạo gieo cấy vụ Xuân."});
    let (s, c) = send(
        &office,
        &ot,
        post.clone(),
        app.url("/api/v1/conclusions"),
        notice.clone(),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["conclusion"]["id"]
        .as_str()
        .or(c["id"].as_str())
        .expect("id")
        .to_owned();
    let task = |content: &str| {
        json!({"content": content, "conclusion_id": cid, "assigner_unit_id": u.ubnd.0,
               "lead_unit_id": u.tckh.0, "deadline": "chậm nhất ngày 30/06/2099"})
    };
    let (s, t) = send(
        &office,
        &ot,
        post.clone(),
        app.url("/api/v1/tasks"),
        task("Tham mưu kế hoạch vốn"),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let tid = t["task"]["id"]
        .as_str()
        .or(t["id"].as_str())
        .expect("id")
        .to_owned();
    let (s, i) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "2023-03-28"}),
    )
    .await;
    assert_eq!(s, 200, "{i}");

    let docx_before = document(&app, &office, &cid, "docx").await;
    let pdf_before = document(&app, &office, &cid, "pdf").await;

    let mut refused = 0;
    let mut expect_frozen = |what: &str, s: u16, body: &Value| {
        assert_eq!(s, 422, "{what}: {body}");
        let msg = body["error"]["fields"][0]["message"]
            .as_str()
            .or(body["error"]["message"].as_str())
            .unwrap_or_default();
        assert!(
            msg.contains("ban hành"),
            "{what}: a Vietnamese message naming the issue: {body}"
        );
        refused += 1;
    };

    // Adding a task to it: by the office, the leader and the admin, with or without a meeting.
    for (c, tok) in [(&office, &ot), (&leader, &lt)] {
        let (s, b) = send(
            c,
            tok,
            post.clone(),
            app.url("/api/v1/tasks"),
            task("Việc thêm sau khi ban hành"),
        )
        .await;
        expect_frozen("add a task", s, &b);
        let mut with_meeting = task("Việc thêm kèm cuộc họp");
        with_meeting["meeting_id"] = json!(meeting_id);
        let (s, b) = send(c, tok, post.clone(), app.url("/api/v1/tasks"), with_meeting).await;
        expect_frozen("add a task with its meeting", s, &b);
    }
    // A sub-task that claims the notice as its source.
    let mut sub = task("Việc con gắn vào thông báo");
    sub["parent_id"] = json!(tid);
    sub["assigner_unit_id"] = json!(u.tckh.0);
    let (s, b) = send(&fin, &ft, post.clone(), app.url("/api/v1/tasks"), sub).await;
    assert!(s == 403 || s == 422, "a sub-task into the notice: {s} {b}");
    // Editing the notice, issuing it again.
    let mut edit = notice.clone();
    edit["title"] = json!("Thông báo đã sửa");
    let (s, b) = send(
        &office,
        &ot,
        put.clone(),
        app.url(&format!("/api/v1/conclusions/{cid}")),
        edit,
    )
    .await;
    expect_frozen("edit the notice", s, &b);
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({}),
    )
    .await;
    expect_frozen("issue again", s, &b);
    // Removing a task it assigned (cancelling it).
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{tid}/action")),
        json!({"action": "cancel", "note": "Bỏ"}),
    )
    .await;
    expect_frozen("cancel a task of the notice", s, &b);
    // Changing what the notice quotes of its meeting.
    for (field, value) in [
        ("title", json!("Phiên họp đã đổi tên")),
        ("date", json!("2023-03-25")),
        ("place", json!("Nơi khác")),
        (
            "chair",
            json!({"name": "Người khác", "title": "Phó Chủ tịch"}),
        ),
    ] {
        let mut changed = meeting.clone();
        changed[field] = value;
        let (s, b) = send(
            &office,
            &ot,
            put.clone(),
            app.url(&format!("/api/v1/meetings/{meeting_id}")),
            changed,
        )
        .await;
        expect_frozen(&format!("change the meeting's {field}"), s, &b);
    }
    // The page form: the same refusal, nothing added.
    let r = office
        .post(app.url("/tasks"))
        .form(&[
            ("csrf_token", ot.as_str()),
            ("conclusion_id", cid.as_str()),
            ("source_kind", "conclusion"),
            ("content", "Việc thêm qua trang"),
            ("assigner_unit_id", &u.ubnd.to_string()),
            ("lead_unit_id", &u.tckh.to_string()),
            ("deadline", "chậm nhất ngày 30/06/2099"),
        ])
        .send()
        .await
        .expect("page post");
    assert_eq!(r.status(), 422, "the page form refuses too");
    let page = r.text().await.expect("text");
    assert!(page.contains("đã ban hành"), "the page says why");
    refused += 1;

    // What the rules allow still works: progress, an extension asked and decided, pausing, the
    // minutes of the meeting, a correcting notice.
    let (s, b) = send(
        &fin,
        &ft,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{tid}/progress")),
        json!({"percent": "40", "note": "Đang tổng hợp"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &fin,
        &ft,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{tid}/extension")),
        json!({"new_due": "2099-09-30", "reason": "Chờ số liệu"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{tid}/extension/decision")),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{tid}/action")),
        json!({"action": "pause"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let mut minutes = meeting.clone();
    minutes["minutes"] = json!("Biên bản: các đại biểu thống nhất.");
    let (s, b) = send(
        &office,
        &ot,
        put.clone(),
        app.url(&format!("/api/v1/meetings/{meeting_id}")),
        minutes,
    )
    .await;
    assert_eq!(s, 200, "the minutes are not in the notice: {b}");
    let mut correction = notice.clone();
    correction["corrects_id"] = json!(cid);
    correction["title"] = json!("Đính chính thông báo kết luận");
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url("/api/v1/conclusions"),
        correction,
    )
    .await;
    assert_eq!(s, 201, "{b}");

    // The notice: one task, the same files.
    let (s, detail) = {
        let r = office
            .get(app.url(&format!("/api/v1/conclusions/{cid}")))
            .send()
            .await
            .expect("get");
        (r.status().as_u16(), r.json::<Value>().await.expect("json"))
    };
    assert_eq!(s, 200);
    assert_eq!(task_count(&detail), 1, "{detail}");
    assert_eq!(detail["can_assign"], false);
    let docx_after = document(&app, &office, &cid, "docx").await;
    let pdf_after = document(&app, &office, &cid, "pdf").await;
    assert!(
        docx_before == docx_after,
        "the DOCX is byte for byte the one issued"
    );
    assert!(
        pdf_without_stamps(&pdf_before) == pdf_without_stamps(&pdf_after),
        "the PDF is the one issued (apart from the writer's time stamp and random ids)"
    );
    // The notice page offers no "Giao nhiệm vụ" form any more, but the correction link.
    let page = office
        .get(app.url(&format!("/conclusions/{cid}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(
        !page.contains("notice-task-form"),
        "the assign form is gone once issued"
    );
    assert!(page.contains("make-correction"));
    println!(
        "frozen notice: {refused} changes refused, DOCX {} B and PDF {} B unchanged",
        docx_after.len(),
        pdf_after.len()
    );
}

/// A task added while the notice is still a draft appears in it; the form is there.
#[tokio::test]
async fn a_draft_notice_still_takes_tasks() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let post = reqwest::Method::POST;
    let (s, m) = send(&office, &ot, post.clone(), app.url("/api/v1/meetings"),
        json!({"kind": "briefing", "title": "Giao ban", "date": "2023-03-24", "host_unit_id": u.ubnd.0})).await;
    assert_eq!(s, 201, "{m}");
    let mid = m["meeting"]["id"]
        .as_str()
        .or(m["id"].as_str())
        .expect("id")
        .to_owned();
    let (s, c) = send(
        &office,
        &ot,
        post.clone(),
        app.url("/api/v1/conclusions"),
        json!({"meeting_id": mid, "issuer_unit_id": u.ubnd.0, "title": "Kết luận"}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["conclusion"]["id"]
        .as_str()
        .or(c["id"].as_str())
        .expect("id")
        .to_owned();
    let (s, b) = send(
        &office,
        &ot,
        post,
        app.url("/api/v1/tasks"),
        json!({"content": "Việc", "conclusion_id": cid, "assigner_unit_id": u.ubnd.0,
               "lead_unit_id": u.tckh.0, "deadline": "thường xuyên"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let page = office
        .get(app.url(&format!("/conclusions/{cid}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("notice-task-form"));
}
