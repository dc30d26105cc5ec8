//! Period reports over JSON: draft from the data, read, edit, draft again, download. The rules live
//! in [`giaoban_app::period_reports`], shared with the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::state::AppState;
use giaoban_app::period_reports::{
    self, PeriodReportView, ReportCreate, ReportEdit, ReportFormat, ReportRegenerate,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, create_report))
        .routes(routes!(get_report, edit_report))
        .routes(routes!(regenerate_report))
        .routes(routes!(report_document))
}

/// Báo cáo định kỳ: the period reports the user may read, newest period first.
#[utoipa::path(get, path = "/api/v1/period-reports", tag = "reports",
    responses((status = 200, body = Vec<PeriodReportView>)))]
async fn list_reports(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Json<Vec<PeriodReportView>>, AppError> {
    Ok(Json(period_reports::list(&state, &me).await?))
}

/// Soạn báo cáo: drafts a unit's report for a period from its roll-ups, the tasks of earlier
/// conclusions (statuses as of `as_of`) and the period's recommendations, and stores it.
#[utoipa::path(post, path = "/api/v1/period-reports", tag = "reports", request_body = ReportCreate,
    responses((status = 201, body = PeriodReportView), (status = 403, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn create_report(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<ReportCreate>,
) -> Result<(StatusCode, Json<PeriodReportView>), AppError> {
    let r = period_reports::create(&state, &me, &body).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// A period report with every block, and the record each number comes from.
#[utoipa::path(get, path = "/api/v1/period-reports/{id}", tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, body = PeriodReportView), (status = 404, body = crate::api::ErrorBody)))]
async fn get_report(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<PeriodReportView>, AppError> {
    Ok(Json(period_reports::get(&state, &me, id).await?))
}

/// Sửa báo cáo: the office's words (every block's text in order, the subject, number, place,
/// signature and recipients); `version` is the one read.
#[utoipa::path(put, path = "/api/v1/period-reports/{id}", tag = "reports", request_body = ReportEdit,
    params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, body = PeriodReportView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn edit_report(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ReportEdit>,
) -> Result<Json<PeriodReportView>, AppError> {
    Ok(Json(period_reports::edit(&state, &me, id, &body).await?))
}

/// Lập lại từ số liệu: drafts the body again from the data as it is now (the header, signature
/// and recipients stay).
#[utoipa::path(post, path = "/api/v1/period-reports/{id}/regenerate", tag = "reports",
    request_body = ReportRegenerate, params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, body = PeriodReportView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn regenerate_report(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ReportRegenerate>,
) -> Result<Json<PeriodReportView>, AppError> {
    Ok(Json(
        period_reports::regenerate(&state, &me, id, &body).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportDocumentQuery {
    /// `docx` (to edit), `pdf` (to publish) or `xlsx` (the indicator table).
    #[param(inline)]
    pub format: ReportFormat,
}

/// The report as Word or PDF in the Decree 30/2020 layout, or its indicator table as Excel, with a
/// Vietnamese file name.
#[utoipa::path(get, path = "/api/v1/period-reports/{id}/document", tag = "reports",
    params(("id" = Uuid, Path, description = "Report id"), ReportDocumentQuery),
    responses((status = 200, description = "The file (Word, PDF or Excel media type)"),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn report_document(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    Query(q): Query<ReportDocumentQuery>,
) -> Result<axum::response::Response, AppError> {
    let f = period_reports::file(&state, &me, id, q.format).await?;
    Ok(crate::api::file_response(f))
}
