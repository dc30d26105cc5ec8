//! Việc chờ xử lý: what waits for the signed-in person's decision, as the pages and the API share
//! it. Extension requests to approve or refuse, reports sent to accept or return, draft notices to
//! issue, recommendations addressed to the person's unit to answer.
//!
//! Nothing is stored for it: the inbox is read from the state of the records, through the same
//! access rules the decisions themselves check ([`may_decide_extension`], the review of reports,
//! writing for a notice's issuer, answering for the addressed unit), so an item shows exactly when
//! the person may decide it. A commune never sees another unit's items. [`inbox_count`] is one
//! query (the menu of every page shows it); [`inbox`] reads the items themselves.

use std::collections::HashMap;

use giaoban_domain::Lang;
use giaoban_domain::access::{Permission, may_decide_extension};
use giaoban_domain::report::FormId;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::Role;
use giaoban_storage::Store;
use giaoban_storage::inbox::{InboxQuery, InboxTally, Reach, UnitSet};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;
use crate::work::UnitName;

/// Most items of each kind one inbox lists (the counts are always whole).
pub const ITEMS_PER_KIND: u32 = 200;

/// Most characters of a record's text in an item's title (the card gives the whole text).
const TITLE_CHARS: usize = 120;

/// The kinds of what waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// An extension request to approve or refuse.
    Extension,
    /// A report sent, to accept or return.
    Report,
    /// A draft notice to issue.
    Notice,
    /// A recommendation addressed to the person's unit, to answer.
    Recommendation,
}

impl InboxKind {
    pub fn code(self) -> &'static str {
        match self {
            InboxKind::Extension => "extension",
            InboxKind::Report => "report",
            InboxKind::Notice => "notice",
            InboxKind::Recommendation => "recommendation",
        }
    }

    fn label(self, t: &InboxTexts) -> &'static str {
        match self {
            InboxKind::Extension => t.kind_extension,
            InboxKind::Report => t.kind_report,
            InboxKind::Notice => t.kind_notice,
            InboxKind::Recommendation => t.kind_recommendation,
        }
    }
}

/// How many items wait, in all and by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct InboxCounts {
    pub total: u64,
    pub extensions: u64,
    pub reports: u64,
    pub notices: u64,
    pub recommendations: u64,
}

impl From<InboxTally> for InboxCounts {
    fn from(t: InboxTally) -> Self {
        InboxCounts {
            total: t.total(),
            extensions: t.extensions,
            reports: t.reports,
            notices: t.notices,
            recommendations: t.recommendations,
        }
    }
}

/// One fact of an item, as its card shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxFact {
    pub label: String,
    pub value: String,
}

/// What can be done with an item from the inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxAction {
    /// `approve`, `refuse` (extension), `accept`, `return` (report), `issue` (notice), `answer`
    /// (recommendation).
    pub code: String,
    pub label: String,
    /// The API request that does it: `POST` and the path (its body as that route documents).
    pub api_method: String,
    pub api_path: String,
    /// The page form that does it from the inbox, or for `issue` the notice's page with its
    /// confirmation.
    pub page_path: String,
    /// Fields the action requires (`reason` to return a report, `answer` to answer).
    pub requires: Vec<String>,
}

/// An extension request waiting for a decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtensionItem {
    pub task_id: Uuid,
    /// The request (a decision from the inbox names it, so that a later request is never decided
    /// by a stale click).
    pub request_id: Uuid,
    pub task_content: String,
    pub assigner: UnitName,
    /// The unit that asked (the task's lead).
    pub lead: UnitName,
    /// Who asked, by name.
    pub requested_by: String,
    pub requested_at: String,
    pub reason: String,
    /// The deadline in force now (`None` for a task without a set deadline).
    pub current_due_label: Option<String>,
    pub current_due_date: Option<String>,
    pub asked_due_label: String,
    pub asked_due_date: String,
}

/// A report sent and waiting for review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportItem {
    pub submission_id: Uuid,
    pub form_id: Uuid,
    pub form_name: String,
    pub unit: UnitName,
    pub period: String,
    pub period_label: String,
    pub sent_at: Option<String>,
    /// The version to send with `accept` or `return`.
    pub version: i64,
}

