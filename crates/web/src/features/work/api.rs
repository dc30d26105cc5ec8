//! Meetings, recommendations, conclusion notices, tasks, boards, reminders and the calendar secret,
//! over JSON. The rules live in [`giaoban_app::work`], shared with the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use giaoban_domain::conclusion::{ConclusionInput, IssueInput};
use giaoban_domain::meeting::{AnswerInput, MeetingInput, RecommendationInput};
use giaoban_domain::task::{ProgressInput, TaskId, TaskInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::work::{
    self, ActionWrite, Board, ConclusionDetail, ConclusionView, DecisionWrite, DocumentConfirm,
    ExtensionWrite, MeetingDetail, MeetingView, NotificationView, RecommendationView, TaskDetail,
    TaskQuery, TaskView,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting, update_meeting))
        .routes(routes!(list_recommendations, create_recommendation))
        .routes(routes!(answer_recommendation))
        .routes(routes!(list_conclusions, create_conclusion))
        .routes(routes!(get_conclusion, update_conclusion))
        .routes(routes!(issue_conclusion))
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task))
        .routes(routes!(task_progress))
        .routes(routes!(task_extension))
        .routes(routes!(task_extension_decision))
        .routes(routes!(task_action))
        .routes(routes!(get_board))
        .routes(routes!(list_notifications))
        .routes(routes!(calendar_token))
        .routes(routes!(confirm_document))
        .routes(routes!(notice_document))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `docx` (to edit in Word or LibreOffice) or `pdf` (to publish).
    #[param(inline)]
    pub format: work::NoticeFormat,
}

