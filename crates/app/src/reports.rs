//! Plan targets and periodic reports as the pages and the API share them: the indicator catalog,
//! targets, report forms, data entry and the life of a submission, the completeness board (who is
//! late), roll-ups with year-to-date, % of plan and the same period last year, and reminders.
//!
//! Every function takes the signed-in actor and checks access itself. Reporting units enter their
//! own figures; the level above (leaders and office staff of an enclosing territory) returns or
//! accepts them; targets are set from above, never by the unit itself.

use std::collections::{BTreeMap, HashMap};

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::calendar::{WorkCalendar, local_date};
use giaoban_domain::indicator::{
    Aggregate, Figure, Indicator, IndicatorDraft, IndicatorId, IndicatorInput, PlanTarget,
    ValueType, rolled_value, rollup_table, rollup_table_periods,
};
use giaoban_domain::meeting::RecommendationDraft;
use giaoban_domain::period::Period;
use giaoban_domain::report::{
    Completeness, EnteredValue, FormDefinition, FormId, FormInput, ReportForm, SectionKind,
    Submission, SubmissionAction, SubmissionId, SubmissionStatus, Timeliness, check_period,
    check_values, parse_values, split_recommendations,
};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, Invalids, Unit, UnitId};
use giaoban_domain::user::Role;
use giaoban_storage::Store;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;

fn calendar() -> Result<&'static WorkCalendar, Error> {
    WorkCalendar::vietnam().map_err(|e| Error::Internal(format!("work calendar: {e}")))
}

/// Whether the actor reviews the unit's reports: a leader, office staff or admin whose territory
/// encloses the unit, not the unit itself.
pub(crate) fn reviews(me: &Caller, tree: &UnitTree<'_>, unit: UnitId) -> bool {
    if me.actor.role == Role::Member {
        return false;
    }
    let Some(parent) = tree.get(unit).and_then(|u| u.parent_id) else {
        return me.actor.is_admin();
    };
    (me.actor.unit_id != unit || me.actor.is_admin())
        && me.may(tree, Permission::WriteRecords, parent)
}

fn manages_catalog(me: &Caller) -> bool {
    me.actor.role == Role::Admin
}

fn bad(field: &'static str, code: &'static str, vi: String, en: String) -> Error {
    Error::Invalid(Invalid::new(field, code, vi, en).into())
}

/// A period whose deadline the work calendar cannot compute (its dates lie outside the years the
/// holiday table covers): the person asked for a period the system does not handle, not a fault.
fn outside_calendar(e: impl std::fmt::Display) -> Error {
    bad(
        "period",
        "period.outside_calendar",
        format!("Kỳ báo cáo nằm ngoài lịch làm việc mà hệ thống có ({e})."),
        format!("The period lies outside the work calendar the system has ({e})."),
    )
}

/// Reads a period as typed in a form or a URL ("quý I/2023", "Q1/2023", "6 tháng đầu năm 2023",
/// a code such as `2023Q1`…): the one reader, [`Period::parse_input`].
pub fn parse_period(raw: &str) -> Result<Period, Error> {
    Period::parse_input(raw).map_err(|_| {
        bad(
            "period",
            "period.invalid",
            format!(
                "Kỳ báo cáo «{}» không hợp lệ (ví dụ: {}).",
                raw.trim(),
                giaoban_domain::period::PERIOD_EXAMPLES_VI
            ),
            format!(
                "Invalid reporting period «{}» (e.g. {}).",
                raw.trim(),
                giaoban_domain::period::PERIOD_EXAMPLES_EN
            ),
        )
    })
}

fn figure_label(f: Option<Figure>, decimals: u8, lang: Lang) -> String {
    f.map(|f| f.format(decimals, lang)).unwrap_or_default()
}

/// A percentage as officials write it: one decimal, none when it is whole ("101,2", "20").
pub fn percent_label(f: Option<Figure>, lang: Lang) -> String {
    let s = figure_label(f, 1, lang);
    match s.strip_suffix(",0").or_else(|| s.strip_suffix(".0")) {
        Some(whole) => whole.to_owned(),
        None => s,
    }
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

// ── Catalog ─────────────────────────────────────────────────────────────────────────────────

/// An indicator as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure: String,
    pub value_type: String,
    pub value_type_label: String,
    pub rollup: String,
    pub rollup_label: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub factor: i64,
    pub accumulation: String,
    pub direction: String,
    pub sector: String,
    pub sector_label: String,
    pub decimals: u8,
    pub active: bool,
    pub version: i64,
}

pub fn view_indicator(i: &Indicator, lang: Lang) -> IndicatorView {
    IndicatorView {
        id: i.id.0,
        code: i.code.to_string(),
        name: i.name(lang).to_owned(),
        name_vi: i.name_vi.clone(),
        name_en: i.name_en.clone(),
        measure: i.measure.clone(),
        value_type: i.value_type.code().into(),
        value_type_label: i.value_type.label(lang).into(),
        rollup: i.rollup.kind.code().into(),
        rollup_label: i.rollup.kind.label(lang).into(),
        numerator: i.rollup.numerator.as_ref().map(|c| c.to_string()),
        denominator: i.rollup.denominator.as_ref().map(|c| c.to_string()),
        factor: i.rollup.factor,
        accumulation: i.accumulation.code().into(),
        direction: i.direction.code().into(),
        sector: i.sector.code().into(),
        sector_label: i.sector.label(lang).into(),
        decimals: i.decimals,
        active: i.active,
        version: i.version,
    }
}

pub async fn list_indicators(state: &App, lang: Lang) -> Result<Vec<IndicatorView>, Error> {
    Ok(state
        .store
        .indicators()
        .await?
        .iter()
        .map(|i| view_indicator(i, lang))
        .collect())
}

pub async fn create_indicator(
    state: &App,
    me: &Caller,
    input: &IndicatorInput,
) -> Result<Indicator, Error> {
    if !manages_catalog(me) {
        return Err(Error::Forbidden);
    }
    let draft = IndicatorDraft::parse(input)?;
    Ok(state.store.create_indicator(&me.audit(), &draft).await?)
}

pub async fn update_indicator(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &IndicatorInput,
    version: i64,
) -> Result<Indicator, Error> {
    if !manages_catalog(me) {
        return Err(Error::Forbidden);
    }
    let draft = IndicatorDraft::parse(input)?;
    Ok(state
        .store
        .update_indicator(&me.audit(), IndicatorId(id), &draft, version)
        .await?)
}

// ── Targets ─────────────────────────────────────────────────────────────────────────────────

/// A target as shown, with the indicator.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetView {
    pub year: i16,
    pub unit_id: Uuid,
    pub indicator_id: Uuid,
    pub indicator_code: String,
    pub indicator_name: String,
    pub measure: String,
    /// The target as a number.
    pub value: f64,
    /// The target as officials write it ("6.500").
    pub value_label: String,
    pub note: Option<String>,
}

