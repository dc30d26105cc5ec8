//! Meetings and the recommendations heard at them.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::deadline::{Deadline, DueMoment};
use giaoban_domain::meeting::{
    Answer, Meeting, MeetingDraft, MeetingKind, Person, Recommendation, RecommendationDraft,
    RecommendationStatus,
};
use giaoban_domain::period::Period;
use giaoban_domain::unit::UnitId;
use jiff::civil::Time;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{
    date_from_db, date_to_db, now_micros, opt_date_from_db, opt_date_to_db, ts_from_db,
};
use crate::unit_of_work::in_tx;
use crate::{Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Uuid,
    kind: String,
    title: String,
    date: time::Date,
    time: Option<String>,
    place: Option<String>,
    host_unit_id: Uuid,
    chair: Option<Json<Person>>,
    participants: Json<Vec<Person>>,
    invited_unit_ids: Json<Vec<UnitId>>,
    agenda: Json<Vec<String>>,
    minutes: Option<String>,
    period: Option<String>,
    created_at: i64,
    version: i64,
}

const MEETING_COLUMNS: &str = "SELECT id, kind, title, date, time, place, host_unit_id, chair, \
    participants, invited_unit_ids, agenda, minutes, period, created_at, version FROM meetings";

pub(crate) fn time_to_db(t: Option<Time>) -> Option<String> {
    t.map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
}

pub(crate) fn time_from_db(s: Option<&str>) -> Result<Option<Time>> {
    s.map(|s| {
        s.parse::<Time>()
            .map_err(|e| StoreError::Corrupt(format!("time {s}: {e}")))
    })
    .transpose()
}

fn meeting_from_row(r: MeetingRow) -> Result<Meeting> {
    Ok(Meeting {
        id: r.id,
        kind: MeetingKind::parse(&r.kind)
            .map_err(|e| StoreError::Corrupt(format!("meeting {} kind: {e}", r.id)))?,
        title: r.title,
        date: date_from_db(r.date)?,
        time: time_from_db(r.time.as_deref())?,
        place: r.place,
        host_unit_id: UnitId(r.host_unit_id),
        chair: r.chair.map(|c| c.0),
        participants: r.participants.0,
        invited_unit_ids: r.invited_unit_ids.0,
        agenda: r.agenda.0,
        minutes: r.minutes,
        period: r
            .period
            .as_deref()
            .map(Period::parse)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("meeting {} period: {e}", r.id)))?,
        created_at: ts_from_db(r.created_at)?,
        version: r.version,
    })
}

/// Loads one meeting through `conn`.
async fn load_meeting<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Meeting>> {
    let row: Option<MeetingRow> = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{MEETING_COLUMNS} WHERE id = $1"));
        sqlx::query_as(sql).bind(id).fetch_optional(ex).await?
    });
    row.map(meeting_from_row).transpose()
}

/// The office task that tracks a meeting's notice deadline (Decision 45/2018).
pub struct NoticeTask {
    /// The unit that drafts the notice (the office of the host).
    pub office_unit_id: UnitId,
    pub due: DueMoment,
}

#[derive(sqlx::FromRow)]
struct RecommendationRow {
    id: Uuid,
    meeting_id: Option<Uuid>,
    raised_by_unit_id: Uuid,
    addressed_to_unit_id: Option<Uuid>,
    content: String,
    raised_on: time::Date,
    answer: Option<String>,
    answered_on: Option<time::Date>,
    status: String,
    resolved_on: Option<time::Date>,
    version: i64,
}

const RECOMMENDATION_COLUMNS: &str = "SELECT id, meeting_id, raised_by_unit_id, \
    addressed_to_unit_id, content, raised_on, answer, answered_on, status, resolved_on, version \
    FROM recommendations";

fn recommendation_from_row(r: RecommendationRow) -> Result<Recommendation> {
    Ok(Recommendation {
        id: r.id,
        meeting_id: r.meeting_id,
        raised_by_unit_id: UnitId(r.raised_by_unit_id),
        addressed_to_unit_id: r.addressed_to_unit_id.map(UnitId),
        content: r.content,
        raised_on: date_from_db(r.raised_on)?,
        answer: r.answer,
        answered_on: opt_date_from_db(r.answered_on)?,
        status: RecommendationStatus::parse(&r.status)
            .map_err(|e| StoreError::Corrupt(format!("recommendation {} status: {e}", r.id)))?,
        resolved_on: opt_date_from_db(r.resolved_on)?,
        version: r.version,
    })
}

