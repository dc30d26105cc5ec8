//! Programmes (Nông thôn mới) over JSON: criteria sets, a commune's status, the district's
//! picture and its heatmap as XLSX, a lagging criterion turned into a task. The rules live in
//! [`giaoban_app::programmes`], shared with the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use giaoban_domain::programme::CriterionStatus;
use giaoban_domain::unit::UnitId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::programmes::ModelAreasWrite;
use giaoban_app::programmes::{
    self, CommuneQuery, CommuneView, CriterionTaskWrite, PictureQuery, PictureView, ProgrammeWrite,
    SetSummary, StatusWrite,
};
use giaoban_app::work::TaskView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sets, load_set))
        .routes(routes!(get_picture))
        .routes(routes!(heatmap_xlsx))
        .routes(routes!(get_commune, put_programme))
        .routes(routes!(put_status))
        .routes(routes!(criterion_task))
        .routes(routes!(put_model_areas))
}

#[derive(Serialize, ToSchema)]
pub struct SetList {
    pub items: Vec<SetSummary>,
}

/// Bộ tiêu chí: the criteria sets loaded, every version (the bundled 2016–2020 and 2021–2025 sets
/// are loaded on first use).
#[utoipa::path(get, path = "/api/v1/programmes/criteria-sets", tag = "programmes",
    responses((status = 200, body = SetList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_sets(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
) -> Result<Json<SetList>, AppError> {
    Ok(Json(SetList {
        items: programmes::list_sets(&state, lang).await?,
    }))
}

/// Nạp bộ tiêu chí (administrators): the body is the set's TOML file as text. A broken file is
/// refused (422) with each problem located by line and criterion; a (code, version) already
/// loaded is refused; assessments keep the version they were made against.
#[utoipa::path(post, path = "/api/v1/programmes/criteria-sets", tag = "programmes",
    request_body(content = String, content_type = "text/plain", description = "The TOML file"),
    responses((status = 201, body = SetSummary), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn load_set(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<SetSummary>), AppError> {
    if !me.actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        AppError::bad_request(
            "criteria_set.encoding",
            "Tệp bộ tiêu chí phải là văn bản UTF-8.",
            "The criteria-set file must be UTF-8 text.",
        )
    })?;
    let s = programmes::load_set(&state, &me, text, lang).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// Bức tranh NTM của huyện: average criteria met per commune ("9,8 tiêu chí/xã"), communes per
/// level and per number of criteria met, the heatmap commune × criterion, the criteria most
/// communes lack, the "easy" unmet ones (nearest their threshold), targets with progress, year
/// over year, model areas. Computed from the communes' statuses; a commune user sees its own row.
#[utoipa::path(get, path = "/api/v1/programmes/picture", tag = "programmes",
    params(PictureQuery),
    responses((status = 200, body = PictureView), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_picture(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<PictureQuery>,
) -> Result<Json<PictureView>, AppError> {
    Ok(Json(programmes::picture(&state, &me, &q, lang).await?))
}

/// The heatmap as an Excel file (same query as the picture).
#[utoipa::path(get, path = "/api/v1/programmes/heatmap.xlsx", tag = "programmes",
    params(PictureQuery),
    responses((status = 200, description = "The XLSX file"), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn heatmap_xlsx(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<PictureQuery>,
) -> Result<axum::response::Response, AppError> {
    let f = programmes::heatmap_xlsx(&state, &me, &q, lang).await?;
    Ok(crate::api::file_response(f))
}

/// Một xã: every criterion's status against the set, recognitions, targets, and what is still
/// lacking for each level.
#[utoipa::path(get, path = "/api/v1/programmes/communes/{id}", tag = "programmes",
    params(("id" = Uuid, Path, description = "Commune (unit) id"), CommuneQuery),
    responses((status = 200, body = CommuneView), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn get_commune(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    Query(q): Query<CommuneQuery>,
) -> Result<Json<CommuneView>, AppError> {
    Ok(Json(
        programmes::commune(&state, &me, UnitId(id), &q, lang).await?,
    ))
}

/// A commune's programme record: region, recognitions (level, decision, date) and target year per
/// level (send `version` to guard against a concurrent change).
#[utoipa::path(put, path = "/api/v1/programmes/communes/{id}", tag = "programmes",
    request_body = ProgrammeWrite,
    params(("id" = Uuid, Path, description = "Commune (unit) id")),
    responses((status = 204), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn put_programme(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProgrammeWrite>,
) -> Result<StatusCode, AppError> {
    programmes::put_programme(&state, &me, UnitId(id), &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Đánh giá một tiêu chí: met or not (or met at the advanced level), evaluation date, assessor,
/// evidence, planned year, indicator values. The commune itself or its district's staff.
#[utoipa::path(post, path = "/api/v1/programmes/communes/{id}/statuses", tag = "programmes",
    request_body = StatusWrite,
    params(("id" = Uuid, Path, description = "Commune (unit) id")),
    responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn put_status(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<StatusWrite>,
) -> Result<Json<CriterionStatus>, AppError> {
    Ok(Json(
        programmes::put_status(&state, &me, UnitId(id), &body).await?,
    ))
}

/// Giao nhiệm vụ cho tiêu chí chưa đạt: one task led by the commune, assigned by the caller's
/// unit, due at the end of the planned year unless a deadline is given.
#[utoipa::path(post, path = "/api/v1/programmes/communes/{id}/task", tag = "programmes",
    request_body = CriterionTaskWrite,
    params(("id" = Uuid, Path, description = "Commune (unit) id")),
    responses((status = 201, body = TaskView), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn criterion_task(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CriterionTaskWrite>,
) -> Result<(StatusCode, Json<TaskView>), AppError> {
    let t = programmes::criterion_task(&state, &me, UnitId(id), &body).await?;
    let d = giaoban_app::work::task_detail(&state, &me, t.id, None, lang).await?;
    Ok((StatusCode::CREATED, Json(d.task)))
}

/// Khu dân cư NTM kiểu mẫu, vườn mẫu: a commune's count achieved, or a district's target, for a
/// year (seed 003: 46 model residential areas and 252 model gardens in Thạch Hà).
#[utoipa::path(put, path = "/api/v1/programmes/units/{id}/model-areas", tag = "programmes",
    request_body = ModelAreasWrite,
    params(("id" = Uuid, Path, description = "Commune or district (unit) id")),
    responses((status = 204), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn put_model_areas(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ModelAreasWrite>,
) -> Result<StatusCode, AppError> {
    programmes::put_model_areas(&state, &me, UnitId(id), &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
