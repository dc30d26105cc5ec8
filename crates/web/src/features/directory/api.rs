//! The directory over JSON: the unit tree (readable by every signed-in user), a unit's records
//! (contacts, users: its own people and their leaders only) and changes to it; the administrative
//! levels (readable by all, changed by administrators); users (administrators create them and
//! reset passwords; leaders and office staff see those of their territory; everyone sees
//! themselves); and the audit trail (administrators everything, leaders and office staff their
//! territory).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::UserId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use giaoban_app::audit::{AuditQuery, page};
use giaoban_app::levels::save_level;
use giaoban_app::units::{
    Selection, UnitQuery, create, detail, save_contact, update, users_of, with_bot_flag,
};

use crate::api::{
    ApiJson, AuditEntryDto, AuditPage, ContactDto, ContactWrite, LevelDto, LevelWrite,
    UnitDetailDto, UnitDto, UnitList, UnitTreeNode, UnitWrite, UserCreate, UserDto, UserList,
    UserWithPassword,
};
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_levels))
        .routes(routes!(put_level))
        .routes(routes!(load_reorganisation))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(unit_tree))
        .routes(routes!(get_unit, update_unit))
        .routes(routes!(set_contact))
        .routes(routes!(unit_users))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(reset_password))
        .routes(routes!(list_audit))
}

/// Danh sách đơn vị. Units in tree order (parents first), filtered.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery),
    responses((status = 200, body = UnitList), (status = 401, body = crate::api::ErrorBody), (status = 400, body = crate::api::ErrorBody)))]
async fn list_units(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
    Query(q): Query<UnitQuery>,
) -> Result<Json<UnitList>, AppError> {
    let sel = Selection::load(&state, &q).await?;
    let items: Vec<UnitDto> = sel.rows(&q, lang)?.into_iter().map(|(d, _)| d).collect();
    Ok(Json(UnitList {
        total: items.len(),
        items,
    }))
}

/// Cây đơn vị. The same selection as a nested tree.
#[utoipa::path(get, path = "/api/v1/units/tree", tag = "units", params(UnitQuery),
    responses((status = 200, body = Vec<UnitTreeNode>), (status = 401, body = crate::api::ErrorBody)))]
async fn unit_tree(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Vec<UnitTreeNode>>, AppError> {
    let sel = Selection::load(&state, &q).await?;
    let rows = sel.rows(&q, lang)?;
    // Rows come in pre-order with depths: fold them into nested nodes with a stack.
    let mut roots: Vec<UnitTreeNode> = Vec::new();
    let mut stack: Vec<UnitTreeNode> = Vec::new();
    for (dto, _) in rows {
        let depth = dto.depth as usize;
        while stack.len() > depth {
            let Some(done) = stack.pop() else { break };
            match stack.last_mut() {
                Some(parent) => parent.children.push(done),
                None => roots.push(done),
            }
        }
        // Filtered selections can skip levels: attach to the nearest open ancestor.
        stack.push(UnitTreeNode {
            unit: dto,
            children: vec![],
        });
    }
    while let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    Ok(Json(roots))
}

/// Một đơn vị. Directory data for everyone signed in; contact details for those who may read the
/// unit's records.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UnitDetailDto), (status = 404, body = crate::api::ErrorBody)))]
async fn get_unit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UnitDetailDto>, AppError> {
    let units = state.store.units().await?;
    let mut d = detail(&me, &units, UnitId(id), lang, state.today())?;
    with_bot_flag(&state, &mut d).await?;
    Ok(Json(d))
}

/// Tạo đơn vị. Administrators anywhere; office staff under their territory.
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitWrite,
    responses((status = 201, body = UnitDto), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_unit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(body): ApiJson<UnitWrite>,
) -> Result<(StatusCode, Json<UnitDto>), AppError> {
    let unit = create(&state, &me, &body).await?;
    let units = state.store.units().await?;
    let depth = u32::try_from(
        UnitTree::new(&units)
            .ancestry(unit.id)
            .len()
            .saturating_sub(1),
    )
    .unwrap_or(0);
    let active = unit.is_active_on(state.today());
    Ok((
        StatusCode::CREATED,
        Json(UnitDto::new(&unit, lang, active, depth)),
    ))
}

/// Sửa đơn vị. Replaces the directory data of a unit (send `version` to guard against lost updates).
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", request_body = UnitWrite,
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UnitDetailDto), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn update_unit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UnitWrite>,
) -> Result<Json<UnitDetailDto>, AppError> {
    update(&state, &me, UnitId(id), &body).await?;
    let units = state.store.units().await?;
    let mut d = detail(&me, &units, UnitId(id), lang, state.today())?;
    with_bot_flag(&state, &mut d).await?;
    Ok(Json(d))
}

