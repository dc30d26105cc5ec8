//! Messages out: the channels a server sends by (e-mail, Telegram), the sender of the outbox, the
//! office messages the use cases write, and what the notifications page and API show of them.
//!
//! Nothing is sent inline. A reminder sweep or a use case writes its reminder or message with
//! one delivery per channel the recipient unit has (e-mail when it has an address and SMTP is
//! configured; Telegram when it has a chat and a bot, its own or the server's), then wakes the
//! sender. [`deliver_pending`] sends what is due, retries what may pass (1 min, 5 min, 30 min,
//! 2 h, 6 h, never sooner than Telegram's `retry_after`) and marks the rest failed — shown on the
//! page with a "Gửi lại" button, never dropped. Several servers on one database each claim a row
//! before sending it, so each delivery goes out once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use giaoban_domain::Lang;
use giaoban_domain::Localized;
use giaoban_domain::channel::{Channel, DeliveryStatus, MessageKind, next_retry};
use giaoban_domain::meeting::Recommendation;
use giaoban_domain::report::{ReportForm, Submission, SubmissionAction};
use giaoban_domain::task::Task;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitId};
use giaoban_domain::user::Role;
use giaoban_notify::{BotToken, Mailer, Telegram, TelegramError};
use giaoban_storage::Store;
use giaoban_storage::deliveries::{Claim, Delivery, NewDelivery, Outcome};
use giaoban_storage::messages::NewMessage;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;

/// The environment variable with the address people reach the application at
/// (`https://giaoban.example.vn`): links in e-mails and Telegram messages are made absolute with
/// it. Without it they are paths.
pub const PUBLIC_URL_ENV_VAR: &str = "GIAOBAN_PUBLIC_URL";

/// How long a sender holds a claimed delivery: longer than any one try takes (30 s at most).
pub const LEASE: Duration = Duration::from_secs(5 * 60);

/// How often the server's sender looks for due deliveries when nothing wakes it.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Deliveries claimed per round.
const BATCH: u32 = 50;

/// The channels of a server and the bell that wakes its sender.
pub struct Channels {
    /// E-mail, when SMTP is configured (`GIAOBAN_SMTP_URL`).
    pub mailer: Option<Mailer>,
    /// Telegram, when on (the server always has it, with Telegram's API or
    /// `GIAOBAN_TELEGRAM_API`; the tests' default has none).
    pub telegram: Option<Telegram>,
    /// See [`PUBLIC_URL_ENV_VAR`].
    pub public_url: Option<String>,
    wake: tokio::sync::Notify,
}

impl Channels {
    /// No channel: reminders and messages are kept in the app only.
    pub fn none() -> Channels {
        Channels::new(None, None, None)
    }

    pub fn new(
        mailer: Option<Mailer>,
        telegram: Option<Telegram>,
        public_url: Option<String>,
    ) -> Channels {
        Channels {
            mailer,
            telegram,
            public_url: public_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// The channels this server sends by.
    pub fn enabled(&self) -> Vec<Channel> {
        let mut out = Vec::new();
        if self.mailer.is_some() {
            out.push(Channel::Email);
        }
        if self.telegram.is_some() {
            out.push(Channel::Telegram);
        }
        out
    }

    /// Tells the sender there is something to send (a wake while it is busy is kept for after).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits for [`Channels::wake`].
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// `path` as a link a person can follow from a mail: absolute when the public address is known.
    pub fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => path.to_owned(),
        }
    }

    /// The deliveries of a text to `unit`: by e-mail when it has an address and this server sends
    /// mail; by Telegram when it has a chat, this server sends by Telegram, and there is a bot (the
    /// unit's own, `own_bot`, or the server's).
    pub fn deliveries_for(
        &self,
        unit: &Unit,
        own_bot: bool,
        subject: &str,
        body: &str,
    ) -> Vec<NewDelivery> {
        let mut out = Vec::new();
        if let (Some(_), Some(to)) = (&self.mailer, &unit.contact.email) {
            out.push(NewDelivery {
                unit_id: unit.id,
                channel: Channel::Email,
                destination: to.clone(),
                subject: subject.to_owned(),
                body: body.to_owned(),
            });
        }
        if let (Some(tg), Some(chat)) = (&self.telegram, &unit.contact.telegram_chat_id)
            && (own_bot || tg.server_token().is_some())
        {
            out.push(NewDelivery {
                unit_id: unit.id,
                channel: Channel::Telegram,
                destination: chat.clone(),
                subject: subject.to_owned(),
                body: body.to_owned(),
            });
        }
        out
    }
}

