//! Directory pages: the unit list and a unit's page (with its contacts and people), creating and
//! editing units (administrators anywhere, office staff in their territory), the administrative
//! levels (administrators), the users of a territory, and the audit trail.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitId, UnitKind};
use giaoban_domain::user::{Role, UserId};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::api::{
    ContactWrite, LevelDto, LevelWrite, UnitDetailDto, UnitDto, UnitRef, UnitWrite, UserCreate,
    UserDto,
};
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;

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
#[template(path = "directory/unit_form.html")]
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
        giaoban_app::units::check(&me, &tree, UnitId(parent), Permission::ManageUnits)?;
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
        Ok(body) => giaoban_app::units::create(&state, &me, &body)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/units/{}?saved=1", u.id)).into_response()),
        Err(e) => match crate::layout::correctable(&e, lang) {
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
    giaoban_app::units::check(&me, &tree, UnitId(id), Permission::ManageUnits)?;
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
        Ok(body) => giaoban_app::units::update(&state, &me, UnitId(id), &body)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/units/{id}?saved=1")).into_response()),
        Err(e) => match crate::layout::correctable(&e, lang) {
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
#[template(path = "directory/levels.html")]
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
    match giaoban_app::levels::save_level(&state, &me, &f.code, &body)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(levels_inner(&state, lang, &me, &session, true, None)
            .await?
            .into_response()),
        Err(e) => match crate::layout::correctable(&e, lang) {
            Some((status, msg)) => Ok((
                status,
                levels_inner(&state, lang, &me, &session, false, Some(msg)).await?,
            )
                .into_response()),
            None => Err(e),
        },
    }
}

struct UnitRow {
    id: Uuid,
    name: String,
    kind: &'static str,
    kind_label: String,
    admin_code: Option<String>,
    depth: u32,
    active: bool,
}

#[derive(Template)]
#[template(path = "directory/units.html")]
struct UnitsPage {
    c: Chrome,
    rows: Vec<UnitRow>,
    history: bool,
    q: String,
    as_of: String,
    under: Option<Uuid>,
}

pub(super) async fn units_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<giaoban_app::units::UnitQuery>,
) -> Result<Html<String>, AppError> {
    let sel = giaoban_app::units::Selection::load(&state, &q).await?;
    // Today's units unless history, a day or a search is asked for: after the 2025
    // reorganisation a province's directory holds several times more ended units than living ones.
    let history = q.history.is_some()
        || q.as_of.as_deref().is_some_and(|d| !d.trim().is_empty())
        || q.q.as_deref().is_some_and(|s| !s.trim().is_empty());
    let rows = sel
        .rows(&q, lang)?
        .into_iter()
        .filter(|(d, _)| history || d.active)
        .map(|(d, u)| UnitRow {
            id: d.id,
            name: d.name,
            kind: u.kind.code(),
            kind_label: d.kind_label,
            admin_code: d.admin_code,
            depth: d.depth.min(5),
            active: d.active,
        })
        .collect();
    render(&UnitsPage {
        c: Chrome::new(lang, Some(&me), &session, "/units").await?,
        rows,
        history: q.history.is_some(),
        q: q.q.clone().unwrap_or_default(),
        as_of: q.as_of.clone().unwrap_or_default(),
        under: q.under,
    })
}

#[derive(Template)]
#[template(path = "directory/unit.html")]
struct UnitPage {
    c: Chrome,
    u: UnitDetailDto,
    merged_into: Option<UnitRef>,
    /// The other successors of a divided unit.
    divided_into: Vec<UnitRef>,
    children: Vec<UnitDto>,
    may_write: bool,
    may_manage: bool,
    users: Option<Vec<UserDto>>,
    saved: bool,
    error: Option<String>,
    /// The words of the Telegram fields.
    tx: &'static giaoban_app::channels::ChannelTexts,
}

#[derive(Deserialize)]
pub(super) struct SavedQuery {
    saved: Option<String>,
}

