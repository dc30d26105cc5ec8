//! giaoban's use cases: every read and write that a page, an API route or the command line asks
//! for, with its access check. Nothing here knows HTTP: the web crate maps [`Error`] to a status
//! and a page or a JSON body, and the command line to an exit code.
//!
//! A use case takes the server's [`App`] (the store, the message channels, the gates of heavy
//! work and the [`Clock`]) and the [`Caller`]
//! (who asks, with their access scope); jobs that run for nobody in particular (reminder sweeps,
//! the sender of messages) take the store and the channels alone.

pub mod audit;
pub mod channels;
pub mod dashboard;
pub mod dto;
pub mod error;
pub mod handover;
pub mod inbox;
pub mod levels;
pub mod limits;
pub mod ocop;
pub mod passwords;
pub mod period_reports;
pub mod programmes;
pub mod readers;
pub mod reading;
pub mod reorganisation;
pub mod reports;
pub mod units;
pub mod users;
pub mod work;

use std::sync::Arc;

use giaoban_domain::access::{
    Actor, Permission, may_read_history, scope_root, successor_ancestries,
};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitId, UnitKind};
use giaoban_domain::user::User;
use giaoban_storage::Store;

pub use error::Error;

/// The time zone of every date a person sees or types (Asia/Ho_Chi_Minh, from the bundled tzdb so it
/// works on machines without zoneinfo).
pub fn vn_time_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The time the use cases act at: the system's, or a fixed instant (a test that must know which
/// tasks are overdue, a run "as of" a past day).
///
/// Every use case and page reads "now" and "today" from the [`App`]'s clock ([`App::now`],
/// [`App::today`]), never from the system: what is overdue or due soon, the default period of a
/// report, the default year of a programme, which units are active. There is no free `today()`
/// for that reason; a tool with no app (the command line, a benchmark) says
/// `Clock::System.today()`. Only real-time matters stay on the system clock: the write times the
/// store records (`created_at`, `updated_at`, the audit log), session expiry and renewal, and the
/// sender's delivery and retry times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    Fixed(jiff::Timestamp),
}

impl Clock {
    pub fn now(self) -> jiff::Timestamp {
        match self {
            Clock::System => jiff::Timestamp::now(),
            Clock::Fixed(at) => at,
        }
    }

    /// The day in Vietnam at [`Clock::now`].
    pub fn today(self) -> jiff::civil::Date {
        self.now().to_zoned_datetime(vn_time_zone()).date()
    }
}

/// What every use case runs against: the store, the channels messages leave by, and the clock.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// E-mail and Telegram, and the bell of the sender that delivers queued messages
    /// ([`channels::spawn_sender`]). [`channels::Channels::none`] keeps messages in the app.
    pub channels: Arc<channels::Channels>,
    /// Uploads and long texts are read a few at a time, off the async workers.
    pub heavy: Arc<limits::HeavyWork>,
    /// Password checks and hashes (argon2), a few at a time.
    pub passwords: passwords::PasswordWork,
    /// The readers of pasted documents, kept between requests.
    pub readers: Arc<readers::ReaderCache>,
    pub clock: Clock,
}

impl App {
    /// The app over `store` with `channels`; password work two at a time, a request waiting up
    /// to 3 s for its turn (the server sets its own with [`App::with_passwords`]).
    pub fn new(store: Store, channels: Arc<channels::Channels>) -> App {
        App {
            store,
            channels,
            heavy: Arc::default(),
            passwords: passwords::PasswordWork::new(2, std::time::Duration::from_secs(3)),
            readers: Arc::default(),
            clock: Clock::System,
        }
    }

    /// The same app acting at the time `clock` gives.
    pub fn with_clock(self, clock: Clock) -> App {
        App { clock, ..self }
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Today in Vietnam, by the app's clock.
    pub fn today(&self) -> jiff::civil::Date {
        self.clock.today()
    }

    /// The same app with password checks and hashes run by `passwords`.
    pub fn with_passwords(self, passwords: passwords::PasswordWork) -> App {
        App { passwords, ..self }
    }
}

/// Who asks: the signed-in user with their access scope, and the unit directory as read when the
/// request began (the scope was found in it), so that a use case that writes no unit reads the
/// tree from here instead of asking the store again.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub user: User,
    pub units: Arc<Vec<Unit>>,
}

impl Caller {
    /// The caller `user`, scoped in the directory `units`; `None` when the user's unit is not in
    /// it or their role reaches nothing from there.
    pub fn new(user: User, units: Arc<Vec<Unit>>) -> Option<Caller> {
        let root = scope_root(user.role, &ancestry_in(&units, user.unit_id))?;
        Some(Caller {
            actor: Actor {
                user_id: user.id,
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                unit_id: user.unit_id,
                scope_root: root,
            },
            user,
            units,
        })
    }

    /// The active user `username` as a caller, for the command line (which acts as a named person,
    /// with that person's access, never as nobody in particular): [`Error::NotFound`] for an
    /// unknown or inactive user.
    pub async fn by_username(store: &Store, username: &str) -> Result<Caller, Error> {
        let username = giaoban_domain::user::Username::parse(username)?;
        let found = store
            .credentials(&username)
            .await?
            .filter(|c| c.user.active)
            .ok_or(Error::NotFound)?;
        let units = store.units_at(found.units_revision).await?;
        Caller::new(found.user, units).ok_or(Error::Forbidden)
    }

    /// Requires `perm` on the records of unit `id`: [`Error::NotFound`] for an unknown unit,
    /// [`Error::Forbidden`] when not allowed.
    pub async fn require(&self, store: &Store, perm: Permission, id: UnitId) -> Result<(), Error> {
        let ancestry: Vec<_> = store
            .ancestry(id)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        if ancestry.is_empty() {
            Err(Error::NotFound)
        } else if self.actor.may(perm, &ancestry)
            || (perm == Permission::ReadRecords && {
                let units = store.units().await?;
                let tree = UnitTree::new(&units);
                may_read_history(&self.actor, &successor_ancestries(&tree, id))
            })
        {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// May the caller act with `perm` on unit `unit` of `tree`? Reading also reaches, as history,
    /// the records of the units merged into the caller's ([`may_read_history`]); writing does not.
    pub fn may(&self, tree: &UnitTree<'_>, perm: Permission, unit: UnitId) -> bool {
        let ancestry = tree.ancestry(unit);
        self.actor.may(perm, &ancestry)
            || (perm == Permission::ReadRecords
                && !ancestry.is_empty()
                && may_read_history(&self.actor, &successor_ancestries(tree, unit)))
    }

    /// The caller as the audit log names them.
    pub fn audit(&self) -> AuditActor {
        AuditActor::user(self.user.id, self.user.username.as_str())
    }
}

/// The unit `id` and its ancestors, nearest first (up to 32 levels, as the store's `ancestry`),
/// from a directory.
fn ancestry_in(units: &[Unit], id: UnitId) -> Vec<(UnitId, UnitKind)> {
    let mut out = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next
        && out.len() <= 32
    {
        let Some(u) = units.iter().find(|u| u.id == id) else {
            break;
        };
        out.push((u.id, u.kind));
        next = u.parent_id;
    }
    out
}

/// Refuses unless the caller is an administrator.
pub fn require_admin(role: giaoban_domain::user::Role) -> Result<(), Error> {
    if role == giaoban_domain::user::Role::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}