impl Default for Channels {
    fn default() -> Self {
        Channels::none()
    }
}

/// Names the channels on, never a secret.
impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("mailer", &self.mailer)
            .field("telegram", &self.telegram)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

// ── Sending ─────────────────────────────────────────────────────────────────────────────────

/// What one [`deliver_pending`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryRun {
    pub sent: usize,
    /// Failed in a way that may pass: tried again later.
    pub retried: usize,
    /// Given up (a permanent refusal, or the last try).
    pub failed: usize,
}

/// A failure of one try, with what it means for the next.
struct TryError {
    text: String,
    retryable: bool,
    retry_after: Option<Duration>,
}

/// Sends every delivery due at `now` on the channels this server has, once each even when other
/// servers run this at the same time, and records each outcome.
pub async fn deliver_pending(
    store: &Store,
    channels: &Channels,
    now: Timestamp,
) -> Result<DeliveryRun, Error> {
    let enabled = channels.enabled();
    let mut run = DeliveryRun::default();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut tokens: HashMap<UnitId, Option<String>> = HashMap::new();
    loop {
        let due = store.due_deliveries(now, &enabled, BATCH).await?;
        let fresh: Vec<Delivery> = due.into_iter().filter(|d| seen.insert(d.id)).collect();
        if fresh.is_empty() {
            break;
        }
        for d in fresh {
            let Some(claim) = store.claim_delivery(d.id, now, LEASE).await? else {
                continue;
            };
            let tried = try_once(store, channels, &claim.delivery, &mut tokens).await;
            let outcome = outcome_of(&claim, tried, now);
            match &outcome {
                Outcome::Sent => run.sent += 1,
                Outcome::Retry { error, .. } => {
                    run.retried += 1;
                    tracing::info!(delivery = %d.id, channel = d.channel.code(), %error, "delivery will be tried again");
                }
                Outcome::Failed { error } => {
                    run.failed += 1;
                    tracing::warn!(delivery = %d.id, channel = d.channel.code(), %error, "delivery failed");
                }
            }
            if !store.finish_delivery(&claim, &outcome, now).await? {
                tracing::warn!(delivery = %d.id, "a delivery's lease ran out before its outcome was recorded");
            }
        }
    }
    Ok(run)
}

fn outcome_of(claim: &Claim, tried: Result<(), TryError>, now: Timestamp) -> Outcome {
    let Err(e) = tried else {
        return Outcome::Sent;
    };
    let attempts = claim.delivery.attempts + 1;
    if !e.retryable {
        return Outcome::Failed { error: e.text };
    }
    match next_retry(attempts, e.retry_after)
        .and_then(|wait| jiff::SignedDuration::try_from(wait).ok())
        .and_then(|wait| now.checked_add(wait).ok())
    {
        Some(at) => Outcome::Retry { at, error: e.text },
        None => Outcome::Failed {
            error: format!(
                "{} (sau {attempts} lần thử / after {attempts} tries)",
                e.text
            ),
        },
    }
}

async fn try_once(
    store: &Store,
    channels: &Channels,
    d: &Delivery,
    tokens: &mut HashMap<UnitId, Option<String>>,
) -> Result<(), TryError> {
    match d.channel {
        Channel::Email => {
            let Some(mailer) = &channels.mailer else {
                return Err(TryError {
                    text: "SMTP is not configured".into(),
                    retryable: true,
                    retry_after: None,
                });
            };
            mailer
                .send(&d.destination, &d.subject, &d.body)
                .await
                .map_err(|e| TryError {
                    text: e.message(Lang::Vi),
                    retryable: e.is_retryable(),
                    retry_after: None,
                })
        }
        Channel::Telegram => {
            let Some(tg) = &channels.telegram else {
                return Err(TryError {
                    text: "Telegram is not configured".into(),
                    retryable: true,
                    retry_after: None,
                });
            };
            let own = match tokens.get(&d.unit_id) {
                Some(t) => t.clone(),
                None => {
                    let t = store
                        .unit_bot_token(d.unit_id)
                        .await
                        .map_err(|e| TryError {
                            text: e.to_string(),
                            retryable: true,
                            retry_after: None,
                        })?;
                    tokens.insert(d.unit_id, t.clone());
                    t
                }
            };
            let token = match own.as_deref() {
                Some(t) => BotToken::parse(t),
                None => tg.server_token().cloned(),
            };
            let text = format!("{}\n\n{}", d.subject, d.body);
            let result = match token {
                Some(token) => tg.send(&token, &d.destination, &text).await,
                None => Err(TelegramError::NoToken),
            };
            result.map_err(|e| TryError {
                text: e.message(Lang::Vi),
                retryable: e.is_retryable(),
                retry_after: e.retry_after(),
            })
        }
    }
}

