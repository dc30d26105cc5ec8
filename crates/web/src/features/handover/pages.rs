//! The handover page (`/handover`): one card per ended unit with what it still holds, a select of
//! the unit taking over on each item (the proposed successor chosen first), a button per unit and
//! one for all applying the obvious rule. One column on a phone (390 px, no sideways scroll).
//! The forms carry the session's CSRF token; a move names the item's version, so a double click
//! or a stale page changes nothing and says so (409) instead of moving twice; the bulk move is
//! idempotent. Refusals that are not about the form (not allowed) go to the error page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use giaoban_domain::Lang;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, form_errors, see_other};
use crate::frame::Chrome;
use crate::i18n::{HandoverTexts, ReqLang, handover_texts};
use crate::layout::render;
use crate::state::AppState;
use giaoban_app::handover::{self, HandoverBulk, HandoverOne, HandoverTarget, HandoverView};
use giaoban_domain::unit::Invalid;
use giaoban_storage::{Conflict, StoreError};

#[derive(Template)]
#[template(path = "handover/handover.html")]
struct HandoverPage {
    c: Chrome,
    h: &'static HandoverTexts,
    v: HandoverView,
    /// The confirmation of the moves just made.
    done: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    moved: Option<usize>,
    #[serde(default)]
    left: Option<usize>,
}

async fn page(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    done: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let v = handover::list(state, me, lang).await?;
    render(&HandoverPage {
        c: Chrome::new(lang, Some(me), session, "/handover").await?,
        h: handover_texts(lang),
        v,
        done,
        error,
    })
}

pub async fn handover_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let h = handover_texts(lang);
    let done = q.moved.map(|n| {
        format!(
            "{}: {n} {} ({} {})",
            h.moved,
            h.items,
            q.left.unwrap_or(0),
            h.left
        )
    });
    page(&state, lang, &me, &session, done, None).await
}

/// After a refused move: the page again with the message (409 for a stale or repeated move, 422
/// for a wrong choice); other refusals go to the error page.
async fn refused(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    e: AppError,
) -> Result<Response, AppError> {
    let stale = matches!(e, AppError::Store(StoreError::Conflict(Conflict::Version)));
    let Some((status, errs)) = form_errors(&e, lang) else {
        return Err(e);
    };
    let message = if stale {
        handover_texts(lang).stale.to_owned()
    } else {
        errs.message.unwrap_or_default()
    };
    let html = page(state, lang, me, session, None, Some(message)).await?;
    Ok((status, html).into_response())
}

fn uuid_field(f: &Fields, field: &'static str) -> Result<Uuid, AppError> {
    Uuid::parse_str(f.get(field).trim()).map_err(|_| {
        Invalid::new(
            field,
            "handover.choice_missing",
            "Hãy chọn đơn vị nhận bàn giao.",
            "Choose the unit taking over.",
        )
        .into()
    })
}

fn one_body(f: &Fields) -> Result<HandoverOne, AppError> {
    let target = match f.get("target").trim() {
        "task" => HandoverTarget::Task,
        "report_form" => HandoverTarget::ReportForm,
        _ => {
            return Err(Invalid::new(
                "target",
                "handover.target_unknown",
                "Loại việc bàn giao không hợp lệ.",
                "Unknown kind of item.",
            )
            .into());
        }
    };
    Ok(HandoverOne {
        target,
        id: uuid_field(f, "id")?,
        from_unit: uuid_field(f, "from_unit")?,
        to_unit: uuid_field(f, "to_unit")?,
        version: f.version(),
    })
}

fn after(o: &handover::HandoverOutcome) -> Response {
    see_other(&format!("/handover?moved={}&left={}", o.moved, o.left))
}

/// One item to the unit chosen in its select.
pub async fn one_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let result = match one_body(&f) {
        Ok(b) => handover::hand_over_one(&state, &me, &b)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(o) => Ok(after(&o)),
        Err(e) => refused(&state, lang, &me, &session, e).await,
    }
}

/// The obvious rule for one ended unit (`unit`) or for all (no `unit`).
pub async fn bulk_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let raw = f.get("unit");
    let unit = match raw.trim() {
        "" => None,
        s => match Uuid::parse_str(s) {
            Ok(u) => Some(u),
            Err(_) => {
                let e = Invalid::new(
                    "unit",
                    "unit.id_invalid",
                    "Mã định danh đơn vị không hợp lệ.",
                    "The unit identifier is not valid.",
                )
                .into();
                return refused(&state, lang, &me, &session, e).await;
            }
        },
    };
    match handover::hand_over_bulk(&state, &me, &HandoverBulk { unit }).await {
        Ok(o) => Ok(after(&o)),
        Err(e) => refused(&state, lang, &me, &session, e.into()).await,
    }
}