/// A target to set: the indicator by code, the value as a number or as typed ("6.500").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetWrite {
    pub year: i16,
    pub unit_id: Uuid,
    pub indicator_code: String,
    #[schema(value_type = String)]
    pub value: serde_json::Value,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn list_targets(
    state: &App,
    me: &Caller,
    year: i16,
    unit: UnitId,
    lang: Lang,
) -> Result<Vec<TargetView>, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if tree.get(unit).is_none() {
        return Err(Error::NotFound);
    }
    if !me.may(&tree, Permission::ReadRecords, unit) {
        return Err(Error::Forbidden);
    }
    let inds: HashMap<IndicatorId, Indicator> = state
        .store
        .indicators()
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut out: Vec<TargetView> = state
        .store
        .targets(year, &[unit])
        .await?
        .into_iter()
        .filter_map(|t| {
            let i = inds.get(&t.indicator_id)?;
            Some(TargetView {
                year: t.year,
                unit_id: t.unit_id.0,
                indicator_id: i.id.0,
                indicator_code: i.code.to_string(),
                indicator_name: i.name(lang).to_owned(),
                measure: i.measure.clone(),
                value: t.value.to_f64(),
                value_label: t.value.format(i.decimals, lang),
                note: t.note,
            })
        })
        .collect();
    out.sort_by(|a, b| a.indicator_code.cmp(&b.indicator_code));
    Ok(out)
}

pub async fn set_target(state: &App, me: &Caller, w: &TargetWrite) -> Result<PlanTarget, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit = UnitId(w.unit_id);
    if tree.get(unit).is_none() {
        return Err(bad(
            "unit_id",
            "unit.unknown",
            "Đơn vị không tồn tại.".into(),
            "The unit does not exist.".into(),
        ));
    }
    // Targets are set from above (or by the district for itself), never by a reporting unit.
    if me.actor.role == Role::Member || !me.may(&tree, Permission::WriteRecords, unit) {
        return Err(Error::Forbidden);
    }
    if !(1990..=2100).contains(&w.year) {
        return Err(bad(
            "year",
            "target.year_range",
            "Năm kế hoạch từ 1990 đến 2100.".into(),
            "The plan year must be 1990 to 2100.".into(),
        ));
    }
    let ind = find_indicator(&state.store, &w.indicator_code).await?;
    if ind.value_type == ValueType::Text {
        return Err(bad(
            "indicator_code",
            "target.text_indicator",
            "Chỉ tiêu dạng văn bản không có kế hoạch số.".into(),
            "A text indicator has no numeric target.".into(),
        ));
    }
    let value = match &w.value {
        serde_json::Value::Number(n) => n.as_f64().and_then(Figure::from_f64),
        serde_json::Value::String(s) => ind.parse_value(s).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            "value",
            "target.value_invalid",
            "Chỉ tiêu kế hoạch phải là số (ví dụ 6.500 hoặc 6.500,5).".into(),
            "The target must be a number (e.g. 6500 or 6500.5).".into(),
        )
    })?;
    let note = giaoban_domain::unit::clean_text("note", w.note.as_deref().unwrap_or(""), 500)?;
    let t = PlanTarget {
        year: w.year,
        unit_id: unit,
        indicator_id: ind.id,
        value,
        note,
    };
    Ok(state.store.set_target(&me.audit(), &t).await?)
}

async fn find_indicator(store: &Store, code: &str) -> Result<Indicator, Error> {
    let key = code.trim().to_ascii_uppercase();
    store
        .indicators()
        .await?
        .into_iter()
        .find(|i| i.code.as_str() == key)
        .ok_or_else(|| {
            bad(
                "indicator_code",
                "indicator.unknown",
                format!("Không có chỉ tiêu mã «{}».", code.trim()),
                format!("No indicator with code «{}».", code.trim()),
            )
        })
}

// ── Forms ───────────────────────────────────────────────────────────────────────────────────

/// A form as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FormView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub period_kind: String,
    pub period_kind_label: String,
    pub window_rule: String,
    pub window_label: String,
    pub deadline_label: String,
    pub reporter_kinds: Vec<String>,
    pub indicator_codes: Vec<String>,
    pub sections: Vec<String>,
    pub active: bool,
    pub version: i64,
    /// The territory that made the form and alone changes it; none for a national form (changed
    /// by the administrator only).
    pub owner_unit_id: Option<Uuid>,
    /// The whole definition, as stored.
    #[schema(value_type = giaoban_domain::report::FormDefinition)]
    pub definition: serde_json::Value,
}

pub fn view_form(f: &ReportForm, lang: Lang) -> FormView {
    FormView {
        id: f.id.0,
        code: f.def.code.clone(),
        name: f.name(lang).to_owned(),
        period_kind: serde_json::to_value(f.def.period_kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        period_kind_label: f.def.period_kind.label(lang).to_owned(),
        window_rule: serde_json::to_value(f.def.window_rule)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        window_label: f.def.window_rule.label(lang).to_owned(),
        deadline_label: f.def.submission_rule.label(lang),
        reporter_kinds: f
            .def
            .reporter_kinds
            .iter()
            .map(|k| k.label(lang).to_owned())
            .collect(),
        indicator_codes: f.def.items.iter().map(|i| i.code.to_string()).collect(),
        sections: f
            .def
            .sections
            .iter()
            .map(|s| s.label(lang).to_owned())
            .collect(),
        active: f.active,
        version: f.version,
        owner_unit_id: f.owner_unit_id.map(|o| o.0),
        definition: serde_json::to_value(&f.def).unwrap_or_default(),
    }
}

pub async fn list_forms(state: &App, lang: Lang) -> Result<Vec<FormView>, Error> {
    Ok(state
        .store
        .forms()
        .await?
        .iter()
        .map(|f| view_form(f, lang))
        .collect())
}

pub async fn get_form(state: &App, id: Uuid) -> Result<ReportForm, Error> {
    Ok(state.store.form(FormId(id)).await?)
}

pub async fn create_form(state: &App, me: &Caller, input: &FormInput) -> Result<ReportForm, Error> {
    // The form belongs to who makes it: national for the administrator, the territory's own for
    // its leaders and office.
    let Some(owner) = giaoban_domain::access::catalogue_owner(&me.actor) else {
        return Err(Error::Forbidden);
    };
    let catalog = state.store.indicators().await?;
    let def = FormDefinition::parse(input, &catalog)?;
    Ok(state
        .store
        .create_owned_form(&me.audit(), &def, owner)
        .await?)
}

pub async fn update_form(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &FormInput,
    active: bool,
    version: i64,
) -> Result<ReportForm, Error> {
    let before = state.store.form(FormId(id)).await?;
    if !giaoban_domain::access::may_change_catalogue(&me.actor, before.owner_unit_id) {
        return Err(Error::Forbidden);
    }
    let catalog = state.store.indicators().await?;
    let def = FormDefinition::parse(input, &catalog)?;
    Ok(state
        .store
        .update_form(&me.audit(), FormId(id), &def, active, version)
        .await?)
}

// ── Entry ───────────────────────────────────────────────────────────────────────────────────

/// One indicator on the entry page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntryItem {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub value_type: String,
    pub required: bool,
    /// The stored value as the person would type it ("5.466,32", "có", a text).
    pub value: String,
    /// The stored value as a number, when it is one.
    pub number: Option<f64>,
}

