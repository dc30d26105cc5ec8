//! Indicators, plan targets, report forms, data entry, completeness and roll-ups over JSON. The
//! rules live in [`giaoban_app::reports`], shared with the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use giaoban_domain::indicator::IndicatorInput;
use giaoban_domain::report::FormInput;
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
use giaoban_app::reports::{
    self, CompletenessView, EntryView, EntryWrite, FormView, IndicatorView, RollupView,
    SeriesPoint, SubmissionActionWrite, TargetView, TargetWrite,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_indicators, create_indicator))
        .routes(routes!(update_indicator))
        .routes(routes!(list_targets, set_target))
        .routes(routes!(list_forms, create_form))
        .routes(routes!(get_form, update_form))
        .routes(routes!(get_entry, save_entry))
        .routes(routes!(submission_action))
        .routes(routes!(get_completeness))
        .routes(routes!(get_rollup))
        .routes(routes!(get_series))
        .routes(routes!(rebuild_aggregates))
        .routes(routes!(get_template))
        .routes(routes!(upload_xlsx))
        .routes(routes!(get_rollup_xlsx))
        .routes(routes!(get_completeness_xlsx))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// One unit's template; default: every unit the user enters figures for.
    pub unit: Option<Uuid>,
}

/// Mẫu Excel: the form's template for a period, pre-filled with what is saved.
#[utoipa::path(get, path = "/api/v1/forms/{id}/periods/{period}/template", tag = "reports",
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"), TemplateQuery),
    responses((status = 200, description = "The .xlsx file"), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_template(
    State(state): State<AppState>,
    me: CurrentActor,
    Path((id, period)): Path<(Uuid, String)>,
    Query(q): Query<TemplateQuery>,
) -> Result<axum::response::Response, AppError> {
    let f = reports::template_file(&state, &me, id, &period, q.unit).await?;
    Ok(crate::api::file_response(f))
}

/// `force=true`: save the file's figures even over drafts changed since its template was
/// downloaded.
#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    #[serde(default)]
    pub force: bool,
}

/// Nộp bằng Excel: the filled template (the .xlsx bytes as the request body). Saves every unit's
/// figures as drafts, or nothing: each bad cell is reported by sheet, row and column; a file
/// over the size limits is refused (422) before it is read; a unit's draft changed after the
/// template was downloaded refuses the file (409) unless `force=true`; when other files are
/// being read the request waits its turn, and is refused (503) after a while.
#[utoipa::path(post, path = "/api/v1/forms/{id}/periods/{period}/upload", tag = "reports",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"), UploadQuery),
    responses((status = 200, body = reports::UploadResult), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 413, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody),
        (status = 503, body = crate::api::ErrorBody)))]
async fn upload_xlsx(
    State(state): State<AppState>,
    me: CurrentActor,
    Path((id, period)): Path<(Uuid, String)>,
    Query(q): Query<UploadQuery>,
    body: axum::body::Bytes,
) -> Result<Json<reports::UploadResult>, AppError> {
    Ok(Json(
        reports::upload_file(&state, &me, id, &period, &body, q.force).await?,
    ))
}

