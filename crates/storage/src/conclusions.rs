//! Conclusion notices: drafts, issue under the next number of the issuing body's year, and the
//! immutability of an issued notice.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::conclusion::{
    Authority, Conclusion, ConclusionDraft, ConclusionStatus, NoticeNumber,
};
use giaoban_domain::unit::UnitId;
use jiff::civil::Date;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{date_to_db, now_micros, opt_date_from_db, ts_from_db};
use crate::unit_of_work::in_tx;
use crate::{Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct ConclusionRow {
    id: Uuid,
    meeting_id: Uuid,
    issuer_unit_id: Uuid,
    status: String,
    number: Option<i64>,
    year: Option<i64>,
    symbol: String,
    issued_on: Option<time::Date>,
    place: Option<String>,
    title: String,
    signer_name: Option<String>,
    signer_title: Option<String>,
    authority: String,
    results: Option<String>,
    shortcomings: Option<String>,
    directions: Option<String>,
    recipients: Json<Vec<String>>,
    corrects_id: Option<Uuid>,
    created_at: i64,
    issued_at: Option<i64>,
    version: i64,
}

const COLUMNS: &str = "SELECT id, meeting_id, issuer_unit_id, status, number, year, symbol, \
    issued_on, place, title, signer_name, signer_title, authority, results, shortcomings, \
    directions, recipients, corrects_id, created_at, issued_at, version FROM conclusions";

fn from_row(r: ConclusionRow) -> Result<Conclusion> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("conclusion {} {what}", r.id));
    let number = match (r.number, r.year) {
        (Some(n), Some(y)) => Some(NoticeNumber {
            number: u32::try_from(n).map_err(|_| corrupt("number"))?,
            year: i16::try_from(y).map_err(|_| corrupt("year"))?,
            symbol: r.symbol.clone(),
        }),
        _ => None,
    };
    Ok(Conclusion {
        id: r.id,
        meeting_id: r.meeting_id,
        issuer_unit_id: UnitId(r.issuer_unit_id),
        status: ConclusionStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
        number,
        symbol: r.symbol,
        issued_on: opt_date_from_db(r.issued_on)?,
        place: r.place,
        title: r.title,
        signer_name: r.signer_name,
        signer_title: r.signer_title,
        authority: Authority::parse(&r.authority).map_err(|_| corrupt("authority"))?,
        results: r.results,
        shortcomings: r.shortcomings,
        directions: r.directions,
        recipients: r.recipients.0,
        corrects_id: r.corrects_id,
        created_at: ts_from_db(r.created_at)?,
        issued_at: r.issued_at.map(ts_from_db).transpose()?,
        version: r.version,
    })
}

/// Loads one conclusion notice through `conn`.
async fn load_conclusion<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Conclusion>> {
    let row: Option<ConclusionRow> = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1"));
        sqlx::query_as(sql).bind(id).fetch_optional(ex).await?
    });
    row.map(from_row).transpose()
}

fn already_issued() -> StoreError {
    StoreError::Invalid(
        giaoban_domain::unit::Invalid::new(
            "status",
            "conclusion.already_issued",
            "Thông báo đã ban hành, không thể sửa; hãy lập thông báo đính chính.",
            "The notice is already issued and cannot change; draft a correcting notice instead.",
        )
        .into(),
    )
}

impl Store {
    pub async fn create_conclusion(
        &self,
        actor: &AuditActor,
        draft: &ConclusionDraft,
    ) -> Result<Conclusion> {
        let mut uow = self.begin().await?;
        let out = uow.create_conclusion(actor, draft).await?;
        uow.commit().await?;
        Ok(out)
    }

