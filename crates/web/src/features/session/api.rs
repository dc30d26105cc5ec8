//! Sign-in, sign-out, the current session and the user's own password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::user::check_new_password;
use giaoban_storage::audit::NewAudit;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, PasswordChange, SessionDto, SignIn, UserDto};
use crate::auth::{AuthSession, ClientAddr, Credentials, CurrentActor, parse_username};
use crate::csrf;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_domain::user::PASSWORD_MAX_CHARS;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current, sign_out))
        .routes(routes!(change_password))
        .routes(routes!(dashboard))
}

/// Trang chủ theo vai trò: the caller's numbers (a leader's tasks by unit and reports late or
/// missing, the office's notices to issue and inbox, a member's tasks and reports), each with the
/// link of its list, at the server's clock.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "session",
    responses((status = 200, body = giaoban_app::dashboard::Dashboard), (status = 401, body = crate::api::ErrorBody)))]
async fn dashboard(
    axum::extract::State(state): axum::extract::State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<axum::Json<giaoban_app::dashboard::Dashboard>, AppError> {
    Ok(axum::Json(
        giaoban_app::dashboard::dashboard(&state, &me, lang).await?,
    ))
}

/// Checks credentials with the throttle and records the outcome; used by the API and the page.
/// A name that cannot be a username and an over-long password are refused before anything is
/// hashed or kept; every other attempt reserves its place in the throttle before the password is
/// checked (see [`crate::auth::SignInThrottle`]).
pub async fn do_sign_in(
    state: &AppState,
    auth: &mut AuthSession,
    session: &Session,
    client: std::net::IpAddr,
    username: &str,
    password: &str,
) -> Result<crate::auth::SessionUser, AppError> {
    use axum_login::AuthnBackend;
    let name = parse_username(username);
    let attempt = match &name {
        Some(name) if password.chars().count() <= PASSWORD_MAX_CHARS => Some(
            state
                .throttle
                .reserve(name, client)
                .map_err(|r| AppError::TooManyAttempts { minutes: r.minutes })?,
        ),
        _ => None,
    };
    let found = match attempt {
        Some(_) => auth
            .backend
            .authenticate(Credentials {
                username: username.to_owned(),
                password: password.to_owned(),
            })
            .await
            .map_err(|e| match e {
                crate::auth::BackendError::Busy => AppError::Busy,
                other => AppError::session("authenticate", other),
            })?,
        None => None,
    };
    let Some(user) = found else {
        if let Some(a) = attempt {
            a.failed();
        }
        // Only a well-formed name is written to the log: it is the target, not a secret.
        let name = name.map_or_else(|| "<invalid>".to_owned(), |u| u.to_string());
        state
            .store
            .record_event(&NewAudit {
                actor: &AuditActor {
                    user_id: None,
                    name: name.clone(),
                },
                action: AuditAction::SignInFailed,
                entity: "session",
                entity_id: name,
                unit_id: None,
                before: None,
                after: None,
            })
            .await?;
        return Err(AppError::BadCredentials);
    };
    if let Some(a) = attempt {
        a.succeeded();
    }
    // login() cycles the session id: a session id seen before sign-in is worthless after it.
    auth.login(&user)
        .await
        .map_err(|e| AppError::session("login", e))?;
    csrf::rotate(session).await?;
    state
        .store
        .record_event(&NewAudit {
            actor: &AuditActor::user(user.user.id, user.user.username.as_str()),
            action: AuditAction::SignIn,
            entity: "session",
            entity_id: user.user.username.to_string(),
            unit_id: Some(user.user.unit_id),
            before: None,
            after: None,
        })
        .await?;
    // Saved here as well as by the session layer after the response: a failure to write it (a
    // full disk) then answers 503 with the database's message like every other write, where the
    // layer could only answer 500 (it does not save after a 5xx, so nothing is written twice).
    session
        .save()
        .await
        .map_err(|e| AppError::session("save", e))?;
    Ok(user)
}

/// Đăng nhập. Sign in with username and password; returns the user and the CSRF token.
#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body = SignIn,
    responses(
        (status = 200, body = SessionDto),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, description = "Wrong username or password (which one is not said)", body = crate::api::ErrorBody),
        (status = 429, description = "Too many failed attempts (from this address, on this account, or the account's back-off)", body = crate::api::ErrorBody),
        (status = 503, description = "Too many password checks waiting; try again after Retry-After", body = crate::api::ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientAddr(client): ClientAddr,
    mut auth: AuthSession,
    session: Session,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Json<SessionDto>, AppError> {
    let user = do_sign_in(
        &state,
        &mut auth,
        &session,
        client,
        &body.username,
        &body.password,
    )
    .await?;
    let ancestry = state.store.ancestry(user.user.unit_id).await?;
    let root =
        giaoban_domain::access::scope_root(user.user.role, &ancestry).ok_or(AppError::Forbidden)?;
    Ok(Json(SessionDto {
        user: UserDto::new(&user.user, lang),
        csrf_token: csrf::token(&session).await?,
        scope_root: root.0,
    }))
}

/// Phiên hiện tại. The signed-in user and the CSRF token.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionDto), (status = 401, body = crate::api::ErrorBody)))]
async fn current(
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Json<SessionDto>, AppError> {
    Ok(Json(SessionDto {
        user: UserDto::new(&me.user, lang),
        csrf_token: csrf::token(&session).await?,
        scope_root: me.actor.scope_root.0,
    }))
}

/// Đăng xuất. Ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    me: CurrentActor,
    mut auth: AuthSession,
) -> Result<StatusCode, AppError> {
    do_sign_out(&state, &me, &mut auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn do_sign_out(
    state: &AppState,
    me: &CurrentActor,
    auth: &mut AuthSession,
) -> Result<(), AppError> {
    auth.logout()
        .await
        .map_err(|e| AppError::session("logout", e))?;
    state
        .store
        .record_event(&NewAudit {
            actor: &me.audit(),
            action: AuditAction::SignOut,
            entity: "session",
            entity_id: me.user.username.to_string(),
            unit_id: Some(me.user.unit_id),
            before: None,
            after: None,
        })
        .await?;
    Ok(())
}

/// Checks the current password and stores the new one; the current session stays signed in, every
/// other session of the user ends (sessions are bound to the password hash).
pub async fn do_change_password(
    state: &AppState,
    me: &CurrentActor,
    auth: &mut AuthSession,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let hash = state.store.password_hash(me.user.id).await?;
    let ok = state.passwords.verify(current.to_owned(), hash).await?;
    if !ok {
        return Err(AppError::Invalid(
            giaoban_domain::unit::Invalid::new(
                "current_password",
                "password.current_wrong",
                "Mật khẩu hiện tại không đúng.",
                "The current password is wrong.",
            )
            .into(),
        ));
    }
    check_new_password(new, me.user.username.as_str())?;
    let new_hash = state.passwords.hash(new.to_owned()).await?;
    state
        .store
        .set_password(&me.audit(), me.user.id, &new_hash, false)
        .await?;
    // Re-login so this session carries the new password hash and stays valid.
    let refreshed = auth
        .backend
        .clone()
        .get_user_public(me.user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    auth.login(&refreshed)
        .await
        .map_err(|e| AppError::session("login", e))?;
    Ok(())
}

/// Đổi mật khẩu. Change one's own password.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session",
    request_body = PasswordChange,
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    me: CurrentActor,
    mut auth: AuthSession,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    do_change_password(
        &state,
        &me,
        &mut auth,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
