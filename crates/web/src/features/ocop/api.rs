//! OCOP over JSON: producers, products (score, stars, certification, expiry), the products
//! expiring soon, support payments. The rules live in [`giaoban_app::ocop`], shared with the page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use giaoban_domain::ocop::ProducerInput;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::ocop::{self, OcopOverview, PaymentWrite, ProductWrite};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_overview))
        .routes(routes!(create_producer))
        .routes(routes!(create_product))
        .routes(routes!(add_payment))
}

/// OCOP: the producers, products and payments of the communes the user may read; `expiring`
/// lists certified products whose 3-year rating ends within the reminder window.
#[utoipa::path(get, path = "/api/v1/ocop", tag = "programmes",
    responses((status = 200, body = OcopOverview), (status = 401, body = crate::api::ErrorBody)))]
async fn get_overview(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<OcopOverview>, AppError> {
    Ok(Json(ocop::overview(&state, &me, lang).await?))
}

/// An OCOP producer (chủ thể) to add.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct ProducerWrite(pub ProducerInput);

/// Thêm chủ thể OCOP (the commune itself, or its district's staff).
#[utoipa::path(post, path = "/api/v1/ocop/producers", tag = "programmes", request_body = ProducerWrite,
    responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_producer(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<ProducerWrite>,
) -> Result<(StatusCode, Json<giaoban_storage::ocop::Producer>), AppError> {
    let p = ocop::create_producer(&state, &me, &body.0).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Thêm sản phẩm: the score's three parts give the stars (cut-offs from data, unconfirmed); a
/// certified product needs its level (5★ central, 4★ province, 3★ district until 2025) and
/// expires 3 years after certification.
#[utoipa::path(post, path = "/api/v1/ocop/producers/{id}/products", tag = "programmes",
    request_body = ProductWrite,
    params(("id" = Uuid, Path, description = "Producer id")),
    responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_product(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProductWrite>,
) -> Result<(StatusCode, Json<giaoban_storage::ocop::Product>), AppError> {
    let p = ocop::create_product(&state, &me, id, &body).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Ghi khoản hỗ trợ đã chi cho một chủ thể.
#[utoipa::path(post, path = "/api/v1/ocop/producers/{id}/payments", tag = "programmes",
    request_body = PaymentWrite,
    params(("id" = Uuid, Path, description = "Producer id")),
    responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn add_payment(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<PaymentWrite>,
) -> Result<(StatusCode, Json<giaoban_storage::ocop::Payment>), AppError> {
    let p = ocop::add_payment(&state, &me, id, &body).await?;
    Ok((StatusCode::CREATED, Json(p)))
}