/// One narrative section on the entry page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntrySection {
    pub code: String,
    pub label: String,
    pub text: String,
}

/// The data-entry view of one unit's report for a form and period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    pub form_id: Uuid,
    pub form_code: String,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub window_label: String,
    /// "16/03/2023" (and time) — when the report is due.
    pub due_label: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub submission_id: Option<Uuid>,
    pub status: String,
    pub status_label: String,
    pub timeliness: String,
    pub timeliness_label: String,
    pub first_sent_at: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub version: Option<i64>,
    pub items: Vec<EntryItem>,
    pub sections: Vec<EntrySection>,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_review: bool,
}

fn entered_label(v: &EnteredValue, ind: &Indicator, lang: Lang) -> (String, Option<f64>) {
    match v {
        EnteredValue::Text(t) => (t.clone(), None),
        EnteredValue::Figure(f) if ind.value_type == ValueType::YesNo => (
            if *f == Figure::ZERO {
                lang.pick("không", "no")
            } else {
                lang.pick("có", "yes")
            }
            .to_owned(),
            Some(f.to_f64()),
        ),
        EnteredValue::Figure(f) => (f.format(ind.decimals, lang), Some(f.to_f64())),
    }
}

/// Everything needed to look at one unit's report.
struct EntryContext {
    form: ReportForm,
    period: Period,
    unit: Unit,
    catalog: Vec<Indicator>,
    submission: Option<Submission>,
    due: Timestamp,
    due_label: String,
}

async fn entry_context(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    unit: Uuid,
) -> Result<(EntryContext, bool, bool), Error> {
    let form = state.store.form(FormId(form)).await?;
    let period = parse_period(period)?;
    check_period(&form.def, period).map_err(|e| {
        use giaoban_domain::Localized;
        bad("period", e.code(), e.message(Lang::Vi), e.message(Lang::En))
    })?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit = tree.get(UnitId(unit)).cloned().ok_or(Error::NotFound)?;
    if !me.may(&tree, Permission::ReadRecords, unit.id) {
        return Err(Error::Forbidden);
    }
    if !form.applies_to(unit.kind, &tree.ancestry(unit.id)) {
        return Err(bad(
            "unit_id",
            "report.not_a_reporter",
            format!(
                "{} không báo cáo theo biểu mẫu {}.",
                unit.name, form.def.code
            ),
            format!("{} does not report on form {}.", unit.name, form.def.code),
        ));
    }
    let writes = me.may(&tree, Permission::WriteRecords, unit.id);
    let review = reviews(me, &tree, unit.id);
    let due_moment = form.due(period, calendar()?).map_err(outside_calendar)?;
    let due = due_moment
        .instant()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let submission = state
        .store
        .find_submission(form.id, unit.id, period)
        .await?;
    let catalog = state.store.indicators().await?;
    Ok((
        EntryContext {
            form,
            period,
            unit,
            catalog,
            submission,
            due,
            due_label: due_moment.label(Lang::Vi),
        },
        writes,
        review,
    ))
}

pub async fn entry(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    unit: Uuid,
    lang: Lang,
) -> Result<EntryView, Error> {
    let (cx, writes, review) = entry_context(state, me, form, period, unit).await?;
    let by_code: HashMap<&str, &Indicator> =
        cx.catalog.iter().map(|i| (i.code.as_str(), i)).collect();
    let s = cx.submission.as_ref();
    let items = cx
        .form
        .def
        .items
        .iter()
        .filter_map(|item| {
            let ind = by_code.get(item.code.as_str())?;
            let (value, number) = s
                .and_then(|s| s.values.get(&item.code))
                .map(|v| entered_label(v, ind, lang))
                .unwrap_or_default();
            Some(EntryItem {
                code: item.code.to_string(),
                name: ind.name(lang).to_owned(),
                measure: ind.measure.clone(),
                value_type: ind.value_type.code().into(),
                required: item.required,
                value,
                number,
            })
        })
        .collect();
    let sections = cx
        .form
        .def
        .sections
        .iter()
        .map(|k| EntrySection {
            code: k.code().into(),
            label: k.label(lang).into(),
            text: s
                .and_then(|s| s.narrative.get(k).cloned())
                .unwrap_or_default(),
        })
        .collect();
    let status = s.map_or(SubmissionStatus::Draft, |s| s.status);
    let t = Timeliness::assess(cx.due, s.and_then(|s| s.first_sent_at), state.now());
    let editable = s.is_none_or(|s| s.status.is_editable());
    Ok(EntryView {
        form_id: cx.form.id.0,
        form_code: cx.form.def.code.clone(),
        form_name: cx.form.name(lang).to_owned(),
        period: cx.period.code(),
        period_label: cx.period.label(lang),
        window_label: {
            let w = cx
                .form
                .window(cx.period)
                .map_err(|e| Error::Internal(e.to_string()))?;
            w.label(lang)
        },
        due_label: if lang == Lang::Vi {
            cx.due_label.clone()
        } else {
            ts_label(cx.due)
        },
        unit_id: cx.unit.id.0,
        unit_name: cx.unit.name.clone(),
        submission_id: s.map(|s| s.id.0),
        status: if s.is_some() { status.code() } else { "none" }.into(),
        status_label: if s.is_some() {
            status.label(lang)
        } else {
            lang.pick("Chưa lập", "Not started")
        }
        .into(),
        timeliness: t.code().into(),
        timeliness_label: t.label(lang),
        first_sent_at: s.and_then(|s| s.first_sent_at).map(ts_label),
        decided_by: s.and_then(|s| s.decided_by.clone()),
        reason: s.and_then(|s| s.reason.clone()),
        version: s.map(|s| s.version),
        items,
        sections,
        can_edit: writes && editable,
        can_submit: writes && editable && s.is_some(),
        can_review: review && s.is_some_and(|s| s.status.is_counted()),
    })
}

/// Figures and narrative as typed on the entry page or sent to the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EntryWrite {
    /// Values by indicator code, as typed ("5.466,32", "có") — numbers are accepted too.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, giaoban_domain::openapi::EnteredValue>)]
    pub values: BTreeMap<String, serde_json::Value>,
    /// Narrative sections by code (`results`, `shortcomings`, `next_tasks`, `recommendations`).
    #[serde(default)]
    pub narrative: BTreeMap<String, String>,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

