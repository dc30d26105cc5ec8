//! Bàn giao nhiệm vụ của đơn vị đã kết thúc (issue 24): what the units that ended (the districts and
//! their bodies on 30/06/2025, the merged communes) still hold — open tasks they lead or coordinate,
//! recurring obligations, the report forms they own — grouped by ended unit with the successor the
//! rules propose ([`giaoban_domain::handover`]); and the moves: one item to a chosen unit, or every
//! item with an obvious successor at once.
//!
//! Leaders, office staff and the administrator see the list of their scope; the administrator and
//! a province's office staff hand over. Each move is one audited transaction that keeps the former
//! unit in the task's history ("Chuyển giao từ … sang …"); a stale version is a conflict. The bulk
//! move is idempotent: once done, nothing is left to move.

use std::collections::HashMap;

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::deadline::Deadline;
use giaoban_domain::handover::{
    ended_parties, may_hand_over, may_see_handover, may_take_over, proposed_successor,
};
use giaoban_domain::report::FormId;
use giaoban_domain::task::{TaskId, TaskRole};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, Unit, UnitId};
use giaoban_storage::tasks::TaskFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::work::UnitName;
use crate::{App, Caller, Error};

/// What an item of the list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An open task (dated, within a period or standing).
    Task,
    /// A task with a recurring deadline (a report every month, a meeting every week).
    Recurring,
    /// A report form the ended territory owned (collected and changed).
    ReportForm,
}

impl ItemKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ItemKind::Task => lang.pick("Nhiệm vụ", "Task"),
            ItemKind::Recurring => lang.pick("Nhiệm vụ định kỳ", "Recurring obligation"),
            ItemKind::ReportForm => lang.pick("Biểu mẫu báo cáo", "Report form"),
        }
    }
}

/// What a move request names: a task (recurring or not) or a report form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HandoverTarget {
    Task,
    ReportForm,
}

impl HandoverTarget {
    /// As the request names it (`task`, `report_form`).
    pub fn code(self) -> &'static str {
        match self {
            HandoverTarget::Task => "task",
            HandoverTarget::ReportForm => "report_form",
        }
    }
}

/// One thing an ended unit holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverItem {
    pub kind: ItemKind,
    pub kind_label: String,
    /// What a move request names (`task` for recurring tasks too).
    pub target: HandoverTarget,
    pub id: Uuid,
    /// `lead`, `coordinate` (tasks) or `owner` (report forms).
    pub role: String,
    pub role_label: String,
    pub title: String,
    /// The page of the item.
    pub link: String,
    /// The version a move must name.
    pub version: i64,
}

/// An ended unit and what it still holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverGroup {
    pub unit: UnitName,
    pub kind_label: String,
    /// The last day the unit was active (dd/mm/yyyy).
    pub ended_on: Option<String>,
    /// The obvious successor, when there is one; otherwise the office chooses.
    pub proposed: Option<UnitName>,
    pub items: Vec<HandoverItem>,
}

/// The handover list of the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverView {
    /// The day the list is of (dd/mm/yyyy).
    pub as_of: String,
    /// Whether the caller may move items (administrator, province office).
    pub may_act: bool,
    pub groups: Vec<HandoverGroup>,
    /// Items in all.
    pub total: usize,
    /// Items with an obvious successor (what the bulk move would move).
    pub obvious: usize,
    /// The units an item may be handed to (living communes and their bodies, province bodies).
    pub candidates: Vec<UnitName>,
}

/// Moves one item from an ended unit to a chosen one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverOne {
    pub target: HandoverTarget,
    /// The task's or the form's id.
    pub id: Uuid,
    /// The ended unit that holds it.
    pub from_unit: Uuid,
    /// The unit taking it over: living, in the caller's scope.
    pub to_unit: Uuid,
    /// The item's version as shown; a different one is a conflict (409).
    #[serde(default)]
    pub version: Option<i64>,
}

/// Moves every item with an obvious successor, of one ended unit or of all.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverBulk {
    /// The ended unit; absent: every ended unit in the caller's scope.
    #[serde(default)]
    pub unit: Option<Uuid>,
}

