//! Pages of the Nông thôn mới programme: the district's picture with its heatmap, a commune's
//! criteria, one criterion of a commune (assess it, or turn it into a task), and the criteria
//! sets with the administrators' upload form.
//!
//! The rules live in [`giaoban_app::programmes`] (the API calls the same functions).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{UnitId, UnitKind};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, Opt, mark_one, opt};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;
use giaoban_app::programmes::{
    self, CommuneQuery, CommuneView, CriterionTaskWrite, ItemView, PictureQuery, PictureView,
    SetSummary, StatusWrite,
};

/// The routes of these pages (merged into the signed-in router).
/// The words of these pages, in the viewer's language.
pub struct Words {
    pub programme: &'static str,
    pub picture: &'static str,
    pub territory: &'static str,
    pub set: &'static str,
    pub set_auto: &'static str,
    pub sets: &'static str,
    pub year: &'static str,
    pub show: &'static str,
    pub unconfirmed_note: &'static str,
    pub unconfirmed: &'static str,
    pub average: &'static str,
    pub communes_assessed: &'static str,
    pub communes_total: &'static str,
    pub per_level: &'static str,
    pub per_count: &'static str,
    pub targets: &'static str,
    pub level: &'static str,
    pub communes: &'static str,
    pub reached: &'static str,
    pub aims: &'static str,
    pub commune: &'static str,
    pub level_now: &'static str,
    pub aim: &'static str,
    pub lacking: &'static str,
    pub nothing_lacking: &'static str,
    pub not_assessed: &'static str,
    pub heatmap: &'static str,
    pub xlsx: &'static str,
    pub legend: &'static str,
    /// The rule of a merged commune's inherited status (issue 24), under the heatmap.
    pub inherited_rule: &'static str,
    pub met_count: &'static str,
    pub most_lacking: &'static str,
    pub criterion: &'static str,
    pub communes_lacking: &'static str,
    pub easy: &'static str,
    pub value: &'static str,
    pub threshold: &'static str,
    pub gap: &'static str,
    pub model_areas: &'static str,
    pub achieved: &'static str,
    pub target: &'static str,
    pub years: &'static str,
    pub recognitions: &'static str,
    pub region: &'static str,
    pub result: &'static str,
    pub evaluated_on: &'static str,
    pub assessor: &'static str,
    pub evidence: &'static str,
    pub planned_year: &'static str,
    pub indicators: &'static str,
    pub indicator: &'static str,
    pub advanced: &'static str,
    pub assess: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub make_task: &'static str,
    pub deadline: &'static str,
    pub code: &'static str,
    pub version: &'static str,
    pub name: &'static str,
    pub decision: &'static str,
    pub period: &'static str,
    pub levels: &'static str,
    pub criteria: &'static str,
    pub loaded_at: &'static str,
    pub upload: &'static str,
    pub upload_help: &'static str,
    pub file: &'static str,
    pub load: &'static str,
    pub loaded: &'static str,
    pub new_recognition: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

static VI: Words = Words {
    programme: "Nông thôn mới",
    picture: "Nông thôn mới",
    territory: "Địa bàn",
    set: "Bộ tiêu chí",
    set_auto: "(theo năm)",
    sets: "Các bộ tiêu chí",
    year: "Năm",
    show: "Xem",
    unconfirmed_note: "có ngưỡng chưa được đối chiếu với văn bản gốc",
    unconfirmed: "chưa xác minh",
    average: "Bình quân",
    communes_assessed: "xã đã đánh giá",
    communes_total: "xã trên địa bàn",
    per_level: "Số xã theo mức đạt chuẩn",
    per_count: "Số xã theo số tiêu chí đạt",
    targets: "Mục tiêu",
    level: "Mức",
    communes: "Xã",
    reached: "Đã đạt",
    aims: "Xã phấn đấu đạt chuẩn và tiêu chí còn thiếu",
    commune: "Xã",
    level_now: "Mức hiện tại",
    aim: "Phấn đấu",
    lacking: "Tiêu chí còn thiếu",
    nothing_lacking: "đã đủ",
    not_assessed: "chưa đánh giá",
    heatmap: "Bảng tiêu chí theo xã",
    xlsx: "Tải Excel",
    legend: "✓ đạt; NC đạt mức nâng cao; ✗ chưa đạt; · chưa đánh giá. Bấm vào ô để xem tiêu chí của xã.",
    inherited_rule: "Xã mới (sau sắp xếp) chưa được đánh giá trong năm: hiển thị tình trạng của một xã cũ sáp nhập vào — xã có mức đạt chuẩn cao nhất, rồi nhiều tiêu chí đạt nhất trong lần đánh giá gần nhất (đến năm đang xem), rồi lần đánh giá muộn hơn — giữ nguyên, không cộng gộp; nguồn ghi cạnh tên xã. Các xã cũ không còn hiển thị riêng.",
    met_count: "Số tiêu chí đạt",
    most_lacking: "Tiêu chí nhiều xã chưa đạt",
    criterion: "Tiêu chí",
    communes_lacking: "Số xã chưa đạt",
    easy: "Tiêu chí dễ (gần ngưỡng nhất)",
    value: "Giá trị",
    threshold: "Ngưỡng",
    gap: "Còn thiếu",
    model_areas: "Khu dân cư kiểu mẫu, vườn mẫu",
    achieved: "Đã đạt",
    target: "Mục tiêu",
    years: "Qua các năm",
    recognitions: "Quyết định công nhận",
    region: "Vùng",
    result: "Kết quả",
    evaluated_on: "Ngày đánh giá",
    assessor: "Người/đơn vị đánh giá",
    evidence: "Minh chứng",
    planned_year: "Năm dự kiến đạt",
    indicators: "Chỉ tiêu",
    indicator: "Chỉ tiêu",
    advanced: "nâng cao",
    assess: "Cập nhật đánh giá",
    save: "Lưu",
    saved: "Đã lưu đánh giá.",
    make_task: "Giao nhiệm vụ hoàn thành tiêu chí",
    deadline: "Thời hạn",
    code: "Mã",
    version: "Phiên bản",
    name: "Tên",
    decision: "Quyết định",
    period: "Giai đoạn",
    levels: "Mức",
    criteria: "Số tiêu chí",
    loaded_at: "Nạp lúc",
    upload: "Nạp bộ tiêu chí mới",
    upload_help: "Tệp TOML theo mẫu của các bộ tiêu chí có sẵn (crates/domain/data/criteria). Đánh giá cũ giữ nguyên phiên bản đã dùng.",
    file: "Tệp",
    load: "Nạp",
    loaded: "Đã nạp bộ tiêu chí",
    new_recognition: "Thêm quyết định công nhận",
};

static EN: Words = Words {
    programme: "New rural development",
    picture: "New rural development",
    territory: "Territory",
    set: "Criteria set",
    set_auto: "(by year)",
    sets: "Criteria sets",
    year: "Year",
    show: "Show",
    unconfirmed_note: "some thresholds not checked against the decision",
    unconfirmed: "unconfirmed",
    average: "Average",
    communes_assessed: "communes assessed",
    communes_total: "communes in the territory",
    per_level: "Communes per level",
    per_count: "Communes per number of criteria met",
    targets: "Targets",
    level: "Level",
    communes: "Communes",
    reached: "Reached",
    aims: "Communes aiming at a level, and what they still lack",
    commune: "Commune",
    level_now: "Level now",
    aim: "Aiming at",
    lacking: "Criteria still lacking",
    nothing_lacking: "none",
    not_assessed: "not assessed",
    heatmap: "Criteria by commune",
    xlsx: "Download Excel",
    legend: "✓ met; NC met at the advanced level; ✗ not met; · not assessed. Click a cell to open the commune's criterion.",
    inherited_rule: "A new commune (since the reorganisation) not assessed in the year shows the status of one old commune merged into it — the one with the highest level recognised, then the most criteria met in its latest assessment up to the year shown, then the later assessment — as it was, never added up; the source is named beside the commune. The old communes are no longer shown on their own.",
    met_count: "Criteria met",
    most_lacking: "Criteria most communes lack",
    criterion: "Criterion",
    communes_lacking: "Communes lacking it",
    easy: "Easy criteria (nearest their threshold)",
    value: "Value",
    threshold: "Threshold",
    gap: "Gap",
    model_areas: "Model residential areas and gardens",
    achieved: "Achieved",
    target: "Target",
    years: "Year over year",
    recognitions: "Recognition decisions",
    region: "Region",
    result: "Result",
    evaluated_on: "Evaluated on",
    assessor: "Assessed by",
    evidence: "Evidence",
    planned_year: "Planned year",
    indicators: "Indicators",
    indicator: "Indicator",
    advanced: "advanced",
    assess: "Update the assessment",
    save: "Save",
    saved: "Assessment saved.",
    make_task: "Assign a task to meet this criterion",
    deadline: "Deadline",
    code: "Code",
    version: "Version",
    name: "Name",
    decision: "Decision",
    period: "Period",
    levels: "Levels",
    criteria: "Criteria",
    loaded_at: "Loaded",
    upload: "Load a new criteria set",
    upload_help: "A TOML file shaped like the bundled sets (crates/domain/data/criteria). Earlier assessments keep the version they used.",
    file: "File",
    load: "Load",
    loaded: "Criteria set loaded",
    new_recognition: "Add a recognition decision",
};

#[derive(Template)]
#[template(path = "programmes/ntm_picture.html")]
struct PicturePage {
    c: Chrome,
    w: &'static Words,
    p: PictureView,
    unit_opts: Vec<Opt>,
    set_opts: Vec<Opt>,
}

pub async fn picture_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<PictureQuery>,
) -> Result<Html<String>, AppError> {
    let p = programmes::picture(&state, &me, &q, lang).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let mut territories: Vec<(String, String)> = units
        .iter()
        .filter(|u| {
            matches!(
                u.kind,
                UnitKind::District | UnitKind::Town | UnitKind::City | UnitKind::Province
            )
        })
        .filter(|u| {
            u.id.0 == p.unit.id || me.actor.may(Permission::ReadRecords, &tree.ancestry(u.id))
        })
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    territories.sort_by(|a, b| a.1.cmp(&b.1));
    let sets: Vec<(String, String)> = programmes::list_sets(&state, lang)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), format!("{} v{}", s.code, s.version)))
        .collect();
    let chosen_set = if q.set.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        p.set.id.to_string()
    } else {
        String::new()
    };
    render(&PicturePage {
        c: Chrome::new(lang, Some(&me), &session, "/programmes").await?,
        w: words(lang),
        unit_opts: mark_one(&territories, &p.unit.id.to_string()),
        set_opts: mark_one(&sets, &chosen_set),
        p,
    })
}

