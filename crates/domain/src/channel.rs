//! The channels a message leaves by (e-mail, Telegram), the shape of a unit's Telegram details,
//! the kinds of office messages, and the retry schedule of a delivery.
//!
//! A delivery is one message to one destination on one channel. It is tried at once, then again
//! after [`RETRY_DELAYS`] (1 min, 5 min, 30 min, 2 h, 6 h) while the failure may pass (the server
//! cannot be reached, Telegram asks to wait); after the last try, or at once when the failure will
//! not pass (the chat does not exist, the token is wrong), it is marked failed and shown.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::unit::Invalid;

/// How a message leaves the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Telegram,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Telegram];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Telegram => "telegram",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Email => lang.pick("Thư điện tử", "E-mail"),
            Channel::Telegram => "Telegram",
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not sent yet: waiting for its first try or for the next one.
    Pending,
    Sent,
    /// Given up: a permanent refusal, or every try failed. Shown, and can be sent again by hand.
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// The waits between tries: after the first failed try 1 minute, then 5 minutes, 30 minutes,
/// 2 hours and 6 hours.
pub const RETRY_DELAYS: [Duration; 5] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(6 * 3600),
];

/// Tries of one delivery before it is marked failed: the first and one after each delay.
pub const MAX_ATTEMPTS: u32 = RETRY_DELAYS.len() as u32 + 1;

/// After `attempts` tries (the one that just failed included) with a failure that may pass: how
/// long to wait before the next, never less than what the far side asked (`retry_after`); `None`
/// when every try is spent.
pub fn next_retry(attempts: u32, retry_after: Option<Duration>) -> Option<Duration> {
    let i = usize::try_from(attempts.checked_sub(1)?).ok()?;
    let delay = *RETRY_DELAYS.get(i)?;
    Some(retry_after.map_or(delay, |asked| asked.max(delay)))
}

/// Whether `raw` has the shape of a Telegram bot token: the bot's number, a colon and 30 to 64 of
/// `A-Z a-z 0-9 _ -` (`123456789:AAE…`, 35 characters after the colon today).
pub fn is_bot_token(raw: &str) -> bool {
    let Some((id, secret)) = raw.split_once(':') else {
        return false;
    };
    (1..=20).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_digit())
        && (30..=64).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `raw` names a Telegram chat: a chat id (an integer, negative for groups and channels)
/// or a public channel's `@name` (5 to 32 of `A-Z a-z 0-9 _`, starting with a letter).
pub fn is_chat_id(raw: &str) -> bool {
    if let Some(name) = raw.strip_prefix('@') {
        return (5..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    }
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    (1..=19).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && raw.parse::<i64>().is_ok()
}

/// A unit's Telegram chat as typed: empty for none.
pub fn parse_telegram_chat(raw: &str) -> Result<Option<String>, Invalid> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_chat_id(t) {
        Ok(Some(t.to_owned()))
    } else {
        Err(Invalid::new(
            "telegram_chat_id",
            "contact.telegram_chat_invalid",
            "Mã nhóm/kênh Telegram phải là một số nguyên (nhóm, kênh: số âm, ví dụ -1001234567890) \
             hoặc tên kênh công khai dạng @ten_kenh.",
            "A Telegram chat is an integer (negative for groups and channels, e.g. \
             -1001234567890) or a public channel's @name.",
        ))
    }
}

/// A unit's Telegram bot token as typed: empty for "not given". The error never quotes it.
pub fn parse_bot_token(raw: &str) -> Result<Option<String>, Invalid> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_bot_token(t) {
        Ok(Some(t.to_owned()))
    } else {
        Err(Invalid::new(
            "telegram_bot_token",
            "contact.telegram_token_invalid",
            "Mã bot Telegram không đúng dạng: số hiệu bot, dấu hai chấm rồi khoảng 35 ký tự \
             (chữ, số, _ và -), như BotFather cấp.",
            "The Telegram bot token has the wrong shape: the bot's number, a colon, then about 35 \
             characters (letters, digits, _ and -), as BotFather gives it.",
        ))
    }
}