/// One move made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverMove {
    pub target: HandoverTarget,
    pub id: Uuid,
    pub from: UnitName,
    pub to: UnitName,
}

/// What a move request did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverOutcome {
    pub moved: usize,
    pub moves: Vec<HandoverMove>,
    /// Items still held by ended units of the request's range (those with no obvious successor).
    pub left: usize,
}

fn name(tree: &UnitTree<'_>, id: UnitId) -> UnitName {
    UnitName {
        id: id.0,
        name: tree
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string()),
    }
}

fn date_label(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

fn role_label(role: &str, lang: Lang) -> &'static str {
    match role {
        "lead" => lang.pick("Chủ trì", "Lead"),
        "coordinate" => lang.pick("Phối hợp", "Coordinating"),
        _ => lang.pick("Đơn vị quản lý biểu mẫu", "Form owner"),
    }
}

/// The ended units of the caller's scope, as of `today`.
fn ended_units<'a>(
    me: &Caller,
    tree: &UnitTree<'a>,
    units: &'a [Unit],
    today: jiff::civil::Date,
) -> Vec<&'a Unit> {
    units
        .iter()
        .filter(|u| !u.is_active_on(today))
        .filter(|u| me.may(tree, Permission::ReadRecords, u.id))
        .collect()
}

/// Whether the caller may move items.
fn may_act(me: &Caller, tree: &UnitTree<'_>) -> bool {
    may_hand_over(&me.actor, tree.get(me.actor.scope_root).map(|u| u.kind))
}

/// The groups of `ended` (ended units), each with what it holds, in the order of the tree.
async fn collect(
    state: &App,
    tree: &UnitTree<'_>,
    ended: &[&Unit],
    lang: Lang,
) -> Result<Vec<HandoverGroup>, Error> {
    let now = state.now();
    let today = state.today();
    let mut groups: Vec<HandoverGroup> = Vec::new();
    let forms = state.store.forms().await?;
    for u in ended {
        let mut items = Vec::new();
        let tasks = state
            .store
            .tasks(&TaskFilter {
                party: Some(u.id),
                maybe_open_at: Some(now),
                ..TaskFilter::default()
            })
            .await?;
        for t in tasks {
            if t.cancelled {
                continue;
            }
            let Some((_, role)) = ended_parties(&t, tree, today)
                .into_iter()
                .find(|(p, _)| *p == u.id)
            else {
                continue;
            };
            let kind = if matches!(t.deadline, Deadline::Recurring(_)) {
                ItemKind::Recurring
            } else {
                ItemKind::Task
            };
            let role = match role {
                TaskRole::Lead => "lead",
                _ => "coordinate",
            };
            items.push(HandoverItem {
                kind,
                kind_label: kind.label(lang).into(),
                target: HandoverTarget::Task,
                id: t.id.0,
                role: role.into(),
                role_label: role_label(role, lang).into(),
                title: t.content.clone(),
                link: format!("/tasks/{}", t.id.0),
                version: t.version,
            });
        }
        for f in forms
            .iter()
            .filter(|f| f.active && f.owner_unit_id == Some(u.id))
        {
            items.push(HandoverItem {
                kind: ItemKind::ReportForm,
                kind_label: ItemKind::ReportForm.label(lang).into(),
                target: HandoverTarget::ReportForm,
                id: f.id.0,
                role: "owner".into(),
                role_label: role_label("owner", lang).into(),
                title: format!("{} — {}", f.def.code, f.name(lang)),
                link: "/reports".into(),
                version: f.version,
            });
        }
        if items.is_empty() {
            continue;
        }
        groups.push(HandoverGroup {
            unit: name(tree, u.id),
            kind_label: u.kind.label(lang).into(),
            ended_on: u.active_to.map(date_label),
            proposed: proposed_successor(tree, u.id, today).map(|s| name(tree, s)),
            items,
        });
    }
    Ok(groups)
}

