//! The unit directory: the tree (readable by every signed-in user), a unit's records (contacts,
//! users: its own people and their leaders only), and changes to the directory.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Contact, Invalids, Unit, UnitDraft, UnitId, parse_date};
use giaoban_vntext::normalize::ascii_key;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{
    ApiJson, ContactDto, ContactWrite, UnitDetailDto, UnitDto, UnitList, UnitRef, UnitTreeNode,
    UnitWrite, UserDto, UserList,
};
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(unit_tree))
        .routes(routes!(get_unit, update_unit))
        .routes(routes!(set_contact))
        .routes(routes!(unit_users))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only units active on this day (ISO or dd/mm/yyyy); without it every unit, with `active` for today.
    pub as_of: Option<String>,
    /// Search in every written form, diacritics and case ignored.
    pub q: Option<String>,
    /// Only this unit and what is under it.
    pub under: Option<Uuid>,
    /// Sent by the language switch of the pages; ignored here.
    pub lang: Option<String>,
}

/// Units selected by a query, in tree order with depth relative to the start.
pub struct Selection {
    pub units: std::sync::Arc<Vec<Unit>>,
    pub as_of: Option<Date>,
}

impl Selection {
    pub async fn load(state: &AppState, q: &UnitQuery) -> Result<Selection, AppError> {
        let as_of = parse_date("as_of", q.as_of.as_deref().unwrap_or(""))?;
        Ok(Selection {
            units: state.store.units().await?,
            as_of,
        })
    }

    pub fn rows<'a>(
        &'a self,
        q: &UnitQuery,
        lang: Lang,
    ) -> Result<Vec<(UnitDto, &'a Unit)>, AppError> {
        let tree = UnitTree::new(&self.units);
        if let Some(root) = q.under
            && tree.get(UnitId(root)).is_none()
        {
            return Err(AppError::NotFound);
        }
        let today = crate::today();
        let key = ascii_key(q.q.as_deref().unwrap_or("").trim());
        Ok(tree
            .preorder(q.under.map(UnitId))
            .into_iter()
            .filter(|(u, _)| self.as_of.is_none_or(|d| u.is_active_on(d)))
            .filter(|(u, _)| UnitTree::matches(u, &key))
            .map(|(u, depth)| {
                let active = u.is_active_on(self.as_of.unwrap_or(today));
                (UnitDto::new(u, lang, active, depth), u)
            })
            .collect())
    }
}

/// Danh sách đơn vị. Units in tree order (parents first), filtered.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery),
    responses((status = 200, body = UnitList), (status = 401, body = super::ErrorBody), (status = 400, body = super::ErrorBody)))]
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
    responses((status = 200, body = Vec<UnitTreeNode>), (status = 401, body = super::ErrorBody)))]
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