async fn unit_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: UnitId,
    saved: bool,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let units = state.store.units().await?;
    let today = state.today();
    let mut detail = giaoban_app::units::detail(me, &units, id, lang, today)?;
    giaoban_app::units::with_bot_flag(state, &mut detail).await?;
    let tree = UnitTree::new(&units);
    let ancestry = tree.ancestry(id);
    let children = tree
        .children(Some(id))
        .iter()
        .map(|u| UnitDto::new(u, lang, u.is_active_on(today), 0))
        .collect();
    let merged_into = tree
        .get(id)
        .and_then(|u| u.merged_into)
        .and_then(|m| tree.get(m))
        .map(|m| UnitRef {
            id: m.id.0,
            name: m.name.clone(),
        });
    let divided_into = tree
        .get(id)
        .map(|u| u.divided_into.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|d| tree.get(*d))
        .map(|d| UnitRef {
            id: d.id.0,
            name: d.name.clone(),
        })
        .collect();
    let users = if me.actor.may(Permission::ReadRecords, &ancestry) {
        Some(
            state
                .store
                .users(Some(&[id]))
                .await?
                .iter()
                .map(|u| UserDto::new(u, lang))
                .collect(),
        )
    } else {
        None
    };
    render(&UnitPage {
        c: Chrome::new(lang, Some(me), session, &format!("/units/{id}")).await?,
        may_write: me.actor.may(Permission::WriteRecords, &ancestry),
        may_manage: me.actor.may(Permission::ManageUnits, &ancestry),
        u: detail,
        merged_into,
        divided_into,
        children,
        users,
        saved,
        error,
        tx: giaoban_app::channels::channel_texts(lang),
    })
}

pub(super) async fn unit_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, AppError> {
    unit_page_inner(
        &state,
        lang,
        &me,
        &session,
        UnitId(id),
        q.saved.is_some(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct ContactForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    head_title: String,
    #[serde(default)]
    telegram_chat_id: String,
    /// Write-only: empty keeps the token set.
    #[serde(default)]
    telegram_bot_token: String,
    /// The "remove the bot token" checkbox.
    #[serde(default)]
    clear_telegram_bot_token: Option<String>,
    version: Option<i64>,
}

pub(super) async fn contact_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Form(f): Form<ContactForm>,
) -> Result<Response, AppError> {
    let body = ContactWrite {
        address: f.address,
        phone: f.phone,
        email: f.email,
        head_name: f.head_name,
        head_title: f.head_title,
        telegram_chat_id: f.telegram_chat_id,
        telegram_bot_token: Some(f.telegram_bot_token).filter(|t| !t.trim().is_empty()),
        clear_telegram_bot_token: f.clear_telegram_bot_token.is_some(),
        version: f.version,
    };
    match giaoban_app::units::save_contact(&state, &me, UnitId(id), &body)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/units/{id}?saved=1")).into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                let page =
                    unit_page_inner(&state, lang, &me, &session, UnitId(id), false, Some(msg))
                        .await?;
                Ok((status, page).into_response())
            }
            None => Err(e),
        },
    }
}

struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    title: Option<String>,
    role_label: &'static str,
    unit_id: Uuid,
    unit_name: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "directory/users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    is_admin: bool,
    roles: Vec<(&'static str, &'static str)>,
    unit_options: Vec<(Uuid, String)>,
    issued: Option<(String, String)>,
    /// The new user's form as typed (kept when it is refused) and its errors.
    typed: UserForm,
    errs: crate::form::FormErrors,
}

async fn users_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    issued: Option<(String, String)>,
    typed: UserForm,
    errs: crate::form::FormErrors,
) -> Result<Html<String>, AppError> {
    if me.user.role == Role::Member {
        return Err(AppError::Forbidden);
    }
    let users = giaoban_app::users::visible_users(state, me).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.0,
            username: u.username.to_string(),
            display_name: u.display_name,
            title: u.title,
            role_label: u.role.label(lang),
            unit_id: u.unit_id.0,
            unit_name: tree
                .get(u.unit_id)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            active: u.active,
        })
        .collect();
    let is_admin = me.user.role == Role::Admin;
    let unit_options = if is_admin {
        tree.preorder(None)
            .into_iter()
            .map(|(u, depth)| (u.id.0, format!("{}{}", "· ".repeat(depth as usize), u.name)))
            .collect()
    } else {
        vec![]
    };
    render(&UsersPage {
        c: Chrome::new(lang, Some(me), session, "/users").await?,
        rows,
        is_admin,
        roles: Role::ALL
            .iter()
            .map(|r| (r.code(), r.label(lang)))
            .collect(),
        unit_options,
        issued,
        typed,
        errs,
    })
}

