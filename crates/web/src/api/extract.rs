//! Reading pasted text: a conclusion notice or report becomes proposed meeting details, tasks,
//! figures and recommendations, with the spans they came from. Nothing is saved here; a person
//! reviews the proposals first.

use axum::Json;
use axum::extract::State;
use giaoban_domain::unit::{Invalid, UnitId, parse_date};
use giaoban_vntext::extract::Extraction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::AppError;

/// The longest text accepted (characters): a long conclusion notice is 20–30 thousand.
pub const MAX_TEXT_CHARS: usize = 500_000;

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
    /// `warnings`; every item carries the byte span (`start`, `end`) of its source in `text`.
    #[schema(value_type = Object)]
    pub extraction: serde_json::Value,
    /// The territory the document was read as speaking for (its place of issue, or the territory
    /// it names most); assignees were matched among that territory's units.
    pub territory: Option<uuid::Uuid>,
}

/// Checks a text to read and its date (not empty, not too long, a valid date) without reading
/// it; the date as given.
pub fn checked_input(
    text: &str,
    document_date: Option<&str>,
) -> Result<Option<jiff::civil::Date>, AppError> {
    if text.trim().is_empty() {
        return Err(Invalid::new(
            "text",
            "extract.empty",
            "Chưa có văn bản để đọc.",
            "There is no text to read.",
        )
        .into());
    }
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(Invalid::new(
            "text",
            "extract.too_long",
            format!("Văn bản quá dài: {n} ký tự, tối đa {MAX_TEXT_CHARS}."),
            format!("The text is too long: {n} characters, at most {MAX_TEXT_CHARS}."),
        )
        .into());
    }
    Ok(parse_date("document_date", document_date.unwrap_or(""))?)
}

/// Runs the extraction for a person; shared by the API and the page.
pub async fn run(
    state: &AppState,
    me: &CurrentActor,
    text: &str,
    document_date: Option<&str>,
) -> Result<(Extraction, Option<UnitId>), AppError> {
    let date = checked_input(text, document_date)?;
    let units = state.store.units().await?;
    let text = text.to_owned();
    let actor = me.actor.clone();
    // Extraction is CPU work (a few milliseconds per page, a second for a very long text): keep
    // it off the async workers, and only a few at once, so that long texts sent in parallel
    // cannot hold every processor.
    let readers = std::sync::Arc::clone(&state.readers);
    let (extraction, territory) = state
        .heavy
        .texts
        .run(move || readers.reader(&units, &actor).read(&text, date))
        .await?;
    Ok((extraction, territory))
}

/// Đọc văn bản. Proposes meeting details, tasks, figures and recommendations from a pasted text;
/// saves nothing.
#[utoipa::path(post, path = "/api/v1/extract", tag = "extract", request_body = ExtractRequest,
    responses((status = 200, body = ExtractResponse), (status = 401, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)))]
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