#[derive(Template)]
#[template(path = "programmes/ntm_commune.html")]
struct CommunePage {
    c: Chrome,
    w: &'static Words,
    v: CommuneView,
    target_inputs: Vec<TargetInput>,
    error: Option<String>,
}

struct TargetInput {
    value: &'static str,
    label: &'static str,
    year: String,
}

async fn commune_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: Uuid,
    q: &CommuneQuery,
    error: Option<String>,
) -> Result<Response, AppError> {
    let v = programmes::commune(state, me, UnitId(id), q, lang).await?;
    let target_inputs = giaoban_domain::programme::Level::ALL
        .iter()
        .map(|l| TargetInput {
            value: l.code(),
            label: l.label(lang),
            year: v
                .targets
                .iter()
                .find(|t| t.level == l.code())
                .map(|t| t.year.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CommunePage {
        c: Chrome::new(
            lang,
            Some(me),
            session,
            &format!("/programmes/communes/{id}"),
        )
        .await?,
        w: words(lang),
        v,
        target_inputs,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn commune_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<CommuneQuery>,
) -> Result<Response, AppError> {
    commune_inner(&state, lang, &me, &session, id, &q, None).await
}

/// The commune's region, target years and a new recognition decision (kept with the earlier ones).
pub async fn programme_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<CommuneQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let current = programmes::commune(&state, &me, UnitId(id), &q, lang).await?;
    let mut targets = std::collections::BTreeMap::new();
    let mut bad = None;
    for l in giaoban_domain::programme::Level::ALL {
        let raw = f.get(&format!("target_{}", l.code()));
        if raw.trim().is_empty() {
            continue;
        }
        match raw.trim().parse::<i64>() {
            Ok(y) => {
                targets.insert(l.code().to_owned(), y);
            }
            Err(_) => bad = Some(raw),
        }
    }
    if let Some(raw) = bad {
        let msg = lang
            .pick(
                &format!("Năm «{raw}» không hợp lệ."),
                &format!("Invalid year «{raw}»."),
            )
            .to_owned();
        return commune_inner(&state, lang, &me, &session, id, &q, Some(msg)).await;
    }
    // The recognitions already recorded, as dates the parser reads back.
    let mut recognitions: Vec<giaoban_domain::programme::RecognitionInput> = current
        .recognitions
        .iter()
        .map(|r| giaoban_domain::programme::RecognitionInput {
            level: r.level.clone(),
            decision: r.decision.clone(),
            decided_on: r.decided_on.clone(),
        })
        .collect();
    if !f.get("rec_level").trim().is_empty() || !f.get("rec_decision").trim().is_empty() {
        recognitions.push(giaoban_domain::programme::RecognitionInput {
            level: f.get("rec_level"),
            decision: f.get("rec_decision"),
            decided_on: f.get("rec_date"),
        });
    }
    let w = programmes::ProgrammeWrite {
        region: opt(&f.get("region")),
        recognitions,
        targets,
        version: f.get("version").trim().parse().ok(),
    };
    match programmes::put_programme(&state, &me, UnitId(id), &w)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/programmes/communes/{id}?set={}&year={}",
            q.set.as_deref().unwrap_or(""),
            q.year.as_deref().unwrap_or("")
        ))
        .into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((_, msg)) => commune_inner(&state, lang, &me, &session, id, &q, Some(msg)).await,
            None => Err(e),
        },
    }
}