/// Runs the server's sender: at once, whenever woken ([`Channels::wake`]) and every
/// [`SWEEP_EVERY`]. Stops when the task is aborted.
///
/// It runs on the real time, not the app's [`crate::Clock`]: a delivery is queued at its real
/// write time (storage's `created_at`) and retried after a real wait, so a sender on a fixed
/// clock would never see a retry come due. What a message says (which reminders are due) was
/// decided by the app's clock when it was queued.
pub fn spawn_sender(store: Store, channels: Arc<Channels>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_pending(&store, &channels, Timestamp::now()).await {
                Ok(r) if r != DeliveryRun::default() => tracing::info!(
                    sent = r.sent,
                    retried = r.retried,
                    failed = r.failed,
                    "deliveries"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sending deliveries failed"),
            }
            tokio::select! {
                () = channels.woken() => {}
                () = tokio::time::sleep(SWEEP_EVERY) => {}
            }
        }
    })
}

// ── Office messages ─────────────────────────────────────────────────────────────────────────

/// Builds office messages with their deliveries: the unit directory and who has a bot of its
/// own are read here.
async fn compose(
    state: &App,
    build: impl FnOnce(&Composer<'_>) -> Vec<NewMessage>,
) -> Result<Vec<NewMessage>, Error> {
    let units = state.store.units().await?;
    let own_bots = state.store.units_with_bot_token().await?;
    let c = Composer {
        tree: UnitTree::new(&units),
        own_bots,
        channels: &state.channels,
    };
    Ok(build(&c))
}

/// What a message is made from: the unit directory, who has a bot, the channels.
struct Composer<'a> {
    tree: UnitTree<'a>,
    own_bots: HashSet<UnitId>,
    channels: &'a Channels,
}

impl Composer<'_> {
    fn name(&self, id: UnitId) -> String {
        self.tree
            .get(id)
            .map_or_else(String::new, |u| u.name.clone())
    }

    /// A message to `to` (skipped for an unknown unit). `vi` and `en` are the body's two parts;
    /// the link is added to both.
    #[allow(clippy::too_many_arguments)] // each is one part of the message, named at the call
    fn message(
        &self,
        to: UnitId,
        kind: MessageKind,
        event_key: String,
        subject: String,
        vi: &str,
        en: &str,
        path: &str,
    ) -> Option<NewMessage> {
        let unit = self.tree.get(to)?;
        let link = self.channels.link(path);
        let body = format!(
            "Kính gửi: {}\n\n{vi}\n\nXem: {link}\n\n---\n{en}\nOpen: {link}\n",
            unit.name
        );
        let subject = format!("[giaoban] {subject}");
        Some(NewMessage {
            unit_id: to,
            kind,
            event_key,
            deliveries: self.channels.deliveries_for(
                unit,
                self.own_bots.contains(&to),
                &subject,
                &body,
            ),
            subject,
            body,
            link: path.to_owned(),
        })
    }

    /// The units that decide an extension of `task`: the issuer of its notice, else its assigner,
    /// and that body's office; never the unit that asked (a task a unit gave itself goes to the
    /// level above).
    fn deciders(&self, task: &Task, issuer: Option<UnitId>) -> Vec<UnitId> {
        let body = issuer.unwrap_or(task.assigner_unit_id);
        let body = if body == task.lead_unit_id {
            self.tree
                .get(body)
                .and_then(|u| u.parent_id)
                .unwrap_or(body)
        } else {
            body
        };
        let office = self.tree.office_of(body);
        let mut out = vec![body];
        if office != body && office != task.lead_unit_id {
            out.push(office);
        }
        out.retain(|u| *u != task.lead_unit_id);
        out
    }
}