/// The roll-up table as an Excel file.
#[utoipa::path(get, path = "/api/v1/rollups/xlsx", tag = "reports", params(RollupQuery),
    responses((status = 200, description = "The .xlsx file"), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_rollup_xlsx(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<RollupQuery>,
) -> Result<axum::response::Response, AppError> {
    let f = reports::rollup_file(&state, &me, q.unit, &q.period, lang).await?;
    Ok(crate::api::file_response(f))
}

/// The completeness table as an Excel file.
#[utoipa::path(get, path = "/api/v1/forms/{id}/periods/{period}/completeness/xlsx", tag = "reports",
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"), CompletenessQuery),
    responses((status = 200, description = "The .xlsx file"), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_completeness_xlsx(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path((id, period)): Path<(Uuid, String)>,
    Query(q): Query<CompletenessQuery>,
) -> Result<axum::response::Response, AppError> {
    let as_of = giaoban_app::work::parse_as_of_at(q.as_of.as_deref(), state.now())?;
    let f = reports::completeness_file(&state, &me, id, &period, as_of, lang).await?;
    Ok(crate::api::file_response(f))
}

/// An indicator of the catalog; `version` when changing one.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct IndicatorWrite(pub IndicatorWriteBody);

/// An indicator's fields and, when changing one, the version read.
#[derive(Deserialize, ToSchema)]
pub struct IndicatorWriteBody {
    #[serde(flatten)]
    pub input: IndicatorInput,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A report form; `active` and `version` when changing one.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct FormWrite(pub FormWriteBody);

/// A form's definition and, when changing one, whether it is in use and the version read.
#[derive(Deserialize, ToSchema)]
pub struct FormWriteBody {
    #[serde(flatten)]
    pub input: FormInput,
    /// Whether units still report on it.
    #[serde(default)]
    pub active: Option<bool>,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorList {
    pub items: Vec<IndicatorView>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetList {
    pub items: Vec<TargetView>,
}

#[derive(Serialize, ToSchema)]
pub struct FormList {
    pub items: Vec<FormView>,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesList {
    pub items: Vec<SeriesPoint>,
}

#[derive(Serialize, ToSchema)]
pub struct RebuildResult {
    /// Counted figures read.
    pub figures: u64,
    /// Aggregates written.
    pub aggregates: u64,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetQuery {
    pub year: i16,
    pub unit: Uuid,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompletenessQuery {
    /// Only units under this one.
    pub under: Option<Uuid>,
    /// The moment to judge timeliness at: a date (its end) or an RFC 3339 instant; default now.
    pub as_of: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RollupQuery {
    /// The unit (default: the top of what the user sees).
    pub unit: Option<Uuid>,
    /// Period: a code (`2023Q1`, `202303`, `2023S1`, `2023N9`, `2023W12`, `2023`) or as officials
    /// write it ("quý I/2023", "tháng 3/2023", "6 tháng đầu năm 2023").
    pub period: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    pub unit: Uuid,
    pub indicator: Uuid,
    /// The last period of the series.
    pub period: String,
    /// How many periods (1–60, default 12).
    pub count: Option<usize>,
}

/// Danh mục chỉ tiêu: the indicator catalog.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "reports",
    responses((status = 200, body = IndicatorList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_indicators(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
) -> Result<Json<IndicatorList>, AppError> {
    Ok(Json(IndicatorList {
        items: reports::list_indicators(&state, lang).await?,
    }))
}

/// Adds an indicator to the catalog (administrators).
#[utoipa::path(post, path = "/api/v1/indicators", tag = "reports", request_body = IndicatorWrite,
    responses((status = 201, body = IndicatorView), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_indicator(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(IndicatorWrite(body)): ApiJson<IndicatorWrite>,
) -> Result<(StatusCode, Json<IndicatorView>), AppError> {
    let i = reports::create_indicator(&state, &me, &body.input).await?;
    Ok((StatusCode::CREATED, Json(reports::view_indicator(&i, lang))))
}

/// Changes an indicator (administrators); `version` is required.
#[utoipa::path(put, path = "/api/v1/indicators/{id}", tag = "reports", request_body = IndicatorWrite,
    params(("id" = Uuid, Path, description = "Indicator id")),
    responses((status = 200, body = IndicatorView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn update_indicator(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(IndicatorWrite(body)): ApiJson<IndicatorWrite>,
) -> Result<Json<IndicatorView>, AppError> {
    let version = body.version.ok_or_else(version_required)?;
    let i = reports::update_indicator(&state, &me, id, &body.input, version).await?;
    Ok(Json(reports::view_indicator(&i, lang)))
}

fn version_required() -> AppError {
    AppError::Invalid(
        giaoban_domain::unit::Invalid::new(
            "version",
            "version.required",
            "Thiếu phiên bản (version) của bản ghi đã đọc.",
            "The version of the record you read is required.",
        )
        .into(),
    )
}

/// Chỉ tiêu kế hoạch: a unit's plan targets for a year.
#[utoipa::path(get, path = "/api/v1/targets", tag = "reports", params(TargetQuery),
    responses((status = 200, body = TargetList), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody)))]
async fn list_targets(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<TargetQuery>,
) -> Result<Json<TargetList>, AppError> {
    Ok(Json(TargetList {
        items: reports::list_targets(
            &state,
            &me,
            q.year,
            giaoban_domain::unit::UnitId(q.unit),
            lang,
        )
        .await?,
    }))
}

/// Sets a unit's target for a year (from the level above, or the district for itself).
#[utoipa::path(put, path = "/api/v1/targets", tag = "reports", request_body = TargetWrite,
    responses((status = 200, body = TargetView), (status = 403, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn set_target(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(body): ApiJson<TargetWrite>,
) -> Result<Json<TargetView>, AppError> {
    let t = reports::set_target(&state, &me, &body).await?;
    let list = reports::list_targets(&state, &me, t.year, t.unit_id, lang).await?;
    list.into_iter()
        .find(|v| v.indicator_id == t.indicator_id.0)
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// Biểu mẫu báo cáo: the report forms.
#[utoipa::path(get, path = "/api/v1/forms", tag = "reports",
    responses((status = 200, body = FormList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_forms(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
) -> Result<Json<FormList>, AppError> {
    Ok(Json(FormList {
        items: reports::list_forms(&state, lang).await?,
    }))
}

/// Creates a report form (administrators, leaders and office staff).
#[utoipa::path(post, path = "/api/v1/forms", tag = "reports", request_body = FormWrite,
    responses((status = 201, body = FormView), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(FormWrite(body)): ApiJson<FormWrite>,
) -> Result<(StatusCode, Json<FormView>), AppError> {
    let f = reports::create_form(&state, &me, &body.input).await?;
    Ok((StatusCode::CREATED, Json(reports::view_form(&f, lang))))
}

/// One report form.
#[utoipa::path(get, path = "/api/v1/forms/{id}", tag = "reports",
    params(("id" = Uuid, Path, description = "Form id")),
    responses((status = 200, body = FormView), (status = 404, body = crate::api::ErrorBody)))]
async fn get_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<FormView>, AppError> {
    let f = reports::get_form(&state, id).await?;
    Ok(Json(reports::view_form(&f, lang)))
}

/// Changes a report form; `version` is required; `active: false` retires it.
#[utoipa::path(put, path = "/api/v1/forms/{id}", tag = "reports", request_body = FormWrite,
    params(("id" = Uuid, Path, description = "Form id")),
    responses((status = 200, body = FormView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn update_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(FormWrite(body)): ApiJson<FormWrite>,
) -> Result<Json<FormView>, AppError> {
    let version = body.version.ok_or_else(version_required)?;
    let f = reports::update_form(
        &state,
        &me,
        id,
        &body.input,
        body.active.unwrap_or(true),
        version,
    )
    .await?;
    Ok(Json(reports::view_form(&f, lang)))
}

/// Nhập số liệu: a unit's report for a form and period — figures, narrative, status, timeliness
/// and what the user may do.
#[utoipa::path(get, path = "/api/v1/forms/{id}/periods/{period}/units/{unit}", tag = "reports",
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"),
        ("unit" = Uuid, Path, description = "Reporting unit")),
    responses((status = 200, body = EntryView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_entry(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path((id, period, unit)): Path<(Uuid, String, Uuid)>,
) -> Result<Json<EntryView>, AppError> {
    Ok(Json(
        reports::entry(&state, &me, id, &period, unit, lang).await?,
    ))
}

/// Saves the unit's figures and narrative as a draft (refused once sent: the figures are locked).
#[utoipa::path(put, path = "/api/v1/forms/{id}/periods/{period}/units/{unit}", tag = "reports",
    request_body = EntryWrite,
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"),
        ("unit" = Uuid, Path, description = "Reporting unit")),
    responses((status = 200, body = EntryView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn save_entry(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path((id, period, unit)): Path<(Uuid, String, Uuid)>,
    ApiJson(body): ApiJson<EntryWrite>,
) -> Result<Json<EntryView>, AppError> {
    reports::save_entry(&state, &me, id, &period, unit, &body).await?;
    Ok(Json(
        reports::entry(&state, &me, id, &period, unit, lang).await?,
    ))
}

/// Sends (`submit`), returns with a reason (`return`), accepts (`accept`) or reopens (`reopen`)
/// a report. The roll-ups change in the same transaction.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/action", tag = "reports",
    request_body = SubmissionActionWrite,
    params(("id" = Uuid, Path, description = "Submission id")),
    responses((status = 200, body = EntryView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn submission_action(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SubmissionActionWrite>,
) -> Result<Json<EntryView>, AppError> {
    let s = reports::act(&state, &me, id, &body).await?;
    Ok(Json(
        reports::entry(
            &state,
            &me,
            s.form_id.0,
            &s.period.code(),
            s.unit_id.0,
            lang,
        )
        .await?,
    ))
}

/// Tình hình nộp báo cáo: who has reported for a form and period, who is late, who is missing.
#[utoipa::path(get, path = "/api/v1/forms/{id}/periods/{period}/completeness", tag = "reports",
    params(("id" = Uuid, Path, description = "Form id"),
        ("period" = String, Path, description = "Period: a code (2023Q1) or as officials write it (quý I/2023)"), CompletenessQuery),
    responses((status = 200, body = CompletenessView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_completeness(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path((id, period)): Path<(Uuid, String)>,
    Query(q): Query<CompletenessQuery>,
) -> Result<Json<CompletenessView>, AppError> {
    let as_of = giaoban_app::work::parse_as_of_at(q.as_of.as_deref(), state.now())?;
    Ok(Json(
        reports::completeness(&state, &me, id, &period, q.under, as_of, lang).await?,
    ))
}

/// Tổng hợp: a unit's figures for a period with year-to-date, annual plan, % of plan and the
/// same period last year, read from the aggregates kept current on every write.
#[utoipa::path(get, path = "/api/v1/rollups", tag = "reports", params(RollupQuery),
    responses((status = 200, body = RollupView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_rollup(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<RollupQuery>,
) -> Result<Json<RollupView>, AppError> {
    Ok(Json(
        reports::rollup(&state, &me, q.unit, &q.period, lang).await?,
    ))
}

/// An indicator's figure at a unit over time (for charts).
#[utoipa::path(get, path = "/api/v1/rollups/series", tag = "reports", params(SeriesQuery),
    responses((status = 200, body = SeriesList), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_series(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<SeriesQuery>,
) -> Result<Json<SeriesList>, AppError> {
    Ok(Json(SeriesList {
        items: reports::series(
            &state,
            &me,
            q.unit,
            q.indicator,
            &q.period,
            q.count.unwrap_or(12),
            lang,
        )
        .await?,
    }))
}

/// Rebuilds every aggregate from the counted figures (administrators); the numbers must not change.
#[utoipa::path(post, path = "/api/v1/aggregates/rebuild", tag = "reports",
    responses((status = 200, body = RebuildResult), (status = 403, body = crate::api::ErrorBody)))]
async fn rebuild_aggregates(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Json<RebuildResult>, AppError> {
    let s = reports::rebuild(&state, &me).await?;
    Ok(Json(RebuildResult {
        figures: s.figures,
        aggregates: s.aggregates,
    }))
}