fn raw_values(w: &EntryWrite) -> BTreeMap<String, String> {
    w.values
        .iter()
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                serde_json::Value::Number(n) => n
                    .as_f64()
                    .and_then(Figure::from_f64)
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| n.to_string()),
                // true/false answer a yes/no indicator; for any other indicator they are not a
                // figure ("true" is refused as a number), never 1 or 0.
                serde_json::Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            (k.clone(), s)
        })
        .collect()
}

fn problems_to_invalids(p: Vec<giaoban_domain::report::ValueProblem>) -> Error {
    Error::Invalid(Invalids(
        p.into_iter()
            .map(|p| Invalid::new("values", "report.value_invalid", p.vi, p.en))
            .collect(),
    ))
}

/// Saves a draft (creating it when needed); rules other than "required" are checked now so the
/// person sees them while typing.
pub async fn save_entry(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    unit: Uuid,
    w: &EntryWrite,
) -> Result<Submission, Error> {
    let (cx, writes, _) = entry_context(state, me, form, period, unit).await?;
    if !writes {
        return Err(Error::Forbidden);
    }
    let values =
        parse_values(&cx.form.def, &cx.catalog, &raw_values(w)).map_err(problems_to_invalids)?;
    let problems = check_values(&cx.form.def, &cx.catalog, &values, false);
    if !problems.is_empty() {
        return Err(problems_to_invalids(problems));
    }
    let mut narrative = BTreeMap::new();
    for (k, text) in &w.narrative {
        let kind = SectionKind::parse(k)
            .filter(|k| cx.form.def.sections.contains(k))
            .ok_or_else(|| {
                bad(
                    "narrative",
                    "report.section_unknown",
                    format!("Biểu mẫu không có phần «{k}»."),
                    format!("The form has no section «{k}»."),
                )
            })?;
        if let Some(t) = giaoban_domain::task::clean_multiline("narrative", text, 20_000)? {
            narrative.insert(kind, t);
        }
    }
    Ok(state
        .store
        .save_submission(
            &me.audit(),
            &cx.form,
            cx.unit.id,
            cx.period,
            &values,
            &narrative,
            w.version,
        )
        .await?)
}

/// An action on a submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmissionActionWrite {
    /// `submit`, `return`, `accept` or `reopen`.
    pub action: String,
    /// Required to return or reopen.
    #[serde(default)]
    pub reason: Option<String>,
    pub version: i64,
}

pub async fn act(
    state: &App,
    me: &Caller,
    id: Uuid,
    w: &SubmissionActionWrite,
) -> Result<Submission, Error> {
    let s = state.store.submission(SubmissionId(id)).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !me.may(&tree, Permission::ReadRecords, s.unit_id) {
        return Err(Error::Forbidden);
    }
    let reason = w.reason.clone().unwrap_or_default();
    let action = match w.action.trim() {
        "submit" => SubmissionAction::Submit,
        "return" => SubmissionAction::Return { reason },
        "accept" => SubmissionAction::Accept,
        "reopen" => SubmissionAction::Reopen { reason },
        other => {
            return Err(bad(
                "action",
                "submission.action_unknown",
                format!("Thao tác «{other}» không hợp lệ (submit, return, accept, reopen)."),
                format!("Unknown action «{other}» (submit, return, accept, reopen)."),
            ));
        }
    };
    let allowed = if action.by_reporter() {
        me.may(&tree, Permission::WriteRecords, s.unit_id)
    } else {
        reviews(me, &tree, s.unit_id)
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    let form = state.store.form(s.form_id).await?;
    if action == SubmissionAction::Submit {
        let catalog = state.store.indicators().await?;
        let problems = check_values(&form.def, &catalog, &s.values, true);
        if !problems.is_empty() {
            return Err(problems_to_invalids(problems));
        }
    }
    let first_time = s.first_sent_at.is_none();
    // The action, the recommendations it raises and the messages telling the units concerned are
    // one transaction: none is kept without the others.
    let mut uow = state.store.begin().await?;
    let after = uow
        .act_on_submission(&me.audit(), s.id, &action, w.version, state.now())
        .await?;
    let mut messages =
        crate::channels::report_acted(state, &form, &after, &action, me.actor.unit_id).await?;
    // The recommendations of a report become recommendation records, addressed to the level
    // above, the first time it is sent.
    if action == SubmissionAction::Submit
        && first_time
        && let Some(text) = after.narrative.get(&SectionKind::Recommendations)
    {
        let to = tree.get(after.unit_id).and_then(|u| u.parent_id);
        let today = local_date(state.now());
        let mut raised = Vec::new();
        for content in split_recommendations(text) {
            let draft = RecommendationDraft {
                meeting_id: None,
                raised_by_unit_id: after.unit_id,
                addressed_to_unit_id: to,
                content,
                raised_on: today,
            };
            raised.push(uow.create_recommendation(&me.audit(), &draft).await?);
        }
        messages.extend(crate::channels::raised_messages(state, &raised).await?);
    }
    let written = uow.add_messages(&messages).await?;
    uow.commit().await?;
    if !written.is_empty() {
        state.channels.wake();
    }
    Ok(after)
}

// ── Completeness ────────────────────────────────────────────────────────────────────────────

/// One expected unit on the completeness board.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletenessRow {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub status: String,
    pub status_label: String,
    pub timeliness: String,
    pub timeliness_label: String,
    pub first_sent_at: Option<String>,
    pub reason: Option<String>,
}

/// Who has reported for a form and period, who is late and who is missing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletenessView {
    pub form_id: Uuid,
    pub form_code: String,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub due_label: String,
    pub as_of: String,
    pub expected: u32,
    pub sent: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub accepted: u32,
    /// "87,5" — % of expected reports sent.
    pub percent_sent: String,
    pub rows: Vec<CompletenessRow>,
}

/// The units expected to report on `form` for `period` within the actor's reach (and under
/// `under` when given): active on the window's last day, of a reporting kind.
fn expected_units<'a>(
    me: &Caller,
    tree: &UnitTree<'a>,
    units: &'a [Unit],
    form: &ReportForm,
    period: Period,
    under: Option<UnitId>,
) -> Result<Vec<&'a Unit>, Error> {
    let window = form
        .window(period)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut out: Vec<&Unit> = units
        .iter()
        .filter(|u| form.applies_to(u.kind, &tree.ancestry(u.id)) && u.is_active_on(window.end()))
        .filter(|u| me.may(tree, Permission::ReadRecords, u.id))
        // Under a unit: the units whose figures roll up into it, the units merged into it too.
        .filter(|u| under.is_none_or(|root| tree.rollup_targets(u.id).contains(&root)))
        .collect();
    out.sort_by_cached_key(|u| giaoban_vntext::normalize::ascii_key(&u.name));
    Ok(out)
}

