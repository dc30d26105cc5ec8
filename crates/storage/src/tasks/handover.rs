//! Handover (bàn giao) of a task's part held by an ended unit to the unit that takes it over: the
//! lead or a coordinating unit is replaced in the task row and its parts, the history keeps the
//! former unit (an entry `handed_over` naming it, with the note the app writes), and the audit
//! keeps the task before and after. One transaction; a stale version is a conflict.

use giaoban_domain::audit::AuditActor;
use giaoban_domain::task::{EventKind, Task, TaskId};
use giaoban_domain::unit::{Invalid, UnitId};

use super::{Event, load_task, not_involved, record_event, updated};
use crate::convert::now_micros;
use crate::{Conflict, Result, Store, StoreError, write_tx};

impl Store {
    /// Hands the part `from` holds in task `id` (lead or coordinating) over to `to`, recording a
    /// history entry of kind `handed_over` for `from` with `note`. When `to` already has a part,
    /// the two merge: `to` keeps the stronger role (a coordinating unit handed the lead becomes the
    /// lead; a coordinating part handed to the lead disappears). `expected_version` given and not
    /// the task's: [`Conflict::Version`].
    pub async fn hand_over_task(
        &self,
        actor: &AuditActor,
        id: TaskId,
        from: UnitId,
        to: UnitId,
        expected_version: Option<i64>,
        note: &str,
    ) -> Result<Task> {
        if from == to {
            return Err(StoreError::Invalid(
                Invalid::new(
                    "to_unit",
                    "handover.same_unit",
                    "Đơn vị nhận bàn giao phải khác đơn vị đã kết thúc.",
                    "The unit taking over must differ from the ended unit.",
                )
                .into(),
            ));
        }
        write_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            let lead = before.lead_unit_id == from;
            let coordinating = before.coordinating_unit_ids.contains(&from);
            if !lead && !coordinating {
                return Err(not_involved());
            }
            let now = now_micros();
            let to_is_owner =
                before.lead_unit_id == to || before.coordinating_unit_ids.contains(&to);
            if lead || !to_is_owner {
                // `to`'s own part (coordinating or monitoring) gives way to the one it takes over.
                sqlx::query("DELETE FROM task_units WHERE task_id = $1 AND unit_id = $2")
                    .bind(id.0)
                    .bind(to.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE task_units SET unit_id = $3 WHERE task_id = $1 AND unit_id = $2")
                    .bind(id.0)
                    .bind(from.0)
                    .bind(to.0)
                    .execute(&mut *tx)
                    .await?;
            } else {
                // A coordinating part handed to a unit that already owns the task: it merges.
                sqlx::query("DELETE FROM task_units WHERE task_id = $1 AND unit_id = $2")
                    .bind(id.0)
                    .bind(from.0)
                    .execute(&mut *tx)
                    .await?;
            }
            if lead {
                sqlx::query(
                    "UPDATE tasks SET lead_unit_id = $2, updated_at = $3, version = version + 1 WHERE id = $1",
                )
                .bind(id.0)
                .bind(to.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query("UPDATE tasks SET updated_at = $2, version = version + 1 WHERE id = $1")
                    .bind(id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            record_event(&mut *tx, Event {
                task: id.0,
                actor,
                unit: from.0,
                kind: EventKind::HandedOver,
                percent: None,
                note,
                occurrence: None,
            })
            .await?;
            updated(&mut *tx, actor, id, &before, to).await
        })
    }
}