/// The deadline in force at `now` (the app's clock), in Vietnamese and English ("—" for none).
fn current_due(task: &Task, now: Timestamp) -> (String, String) {
    let due = task
        .assess(now, &crate::work::policy())
        .ok()
        .and_then(|s| s.assessment.effective_due);
    match due {
        Some(d) => (d.label(Lang::Vi), d.label(Lang::En)),
        None => (task.deadline.label(Lang::Vi), task.deadline.label(Lang::En)),
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// An extension was asked for on `task` (as it is after the request): the messages to the
/// deciding units, for the use case to write with the request.
pub(crate) async fn extension_requested(
    state: &App,
    task: &Task,
) -> Result<Vec<NewMessage>, Error> {
    let Some(ext) = &task.pending_extension else {
        return Ok(Vec::new());
    };
    let issuer = match task.conclusion_id {
        Some(c) => state
            .store
            .conclusion(c)
            .await
            .ok()
            .map(|c| c.issuer_unit_id),
        None => None,
    };
    let current = current_due(task, state.now());
    compose(state, |c| {
        let lead = c.name(task.lead_unit_id);
        let vi = format!(
            "{lead} đề nghị gia hạn nhiệm vụ: {content}\nThời hạn hiện tại: {current_vi}\n\
             Đề nghị gia hạn đến: {new_vi}\nLý do: {reason}",
            content = task.content,
            current_vi = current.0,
            new_vi = ext.new_due.label(Lang::Vi),
            reason = ext.reason,
        );
        let en = format!(
            "{lead} asks for more time on the task: {content}\nDeadline now: {current_en}\n\
             Asked for: {new_en}\nReason: {reason}",
            content = task.content,
            current_en = current.1,
            new_en = ext.new_due.label(Lang::En),
            reason = ext.reason,
        );
        c.deciders(task, issuer)
            .into_iter()
            .filter_map(|to| {
                c.message(
                    to,
                    MessageKind::ExtensionRequested,
                    format!("extension_requested:{}", ext.id),
                    format!("Đề nghị gia hạn: {}", short(&task.content, 80)),
                    &vi,
                    &en,
                    &format!("/tasks/{}", task.id),
                )
            })
            .collect()
    })
    .await
}

/// The pending extension of `before` was decided by `decider`: the message to the lead unit, for
/// the use case to write with the decision.
pub(crate) async fn extension_decided(
    state: &App,
    before: &Task,
    decider: UnitId,
    approved: bool,
    note: &str,
) -> Result<Vec<NewMessage>, Error> {
    let Some(ext) = &before.pending_extension else {
        return Ok(Vec::new());
    };
    let current = current_due(before, state.now());
    compose(state, |c| {
        let who = c.name(decider);
        let note_vi = if note.is_empty() {
            String::new()
        } else {
            format!("\nÝ kiến: {note}")
        };
        let note_en = if note.is_empty() {
            String::new()
        } else {
            format!("\nNote: {note}")
        };
        let (kind, subject, vi, en) = if approved {
            (
                MessageKind::ExtensionApproved,
                "Đồng ý gia hạn",
                format!(
                    "{who} đồng ý gia hạn nhiệm vụ: {}\nThời hạn mới: {}{note_vi}",
                    before.content,
                    ext.new_due.label(Lang::Vi)
                ),
                format!(
                    "{who} approved more time for the task: {}\nNew deadline: {}{note_en}",
                    before.content,
                    ext.new_due.label(Lang::En)
                ),
            )
        } else {
            (
                MessageKind::ExtensionRefused,
                "Không đồng ý gia hạn",
                format!(
                    "{who} không đồng ý gia hạn nhiệm vụ: {}\nThời hạn giữ nguyên: {}{note_vi}",
                    before.content, current.0
                ),
                format!(
                    "{who} refused more time for the task: {}\nThe deadline stays: {}{note_en}",
                    before.content, current.1
                ),
            )
        };
        c.message(
            before.lead_unit_id,
            kind,
            format!("extension_decided:{}", ext.id),
            format!("{subject}: {}", short(&before.content, 80)),
            &vi,
            &en,
            &format!("/tasks/{}", before.id),
        )
        .into_iter()
        .collect()
    })
    .await
}

/// A report was sent, accepted or returned (`after` as it is now): the message to the unit that
/// receives it (the level above) or the one that sent it, for the use case to write with the
/// action (`UnitOfWork::add_messages`); none for a reopening.
pub(crate) async fn report_acted(
    state: &App,
    form: &ReportForm,
    after: &Submission,
    action: &SubmissionAction,
    actor_unit: UnitId,
) -> Result<Vec<NewMessage>, Error> {
    let path = format!(
        "/reports/{}/{}/{}",
        form.id.0,
        after.period.code(),
        after.unit_id.0
    );
    let key = |k: MessageKind| format!("{}:{}:v{}", k.code(), after.id.0, after.version);
    let period_vi = after.period.label(Lang::Vi);
    let period_en = after.period.label(Lang::En);
    let (name_vi, name_en) = (&form.def.name_vi, &form.def.name_en);
    compose(state, |c| {
        let sender = c.name(after.unit_id);
        let reviewer = c.name(actor_unit);
        let (to, kind, subject, vi, en) = match action {
            SubmissionAction::Submit => {
                let Some(to) = c.tree.get(after.unit_id).and_then(|u| u.parent_id) else {
                    return Vec::new();
                };
                (
                    to,
                    MessageKind::ReportSubmitted,
                    format!("Báo cáo đã gửi: {name_vi} {period_vi} — {sender}"),
                    format!("{sender} đã gửi báo cáo {name_vi} {period_vi}."),
                    format!("{sender} sent the report {name_en} {period_en}."),
                )
            }
            SubmissionAction::Accept => (
                after.unit_id,
                MessageKind::ReportAccepted,
                format!("Báo cáo được chấp nhận: {name_vi} {period_vi}"),
                format!("{reviewer} đã chấp nhận báo cáo {name_vi} {period_vi} của đơn vị."),
                format!("{reviewer} accepted your report {name_en} {period_en}."),
            ),
            SubmissionAction::Return { reason } => (
                after.unit_id,
                MessageKind::ReportReturned,
                format!("Báo cáo bị trả lại: {name_vi} {period_vi}"),
                format!(
                    "{reviewer} đã trả lại báo cáo {name_vi} {period_vi} của đơn vị.\nLý do: {reason}"
                ),
                format!(
                    "{reviewer} returned your report {name_en} {period_en}.\nReason: {reason}"
                ),
            ),
            SubmissionAction::Reopen { .. } => return Vec::new(),
        };
        c.message(to, kind, key(kind), subject, &vi, &en, &path)
            .into_iter()
            .collect()
    })
    .await
}

/// The messages telling each addressed unit of the recommendations raised, to write in the
/// transaction that raises them (`UnitOfWork::add_messages`); wake the sender after it commits.
pub(crate) async fn raised_messages(
    state: &App,
    recs: &[Recommendation],
) -> Result<Vec<NewMessage>, Error> {
    if recs.iter().all(|r| r.addressed_to_unit_id.is_none()) {
        return Ok(Vec::new());
    }
    compose(state, |c| {
        recs.iter()
            .filter_map(|r| {
                let to = r.addressed_to_unit_id?;
                let raiser = c.name(r.raised_by_unit_id);
                c.message(
                    to,
                    MessageKind::RecommendationRaised,
                    format!("recommendation_raised:{}", r.id),
                    format!("Kiến nghị mới từ {raiser}: {}", short(&r.content, 60)),
                    &format!("{raiser} kiến nghị: {}", r.content),
                    &format!("Recommendation from {raiser}: {}", r.content),
                    "/recommendations",
                )
            })
            .collect()
    })
    .await
}

/// A recommendation was answered (`after` as it is now) by `answerer`: the message to the unit
/// that raised it, for the use case to write with the answer.
pub(crate) async fn recommendation_answered(
    state: &App,
    after: &Recommendation,
    answerer: UnitId,
) -> Result<Vec<NewMessage>, Error> {
    compose(state, |c| {
        let who = c.name(answerer);
        let answer = after.answer.as_deref().unwrap_or("—");
        c.message(
            after.raised_by_unit_id,
            MessageKind::RecommendationAnswered,
            format!("recommendation_answered:{}:v{}", after.id, after.version),
            format!("Kiến nghị được trả lời: {}", short(&after.content, 60)),
            &format!(
                "{who} đã trả lời kiến nghị của đơn vị: {}\nTrả lời: {answer}\nTình trạng: {}",
                after.content,
                after.status.label(Lang::Vi)
            ),
            &format!(
                "{who} answered your recommendation: {}\nAnswer: {answer}\nStatus: {}",
                after.content,
                after.status.label(Lang::En)
            ),
            "/recommendations",
        )
        .into_iter()
        .collect()
    })
    .await
}

// ── What the page and the API show ──────────────────────────────────────────────────────────

/// One delivery as shown: its channel and state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    /// `email` or `telegram`.
    pub channel: String,
    pub channel_label: String,
    /// The address or chat it goes to.
    pub destination: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// "gửi rồi 10:32 05/03/2023", "chờ gửi lại lúc …", "lỗi: …" in the request's language.
    pub status_label: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    /// Whether the viewer may send it again (a failed delivery of their unit, or any for an
    /// administrator).
    pub can_retry: bool,
}

fn ts_label(ts: Timestamp) -> String {
    let dt = giaoban_domain::calendar::local_datetime(ts);
    format!(
        "{:02}:{:02} {:02}/{:02}/{}",
        dt.hour(),
        dt.minute(),
        dt.day(),
        dt.month(),
        dt.year()
    )
}

/// The units whose messages and deliveries a person sees and may send again: their own unit and,
/// for leaders, office staff and administrators, the territory they act for.
pub fn acting_units(me: &Caller) -> Vec<UnitId> {
    let mut out = vec![me.actor.unit_id];
    if me.actor.role != Role::Member {
        let tree = UnitTree::new(&me.units);
        if let Some(t) = tree
            .ancestry(me.actor.unit_id)
            .into_iter()
            .find(|u| tree.get(*u).is_some_and(|u| u.kind.is_territorial()))
            && t != me.actor.unit_id
        {
            out.push(t);
        }
    }
    out
}

fn may_retry(me: &Caller, acting: &[UnitId], d: &Delivery) -> bool {
    me.actor.is_admin() || acting.contains(&d.unit_id)
}

pub fn view_delivery(d: &Delivery, lang: Lang, can_retry: bool) -> DeliveryView {
    let status_label = match d.status {
        DeliveryStatus::Sent => format!(
            "{} {}",
            lang.pick("gửi rồi", "sent"),
            d.sent_at.map(ts_label).unwrap_or_default()
        ),
        DeliveryStatus::Pending if d.attempts == 0 => lang.pick("chờ gửi", "waiting").to_owned(),
        DeliveryStatus::Pending => format!(
            "{} {}{}",
            lang.pick("chờ gửi lại lúc", "to be sent again at"),
            ts_label(d.next_attempt_at),
            d.last_error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ),
        DeliveryStatus::Failed => format!(
            "{}: {}",
            lang.pick("lỗi", "failed"),
            d.last_error.as_deref().unwrap_or("—")
        ),
    };
    DeliveryView {
        id: d.id,
        channel: d.channel.code().into(),
        channel_label: d.channel.label(lang).into(),
        destination: d.destination.clone(),
        status: d.status.code().into(),
        status_label: status_label.trim().to_owned(),
        attempts: d.attempts,
        next_attempt_at: (d.status == DeliveryStatus::Pending && d.attempts > 0)
            .then(|| ts_label(d.next_attempt_at)),
        sent_at: d.sent_at.map(ts_label),
        last_error: d.last_error.clone(),
        can_retry: can_retry && d.status == DeliveryStatus::Failed,
    }
}

/// The deliveries of sources of one kind, as shown, by source id.
pub async fn deliveries_by_source(
    state: &App,
    me: &Caller,
    source_kind: &str,
    ids: &[String],
    lang: Lang,
) -> Result<HashMap<String, Vec<DeliveryView>>, Error> {
    let acting = acting_units(me);
    let mut out: HashMap<String, Vec<DeliveryView>> = HashMap::new();
    for d in state.store.deliveries_of(source_kind, ids).await? {
        let can = may_retry(me, &acting, &d);
        out.entry(d.source_id.clone())
            .or_default()
            .push(view_delivery(&d, lang, can));
    }
    Ok(out)
}

/// An office message as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    /// The unit it was sent to.
    pub unit_id: Uuid,
    pub unit_name: String,
    /// `extension_requested`, `extension_approved`, `extension_refused`, `report_submitted`,
    /// `report_accepted`, `report_returned`, `recommendation_raised`, `recommendation_answered`.
    pub kind: String,
    pub kind_label: String,
    pub subject: String,
    /// Vietnamese, then an English part.
    pub body: String,
    /// The record's page.
    pub link: String,
    pub created_at: String,
    pub read: bool,
    pub deliveries: Vec<DeliveryView>,
}