pub async fn completeness(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    under: Option<Uuid>,
    as_of: Timestamp,
    lang: Lang,
) -> Result<CompletenessView, Error> {
    let form = state.store.form(FormId(form)).await?;
    let period = parse_period(period)?;
    check_period(&form.def, period).map_err(|e| {
        use giaoban_domain::Localized;
        bad("period", e.code(), e.message(Lang::Vi), e.message(Lang::En))
    })?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if let Some(u) = under {
        if tree.get(UnitId(u)).is_none() {
            return Err(Error::NotFound);
        }
        if !me.may(&tree, Permission::ReadRecords, UnitId(u)) {
            return Err(Error::Forbidden);
        }
    }
    let due_moment = form.due(period, calendar()?).map_err(outside_calendar)?;
    let due = due_moment
        .instant()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let subs: HashMap<UnitId, _> = state
        .store
        .submissions_for(form.id, period)
        .await?
        .into_iter()
        .map(|s| (s.unit_id, s))
        .collect();
    let mut totals = Completeness::default();
    let mut rows = Vec::new();
    for u in expected_units(me, &tree, &units, &form, period, under.map(UnitId))? {
        let s = subs.get(&u.id);
        // A report sent after `as_of` had not been sent then.
        let sent = s.and_then(|s| s.first_sent_at).filter(|t| *t <= as_of);
        let t = Timeliness::assess(due, sent, as_of);
        totals.add(t, s.map(|s| s.status));
        rows.push(CompletenessRow {
            unit_id: u.id.0,
            unit_name: u.name.clone(),
            status: s.map_or("none", |s| s.status.code()).into(),
            status_label: s
                .map_or(lang.pick("Chưa lập", "Not started"), |s| {
                    s.status.label(lang)
                })
                .into(),
            timeliness: t.code().into(),
            timeliness_label: t.label(lang),
            first_sent_at: sent.map(ts_label),
            reason: s.and_then(|s| s.reason.clone()),
        });
    }
    Ok(CompletenessView {
        form_id: form.id.0,
        form_code: form.def.code.clone(),
        form_name: form.name(lang).to_owned(),
        period: period.code(),
        period_label: period.label(lang),
        due_label: due_moment.label(lang),
        as_of: ts_label(as_of),
        expected: totals.expected,
        sent: totals.sent,
        on_time: totals.on_time,
        late: totals.late,
        missing: totals.missing,
        accepted: totals.accepted,
        percent_sent: totals
            .percent_sent()
            .map(|p| p.format(1, lang))
            .unwrap_or_default(),
        rows,
    })
}

// ── Roll-ups ────────────────────────────────────────────────────────────────────────────────

/// One indicator's line in a roll-up table.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RollupRow {
    pub indicator_id: Uuid,
    pub code: String,
    pub name: String,
    pub measure: String,
    pub sector: String,
    pub sector_label: String,
    pub rollup: String,
    pub decimals: u8,
    /// This period's figure at the unit.
    pub value: Option<f64>,
    pub value_label: String,
    /// Year-to-date (lũy kế).
    pub ytd: Option<f64>,
    pub ytd_label: String,
    /// The unit's annual plan target.
    pub target: Option<f64>,
    pub target_label: String,
    /// Year-to-date as % of the annual plan ("101,2").
    pub percent_of_plan: Option<f64>,
    pub percent_of_plan_label: String,
    /// The same period a year earlier.
    pub last_year: Option<f64>,
    pub last_year_label: String,
    /// Change against the same period last year, in % ("3,1", "-2,0").
    pub change: Option<f64>,
    pub change_label: String,
    /// How many units' figures make this total.
    pub reporting_units: i64,
}

/// A unit's roll-up table for a period, and the units directly under it for drill-down.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RollupView {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    pub rows: Vec<RollupRow>,
    pub children: Vec<ChildLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChildLink {
    pub id: Uuid,
    pub name: String,
}

/// Computes roll-up rows of `unit` for `period` from the stored aggregates and targets: the reads
/// are here, the table ([`rollup_table`]: year-to-date, % of plan, same period last year) is the
/// domain's.
pub async fn rollup_rows(
    store: &Store,
    unit: UnitId,
    period: Period,
    indicators: &[Indicator],
    lang: Lang,
) -> Result<Vec<RollupRow>, Error> {
    // Every period the table needs, read in one query.
    let aggs: HashMap<(IndicatorId, Period), Aggregate> = store
        .aggregates(&[unit], &rollup_table_periods(period))
        .await?
        .into_iter()
        .map(|a| ((a.indicator_id, a.period), a.aggregate))
        .collect();
    let targets: HashMap<IndicatorId, Figure> = store
        .targets(period.year(), &[unit])
        .await?
        .into_iter()
        .map(|t| (t.indicator_id, t.value))
        .collect();
    let lines = rollup_table(
        indicators,
        period,
        |id, p| aggs.get(&(id, p)).copied(),
        |id| targets.get(&id).copied(),
    );
    Ok(lines
        .into_iter()
        .map(|line| {
            let ind = line.indicator;
            let d = ind.decimals;
            RollupRow {
                indicator_id: ind.id.0,
                code: ind.code.to_string(),
                name: ind.name(lang).to_owned(),
                measure: ind.measure.clone(),
                sector: ind.sector.code().into(),
                sector_label: ind.sector.label(lang).into(),
                rollup: ind.rollup.kind.code().into(),
                decimals: d,
                value: line.value.map(Figure::to_f64),
                value_label: figure_label(line.value, d, lang),
                ytd: line.year_to_date.map(Figure::to_f64),
                ytd_label: figure_label(line.year_to_date, d, lang),
                target: line.target.map(Figure::to_f64),
                target_label: figure_label(line.target, d, lang),
                percent_of_plan: line.percent_of_plan.map(Figure::to_f64),
                percent_of_plan_label: percent_label(line.percent_of_plan, lang),
                last_year: line.last_year.map(Figure::to_f64),
                last_year_label: figure_label(line.last_year, d, lang),
                change: line.change.map(Figure::to_f64),
                change_label: percent_label(line.change, lang),
                reporting_units: line.reporting_units,
            }
        })
        .collect())
}

pub async fn rollup(
    state: &App,
    me: &Caller,
    unit: Option<Uuid>,
    period: &str,
    lang: Lang,
) -> Result<RollupView, Error> {
    let period = parse_period(period)?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit = unit.map_or(me.actor.scope_root, UnitId);
    let u = tree.get(unit).ok_or(Error::NotFound)?;
    if !me.may(&tree, Permission::ReadRecords, unit) {
        return Err(Error::Forbidden);
    }
    let indicators = state.store.indicators().await?;
    let rows = rollup_rows(&state.store, unit, period, &indicators, lang).await?;
    let mut children: Vec<ChildLink> = tree
        .children(Some(unit))
        .iter()
        .filter(|c| c.kind.is_territorial())
        .map(|c| ChildLink {
            id: c.id.0,
            name: c.name.clone(),
        })
        .collect();
    children.sort_by_cached_key(|c| giaoban_vntext::normalize::ascii_key(&c.name));
    // The units merged into this one (issue 24), after its children: their figures of the past
    // are in this roll-up, and each opens its own roll-up of the time, marked "cũ".
    children.extend(
        tree.merged_from(unit)
            .into_iter()
            .filter(|p| p.merged_into == Some(unit))
            .map(|p| ChildLink {
                id: p.id.0,
                name: format!("{} ({})", p.name, lang.pick("cũ", "former")),
            }),
    );
    Ok(RollupView {
        unit_id: unit.0,
        unit_name: u.name.clone(),
        period: period.code(),
        period_label: period.label(lang),
        rows,
        children,
    })
}

