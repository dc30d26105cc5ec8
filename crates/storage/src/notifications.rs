//! In-app reminders about deadlines, their e-mail delivery, and the secrets of calendar feeds.

use giaoban_domain::task::TaskId;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::UserId;
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use crate::convert::{now_micros, ts_from_db};
use crate::{Result, Store, with_pool, write_tx};

/// A reminder shown to the users of a unit (and e-mailed to the unit's address when configured).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub unit_id: UnitId,
    pub task_id: TaskId,
    /// The occurrence's period code for a recurring task, else empty.
    pub occurrence: String,
    /// `days_before_7`, `days_before_3`, `days_before_1`, `missed`.
    pub kind: String,
    /// The deadline as written ("chậm nhất ngày 27/03/2023").
    pub due_label: String,
    pub created_at: Timestamp,
    pub emailed_at: Option<Timestamp>,
    pub email_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    unit_id: Uuid,
    task_id: Uuid,
    occurrence: String,
    kind: String,
    due_label: String,
    created_at: i64,
    emailed_at: Option<i64>,
    email_error: Option<String>,
}

fn from_row(r: Row) -> Result<Notification> {
    Ok(Notification {
        id: r.id,
        unit_id: UnitId(r.unit_id),
        task_id: TaskId(r.task_id),
        occurrence: r.occurrence,
        kind: r.kind,
        due_label: r.due_label,
        created_at: ts_from_db(r.created_at)?,
        emailed_at: r.emailed_at.map(ts_from_db).transpose()?,
        email_error: r.email_error,
    })
}

const COLUMNS: &str = "SELECT id, unit_id, task_id, occurrence, kind, due_label, created_at, \
    emailed_at, email_error FROM notifications";

impl Store {
    /// Records a reminder unless the same one (unit, task, occurrence, kind) was recorded before.
    /// Returns it when it is new. Reminders are machine-made, so they are not audited. (The
    /// reminder sweep records its deliveries with it: [`Store::add_notification_with_deliveries`].)
    pub async fn add_notification(
        &self,
        unit: UnitId,
        task: TaskId,
        occurrence: &str,
        kind: &str,
        due_label: &str,
    ) -> Result<Option<Notification>> {
        self.add_notification_with_deliveries(unit, task, occurrence, kind, due_label, &[])
            .await
    }

    /// One reminder.
    pub async fn notification(&self, id: Uuid) -> Result<Notification> {
        let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1"));
        let row: Row =
            with_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)?;
        from_row(row)
    }

    /// Records the outcome of e-mailing a reminder.
    pub async fn mark_notification_emailed(&self, id: Uuid, error: Option<&str>) -> Result<()> {
        write_tx!(self, tx => {
            sqlx::query("UPDATE notifications SET emailed_at = $2, email_error = $3 WHERE id = $1")
                .bind(id)
                .bind(error.is_none().then(now_micros))
                .bind(error)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The latest reminders of a unit, newest first.
    pub async fn notifications(&self, unit: UnitId, limit: u32) -> Result<Vec<Notification>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE unit_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<Row> = with_pool!(self, pool => sqlx::query_as(sql)
            .bind(unit.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(from_row).collect()
    }

    /// Sets (or replaces) the SHA-256 of a user's calendar-feed secret. The audit entry records
    /// that a secret was issued, never the secret.
    pub async fn set_calendar_token(
        &self,
        actor: &giaoban_domain::audit::AuditActor,
        user: UserId,
        token_hash: &[u8],
    ) -> Result<()> {
        write_tx!(self, tx => {
            let replaced: Option<(i64,)> =
                sqlx::query_as("SELECT created_at FROM calendar_tokens WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET token_hash = $2, created_at = $3",
            )
            .bind(user.0)
            .bind(token_hash)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            crate::audit::record_audit(&mut *tx, &crate::audit::NewAudit {
                actor,
                action: if replaced.is_some() {
                    giaoban_domain::audit::AuditAction::Update
                } else {
                    giaoban_domain::audit::AuditAction::Create
                },
                entity: "calendar_token",
                entity_id: user.to_string(),
                unit_id: None,
                before: None,
                after: Some(serde_json::json!({"issued": true})),
            }).await?;
        });
        Ok(())
    }

    /// The user whose calendar secret hashes to `token_hash`.
    pub async fn user_by_calendar_token(&self, token_hash: &[u8]) -> Result<Option<UserId>> {
        let found: Option<(Uuid,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT user_id FROM calendar_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        Ok(found.map(|(u,)| UserId(u)))
    }

    /// Whether the user has a calendar secret.
    pub async fn has_calendar_token(&self, user: UserId) -> Result<bool> {
        let found: Option<(i64,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT created_at FROM calendar_tokens WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(pool)
        .await)?;
        Ok(found.is_some())
    }
}