    /// Changes a draft. An issued notice is refused: it never changes.
    pub async fn update_conclusion(
        &self,
        actor: &AuditActor,
        id: Uuid,
        draft: &ConclusionDraft,
        expected_version: Option<i64>,
    ) -> Result<Conclusion> {
        write_tx!(self, tx => {
            let before = load_conclusion(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            if before.status == ConclusionStatus::Issued {
                return Err(already_issued());
            }
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query(
                "UPDATE conclusions SET symbol = $2, place = $3, title = $4, signer_name = $5, \
                 signer_title = $6, authority = $7, results = $8, shortcomings = $9, directions = $10, \
                 recipients = $11, corrects_id = $12, updated_at = $13, version = version + 1 \
                 WHERE id = $1 AND status = 'draft'",
            )
            .bind(id)
            .bind(draft.symbol.as_str())
            .bind(draft.place.as_deref())
            .bind(draft.title.as_str())
            .bind(draft.signer_name.as_deref())
            .bind(draft.signer_title.as_deref())
            .bind(draft.authority.code())
            .bind(draft.results.as_deref())
            .bind(draft.shortcomings.as_deref())
            .bind(draft.directions.as_deref())
            .bind(Json(&draft.recipients))
            .bind(draft.corrects_id)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load_conclusion(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "conclusion",
                entity_id: id.to_string(),
                unit_id: Some(after.issuer_unit_id),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
            }).await?;
            Ok(after)
        })
    }

    /// Issues a draft on `issued_on` under the next number of its issuer's year, and closes the
    /// office's task of issuing the meeting's notice. `checked` validates the draft as stored, in the
    /// same transaction (so a concurrent edit cannot slip in between the check and the issue).
    pub async fn issue_conclusion(
        &self,
        actor: &AuditActor,
        id: Uuid,
        expected_version: Option<i64>,
        checked: impl Fn(&Conclusion) -> Result<Date>,
    ) -> Result<Conclusion> {
        write_tx!(self, tx => {
            let before = load_conclusion(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            let issued_on = checked(&before)?;
            let year = i64::from(issued_on.year());
            let (number,): (i64,) = sqlx::query_as(
                "INSERT INTO notice_counters (issuer_unit_id, year, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (issuer_unit_id, year) DO UPDATE SET last = notice_counters.last + 1 \
                 RETURNING last",
            )
            .bind(before.issuer_unit_id.0)
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            let now = now_micros();
            sqlx::query(
                "UPDATE conclusions SET status = 'issued', number = $2, year = $3, issued_on = $4, \
                 issued_at = $5, updated_at = $5, version = version + 1 WHERE id = $1 AND status = 'draft'",
            )
            .bind(id)
            .bind(number)
            .bind(year)
            .bind(date_to_db(issued_on)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE tasks SET completed_at = $2, completion_note = $3, percent = 100, \
                 updated_at = $2, version = version + 1 WHERE notice_for = $1 AND completed_at IS NULL",
            )
            .bind(before.meeting_id)
            .bind(now)
            .bind(format!("Đã ban hành Thông báo số {number}/{}", before.symbol))
            .execute(&mut *tx)
            .await?;
            let after = load_conclusion(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "conclusion",
                entity_id: id.to_string(),
                unit_id: Some(after.issuer_unit_id),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
            }).await?;
            Ok(after)
        })
    }

    pub async fn conclusion(&self, id: Uuid) -> Result<Conclusion> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_conclusion(&mut *conn, id).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// Every notice, newest first.
    pub async fn conclusions(&self) -> Result<Vec<Conclusion>> {
        let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY created_at DESC"));
        let rows: Vec<ConclusionRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(from_row).collect()
    }
}

impl crate::unit_of_work::UnitOfWork<'_> {
    pub async fn create_conclusion(
        &mut self,
        actor: &AuditActor,
        draft: &ConclusionDraft,
    ) -> Result<Conclusion> {
        let id = Uuid::now_v7();
        in_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO conclusions (id, meeting_id, issuer_unit_id, status, symbol, place, title, \
                 signer_name, signer_title, authority, results, shortcomings, directions, recipients, \
                 corrects_id, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)",
            )
            .bind(id)
            .bind(draft.meeting_id)
            .bind(draft.issuer_unit_id.0)
            .bind(draft.symbol.as_str())
            .bind(draft.place.as_deref())
            .bind(draft.title.as_str())
            .bind(draft.signer_name.as_deref())
            .bind(draft.signer_title.as_deref())
            .bind(draft.authority.code())
            .bind(draft.results.as_deref())
            .bind(draft.shortcomings.as_deref())
            .bind(draft.directions.as_deref())
            .bind(Json(&draft.recipients))
            .bind(draft.corrects_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let c = load_conclusion(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "conclusion",
                entity_id: id.to_string(),
                unit_id: Some(draft.issuer_unit_id),
                before: None,
                after: serde_json::to_value(&c).ok(),
            }).await?;
            Ok(c)
        })
    }
}