#[derive(Default)]
struct StatusForm {
    evaluated_on: String,
    assessor: String,
    evidence: String,
    planned_year: String,
}

#[derive(Template)]
#[template(path = "programmes/ntm_criterion.html")]
struct CriterionPage {
    c: Chrome,
    w: &'static Words,
    v: CommuneView,
    item: ItemView,
    met_opts: Vec<Opt>,
    form: StatusForm,
    error: Option<String>,
    saved: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct CriterionQuery {
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn criterion_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: Uuid,
    item: &str,
    q: &CriterionQuery,
    echo: Option<(StatusForm, String, String)>,
) -> Result<Response, AppError> {
    let v = programmes::commune(
        state,
        me,
        UnitId(id),
        &CommuneQuery {
            set: q.set.clone(),
            year: q.year.clone(),
        },
        lang,
    )
    .await?;
    let Some(view) = v.items.iter().find(|i| i.item == item).cloned() else {
        return Err(AppError::NotFound);
    };
    let set = programmes::stored_set(state, v.set.id).await?;
    let choices = programmes::met_choices(&set.set, lang);
    let (form, met, error, status) = match echo {
        Some((f, met, msg)) => (f, met, Some(msg), StatusCode::UNPROCESSABLE_ENTITY),
        None => (
            StatusForm {
                evaluated_on: view.evaluated_on.clone().unwrap_or_default(),
                assessor: view.assessor.clone().unwrap_or_default(),
                evidence: view.evidence.clone().unwrap_or_default(),
                planned_year: view.planned_year.map(|y| y.to_string()).unwrap_or_default(),
            },
            view.met.clone().unwrap_or_else(|| "no".into()),
            None,
            StatusCode::OK,
        ),
    };
    let page = CriterionPage {
        c: Chrome::new(
            lang,
            Some(me),
            session,
            &format!("/programmes/communes/{id}/criteria/{item}"),
        )
        .await?,
        w: words(lang),
        met_opts: mark_one(&choices, &met),
        item: view,
        v,
        form,
        error,
        saved: q.saved.is_some().then_some(words(lang).saved),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn criterion_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((id, item)): Path<(Uuid, String)>,
    Query(q): Query<CriterionQuery>,
) -> Result<Response, AppError> {
    criterion_inner(&state, lang, &me, &session, id, &item, &q, None).await
}

/// The year asked for, else the set's last year, else the year of `today` (the app's day).
fn year_of(q: &CriterionQuery, v: Option<&SetSummary>, today: jiff::civil::Date) -> i64 {
    q.year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .or(v.map(|s| i64::from(s.to_year)))
        .unwrap_or_else(|| i64::from(today.year()))
}

pub async fn criterion_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((id, item)): Path<(Uuid, String)>,
    Query(q): Query<CriterionQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let echo = StatusForm {
        evaluated_on: f.get("evaluated_on"),
        assessor: f.get("assessor"),
        evidence: f.get("evidence"),
        planned_year: f.get("planned_year"),
    };
    let met = f.get("met");
    let mut values = std::collections::BTreeMap::new();
    let mut bad_value = None;
    for (k, v) in form_urlencoded::parse(&body).into_owned() {
        if let Some(code) = k.strip_prefix("value_") {
            let v = v.trim().replace(',', ".");
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    values.insert(code.to_owned(), n);
                }
                _ => bad_value = Some(code.to_owned()),
            }
        }
    }
    if let Some(code) = bad_value {
        let msg = lang
            .pick(
                &format!("Giá trị chỉ tiêu {code} phải là số (ví dụ 41,5)."),
                &format!("The value of indicator {code} must be a number (e.g. 41.5)."),
            )
            .to_owned();
        return criterion_inner(
            &state,
            lang,
            &me,
            &session,
            id,
            &item,
            &q,
            Some((echo, met, msg)),
        )
        .await;
    }
    let w = StatusWrite {
        set: q.set.clone(),
        year: year_of(&q, None, state.today()),
        item: item.clone(),
        met: serde_json::Value::String(met.clone()),
        evaluated_on: opt(&echo.evaluated_on),
        assessor: opt(&echo.assessor),
        evidence: opt(&echo.evidence),
        planned_year: opt(&echo.planned_year).map(serde_json::Value::String),
        values,
    };
    match programmes::put_status(&state, &me, UnitId(id), &w)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/programmes/communes/{id}/criteria/{item}?set={}&year={}&saved=1",
            q.set.as_deref().unwrap_or(""),
            w.year
        ))
        .into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((_, msg)) => {
                criterion_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    &item,
                    &q,
                    Some((echo, met, msg)),
                )
                .await
            }
            None => Err(e),
        },
    }
}

