//! The pages of a session: signing in and out, the home page, changing one's password; and the
//! pages that need none (probes, the stylesheet and script, the language switch).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_app::inbox::InboxCounts;
use giaoban_domain::Lang;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::{AuthSession, ClientAddr, CurrentActor};
use crate::error::AppError;
use crate::frame::Chrome;
use crate::i18n::{LANG_COOKIE, ReqLang};
use crate::layout::{correctable, render};
use crate::state::AppState;

/// Ready when the database answers (a load balancer's probe; `/healthz` only says the process runs).
pub(super) async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            AppError::Store(e).into_response()
        }
    }
}

/// The site's one stylesheet, vendored and served from here (the CSP allows only `'self'`).
pub(super) async fn stylesheet() -> Response {
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
        include_str!("../../../static/app.css"),
    )
        .into_response()
}

/// The few scripts the pages use (the reading page's one-click spelling fixes): vendored, served
/// from here so the CSP's `script-src 'self'` allows them; every page works without them.
pub(super) async fn script() -> Response {
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
        include_str!("../../../static/app.js"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
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

pub(super) async fn switch_lang(
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

#[derive(Template)]
#[template(path = "session/home.html")]
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
    d: &'static crate::i18n::DashboardTexts,
    dash: giaoban_app::dashboard::Dashboard,
    chart: Option<super::chart::Chart>,
    /// The leader's late and missing reports by form and period (issue 25).
    reports_chart: Option<super::chart::Chart>,
    /// Where the number of late reports leads: the one board when one form is late, else the list.
    reports_late_href: String,
    /// What waits for a decision, by kind.
    inbox_chart: Option<super::chart::Chart>,
    bar_h: u32,
}

pub(super) async fn home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    let unit = state.store.unit(me.user.unit_id).await?;
    let scope = state.store.unit(me.actor.scope_root).await?;
    let c = Chrome::new(lang, Some(&me), &session, "/").await?;
    let inbox = c.user.as_ref().map(|u| u.inbox).unwrap_or_default();
    let dash = giaoban_app::dashboard::dashboard(&state, &me, lang).await?;
    let chart = dash
        .leader
        .as_ref()
        .and_then(|l| super::chart::chart(&l.units));
    let (reports_chart, reports_late_href) = match dash.leader.as_ref() {
        Some(l) => {
            let names: Vec<String> = l
                .reports
                .iter()
                .map(|r| format!("{} — {}", r.form_name, r.period_label))
                .collect();
            let rows: Vec<super::chart::BarRow<'_>> = l
                .reports
                .iter()
                .zip(&names)
                .map(|(r, name)| {
                    (
                        name.as_str(),
                        vec![
                            (r.late.count, r.late.href.as_str(), "bar-late"),
                            (r.missing.count, r.missing.href.as_str(), "bar-missing"),
                        ],
                    )
                })
                .collect();
            let late: Vec<_> = l.reports.iter().filter(|r| r.late.count > 0).collect();
            let href = match late.as_slice() {
                [one] => one.late.href.clone(),
                _ => "/reports".to_owned(),
            };
            (super::chart::stacked(&rows, super::chart::TOP), href)
        }
        None => (None, "/reports".to_owned()),
    };
    let inbox_chart = {
        let it = c.inbox_t;
        let counts = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        super::chart::stacked(
            &[
                (
                    it.kinds_extension,
                    vec![(
                        counts(inbox.extensions),
                        "/inbox#inbox-extensions",
                        "bar-pending",
                    )],
                ),
                (
                    it.kinds_report,
                    vec![(counts(inbox.reports), "/inbox#inbox-reports", "bar-pending")],
                ),
                (
                    it.kinds_notice,
                    vec![(counts(inbox.notices), "/inbox#inbox-notices", "bar-pending")],
                ),
                (
                    it.kinds_recommendation,
                    vec![(
                        counts(inbox.recommendations),
                        "/inbox#inbox-recommendations",
                        "bar-pending",
                    )],
                ),
            ],
            0,
        )
    };
    render(&HomePage {
        c,
        inbox,
        reports_chart,
        reports_late_href,
        inbox_chart,
        d: crate::i18n::dashboard_texts(lang),
        dash,
        chart,
        bar_h: super::chart::bar_height(),
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
#[template(path = "session/login.html")]
struct LoginPage {
    c: Chrome,
    error: Option<String>,
    next: String,
    username: String,
}

pub(super) async fn login_page(
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
pub(super) struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub(super) async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientAddr(client): ClientAddr,
    mut auth: AuthSession,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    match super::api::do_sign_in(
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

pub(super) async fn logout(
    State(state): State<AppState>,
    me: CurrentActor,
    mut auth: AuthSession,
) -> Result<Response, AppError> {
    super::api::do_sign_out(&state, &me, &mut auth).await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template)]
#[template(path = "session/password.html")]
struct PasswordPage {
    c: Chrome,
    must_change: bool,
    done: bool,
    error: Option<String>,
}

pub(super) async fn password_page(
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
pub(super) struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

pub(super) async fn password_submit(
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
        super::api::do_change_password(&state, &me, &mut auth, &f.current_password, &f.new_password)
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
