//! Messages out (issue 21): reminders and office messages reach a unit's Telegram chat (a local
//! stand-in of the Bot API) through the outbox — once each, retried when the failure may pass,
//! failed and shown when it will not, sent once by two senders at once — and a unit's own bot
//! token never leaves the server. On SQLite, or PostgreSQL with GIAOBAN_TEST_DATABASE_URL.

mod common;

use std::time::Duration;

use common::{BOT_TOKEN, TestApp};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::channel::{Channel, DeliveryStatus};
use giaoban_domain::task::{DeadlineInput, TaskDraft, TaskInput};
use giaoban_notify::testing::{TelegramFailure, TelegramStandIn};
use giaoban_web::channels::{DeliveryRun, deliver_pending};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);

async fn send(r: reqwest::RequestBuilder) -> (u16, Value) {
    let r = r.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

/// A task assigned by the district's UBND to the finance office, due in `days` days.
async fn task_due_in(app: &TestApp, content: &str, days: i64) -> giaoban_domain::task::Task {
    let today = giaoban_web::today();
    let due = today
        .checked_add(jiff::Span::new().days(days))
        .expect("date");
    let draft = TaskDraft::parse(
        &TaskInput {
            content: content.into(),
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
    app.db
        .store
        .create_task(&AuditActor::system("test"), &draft)
        .await
        .expect("task")
}

async fn sweep(app: &TestApp, now: Timestamp) -> giaoban_web::work::SweepReport {
    giaoban_web::work::send_reminders(&app.db.store, &app.channels, now)
        .await
        .expect("sweep")
}

async fn deliver(app: &TestApp, now: Timestamp) -> DeliveryRun {
    deliver_pending(&app.db.store, &app.channels, now)
        .await
        .expect("deliver")
}

async fn audit_of(app: &TestApp, entity: &str, id: &str) -> Vec<giaoban_domain::audit::AuditEntry> {
    app.db
        .store
        .audit_entries(&giaoban_storage::audit::AuditFilter {
            entity: Some(entity.to_owned()),
            entity_id: Some(id.to_owned()),
            within: None,
            before_micros: None,
            limit: 50,
        })
        .await
        .expect("audit")
}

fn later(now: Timestamp, minutes: i64) -> Timestamp {
    now + SignedDuration::from_mins(minutes)
}

#[tokio::test]
async fn a_reminder_reaches_the_units_chat_once_across_two_sweeps() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001234567890", Some(BOT_TOKEN))
        .await;
    task_due_in(&app, "Nộp báo cáo thu ngân sách quý", 3).await;

    let now = Timestamp::now();
    let first = sweep(&app, now).await;
    assert_eq!((first.notifications, first.deliveries), (1, 1), "{first:?}");
    assert_eq!(deliver(&app, now).await.sent, 1);
    // The second sweep finds the reminder recorded: nothing new is queued or sent.
    let again = sweep(&app, now).await;
    assert_eq!((again.notifications, again.deliveries), (0, 0), "{again:?}");
    assert_eq!(deliver(&app, later(now, 60)).await, DeliveryRun::default());

    let got = tg.messages();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].token, BOT_TOKEN);
    assert_eq!(got[0].chat_id, "-1001234567890");
    assert!(got[0].text.contains("Còn 3 ngày"), "{}", got[0].text);
    assert!(got[0].text.contains("Nộp báo cáo thu ngân sách quý"));
    assert!(got[0].text.contains("Task: Nộp báo cáo"), "English part");
}

