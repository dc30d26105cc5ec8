//! The storage error: what went wrong, reduced to what callers can act on.

use giaoban_domain::unit::Invalids;
use giaoban_domain::{Lang, Localized};

/// Why a write was refused because of what is already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// A unique value is taken (username, unit key, administrative code…).
    Duplicate { what: &'static str },
    /// The record changed since it was read (optimistic concurrency).
    Version,
    /// The record is referenced by others (a unit with users or children).
    InUse,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A domain rule that needs stored data failed (e.g. a unit placed under its own child).
    #[error("invalid: {0:?}")]
    Invalid(Invalids),
    /// The database cannot take the request now: unreachable, busy, read-only or out of disk.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("configuration: {0}")]
    Config(String),
    /// Stored data that cannot be read back (should never happen; logged as a server error).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error("unsupported on this engine: {0}")]
    Unsupported(&'static str),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                match code.as_ref() {
                    // SQLite extended codes: 2067 UNIQUE, 1555 PRIMARY KEY; PostgreSQL 23505.
                    "2067" | "1555" | "23505" => StoreError::Conflict(Conflict::Duplicate {
                        what: duplicate_what(db.message(), db.constraint()),
                    }),
                    // Foreign key: SQLite 787, PostgreSQL 23503.
                    "787" | "23503" => StoreError::Conflict(Conflict::InUse),
                    // SQLite BUSY (5, 517), READONLY (8, 1032…), FULL (13), IOERR (10…); PostgreSQL
                    // disk full 53100, read-only transaction 25006, too many connections 53300,
                    // admin shutdown 57P01.
                    "5" | "517" | "8" | "1032" | "13" | "10" | "3850" | "53100" | "25006"
                    | "53300" | "57P01" => StoreError::Unavailable(db.message().to_owned()),
                    _ => StoreError::Other(e),
                }
            }
            _ => StoreError::Other(e),
        }
    }
}

fn duplicate_what(message: &str, constraint: Option<&str>) -> &'static str {
    let hay = format!("{message} {}", constraint.unwrap_or(""));
    if hay.contains("username") {
        "username"
    } else if hay.contains("admin_code") {
        "admin_code"
    } else if hay.contains("key") {
        "key"
    } else {
        "record"
    }
}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound => "not_found",
            StoreError::Conflict(Conflict::Duplicate { .. }) => "conflict.duplicate",
            StoreError::Conflict(Conflict::Version) => "conflict.version",
            StoreError::Conflict(Conflict::InUse) => "conflict.in_use",
            StoreError::Invalid(i) => i.code(),
            StoreError::Unavailable(_) => "database.unavailable",
            StoreError::Config(_) => "config",
            StoreError::Unsupported(_) => "unsupported",
            _ => "internal",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            StoreError::NotFound => ("Không tìm thấy bản ghi.", "Record not found."),
            StoreError::Conflict(Conflict::Duplicate { what }) => {
                let (vi_what, en_what) = match *what {
                    "username" => ("Tên đăng nhập", "The username"),
                    "admin_code" => ("Mã hành chính", "The administrative code"),
                    "key" => ("Khóa đơn vị", "The unit key"),
                    _ => ("Giá trị", "The value"),
                };
                return lang
                    .pick(
                        &format!("{vi_what} đã được sử dụng."),
                        &format!("{en_what} is already in use."),
                    )
                    .to_owned();
            }
            StoreError::Conflict(Conflict::Version) => (
                "Bản ghi vừa được người khác thay đổi. Hãy tải lại trang rồi nhập lại thay đổi của bạn.",
                "Someone else changed this record meanwhile. Reload it and apply your change again.",
            ),
            StoreError::Conflict(Conflict::InUse) => (
                "Bản ghi đang được sử dụng hoặc tham chiếu tới bản ghi không tồn tại.",
                "The record is in use, or refers to a record that does not exist.",
            ),
            StoreError::Invalid(i) => return i.message(lang),
            StoreError::Config(detail) => {
                return lang
                    .pick(
                        &format!("Cấu hình hoặc tệp không hợp lệ: {detail}"),
                        &format!("Invalid configuration or file: {detail}"),
                    )
                    .to_owned();
            }
            StoreError::Unsupported(what) => {
                return lang
                    .pick(
                        &format!("Không hỗ trợ với cơ sở dữ liệu này: {what}"),
                        &format!("Not supported on this database: {what}"),
                    )
                    .to_owned();
            }
            StoreError::Unavailable(_) => (
                "Cơ sở dữ liệu tạm thời không sẵn sàng (bận, chỉ đọc hoặc hết dung lượng). Dữ liệu đã lưu không bị ảnh hưởng; xin thử lại sau.",
                "The database is temporarily unavailable (busy, read-only or out of space). Saved data is safe; please try again later.",
            ),
            _ => (
                "Lỗi hệ thống. Dữ liệu đã lưu không bị ảnh hưởng; xin báo quản trị viên.",
                "Internal error. Saved data is safe; please tell the administrator.",
            ),
        };
        lang.pick(vi, en).to_owned()
    }
}
