//! Users: administrators create them and reset passwords; leaders and office staff see the users of
//! their territory; everyone sees themselves.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::{NewUser, Role, User, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{ApiJson, UserCreate, UserDto, UserList, UserWithPassword, require_admin};
use crate::AppState;
use crate::auth::{CurrentActor, generate_password};
use crate::error::AppError;
use crate::i18n::ReqLang;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(reset_password))
}

/// The users the actor may see: all for administrators, their territory's for leaders and office
/// staff, themselves for members.
pub async fn visible_users(state: &AppState, me: &CurrentActor) -> Result<Vec<User>, AppError> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let users = state.store.users(None).await?;
    Ok(users
        .into_iter()
        .filter(|u| {
            u.id == me.user.id
                || me
                    .actor
                    .may(Permission::ReadRecords, &tree.ancestry(u.unit_id))
        })
        .filter(|u| me.user.role != Role::Member || u.id == me.user.id)
        .collect())
}

/// Danh sách người dùng.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = UserList), (status = 401, body = super::ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<UserList>, AppError> {
    let users = visible_users(&state, &me).await?;
    Ok(Json(UserList {
        items: users.iter().map(|u| UserDto::new(u, lang)).collect(),
    }))
}

/// Creates a user with a one-time password (administrators).
pub async fn do_create_user(
    state: &AppState,
    me: &CurrentActor,
    body: &UserCreate,
) -> Result<(User, String), AppError> {
    require_admin(me.user.role)?;
    let unit = UnitId(body.unit_id);
    if state.store.ancestry(unit).await?.is_empty() {
        return Err(AppError::Invalid(
            giaoban_domain::unit::Invalid::new(
                "unit_id",
                "user.unit_unknown",
                "Đơn vị của người dùng không tồn tại.",
                "The user's unit does not exist.",
            )
            .into(),
        ));
    }
    let new = NewUser::parse(
        &body.username,
        &body.display_name,
        body.title.as_deref(),
        &body.role,
        unit,
    )?;
    let password = generate_password()?;
    let hash = state.passwords.hash(password.clone()).await?;
    let user = state
        .store
        .create_user(&me.audit(), &new, &hash, true)
        .await?;
    Ok((user, password))
}

/// Tạo người dùng. Returns the one-time password once.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserWithPassword), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(body): ApiJson<UserCreate>,
) -> Result<(StatusCode, Json<UserWithPassword>), AppError> {
    let (user, password) = do_create_user(&state, &me, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserWithPassword {
            user: UserDto::new(&user, lang),
            one_time_password: password,
        }),
    ))
}

/// Một người dùng.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = UserDto), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserDto>, AppError> {
    let user = state.store.user(UserId(id)).await?;
    if user.id != me.user.id {
        // Members see only themselves, even among their unit's colleagues.
        if me.user.role == Role::Member {
            return Err(AppError::Forbidden);
        }
        me.require(&state.store, Permission::ReadRecords, user.unit_id)
            .await?;
    }
    Ok(Json(UserDto::new(&user, lang)))
}

/// Resets a password to a new one-time password (administrators).
pub async fn do_reset_password(
    state: &AppState,
    me: &CurrentActor,
    id: UserId,
) -> Result<(User, String), AppError> {
    require_admin(me.user.role)?;
    let password = generate_password()?;
    let hash = state.passwords.hash(password.clone()).await?;
    let user = state
        .store
        .set_password(&me.audit(), id, &hash, true)
        .await?;
    Ok((user, password))
}

/// Cấp lại mật khẩu. Returns a new one-time password once; the user's sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = UserWithPassword), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserWithPassword>, AppError> {
    let (user, password) = do_reset_password(&state, &me, UserId(id)).await?;
    Ok(Json(UserWithPassword {
        user: UserDto::new(&user, lang),
        one_time_password: password,
    }))
}