pub async fn criterion_task_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((id, item)): Path<(Uuid, String)>,
    Query(q): Query<CriterionQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let w = CriterionTaskWrite {
        set: q.set.clone(),
        year: year_of(&q, None, state.today()),
        item: item.clone(),
        deadline: opt(&f.get("deadline")),
    };
    match programmes::criterion_task(&state, &me, UnitId(id), &w)
        .await
        .map_err(AppError::from)
    {
        Ok(t) => Ok(Redirect::to(&format!("/tasks/{}", t.id)).into_response()),
        Err(e) => match correctable(&e, lang) {
            Some((_, msg)) => {
                let echo = StatusForm::default();
                criterion_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    &item,
                    &q,
                    Some((echo, String::new(), msg)),
                )
                .await
            }
            None => Err(e),
        },
    }
}

#[derive(Template)]
#[template(path = "programmes/ntm_sets.html")]
struct SetsPage {
    c: Chrome,
    w: &'static Words,
    sets: Vec<SetSummary>,
    is_admin: bool,
    errors: Vec<String>,
    saved: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SetsQuery {
    #[serde(default)]
    loaded: Option<String>,
}

async fn sets_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    errors: Vec<String>,
    saved: Option<String>,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SetsPage {
        c: Chrome::new(lang, Some(me), session, "/programmes/criteria-sets").await?,
        w: words(lang),
        sets: programmes::list_sets(state, lang).await?,
        is_admin: me.actor.is_admin(),
        errors,
        saved,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn sets_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<SetsQuery>,
) -> Result<Response, AppError> {
    let saved = q.loaded.map(|l| format!("{}: {l}", words(lang).loaded));
    sets_inner(&state, lang, &me, &session, vec![], saved).await
}

/// The upload form: one TOML file. Refused files come back with every located problem listed.
pub async fn sets_upload(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if !me.actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let file = crate::csrf::multipart_fields(ct, body)
        .await
        .ok()
        .and_then(|f| f.into_iter().find(|(k, _)| k == "file"))
        .map(|(_, v)| v);
    let Some(file) = file else {
        let msg = lang.pick("Hãy chọn một tệp.", "Choose a file.").to_owned();
        return sets_inner(&state, lang, &me, &session, vec![msg], None).await;
    };
    let Ok(text) = String::from_utf8(file) else {
        let msg = lang
            .pick("Tệp phải là văn bản UTF-8.", "The file must be UTF-8 text.")
            .to_owned();
        return sets_inner(&state, lang, &me, &session, vec![msg], None).await;
    };
    match programmes::load_set(&state, &me, &text, lang)
        .await
        .map_err(AppError::from)
    {
        Ok(s) => Ok(Redirect::to(&format!(
            "/programmes/criteria-sets?loaded={}",
            form_urlencoded::byte_serialize(format!("{} v{}", s.code, s.version).as_bytes())
                .collect::<String>()
        ))
        .into_response()),
        Err(AppError::Invalid(errs)) => {
            let list = errs
                .0
                .iter()
                .map(|e| lang.pick(&e.vi, &e.en).to_owned())
                .collect();
            sets_inner(&state, lang, &me, &session, list, None).await
        }
        Err(e) => Err(e),
    }
}
