//! The outbox: deliveries of reminders and messages by e-mail and Telegram, and each unit's own
//! Telegram bot token.
//!
//! A delivery is enqueued in the transaction that makes what it delivers (a reminder, a message),
//! once per (source, channel, destination): the UNIQUE key makes a second enqueue a no-op. A
//! sender claims a due row with a conditional UPDATE (status pending, due, not leased), which
//! only one of several servers on the same database can win; the claim is a lease
//! (`claimed_until`) with a token the sender must still hold to record the outcome, so a sender
//! that stopped mid-send leaves the row to another once the lease runs out.

use std::collections::HashSet;
use std::time::Duration;

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::channel::{Channel, DeliveryStatus};
use giaoban_domain::period::Period;
use giaoban_domain::report::FormId;
use giaoban_domain::task::TaskId;
use giaoban_domain::unit::{Invalid, UnitId};
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, ts_from_db, ts_to_db};
use crate::notifications::Notification;
use crate::{Conn, Result, Store, StoreError, on_conn, with_pool, write_one, write_tx};

/// What a delivery delivers: a deadline reminder (`notifications`), a report reminder, or an
/// office message (`messages`).
pub const SOURCE_NOTIFICATION: &str = "notification";
pub const SOURCE_REPORT_REMINDER: &str = "report_reminder";
pub const SOURCE_MESSAGE: &str = "message";

/// The id a report reminder's deliveries name it by (the reminder's own key).
pub fn report_reminder_source(form: FormId, unit: UnitId, period: Period, kind: &str) -> String {
    format!("{}/{}/{}/{kind}", form.0, unit.0, period.code())
}

/// A delivery to enqueue with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The unit it is for (whose bot sends a Telegram message, whose people see it).
    pub unit_id: UnitId,
    pub channel: Channel,
    /// An e-mail address, or a Telegram chat id / @channel.
    pub destination: String,
    pub subject: String,
    pub body: String,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: Uuid,
    pub source_kind: String,
    pub source_id: String,
    pub unit_id: UnitId,
    pub channel: Channel,
    pub destination: String,
    pub subject: String,
    pub body: String,
    pub status: DeliveryStatus,
    /// Tries made so far.
    pub attempts: u32,
    /// When the next try is due (while pending); the Unix epoch for "at once" (a new delivery,
    /// or one sent again by hand).
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// A delivery claimed for sending: the lease's token must be shown to record the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub delivery: Delivery,
    pub token: Uuid,
}

/// How a try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Failed in a way that may pass: try again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Given up: a permanent refusal, or the last try failed.
    Failed {
        error: String,
    },
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    source_kind: String,
    source_id: String,
    unit_id: Uuid,
    channel: String,
    destination: String,
    subject: String,
    body: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    sent_at: Option<i64>,
    created_at: i64,
}

fn from_row(r: Row) -> Result<Delivery> {
    Ok(Delivery {
        id: r.id,
        channel: Channel::parse(&r.channel)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery channel {}", r.channel)))?,
        status: DeliveryStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery status {}", r.status)))?,
        source_kind: r.source_kind,
        source_id: r.source_id,
        unit_id: UnitId(r.unit_id),
        destination: r.destination,
        subject: r.subject,
        body: r.body,
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        next_attempt_at: ts_from_db(r.next_attempt_at)?,
        last_error: r.last_error,
        sent_at: r.sent_at.map(ts_from_db).transpose()?,
        created_at: ts_from_db(r.created_at)?,
    })
}

const COLUMNS: &str = "SELECT id, source_kind, source_id, unit_id, channel, destination, subject, \
    body, status, attempts, next_attempt_at, last_error, sent_at, created_at FROM deliveries";