/// Loads one recommendation through `conn`.
async fn load_recommendation<'c>(
    conn: impl Into<Conn<'c>>,
    id: Uuid,
) -> Result<Option<Recommendation>> {
    let row: Option<RecommendationRow> = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{RECOMMENDATION_COLUMNS} WHERE id = $1"));
        sqlx::query_as(sql).bind(id).fetch_optional(ex).await?
    });
    row.map(recommendation_from_row).transpose()
}

impl Store {
    /// Records a meeting, and with it the office's task of issuing its conclusion notice.
    pub async fn create_meeting(
        &self,
        actor: &AuditActor,
        draft: &MeetingDraft,
        notice: Option<NoticeTask>,
    ) -> Result<Meeting> {
        let mut uow = self.begin().await?;
        let out = uow.create_meeting(actor, draft, notice).await?;
        uow.commit().await?;
        Ok(out)
    }

    /// Replaces a meeting's details (the host stays).
    pub async fn update_meeting(
        &self,
        actor: &AuditActor,
        id: Uuid,
        draft: &MeetingDraft,
        expected_version: Option<i64>,
    ) -> Result<Meeting> {
        write_tx!(self, tx => {
            let before = load_meeting(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query(
                "UPDATE meetings SET kind = $2, title = $3, date = $4, time = $5, place = $6, \
                 chair = $7, participants = $8, invited_unit_ids = $9, agenda = $10, minutes = $11, \
                 period = $12, updated_at = $13, version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(draft.kind.code())
            .bind(draft.title.as_str())
            .bind(date_to_db(draft.date)?)
            .bind(time_to_db(draft.time))
            .bind(draft.place.as_deref())
            .bind(draft.chair.as_ref().map(Json))
            .bind(Json(&draft.participants))
            .bind(Json(&draft.invited_unit_ids))
            .bind(Json(&draft.agenda))
            .bind(draft.minutes.as_deref())
            .bind(draft.period.map(|p| p.code()))
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load_meeting(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "meeting",
                entity_id: id.to_string(),
                unit_id: Some(after.host_unit_id),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
            }).await?;
            Ok(after)
        })
    }

    pub async fn meeting(&self, id: Uuid) -> Result<Meeting> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_meeting(&mut *conn, id).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// Every meeting, newest first (a district holds a few hundred a year; callers filter by
    /// access in memory).
    pub async fn meetings(&self) -> Result<Vec<Meeting>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MEETING_COLUMNS} ORDER BY date DESC, created_at DESC"
        ));
        let rows: Vec<MeetingRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(meeting_from_row).collect()
    }

    pub async fn create_recommendation(
        &self,
        actor: &AuditActor,
        draft: &RecommendationDraft,
    ) -> Result<Recommendation> {
        let mut uow = self.begin().await?;
        let out = uow.create_recommendation(actor, draft).await?;
        uow.commit().await?;
        Ok(out)
    }

    /// Records the answer to a recommendation and its new status on `today`.
    pub async fn answer_recommendation(
        &self,
        actor: &AuditActor,
        id: Uuid,
        answer: &Answer,
        today: jiff::civil::Date,
    ) -> Result<Recommendation> {
        let mut uow = self.begin().await?;
        let out = uow.answer_recommendation(actor, id, answer, today).await?;
        uow.commit().await?;
        Ok(out)
    }

    pub async fn recommendation(&self, id: Uuid) -> Result<Recommendation> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_recommendation(&mut *conn, id).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// Every recommendation, newest first.
    pub async fn recommendations(&self) -> Result<Vec<Recommendation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{RECOMMENDATION_COLUMNS} ORDER BY raised_on DESC, created_at DESC"
        ));
        let rows: Vec<RecommendationRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(recommendation_from_row).collect()
    }
}