/// The latest messages to the viewer's units, newest first, with their deliveries.
pub async fn messages(state: &App, me: &Caller, lang: Lang) -> Result<Vec<MessageView>, Error> {
    let acting = acting_units(me);
    let list = state.store.messages_for(&acting, 100).await?;
    let ids: Vec<String> = list.iter().map(|m| m.id.to_string()).collect();
    let mut deliveries = deliveries_by_source(
        state,
        me,
        giaoban_storage::deliveries::SOURCE_MESSAGE,
        &ids,
        lang,
    )
    .await?;
    let tree = UnitTree::new(&me.units);
    Ok(list
        .into_iter()
        .map(|m| MessageView {
            id: m.id,
            unit_id: m.unit_id.0,
            unit_name: tree
                .get(m.unit_id)
                .map_or_else(String::new, |u| u.name.clone()),
            kind: m.kind.code().into(),
            kind_label: m.kind.label(lang).into(),
            subject: m.subject,
            body: m.body,
            link: m.link,
            created_at: ts_label(m.created_at),
            read: m.read_at.is_some(),
            deliveries: deliveries.remove(&m.id.to_string()).unwrap_or_default(),
        })
        .collect())
}

/// How many messages to the viewer's units are unread.
pub async fn unread_count(state: &App, me: &Caller) -> Result<u64, Error> {
    Ok(state.store.unread_messages(&acting_units(me)).await?)
}