/// The handover list of the caller's scope: leaders, office staff and the administrator.
pub async fn list(state: &App, me: &Caller, lang: Lang) -> Result<HandoverView, Error> {
    if !may_see_handover(&me.actor) {
        return Err(Error::Forbidden);
    }
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let today = state.today();
    let ended = ended_units(me, &tree, &units, today);
    let groups = collect(state, &tree, &ended, lang).await?;
    let total = groups.iter().map(|g| g.items.len()).sum();
    let obvious = groups
        .iter()
        .filter(|g| g.proposed.is_some())
        .map(|g| g.items.len())
        .sum();
    let mut candidates: Vec<(bool, &Unit)> = tree
        .preorder(None)
        .into_iter()
        .map(|(u, _)| u)
        .filter(|u| may_take_over(&tree, u, today))
        .filter(|u| me.may(&tree, Permission::WriteRecords, u.id))
        .map(|u| (u.kind.is_territorial(), u))
        .collect();
    // Bodies (a province department) first, then the communes, each by name.
    candidates.sort_by_cached_key(|(t, u)| (*t, giaoban_vntext::normalize::ascii_key(&u.name)));
    Ok(HandoverView {
        as_of: date_label(today),
        may_act: may_act(me, &tree),
        total,
        obvious,
        groups,
        candidates: candidates
            .into_iter()
            .map(|(_, u)| name(&tree, u.id))
            .collect(),
    })
}

fn unknown_unit(field: &'static str) -> Error {
    Invalid::new(
        field,
        "unit.unknown",
        "Đơn vị không tồn tại.",
        "The unit does not exist.",
    )
    .into()
}

/// The checks of a move from `from` to `to` on `today`: the caller hands over, writes for both
/// units (403 otherwise: a unit of another territory is not theirs to use), `from` has ended and
/// `to` may take over.
fn check_move(
    me: &Caller,
    tree: &UnitTree<'_>,
    from: UnitId,
    to: UnitId,
    today: jiff::civil::Date,
) -> Result<(), Error> {
    if !may_act(me, tree) {
        return Err(Error::Forbidden);
    }
    let from_unit = tree.get(from).ok_or_else(|| unknown_unit("from_unit"))?;
    let to_unit = tree.get(to).ok_or_else(|| unknown_unit("to_unit"))?;
    if !me.may(tree, Permission::WriteRecords, from) || !me.may(tree, Permission::WriteRecords, to)
    {
        return Err(Error::Forbidden);
    }
    if from_unit.is_active_on(today) {
        return Err(Invalid::new(
            "from_unit",
            "handover.unit_living",
            format!(
                "«{}» vẫn đang hoạt động: không có gì phải bàn giao.",
                from_unit.name
            ),
            format!(
                "«{}» is still active: nothing to hand over.",
                from_unit.name
            ),
        )
        .into());
    }
    if !may_take_over(tree, to_unit, today) {
        return Err(Invalid::new(
            "to_unit",
            "handover.successor_unfit",
            format!(
                "«{}» không thể nhận bàn giao: hãy chọn một xã, phường đang hoạt động hoặc một cơ quan cấp tỉnh.",
                to_unit.name
            ),
            format!(
                "«{}» cannot take over: choose an active commune or ward, or a province body.",
                to_unit.name
            ),
        )
        .into());
    }
    Ok(())
}

/// The note of a task's history entry: "Chuyển giao từ <old> sang <new> (chủ trì)".
fn handover_note(tree: &UnitTree<'_>, from: UnitId, to: UnitId, role: &str) -> String {
    format!(
        "Chuyển giao từ {} sang {} ({})",
        name(tree, from).name,
        name(tree, to).name,
        role_label(role, Lang::Vi).to_lowercase()
    )
}

/// Makes one move (checked before), with `version` expected.
#[allow(clippy::too_many_arguments)]
async fn apply(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    target: HandoverTarget,
    id: Uuid,
    from: UnitId,
    to: UnitId,
    version: Option<i64>,
) -> Result<i64, Error> {
    match target {
        HandoverTarget::Task => {
            let task = state.store.task(TaskId(id)).await?;
            let role = if task.lead_unit_id == from {
                "lead"
            } else {
                "coordinate"
            };
            let note = handover_note(tree, from, to, role);
            let after = state
                .store
                .hand_over_task(&me.audit(), TaskId(id), from, to, version, &note)
                .await?;
            Ok(after.version)
        }
        HandoverTarget::ReportForm => {
            let after = state
                .store
                .hand_over_form(&me.audit(), FormId(id), from, to, version)
                .await?;
            Ok(after.version)
        }
    }
}

