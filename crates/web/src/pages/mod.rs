//! Server-rendered pages, Vietnamese first. Each page has its JSON twin under `/api/v1`; both call the
//! same functions, so a rule holds the same way whichever door a request comes through.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::{Role, UserId};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::AppState;
use crate::api::{self, ContactWrite, UnitDetailDto, UnitDto, UserCreate, UserDto};
use crate::auth::{AuthSession, ClientAddr, CurrentActor};
use crate::csrf;
use crate::error::{AppError, ErrorInfo};
use crate::i18n::{InboxTexts, LANG_COOKIE, ReqLang, Texts, inbox_texts, texts};
use crate::inbox::InboxCounts;

mod directory;
mod extract;
mod inbox;
mod ocop;
mod period_reports;
mod programmes;
mod reports;
mod spelling;
mod work;

/// What every page's frame needs.
pub struct Chrome {
    pub t: &'static Texts,
    /// The texts of the inbox (its menu entry, its page, the home page's block).
    pub inbox_t: &'static InboxTexts,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub path: String,
}

pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub may_list_users: bool,
    pub may_audit: bool,
    /// What waits for the user (the menu's badge, the home page's block).
    pub inbox: InboxCounts,
}

impl Chrome {
    async fn new(
        lang: Lang,
        me: Option<&CurrentActor>,
        session: &Session,
        path: &str,
    ) -> Result<Chrome, AppError> {
        let user = match me {
            Some(m) => Some(NavUser {
                display_name: m.user.display_name.clone(),
                role_label: m.user.role.label(lang),
                may_list_users: m.user.role != Role::Member,
                may_audit: m.user.role != Role::Member,
                inbox: crate::inbox::inbox_count(&m.store, m).await?,
            }),
            None => None,
        };
        Ok(Chrome {
            t: texts(lang),
            inbox_t: inbox_texts(lang),
            user,
            csrf: csrf::token(session).await?,
            path: path.to_owned(),
        })
    }
}

/// For errors a person can mend on the form they sent (invalid input, a clash with stored data): the
/// status and the message to show with the form again. Other errors go to the error page.
fn correctable(e: &AppError, lang: Lang) -> Option<(StatusCode, String)> {
    use giaoban_storage::StoreError;
    match e {
        AppError::Invalid(_)
        | AppError::Store(StoreError::Conflict(_) | StoreError::Invalid(_)) => {
            let info = e.info();
            Some((info.status, lang.pick(&info.vi, &info.en).to_owned()))
        }
        _ => None,
    }
}