/// A draft notice waiting to be issued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeItem {
    pub conclusion_id: Uuid,
    /// The symbol; the number is given at issue.
    pub symbol: String,
    pub title: String,
    pub issuer: UnitName,
    pub meeting_id: Uuid,
    pub meeting_title: String,
    pub meeting_date: String,
    pub drafted_at: String,
    pub version: i64,
}

/// A recommendation waiting for an answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendationItem {
    pub recommendation_id: Uuid,
    pub raised_by: UnitName,
    pub addressed_to: Option<UnitName>,
    pub content: String,
    pub raised_on: String,
    pub meeting_id: Option<Uuid>,
    pub meeting_title: Option<String>,
    /// The version to send with the answer.
    pub version: i64,
}

/// One thing waiting, with what it is about and what can be done from the inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxItem {
    pub kind: InboxKind,
    pub kind_label: String,
    /// The record decided on: the task (extension), the submission (report), the notice, the
    /// recommendation.
    pub id: Uuid,
    /// The id of the item's card on `/inbox` (`inbox-extension-<id>`…), for links and messages.
    pub anchor: String,
    pub title: String,
    pub details: Vec<InboxFact>,
    /// Since when it waits (dd/mm/yyyy hh:mm, Vietnam time), and the instant (RFC 3339).
    pub since: String,
    pub since_at: String,
    /// The record's page.
    pub link: String,
    pub actions: Vec<InboxAction>,
    pub extension: Option<ExtensionItem>,
    pub report: Option<ReportItem>,
    pub notice: Option<NoticeItem>,
    pub recommendation: Option<RecommendationItem>,
}

/// The inbox: the counts (whole) and the items (extensions, reports, notices, recommendations,
/// each kind longest-waiting first, at most 200 of each).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxView {
    pub total: u64,
    pub counts: InboxCounts,
    pub items: Vec<InboxItem>,
    /// Some kind has more items than are listed.
    pub truncated: bool,
}

/// The access rules as the inbox's query: whose records each kind covers for this person.
///
/// - Extensions ([`may_decide_extension`]): leaders, office staff and administrators, on tasks
///   assigned by a unit they write for (their territory; anywhere for an administrator), except
///   those their own unit asked for.
/// - Reports (the review of [`crate::reports`]): the same people, for units whose parent they
///   write for, except their own unit's (an administrator reviews any).
/// - Notices ([`crate::work::issue_conclusion`]): drafts of an issuer the person writes for (a
///   member: its own unit).
/// - Recommendations: awaiting an answer, addressed to the person's own unit or (leaders, office
///   staff, administrators) to a body above it up to their territory (a commune's report
///   addresses its district). Those addressed to other units of the territory wait for those
///   units.
pub fn inbox_query(me: &Caller) -> InboxQuery {
    let a = &me.actor;
    let tree = UnitTree::new(&me.units);
    let own_chain = || {
        let mut chain = Vec::new();
        for u in tree.ancestry(a.unit_id) {
            chain.push(u);
            if u == a.scope_root && a.role != Role::Admin {
                break;
            }
        }
        chain
    };
    match a.role {
        Role::Member => InboxQuery {
            extensions: None,
            reports: None,
            notices: Some(UnitSet::Only(a.unit_id)),
            recommendations: vec![a.unit_id],
        },
        Role::Leader | Role::Office => {
            let within = UnitSet::Under(a.scope_root);
            InboxQuery {
                extensions: Some(Reach {
                    units: within,
                    except: Some(a.unit_id),
                }),
                reports: Some(Reach {
                    units: within,
                    except: Some(a.unit_id),
                }),
                notices: Some(within),
                recommendations: own_chain(),
            }
        }
        Role::Admin => InboxQuery {
            extensions: Some(Reach {
                units: UnitSet::All,
                except: Some(a.unit_id),
            }),
            reports: Some(Reach {
                units: UnitSet::All,
                except: None,
            }),
            notices: Some(UnitSet::All),
            recommendations: own_chain(),
        },
    }
}

/// How many items wait for the person, in one query (no record is read whole): for the menu of
/// every page and the home page.
pub async fn inbox_count(store: &Store, me: &Caller) -> Result<InboxCounts, Error> {
    Ok(store.inbox_tally(&inbox_query(me)).await?.into())
}

fn ts_label(ts: Timestamp) -> String {
    let dt = giaoban_domain::calendar::local_datetime(ts);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        dt.day(),
        dt.month(),
        dt.year(),
        dt.hour(),
        dt.minute()
    )
}

