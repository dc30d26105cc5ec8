//! Directory pages for those who maintain it: creating and editing units (administrators anywhere,
//! office staff in their territory) and the administrative levels (administrators).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitId, UnitKind};
use giaoban_domain::user::Role;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{Chrome, render};
use crate::AppState;
use crate::api::{self, LevelDto, LevelWrite, UnitWrite};
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;

/// The unit form as typed (lists one per line), kept to show it again with its errors.
#[derive(Deserialize, Default, Clone)]
pub struct UnitForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    abbreviations: String,
    #[serde(default)]
    admin_code: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    active_from: String,
    #[serde(default)]
    active_to: String,
    #[serde(default)]
    merged_into: String,
    #[serde(default)]
    note: String,
    version: Option<i64>,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn opt_id(field: &'static str, s: &str) -> Result<Option<Uuid>, AppError> {
    match opt(s) {
        None => Ok(None),
        Some(v) => Uuid::parse_str(&v).map(Some).map_err(|_| {
            giaoban_domain::unit::Invalid::new(
                field,
                "unit.id_invalid",
                "Mã định danh đơn vị không hợp lệ.",
                "The unit identifier is not valid.",
            )
            .into()
        }),
    }
}

impl UnitForm {
    fn body(&self, key: Option<String>) -> Result<UnitWrite, AppError> {
        Ok(UnitWrite {
            key,
            kind: self.kind.clone(),
            level: self.level.clone(),
            name: self.name.clone(),
            short_name: opt(&self.short_name),
            aliases: lines(&self.aliases),
            abbreviations: lines(&self.abbreviations),
            admin_code: opt(&self.admin_code),
            parent_id: opt_id("parent_id", &self.parent_id)?,
            active_from: opt(&self.active_from),
            active_to: opt(&self.active_to),
            merged_into: opt_id("merged_into", &self.merged_into)?,
            note: opt(&self.note),
            version: self.version,
        })
    }