#[tokio::test]
async fn a_delivery_failing_twice_is_sent_once_on_the_third_try() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001234567890", Some(BOT_TOKEN))
        .await;
    task_due_in(&app, "Rà soát hồ sơ đất đai", 3).await;
    // First Telegram asks to wait 10 minutes, then it fails on its side.
    tg.fail_next(1, TelegramFailure::TooManyRequests { retry_after: 600 });
    tg.fail_next(1, TelegramFailure::ServerError);

    let now = Timestamp::now();
    sweep(&app, now).await;
    assert_eq!(deliver(&app, now).await.retried, 1);
    // Not before what Telegram asked (10 min), though the schedule alone says 1 min.
    assert_eq!(deliver(&app, later(now, 2)).await, DeliveryRun::default());
    assert_eq!(deliver(&app, later(now, 11)).await.retried, 1);
    // Then 5 minutes after the second try.
    assert_eq!(deliver(&app, later(now, 13)).await, DeliveryRun::default());
    assert_eq!(deliver(&app, later(now, 17)).await.sent, 1);

    assert_eq!(tg.requests(), 3);
    assert_eq!(tg.messages().len(), 1);
    let sent = app
        .db
        .store
        .deliveries_in(DeliveryStatus::Sent)
        .await
        .expect("deliveries");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].attempts, 3);
    assert_eq!(sent[0].channel, Channel::Telegram);
    // Sent is sent: nothing more goes out.
    assert_eq!(deliver(&app, later(now, 600)).await, DeliveryRun::default());
    assert_eq!(tg.requests(), 3);
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_marked_failed_after_the_last_try() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001234567890", Some(BOT_TOKEN))
        .await;
    task_due_in(&app, "Tổng hợp số liệu tiêm chủng", 3).await;
    tg.fail_next(10, TelegramFailure::ServerError);
    let now = Timestamp::now();
    sweep(&app, now).await;
    // 1 min, 5 min, 30 min, 2 h, 6 h after each failed try: six tries in all.
    let mut at = now;
    let mut runs = Vec::new();
    for wait in [0, 1, 5, 30, 120, 360] {
        at = later(at, wait);
        runs.push(deliver(&app, at).await);
    }
    assert!(runs[..5].iter().all(|r| r.retried == 1), "{runs:?}");
    assert_eq!(runs[5].failed, 1, "{runs:?}");
    let failed = app
        .db
        .store
        .deliveries_in(DeliveryStatus::Failed)
        .await
        .expect("deliveries");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 6);
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("500"),
        "{failed:?}"
    );
    assert_eq!(tg.requests(), 6);
    assert!(tg.messages().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once_is_shown_and_can_be_sent_again() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    tg.known_chats(["-1009999"]);
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001111", Some(BOT_TOKEN))
        .await;
    task_due_in(&app, "Kiểm tra công tác phòng cháy", 3).await;
    let now = Timestamp::now();
    sweep(&app, now).await;
    let run = deliver(&app, now).await;
    assert_eq!((run.sent, run.retried, run.failed), (0, 0, 1), "{run:?}");
    assert_eq!(tg.requests(), 1);

    // The unit's people see it failed, with Telegram's words, and may send it again.
    let (fin, token) = app.signed_in("tckh").await;
    let (s, list) = send(fin.get(app.url("/api/v1/notifications"))).await;
    assert_eq!(s, 200);
    let d = &list["items"][0]["deliveries"][0];
    assert_eq!(d["channel"], "telegram", "{list}");
    assert_eq!(d["status"], "failed");
    assert_eq!(d["attempts"], 1);
    assert!(
        d["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("chat not found"),
        "{d}"
    );
    assert_eq!(d["can_retry"], true);
    let id = d["id"].as_str().expect("id").to_owned();
    let (s, page) = text(&fin, app.url("/notifications")).await;
    assert_eq!(s, 200);
    assert!(page.contains("lỗi: Telegram từ chối tin nhắn (400): Bad Request: chat not found"));
    assert!(page.contains(&format!("action=\"/deliveries/{id}/retry\"")));
    assert!(page.contains("Gửi lại"));

    // Another unit's people neither see it nor send it again.
    let (ngoc, ngoc_token) = app.signed_in("camngoc").await;
    let (s, _) = send(
        ngoc.post(app.url(&format!("/api/v1/deliveries/{id}/retry")))
            .header("x-csrf-token", &ngoc_token),
    )
    .await;
    assert_eq!(s, 404);

    // The chat is corrected and the delivery sent again: to the chat as it is now.
    let (s, body) = send(
        fin.put(app.url(&format!("/api/v1/units/{}/contact", app.units.tckh.0)))
            .header("x-csrf-token", &token)
            .json(&json!({"telegram_chat_id": "-1009999"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let (s, d) = send(
        fin.post(app.url(&format!("/api/v1/deliveries/{id}/retry")))
            .header("x-csrf-token", &token),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (d["status"].as_str(), d["destination"].as_str()),
        (Some("pending"), Some("-1009999"))
    );
    // Only a failed delivery is sent again by hand.
    let (s, again) = send(
        fin.post(app.url(&format!("/api/v1/deliveries/{id}/retry")))
            .header("x-csrf-token", &token),
    )
    .await;
    assert_eq!(s, 422, "{again}");
    assert_eq!(deliver(&app, Timestamp::now()).await.sent, 1);
    let got = tg.wait_for(1, WAIT).await.expect("sent");
    assert_eq!(got[0].chat_id, "-1009999");
    // The audit trail has the "send again", by whom.
    let entries = audit_of(&app, "delivery", &id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].actor_name, "tckh");
}

#[tokio::test]
async fn two_senders_at_once_send_each_delivery_once() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001234567890", Some(BOT_TOKEN))
        .await;
    for i in 0..12 {
        task_due_in(&app, &format!("Nhiệm vụ số {i}"), 3).await;
    }
    let now = Timestamp::now();
    assert_eq!(sweep(&app, now).await.deliveries, 12);
    let store = app.db.store.clone();
    let (a, b) = tokio::join!(
        deliver_pending(&app.db.store, &app.channels, now),
        deliver_pending(&store, &app.channels, now),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.sent + b.sent, 12, "{a:?} {b:?}");
    let got = tg.messages();
    assert_eq!(got.len(), 12);
    let mut texts: Vec<&str> = got.iter().map(|m| m.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), 12, "each once");
}

#[tokio::test]
async fn a_claim_is_a_lease_that_only_its_holder_may_close() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-1001234567890", Some(BOT_TOKEN))
        .await;
    task_due_in(&app, "Nhiệm vụ có hạn", 3).await;
    let store = &app.db.store;
    let now = Timestamp::now();
    sweep(&app, now).await;
    let due = store
        .due_deliveries(now, &[Channel::Telegram], 10)
        .await
        .expect("due");
    assert_eq!(due.len(), 1);
    let lease = giaoban_web::channels::LEASE;
    let first = store
        .claim_delivery(due[0].id, now, lease)
        .await
        .expect("claim")
        .expect("won");
    assert!(
        store
            .claim_delivery(due[0].id, now, lease)
            .await
            .expect("claim")
            .is_none(),
        "held"
    );
    // A sender that stopped mid-send: once its lease runs out another takes the row, and the
    // first can no longer record an outcome.
    let after =
        now + SignedDuration::try_from(lease).expect("lease") + SignedDuration::from_secs(1);
    let second = store
        .claim_delivery(due[0].id, after, lease)
        .await
        .expect("claim")
        .expect("taken over");
    let sent = giaoban_storage::deliveries::Outcome::Sent;
    assert!(
        !store
            .finish_delivery(&first, &sent, after)
            .await
            .expect("finish")
    );
    assert!(
        store
            .finish_delivery(&second, &sent, after)
            .await
            .expect("finish")
    );
    assert_eq!(store.delivery(due[0].id).await.expect("row").attempts, 1);
}

#[tokio::test]
async fn the_bot_token_never_leaves_the_server() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    let (fin, token) = app.signed_in("tckh").await;
    let contact = app.url(&format!("/api/v1/units/{}/contact", app.units.tckh.0));
    // A malformed token is refused without being quoted back.
    let bad = "12345:not-a-token";
    let (s, body) = send(
        fin.put(&contact)
            .header("x-csrf-token", &token)
            .json(&json!({"telegram_chat_id": "@tckh_camthuy", "telegram_bot_token": bad})),
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert!(!body.to_string().contains(bad), "{body}");
    let (s, body) = send(
        fin.put(&contact)
            .header("x-csrf-token", &token)
            .json(&json!({"telegram_chat_id": "12x"})),
    )
    .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (422, Some("contact.telegram_chat_invalid"))
    );

    let (s, body) = send(fin.put(&contact).header("x-csrf-token", &token).json(
        &json!({"email": "tckh@camthuy.gov.vn", "telegram_chat_id": "@tckh_camthuy",
                          "telegram_bot_token": BOT_TOKEN}),
    ))
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["telegram_bot_token_set"], true);
    assert_eq!(body["telegram_chat_id"], "@tckh_camthuy");
    assert_eq!(
        app.db
            .store
            .unit_bot_token(app.units.tckh)
            .await
            .expect("token")
            .as_deref(),
        Some(BOT_TOKEN)
    );
    // Saving the contact again without a token keeps it.
    let (s, body) = send(
        fin.put(&contact)
            .header("x-csrf-token", &token)
            .json(&json!({"email": "tckh@camthuy.gov.vn", "telegram_chat_id": "@tckh_camthuy"})),
    )
    .await;
    assert_eq!(
        (s, &body["telegram_bot_token_set"]),
        (200, &json!(true)),
        "{body}"
    );

    // A reminder goes out with it, and then every answer and page is searched for it.
    task_due_in(&app, "Nhiệm vụ nhắc qua Telegram", 3).await;
    let now = Timestamp::now();
    sweep(&app, now).await;
    assert_eq!(deliver(&app, now).await.sent, 1);
    assert_eq!(tg.messages()[0].token, BOT_TOKEN);
    let secret = BOT_TOKEN.split_once(':').expect("token").1;
    let admin = app.signed_in("admin").await.0;
    for (who, c) in [("tckh", &fin), ("admin", &admin)] {
        for path in [
            format!("/api/v1/units/{}", app.units.tckh.0),
            "/api/v1/notifications".to_owned(),
            "/api/v1/messages".to_owned(),
            "/api/v1/audit".to_owned(),
            "/api/v1/audit?entity=unit_bot_token".to_owned(),
            "/api/v1/audit?entity=unit_contact".to_owned(),
            format!("/units/{}", app.units.tckh.0),
            "/notifications".to_owned(),
        ] {
            let (s, body) = text(c, app.url(&path)).await;
            assert!(s == 200 || s == 403, "{who} {path}: {s}");
            assert!(!body.contains(secret), "{who} {path} shows the token");
        }
    }
    let (_, page) = text(&fin, app.url(&format!("/units/{}", app.units.tckh.0))).await;
    assert!(
        page.contains("id=\"telegram-token-state\">đã đặt<"),
        "the page says it is set"
    );
    assert!(page.contains("name=\"telegram_bot_token\" id=\"telegram-bot-token\" type=\"password\" autocomplete=\"off\" value=\"\""));
    // The audit says a token was set, never which.
    let entries = audit_of(&app, "unit_bot_token", &app.units.tckh.to_string()).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].after, Some(json!({"telegram_bot_token": true})));

    // Cleared: gone from the store, and said so.
    let (s, body) = send(
        fin.put(&contact)
            .header("x-csrf-token", &token)
            .json(&json!({"telegram_chat_id": "@tckh_camthuy", "clear_telegram_bot_token": true})),
    )
    .await;
    assert_eq!(
        (s, &body["telegram_bot_token_set"]),
        (200, &json!(false)),
        "{body}"
    );
    assert_eq!(
        app.db
            .store
            .unit_bot_token(app.units.tckh)
            .await
            .expect("token"),
        None
    );
}

