//! Office messages and their deliveries (`giaoban_app::channels`) against a fresh store, on SQLite
//! or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL: an extension request tells the deciding body
//! and nobody else, the decision tells the unit that asked, and a delivery Telegram refused is
//! sent again by its own unit's people only, to the chat as it is now.

mod common;

use common::{Fixture, assert_invalid, assert_not_found, body, in_days};
use giaoban_app::channels::{self, Channels};
use giaoban_app::work::{self, DecisionWrite, ExtensionWrite};
use giaoban_domain::Lang;
use giaoban_domain::task::Task;
use giaoban_notify::testing::TelegramStandIn;
use jiff::Timestamp;
use serde_json::json;

/// A bot token of the right shape (the stand-in takes any).
const BOT_TOKEN: &str = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x";

const CONTENT: &str = "Hoàn thành quyết toán vốn đầu tư công năm 2022";

/// A task the district's UBND gives its finance department, and the department's request to
/// extend it.
async fn extension_asked(f: &Fixture) -> Task {
    let office = f.caller("office").await;
    let t = work::create_task(
        &f.app,
        &office,
        &body(
            json!({"content": CONTENT, "assigner_unit_id": f.units.ubnd.0,
                     "lead_unit_id": f.units.tckh.0, "deadline": in_days(10)}),
        ),
    )
    .await
    .expect("task");
    let tckh = f.caller("tckh").await;
    let ask: ExtensionWrite = body(json!({"new_due": in_days(30), "reason": "Chờ Kho bạc"}));
    work::request_extension(&f.app, &tckh, t.id, &ask)
        .await
        .expect("asked")
}

async fn message_kinds(f: &Fixture, who: &str) -> Vec<String> {
    let me = f.caller(who).await;
    channels::messages(&f.app, &me, Lang::Vi)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.kind)
        .collect()
}

async fn unread(f: &Fixture, who: &str) -> u64 {
    let me = f.caller(who).await;
    channels::unread_count(&f.app, &me).await.expect("unread")
}

#[tokio::test]
async fn an_extension_request_tells_the_deciders_and_the_decision_tells_the_lead() {
    let f = Fixture::new().await;
    let t = extension_asked(&f).await;
    assert_eq!(message_kinds(&f, "leader").await, ["extension_requested"]);
    let leader = f.caller("leader").await;
    let m = &channels::messages(&f.app, &leader, Lang::Vi)
        .await
        .expect("messages")[0];
    assert_eq!(m.unit_id, f.units.ubnd.0);
    assert!(m.body.contains(CONTENT), "{}", m.body);
    assert!(m.deliveries.is_empty(), "no channel: kept in the app");
    assert_eq!(unread(&f, "leader").await, 1);
    // Nobody outside the deciding body hears of it.
    for who in ["tckh", "camngoc", "leader_bt"] {
        assert!(message_kinds(&f, who).await.is_empty(), "{who}");
        assert_eq!(unread(&f, who).await, 0, "{who}");
    }
    // Read once, it is read for the whole unit.
    assert_eq!(
        channels::mark_read(&f.app, &leader)
            .await
            .expect("mark read"),
        1
    );
    assert_eq!(unread(&f, "office").await, 0);

    let approve: DecisionWrite = body(json!({"approve": true}));
    work::decide_extension(&f.app, &leader, t.id, &approve)
        .await
        .expect("approved");
    assert_eq!(message_kinds(&f, "tckh").await, ["extension_approved"]);
    assert_eq!(unread(&f, "tckh").await, 1);
    assert!(message_kinds(&f, "camngoc").await.is_empty());
}

#[tokio::test]
async fn a_refused_delivery_is_sent_again_by_its_own_unit_only() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    tg.known_chats(["-1009999"]);
    let telegram =
        giaoban_notify::Telegram::new(&giaoban_notify::TelegramConfig::new(&tg.api_base()))
            .expect("telegram");
    let f = Fixture::with_channels(Channels::new(None, Some(telegram), None)).await;
    f.set_telegram(f.units.ubnd, "-1001111", BOT_TOKEN).await;
    extension_asked(&f).await;

    let run = channels::deliver_pending(f.store(), &f.app.channels, Timestamp::now())
        .await
        .expect("deliver");
    assert_eq!((run.sent, run.retried, run.failed), (0, 0, 1), "{run:?}");
    let leader = f.caller("leader").await;
    let d = channels::messages(&f.app, &leader, Lang::Vi)
        .await
        .expect("messages")[0]
        .deliveries[0]
        .clone();
    assert_eq!(
        (d.channel.as_str(), d.status.as_str()),
        ("telegram", "failed")
    );
    assert!(d.can_retry);
    assert!(
        d.last_error
            .as_deref()
            .unwrap_or("")
            .contains("chat not found"),
        "{d:?}"
    );

    // Another unit's people neither see it nor send it again: not found, not forbidden.
    for who in ["camngoc", "tckh", "leader_bt"] {
        let me = f.caller(who).await;
        assert_not_found(channels::retry(&f.app, &me, d.id, Lang::Vi).await);
    }
    // The chat corrected, the unit's leader sends it again, to the chat as it is now.
    f.set_telegram(f.units.ubnd, "-1009999", BOT_TOKEN).await;
    let again = channels::retry(&f.app, &leader, d.id, Lang::Vi)
        .await
        .expect("retry");
    assert_eq!(
        (again.status.as_str(), again.destination.as_str()),
        ("pending", "-1009999")
    );
    // Only a failed delivery is sent again by hand.
    assert_invalid(
        channels::retry(&f.app, &leader, d.id, Lang::Vi).await,
        "delivery.not_failed",
    );
    let run = channels::deliver_pending(f.store(), &f.app.channels, Timestamp::now())
        .await
        .expect("deliver");
    assert_eq!(run.sent, 1, "{run:?}");
    let got = tg.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].chat_id, "-1009999");
    assert_eq!(got[0].token, BOT_TOKEN, "the unit's own bot");
    assert!(got[0].text.contains(CONTENT), "{}", got[0].text);
}