impl crate::unit_of_work::UnitOfWork<'_> {
    /// Records the answer to a recommendation and its new status on `today`.
    pub async fn answer_recommendation(
        &mut self,
        actor: &AuditActor,
        id: Uuid,
        answer: &Answer,
        today: jiff::civil::Date,
    ) -> Result<Recommendation> {
        in_tx!(self, tx => {
            let before = load_recommendation(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            if answer.version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            let answered_on = match (&answer.answer, before.answered_on) {
                (Some(_), None) => Some(today),
                (_, kept) => kept,
            };
            let resolved_on = (answer.status == RecommendationStatus::Resolved)
                .then(|| before.resolved_on.unwrap_or(today));
            sqlx::query(
                "UPDATE recommendations SET answer = $2, answered_on = $3, status = $4, \
                 resolved_on = $5, updated_at = $6, version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(answer.answer.as_deref())
            .bind(opt_date_to_db(answered_on)?)
            .bind(answer.status.code())
            .bind(opt_date_to_db(resolved_on)?)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load_recommendation(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "recommendation",
                entity_id: id.to_string(),
                unit_id: after.addressed_to_unit_id.or(Some(after.raised_by_unit_id)),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
            }).await?;
            Ok(after)
        })
    }

    pub async fn create_recommendation(
        &mut self,
        actor: &AuditActor,
        draft: &RecommendationDraft,
    ) -> Result<Recommendation> {
        let id = Uuid::now_v7();
        in_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO recommendations (id, meeting_id, raised_by_unit_id, addressed_to_unit_id, \
                 content, raised_on, status, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'awaiting', $7, $7, 1)",
            )
            .bind(id)
            .bind(draft.meeting_id)
            .bind(draft.raised_by_unit_id.0)
            .bind(draft.addressed_to_unit_id.map(|u| u.0))
            .bind(draft.content.as_str())
            .bind(date_to_db(draft.raised_on)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let rec = load_recommendation(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "recommendation",
                entity_id: id.to_string(),
                unit_id: Some(draft.raised_by_unit_id),
                before: None,
                after: serde_json::to_value(&rec).ok(),
            }).await?;
            Ok(rec)
        })
    }

    /// Records a meeting, and with it the office's task of issuing its conclusion notice.
    pub async fn create_meeting(
        &mut self,
        actor: &AuditActor,
        draft: &MeetingDraft,
        notice: Option<NoticeTask>,
    ) -> Result<Meeting> {
        let id = Uuid::now_v7();
        in_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO meetings (id, kind, title, date, time, place, host_unit_id, chair, \
                 participants, invited_unit_ids, agenda, minutes, period, created_by, created_at, \
                 updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)",
            )
            .bind(id)
            .bind(draft.kind.code())
            .bind(draft.title.as_str())
            .bind(date_to_db(draft.date)?)
            .bind(time_to_db(draft.time))
            .bind(draft.place.as_deref())
            .bind(draft.host_unit_id.0)
            .bind(draft.chair.as_ref().map(Json))
            .bind(Json(&draft.participants))
            .bind(Json(&draft.invited_unit_ids))
            .bind(Json(&draft.agenda))
            .bind(draft.minutes.as_deref())
            .bind(draft.period.map(|p| p.code()))
            .bind(actor.user_id.map(|u| u.0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(n) = &notice {
                let task_id = Uuid::now_v7();
                let deadline = Deadline::At { date: n.due.date, time: n.due.time };
                sqlx::query(
                    "INSERT INTO tasks (id, content, source_kind, meeting_id, assigner_unit_id, \
                     lead_unit_id, deadline, deadline_kind, due_date, assigned_on, notice_for, \
                     created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, 'meeting', $3, $4, $5, $6, 'at', $7, $8, $3, $9, $10, $10, 1)",
                )
                .bind(task_id)
                .bind(format!("Ban hành thông báo kết luận: {}", draft.title))
                .bind(id)
                .bind(draft.host_unit_id.0)
                .bind(n.office_unit_id.0)
                .bind(Json(deadline))
                .bind(date_to_db(n.due.date)?)
                .bind(date_to_db(draft.date)?)
                .bind(actor.user_id.map(|u| u.0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO task_units (task_id, unit_id, role) VALUES ($1, $2, 'lead')")
                    .bind(task_id)
                    .bind(n.office_unit_id.0)
                    .execute(&mut *tx)
                    .await?;
                crate::tasks::bind_due(
                    sqlx::query(crate::tasks::SET_DUE_COLUMNS).bind(task_id),
                    crate::tasks::DueColumns::of(&deadline, None)?,
                )
                .execute(&mut *tx)
                .await?;
            }
            let meeting = load_meeting(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "meeting",
                entity_id: id.to_string(),
                unit_id: Some(draft.host_unit_id),
                before: None,
                after: serde_json::to_value(&meeting).ok(),
            }).await?;
            Ok(meeting)
        })
    }
}
