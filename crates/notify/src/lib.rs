//! Notifications out of giaoban: e-mail over SMTP and Telegram messages.
//!
//! This crate owns how a message leaves the system: the SMTP settings ([`SmtpConfig`], read from
//! `GIAOBAN_SMTP_URL`), the [`Mailer`] that sends plain-text mail in UTF-8 (Vietnamese subjects are
//! encoded per RFC 2047 by lettre), and its errors. What to send and when (reminders, notices) is
//! decided elsewhere. [`Telegram`] sends plain-text messages through the Bot API
//! (`GIAOBAN_TELEGRAM_API`, default Telegram's; an optional server bot in
//! `GIAOBAN_TELEGRAM_BOT_TOKEN`), telling a retryable failure from a permanent one.
//!
//! With the cargo feature `testing`, [`testing::SmtpSink`] is a minimal SMTP server on
//! 127.0.0.1:0 that keeps what it receives, so tests can drive the real mailer end to end, and
//! [`testing::TelegramStandIn`] is a local Bot API that records the messages and can be told to
//! fail.

mod config;
mod error;
mod mailer;
pub mod telegram;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::{ENV_VAR, SmtpConfig, Tls};
pub use error::NotifyError;
pub use mailer::Mailer;
pub use telegram::{BotToken, Telegram, TelegramConfig, TelegramError};
