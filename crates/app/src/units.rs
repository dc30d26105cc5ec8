//! The unit directory: the tree (readable by every signed-in user), a unit's records (contacts,
//! users: its own people and their leaders only), and changes to the directory.

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Contact, Invalids, Unit, UnitDraft, UnitId, parse_date};
use giaoban_domain::user::User;
use giaoban_vntext::normalize::ascii_key;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::dto::{ContactDto, ContactWrite, UnitDetailDto, UnitDto, UnitRef, UnitWrite};
use crate::{App, Caller, Error};

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
    /// The directory page shows today's units unless this is set (or a day or a search is
    /// given); the API always lists every unit.
    pub history: Option<String>,
}

/// Units selected by a query, in tree order with depth relative to the start.
pub struct Selection {
    pub units: std::sync::Arc<Vec<Unit>>,
    pub as_of: Option<Date>,
    /// The day of the app's clock when the selection was read: a unit's `active` flag without
    /// `as_of`.
    pub today: Date,
}

impl Selection {
    pub async fn load(state: &App, q: &UnitQuery) -> Result<Selection, Error> {
        let as_of = parse_date("as_of", q.as_of.as_deref().unwrap_or(""))?;
        Ok(Selection {
            units: state.store.units().await?,
            as_of,
            today: state.today(),
        })
    }

    pub fn rows<'a>(
        &'a self,
        q: &UnitQuery,
        lang: Lang,
    ) -> Result<Vec<(UnitDto, &'a Unit)>, Error> {
        let tree = UnitTree::new(&self.units);
        if let Some(root) = q.under
            && tree.get(UnitId(root)).is_none()
        {
            return Err(Error::NotFound);
        }
        let today = self.today;
        let key = ascii_key(q.q.as_deref().unwrap_or("").trim());
        Ok(tree
            .preorder(q.under.map(UnitId))
            .into_iter()
            .filter(|(u, _)| self.as_of.is_none_or(|d| u.is_active_on(d)))
            .filter(|(u, _)| UnitTree::matches(u, &key))
            .map(|(u, depth)| {
                let active = u.is_active_on(self.as_of.unwrap_or(today));
                let mut dto = UnitDto::new(u, lang, active, depth);
                dto.predecessors = tree.merged_from(u.id).iter().map(|p| p.id.0).collect();
                (dto, u)
            })
            .collect())
    }
}

/// Checks `perm` on a unit, telling "no such unit" (404) from "not yours" (403).
pub fn check(
    me: &Caller,
    tree: &UnitTree<'_>,
    unit: UnitId,
    perm: Permission,
) -> Result<(), Error> {
    let ancestry = tree.ancestry(unit);
    if ancestry.is_empty() {
        return Err(Error::NotFound);
    }
    if me.actor.may(perm, &ancestry) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The unit `id` as its page shows it, active or not on `today` (the app's: [`App::today`]).
pub fn detail(
    me: &Caller,
    units: &[Unit],
    id: UnitId,
    lang: Lang,
    today: Date,
) -> Result<UnitDetailDto, Error> {
    let tree = UnitTree::new(units);
    let unit = tree.get(id).ok_or(Error::NotFound)?;
    let ancestry = tree.ancestry(id);
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
    let mut dto = UnitDto::new(unit, lang, unit.is_active_on(today), depth);
    dto.predecessors = tree.merged_from(id).iter().map(|p| p.id.0).collect();
    Ok(UnitDetailDto {
        unit: dto,
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

/// Checks that the actor may place a unit under `parent` (administrators only for a root).
fn check_parent(me: &Caller, tree: &UnitTree<'_>, parent: Option<UnitId>) -> Result<(), Error> {
    match parent {
        Some(parent) => check(me, tree, parent, Permission::ManageUnits).map_err(|e| {
            if matches!(e, Error::NotFound) {
                unknown_parent()
            } else {
                e
            }
        }),
        None => crate::require_admin(me.user.role),
    }
}

/// Creates a unit for a person: administrators anywhere, office staff in their territory.
pub async fn create(state: &App, me: &Caller, body: &UnitWrite) -> Result<Unit, Error> {
    let draft = UnitDraft::parse(&body.input())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    check_parent(me, &tree, draft.parent_id)?;
    check_merged_into(me, &tree, draft.merged_into)?;
    Ok(state.store.create_unit(&me.audit(), &draft).await?)
}

/// Replaces a unit's directory data for a person who may manage it and its new parent.
pub async fn update(state: &App, me: &Caller, id: UnitId, body: &UnitWrite) -> Result<Unit, Error> {
    let draft = UnitDraft::parse(&body.input())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    check(me, &tree, id, Permission::ManageUnits)?;
    check_parent(me, &tree, draft.parent_id)?;
    check_merged_into(me, &tree, draft.merged_into)?;
    let before = tree.get(id).map(|u| (u.parent_id, u.merged_into));
    let saved = state
        .store
        .update_unit(&me.audit(), id, &draft, body.version)
        .await?;
    // A unit given a successor or a new parent after it reported: its figures (and those of the
    // units under it or merged into it) now roll up elsewhere, in past periods too. Aggregates
    // are kept on write, so the periods they were reported in are rebuilt.
    if before != Some((saved.parent_id, saved.merged_into)) {
        state
            .store
            .rebuild_rollups_for_units(&me.audit(), &[id])
            .await?;
    }
    Ok(saved)
}

/// The unit a unit is merged into must be one the actor manages (Permission::ManageUnits on it):
/// an office merges communes within its territory, never into another district's unit.
fn check_merged_into(
    me: &Caller,
    tree: &UnitTree<'_>,
    merged_into: Option<UnitId>,
) -> Result<(), Error> {
    let Some(target) = merged_into else {
        return Ok(());
    };
    let ancestry = tree.ancestry(target);
    if ancestry.is_empty() {
        return Err(Error::Invalid(
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
        Err(Error::Forbidden)
    }
}

fn unknown_parent() -> Error {
    Error::Invalid(
        giaoban_domain::unit::Invalid::new(
            "parent_id",
            "unit.parent_unknown",
            "Đơn vị cha không tồn tại.",
            "The parent unit does not exist.",
        )
        .into(),
    )
}

/// Sets whether the unit has a bot of its own on the contact details shown (when shown).
pub async fn with_bot_flag(state: &App, d: &mut UnitDetailDto) -> Result<(), Error> {
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
    state: &App,
    me: &Caller,
    id: UnitId,
    body: &ContactWrite,
) -> Result<Unit, Error> {
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
        return Err(Error::Internal(
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

/// The users of unit `id`, for its own people and their leaders only.
pub async fn users_of(state: &App, me: &Caller, id: UnitId) -> Result<Vec<User>, Error> {
    me.require(&state.store, Permission::ReadRecords, id)
        .await?;
    Ok(state.store.users(Some(&[id])).await?)
}
