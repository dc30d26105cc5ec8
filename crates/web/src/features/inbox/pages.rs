//! Việc chờ xử lý (`/inbox`): what waits for the signed-in person, one card per item, in one
//! column on a phone, each with its decision inline. The forms post to routes that call the same
//! functions as the task, report and recommendation pages ([`giaoban_app::work::decide_extension`],
//! [`giaoban_app::reports::act`], [`giaoban_app::work::answer_recommendation`]) and come back here with a
//! confirmation; a refused decision is shown on its card (id-anchored), and a decision on an item
//! already decided (a double click, a re-submit, a colleague first) says so and changes nothing.
//! Issuing a notice keeps its confirmation on the notice's page: the card links there.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::{Permission, may_decide_extension};
use giaoban_domain::meeting::{AnswerInput, RecommendationStatus};
use giaoban_domain::task::TaskId;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::Invalid;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, form_errors, opt, see_other};
use crate::frame::Chrome;
use crate::i18n::{ReqLang, inbox_texts};
use crate::layout::render;
use crate::state::AppState;
use giaoban_app::inbox::{self, InboxItem, InboxKind, InboxView};
use giaoban_app::reports::SubmissionActionWrite;
use giaoban_app::work::DecisionWrite;

/// One card: the item, and what the person typed and was told when a decision was refused.
struct Card {
    it: InboxItem,
    error: Option<String>,
    /// The note, reason or answer as typed.
    typed: String,
}

/// The cards of one kind.
struct Section {
    code: &'static str,
    heading: &'static str,
    count: u64,
    cards: Vec<Card>,
}

#[derive(Template)]
#[template(path = "inbox/inbox.html")]
struct InboxPage {
    c: Chrome,
    v: InboxView,
    sections: Vec<Section>,
    /// The confirmation of the decision just made.
    done: Option<&'static str>,
    /// A decision refused on an item no longer waiting (its card is gone).
    error: Option<String>,
}

/// A refused decision to show: on the card of `anchor`, or for the page when that card is gone.
struct Refusal {
    anchor: String,
    message: String,
    typed: String,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn page(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    done: Option<&str>,
    refusal: Option<Refusal>,
    page_error: Option<String>,
) -> Result<Html<String>, AppError> {
    let t = inbox_texts(lang);
    let v = inbox::inbox(state, me, lang).await?;
    let mut refusal = refusal;
    let mut sections: Vec<Section> = [
        (InboxKind::Extension, t.kinds_extension, v.counts.extensions),
        (InboxKind::Report, t.kinds_report, v.counts.reports),
        (InboxKind::Notice, t.kinds_notice, v.counts.notices),
        (
            InboxKind::Recommendation,
            t.kinds_recommendation,
            v.counts.recommendations,
        ),
    ]
    .into_iter()
    .map(|(kind, heading, count)| Section {
        code: kind.code(),
        heading,
        count,
        cards: v
            .items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| {
                let mine = refusal.as_ref().is_some_and(|r| r.anchor == i.anchor);
                let (error, typed) = match refusal.take_if(|_| mine) {
                    Some(r) => (Some(r.message), r.typed),
                    None => (None, String::new()),
                };
                Card {
                    it: i.clone(),
                    error,
                    typed,
                }
            })
            .collect(),
    })
    .collect();
    sections.retain(|s| !s.cards.is_empty());
    let done = done.and_then(|d| match d {
        "approved" => Some(t.done_approved),
        "refused" => Some(t.done_refused),
        "accepted" => Some(t.done_accepted),
        "returned" => Some(t.done_returned),
        "answered" => Some(t.done_answered),
        _ => None,
    });
    // A refusal whose card is not listed (not waiting any more) is said for the page.
    let error = page_error.or_else(|| refusal.map(|r| r.message));
    render(&InboxPage {
        c: Chrome::new(lang, Some(me), session, "/inbox").await?,
        v,
        sections,
        done,
        error,
    })
}

pub async fn inbox_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    page(&state, lang, &me, &session, q.done.as_deref(), None, None).await
}

/// After a refused decision: the inbox again with the message on the item's card while it still
/// waits; when it waits no more (decided by a double click, a re-submit or someone else), 409
/// and a message saying so for the page. Refusals that are not about the form (not allowed, no
/// such record) go to the error page.
#[allow(clippy::too_many_arguments)]
async fn refused(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    kind: InboxKind,
    id: Uuid,
    e: AppError,
    typed: String,
) -> Result<Response, AppError> {
    let Some((status, errs)) = form_errors(&e, lang) else {
        return Err(e);
    };
    let message = errs.message.unwrap_or_default();
    if inbox::still_waiting(state, kind, id).await? {
        let refusal = Refusal {
            anchor: inbox::anchor(kind, id),
            message,
            typed,
        };
        let html = page(state, lang, me, session, None, Some(refusal), None).await?;
        Ok((status, html).into_response())
    } else {
        already_done(state, lang, me, session, Some(message)).await
    }
}

