//! The errors of sending mail, in Vietnamese or English.

use giaoban_domain::{Lang, Localized};

/// Why a message was not sent. Messages never carry the SMTP password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    /// `GIAOBAN_SMTP_URL` (or the fields given) do not make a usable configuration.
    #[error("the SMTP configuration is not valid: {0}")]
    InvalidConfig(String),
    /// A sender or recipient address that is not an e-mail address.
    #[error("not a valid e-mail address: {0:?}")]
    InvalidAddress(String),
    /// The message could not be put together.
    #[error("the message could not be built: {0}")]
    Message(String),
    /// The server answered with a permanent refusal (5xx), or the client could not agree with it
    /// (e.g. no common authentication mechanism). Sending again will not help.
    #[error("the mail server refused the message: {0}")]
    Rejected(String),
    /// The server could not be reached, timed out, failed TLS or answered "try later" (4xx).
    #[error("the mail server could not be reached or is busy: {0}")]
    Unavailable(String),
}

impl NotifyError {
    /// Whether sending the same message later may succeed (a job should retry it).
    pub fn is_retryable(&self) -> bool {
        matches!(self, NotifyError::Unavailable(_))
    }

    pub(crate) fn from_smtp(e: &lettre::transport::smtp::Error) -> NotifyError {
        if e.is_permanent() || e.is_client() {
            NotifyError::Rejected(e.to_string())
        } else {
            NotifyError::Unavailable(e.to_string())
        }
    }
}

impl Localized for NotifyError {
    fn code(&self) -> &'static str {
        match self {
            NotifyError::InvalidConfig(_) => "notify.invalid_config",
            NotifyError::InvalidAddress(_) => "notify.invalid_address",
            NotifyError::Message(_) => "notify.message",
            NotifyError::Rejected(_) => "notify.rejected",
            NotifyError::Unavailable(_) => "notify.unavailable",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (NotifyError::InvalidConfig(why), Lang::Vi) => {
                format!("Cấu hình máy chủ thư (SMTP) không hợp lệ: {why}.")
            }
            (NotifyError::InvalidAddress(address), Lang::Vi) => {
                format!("Địa chỉ thư điện tử không hợp lệ: \"{address}\".")
            }
            (NotifyError::Message(why), Lang::Vi) => format!("Không tạo được thư: {why}."),
            (NotifyError::Rejected(why), Lang::Vi) => {
                format!("Máy chủ thư từ chối gửi thư: {why}.")
            }
            (NotifyError::Unavailable(why), Lang::Vi) => {
                format!("Không kết nối được máy chủ thư hoặc máy chủ đang bận: {why}.")
            }
            (_, Lang::En) => format!("{self}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_explain_themselves_in_both_languages() {
        let e = NotifyError::InvalidAddress("không phải địa chỉ".into());
        assert_eq!(e.code(), "notify.invalid_address");
        assert_eq!(
            e.message(Lang::Vi),
            "Địa chỉ thư điện tử không hợp lệ: \"không phải địa chỉ\"."
        );
        assert_eq!(
            e.message(Lang::En),
            "not a valid e-mail address: \"không phải địa chỉ\"."
        );
        assert!(NotifyError::Unavailable("timeout".into()).is_retryable());
        assert!(!NotifyError::Rejected("550".into()).is_retryable());
        assert!(
            NotifyError::Unavailable("x".into())
                .message(Lang::Vi)
                .starts_with("Không kết nối được máy chủ thư")
        );
    }
}