fn render(t: &impl Template) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// Pages that need a session (the session and CSRF layers apply).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/units", get(units_page))
        .route(
            "/units/new",
            get(directory::new_unit_page).post(directory::new_unit_submit),
        )
        .route("/units/{id}", get(unit_page))
        .route(
            "/units/{id}/edit",
            get(directory::edit_unit_page).post(directory::edit_unit_submit),
        )
        .route(
            "/levels",
            get(directory::levels_page).post(directory::levels_submit),
        )
        .route("/units/{id}/contact", post(contact_submit))
        .route(
            "/account/password",
            get(password_page).post(password_submit),
        )
        .route("/users", get(users_page).post(users_create))
        .route("/users/{id}/reset-password", post(users_reset))
        .route("/audit", get(audit_page))
        .route(
            "/extract",
            get(extract::extract_page).post(extract::extract_submit),
        )
        .route("/extract/confirm", post(extract::confirm_submit))
        .route("/meetings", get(work::meetings_page))
        .route(
            "/meetings/new",
            get(work::new_meeting_page).post(work::new_meeting_submit),
        )
        .route("/meetings/{id}", get(work::meeting_page))
        .route(
            "/meetings/{id}/edit",
            get(work::edit_meeting_page).post(work::edit_meeting_submit),
        )
        .route(
            "/meetings/{id}/conclusions/new",
            get(work::new_conclusion_page).post(work::new_conclusion_submit),
        )
        .route(
            "/recommendations",
            get(work::recommendations_page).post(work::recommendation_submit),
        )
        .route("/recommendations/{id}/answer", post(work::answer_submit))
        .route("/conclusions/{id}", get(work::conclusion_page))
        .route(
            "/conclusions/{id}/edit",
            get(work::edit_conclusion_page).post(work::edit_conclusion_submit),
        )
        .route("/conclusions/{id}/issue", post(work::issue_submit))
        .route(
            "/conclusions/{id}/spelling",
            post(spelling::notice_fix_submit),
        )
        .route("/tasks", get(work::tasks_page).post(work::new_task_submit))
        .route(
            "/tasks/new",
            get(work::new_task_page).post(work::new_task_submit),
        )
        .route("/tasks/{id}", get(work::task_page))
        .route("/tasks/{id}/progress", post(work::progress_submit))
        .route("/tasks/{id}/extension", post(work::extension_submit))
        .route(
            "/tasks/{id}/extension/decision",
            post(work::decision_submit),
        )
        .route("/tasks/{id}/action", post(work::action_submit))
        .route("/board", get(work::board_page))
        .route("/inbox", get(inbox::inbox_page))
        .route("/inbox/extensions/{id}", post(inbox::extension_submit))
        .route("/inbox/reports/{id}", post(inbox::report_submit))
        .route(
            "/inbox/recommendations/{id}/answer",
            post(inbox::answer_submit),
        )
        .route("/notifications", get(work::notifications_page))
        .route("/notifications/read", post(work::messages_read_submit))
        .route("/deliveries/{id}/retry", post(work::delivery_retry_submit))
        .route("/calendar", get(work::calendar_page))
        .route("/calendar/token", post(work::calendar_token_submit))
        .route("/reports", get(reports::reports_page))
        .route("/reports/{form}", get(reports::pick_period))
        .route("/reports/{form}/{period}", get(reports::board_page))
        .route(
            "/reports/{form}/{period}/upload",
            post(reports::upload_submit),
        )
        .route(
            "/reports/{form}/{period}/{unit}",
            get(reports::entry_page).post(reports::entry_submit),
        )
        .route("/rollups", get(reports::rollups_page))
        .route(
            "/period-reports",
            get(period_reports::list_page).post(period_reports::create_submit),
        )
        .route(
            "/period-reports/{id}",
            get(period_reports::report_page).post(period_reports::edit_submit),
        )
        .route(
            "/period-reports/{id}/regenerate",
            post(period_reports::regenerate_submit),
        )
        .route(
            "/targets",
            get(reports::targets_page).post(reports::targets_submit),
        )
        .route(
            "/indicators",
            get(reports::indicators_page).post(reports::indicators_submit),
        )
        .merge(programmes::router())
        .merge(ocop::router())
}

/// Pages and probes that need no session.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/lang/{code}", get(switch_lang))
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            AppError::Store(e).into_response()
        }
    }
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// The few scripts the pages use (the reading page's one-click spelling fixes): vendored, served
/// from here so the CSP's `script-src 'self'` allows them; every page works without them.
async fn script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site are followed after sign-in or a language switch (no open redirect),
/// and only in a form that is a valid `Location`: a path with no control character, white space or
/// backslash (browsers drop tabs and line breaks, so "/\t/evil" would become "//evil", and read
/// "\" as "/"), not starting "//", that resolves against this site to this site. It is returned
/// as the URL parser writes it (non-ASCII percent-encoded). Anything else is "/".
pub fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "http://giaoban.invalid/";
    let local = |n: &str| -> Option<String> {
        if !n.starts_with('/')
            || n.starts_with("//")
            || n.len() > 2048
            || n.chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return None;
        }
        let base = url::Url::parse(BASE).ok()?;
        let joined = base.join(n).ok()?;
        if joined.origin() != base.origin() {
            return None;
        }
        let mut out = joined.path().to_owned();
        if let Some(q) = joined.query() {
            out.push('?');
            out.push_str(q);
        }
        if let Some(f) = joined.fragment() {
            out.push('#');
            out.push_str(f);
        }
        // The Location header takes it as it is.
        (out.starts_with('/') && !out.starts_with("//") && HeaderValue::from_str(&out).is_ok())
            .then_some(out)
    };
    next.and_then(local).unwrap_or_else(|| "/".to_owned())
}