/// Marks the messages to the viewer's units read; returns how many were unread.
pub async fn mark_read(state: &App, me: &Caller) -> Result<u64, Error> {
    Ok(state
        .store
        .mark_messages_read(&me.audit(), &acting_units(me))
        .await?)
}

/// "Gửi lại": a failed delivery of the viewer's unit (any, for an administrator) goes back in the
/// queue, to the unit's address or chat as it is now, and the sender is woken.
pub async fn retry(state: &App, me: &Caller, id: Uuid, lang: Lang) -> Result<DeliveryView, Error> {
    let d = state.store.delivery(id).await?;
    let acting = acting_units(me);
    if !may_retry(me, &acting, &d) {
        // Another unit's delivery is not the viewer's to see either.
        return Err(Error::NotFound);
    }
    let units = state.store.units().await?;
    let current = units
        .iter()
        .find(|u| u.id == d.unit_id)
        .and_then(|u| match d.channel {
            Channel::Email => u.contact.email.clone(),
            Channel::Telegram => u.contact.telegram_chat_id.clone(),
        });
    let after = state
        .store
        .retry_delivery(&me.audit(), id, current.as_deref())
        .await?;
    state.channels.wake();
    Ok(view_delivery(&after, lang, true))
}

/// A report reminder as shown, with its deliveries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportReminderView {
    pub form_id: Uuid,
    pub form_name: String,
    /// The period's code (`2023Q1`).
    pub period: String,
    pub period_label: String,
    /// `days_before_N` or `missed`.
    pub kind: String,
    pub kind_label: String,
    pub created_at: String,
    /// The unit's report for the period.
    pub link: String,
    pub deliveries: Vec<DeliveryView>,
}

