//! Handover (bàn giao) of the report forms an ended territory owned: the form's owner (the
//! territory that collects it and alone changes it) becomes the unit that takes it over. Audited;
//! a stale version is a conflict. A task's handover is in [`crate::tasks`].

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::report::{FormId, ReportForm};
use giaoban_domain::unit::{Invalid, UnitId};
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::now_micros;
use crate::{Conflict, Result, Store, StoreError, write_tx};

impl Store {
    /// Makes `to` the owner of form `id`, owned now by `from`. `expected_version` given and not
    /// the form's: [`Conflict::Version`]; a form `from` does not own: 422 `handover.not_owner`.
    pub async fn hand_over_form(
        &self,
        actor: &AuditActor,
        id: FormId,
        from: UnitId,
        to: UnitId,
        expected_version: Option<i64>,
    ) -> Result<ReportForm> {
        write_tx!(self, tx => {
            let row: Option<(i64, Option<Uuid>)> =
                sqlx::query_as("SELECT version, owner_unit_id FROM report_forms WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (version, owner) = row.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            if owner != Some(from.0) {
                return Err(StoreError::Invalid(
                    Invalid::new(
                        "from_unit",
                        "handover.not_owner",
                        "Đơn vị đã kết thúc không còn là chủ của biểu mẫu này.",
                        "The ended unit no longer owns this form.",
                    )
                    .into(),
                ));
            }
            sqlx::query(
                "UPDATE report_forms SET owner_unit_id = $2, updated_at = $3, version = version + 1 WHERE id = $1",
            )
            .bind(id.0)
            .bind(to.0)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "report_form",
                entity_id: id.0.to_string(),
                unit_id: Some(to),
                before: Some(serde_json::json!({"owner_unit_id": from.0, "version": version})),
                after: Some(serde_json::json!({"owner_unit_id": to.0, "version": version + 1})),
            })
            .await?;
        });
        self.form(id).await
    }
}