/// One point of an indicator's series.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SeriesPoint {
    pub period: String,
    pub label: String,
    pub value: Option<f64>,
}

/// An indicator's figure at a unit over the `count` periods up to `period`.
pub async fn series(
    state: &App,
    me: &Caller,
    unit: Uuid,
    indicator: Uuid,
    period: &str,
    count: usize,
    lang: Lang,
) -> Result<Vec<SeriesPoint>, Error> {
    let period = parse_period(period)?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit = UnitId(unit);
    if tree.get(unit).is_none() {
        return Err(Error::NotFound);
    }
    if !me.may(&tree, Permission::ReadRecords, unit) {
        return Err(Error::Forbidden);
    }
    let indicators = state.store.indicators().await?;
    let ind = indicators
        .iter()
        .find(|i| i.id.0 == indicator)
        .ok_or(Error::NotFound)?;
    let mut periods = vec![period];
    while periods.len() < count.clamp(1, 60) {
        match periods.last().and_then(|p| p.prev().ok()) {
            Some(p) => periods.push(p),
            None => break,
        }
    }
    periods.reverse();
    let aggs: HashMap<(IndicatorId, String), Aggregate> = state
        .store
        .aggregates(&[unit], &periods)
        .await?
        .into_iter()
        .map(|a| ((a.indicator_id, a.period.code()), a.aggregate))
        .collect();
    let by_code: HashMap<&giaoban_domain::indicator::IndicatorCode, IndicatorId> =
        indicators.iter().map(|i| (&i.code, i.id)).collect();
    Ok(periods
        .iter()
        .map(|p| {
            let pc = p.code();
            let v = rolled_value(ind, aggs.get(&(ind.id, pc.clone())), |c| {
                by_code
                    .get(c)
                    .and_then(|id| aggs.get(&(*id, pc.clone())).copied())
            });
            SeriesPoint {
                period: pc,
                label: p.label(lang),
                value: v.map(Figure::to_f64),
            }
        })
        .collect())
}

/// Rebuilds every aggregate (administrators): must give the same numbers as the running totals.
pub async fn rebuild(
    state: &App,
    me: &Caller,
) -> Result<giaoban_storage::reports::RebuildSummary, Error> {
    if !me.actor.is_admin() {
        return Err(Error::Forbidden);
    }
    Ok(state.store.rebuild_aggregates(&me.audit()).await?)
}

// ── Reminders ───────────────────────────────────────────────────────────────────────────────

/// What a report-reminder sweep did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ReportSweep {
    pub reports_checked: u32,
    pub reminders: u32,
    /// Deliveries (e-mail, Telegram) enqueued with the new reminders.
    pub deliveries: u32,
}

/// Reminds every expected unit that has not sent its report: N days before the deadline (the
/// form's reminder days) and once when it is missed. Looks at the current and previous period of
/// each active form. Each reminder is recorded once per (form, unit, period, kind), with its
/// deliveries on the `channels` the unit has, in the same transaction; nothing is sent here.
pub async fn send_report_reminders(
    store: &Store,
    channels: &crate::channels::Channels,
    now: Timestamp,
) -> Result<ReportSweep, Error> {
    let units = store.units().await?;
    let own_bots = store.units_with_bot_token().await?;
    let tree = UnitTree::new(&units);
    let cal = calendar()?;
    let today = local_date(now);
    let mut sweep = ReportSweep::default();
    for form in store.forms().await?.into_iter().filter(|f| f.active) {
        let Ok(current) = Period::containing(form.def.period_kind, today) else {
            continue;
        };
        let mut periods = vec![current];
        if let Ok(p) = current.prev() {
            periods.push(p);
        }
        for period in periods {
            let (Ok(due), Ok(window)) = (form.due(period, cal), form.window(period)) else {
                continue;
            };
            let Ok(due_at) = due.instant() else { continue };
            let sent: HashMap<UnitId, bool> = store
                .submissions_for(form.id, period)
                .await?
                .into_iter()
                .map(|s| (s.unit_id, s.first_sent_at.is_some()))
                .collect();
            let days_left = (due.date - today).get_days();
            let kind = if now > due_at {
                // Missed: remind once, within a month of the deadline.
                if days_left < -31 {
                    continue;
                }
                "missed".to_string()
            } else if let Some(d) = form
                .def
                .reminder_days
                .iter()
                .filter(|d| i32::from(**d) >= days_left)
                .min()
            {
                format!("days_before_{d}")
            } else {
                continue;
            };
            for u in units.iter().filter(|u| {
                form.applies_to(u.kind, &tree.ancestry(u.id)) && u.is_active_on(window.end())
            }) {
                sweep.reports_checked += 1;
                if sent.get(&u.id).copied().unwrap_or(false) {
                    continue;
                }
                let subject = format!(
                    "[giaoban] {}: {} {}",
                    if kind == "missed" {
                        "Quá hạn báo cáo"
                    } else {
                        "Sắp đến hạn báo cáo"
                    },
                    form.def.name_vi,
                    period.label(Lang::Vi)
                );
                let body = format!(
                    "Kính gửi: {unit}\n\nBáo cáo: {form} {period}\nHạn nộp: {due}\n\n\
                     Đề nghị đơn vị nhập số liệu và gửi báo cáo trên hệ thống giaoban.\nXem: {link}\n\n---\n\
                     Report: {form_en} {period_en}\nDue: {due_en}\n",
                    unit = u.name,
                    form = form.def.name_vi,
                    period = period.label(Lang::Vi),
                    due = due.label(Lang::Vi),
                    form_en = form.def.name_en,
                    period_en = period.label(Lang::En),
                    due_en = due.label(Lang::En),
                    link = channels.link(&format!(
                        "/reports/{}/{}/{}",
                        form.id.0,
                        period.code(),
                        u.id.0
                    )),
                );
                let deliveries =
                    channels.deliveries_for(u, own_bots.contains(&u.id), &subject, &body);
                if !store
                    .add_report_reminder_with_deliveries(form.id, u.id, period, &kind, &deliveries)
                    .await?
                {
                    continue;
                }
                sweep.reminders += 1;
                sweep.deliveries += u32::try_from(deliveries.len()).unwrap_or(u32::MAX);
            }
        }
    }
    if sweep.deliveries > 0 {
        channels.wake();
    }
    Ok(sweep)
}