async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// Renders the error page (called by the error middleware, which knows no session: a bare frame).
pub fn error_page(lang: Lang, status: StatusCode, message: &str, info: &ErrorInfo) -> String {
    #[derive(Template)]
    #[template(path = "error.html")]
    struct ErrorPage<'a> {
        c: Chrome,
        status: u16,
        message: &'a str,
        fields: Vec<String>,
    }
    let page = ErrorPage {
        c: Chrome {
            t: texts(lang),
            inbox_t: inbox_texts(lang),
            user: None,
            csrf: String::new(),
            path: "/".into(),
        },
        status: status.as_u16(),
        message,
        fields: if info.fields.len() > 1 {
            info.fields
                .iter()
                .map(|f| lang.pick(&f.vi, &f.en).to_owned())
                .collect()
        } else {
            vec![]
        },
    };
    page.render().unwrap_or_else(|_| message.to_owned())
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    display_name: String,
    role_label: &'static str,
    must_change_password: bool,
    unit_id: Uuid,
    unit_name: String,
    scope_id: Uuid,
    scope_name: String,
    inbox: InboxCounts,
}

async fn home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    let unit = state.store.unit(me.user.unit_id).await?;
    let scope = state.store.unit(me.actor.scope_root).await?;
    let c = Chrome::new(lang, Some(&me), &session, "/").await?;
    let inbox = c.user.as_ref().map(|u| u.inbox).unwrap_or_default();
    render(&HomePage {
        c,
        inbox,
        display_name: me.user.display_name.clone(),
        role_label: me.user.role.label(lang),
        must_change_password: me.user.must_change_password,
        unit_id: unit.id.0,
        unit_name: unit.name,
        scope_id: scope.id.0,
        scope_name: scope.name,
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: Option<String>,
    next: String,
    username: String,
}

async fn login_page(
    ReqLang(lang): ReqLang,
    auth: AuthSession,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if auth.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    Ok(render(&LoginPage {
        c: Chrome::new(lang, None, &session, "/login").await?,
        error: None,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientAddr(client): ClientAddr,
    mut auth: AuthSession,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    match api::session_sign_in(
        &state,
        &mut auth,
        &session,
        client,
        &f.username,
        &f.password,
    )
    .await
    {
        Ok(user) => {
            let to = if user.user.must_change_password {
                "/account/password".to_owned()
            } else {
                safe_next(f.next.as_deref())
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::BadCredentials | AppError::TooManyAttempts { .. } | AppError::Busy)) => {
            let info = e.info();
            let page = render(&LoginPage {
                c: Chrome::new(lang, None, &session, "/login").await?,
                error: Some(lang.pick(&info.vi, &info.en).to_owned()),
                next: safe_next(f.next.as_deref()),
                username: f.username.chars().take(64).collect(),
            })?;
            Ok((info.status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn logout(
    State(state): State<AppState>,
    me: CurrentActor,
    mut auth: AuthSession,
) -> Result<Response, AppError> {
    api::session_sign_out(&state, &me, &mut auth).await?;
    Ok(Redirect::to("/login").into_response())
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
#[template(path = "units.html")]
struct UnitsPage {
    c: Chrome,
    rows: Vec<UnitRow>,
    q: String,
    as_of: String,
    under: Option<Uuid>,
}

async fn units_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<api::UnitQuery>,
) -> Result<Html<String>, AppError> {
    let sel = api::Selection::load(&state, &q).await?;
    let rows = sel
        .rows(&q, lang)?
        .into_iter()
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
        q: q.q.clone().unwrap_or_default(),
        as_of: q.as_of.clone().unwrap_or_default(),
        under: q.under,
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    u: UnitDetailDto,
    merged_into: Option<api::UnitRef>,
    children: Vec<UnitDto>,
    may_write: bool,
    may_manage: bool,
    users: Option<Vec<UserDto>>,
    saved: bool,
    error: Option<String>,
    /// The words of the Telegram fields.
    tx: &'static crate::channels::ChannelTexts,
}

#[derive(Deserialize)]
struct SavedQuery {
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
    let mut detail = api::unit_detail(me, &units, id, lang)?;
    api::with_bot_flag(state, &mut detail).await?;
    let tree = UnitTree::new(&units);
    let ancestry = tree.ancestry(id);
    let today = crate::today();
    let children = tree
        .children(Some(id))
        .iter()
        .map(|u| UnitDto::new(u, lang, u.is_active_on(today), 0))
        .collect();
    let merged_into = tree
        .get(id)
        .and_then(|u| u.merged_into)
        .and_then(|m| tree.get(m))
        .map(|m| api::UnitRef {
            id: m.id.0,
            name: m.name.clone(),
        });
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
        children,
        users,
        saved,
        error,
        tx: crate::channels::channel_texts(lang),
    })
}

async fn unit_page(
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
struct ContactForm {
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

async fn contact_submit(
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
    match api::save_contact(&state, &me, UnitId(id), &body).await {
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

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    must_change: bool,
    done: bool,
    error: Option<String>,
}

async fn password_page(
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    render(&PasswordPage {
        c: Chrome::new(lang, Some(&me), &session, "/account/password").await?,
        must_change: me.user.must_change_password,
        done: false,
        error: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

async fn password_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    mut auth: AuthSession,
    session: Session,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let result = if f.new_password != f.repeat_password {
        Err(AppError::Invalid(
            giaoban_domain::unit::Invalid::new(
                "repeat_password",
                "password.mismatch",
                "Hai lần nhập mật khẩu mới không khớp nhau.",
                "The two new passwords do not match.",
            )
            .into(),
        ))
    } else {
        api::session_change_password(&state, &me, &mut auth, &f.current_password, &f.new_password)
            .await
    };
    let (status, done, error) = match result {
        Ok(()) => (StatusCode::OK, true, None),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => (status, false, Some(msg)),
            None => return Err(e),
        },
    };
    let page = render(&PasswordPage {
        c: Chrome::new(lang, Some(&me), &session, "/account/password").await?,
        must_change: me.user.must_change_password && !done,
        done,
        error,
    })?;
    Ok((status, page).into_response())
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
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    is_admin: bool,
    roles: Vec<(&'static str, &'static str)>,
    unit_options: Vec<(Uuid, String)>,
    issued: Option<(String, String)>,
    error: Option<String>,
}

async fn users_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    issued: Option<(String, String)>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    if me.user.role == Role::Member {
        return Err(AppError::Forbidden);
    }
    let users = api::visible_users(state, me).await?;
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
        error,
    })
}

async fn users_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    users_page_inner(&state, lang, &me, &session, None, None).await
}

#[derive(Deserialize)]
struct UserForm {
    username: String,
    display_name: String,
    #[serde(default)]
    title: String,
    role: String,
    unit_id: Uuid,
}

async fn users_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    let body = UserCreate {
        username: f.username,
        display_name: f.display_name,
        title: Some(f.title).filter(|t| !t.trim().is_empty()),
        role: f.role,
        unit_id: f.unit_id,
    };
    match api::create_user_with_password(&state, &me, &body).await {
        Ok((user, password)) => Ok(users_page_inner(
            &state,
            lang,
            &me,
            &session,
            Some((user.username.to_string(), password)),
            None,
        )
        .await?
        .into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                let page = users_page_inner(&state, lang, &me, &session, None, Some(msg)).await?;
                Ok((status, page).into_response())
            }
            None => Err(e),
        },
    }
}

async fn users_reset(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, AppError> {
    let (user, password) = api::reset_user_password(&state, &me, UserId(id)).await?;
    users_page_inner(
        &state,
        lang,
        &me,
        &session,
        Some((user.username.to_string(), password)),
        None,
    )
    .await
}

struct AuditRow {
    at: String,
    actor: String,
    action: &'static str,
    entity: String,
    changes: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPageT {
    c: Chrome,
    rows: Vec<AuditRow>,
    next: Option<i64>,
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
            Some(bv) => parts.push(format!("{k}: {bv} → {av}")),
            None if before.is_some() => parts.push(format!("{k}: → {av}")),
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

async fn audit_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<api::AuditQuery>,
) -> Result<Html<String>, AppError> {
    let (entries, next) = api::audit_page(&state, &me, &q).await?;
    let tz = crate::vn_time_zone();
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            at: e
                .at
                .to_zoned_datetime(tz.clone())
                .strftime("%d/%m/%Y %H:%M:%S")
                .to_string(),
            actor: e.actor_name.clone(),
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