/// `$from, $from+1, …` for `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts the deliveries of one source on a transaction's connection, skipping those already
/// there (same source, channel and destination). Returns the number inserted.
pub(crate) async fn insert_deliveries<'c>(
    conn: impl Into<Conn<'c>>,
    source_kind: &str,
    source_id: &str,
    deliveries: &[NewDelivery],
    now: i64,
) -> Result<u64> {
    let mut inserted = 0u64;
    on_conn!(conn.into(), ex => {
        for d in deliveries {
            inserted += sqlx::query(
                "INSERT INTO deliveries (id, source_kind, source_id, unit_id, channel, destination, \
                 subject, body, status, attempts, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, 0, $9) \
                 ON CONFLICT (source_kind, source_id, channel, destination) DO NOTHING",
            )
            .bind(Uuid::now_v7())
            .bind(source_kind)
            .bind(source_id)
            .bind(d.unit_id.0)
            .bind(d.channel.code())
            .bind(d.destination.as_str())
            .bind(d.subject.as_str())
            .bind(d.body.as_str())
            .bind(now)
            .execute(&mut *ex)
            .await?
            .rows_affected();
        }
    });
    Ok(inserted)
}

impl Store {
    /// Records a deadline reminder (as [`Store::add_notification`]) and, in the same transaction,
    /// its deliveries. A reminder recorded before is not recorded again, and nothing is enqueued
    /// for it: two sweeps send one message.
    pub async fn add_notification_with_deliveries(
        &self,
        unit: UnitId,
        task: TaskId,
        occurrence: &str,
        kind: &str,
        due_label: &str,
        deliveries: &[NewDelivery],
    ) -> Result<Option<Notification>> {
        let id = Uuid::now_v7();
        let now = now_micros();
        let inserted = write_tx!(self, tx => {
            let n = sqlx::query(
                "INSERT INTO notifications (id, unit_id, task_id, occurrence, kind, due_label, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (unit_id, task_id, occurrence, kind) DO NOTHING",
            )
            .bind(id)
            .bind(unit.0)
            .bind(task.0)
            .bind(occurrence)
            .bind(kind)
            .bind(due_label)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                let source = id.to_string();
                insert_deliveries(&mut *tx, SOURCE_NOTIFICATION, source.as_str(), deliveries, now).await?;
            }
            n
        });
        if inserted == 0 {
            return Ok(None);
        }
        self.notification(id).await.map(Some)
    }

    /// Records a report reminder (as [`Store::add_report_reminder`]) and, in the same
    /// transaction, its deliveries. Returns whether it is new.
    pub async fn add_report_reminder_with_deliveries(
        &self,
        form: FormId,
        unit: UnitId,
        period: Period,
        kind: &str,
        deliveries: &[NewDelivery],
    ) -> Result<bool> {
        let now = now_micros();
        let n = write_tx!(self, tx => {
            let n = sqlx::query(
                "INSERT INTO report_reminders (form_id, unit_id, period, kind, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (form_id, unit_id, period, kind) DO NOTHING",
            )
            .bind(form.0)
            .bind(unit.0)
            .bind(period.code())
            .bind(kind)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                let source = report_reminder_source(form, unit, period, kind);
                insert_deliveries(&mut *tx, SOURCE_REPORT_REMINDER, source.as_str(), deliveries, now).await?;
            }
            n
        });
        Ok(n == 1)
    }

    /// Enqueues deliveries of an existing source on their own; returns how many were new.
    pub async fn enqueue_deliveries(
        &self,
        source_kind: &str,
        source_id: &str,
        deliveries: &[NewDelivery],
    ) -> Result<u64> {
        let now = now_micros();
        Ok(write_tx!(self, tx => {
            insert_deliveries(&mut *tx, source_kind, source_id, deliveries, now).await?
        }))
    }

    /// Pending deliveries on `channels` due at `now` and not leased, oldest due first: the
    /// candidates a sender then claims one by one.
    pub async fn due_deliveries(
        &self,
        now: Timestamp,
        channels: &[Channel],
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE status = 'pending' AND next_attempt_at <= $1 \
             AND (claimed_until IS NULL OR claimed_until <= $1) AND channel IN ({}) \
             ORDER BY next_attempt_at, id LIMIT {}",
            placeholders(2, channels.len()),
            limit.max(1)
        ));
        let at = ts_to_db(now);
        let rows: Vec<Row> = with_pool!(self, pool => {
            let mut q = sqlx::query_as(sql).bind(at);
            for c in channels {
                q = q.bind(c.code());
            }
            q.fetch_all(pool).await
        })?;
        rows.into_iter().map(from_row).collect()
    }

    /// Claims a delivery for sending until `now + lease`: `None` when it is no longer pending and
    /// due, or another sender holds it. Of several senders claiming the same row, one wins.
    pub async fn claim_delivery(
        &self,
        id: Uuid,
        now: Timestamp,
        lease: Duration,
    ) -> Result<Option<Claim>> {
        let token = Uuid::now_v7();
        let at = ts_to_db(now);
        let until = ts_to_db(now) + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 2);
        let won = write_one!(self, pool => sqlx::query(
            "UPDATE deliveries SET claimed_until = $2, claim_token = $3 \
             WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $4 \
             AND (claimed_until IS NULL OR claimed_until <= $4)",
        )
        .bind(id)
        .bind(until)
        .bind(token)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if won != 1 {
            return Ok(None);
        }
        Ok(Some(Claim {
            delivery: self.delivery(id).await?,
            token,
        }))
    }

    /// Records how a claimed try ended and lets the row go. `false` when the claim was lost (the
    /// lease ran out and another sender took the row): nothing is recorded then.
    pub async fn finish_delivery(
        &self,
        claim: &Claim,
        outcome: &Outcome,
        now: Timestamp,
    ) -> Result<bool> {
        let at = ts_to_db(now);
        let (status, next, error, sent_at) = match outcome {
            Outcome::Sent => (DeliveryStatus::Sent, at, None, Some(at)),
            Outcome::Retry { at: next, error } => (
                DeliveryStatus::Pending,
                ts_to_db(*next),
                Some(error.as_str()),
                None,
            ),
            Outcome::Failed { error } => (DeliveryStatus::Failed, at, Some(error.as_str()), None),
        };
        let n = write_one!(self, pool => sqlx::query(
            "UPDATE deliveries SET status = $3, attempts = attempts + 1, next_attempt_at = $4, \
             last_error = $5, sent_at = $6, claimed_until = NULL, claim_token = NULL \
             WHERE id = $1 AND claim_token = $2",
        )
        .bind(claim.delivery.id)
        .bind(claim.token)
        .bind(status.code())
        .bind(next)
        .bind(error)
        .bind(sent_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delivery(&self, id: Uuid) -> Result<Delivery> {
        let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1"));
        let row: Option<Row> =
            with_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
        from_row(row.ok_or(StoreError::NotFound)?)
    }

    /// The deliveries of these sources (of one kind), oldest first.
    pub async fn deliveries_of(
        &self,
        source_kind: &str,
        source_ids: &[String],
    ) -> Result<Vec<Delivery>> {
        let mut out = Vec::new();
        // A few hundred at a time: both engines take that many parameters.
        for chunk in source_ids.chunks(500) {
            let sql = sqlx::AssertSqlSafe(format!(
                "{COLUMNS} WHERE source_kind = $1 AND source_id IN ({}) ORDER BY created_at, id",
                placeholders(2, chunk.len())
            ));
            let rows: Vec<Row> = with_pool!(self, pool => {
                let mut q = sqlx::query_as(sql).bind(source_kind);
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                q.fetch_all(pool).await
            })?;
            for r in rows {
                out.push(from_row(r)?);
            }
        }
        Ok(out)
    }

    /// Every delivery in a state, oldest first (the command line's report, tests).
    pub async fn deliveries_in(&self, status: DeliveryStatus) -> Result<Vec<Delivery>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE status = $1 ORDER BY created_at, id"
        ));
        let rows: Vec<Row> = with_pool!(self, pool => sqlx::query_as(sql)
            .bind(status.code())
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(from_row).collect()
    }

    /// Sends a failed delivery again ("Gửi lại"): pending, due at once, its tries counted
    /// afresh; to `destination` when given (the unit's address or chat as it is now). Audited.
    pub async fn retry_delivery(
        &self,
        actor: &AuditActor,
        id: Uuid,
        destination: Option<&str>,
    ) -> Result<Delivery> {
        let sql = format!("{COLUMNS} WHERE id = $1");
        write_tx!(self, tx => {
            let before: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let before = from_row(before.ok_or(StoreError::NotFound)?)?;
            if before.status != DeliveryStatus::Failed {
                return Err(StoreError::Invalid(Invalid::new(
                    "delivery",
                    "delivery.not_failed",
                    "Chỉ gửi lại được tin đã gửi lỗi.",
                    "Only a failed delivery can be sent again.",
                ).into()));
            }
            sqlx::query(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = 0, \
                 destination = COALESCE($2, destination), claimed_until = NULL, claim_token = NULL \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(destination)
            .execute(&mut *tx)
            .await?;
            let after: Row = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let after = from_row(after)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "delivery",
                entity_id: id.to_string(),
                unit_id: Some(after.unit_id),
                before: Some(serde_json::json!({
                    "status": before.status.code(), "attempts": before.attempts,
                    "channel": before.channel.code(), "destination": before.destination,
                    "last_error": before.last_error,
                })),
                after: Some(serde_json::json!({
                    "status": after.status.code(), "attempts": after.attempts,
                    "channel": after.channel.code(), "destination": after.destination,
                })),
            }).await?;
            Ok(after)
        })
    }

    /// Sets (`Some`) or removes (`None`) a unit's own Telegram bot token. The audit records that a
    /// token was set or removed, never the token.
    pub async fn set_unit_bot_token(
        &self,
        actor: &AuditActor,
        unit: UnitId,
        token: Option<&str>,
    ) -> Result<()> {
        write_tx!(self, tx => {
            let had: Option<(i64,)> =
                sqlx::query_as("SELECT updated_at FROM unit_bot_tokens WHERE unit_id = $1")
                    .bind(unit.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            match token {
                Some(t) => {
                    sqlx::query(
                        "INSERT INTO unit_bot_tokens (unit_id, token, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (unit_id) DO UPDATE SET token = $2, updated_at = $3",
                    )
                    .bind(unit.0)
                    .bind(t)
                    .bind(now_micros())
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM unit_bot_tokens WHERE unit_id = $1")
                        .bind(unit.0)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if had.is_some() || token.is_some() {
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: match (had.is_some(), token.is_some()) {
                        (false, _) => AuditAction::Create,
                        (true, true) => AuditAction::Update,
                        (true, false) => AuditAction::Delete,
                    },
                    entity: "unit_bot_token",
                    entity_id: unit.to_string(),
                    unit_id: Some(unit),
                    before: Some(serde_json::json!({"telegram_bot_token": had.is_some()})),
                    after: Some(serde_json::json!({"telegram_bot_token": token.is_some()})),
                }).await?;
            }
        });
        Ok(())
    }

    /// A unit's own Telegram bot token, for sending (never for showing).
    pub async fn unit_bot_token(&self, unit: UnitId) -> Result<Option<String>> {
        let found: Option<(String,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT token FROM unit_bot_tokens WHERE unit_id = $1",
        )
        .bind(unit.0)
        .fetch_optional(pool)
        .await)?;
        Ok(found.map(|(t,)| t))
    }

    /// The units that have a bot of their own.
    pub async fn units_with_bot_token(&self) -> Result<HashSet<UnitId>> {
        let rows: Vec<(Uuid,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT unit_id FROM unit_bot_tokens",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(|(u,)| UnitId(u)).collect())
    }
}
