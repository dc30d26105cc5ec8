//! The one error every use case returns. Each variant says what went wrong in the caller's terms;
//! the web crate gives it a status and renders it as a page or a JSON body, in Vietnamese or English.

use giaoban_domain::unit::{Invalid, Invalids};
use giaoban_storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller may not see or change this.
    #[error("forbidden")]
    Forbidden,
    /// No such record (or one the caller may not know of).
    #[error("not found")]
    NotFound,
    /// Fields that fail their rules, each named with its message.
    #[error("invalid input")]
    Invalid(Invalids),
    /// A request that cannot be read at all (a malformed key, a wrong kind of file).
    #[error("bad request: {code}")]
    BadRequest {
        code: &'static str,
        vi: String,
        en: String,
    },
    /// A request that conflicts with the record as it now stands (a draft changed since its
    /// template was downloaded, a decision already taken).
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        vi: String,
        en: String,
    },
    /// The server is busy with the same kind of work for others: try again in a while.
    #[error("busy: {code}")]
    Busy {
        code: &'static str,
        vi: String,
        en: String,
    },
    /// Too many password checks waiting (argon2 runs a few at a time): try again in a few seconds.
    #[error("password checks busy")]
    PasswordsBusy,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A fault of ours (a broken table, a failed task), logged and answered without details.
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// The error in a person's words, for the command line (the web layer renders its own page or
    /// JSON body from the variant).
    pub fn message(&self, lang: giaoban_domain::Lang) -> String {
        match self {
            Error::Forbidden => lang
                .pick(
                    "Bạn không có quyền xem hoặc thay đổi nội dung này.",
                    "You are not allowed to see or change this.",
                )
                .to_owned(),
            Error::NotFound => lang
                .pick(
                    "Không tìm thấy nội dung yêu cầu.",
                    "The requested item was not found.",
                )
                .to_owned(),
            Error::Invalid(errs) => errs
                .0
                .iter()
                .map(|i| format!("{}: {}", i.field, lang.pick(&i.vi, &i.en)))
                .collect::<Vec<_>>()
                .join("; "),
            Error::BadRequest { vi, en, .. }
            | Error::Conflict { vi, en, .. }
            | Error::Busy { vi, en, .. } => lang.pick(vi, en).to_owned(),
            Error::PasswordsBusy => lang
                .pick(
                    "Máy chủ đang bận kiểm tra mật khẩu. Xin thử lại sau ít giây.",
                    "The server is busy checking passwords. Please try again in a few seconds.",
                )
                .to_owned(),
            Error::Store(e) => e.to_string(),
            Error::Internal(m) => m.clone(),
        }
    }

    pub fn bad_request(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }
}

impl From<Invalids> for Error {
    fn from(e: Invalids) -> Self {
        Error::Invalid(e)
    }
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Self {
        Error::Invalid(e.into())
    }
}
