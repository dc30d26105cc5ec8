//! The administrative levels (cấp hành chính): province, commune, and the district of before
//! 1 July 2025, each with its dates; administrators set them.

use giaoban_domain::unit::{AdminLevel, parse_date};

use crate::dto::LevelWrite;
use crate::{App, Caller, Error, require_admin};

/// Creates or changes a level for an administrator.
pub async fn save_level(
    state: &App,
    me: &Caller,
    code: &str,
    body: &LevelWrite,
) -> Result<AdminLevel, Error> {
    require_admin(me.user.role)?;
    let mut errs = giaoban_domain::unit::Invalids::default();
    let from = errs
        .take(parse_date(
            "active_from",
            body.active_from.as_deref().unwrap_or(""),
        ))
        .flatten();
    let to = errs
        .take(parse_date(
            "active_to",
            body.active_to.as_deref().unwrap_or(""),
        ))
        .flatten();
    errs.into_result()?;
    let level = AdminLevel::parse(code, body.rank, &body.name_vi, &body.name_en, from, to)?;
    Ok(state.store.put_level(&me.audit(), &level).await?)
}