/// Moves one item to the unit the office chose.
pub async fn hand_over_one(
    state: &App,
    me: &Caller,
    body: &HandoverOne,
) -> Result<HandoverOutcome, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let (from, to) = (UnitId(body.from_unit), UnitId(body.to_unit));
    check_move(me, &tree, from, to, state.today())?;
    apply(
        state,
        me,
        &tree,
        body.target,
        body.id,
        from,
        to,
        body.version,
    )
    .await?;
    let left = left_of(state, me, &tree, &units, Some(from)).await?;
    Ok(HandoverOutcome {
        moved: 1,
        moves: vec![HandoverMove {
            target: body.target,
            id: body.id,
            from: name(&tree, from),
            to: name(&tree, to),
        }],
        left,
    })
}

/// How many items the ended units of the range (`only`, or all of the caller's scope) still hold.
async fn left_of(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    units: &[Unit],
    only: Option<UnitId>,
) -> Result<usize, Error> {
    let ended: Vec<&Unit> = ended_units(me, tree, units, state.today())
        .into_iter()
        .filter(|u| only.is_none_or(|o| o == u.id))
        .collect();
    let groups = collect(state, tree, &ended, Lang::Vi).await?;
    Ok(groups.iter().map(|g| g.items.len()).sum())
}

/// Applies the obvious rule: every item of the ended unit `body.unit` (or of every ended unit in
/// the caller's scope) whose unit has an obvious successor goes to it. Items of units with none
/// stay for the office to choose. Run twice, the second run moves nothing.
pub async fn hand_over_bulk(
    state: &App,
    me: &Caller,
    body: &HandoverBulk,
) -> Result<HandoverOutcome, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !may_act(me, &tree) {
        return Err(Error::Forbidden);
    }
    let today = state.today();
    let only = body.unit.map(UnitId);
    if let Some(u) = only {
        let unit = tree.get(u).ok_or_else(|| unknown_unit("unit"))?;
        if !me.may(&tree, Permission::WriteRecords, u) {
            return Err(Error::Forbidden);
        }
        if unit.is_active_on(today) {
            return Err(Invalid::new(
                "unit",
                "handover.unit_living",
                format!(
                    "«{}» vẫn đang hoạt động: không có gì phải bàn giao.",
                    unit.name
                ),
                format!("«{}» is still active: nothing to hand over.", unit.name),
            )
            .into());
        }
    }
    let ended: Vec<&Unit> = ended_units(me, &tree, &units, today)
        .into_iter()
        .filter(|u| only.is_none_or(|o| o == u.id))
        .filter(|u| me.may(&tree, Permission::WriteRecords, u.id))
        .collect();
    let groups = collect(state, &tree, &ended, Lang::Vi).await?;
    // A task held by two ended units moves twice: the second move expects the version the first
    // left.
    let mut versions: HashMap<Uuid, i64> = HashMap::new();
    let mut moves = Vec::new();
    for g in &groups {
        let Some(to) = g.proposed.as_ref().map(|p| UnitId(p.id)) else {
            continue;
        };
        let from = UnitId(g.unit.id);
        if !me.may(&tree, Permission::WriteRecords, to) {
            continue;
        }
        if let Err(e) = check_move(me, &tree, from, to, today) {
            match e {
                Error::Invalid(_) => continue, // a successor that cannot take over: the office chooses
                other => return Err(other),
            }
        }
        for it in &g.items {
            let expected = versions.get(&it.id).copied().unwrap_or(it.version);
            let v = apply(state, me, &tree, it.target, it.id, from, to, Some(expected)).await?;
            versions.insert(it.id, v);
            moves.push(HandoverMove {
                target: it.target,
                id: it.id,
                from: name(&tree, from),
                to: name(&tree, to),
            });
        }
    }
    let left = left_of(state, me, &tree, &units, only).await?;
    Ok(HandoverOutcome {
        moved: moves.len(),
        moves,
        left,
    })
}
