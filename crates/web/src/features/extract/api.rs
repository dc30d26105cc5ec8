//! Reading pasted text: a conclusion notice or report becomes proposed meeting details, tasks,
//! figures and recommendations, with the spans they came from. Nothing is saved here; a person
//! reviews the proposals first.

use axum::Json;
use axum::extract::State;
use giaoban_app::reading::run;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(extract_text))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractRequest {
    /// The document as pasted (any Unicode form; NFC/NFD, old or new tone placement).
    pub text: String,
    /// The document's date (ISO or dd/mm/yyyy), for texts that give no full date themselves.
    pub document_date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExtractResponse {
    /// Proposals: `document`, `meeting`, `tasks`, `figures`, `recommendations`, `people`,
    /// `warnings`, and the notice around its tasks: `sections` (each with its `kind`: `results`,
    /// `shortcomings`, `directions` or `other`, its `heading` and `body`), `signature`
    /// (`authority`: `on_behalf_of_body` TM., `deputy` KT., `by_order` TL., `by_authorisation`
    /// TUQ., `acting` Q.; `authority_line`, `title`, `name`) and `recipients` (Nơi nhận); every
    /// item carries the byte span (`start`, `end`) of its source in `text`.
    #[schema(value_type = Object)]
    pub extraction: serde_json::Value,
    /// The territory the document was read as speaking for (its place of issue, or the territory
    /// it names most); assignees were matched among that territory's units.
    pub territory: Option<uuid::Uuid>,
}

/// Đọc văn bản. Proposes meeting details, tasks, figures and recommendations from a pasted text;
/// saves nothing.
#[utoipa::path(post, path = "/api/v1/extract", tag = "extract", request_body = ExtractRequest,
    responses((status = 200, body = ExtractResponse), (status = 401, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody)))]
async fn extract_text(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<ExtractRequest>,
) -> Result<Json<ExtractResponse>, AppError> {
    let (extraction, territory) =
        run(&state, &me, &body.text, body.document_date.as_deref()).await?;
    let extraction = serde_json::to_value(&extraction)
        .map_err(|e| AppError::Internal(format!("serialize: {e}")))?;
    Ok(Json(ExtractResponse {
        extraction,
        territory: territory.map(|t| t.0),
    }))
}