pub(super) async fn users_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    users_page_inner(
        &state,
        lang,
        &me,
        &session,
        None,
        UserForm::default(),
        crate::form::FormErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
pub(super) struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit_id: String,
}

pub(super) async fn users_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    let body = UserCreate {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        title: Some(f.title.clone()).filter(|t| !t.trim().is_empty()),
        role: f.role.clone(),
        // An unknown unit is refused by the use case, with the other fields' errors.
        unit_id: Uuid::parse_str(f.unit_id.trim()).unwrap_or_default(),
    };
    match giaoban_app::users::create_user(&state, &me, &body)
        .await
        .map_err(AppError::from)
    {
        Ok((user, password)) => Ok(users_page_inner(
            &state,
            lang,
            &me,
            &session,
            Some((user.username.to_string(), password)),
            UserForm::default(),
            crate::form::FormErrors::default(),
        )
        .await?
        .into_response()),
        Err(e) => {
            crate::form::or_again(e, lang, |errs| {
                users_page_inner(&state, lang, &me, &session, None, f, errs)
            })
            .await
        }
    }
}

pub(super) async fn users_reset(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, AppError> {
    let (user, password) = giaoban_app::users::reset_password(&state, &me, UserId(id)).await?;
    users_page_inner(
        &state,
        lang,
        &me,
        &session,
        Some((user.username.to_string(), password)),
        UserForm::default(),
        crate::form::FormErrors::default(),
    )
    .await
}

struct AuditRow {
    at: String,
    /// The person's display name; the login (or `system:…`) when no user has it.
    actor: String,
    /// The login, shown second.
    actor_login: String,
    action: &'static str,
    entity: String,
    changes: String,
}

#[derive(Template)]
#[template(path = "directory/audit.html")]
struct AuditPageT {
    c: Chrome,
    rows: Vec<AuditRow>,
    next: Option<i64>,
}

/// A recorded value as officials read it: days dd/mm/yyyy, periods "quý I/2023"; other values as
/// JSON.
fn shown(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let Ok(d) = s.parse::<jiff::civil::Date>() {
                giaoban_domain::calendar::format_date_vi(d)
            } else if let Ok(ts) = s.parse::<jiff::Timestamp>() {
                ts.to_zoned_datetime(giaoban_app::vn_time_zone())
                    .strftime("%d/%m/%Y %H:%M")
                    .to_string()
            } else if let Some(p) = (s.len() > 4)
                .then(|| giaoban_domain::period::Period::parse(s).ok())
                .flatten()
            {
                p.label(Lang::Vi)
            } else {
                v.to_string()
            }
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(shown).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", shown(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => v.to_string(),
    }
}

/// A short "field: before → after" summary of what an entry changed.
fn summarize(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut parts = Vec::new();
    for (k, av) in a {
        if k == "version" {
            continue;
        }
        match b.get(k) {
            Some(bv) if bv == av => {}
            Some(bv) => parts.push(format!("{k}: {} → {}", shown(bv), shown(av))),
            None if before.is_some() => parts.push(format!("{k}: → {}", shown(av))),
            None => {}
        }
    }
    if before.is_none() && after.is_some() {
        return a
            .get("name")
            .or_else(|| a.get("username"))
            .map(|v| format!("+ {v}"))
            .unwrap_or_default();
    }
    let mut s = parts.join("; ");
    if s.chars().count() > 300 {
        s = s.chars().take(300).collect::<String>() + "…";
    }
    s
}

pub(super) async fn audit_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<giaoban_app::audit::AuditQuery>,
) -> Result<Html<String>, AppError> {
    let (entries, next) = giaoban_app::audit::page(&state, &me, &q).await?;
    let names = giaoban_app::work::display_names(&state).await?;
    let tz = giaoban_app::vn_time_zone();
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            at: e
                .at
                .to_zoned_datetime(tz.clone())
                .strftime("%d/%m/%Y %H:%M:%S")
                .to_string(),
            actor: names
                .get(&e.actor_name)
                .cloned()
                .unwrap_or_else(|| e.actor_name.clone()),
            actor_login: e.actor_name.clone(),
            action: e.action.label(lang),
            entity: format!("{} {}", e.entity, e.entity_id),
            changes: summarize(e.before.as_ref(), e.after.as_ref()),
        })
        .collect();
    render(&AuditPageT {
        c: Chrome::new(lang, Some(&me), &session, "/audit").await?,
        rows,
        next,
    })
}