/// Văn bản thông báo: the notice as a Word or PDF file in the Decree 30/2020 layout, with a
/// Vietnamese file name.
#[utoipa::path(get, path = "/api/v1/conclusions/{id}/document", tag = "conclusions",
    params(("id" = Uuid, Path, description = "Notice id"), DocumentQuery),
    responses((status = 200, description = "The file (application/pdf or the Word media type)"),
        (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn notice_document(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    Query(q): Query<DocumentQuery>,
) -> Result<axum::response::Response, AppError> {
    let f = work::notice_file(&state, &me, id, q.format).await?;
    Ok(crate::api::file_response(f))
}

/// Runs a create once per `Idempotency-Key` (see [`crate::once`]): 201 and the id of a record
/// created now, 200 and the id of the one a request with the same key created before.
async fn keyed<T, E, F, Fut>(
    state: &AppState,
    me: &CurrentActor,
    headers: &axum::http::HeaderMap,
    kind: &'static str,
    id_of: fn(&T) -> Uuid,
    make: F,
) -> Result<(StatusCode, Uuid), AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    AppError: From<E>,
{
    let key = crate::once::header_key(headers)?;
    Ok(
        match crate::once::once(state, me, key.as_deref(), kind, id_of, make).await? {
            crate::once::Made::New(t) => (StatusCode::CREATED, id_of(&t)),
            crate::once::Made::Before(id) => (StatusCode::OK, id),
        },
    )
}

/// Tạo từ văn bản: the meeting, its draft notice, tasks and recommendations read from a pasted
/// document (`POST /api/v1/extract`) and corrected by a person, created in one step. Everything is
/// checked before the first write: a mistake anywhere saves nothing.
///
/// No double entry: with an `Idempotency-Key` header (any string up to 200 characters, e.g. a
/// UUID drawn per attempt), a second request with the same key by the same user creates nothing
/// and answers 200 with the meeting the first created (201); 409 while the first is still running.
#[utoipa::path(post, path = "/api/v1/extract/confirm", tag = "extract", request_body = DocumentConfirm,
    params(("Idempotency-Key" = Option<String>, Header, description = "One key per intended create: a repeat answers 200 with the record made first.")),
    responses((status = 201, body = MeetingDetail), (status = 200, description = "Created before by a request with the same Idempotency-Key", body = MeetingDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn confirm_document(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<DocumentConfirm>,
) -> Result<(StatusCode, Json<MeetingDetail>), AppError> {
    let (status, id) = keyed(
        &state,
        &me,
        &headers,
        "meeting",
        |m: &giaoban_domain::meeting::Meeting| m.id,
        || work::confirm_document(&state, &me, &body),
    )
    .await?;
    Ok((
        status,
        Json(work::meeting_detail(&state, &me, id, lang).await?),
    ))
}

/// A meeting to create, or the new state of one (with the `version` read).
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct MeetingWrite(pub MeetingInput);

/// A recommendation (kiến nghị) to record.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct RecommendationWrite(pub RecommendationInput);

/// An answer to a recommendation, or a change of its status.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct AnswerWrite(pub AnswerInput);

/// A conclusion notice draft, or the new state of one (with the `version` read).
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct ConclusionWrite(pub ConclusionInput);

/// Issue a draft: the date (default today) and the version read.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct IssueWrite(pub IssueInput);

/// A task to assign; its `deadline` is the words ("chậm nhất ngày 27/03/2023", "trước 17h thứ
/// Năm hàng tuần", "trong quý II/2023", "thường xuyên") or the typed value.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct TaskWrite(pub TaskInput);

/// A progress update or a completion report.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct ProgressWrite(pub ProgressInput);

#[derive(Serialize, ToSchema)]
pub struct MeetingList {
    pub items: Vec<MeetingView>,
}

#[derive(Serialize, ToSchema)]
pub struct RecommendationList {
    pub items: Vec<RecommendationView>,
}

#[derive(Serialize, ToSchema)]
pub struct ConclusionList {
    pub items: Vec<ConclusionView>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskList {
    /// When the statuses were computed (dd/mm/yyyy hh:mm, Vietnam time).
    pub as_of: String,
    /// Tasks the filters select (all pages).
    pub total: usize,
    pub items: Vec<TaskView>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
    /// The unit's report reminders, newest first, with their deliveries.
    pub report_reminders: Vec<giaoban_app::channels::ReportReminderView>,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarToken {
    /// The secret, shown only now; a new one replaces the old.
    pub token: String,
    /// The feed's path: `/calendar/{token}.ics`.
    pub path: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The moment statuses are computed at: a date (its end) or an RFC 3339 instant.
    pub as_of: Option<String>,
    /// Sent by the language switch of the pages; ignored here.
    #[serde(rename = "lang")]
    #[param(rename = "lang")]
    pub _lang: Option<String>,
}

/// Cuộc họp. The meetings the user may see, newest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings",
    responses((status = 200, body = MeetingList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_meetings(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<MeetingList>, AppError> {
    Ok(Json(MeetingList {
        items: work::list_meetings(&state, &me, lang).await?,
    }))
}

/// Thêm cuộc họp. Also opens the office's task of issuing the notice within 5 working days.
///
/// No double entry: a repeat with the same `Idempotency-Key` answers 200 with the meeting made first.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "One key per intended create: a repeat answers 200 with the record made first.")),
    responses((status = 201, body = MeetingDetail), (status = 200, description = "Created before by a request with the same Idempotency-Key", body = MeetingDetail), (status = 409, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_meeting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<MeetingWrite>,
) -> Result<(StatusCode, Json<MeetingDetail>), AppError> {
    let (status, id) = keyed(
        &state,
        &me,
        &headers,
        "meeting",
        |m: &giaoban_domain::meeting::Meeting| m.id,
        || work::create_meeting(&state, &me, &body.0),
    )
    .await?;
    Ok((
        status,
        Json(work::meeting_detail(&state, &me, id, lang).await?),
    ))
}

/// Một cuộc họp, with the tasks it reviews, its recommendations, notices and tasks.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings",
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingDetail), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn get_meeting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<MeetingDetail>, AppError> {
    Ok(Json(work::meeting_detail(&state, &me, id, lang).await?))
}

/// Sửa cuộc họp (send `version`).
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings", request_body = MeetingWrite,
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn update_meeting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<MeetingWrite>,
) -> Result<Json<MeetingDetail>, AppError> {
    work::update_meeting(&state, &me, id, &body.0).await?;
    Ok(Json(work::meeting_detail(&state, &me, id, lang).await?))
}

/// Kiến nghị. Those raised by or addressed to units the user may see.
#[utoipa::path(get, path = "/api/v1/recommendations", tag = "meetings",
    responses((status = 200, body = RecommendationList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_recommendations(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<RecommendationList>, AppError> {
    Ok(Json(RecommendationList {
        items: work::list_recommendations(&state, &me, lang).await?,
    }))
}

/// Thêm kiến nghị, by a unit the user writes for.
///
/// No double entry: a repeat with the same `Idempotency-Key` answers 200 with the recommendation
/// made first.
#[utoipa::path(post, path = "/api/v1/recommendations", tag = "meetings", request_body = RecommendationWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "One key per intended create: a repeat answers 200 with the record made first.")),
    responses((status = 201, body = RecommendationView), (status = 200, description = "Created before by a request with the same Idempotency-Key", body = RecommendationView), (status = 409, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_recommendation(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<RecommendationWrite>,
) -> Result<(StatusCode, Json<RecommendationView>), AppError> {
    let (status, id) = keyed(
        &state,
        &me,
        &headers,
        "recommendation",
        |r: &giaoban_domain::meeting::Recommendation| r.id,
        || work::create_recommendation(&state, &me, &body.0),
    )
    .await?;
    let view = work::list_recommendations(&state, &me, lang)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((status, Json(view)))
}

/// Trả lời kiến nghị: by the unit addressed (or the leaders over the one that raised it).
#[utoipa::path(post, path = "/api/v1/recommendations/{id}/answer", tag = "meetings", request_body = AnswerWrite,
    params(("id" = Uuid, Path, description = "Recommendation id")),
    responses((status = 200, body = RecommendationView), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn answer_recommendation(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AnswerWrite>,
) -> Result<Json<RecommendationView>, AppError> {
    work::answer_recommendation(&state, &me, id, &body.0).await?;
    work::list_recommendations(&state, &me, lang)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// Thông báo kết luận. Notices of the bodies the user may see.
#[utoipa::path(get, path = "/api/v1/conclusions", tag = "conclusions",
    responses((status = 200, body = ConclusionList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_conclusions(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<ConclusionList>, AppError> {
    Ok(Json(ConclusionList {
        items: work::list_conclusions(&state, &me, lang).await?,
    }))
}

/// Dự thảo thông báo kết luận of a meeting.
///
/// No double entry: a repeat with the same `Idempotency-Key` answers 200 with the notice made first.
#[utoipa::path(post, path = "/api/v1/conclusions", tag = "conclusions", request_body = ConclusionWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "One key per intended create: a repeat answers 200 with the record made first.")),
    responses((status = 201, body = ConclusionDetail), (status = 200, description = "Created before by a request with the same Idempotency-Key", body = ConclusionDetail), (status = 409, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_conclusion(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<ConclusionWrite>,
) -> Result<(StatusCode, Json<ConclusionDetail>), AppError> {
    let (status, id) = keyed(
        &state,
        &me,
        &headers,
        "conclusion",
        |c: &giaoban_domain::conclusion::Conclusion| c.id,
        || work::create_conclusion(&state, &me, &body.0),
    )
    .await?;
    Ok((
        status,
        Json(work::conclusion_detail(&state, &me, id, lang).await?),
    ))
}

/// Một thông báo kết luận, with its tasks.
#[utoipa::path(get, path = "/api/v1/conclusions/{id}", tag = "conclusions",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = ConclusionDetail), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn get_conclusion(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<ConclusionDetail>, AppError> {
    Ok(Json(work::conclusion_detail(&state, &me, id, lang).await?))
}

/// Sửa dự thảo. An issued notice is refused (422 `conclusion.already_issued`).
#[utoipa::path(put, path = "/api/v1/conclusions/{id}", tag = "conclusions", request_body = ConclusionWrite,
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = ConclusionDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn update_conclusion(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ConclusionWrite>,
) -> Result<Json<ConclusionDetail>, AppError> {
    work::update_conclusion(&state, &me, id, &body.0).await?;
    Ok(Json(work::conclusion_detail(&state, &me, id, lang).await?))
}

/// Ban hành: the next number of the issuer's year; the notice is immutable from then on.
#[utoipa::path(post, path = "/api/v1/conclusions/{id}/issue", tag = "conclusions", request_body = IssueWrite,
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = ConclusionDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn issue_conclusion(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<IssueWrite>,
) -> Result<Json<ConclusionDetail>, AppError> {
    work::issue_conclusion(&state, &me, id, &body.0).await?;
    Ok(Json(work::conclusion_detail(&state, &me, id, lang).await?))
}

/// Nhiệm vụ. The tasks the user may see (a member: its unit's), with status as of `as_of`, oldest
/// first; `page` and `per_page` cut the list into pages (`total` counts them all).
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = TaskList), (status = 400, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<TaskQuery>,
) -> Result<Json<TaskList>, AppError> {
    let (items, total, as_of) = work::list_task_page(&state, &me, &q, lang).await?;
    Ok(Json(TaskList {
        as_of: as_of.to_string(),
        total,
        items,
    }))
}

/// Giao nhiệm vụ, by a body the user writes for, to units the user can see.
///
/// No double entry: a repeat with the same `Idempotency-Key` answers 200 with the task made first.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = TaskWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "One key per intended create: a repeat answers 200 with the record made first.")),
    responses((status = 201, body = TaskDetail), (status = 200, description = "Created before by a request with the same Idempotency-Key", body = TaskDetail), (status = 409, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_task(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<TaskWrite>,
) -> Result<(StatusCode, Json<TaskDetail>), AppError> {
    let (status, id) = keyed(
        &state,
        &me,
        &headers,
        "task",
        |t: &giaoban_domain::task::Task| t.id.0,
        || work::create_task(&state, &me, &body.0),
    )
    .await?;
    Ok((
        status,
        Json(work::task_detail(&state, &me, TaskId(id), None, lang).await?),
    ))
}

/// Một nhiệm vụ: status as of `as_of`, history, occurrences, sub-tasks, and the user's rights.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path, description = "Task id"), AsOfQuery),
    responses((status = 200, body = TaskDetail), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn get_task(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    Query(q): Query<AsOfQuery>,
) -> Result<Json<TaskDetail>, AppError> {
    Ok(Json(
        work::task_detail(&state, &me, TaskId(id), q.as_of.as_deref(), lang).await?,
    ))
}

/// Cập nhật tiến độ / báo cáo hoàn thành: the lead unit (completion), coordinating units (progress).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/progress", tag = "tasks", request_body = ProgressWrite,
    params(("id" = Uuid, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn task_progress(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProgressWrite>,
) -> Result<Json<TaskDetail>, AppError> {
    work::report_progress(&state, &me, TaskId(id), &body.0).await?;
    Ok(Json(
        work::task_detail(&state, &me, TaskId(id), None, lang).await?,
    ))
}

/// Đề nghị gia hạn, by the lead unit; the original deadline stays on record. The deciding units
/// are told (a message, and their e-mail and Telegram). With an `Idempotency-Key` header, a
/// request sent again with the same key asks nothing twice and tells no one twice: it is
/// answered with the task as it is.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/extension", tag = "tasks", request_body = ExtensionWrite,
    params(("id" = Uuid, Path, description = "Task id"),
        ("Idempotency-Key" = Option<String>, Header, description = "One-time key: a request sent again with it asks nothing twice")),
    responses((status = 200, body = TaskDetail), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn task_extension(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<ExtensionWrite>,
) -> Result<Json<TaskDetail>, AppError> {
    let key = crate::once::header_key(&headers)?;
    let made = crate::once::once(
        &state,
        &me,
        key.as_deref(),
        "task_extension",
        |t: &giaoban_domain::task::Task| t.id.0,
        || work::request_extension(&state, &me, TaskId(id), &body),
    )
    .await?;
    let task = match made {
        crate::once::Made::New(t) => t.id,
        crate::once::Made::Before(task) => TaskId(task),
    };
    Ok(Json(
        work::task_detail(&state, &me, task, None, lang).await?,
    ))
}

/// Quyết định gia hạn, by the assigner's leaders or office.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/extension/decision", tag = "tasks", request_body = DecisionWrite,
    params(("id" = Uuid, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn task_extension_decision(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DecisionWrite>,
) -> Result<Json<TaskDetail>, AppError> {
    work::decide_extension(&state, &me, TaskId(id), &body).await?;
    Ok(Json(
        work::task_detail(&state, &me, TaskId(id), None, lang).await?,
    ))
}

/// Tạm dừng, tiếp tục, hủy, mở lại (`pause`, `resume`, `cancel`, `reopen`), by the assigner.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/action", tag = "tasks", request_body = ActionWrite,
    params(("id" = Uuid, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn task_action(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ActionWrite>,
) -> Result<Json<TaskDetail>, AppError> {
    work::act_on_task(&state, &me, TaskId(id), &body).await?;
    Ok(Json(
        work::task_detail(&state, &me, TaskId(id), None, lang).await?,
    ))
}

/// Bảng theo dõi: counts by status per unit, the overdue list by days overdue, each notice's
/// progress — over the tasks the list filters select.
#[utoipa::path(get, path = "/api/v1/board", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = Board), (status = 400, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
async fn get_board(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<TaskQuery>,
) -> Result<Json<Board>, AppError> {
    Ok(Json(work::board(&state, &me, &q, lang).await?))
}

/// Nhắc việc: the latest reminders of the user's unit.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "tasks",
    responses((status = 200, body = NotificationList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_notifications(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<NotificationList>, AppError> {
    Ok(Json(NotificationList {
        items: work::notifications(&state, &me, lang).await?,
        report_reminders: giaoban_app::channels::report_reminders(&state, &me, lang).await?,
    }))
}

/// Lịch (iCalendar): a new secret for the user's feed of its unit's deadlines and meetings. The
/// old secret stops working.
#[utoipa::path(post, path = "/api/v1/calendar/token", tag = "tasks",
    responses((status = 201, body = CalendarToken), (status = 401, body = crate::api::ErrorBody)))]
async fn calendar_token(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<(StatusCode, Json<CalendarToken>), AppError> {
    let token = work::new_calendar_token(&state, &me).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarToken {
            path: format!("/calendar/{token}.ics"),
            token,
        }),
    ))
}