/// The latest report reminders of the viewer's unit, newest first.
pub async fn report_reminders(
    state: &App,
    me: &Caller,
    lang: Lang,
) -> Result<Vec<ReportReminderView>, Error> {
    use giaoban_storage::deliveries::{SOURCE_REPORT_REMINDER, report_reminder_source};
    let unit = me.actor.unit_id;
    let list = state.store.report_reminders(unit, 100).await?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let forms: HashMap<Uuid, ReportForm> = state
        .store
        .forms()
        .await?
        .into_iter()
        .map(|f| (f.id.0, f))
        .collect();
    let rows = list;
    let ids: Vec<String> = rows
        .iter()
        .map(|(f, p, k, _)| report_reminder_source(*f, unit, *p, k))
        .collect();
    let mut deliveries =
        deliveries_by_source(state, me, SOURCE_REPORT_REMINDER, &ids, lang).await?;
    Ok(rows
        .into_iter()
        .zip(ids)
        .map(|((form, period, kind, at), id)| {
            let kind_label = match kind.strip_prefix("days_before_") {
                Some(d) => format!(
                    "{} {d} {}",
                    lang.pick("Còn", "Due in"),
                    lang.pick("ngày", "days")
                ),
                None => lang.pick("Quá hạn báo cáo", "Report overdue").to_owned(),
            };
            ReportReminderView {
                form_id: form.0,
                form_name: forms.get(&form.0).map_or_else(String::new, |f| {
                    lang.pick(&f.def.name_vi, &f.def.name_en).to_owned()
                }),
                period: period.code(),
                period_label: period.label(lang),
                kind,
                kind_label,
                created_at: ts_label(at),
                link: format!("/reports/{}/{}/{}", form.0, period.code(), unit.0),
                deliveries: deliveries.remove(&id).unwrap_or_default(),
            }
        })
        .collect())
}

