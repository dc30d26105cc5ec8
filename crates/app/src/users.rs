//! Accounts: who sees whom, and the accounts administrators make and reset (each with a one-time
//! password shown once).

use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::{NewUser, Role, User, UserId};

use crate::dto::UserCreate;
use crate::passwords::generate_password;
use crate::{App, Caller, Error, require_admin};

/// The users the actor may see: all for administrators, their territory's for leaders and office
/// staff, themselves for members.
pub async fn visible_users(state: &App, me: &Caller) -> Result<Vec<User>, Error> {
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

/// Creates a user with a one-time password (administrators).
pub async fn create_user(
    state: &App,
    me: &Caller,
    body: &UserCreate,
) -> Result<(User, String), Error> {
    require_admin(me.user.role)?;
    let unit = UnitId(body.unit_id);
    let parsed = NewUser::parse(
        &body.username,
        &body.display_name,
        body.title.as_deref(),
        &body.role,
        unit,
    );
    // Every field's error at once: the fields' own and an unknown unit.
    let mut errs = parsed.as_ref().err().cloned().unwrap_or_default();
    if state.store.ancestry(unit).await?.is_empty() {
        errs.push(giaoban_domain::unit::Invalid::new(
            "unit_id",
            "user.unit_unknown",
            "Đơn vị của người dùng không tồn tại.",
            "The user's unit does not exist.",
        ));
    }
    errs.into_result()?;
    let new = parsed?;
    let password = generate_password()?;
    let hash = state.passwords.hash(password.clone()).await?;
    let user = state
        .store
        .create_user(&me.audit(), &new, &hash, true)
        .await?;
    Ok((user, password))
}

/// Resets a password to a new one-time password (administrators).
pub async fn reset_password(state: &App, me: &Caller, id: UserId) -> Result<(User, String), Error> {
    require_admin(me.user.role)?;
    let password = generate_password()?;
    let hash = state.passwords.hash(password.clone()).await?;
    let user = state
        .store
        .set_password(&me.audit(), id, &hash, true)
        .await?;
    Ok((user, password))
}

/// One user: members see only themselves; others the users of units whose records they may read.
pub async fn user(state: &App, me: &Caller, id: UserId) -> Result<User, Error> {
    let user = state.store.user(id).await?;
    if user.id != me.user.id {
        // Members see only themselves, even among their unit's colleagues.
        if me.user.role == Role::Member {
            return Err(Error::Forbidden);
        }
        me.require(&state.store, Permission::ReadRecords, user.unit_id)
            .await?;
    }
    Ok(user)
}