fn short(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

fn unit_name(tree: &UnitTree<'_>, id: UnitId) -> UnitName {
    UnitName {
        id: id.0,
        name: tree
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string()),
    }
}

fn fact(label: &str, value: impl Into<String>) -> InboxFact {
    InboxFact {
        label: label.to_owned(),
        value: value.into(),
    }
}

fn action(
    code: &str,
    label: &str,
    api_path: String,
    page_path: String,
    requires: &[&str],
) -> InboxAction {
    InboxAction {
        code: code.to_owned(),
        label: label.to_owned(),
        api_method: "POST".to_owned(),
        api_path,
        page_path,
        requires: requires.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// The card id of an item on `/inbox`.
pub fn anchor(kind: InboxKind, id: Uuid) -> String {
    format!("inbox-{}-{id}", kind.code())
}

/// A bare item of `kind` about record `id`, waiting since `since`.
fn item(kind: InboxKind, id: Uuid, t: &InboxTexts, since: Timestamp) -> InboxItem {
    InboxItem {
        kind,
        kind_label: kind.label(t).to_owned(),
        id,
        anchor: anchor(kind, id),
        title: String::new(),
        details: vec![],
        since: ts_label(since),
        since_at: since.to_string(),
        link: String::new(),
        actions: vec![],
        extension: None,
        report: None,
        notice: None,
        recommendation: None,
    }
}

/// What waits for the person, each item checked again against the rule of its decision.
pub async fn inbox(state: &App, me: &Caller, lang: Lang) -> Result<InboxView, Error> {
    let t = inbox_texts(lang);
    let q = inbox_query(me);
    let counts: InboxCounts = state.store.inbox_tally(&q).await?.into();
    let found = state.store.inbox_items(&q, ITEMS_PER_KIND).await?;
    let tree = UnitTree::new(&me.units);
    let may = |perm: Permission, unit: UnitId| me.actor.may(perm, &tree.ancestry(unit));
    let mut items = Vec::new();

    let now = state.now();
    let tasks = state.store.tasks_by_ids(&found.extension_tasks).await?;
    let mut tasks: HashMap<Uuid, _> = tasks.into_iter().map(|t| (t.id.0, t)).collect();
    for id in &found.extension_tasks {
        let Some(task) = tasks.remove(&id.0) else {
            continue;
        };
        let Some(ext) = task.pending_extension.clone() else {
            continue;
        };
        if !may_decide_extension(
            &me.actor,
            &tree.ancestry(task.assigner_unit_id),
            task.lead_unit_id,
        ) {
            continue;
        }
        let current = task
            .assess(now, &crate::work::policy())
            .map_err(|e| Error::Internal(format!("task {}: {e}", task.id)))?
            .assessment
            .effective_due;
        let lead = unit_name(&tree, task.lead_unit_id);
        let assigner = unit_name(&tree, task.assigner_unit_id);
        let tid = task.id.0;
        let mut it = item(InboxKind::Extension, tid, t, ext.requested_at);
        let title = short(&task.content, TITLE_CHARS);
        it.title = format!("{}: {title}", t.kinds_extension);
        // The whole text when the title had to shorten it.
        if title != task.content.trim() {
            it.details.push(fact(t.task, task.content.clone()));
        }
        it.details.extend([
            fact(t.asked_by, format!("{} — {}", lead.name, ext.requested_by)),
            fact(t.asked_on, ts_label(ext.requested_at)),
            fact(
                t.current_due,
                current.map_or_else(|| t.no_due.to_owned(), |d| d.label(lang)),
            ),
            fact(t.asked_due, ext.new_due.label(lang)),
            fact(t.reason, ext.reason.clone()),
            fact(t.assigner, assigner.name.clone()),
        ]);
        it.link = format!("/tasks/{tid}");
        let api = format!("/api/v1/tasks/{tid}/extension/decision");
        let page = format!("/inbox/extensions/{tid}");
        it.actions = vec![
            action("approve", t.approve, api.clone(), page.clone(), &[]),
            action("refuse", t.refuse, api, page, &[]),
        ];
        it.extension = Some(ExtensionItem {
            task_id: tid,
            request_id: ext.id,
            task_content: task.content.clone(),
            assigner,
            lead,
            requested_by: ext.requested_by.clone(),
            requested_at: ts_label(ext.requested_at),
            reason: ext.reason.clone(),
            current_due_label: current.map(|d| d.label(lang)),
            current_due_date: current.map(|d| d.date.to_string()),
            asked_due_label: ext.new_due.label(lang),
            asked_due_date: ext.new_due.date.to_string(),
        });
        items.push(it);
    }

    let mut forms = HashMap::new();
    for r in &found.reports {
        if !crate::reports::reviews(me, &tree, r.unit_id) {
            continue;
        }
        let form = match forms.get(&r.form_id) {
            Some(f) => f,
            None => {
                let f = state.store.form(FormId(r.form_id)).await?;
                forms.entry(r.form_id).or_insert(f)
            }
        };
        let form_name = form.name(lang).to_owned();
        let period_label = r.period.label(lang);
        let unit = unit_name(&tree, r.unit_id);
        let since = r.sent_at.or(r.first_sent_at).unwrap_or(now);
        let mut it = item(InboxKind::Report, r.id, t, since);
        it.title = format!("{}: {}", t.kinds_report, form_name);
        it.details = vec![
            fact(t.unit, unit.name.clone()),
            fact(t.period, period_label.clone()),
            fact(t.sent_at, ts_label(since)),
        ];
        it.link = format!("/reports/{}/{}/{}", r.form_id, r.period, r.unit_id);
        let api = format!("/api/v1/submissions/{}/action", r.id);
        let page = format!("/inbox/reports/{}", r.id);
        it.actions = vec![
            action("accept", t.accept, api.clone(), page.clone(), &[]),
            action("return", t.return_report, api, page, &["reason"]),
        ];
        it.report = Some(ReportItem {
            submission_id: r.id,
            form_id: r.form_id,
            form_name,
            unit,
            period: r.period.code(),
            period_label,
            sent_at: r.sent_at.map(ts_label),
            version: r.version,
        });
        items.push(it);
    }

    for n in &found.notices {
        if !may(Permission::WriteRecords, n.issuer_unit_id) {
            continue;
        }
        let issuer = unit_name(&tree, n.issuer_unit_id);
        let meeting_date = giaoban_domain::calendar::format_date_vi(n.meeting_date);
        let mut it = item(InboxKind::Notice, n.id, t, n.created_at);
        it.title = format!("{}: {}", t.kinds_notice, short(&n.title, TITLE_CHARS));
        it.details = vec![
            fact(t.number, format!("…/{} ({})", n.symbol, t.number_at_issue)),
            fact(t.issuer, issuer.name.clone()),
            fact(t.meeting, format!("{} ({meeting_date})", n.meeting_title)),
            fact(t.drafted, ts_label(n.created_at)),
        ];
        it.link = format!("/conclusions/{}#issue", n.id);
        it.actions = vec![action(
            "issue",
            t.issue,
            format!("/api/v1/conclusions/{}/issue", n.id),
            format!("/conclusions/{}#issue", n.id),
            &[],
        )];
        it.notice = Some(NoticeItem {
            conclusion_id: n.id,
            symbol: n.symbol.clone(),
            title: n.title.clone(),
            issuer,
            meeting_id: n.meeting_id,
            meeting_title: n.meeting_title.clone(),
            meeting_date,
            drafted_at: ts_label(n.created_at),
            version: n.version,
        });
        items.push(it);
    }

    for r in &found.recommendations {
        let Some(to) = r.addressed_to_unit_id else {
            continue;
        };
        if !may(Permission::WriteRecords, to) {
            continue;
        }
        let raised_by = unit_name(&tree, r.raised_by_unit_id);
        let addressed_to = unit_name(&tree, to);
        let raised_on = giaoban_domain::calendar::format_date_vi(r.raised_on);
        let mut it = item(InboxKind::Recommendation, r.id, t, r.created_at);
        let title = short(&r.content, TITLE_CHARS);
        it.title = format!("{}: {title}", t.kinds_recommendation);
        it.details = vec![
            fact(t.raised_by, raised_by.name.clone()),
            fact(t.addressed_to, addressed_to.name.clone()),
        ];
        if title != r.content.trim() {
            it.details.push(fact(t.content, r.content.clone()));
        }
        it.details.push(fact(t.raised_on, raised_on.clone()));
        if let Some(m) = &r.meeting_title {
            it.details.push(fact(t.meeting, m.clone()));
        }
        it.link = format!("/recommendations#rec-{}", r.id);
        it.actions = vec![action(
            "answer",
            t.answer,
            format!("/api/v1/recommendations/{}/answer", r.id),
            format!("/inbox/recommendations/{}/answer", r.id),
            &["answer"],
        )];
        it.recommendation = Some(RecommendationItem {
            recommendation_id: r.id,
            raised_by,
            addressed_to: Some(addressed_to),
            content: r.content.clone(),
            raised_on,
            meeting_id: r.meeting_id,
            meeting_title: r.meeting_title.clone(),
            version: r.version,
        });
        items.push(it);
    }

    let limit = u64::from(ITEMS_PER_KIND);
    let truncated = [
        counts.extensions,
        counts.reports,
        counts.notices,
        counts.recommendations,
    ]
    .iter()
    .any(|n| *n > limit);
    Ok(InboxView {
        total: counts.total,
        counts,
        items,
        truncated,
    })
}

/// Whether the record of an item of `kind` still waits for a decision (after a refused decision:
/// was it decided meanwhile, by a double click or by someone else?). A record gone waits no more.
pub async fn still_waiting(state: &App, kind: InboxKind, id: Uuid) -> Result<bool, Error> {
    use giaoban_domain::conclusion::ConclusionStatus;
    use giaoban_domain::meeting::RecommendationStatus;
    use giaoban_domain::report::{SubmissionId, SubmissionStatus};
    use giaoban_storage::StoreError;
    let found = match kind {
        InboxKind::Extension => state
            .store
            .task(giaoban_domain::task::TaskId(id))
            .await
            .map(|t| t.pending_extension.is_some()),
        InboxKind::Report => state
            .store
            .submission(SubmissionId(id))
            .await
            .map(|s| s.status == SubmissionStatus::Submitted),
        InboxKind::Notice => state
            .store
            .conclusion(id)
            .await
            .map(|c| c.status == ConclusionStatus::Draft),
        InboxKind::Recommendation => state
            .store
            .recommendation(id)
            .await
            .map(|r| r.status == RecommendationStatus::Awaiting),
    };
    match found {
        Ok(waiting) => Ok(waiting),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The texts of the inbox ("Việc chờ xử lý"): its page, its menu entry and home-page block, and
/// the titles and facts of its items (the API gives them too).
pub struct InboxTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub empty: &'static str,
    pub truncated: &'static str,
    pub home_waiting: &'static str,
    pub home_open: &'static str,
    pub kinds_extension: &'static str,
    pub kinds_report: &'static str,
    pub kinds_notice: &'static str,
    pub kinds_recommendation: &'static str,
    pub kind_extension: &'static str,
    pub kind_report: &'static str,
    pub kind_notice: &'static str,
    pub kind_recommendation: &'static str,
    pub task: &'static str,
    pub asked_by: &'static str,
    pub asked_on: &'static str,
    pub current_due: &'static str,
    pub no_due: &'static str,
    pub asked_due: &'static str,
    pub reason: &'static str,
    pub assigner: &'static str,
    pub unit: &'static str,
    pub period: &'static str,
    pub sent_at: &'static str,
    pub number: &'static str,
    pub number_at_issue: &'static str,
    pub issuer: &'static str,
    pub meeting: &'static str,
    pub drafted: &'static str,
    pub raised_by: &'static str,
    pub addressed_to: &'static str,
    pub raised_on: &'static str,
    pub content: &'static str,
    pub waiting_since: &'static str,
    pub approve: &'static str,
    pub refuse: &'static str,
    pub note: &'static str,
    pub accept: &'static str,
    pub return_report: &'static str,
    pub return_reason: &'static str,
    pub issue: &'static str,
    pub answer: &'static str,
    pub answer_text: &'static str,
    pub open: &'static str,
    pub done_approved: &'static str,
    pub done_refused: &'static str,
    pub done_accepted: &'static str,
    pub done_returned: &'static str,
    pub done_answered: &'static str,
    pub already_done: &'static str,
}

pub static INBOX_VI: InboxTexts = InboxTexts {
    nav: "Việc chờ xử lý",
    title: "Việc chờ xử lý",
    intro: "Những việc đang chờ bạn quyết định: đề nghị gia hạn, báo cáo chờ duyệt, thông báo chờ ban hành, kiến nghị chờ trả lời.",
    empty: "Không có việc nào đang chờ bạn.",
    truncated: "Chỉ hiện những việc chờ lâu nhất của mỗi loại; xử lý xong sẽ hiện tiếp.",
    home_waiting: "việc đang chờ bạn xử lý",
    home_open: "Mở danh sách việc chờ xử lý",
    kinds_extension: "Đề nghị gia hạn",
    kinds_report: "Báo cáo chờ duyệt",
    kinds_notice: "Thông báo chờ ban hành",
    kinds_recommendation: "Kiến nghị chờ trả lời",
    kind_extension: "Gia hạn",
    kind_report: "Báo cáo",
    kind_notice: "Thông báo",
    kind_recommendation: "Kiến nghị",
    task: "Nhiệm vụ",
    asked_by: "Đơn vị đề nghị",
    asked_on: "Ngày đề nghị",
    current_due: "Hạn hiện tại",
    no_due: "Không có hạn cụ thể",
    asked_due: "Hạn đề nghị",
    reason: "Lý do",
    assigner: "Cơ quan giao",
    unit: "Đơn vị",
    period: "Kỳ báo cáo",
    sent_at: "Gửi lúc",
    number: "Số, ký hiệu",
    number_at_issue: "số cấp khi ban hành",
    issuer: "Cơ quan ban hành",
    meeting: "Cuộc họp",
    drafted: "Soạn lúc",
    raised_by: "Đơn vị kiến nghị",
    addressed_to: "Gửi đến",
    raised_on: "Ngày kiến nghị",
    content: "Nội dung",
    waiting_since: "Chờ từ",
    approve: "Đồng ý gia hạn",
    refuse: "Không đồng ý",
    note: "Ghi chú (không bắt buộc)",
    accept: "Duyệt báo cáo",
    return_report: "Trả lại",
    return_reason: "Lý do trả lại",
    issue: "Mở để ban hành",
    answer: "Trả lời",
    answer_text: "Nội dung trả lời",
    open: "Xem chi tiết",
    done_approved: "Đã đồng ý gia hạn.",
    done_refused: "Đã không đồng ý gia hạn.",
    done_accepted: "Đã duyệt báo cáo.",
    done_returned: "Đã trả lại báo cáo.",
    done_answered: "Đã trả lời kiến nghị.",
    already_done: "Việc này đã được xử lý trước đó và không còn chờ bạn; không có gì thay đổi thêm.",
};

pub static INBOX_EN: InboxTexts = InboxTexts {
    nav: "Waiting for me",
    title: "Waiting for me",
    intro: "What waits for your decision: extension requests, reports to review, notices to issue, recommendations to answer.",
    empty: "Nothing is waiting for you.",
    truncated: "Only the longest-waiting items of each kind are shown; more appear as these are dealt with.",
    home_waiting: "items waiting for you",
    home_open: "Open the list of what waits for me",
    kinds_extension: "Extension requests",
    kinds_report: "Reports to review",
    kinds_notice: "Notices to issue",
    kinds_recommendation: "Recommendations to answer",
    kind_extension: "Extension",
    kind_report: "Report",
    kind_notice: "Notice",
    kind_recommendation: "Recommendation",
    task: "Task",
    asked_by: "Asked by",
    asked_on: "Asked on",
    current_due: "Current deadline",
    no_due: "No set deadline",
    asked_due: "Deadline asked for",
    reason: "Reason",
    assigner: "Assigned by",
    unit: "Unit",
    period: "Period",
    sent_at: "Sent",
    number: "Number, symbol",
    number_at_issue: "number given at issue",
    issuer: "Issued by",
    meeting: "Meeting",
    drafted: "Drafted",
    raised_by: "Raised by",
    addressed_to: "Addressed to",
    raised_on: "Raised on",
    content: "Content",
    waiting_since: "Waiting since",
    approve: "Approve",
    refuse: "Refuse",
    note: "Note (optional)",
    accept: "Accept",
    return_report: "Return",
    return_reason: "Reason for returning",
    issue: "Open to issue",
    answer: "Answer",
    answer_text: "Your answer",
    open: "Open",
    done_approved: "Extension approved.",
    done_refused: "Extension refused.",
    done_accepted: "Report accepted.",
    done_returned: "Report returned.",
    done_answered: "Recommendation answered.",
    already_done: "This was already dealt with and no longer waits for you; nothing was changed again.",
};

pub fn inbox_texts(lang: Lang) -> &'static InboxTexts {
    match lang {
        Lang::Vi => &INBOX_VI,
        Lang::En => &INBOX_EN,
    }
}
