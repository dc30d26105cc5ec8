//! The API's request and response bodies. They mirror domain types but are the API's own contract:
//! the domain may change its insides without breaking clients.

use giaoban_domain::Lang;
use giaoban_domain::audit::AuditEntry;
use giaoban_domain::unit::{AdminLevel, Contact, Unit, UnitId, UnitInput};
use giaoban_domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub head_name: Option<String>,
    pub head_title: Option<String>,
    /// The Telegram chat reminders and messages go to (a chat id or @channel).
    pub telegram_chat_id: Option<String>,
    /// Whether the unit has a Telegram bot of its own. The token itself is never shown.
    pub telegram_bot_token_set: bool,
}

impl From<&Contact> for ContactDto {
    /// Without the bot flag: [`crate::units::with_bot_flag`] sets it from the store.
    fn from(c: &Contact) -> Self {
        ContactDto {
            address: c.address.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            head_name: c.head_name.clone(),
            head_title: c.head_title.clone(),
            telegram_chat_id: c.telegram_chat_id.clone(),
            telegram_bot_token_set: false,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: Uuid,
    pub key: Option<String>,
    /// Loại đơn vị: province, district, commune, township, ward, people_committee, department, …
    pub kind: String,
    pub kind_label: String,
    /// Cấp hành chính (configured level code, e.g. `tinh`, `huyen`, `xa`).
    pub level: String,
    pub name: String,
    pub short_name: Option<String>,
    pub aliases: Vec<String>,
    pub abbreviations: Vec<String>,
    pub admin_code: Option<String>,
    pub parent_id: Option<Uuid>,
    /// ISO date.
    pub active_from: Option<String>,
    pub active_to: Option<String>,
    /// The default successor of an ended unit (where its records go).
    pub merged_into: Option<Uuid>,
    /// The other successors of a unit divided between several (the 2025 reform).
    pub divided_into: Vec<Uuid>,
    /// The units that ended into this one (merged whole or divided), in the unit list.
    pub predecessors: Vec<Uuid>,
    pub note: Option<String>,
    /// Whether the unit is active on the day asked for (today by default).
    pub active: bool,
    /// Depth in the tree (0 for a root).
    pub depth: u32,
    pub version: i64,
}

impl UnitDto {
    pub fn new(u: &Unit, lang: Lang, active: bool, depth: u32) -> Self {
        UnitDto {
            id: u.id.0,
            key: u.key.clone(),
            kind: u.kind.code().into(),
            kind_label: u.kind.label(lang).into(),
            level: u.level.as_str().into(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            aliases: u.aliases.clone(),
            abbreviations: u.abbreviations.clone(),
            admin_code: u.admin_code.clone(),
            parent_id: u.parent_id.map(|p| p.0),
            active_from: u.active_from.map(|d| d.to_string()),
            active_to: u.active_to.map(|d| d.to_string()),
            merged_into: u.merged_into.map(|p| p.0),
            divided_into: u.divided_into.iter().map(|d| d.0).collect(),
            predecessors: Vec::new(),
            note: u.note.clone(),
            active,
            depth,
            version: u.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitDetailDto {
    #[serde(flatten)]
    pub unit: UnitDto,
    /// Thông tin liên hệ (present when the caller may read the unit's records).
    pub contact: Option<ContactDto>,
    /// Ancestors from the root down to the parent.
    pub path: Vec<UnitRef>,
    /// Units merged into this one.
    pub merged_from: Vec<UnitRef>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitList {
    /// Units in tree order (a parent before its children, siblings by name).
    pub items: Vec<UnitDto>,
    pub total: usize,
}

#[derive(Serialize, ToSchema)]
pub struct UnitTreeNode {
    #[serde(flatten)]
    pub unit: UnitDto,
    #[schema(no_recursion)]
    pub children: Vec<UnitTreeNode>,
}

/// A unit to create or its new state.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitWrite {
    pub key: Option<String>,
    pub kind: String,
    pub level: String,
    pub name: String,
    pub short_name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub abbreviations: Vec<String>,
    pub admin_code: Option<String>,
    pub parent_id: Option<Uuid>,
    /// ISO (2020-01-01) or Vietnamese (01/01/2020) date.
    pub active_from: Option<String>,
    pub active_to: Option<String>,
    pub merged_into: Option<Uuid>,
    pub note: Option<String>,
    /// For updates: the version read; the update is refused if the unit changed since.
    pub version: Option<i64>,
}

impl UnitWrite {
    pub fn input(&self) -> UnitInput {
        UnitInput {
            key: self.key.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            aliases: self.aliases.clone(),
            abbreviations: self.abbreviations.clone(),
            admin_code: self.admin_code.clone(),
            parent_id: self.parent_id.map(UnitId),
            active_from: self.active_from.clone(),
            active_to: self.active_to.clone(),
            merged_into: self.merged_into.map(UnitId),
            note: self.note.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactWrite {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub head_name: String,
    #[serde(default)]
    pub head_title: String,
    /// The Telegram chat: an integer chat id (negative for groups and channels) or a public
    /// channel's @name; empty for none.
    #[serde(default)]
    pub telegram_chat_id: String,
    /// Write-only: a new bot token for the unit's own bot (`digits:secret`, as BotFather gives
    /// it). Absent or empty keeps the one set; it is never sent back.
    #[serde(default)]
    pub telegram_bot_token: Option<String>,
    /// Removes the unit's own bot token (its Telegram messages then use the server's bot, if any).
    #[serde(default)]
    pub clear_telegram_bot_token: bool,
    pub version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LevelDto {
    pub code: String,
    pub rank: u8,
    pub name: String,
    pub name_vi: String,
    pub name_en: String,
    pub active_from: Option<String>,
    pub active_to: Option<String>,
}

impl LevelDto {
    pub fn new(l: &AdminLevel, lang: Lang) -> Self {
        LevelDto {
            code: l.code.as_str().into(),
            rank: l.rank,
            name: l.name(lang).into(),
            name_vi: l.name_vi.clone(),
            name_en: l.name_en.clone(),
            active_from: l.active_from.map(|d| d.to_string()),
            active_to: l.active_to.map(|d| d.to_string()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelWrite {
    pub rank: i64,
    pub name_vi: String,
    pub name_en: String,
    pub active_from: Option<String>,
    pub active_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub title: Option<String>,
    /// admin, leader, office or member.
    pub role: String,
    pub role_label: String,
    pub unit_id: Uuid,
    pub active: bool,
    pub must_change_password: bool,
    pub version: i64,
}

impl UserDto {
    pub fn new(u: &User, lang: Lang) -> Self {
        UserDto {
            id: u.id.0,
            username: u.username.as_str().into(),
            display_name: u.display_name.clone(),
            title: u.title.clone(),
            role: u.role.code().into(),
            role_label: u.role.label(lang).into(),
            unit_id: u.unit_id.0,
            active: u.active,
            must_change_password: u.must_change_password,
            version: u.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    pub username: String,
    pub display_name: String,
    pub title: Option<String>,
    pub role: String,
    pub unit_id: Uuid,
}

/// A user just created, or whose password was just reset, with the one-time password. It is shown
/// this once and never stored in clear.
#[derive(Serialize, ToSchema)]
pub struct UserWithPassword {
    pub user: UserDto,
    pub one_time_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserDto>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    pub user: UserDto,
    /// Send it back in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// The root unit of what the user may see.
    pub scope_root: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: Uuid,
    /// RFC 3339 timestamp.
    pub at: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub action_label: String,
    pub entity: String,
    pub entity_id: String,
    pub unit_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntryDto {
    pub fn new(e: &AuditEntry, lang: Lang) -> Self {
        AuditEntryDto {
            id: e.id,
            at: e.at.to_string(),
            actor_id: e.actor_id.map(|u| u.0),
            actor_name: e.actor_name.clone(),
            action: e.action.code().into(),
            action_label: e.action.label(lang).into(),
            entity: e.entity.clone(),
            entity_id: e.entity_id.clone(),
            unit_id: e.unit_id.map(|u| u.0),
            before: e.before.clone(),
            after: e.after.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryDto>,
    /// Pass as `before` to get the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}
