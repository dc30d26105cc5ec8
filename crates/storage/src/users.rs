//! Users and their password hashes. Hashes never leave this module except to the sign-in check.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::{NewUser, Role, User, UserId, Username};
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::now_micros;
use crate::{Conflict, Result, Store, StoreError, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    title: Option<String>,
    role: String,
    unit_id: Uuid,
    active: bool,
    must_change_password: bool,
    version: i64,
}

const USER_COLUMNS: &str = "SELECT id, username, display_name, title, role, unit_id, active, \
    must_change_password, version FROM users";

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: UserId(r.id),
            username: Username::parse(&r.username)
                .map_err(|e| StoreError::Corrupt(format!("user {} username: {e}", r.id)))?,
            display_name: r.display_name,
            title: r.title,
            role: Role::parse(&r.role)
                .map_err(|e| StoreError::Corrupt(format!("user {} role: {e}", r.id)))?,
            unit_id: UnitId(r.unit_id),
            active: r.active,
            must_change_password: r.must_change_password,
            version: r.version,
        })
    }
}

/// A user with the stored password hash, for the sign-in check only.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    /// The revision of the unit directory, read in the same statement: with
    /// [`Store::units_at`] it serves a request the directory without reading the revision again.
    pub units_revision: i64,
}

/// How [`Store::credentials_by`] finds a user.
#[derive(Clone, Copy)]
enum CredentialKey<'a> {
    Username(&'a str),
    Id(uuid::Uuid),
}

/// The user `id`, read with the connection `conn`.
async fn load_user<'c>(conn: impl Into<crate::Conn<'c>>, id: uuid::Uuid) -> Result<Option<User>> {
    let sql = format!("{USER_COLUMNS} WHERE id = $1");
    let row: Option<UserRow> = crate::on_conn!(conn.into(), ex => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(ex).await?
    });
    row.map(User::try_from).transpose()
}

fn snapshot(u: &User) -> Option<serde_json::Value> {
    serde_json::to_value(u).ok()
}

impl Store {
    pub async fn user(&self, id: UserId) -> Result<User> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_user(&mut *conn, id.0).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// The user and password hash for a username (active or not: the caller decides).
    pub async fn credentials(&self, username: &Username) -> Result<Option<Credentials>> {
        self.credentials_by(CredentialKey::Username(username.as_str()))
            .await
    }

    /// The user and password hash of a user id, and the unit directory's revision, in one read
    /// (every request of a signed-in user: the session is bound to the current password, and the
    /// user's scope is found in the directory).
    pub async fn credentials_of(&self, id: UserId) -> Result<Option<Credentials>> {
        self.credentials_by(CredentialKey::Id(id.0)).await
    }

    async fn credentials_by(&self, key: CredentialKey<'_>) -> Result<Option<Credentials>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
            units_revision: i64,
        }
        let column = match key {
            CredentialKey::Username(_) => "username",
            CredentialKey::Id(_) => "id",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, username, display_name, title, role, unit_id, active, \
             must_change_password, version, password_hash, \
             (SELECT value FROM revisions WHERE name = 'units') AS units_revision \
             FROM users WHERE {column} = $1"
        ));
        let row: Option<Row> = with_pool!(self, pool => {
            let q = sqlx::query_as(sql);
            match key {
                CredentialKey::Username(u) => q.bind(u),
                CredentialKey::Id(id) => q.bind(id),
            }
            .fetch_optional(pool)
            .await
        })?;
        row.map(|r| {
            Ok(Credentials {
                user: User::try_from(r.user)?,
                password_hash: r.password_hash,
                units_revision: r.units_revision,
            })
        })
        .transpose()
    }

    /// The stored password hash of a user (to bind sessions to the current password).
    pub async fn password_hash(&self, id: UserId) -> Result<String> {
        let row: (String,) = with_pool!(self, pool =>
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1").bind(id.0).fetch_one(pool).await)?;
        Ok(row.0)
    }

    /// Users of the given units (all users when `units` is `None`), by username.
    pub async fn users(&self, units: Option<&[UnitId]>) -> Result<Vec<User>> {
        let sql = sqlx::AssertSqlSafe(format!("{USER_COLUMNS} ORDER BY username"));
        let rows: Vec<UserRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        let users = rows.into_iter().map(User::try_from);
        match units {
            None => users.collect(),
            Some(units) => users
                .filter(|u| u.as_ref().map_or(true, |u| units.contains(&u.unit_id)))
                .collect(),
        }
    }

    /// Creates a user with an already hashed password. `must_change_password` is set for generated
    /// passwords.
    pub async fn create_user(
        &self,
        actor: &AuditActor,
        new: &NewUser,
        password_hash: &str,
        must_change_password: bool,
    ) -> Result<User> {
        let id = UserId::new();
        write_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO users (id, username, display_name, title, role, unit_id, password_hash, \
                 active, must_change_password, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, 1, $9, $9)",
            )
            .bind(id.0)
            .bind(new.username.as_str())
            .bind(new.display_name.as_str())
            .bind(new.title.as_deref())
            .bind(new.role.code())
            .bind(new.unit_id.0)
            .bind(password_hash)
            .bind(must_change_password)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let user = load_user(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "user",
                entity_id: id.to_string(),
                unit_id: Some(new.unit_id),
                before: None,
                after: snapshot(&user),
            }).await?;
            Ok(user)
        })
    }

    /// Replaces a user's password hash. `reset` marks an administrator's reset (the user must choose a
    /// new password at next sign-in) as opposed to the user's own change.
    pub async fn set_password(
        &self,
        actor: &AuditActor,
        id: UserId,
        password_hash: &str,
        reset: bool,
    ) -> Result<User> {
        write_tx!(self, tx => {
            let before = load_user(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            sqlx::query(
                "UPDATE users SET password_hash = $2, must_change_password = $3, version = version + 1, \
                 updated_at = $4 WHERE id = $1",
            )
            .bind(id.0)
            .bind(password_hash)
            .bind(reset)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load_user(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            // The hash itself is never recorded: only that the password changed.
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: if reset { AuditAction::PasswordReset } else { AuditAction::PasswordChange },
                entity: "user",
                entity_id: id.to_string(),
                unit_id: Some(before.unit_id),
                before: snapshot(&before),
                after: snapshot(&after),
            }).await?;
            Ok(after)
        })
    }

    /// Activates or deactivates a user (deactivated users cannot sign in; nothing is deleted).
    pub async fn set_user_active(
        &self,
        actor: &AuditActor,
        id: UserId,
        active: bool,
        expected_version: Option<i64>,
    ) -> Result<User> {
        write_tx!(self, tx => {
            let before = load_user(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query("UPDATE users SET active = $2, version = version + 1, updated_at = $3 WHERE id = $1")
                .bind(id.0)
                .bind(active)
                .bind(now_micros())
                .execute(&mut *tx)
                .await?;
            let after = load_user(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "user",
                entity_id: id.to_string(),
                unit_id: Some(before.unit_id),
                before: snapshot(&before),
                after: snapshot(&after),
            }).await?;
            Ok(after)
        })
    }

    /// Number of users (to tell a fresh installation from an initialised one).
    pub async fn user_count(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, pool =>
            sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(pool).await)?;
        Ok(n)
    }
}