// ── Excel ───────────────────────────────────────────────────────────────────────────────────

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How a unit is named in Excel files: its stable key, else its statistics code, else its id.
fn unit_code(u: &Unit) -> String {
    u.key
        .clone()
        .or_else(|| u.admin_code.clone())
        .unwrap_or_else(|| u.id.to_string())
}

fn slug(s: &str) -> String {
    let k = giaoban_vntext::normalize::ascii_key(s);
    let mut out = String::new();
    for c in k.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

fn xlsx_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("xlsx: {e}"))
}

/// The units whose rows an Excel template holds: the one asked for, or every expected unit the
/// user may write for.
async fn template_units<'a>(
    me: &Caller,
    tree: &UnitTree<'a>,
    units: &'a [Unit],
    form: &ReportForm,
    period: Period,
    unit: Option<Uuid>,
) -> Result<Vec<&'a Unit>, Error> {
    match unit {
        Some(id) => {
            let u = tree.get(UnitId(id)).ok_or(Error::NotFound)?;
            if !me.may(tree, Permission::ReadRecords, u.id) {
                return Err(Error::Forbidden);
            }
            if !form.applies_to(u.kind, &tree.ancestry(u.id)) {
                return Err(bad(
                    "unit",
                    "report.not_a_reporter",
                    format!("{} không báo cáo theo biểu mẫu {}.", u.name, form.def.code),
                    format!("{} does not report on form {}.", u.name, form.def.code),
                ));
            }
            Ok(vec![u])
        }
        None => Ok(expected_units(me, tree, units, form, period, None)?
            .into_iter()
            .filter(|u| me.may(tree, Permission::WriteRecords, u.id))
            .collect()),
    }
}

/// The Excel template of a form and period, pre-filled with what is saved.
pub async fn template_file(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    unit: Option<Uuid>,
) -> Result<crate::work::FileOut, Error> {
    use giaoban_documents::xlsx::{FormColumn, TemplateRow, TemplateSpec, form_template};
    let form = state.store.form(FormId(form)).await?;
    let period = parse_period(period)?;
    check_period(&form.def, period).map_err(|e| {
        use giaoban_domain::Localized;
        bad("period", e.code(), e.message(Lang::Vi), e.message(Lang::En))
    })?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let catalog = state.store.indicators().await?;
    let due = form.due(period, calendar()?).map_err(outside_calendar)?;
    let mut rows = Vec::new();
    for u in template_units(me, &tree, &units, &form, period, unit).await? {
        let draft = state.store.find_submission(form.id, u.id, period).await?;
        let version = draft.as_ref().map(|s| s.version);
        rows.push(TemplateRow {
            unit_code: unit_code(u),
            unit_name: u.name.clone(),
            values: draft.map(|s| s.values).unwrap_or_default(),
            version,
        });
    }
    let bytes = form_template(&TemplateSpec {
        form_code: form.def.code.clone(),
        form_name: form.def.name_vi.clone(),
        period,
        deadline_label: due.label(Lang::Vi),
        columns: FormColumn::of_form(&form.def, &catalog),
        rows,
    })
    .map_err(xlsx_error)?;
    let base = format!("{}-{}", form.def.code, period.code());
    Ok(crate::work::FileOut {
        bytes,
        content_type: XLSX,
        ascii_name: format!("{}.xlsx", slug(&base)),
        name: format!("{} {}.xlsx", form.def.name_vi, period.label(Lang::Vi)),
    })
}

/// What an upload saved.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadResult {
    /// How many units' drafts were saved.
    pub saved: usize,
    pub units: Vec<String>,
}

/// Reads a filled template and saves every unit's figures as drafts — all of them, or, when any
/// cell, unit or rule is wrong, none, with every problem located (sheet, row, column). A unit's
/// draft changed after the template was downloaded (its version no longer the one the file
/// carries) refuses the file (409) unless `force` says to overwrite it.
pub async fn upload_file(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    bytes: &[u8],
    force: bool,
) -> Result<UploadResult, Error> {
    use giaoban_documents::xlsx::{FormColumn, UploadSpec, UploadUnit, read_form_upload};
    let form = state.store.form(FormId(form)).await?;
    let period = parse_period(period)?;
    check_period(&form.def, period).map_err(|e| {
        use giaoban_domain::Localized;
        bad("period", e.code(), e.message(Lang::Vi), e.message(Lang::En))
    })?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let catalog = state.store.indicators().await?;
    // Only units the user may write for are known to the reader: another unit's row is refused
    // as an unknown unit, located like any other problem.
    let known: Vec<UploadUnit> = expected_units(me, &tree, &units, &form, period, None)?
        .into_iter()
        .filter(|u| me.may(&tree, Permission::WriteRecords, u.id))
        .map(|u| UploadUnit {
            code: unit_code(u),
            id: u.id,
            name: u.name.clone(),
        })
        .collect();
    if known.is_empty() {
        return Err(Error::Forbidden);
    }
    let located = |vi: String, en: String| Invalid::new("file", "report.upload_invalid", vi, en);
    // The reading inflates and parses an untrusted package (bounded by the reader's limits): it
    // runs on the blocking pool, two at most at once, so that the server keeps answering.
    let spec = UploadSpec {
        form_code: form.def.code.clone(),
        period,
        columns: FormColumn::of_form(&form.def, &catalog),
        units: known,
    };
    let file = bytes.to_vec();
    let rows = state
        .heavy
        .files
        .run(move || read_form_upload(&file, &spec))
        .await?
        .map_err(|problems| {
            Error::Invalid(Invalids(
                problems.into_iter().map(|p| located(p.vi, p.en)).collect(),
            ))
        })?;
    // Every row checked against the form's rules before anything is saved.
    let mut parsed = Vec::with_capacity(rows.len());
    let mut errors = Invalids::default();
    for r in &rows {
        let name = tree.get(r.unit_id).map_or("", |u| u.name.as_str());
        match parse_values(&form.def, &catalog, &r.values) {
            Ok(values) => {
                for p in check_values(&form.def, &catalog, &values, false) {
                    errors.push(located(
                        format!("Dòng {} ({name}): {}", r.row, p.vi),
                        format!("Row {} ({name}): {}", r.row, p.en),
                    ));
                }
                parsed.push((r.unit_id, values));
            }
            Err(ps) => {
                for p in ps {
                    errors.push(located(
                        format!("Dòng {} ({name}): {}", r.row, p.vi),
                        format!("Row {} ({name}): {}", r.row, p.en),
                    ));
                }
            }
        }
    }
    errors.into_result()?;
    let mut narratives = Vec::with_capacity(parsed.len());
    let mut expected = Vec::with_capacity(parsed.len());
    let mut changed = Vec::new();
    for ((unit, _), r) in parsed.iter().zip(&rows) {
        let draft = state.store.find_submission(form.id, *unit, period).await?;
        let now = draft.as_ref().map_or(0, |s| s.version);
        // The version the file was written from: the draft must still be that one (0: none).
        match r.version {
            Some(was) if was != now && !force => {
                let name = tree.get(*unit).map_or("", |u| u.name.as_str());
                changed.push(name.to_owned());
            }
            _ => {}
        }
        expected.push(match r.version {
            Some(was) if was > 0 && !force => Some(was),
            _ => None,
        });
        narratives.push(draft.map(|s| s.narrative).unwrap_or_default());
    }
    if !changed.is_empty() {
        return Err(draft_changed(&changed));
    }
    let entries: Vec<giaoban_storage::reports::SubmissionEntry<'_>> = parsed
        .iter()
        .zip(&narratives)
        .zip(expected)
        .map(|(((unit, values), narrative), expected_version)| {
            giaoban_storage::reports::SubmissionEntry {
                unit: *unit,
                values,
                narrative,
                expected_version,
            }
        })
        .collect();
    state
        .store
        .save_submissions(&me.audit(), &form, period, &entries)
        .await
        .map_err(|e| match e {
            // A draft saved between the check above and this write.
            giaoban_storage::StoreError::Conflict(giaoban_storage::Conflict::Version) => {
                draft_changed(&[])
            }
            e => e.into(),
        })?;
    Ok(UploadResult {
        saved: parsed.len(),
        units: parsed
            .iter()
            .map(|(u, _)| {
                tree.get(*u)
                    .map_or_else(|| u.to_string(), |u| u.name.clone())
            })
            .collect(),
    })
}

