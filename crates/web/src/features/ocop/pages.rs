//! The OCOP page: products with their stars and expiry, the ones expiring soon, producers,
//! support payments, and a form to add a producer. The rules live in [`giaoban_app::ocop`].

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::ocop::{PRODUCER_KINDS, ProducerInput};
use giaoban_domain::tree::UnitTree;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, Opt};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;
use giaoban_app::ocop::{self, OcopOverview};

#[derive(Template)]
#[template(path = "ocop/ocop.html")]
struct OcopPage {
    c: Chrome,
    vi: bool,
    o: OcopOverview,
    writable: Vec<Opt>,
    kinds: Vec<Opt>,
    error: Option<String>,
}

async fn inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    error: Option<String>,
) -> Result<Response, AppError> {
    let o = ocop::overview(state, me, lang).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let mut writable: Vec<Opt> = units
        .iter()
        .filter(|u| u.kind.is_commune_level() && u.active_to.is_none())
        .filter(|u| me.actor.may(Permission::WriteRecords, &tree.ancestry(u.id)))
        .map(|u| Opt {
            value: u.id.to_string(),
            label: u.name.clone(),
            selected: false,
        })
        .collect();
    writable.sort_by(|a, b| a.label.cmp(&b.label));
    let kinds = PRODUCER_KINDS
        .iter()
        .map(|(c, vi, en)| Opt {
            value: (*c).into(),
            label: lang.pick(vi, en).into(),
            selected: false,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = OcopPage {
        c: Chrome::new(lang, Some(me), session, "/ocop").await?,
        vi: lang == Lang::Vi,
        o,
        writable,
        kinds,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn ocop_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Response, AppError> {
    inner(&state, lang, &me, &session, None).await
}

pub async fn producer_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let Ok(commune_id) = Uuid::parse_str(f.get("commune_id").trim()) else {
        let msg = lang.pick("Hãy chọn xã.", "Choose a commune.").to_owned();
        return inner(&state, lang, &me, &session, Some(msg)).await;
    };
    let input = ProducerInput {
        commune_id,
        name: f.get("name"),
        kind: Some(f.get("kind")),
    };
    match ocop::create_producer(&state, &me, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to("/ocop").into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((_, msg)) => inner(&state, lang, &me, &session, Some(msg)).await,
            None => Err(e),
        },
    }
}
