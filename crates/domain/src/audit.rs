//! The audit trail (nhật ký thay đổi): who changed what, when, from what to what.
//!
//! Every write in storage records one entry in the same transaction as the change, so a change and
//! its record stand or fall together. Secrets (password hashes, session data) never enter an entry.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::unit::UnitId;
use crate::user::UserId;

/// Who makes a change: a signed-in user, or the system acting for a command (`giaoban init`, demo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    pub user_id: Option<UserId>,
    /// Username, or `system:<command>` for the command line.
    pub name: String,
}

impl AuditActor {
    pub fn system(command: &str) -> AuditActor {
        AuditActor {
            user_id: None,
            name: format!("system:{command}"),
        }
    }

    pub fn user(id: UserId, username: &str) -> AuditActor {
        AuditActor {
            user_id: Some(id),
            name: username.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    SignIn,
    SignInFailed,
    SignOut,
    PasswordChange,
    PasswordReset,
    Restore,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::PasswordChange => "password_change",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::Restore => "restore",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete,
            AuditAction::SignIn,
            AuditAction::SignInFailed,
            AuditAction::SignOut,
            AuditAction::PasswordChange,
            AuditAction::PasswordReset,
            AuditAction::Restore,
        ]
        .into_iter()
        .find(|a| a.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            AuditAction::Create => ("Tạo mới", "Created"),
            AuditAction::Update => ("Cập nhật", "Updated"),
            AuditAction::Delete => ("Xóa", "Deleted"),
            AuditAction::SignIn => ("Đăng nhập", "Signed in"),
            AuditAction::SignInFailed => ("Đăng nhập không thành công", "Failed sign-in"),
            AuditAction::SignOut => ("Đăng xuất", "Signed out"),
            AuditAction::PasswordChange => ("Đổi mật khẩu", "Password changed"),
            AuditAction::PasswordReset => ("Cấp lại mật khẩu", "Password reset"),
            AuditAction::Restore => ("Khôi phục dữ liệu", "Data restored"),
        };
        lang.pick(vi, en)
    }
}

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: Timestamp,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub action: AuditAction,
    /// The kind of record: `unit`, `user`, `level`, `session`…
    pub entity: String,
    pub entity_id: String,
    /// The unit the record belongs to, for scoping who may read the entry.
    pub unit_id: Option<UnitId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}