/// 409: drafts changed after the uploaded file's template was downloaded (by name when known).
fn draft_changed(units: &[String]) -> Error {
    let (vi_units, en_units) = if units.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(" của {}", units.join(", ")),
            format!(" of {}", units.join(", ")),
        )
    };
    Error::Conflict {
        code: "report.upload_draft_changed",
        vi: format!(
            "Bản nháp{vi_units} đã được sửa sau khi tải biểu mẫu Excel này về; tệp không được lưu để không ghi đè số liệu mới. Hãy tải lại biểu mẫu và nhập lại, hoặc chọn «ghi đè» nếu muốn thay bằng số liệu trong tệp."
        ),
        en: format!(
            "The draft{en_units} was changed after this Excel template was downloaded; the file was not saved so as not to overwrite newer figures. Download the template again, or choose «overwrite» to replace them with the file's figures."
        ),
    }
}

/// The roll-up table as an Excel file.
pub async fn rollup_file(
    state: &App,
    me: &Caller,
    unit: Option<Uuid>,
    period: &str,
    lang: Lang,
) -> Result<crate::work::FileOut, Error> {
    use giaoban_documents::xlsx::{TableCell, TableSpec, table_xlsx};
    let view = rollup(state, me, unit, period, lang).await?;
    let fig = |v: Option<f64>, d: u8| match v.and_then(Figure::from_f64) {
        Some(value) => TableCell::Figure { value, decimals: d },
        None => TableCell::Empty,
    };
    let pct = |v: Option<f64>| match v.and_then(Figure::from_f64) {
        Some(value) => TableCell::Percent { value, decimals: 1 },
        None => TableCell::Empty,
    };
    let headers = [
        ("Mã", "Code"),
        ("Chỉ tiêu", "Indicator"),
        ("Đơn vị tính", "Measure"),
        ("Kỳ này", "This period"),
        ("Lũy kế", "Year to date"),
        ("Kế hoạch năm", "Annual plan"),
        ("% kế hoạch", "% of plan"),
        ("Cùng kỳ năm trước", "Same period last year"),
        ("Tăng/giảm %", "Change %"),
    ]
    .iter()
    .map(|(vi, en)| lang.pick(vi, en).to_owned())
    .collect();
    let rows = view
        .rows
        .iter()
        .map(|r| {
            vec![
                TableCell::Text(r.code.clone()),
                TableCell::Text(r.name.clone()),
                TableCell::Text(r.measure.clone()),
                fig(r.value, r.decimals),
                fig(r.ytd, r.decimals),
                fig(r.target, r.decimals),
                pct(r.percent_of_plan),
                fig(r.last_year, r.decimals),
                pct(r.change),
            ]
        })
        .collect();
    let bytes = table_xlsx(&TableSpec {
        sheet: lang.pick("Tổng hợp", "Roll-up").to_owned(),
        title: format!(
            "{} — {}",
            lang.pick("Tổng hợp chỉ tiêu", "Indicator roll-up"),
            view.unit_name
        ),
        subtitle: view.period_label.clone(),
        headers,
        rows,
    })
    .map_err(xlsx_error)?;
    Ok(crate::work::FileOut {
        bytes,
        content_type: XLSX,
        ascii_name: format!("tong-hop-{}-{}.xlsx", slug(&view.unit_name), view.period),
        name: format!("Tổng hợp {} {}.xlsx", view.unit_name, view.period_label),
    })
}

/// The completeness table as an Excel file.
pub async fn completeness_file(
    state: &App,
    me: &Caller,
    form: Uuid,
    period: &str,
    as_of: Timestamp,
    lang: Lang,
) -> Result<crate::work::FileOut, Error> {
    use giaoban_documents::xlsx::{TableCell, TableSpec, table_xlsx};
    let v = completeness(state, me, form, period, None, as_of, lang).await?;
    let headers = [
        ("Đơn vị", "Unit"),
        ("Trạng thái", "Status"),
        ("Thời hạn", "Timeliness"),
        ("Gửi lúc", "Sent at"),
        ("Lý do trả lại", "Reason returned"),
    ]
    .iter()
    .map(|(vi, en)| lang.pick(vi, en).to_owned())
    .collect();
    let rows = v
        .rows
        .iter()
        .map(|r| {
            vec![
                TableCell::Text(r.unit_name.clone()),
                TableCell::Text(r.status_label.clone()),
                TableCell::Text(r.timeliness_label.clone()),
                r.first_sent_at
                    .clone()
                    .map_or(TableCell::Empty, TableCell::Text),
                r.reason.clone().map_or(TableCell::Empty, TableCell::Text),
            ]
        })
        .collect();
    let bytes = table_xlsx(&TableSpec {
        sheet: lang.pick("Tình hình nộp", "Completeness").to_owned(),
        title: format!("{} — {}", v.form_name, v.period_label),
        subtitle: format!(
            "{}: {}/{} ({}%) · {}: {} · {}: {}",
            lang.pick("Đã gửi", "Sent"),
            v.sent,
            v.expected,
            v.percent_sent,
            lang.pick("Trễ hạn", "Late"),
            v.late,
            lang.pick("Chưa nộp", "Missing"),
            v.missing
        ),
        headers,
        rows,
    })
    .map_err(xlsx_error)?;
    Ok(crate::work::FileOut {
        bytes,
        content_type: XLSX,
        ascii_name: format!("tinh-hinh-nop-{}-{}.xlsx", slug(&v.form_code), v.period),
        name: format!("Tình hình nộp {} {}.xlsx", v.form_name, v.period_label),
    })
}
