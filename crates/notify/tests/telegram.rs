//! The Telegram sender against the local Bot API stand-in: what arrives, and how each failure is
//! told apart (retry later, or give up).

use std::time::Duration;

use giaoban_notify::testing::{TelegramFailure, TelegramMessage, TelegramStandIn};
use giaoban_notify::{BotToken, Telegram, TelegramConfig, TelegramError};

const TOKEN: &str = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x";

fn token() -> BotToken {
    BotToken::parse(TOKEN).expect("token")
}

#[tokio::test]
async fn a_message_arrives_with_its_token_chat_and_text() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let sender = Telegram::new(&TelegramConfig::new(&tg.api_base())).expect("sender");
    let text = "Nhắc việc: Còn 3 ngày — Nộp báo cáo thu ngân sách quý\nHạn: 27/03/2023";
    sender
        .send(&token(), "-1001234567890", text)
        .await
        .expect("sent");
    sender
        .send(&token(), "@ubnd_camthuy", "x")
        .await
        .expect("sent");
    let got = tg.wait_for(2, Duration::from_secs(5)).await.expect("two");
    assert_eq!(
        got,
        vec![
            TelegramMessage {
                token: TOKEN.into(),
                chat_id: "-1001234567890".into(),
                text: text.into(),
            },
            TelegramMessage {
                token: TOKEN.into(),
                chat_id: "@ubnd_camthuy".into(),
                text: "x".into(),
            },
        ]
    );
    assert_eq!(tg.requests(), 2);
    // A text longer than Telegram takes is cut, not refused.
    let long = "ă".repeat(5000);
    sender.send(&token(), "42", &long).await.expect("sent");
    let got = tg.wait_for(3, Duration::from_secs(5)).await.expect("three");
    assert_eq!(got[2].text.chars().count(), 4096);
}

#[tokio::test]
async fn failures_say_whether_to_try_again() {
    let tg = TelegramStandIn::start().await.expect("stand-in");
    let sender = Telegram::new(&TelegramConfig::new(&tg.api_base())).expect("sender");

    tg.fail_next(1, TelegramFailure::TooManyRequests { retry_after: 7 });
    let e = sender.send(&token(), "42", "a").await.unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));

    tg.fail_next(1, TelegramFailure::ServerError);
    let e = sender.send(&token(), "42", "a").await.unwrap_err();
    assert!(
        matches!(e, TelegramError::ServerError { status: 500, .. }),
        "{e:?}"
    );
    assert!(e.is_retryable());

    tg.known_chats(["42"]);
    let e = sender.send(&token(), "43", "a").await.unwrap_err();
    assert_eq!(
        e,
        TelegramError::Rejected {
            status: 400,
            description: "Bad Request: chat not found".into()
        }
    );
    assert!(!e.is_retryable());

    tg.known_tokens(["1:other"]);
    let e = sender.send(&token(), "42", "a").await.unwrap_err();
    assert!(
        matches!(e, TelegramError::Rejected { status: 401, .. }),
        "{e:?}"
    );
    assert!(!e.is_retryable());
    assert!(!e.to_string().contains(TOKEN));

    assert!(tg.messages().is_empty(), "nothing was accepted");
    assert_eq!(tg.requests(), 4);
    assert!(tg.wait_for(1, Duration::from_millis(50)).await.is_err());
}