/// What an office message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A lead unit asked for a later deadline: to the units that decide it.
    ExtensionRequested,
    /// The extension was approved: to the lead unit.
    ExtensionApproved,
    /// The extension was refused: to the lead unit.
    ExtensionRefused,
    /// A report was sent: to the unit that receives it.
    ReportSubmitted,
    /// A report was accepted: to the unit that sent it.
    ReportAccepted,
    /// A report was returned for correction: to the unit that sent it.
    ReportReturned,
    /// A recommendation was raised: to the unit it is addressed to.
    RecommendationRaised,
    /// A recommendation was answered: to the unit that raised it.
    RecommendationAnswered,
}

impl MessageKind {
    pub const ALL: [MessageKind; 8] = [
        MessageKind::ExtensionRequested,
        MessageKind::ExtensionApproved,
        MessageKind::ExtensionRefused,
        MessageKind::ReportSubmitted,
        MessageKind::ReportAccepted,
        MessageKind::ReportReturned,
        MessageKind::RecommendationRaised,
        MessageKind::RecommendationAnswered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MessageKind::ExtensionRequested => "extension_requested",
            MessageKind::ExtensionApproved => "extension_approved",
            MessageKind::ExtensionRefused => "extension_refused",
            MessageKind::ReportSubmitted => "report_submitted",
            MessageKind::ReportAccepted => "report_accepted",
            MessageKind::ReportReturned => "report_returned",
            MessageKind::RecommendationRaised => "recommendation_raised",
            MessageKind::RecommendationAnswered => "recommendation_answered",
        }
    }

    pub fn parse(code: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MessageKind::ExtensionRequested => lang.pick("Đề nghị gia hạn", "Extension requested"),
            MessageKind::ExtensionApproved => lang.pick("Đồng ý gia hạn", "Extension approved"),
            MessageKind::ExtensionRefused => lang.pick("Không đồng ý gia hạn", "Extension refused"),
            MessageKind::ReportSubmitted => lang.pick("Báo cáo đã gửi đến", "Report received"),
            MessageKind::ReportAccepted => lang.pick("Báo cáo được chấp nhận", "Report accepted"),
            MessageKind::ReportReturned => lang.pick("Báo cáo bị trả lại", "Report returned"),
            MessageKind::RecommendationRaised => lang.pick("Kiến nghị mới", "New recommendation"),
            MessageKind::RecommendationAnswered => {
                lang.pick("Kiến nghị được trả lời", "Recommendation answered")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_stop() {
        let m = |s: u64| Duration::from_secs(s * 60);
        assert_eq!(next_retry(1, None), Some(m(1)));
        assert_eq!(next_retry(2, None), Some(m(5)));
        assert_eq!(next_retry(3, None), Some(m(30)));
        assert_eq!(next_retry(4, None), Some(m(120)));
        assert_eq!(next_retry(5, None), Some(m(360)));
        assert_eq!(next_retry(MAX_ATTEMPTS, None), None);
        assert_eq!(next_retry(0, None), None);
        // What the far side asked for wins when it is longer, never when shorter.
        assert_eq!(next_retry(1, Some(m(3))), Some(m(3)));
        assert_eq!(next_retry(2, Some(Duration::from_secs(2))), Some(m(5)));
    }

    #[test]
    fn telegram_details_are_checked() {
        assert_eq!(
            parse_telegram_chat(" -1001234567890 "),
            Ok(Some("-1001234567890".into()))
        );
        assert_eq!(
            parse_telegram_chat("@ubnd_camthuy"),
            Ok(Some("@ubnd_camthuy".into()))
        );
        assert_eq!(parse_telegram_chat(""), Ok(None));
        for bad in ["abc", "@ab", "12.5", "--1", "@có_dấu", "- 12"] {
            let e = parse_telegram_chat(bad).expect_err(bad);
            assert_eq!(e.code, "contact.telegram_chat_invalid");
        }
        let token = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs";
        assert_eq!(parse_bot_token(token), Ok(Some(token.into())));
        assert_eq!(parse_bot_token("  "), Ok(None));
        let e = parse_bot_token("123456789:secret").expect_err("short");
        assert!(!e.vi.contains("secret") && !e.en.contains("secret"));
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(c));
        }
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.code()), Some(k));
        }
        assert_eq!(
            DeliveryStatus::parse("failed"),
            Some(DeliveryStatus::Failed)
        );
    }
}