async fn messages_of(c: &reqwest::Client, app: &TestApp) -> Value {
    let (s, list) = send(c.get(app.url("/api/v1/messages"))).await;
    assert_eq!(s, 200, "{list}");
    list
}

#[tokio::test]
async fn an_extension_request_and_its_decision_reach_the_units_that_must_know() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.ubnd, "-100222", Some(BOT_TOKEN))
        .await;
    app.set_telegram(app.units.tckh, "-100333", Some(BOT_TOKEN))
        .await;
    let task = task_due_in(&app, "Lập kế hoạch đầu tư công trung hạn", 10).await;
    let new_due = giaoban_web::today()
        .checked_add(jiff::Span::new().days(30))
        .expect("date");
    let (fin, fin_token) = app.signed_in("tckh").await;
    let (leader, leader_token) = app.signed_in("leader").await;
    let ask = || {
        fin.post(app.url(&format!("/api/v1/tasks/{}/extension", task.id.0)))
            .header("x-csrf-token", &fin_token)
            .header("idempotency-key", "gia-han-1")
            .json(&json!({"new_due": new_due.to_string(), "reason": "Chờ số liệu của tỉnh"}))
    };
    let (s, body) = send(ask()).await;
    assert_eq!(s, 200, "{body}");
    assert!(body["task"]["pending_extension"].is_string(), "{body}");

    // The deciding unit (the assigner, UBND huyện) is told in the app and on its chat.
    let list = messages_of(&leader, &app).await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["kind"], "extension_requested");
    assert_eq!(items[0]["unit_id"], json!(app.units.ubnd.0));
    assert_eq!(items[0]["link"], format!("/tasks/{}", task.id.0));
    assert_eq!(list["unread"], 1);
    assert_eq!(items[0]["deliveries"][0]["status"], "pending");
    assert_eq!(deliver(&app, Timestamp::now()).await.sent, 1);
    let got = tg.messages();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].chat_id, "-100222");
    assert!(got[0].text.contains("Đề nghị gia hạn"), "{}", got[0].text);
    assert!(got[0].text.contains("Chờ số liệu của tỉnh"));
    assert!(
        got[0]
            .text
            .contains(&giaoban_domain::calendar::format_date_vi(new_due))
    );
    // The asking unit is not told of its own request.
    assert_eq!(messages_of(&fin, &app).await["items"], json!([]));

    // The same request again with the same key asks nothing and tells no one twice.
    let (s, body) = send(ask()).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        messages_of(&leader, &app).await["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        deliver(&app, Timestamp::now()).await,
        DeliveryRun::default()
    );
    assert_eq!(tg.messages().len(), 1);

    // Read: the unread count falls to 0.
    let (s, n) = send(leader.get(app.url("/api/v1/messages/unread"))).await;
    assert_eq!((s, &n["unread"]), (200, &json!(1)));
    let (s, n) = send(
        leader
            .post(app.url("/api/v1/messages/read"))
            .header("x-csrf-token", &leader_token),
    )
    .await;
    assert_eq!((s, &n["marked"]), (200, &json!(1)));
    let (_, n) = send(leader.get(app.url("/api/v1/messages/unread"))).await;
    assert_eq!(n["unread"], 0);

    // The decision reaches the lead unit, with the new deadline.
    let (s, body) = send(
        leader
            .post(app.url(&format!("/api/v1/tasks/{}/extension/decision", task.id.0)))
            .header("x-csrf-token", &leader_token)
            .json(&json!({"approve": true, "note": "Đồng ý"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let list = messages_of(&fin, &app).await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["kind"], "extension_approved");
    assert_eq!(deliver(&app, Timestamp::now()).await.sent, 1);
    let got = tg.wait_for(2, WAIT).await.expect("two");
    assert_eq!(got[1].chat_id, "-100333");
    assert!(got[1].text.contains("Đồng ý gia hạn"), "{}", got[1].text);
    assert!(
        got[1]
            .text
            .contains(&giaoban_domain::calendar::format_date_vi(new_due))
    );
    // The page shows both, each with its delivery.
    let (_, page) = text(&fin, app.url("/notifications")).await;
    assert!(page.contains("Đồng ý gia hạn"), "{page}");
    assert!(page.contains("gửi rồi"));
}

#[tokio::test]
async fn a_unit_without_a_bot_of_its_own_gets_nothing_on_telegram_without_a_server_bot() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    app.set_telegram(app.units.tckh, "-100333", None).await;
    task_due_in(&app, "Nhiệm vụ không có bot", 3).await;
    let now = Timestamp::now();
    let r = sweep(&app, now).await;
    assert_eq!((r.notifications, r.deliveries), (1, 0), "{r:?}");
    assert_eq!(deliver(&app, now).await, DeliveryRun::default());
    assert!(tg.messages().is_empty());
}

/// What browser tests rely on: with the app's sender running, a message queued by a request goes
/// out by itself.
#[tokio::test]
async fn with_the_sender_running_messages_go_out_by_themselves() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_telegram(&tg.api_base()).await;
    app.set_telegram(app.units.ubnd, "-100222", Some(BOT_TOKEN))
        .await;
    let task = task_due_in(&app, "Chuẩn bị hồ sơ kỳ họp", 10).await;
    let (fin, token) = app.signed_in("tckh").await;
    let new_due = giaoban_web::today()
        .checked_add(jiff::Span::new().days(20))
        .expect("date");
    let (s, body) = send(
        fin.post(app.url(&format!("/api/v1/tasks/{}/extension", task.id.0)))
            .header("x-csrf-token", &token)
            .json(&json!({"new_due": new_due.to_string(), "reason": "Thiếu kinh phí"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let got = tg.wait_for(1, WAIT).await.expect("sent by the sender");
    assert_eq!(got[0].chat_id, "-100222");
}

#[tokio::test]
async fn recommendations_and_reports_tell_the_other_side() {
    use giaoban_domain::indicator::{Figure, IndicatorCode};
    use giaoban_domain::period::Period;
    use giaoban_domain::report::EnteredValue;
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (ngoc, ngoc_token) = app.signed_in("camngoc").await;
    let (fin, fin_token) = app.signed_in("tckh").await;
    let (office, office_token) = app.signed_in("office").await;

    // Raised by the commune, addressed to the finance office: the office is told.
    let (s, rec) = send(
        ngoc.post(app.url("/api/v1/recommendations"))
            .header("x-csrf-token", &ngoc_token)
            .json(&json!({"raised_by_unit_id": u.cam_ngoc.0, "addressed_to_unit_id": u.tckh.0,
                          "content": "Đề nghị hướng dẫn thanh quyết toán công trình rãnh thoát nước"})),
    )
    .await;
    assert_eq!(s, 201, "{rec}");
    let rid = rec["id"].as_str().expect("id").to_owned();
    let list = messages_of(&fin, &app).await;
    assert_eq!(list["items"][0]["kind"], "recommendation_raised", "{list}");
    assert!(
        list["items"][0]["body"]
            .as_str()
            .unwrap_or("")
            .contains("Xã Cẩm Ngọc kiến nghị: Đề nghị hướng dẫn")
    );
    // Answered: the commune is told, with the answer.
    let (s, ans) = send(
        fin.post(app.url(&format!("/api/v1/recommendations/{rid}/answer")))
            .header("x-csrf-token", &fin_token)
            .json(
                &json!({"status": "answered", "answer": "Phòng sẽ hướng dẫn trực tiếp trong tuần"}),
            ),
    )
    .await;
    assert_eq!(s, 200, "{ans}");
    let list = messages_of(&ngoc, &app).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list["items"][0]["kind"], "recommendation_answered");
    assert!(
        list["items"][0]["body"]
            .as_str()
            .unwrap_or("")
            .contains("Trả lời: Phòng sẽ hướng dẫn trực tiếp trong tuần")
    );

    // A report sent by the commune reaches the district (its leaders and office see it); returned,
    // it reaches the commune with the reason.
    let form = app
        .quarterly_commune_form(json!({"items": [{"code": "NN_LUA_GIEO_CAY", "required": true}]}))
        .await;
    let values = std::collections::BTreeMap::from([(
        IndicatorCode::parse("NN_LUA_GIEO_CAY").expect("code"),
        EnteredValue::Figure(Figure::parse("10").expect("figure")),
    )]);
    let sub = app
        .db
        .store
        .save_submission(
            &AuditActor::system("test"),
            &form,
            u.cam_ngoc,
            Period::quarter(2023, 1).expect("q"),
            &values,
            &std::collections::BTreeMap::new(),
            None,
        )
        .await
        .expect("save");
    let act = |c: &reqwest::Client, token: &str, body: Value| {
        c.post(app.url(&format!("/api/v1/submissions/{}/action", sub.id.0)))
            .header("x-csrf-token", token)
            .json(&body)
    };
    let (s, sent) = send(act(
        &ngoc,
        &ngoc_token,
        json!({"action": "submit", "version": sub.version}),
    ))
    .await;
    assert_eq!(s, 200, "{sent}");
    let list = messages_of(&office, &app).await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["kind"], "report_submitted");
    assert_eq!(items[0]["unit_id"], json!(u.district.0));
    assert_eq!(
        items[0]["link"],
        format!("/reports/{}/2023Q1/{}", form.id.0, u.cam_ngoc.0)
    );
    let (s, back) = send(act(
        &office,
        &office_token,
        json!({"action": "return", "reason": "Thiếu số liệu diện tích thu hoạch",
               "version": sent["version"]}),
    ))
    .await;
    assert_eq!(s, 200, "{back}");
    let list = messages_of(&ngoc, &app).await;
    assert_eq!(list["items"][0]["kind"], "report_returned", "{list}");
    assert!(
        list["items"][0]["body"]
            .as_str()
            .unwrap_or("")
            .contains("Lý do: Thiếu số liệu diện tích thu hoạch")
    );
    // Without channels, the messages are kept in the app only.
    assert_eq!(list["items"][0]["deliveries"], json!([]));
}

/// A confirmed document's recommendations tell the units they are addressed to, in the
/// transaction that creates them; the same document sent again with the same one-time key
/// creates nothing and tells no one twice.
#[tokio::test]
async fn a_confirmed_documents_recommendation_is_told_once() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let app = TestApp::spawn_with_channels(&tg.api_base(), None).await;
    let u = &app.units;
    app.set_telegram(u.tckh, "-100333", Some(BOT_TOKEN)).await;
    let (office, token) = app.signed_in("office").await;
    let doc = json!({
        "meeting": {
            "kind": "regular_session", "title": "Phiên họp thường kỳ tháng 03 năm 2023",
            "date": "24/03/2023", "time": "8h", "place": "Hội trường UBND huyện",
            "host_unit_id": u.ubnd.0,
            "chair": {"name": "Phạm Viết Hoài", "title": "Chủ tịch UBND huyện"},
            "agenda": ["Báo cáo kinh tế - xã hội quý I"], "period": "2023Q1"
        },
        "tasks": [],
        "recommendations": [
            {"raised_by_unit_id": u.cam_ngoc.0, "addressed_to_unit_id": u.tckh.0,
             "content": "Đề nghị hướng dẫn thanh quyết toán"}
        ]
    });
    let confirm = || {
        office
            .post(app.url("/api/v1/extract/confirm"))
            .header("x-csrf-token", &token)
            .header("idempotency-key", "van-ban-1")
            .json(&doc)
    };
    let (s, body) = send(confirm()).await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = send(confirm()).await;
    assert_eq!(s, 200, "{body}");
    let (fin, _) = app.signed_in("tckh").await;
    let list = messages_of(&fin, &app).await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["kind"], "recommendation_raised");
    assert_eq!(deliver(&app, Timestamp::now()).await.sent, 1);
    let got = tg.messages();
    assert_eq!(got.len(), 1);
    assert!(got[0].text.contains("Đề nghị hướng dẫn thanh quyết toán"));
}