/// 409 and the inbox, saying that the item was decided before (with the reason the decision was
/// refused, when there is one).
async fn already_done(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    detail: Option<String>,
) -> Result<Response, AppError> {
    let t = inbox_texts(lang);
    let message = match detail.filter(|d| !d.is_empty()) {
        Some(d) => format!("{} ({d})", t.already_done),
        None => t.already_done.to_owned(),
    };
    let html = page(state, lang, me, session, None, None, Some(message)).await?;
    Ok((StatusCode::CONFLICT, html).into_response())
}

fn unknown_choice(field: &'static str) -> AppError {
    Invalid::new(
        field,
        "inbox.choice_unknown",
        "Hãy chọn một trong các nút của thẻ.",
        "Choose one of the card's buttons.",
    )
    .into()
}

/// Approve or refuse an extension request (`decision` = `approve` or `refuse`, optional `note`,
/// `request_id`: the request shown, so that a later request is never decided by a stale click).
pub async fn extension_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let note = f.get("note");
    let approve = match f.get("decision").trim() {
        "approve" => true,
        "refuse" => false,
        _ => {
            let e = unknown_choice("decision");
            return refused(
                &state,
                lang,
                &me,
                &session,
                InboxKind::Extension,
                id,
                e,
                note,
            )
            .await;
        }
    };
    // The request decided must be the one the card showed.
    if let Ok(shown) = Uuid::parse_str(f.get("request_id").trim()) {
        let (task, _, units) = giaoban_app::work::readable_task(&state, &me, TaskId(id)).await?;
        let tree = UnitTree::new(&units);
        if !may_decide_extension(
            &me.actor,
            &tree.ancestry(task.assigner_unit_id),
            task.lead_unit_id,
        ) {
            return Err(AppError::Forbidden);
        }
        if task.pending_extension.as_ref().map(|p| p.id) != Some(shown) {
            return already_done(&state, lang, &me, &session, None).await;
        }
    }
    let write = DecisionWrite {
        approve,
        note: opt(&note),
    };
    match giaoban_app::work::decide_extension(&state, &me, TaskId(id), &write)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(if approve {
            "/inbox?done=approved"
        } else {
            "/inbox?done=refused"
        })),
        Err(e) => {
            refused(
                &state,
                lang,
                &me,
                &session,
                InboxKind::Extension,
                id,
                e,
                note,
            )
            .await
        }
    }
}

/// Accept or return a report (`op` = `accept` or `return`; `reason` to return; `version`).
pub async fn report_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let reason = f.get("reason");
    let op = f.get("op").trim().to_owned();
    if op != "accept" && op != "return" {
        let e = unknown_choice("op");
        return refused(
            &state,
            lang,
            &me,
            &session,
            InboxKind::Report,
            id,
            e,
            reason,
        )
        .await;
    }
    let write = SubmissionActionWrite {
        action: op.clone(),
        reason: opt(&reason),
        version: f.get("version").trim().parse().unwrap_or_default(),
    };
    match giaoban_app::reports::act(&state, &me, id, &write)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(if op == "accept" {
            "/inbox?done=accepted"
        } else {
            "/inbox?done=returned"
        })),
        Err(e) => {
            refused(
                &state,
                lang,
                &me,
                &session,
                InboxKind::Report,
                id,
                e,
                reason,
            )
            .await
        }
    }
}

/// Answer a recommendation (`answer`, `version`): its status becomes "answered".
pub async fn answer_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let answer = f.get("answer");
    // Answering again is how the recommendations page changes an answer; from the inbox, an
    // answered recommendation is not answered twice.
    let r = state.store.recommendation(id).await?;
    if r.status != RecommendationStatus::Awaiting {
        let tree = UnitTree::new(&me.units);
        let answers_for = r
            .addressed_to_unit_id
            .is_some_and(|u| me.actor.may(Permission::WriteRecords, &tree.ancestry(u)));
        if !answers_for {
            return Err(AppError::Forbidden);
        }
        return already_done(&state, lang, &me, &session, None).await;
    }
    let input = AnswerInput {
        answer: opt(&answer),
        status: "answered".into(),
        version: f.get("version").trim().parse().ok(),
    };
    match giaoban_app::work::answer_recommendation(&state, &me, id, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other("/inbox?done=answered")),
        Err(e) => {
            refused(
                &state,
                lang,
                &me,
                &session,
                InboxKind::Recommendation,
                id,
                e,
                answer,
            )
            .await
        }
    }
}