/// Thông tin liên hệ. The unit's own people and their leaders keep it.
#[utoipa::path(put, path = "/api/v1/units/{id}/contact", tag = "units", request_body = ContactWrite,
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = ContactDto), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn set_contact(
    State(state): State<AppState>,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ContactWrite>,
) -> Result<Json<ContactDto>, AppError> {
    let saved = save_contact(&state, &me, UnitId(id), &body).await?;
    let mut dto = ContactDto::from(&saved.contact);
    dto.telegram_bot_token_set = state.store.unit_bot_token(saved.id).await?.is_some();
    Ok(Json(dto))
}

/// Người dùng của đơn vị. The unit's own people and their leaders only.
#[utoipa::path(get, path = "/api/v1/units/{id}/users", tag = "units",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UserList), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn unit_users(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserList>, AppError> {
    let users = users_of(&state, &me, UnitId(id)).await?;
    Ok(Json(UserList {
        items: users.iter().map(|u| UserDto::new(u, lang)).collect(),
    }))
}

// ----- levels -----

/// Các cấp hành chính. The configured levels, highest first.
#[utoipa::path(get, path = "/api/v1/levels", tag = "units",
    responses((status = 200, body = Vec<LevelDto>), (status = 401, body = crate::api::ErrorBody)))]
async fn list_levels(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
) -> Result<Json<Vec<LevelDto>>, AppError> {
    let levels = state.store.levels().await?;
    Ok(Json(
        levels.iter().map(|l| LevelDto::new(l, lang)).collect(),
    ))
}

/// Khai báo cấp hành chính. Creates or changes a level (administrators).
#[utoipa::path(put, path = "/api/v1/levels/{code}", tag = "units", request_body = LevelWrite,
    params(("code" = String, Path, description = "Level code, e.g. xa")),
    responses((status = 200, body = LevelDto), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn put_level(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<LevelWrite>,
) -> Result<Json<LevelDto>, AppError> {
    let saved = save_level(&state, &me, &code, &body).await?;
    Ok(Json(LevelDto::new(&saved, lang)))
}

/// Nạp sắp xếp đơn vị hành chính 2025. Loads the reorganisation of 1 July 2025 for the
/// provinces given (all 34 when the list is empty) from the data bundled with giaoban
/// (vietnamadminunits 1.0.4, MIT): the new communes, the old ones ended with their successors.
/// Administrators only; loading again changes nothing.
#[utoipa::path(post, path = "/api/v1/units/reorganisation", tag = "units",
    request_body = giaoban_app::reorganisation::LoadRequest,
    responses((status = 200, body = giaoban_app::reorganisation::Loaded), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn load_reorganisation(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<giaoban_app::reorganisation::LoadRequest>,
) -> Result<Json<giaoban_app::reorganisation::Loaded>, AppError> {
    let data = giaoban_app::reorganisation::bundled()?;
    let loaded = giaoban_app::reorganisation::load_for(&state, &me, &data, &body.provinces).await?;
    Ok(Json(loaded))
}

// ----- users -----

/// Danh sách người dùng.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = UserList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<UserList>, AppError> {
    let users = giaoban_app::users::visible_users(&state, &me).await?;
    Ok(Json(UserList {
        items: users.iter().map(|u| UserDto::new(u, lang)).collect(),
    }))
}

/// Tạo người dùng. Returns the one-time password once.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserWithPassword), (status = 403, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    ApiJson(body): ApiJson<UserCreate>,
) -> Result<(StatusCode, Json<UserWithPassword>), AppError> {
    let (user, password) = giaoban_app::users::create_user(&state, &me, &body).await?;
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
    responses((status = 200, body = UserDto), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserDto>, AppError> {
    let user = giaoban_app::users::user(&state, &me, UserId(id)).await?;
    Ok(Json(UserDto::new(&user, lang)))
}

/// Cấp lại mật khẩu. Returns a new one-time password once; the user's sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = UserWithPassword), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserWithPassword>, AppError> {
    let (user, password) = giaoban_app::users::reset_password(&state, &me, UserId(id)).await?;
    Ok(Json(UserWithPassword {
        user: UserDto::new(&user, lang),
        one_time_password: password,
    }))
}

// ----- audit -----

/// Nhật ký thay đổi. Newest first, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::api::ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let (entries, next_before) = page(&state, &me, &q).await?;
    Ok(Json(AuditPage {
        items: entries
            .iter()
            .map(|e| AuditEntryDto::new(e, lang))
            .collect(),
        next_before,
    }))
}