/// Checks `perm` on a unit, telling "no such unit" (404) from "not yours" (403).
pub fn check(
    me: &CurrentActor,
    tree: &UnitTree<'_>,
    unit: UnitId,
    perm: Permission,
) -> Result<(), AppError> {
    let ancestry = tree.ancestry(unit);
    if ancestry.is_empty() {
        return Err(AppError::NotFound);
    }
    if me.actor.may(perm, &ancestry) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn detail(
    me: &CurrentActor,
    units: &[Unit],
    id: UnitId,
    lang: Lang,
) -> Result<UnitDetailDto, AppError> {
    let tree = UnitTree::new(units);
    let unit = tree.get(id).ok_or(AppError::NotFound)?;
    let ancestry = tree.ancestry(id);
    let today = crate::today();
    let depth = u32::try_from(ancestry.len().saturating_sub(1)).unwrap_or(0);
    let path = ancestry
        .iter()
        .skip(1)
        .rev()
        .filter_map(|a| tree.get(*a))
        .map(|u| UnitRef {
            id: u.id.0,
            name: u.name.clone(),
        })
        .collect();
    let contact = me
        .actor
        .may(Permission::ReadRecords, &ancestry)
        .then(|| ContactDto::from(&unit.contact));
    Ok(UnitDetailDto {
        unit: UnitDto::new(unit, lang, unit.is_active_on(today), depth),
        contact,
        path,
        merged_from: tree
            .merged_from(id)
            .into_iter()
            .map(|u| UnitRef {
                id: u.id.0,
                name: u.name.clone(),
            })
            .collect(),
    })
}

/// Một đơn vị. Directory data for everyone signed in; contact details for those who may read the
/// unit's records.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UnitDetailDto), (status = 404, body = super::ErrorBody)))]
async fn get_unit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UnitDetailDto>, AppError> {
    let units = state.store.units().await?;
    let mut d = detail(&me, &units, UnitId(id), lang)?;
    with_bot_flag(&state, &mut d).await?;
    Ok(Json(d))
}

/// Tạo đơn vị. Administrators anywhere; office staff under their territory.
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitWrite,
    responses((status = 201, body = UnitDto), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
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
    let active = unit.is_active_on(crate::today());
    Ok((
        StatusCode::CREATED,
        Json(UnitDto::new(&unit, lang, active, depth)),
    ))
}

/// Checks that the actor may place a unit under `parent` (administrators only for a root).
fn check_parent(
    me: &CurrentActor,
    tree: &UnitTree<'_>,
    parent: Option<UnitId>,
) -> Result<(), AppError> {
    match parent {
        Some(parent) => check(me, tree, parent, Permission::ManageUnits).map_err(|e| {
            if matches!(e, AppError::NotFound) {
                unknown_parent()
            } else {
                e
            }
        }),
        None => super::require_admin(me.user.role),
    }
}

/// Creates a unit for a person: administrators anywhere, office staff in their territory.
pub async fn create(
    state: &AppState,
    me: &CurrentActor,
    body: &UnitWrite,
) -> Result<Unit, AppError> {
    let draft = UnitDraft::parse(&body.input())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    check_parent(me, &tree, draft.parent_id)?;
    check_merged_into(me, &tree, draft.merged_into)?;
    Ok(state.store.create_unit(&me.audit(), &draft).await?)
}

/// Replaces a unit's directory data for a person who may manage it and its new parent.
pub async fn update(
    state: &AppState,
    me: &CurrentActor,
    id: UnitId,
    body: &UnitWrite,
) -> Result<Unit, AppError> {
    let draft = UnitDraft::parse(&body.input())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    check(me, &tree, id, Permission::ManageUnits)?;
    check_parent(me, &tree, draft.parent_id)?;
    check_merged_into(me, &tree, draft.merged_into)?;
    Ok(state
        .store
        .update_unit(&me.audit(), id, &draft, body.version)
        .await?)
}

/// The unit a unit is merged into must be one the actor manages (Permission::ManageUnits on it):
/// an office merges communes within its territory, never into another district's unit.
fn check_merged_into(
    me: &CurrentActor,
    tree: &UnitTree<'_>,
    merged_into: Option<UnitId>,
) -> Result<(), AppError> {
    let Some(target) = merged_into else {
        return Ok(());
    };
    let ancestry = tree.ancestry(target);
    if ancestry.is_empty() {
        return Err(AppError::Invalid(
            giaoban_domain::unit::Invalid::new(
                "merged_into",
                "unit.merged_into_unknown",
                "Đơn vị sáp nhập vào không tồn tại.",
                "The unit merged into does not exist.",
            )
            .into(),
        ));
    }
    if giaoban_domain::access::reference::may_merge_into(&me.actor, &ancestry) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn unknown_parent() -> AppError {
    AppError::Invalid(
        giaoban_domain::unit::Invalid::new(
            "parent_id",
            "unit.parent_unknown",
            "Đơn vị cha không tồn tại.",
            "The parent unit does not exist.",
        )
        .into(),
    )
}

/// Sửa đơn vị. Replaces the directory data of a unit (send `version` to guard against lost updates).
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", request_body = UnitWrite,
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UnitDetailDto), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
async fn update_unit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UnitWrite>,
) -> Result<Json<UnitDetailDto>, AppError> {
    update(&state, &me, UnitId(id), &body).await?;
    let units = state.store.units().await?;
    let mut d = detail(&me, &units, UnitId(id), lang)?;
    with_bot_flag(&state, &mut d).await?;
    Ok(Json(d))
}

/// Thông tin liên hệ. The unit's own people and their leaders keep it.
#[utoipa::path(put, path = "/api/v1/units/{id}/contact", tag = "units", request_body = ContactWrite,
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = ContactDto), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
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

/// Sets whether the unit has a bot of its own on the contact details shown (when shown).
pub async fn with_bot_flag(state: &AppState, d: &mut UnitDetailDto) -> Result<(), AppError> {
    if let Some(c) = &mut d.contact {
        c.telegram_bot_token_set = state
            .store
            .unit_bot_token(UnitId(d.unit.id))
            .await?
            .is_some();
    }
    Ok(())
}

pub async fn save_contact(
    state: &AppState,
    me: &CurrentActor,
    id: UnitId,
    body: &ContactWrite,
) -> Result<Unit, AppError> {
    me.require(&state.store, Permission::WriteRecords, id)
        .await?;
    let mut errs = Invalids::default();
    let contact = match Contact::parse(
        &body.address,
        &body.phone,
        &body.email,
        &body.head_name,
        &body.head_title,
    ) {
        Ok(c) => Some(c),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let chat = errs.take(giaoban_domain::channel::parse_telegram_chat(
        &body.telegram_chat_id,
    ));
    let token = errs.take(giaoban_domain::channel::parse_bot_token(
        body.telegram_bot_token.as_deref().unwrap_or(""),
    ));
    errs.into_result()?;
    let (Some(mut contact), Some(chat), Some(token)) = (contact, chat, token) else {
        return Err(AppError::Internal(
            "contact parsed without errors yet missing".into(),
        ));
    };
    contact.telegram_chat_id = chat;
    let saved = state
        .store
        .set_unit_contact(&me.audit(), id, &contact, body.version)
        .await?;
    if let Some(t) = token {
        state
            .store
            .set_unit_bot_token(&me.audit(), id, Some(&t))
            .await?;
    } else if body.clear_telegram_bot_token {
        state
            .store
            .set_unit_bot_token(&me.audit(), id, None)
            .await?;
    }
    Ok(saved)
}

/// Người dùng của đơn vị. The unit's own people and their leaders only.
#[utoipa::path(get, path = "/api/v1/units/{id}/users", tag = "units",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UserList), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
async fn unit_users(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<UserList>, AppError> {
    me.require(&state.store, Permission::ReadRecords, UnitId(id))
        .await?;
    let users = state.store.users(Some(&[UnitId(id)])).await?;
    Ok(Json(UserList {
        items: users.iter().map(|u| UserDto::new(u, lang)).collect(),
    }))
}