// ── Words ───────────────────────────────────────────────────────────────────────────────────

/// The words of the notifications page and of a unit's Telegram fields.
pub struct ChannelTexts {
    pub telegram_chat: &'static str,
    pub telegram_bot_token: &'static str,
    pub secret_set: &'static str,
    pub secret_not_set: &'static str,
    pub secret_keep: &'static str,
    pub secret_clear: &'static str,
    pub telegram_help: &'static str,
    pub messages: &'static str,
    pub messages_help: &'static str,
    pub unread: &'static str,
    pub mark_read: &'static str,
    pub report_reminders: &'static str,
    pub deliveries: &'static str,
    pub retry: &'static str,
    pub in_app_only: &'static str,
    pub to_unit: &'static str,
    pub retried: &'static str,
}

pub static VI: ChannelTexts = ChannelTexts {
    telegram_chat: "Nhóm/kênh Telegram",
    telegram_bot_token: "Mã bot Telegram riêng của đơn vị",
    secret_set: "đã đặt",
    secret_not_set: "chưa đặt",
    secret_keep: "để trống để giữ mã đã đặt",
    secret_clear: "Xóa mã bot đã đặt",
    telegram_help: "Nhắc việc và tin nhắn được gửi vào nhóm/kênh Telegram này bằng bot của đơn vị (hoặc bot chung của hệ thống nếu có). Mã nhóm là một số (nhóm, kênh: số âm) hoặc @ten_kenh; mã bot do BotFather cấp, không bao giờ hiển thị lại.",
    messages: "Tin nhắn",
    messages_help: "Thông báo cho đơn vị khi có đề nghị gia hạn, quyết định gia hạn, báo cáo được gửi, chấp nhận hoặc trả lại, kiến nghị mới hoặc được trả lời; kèm tình trạng gửi qua thư điện tử và Telegram.",
    unread: "chưa đọc",
    mark_read: "Đánh dấu đã đọc tất cả",
    report_reminders: "Nhắc báo cáo",
    deliveries: "Gửi qua",
    retry: "Gửi lại",
    in_app_only: "chỉ trên hệ thống",
    to_unit: "Gửi đến",
    retried: "Đã đưa tin vào hàng chờ gửi lại.",
};

pub static EN: ChannelTexts = ChannelTexts {
    telegram_chat: "Telegram chat or channel",
    telegram_bot_token: "The unit's own Telegram bot token",
    secret_set: "set",
    secret_not_set: "not set",
    secret_keep: "leave empty to keep the token set",
    secret_clear: "Remove the bot token",
    telegram_help: "Reminders and messages go to this Telegram chat or channel through the unit's bot (or the system's bot, if there is one). A chat is a number (negative for groups and channels) or @channel_name; the bot token comes from BotFather and is never shown again.",
    messages: "Messages",
    messages_help: "What your unit is told: extensions asked for or decided, reports sent, accepted or returned, recommendations raised or answered; with how each went out by e-mail and Telegram.",
    unread: "unread",
    mark_read: "Mark all read",
    report_reminders: "Report reminders",
    deliveries: "Sent by",
    retry: "Send again",
    in_app_only: "in the app only",
    to_unit: "To",
    retried: "The message is queued to be sent again.",
};

pub fn channel_texts(lang: Lang) -> &'static ChannelTexts {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