    fn of(u: &Unit) -> UnitForm {
        UnitForm {
            kind: u.kind.code().into(),
            level: u.level.as_str().into(),
            name: u.name.clone(),
            short_name: u.short_name.clone().unwrap_or_default(),
            aliases: u.aliases.join("\n"),
            abbreviations: u.abbreviations.join("\n"),
            admin_code: u.admin_code.clone().unwrap_or_default(),
            parent_id: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            active_from: u.active_from.map(|d| d.to_string()).unwrap_or_default(),
            active_to: u.active_to.map(|d| d.to_string()).unwrap_or_default(),
            merged_into: u.merged_into.map(|p| p.to_string()).unwrap_or_default(),
            note: u.note.clone().unwrap_or_default(),
            version: Some(u.version),
        }
    }
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitFormPage {
    c: Chrome,
    heading: &'static str,
    action: String,
    f: UnitForm,
    version: Option<i64>,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(String, String)>,
    parents: Vec<(String, String)>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    editing: Option<UnitId>,
    f: UnitForm,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    // Only places the person may put a unit, and never the unit itself or under itself.
    let parents = tree
        .preorder(None)
        .into_iter()
        .filter(|(u, _)| me.actor.may(Permission::ManageUnits, &tree.ancestry(u.id)))
        .filter(|(u, _)| editing.is_none_or(|e| !tree.ancestry(u.id).contains(&e)))
        .map(|(u, depth)| {
            (
                u.id.to_string(),
                format!("{}{}", "· ".repeat(depth as usize), u.name),
            )
        })
        .collect();
    let levels = state
        .store
        .levels()
        .await?
        .iter()
        .map(|l| (l.code.as_str().to_owned(), l.name(lang).to_owned()))
        .collect();
    let t = crate::i18n::texts(lang);
    let (heading, action) = match editing {
        Some(id) => (t.edit_unit, format!("/units/{id}/edit")),
        None => (t.new_unit, "/units/new".to_owned()),
    };
    render(&UnitFormPage {
        c: Chrome::new(lang, Some(me), session, &action).await?,
        heading,
        action,
        version: f.version,
        f,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect(),
        levels,
        parents,
        error,
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<Uuid>,
}

pub async fn new_unit_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    let mut f = UnitForm::default();
    if let Some(parent) = q.parent {
        let units = state.store.units().await?;
        let tree = UnitTree::new(&units);
        api::check_unit(&me, &tree, UnitId(parent), Permission::ManageUnits)?;
        if let Some(p) = tree.get(UnitId(parent)) {
            f.parent_id = p.id.to_string();
            f.level = p.level.as_str().to_owned();
        }
    } else if me.user.role != Role::Admin && me.user.role != Role::Office {
        return Err(AppError::Forbidden);
    }
    form_page(&state, lang, &me, &session, None, f, None).await
}

pub async fn new_unit_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    let result = match f.body(None) {
        Ok(body) => api::create_unit(&state, &me, &body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/units/{}?saved=1", u.id)).into_response()),
        Err(e) => match super::correctable(&e, lang) {
            Some((status, msg)) => Ok((
                status,
                form_page(&state, lang, &me, &session, None, f, Some(msg)).await?,
            )
                .into_response()),
            None => Err(e),
        },
    }
}

pub async fn edit_unit_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, AppError> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    api::check_unit(&me, &tree, UnitId(id), Permission::ManageUnits)?;
    let unit = tree.get(UnitId(id)).ok_or(AppError::NotFound)?;
    form_page(
        &state,
        lang,
        &me,
        &session,
        Some(UnitId(id)),
        UnitForm::of(unit),
        None,
    )
    .await
}

pub async fn edit_unit_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    // The key is not on the form: keep the stored one.
    let key = state.store.unit(UnitId(id)).await?.key;
    let result = match f.body(key) {
        Ok(body) => api::update_unit(&state, &me, UnitId(id), &body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/units/{id}?saved=1")).into_response()),
        Err(e) => match super::correctable(&e, lang) {
            Some((status, msg)) => Ok((
                status,
                form_page(&state, lang, &me, &session, Some(UnitId(id)), f, Some(msg)).await?,
            )
                .into_response()),
            None => Err(e),
        },
    }
}

#[derive(Template)]
#[template(path = "levels.html")]
struct LevelsPage {
    c: Chrome,
    rows: Vec<LevelDto>,
    is_admin: bool,
    saved: bool,
    error: Option<String>,
}

async fn levels_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    saved: bool,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let rows = state
        .store
        .levels()
        .await?
        .iter()
        .map(|l| LevelDto::new(l, lang))
        .collect();
    render(&LevelsPage {
        c: Chrome::new(lang, Some(me), session, "/levels").await?,
        rows,
        is_admin: me.user.role == Role::Admin,
        saved,
        error,
    })
}

pub async fn levels_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    levels_inner(&state, lang, &me, &session, false, None).await
}

#[derive(Deserialize)]
pub struct LevelForm {
    code: String,
    rank: String,
    name_vi: String,
    name_en: String,
    #[serde(default)]
    active_from: String,
    #[serde(default)]
    active_to: String,
}

pub async fn levels_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<LevelForm>,
) -> Result<Response, AppError> {
    let rank = f.rank.trim().parse::<i64>().unwrap_or(0);
    let body = LevelWrite {
        rank,
        name_vi: f.name_vi,
        name_en: f.name_en,
        active_from: opt(&f.active_from),
        active_to: opt(&f.active_to),
    };
    match api::save_level(&state, &me, &f.code, &body).await {
        Ok(_) => Ok(levels_inner(&state, lang, &me, &session, true, None)
            .await?
            .into_response()),
        Err(e) => match super::correctable(&e, lang) {
            Some((status, msg)) => Ok((
                status,
                levels_inner(&state, lang, &me, &session, false, Some(msg)).await?,
            )
                .into_response()),
            None => Err(e),
        },
    }
}
