//! The demo of today: the reorganisation of 01/07/2025 (two-level local government) loaded from the
//! bundled data for the provinces of the seeds, the province bodies of today, accounts at today's
//! units, and records dated relative to the day the demo is built — so that a newcomer signing in
//! sees work of this week, not a 2023 district with every task three years overdue.
//!
//! Every figure, task and report here is INVENTED demo data (named "minh họa" where a person sees
//! it); the units are the bundled reorganisation's (GSO codes) and units-2025.toml's.
//!
//! "This week", for the records, is the seven days from the day of the build: the tasks due "this
//! week" fall due within them (a demo built on a Sunday still shows a week of work ahead).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::calendar::WorkCalendar;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::period::{Period, PeriodKind};
use giaoban_domain::programme::{CommuneProgramme, CriterionStatus, Level, Met};
use giaoban_domain::report::{EnteredValue, SectionKind};
use giaoban_domain::unit::Unit;
use giaoban_storage::Store;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::demo::DemoUser;
use crate::demo_cycle::{
    MeetingSpec, TaskSpec, at, invalid, meeting, notice_done, task, unit as unit_id,
};
use crate::demo_reports::{code, fig, form, report};

/// The province bodies of today (see the file's header).
pub const UNITS_2025_TOML: &str = include_str!("../demo/units-2025.toml");

/// The new provinces (GSO codes after 01/07/2025) loaded from the bundled reorganisation: Thanh
/// Hóa (38) and Hà Tĩnh (42) continue; Phú Thọ (25) took in Vĩnh Phúc (Sông Lô) and Thái Nguyên
/// (19) took in Bắc Kạn (Bạch Thông), so the seeds' other districts are linked to their successors.
pub const PROVINCES: [&str; 4] = ["38", "42", "25", "19"];

/// The monthly report of the communes (the tests find it by this code).
pub const MONTHLY_FORM: &str = "KTXH_THANG_XA";

/// Accounts at today's units. Names are role titles, not real people.
pub const USERS: &[DemoUser] = &[
    DemoUser {
        username: "thanhhoa.chutich",
        name: "Chủ tịch UBND tỉnh Thanh Hóa",
        title: "Chủ tịch UBND tỉnh",
        role: "leader",
        unit: "thanh-hoa-ubnd",
    },
    DemoUser {
        username: "thanhhoa.vanphong",
        name: "Chánh Văn phòng UBND tỉnh Thanh Hóa",
        title: "Chánh Văn phòng UBND tỉnh",
        role: "office",
        unit: "thanh-hoa-vp-ubnd",
    },
    DemoUser {
        username: "thanhhoa.taichinh",
        name: "Chuyên viên Sở Tài chính Thanh Hóa",
        title: "Chuyên viên",
        role: "member",
        unit: "thanh-hoa-so-tc",
    },
    DemoUser {
        username: "xa.camthuy",
        name: "Cán bộ UBND xã Cẩm Thủy",
        title: "Văn phòng HĐND và UBND xã",
        role: "member",
        unit: "dvhc2025-15127",
    },
    DemoUser {
        username: "xa.camtan",
        name: "Cán bộ UBND xã Cẩm Tân",
        title: "Văn phòng HĐND và UBND xã",
        role: "member",
        unit: "dvhc2025-15178",
    },
];

/// What [`ensure_units`] did.
pub struct UnitsMade {
    pub created: usize,
    pub ended: usize,
    pub bodies: usize,
}

/// Loads the reorganisation of [`PROVINCES`] and the province bodies of today.
pub async fn ensure_units(
    store: &Store,
    actor: &AuditActor,
    lang: Lang,
) -> anyhow::Result<UnitsMade> {
    let app = giaoban_app::App::new(
        store.clone(),
        Arc::new(giaoban_app::channels::Channels::none()),
    );
    let data = giaoban_app::reorganisation::bundled().map_err(|e| anyhow::anyhow!("{e}"))?;
    let only: Vec<String> = PROVINCES.iter().map(|p| (*p).to_owned()).collect();
    let loaded = giaoban_app::reorganisation::load(&app, actor, &data, &only)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bodies = crate::units_file::load(store, actor, UNITS_2025_TOML, lang).await?;
    Ok(UnitsMade {
        created: loaded.units_created,
        ended: loaded.units_ended,
        bodies: bodies.created,
    })
}

/// The Monday of the week of `d`.
pub fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

/// The first working day on or after `d` (or `d` itself when none is found within `limit`).
fn working_on_or_after(cal: &WorkCalendar, d: Date, limit: Date) -> Date {
    let mut x = d;
    while x <= limit {
        if cal.is_working_day(x).unwrap_or(false) {
            return x;
        }
        match x.tomorrow() {
            Ok(n) => x = n,
            Err(_) => break,
        }
    }
    d
}

/// The last working day on or before `d`.
fn working_on_or_before(cal: &WorkCalendar, d: Date) -> Date {
    let mut x = d;
    for _ in 0..20 {
        if cal.is_working_day(x).unwrap_or(false) {
            return x;
        }
        match x.yesterday() {
            Ok(p) => x = p,
            Err(_) => break,
        }
    }
    d
}

fn vi(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// The dates the records of [`ensure`] are placed at, from the day of the build.
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    /// Last month's giao ban meeting, and the day its notice was issued.
    pub meeting: Date,
    pub issued: Date,
    /// Due within the seven days from today, not done.
    pub due_soon: [Date; 2],
    /// Due last week, not done: overdue.
    pub overdue: [Date; 2],
    /// Due last week, done the day before.
    pub done_on_time: Date,
}

impl Dates {
    pub fn new(today: Date) -> anyhow::Result<Dates> {
        let cal = WorkCalendar::vietnam().map_err(invalid)?;
        let first = today.first_of_month();
        let last_month_25 = first.checked_sub(1.month())?.with().day(25).build()?;
        let latest = today.checked_sub(12.days())?;
        let meeting = working_on_or_before(cal, last_month_25.min(latest));
        let issued = cal
            .add_working_days(meeting, 2)
            .map_err(invalid)?
            .min(today);
        let week_end = today.checked_add(6.days())?;
        let a = working_on_or_after(cal, today.checked_add(1.day())?, week_end);
        let b = working_on_or_after(cal, a.checked_add(2.days())?, week_end).min(week_end);
        let monday = monday_of(today);
        // Last week's Thursday and Friday (after the meeting, which is at least 12 days back).
        let overdue = [monday.checked_sub(4.days())?, monday.checked_sub(3.days())?];
        Ok(Dates {
            meeting,
            issued,
            due_soon: [a, b],
            overdue,
            done_on_time: monday.checked_sub(5.days())?,
        })
    }
}

/// Adds the records of today: last month's giao ban of UBND tỉnh Thanh Hóa and its issued notice
/// with tasks at today's units, this month's monthly report of the province's communes (partly
/// sent), and this NTM year of a few new communes. Returns how many records were made.
pub async fn ensure(store: &Store, actor: &AuditActor, today: Date) -> anyhow::Result<usize> {
    let d = Dates::new(today)?;
    let mut count = 0;
    let month_label = format!("{:02}/{}", d.meeting.month(), d.meeting.year());
    let title = format!("Hội nghị giao ban tháng {month_label} của UBND tỉnh");
    let period = Period::containing(PeriodKind::Month, d.meeting)
        .map_err(invalid)?
        .code();
    let chair = ("Chủ tịch UBND tỉnh Thanh Hóa", "Chủ tịch UBND tỉnh");
    let m = meeting(
        store,
        actor,
        MeetingSpec {
            kind: "briefing",
            title: &title,
            date: d.meeting,
            time: Some("08:00"),
            place: "Trụ sở UBND tỉnh Thanh Hóa",
            host: "thanh-hoa-ubnd",
            chair,
            agenda: &[
                "Tình hình kinh tế - xã hội trong tháng, nhiệm vụ trọng tâm tháng tới (minh họa)",
                "Vận hành chính quyền địa phương hai cấp ở các xã, phường mới",
            ],
            period: &period,
            participants: &[
                (
                    "Chánh Văn phòng UBND tỉnh Thanh Hóa",
                    "Chánh Văn phòng UBND tỉnh",
                ),
                ("Giám đốc Sở Tài chính", "Giám đốc Sở"),
                ("Giám đốc Sở Nông nghiệp và Môi trường", "Giám đốc Sở"),
            ],
        },
    )
    .await?;
    count += 1;
    let issuer = unit_id(store, "thanh-hoa-ubnd").await?;
    let draft = ConclusionDraft::parse(&ConclusionInput {
        meeting_id: m,
        issuer_unit_id: issuer.0,
        symbol: Some("TB-UBND".into()),
        place: Some("Thanh Hóa".into()),
        title: format!(
            "Kết luận của Chủ tịch UBND tỉnh tại hội nghị giao ban tháng {month_label} (minh họa)"
        ),
        signer_name: Some("Chánh Văn phòng UBND tỉnh Thanh Hóa".into()),
        signer_title: Some("Chánh Văn phòng".into()),
        authority: Some("by_order".into()),
        results: Some("Các xã, phường mới vận hành ổn định sau sắp xếp; thu ngân sách, giải ngân vốn đầu tư công đạt khá (số liệu minh họa).".into()),
        shortcomings: Some("Một số xã chậm gửi báo cáo định kỳ; việc bàn giao hồ sơ, nhiệm vụ của các huyện đã kết thúc còn chưa đầy đủ.".into()),
        directions: Some("Các sở, ngành và UBND các xã, phường tập trung hoàn thành các nhiệm vụ dưới đây đúng thời hạn; báo cáo kết quả về Văn phòng UBND tỉnh.".into()),
        recipients: vec!["TT Tỉnh ủy;\nTT HĐND tỉnh;\nChủ tịch, các PCT UBND tỉnh;\nCác sở, ban, ngành;\nUBND các xã, phường;\nLưu: VT.".into()],
        corrects_id: None,
        version: None,
    })
    .map_err(invalid)?;
    let notice = store.create_conclusion(actor, &draft).await?;
    count += 1;
    let assigner = "Chủ tịch UBND tỉnh Thanh Hóa";
    let by = |day: Date| format!("chậm nhất ngày {}", vi(day));
    let texts = [
        by(d.due_soon[0]),
        by(d.due_soon[1]),
        by(d.overdue[0]),
        by(d.overdue[1]),
        by(d.done_on_time),
        "trước 17h thứ Năm hàng tuần".to_owned(),
    ];
    let specs = [
        TaskSpec {
            content: "Tổng hợp tình hình thu, chi ngân sách của các xã, phường mới, báo cáo UBND tỉnh (minh họa)",
            lead: "thanh-hoa-so-tc",
            coordinating: &[],
            monitor: Some("thanh-hoa-vp-ubnd"),
            deadline: &texts[0],
            source_ref: Some("Mục 1"),
        },
        TaskSpec {
            content: "Hướng dẫn các xã rà soát tiêu chí nông thôn mới sau sắp xếp đơn vị hành chính (minh họa)",
            lead: "thanh-hoa-so-nnmt",
            coordinating: &["dvhc2025-15127", "dvhc2025-15178"],
            monitor: None,
            deadline: &texts[1],
            source_ref: Some("Mục 2"),
        },
        TaskSpec {
            content: "Báo cáo tiến độ giải ngân vốn đầu tư công của các dự án chuyển từ các huyện đã kết thúc (minh họa)",
            lead: "thanh-hoa-so-tc",
            coordinating: &[],
            monitor: None,
            deadline: &texts[2],
            source_ref: Some("Mục 3"),
        },
        TaskSpec {
            content: "Hoàn thành bàn giao hồ sơ, tài liệu của UBND huyện Cẩm Thủy cũ cho xã (minh họa)",
            lead: "dvhc2025-15127",
            coordinating: &[],
            monitor: Some("thanh-hoa-so-nv"),
            deadline: &texts[3],
            source_ref: Some("Mục 4"),
        },
        TaskSpec {
            content: "Rà soát, bố trí cán bộ, công chức cấp xã theo vị trí việc làm (minh họa)",
            lead: "dvhc2025-15178",
            coordinating: &["thanh-hoa-so-nv"],
            monitor: None,
            deadline: &texts[4],
            source_ref: Some("Mục 5"),
        },
        TaskSpec {
            content: "Tổng hợp tình hình hoạt động của các xã, phường trong tuần, báo cáo Chủ tịch UBND tỉnh (minh họa)",
            lead: "thanh-hoa-vp-ubnd",
            coordinating: &[],
            monitor: None,
            deadline: &texts[5],
            source_ref: Some("Mục 6"),
        },
    ];
    let mut made = Vec::new();
    for spec in specs {
        made.push(
            task(
                store,
                actor,
                "thanh-hoa-ubnd",
                assigner,
                m,
                Some(notice.id),
                d.meeting,
                spec,
            )
            .await?,
        );
        count += 1;
    }
    let issued_on = d.issued;
    store
        .issue_conclusion(actor, notice.id, None, move |_| Ok(issued_on))
        .await?;
    notice_done(
        store,
        actor,
        m,
        at(issued_on, 16, 0)?,
        "Đã ban hành thông báo kết luận.",
    )
    .await?;
    // Done on time: the day before its deadline.
    let done_day = d.done_on_time.yesterday()?.max(d.meeting);
    store
        .record_completion_at(
            actor,
            made[4].id,
            at(done_day, 15, 0)?,
            None,
            "Đã hoàn thành rà soát, gửi Sở Nội vụ (minh họa).",
        )
        .await?;
    // The weekly summary: every Thursday since the meeting before today, at 16:00 (on time).
    let mut thursday = d.meeting;
    while thursday.weekday() != Weekday::Thursday {
        thursday = thursday.tomorrow()?;
    }
    while thursday < today {
        let week = Period::containing(PeriodKind::Week, thursday).map_err(invalid)?;
        store
            .record_completion_at(
                actor,
                made[5].id,
                at(thursday, 16, 0)?,
                Some(week),
                "Đã gửi báo cáo tuần (minh họa).",
            )
            .await?;
        thursday = thursday.checked_add(7.days())?;
    }
    count += monthly_reports(store, actor, today).await?;
    count += ntm(store, actor, today).await?;
    Ok(count)
}

/// The Thanh Hóa communes and wards active on `on`, by name.
pub fn province_communes<'a>(units: &'a [Unit], province: &Unit, on: Date) -> Vec<&'a Unit> {
    let mut v: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            u.parent_id == Some(province.id) && u.kind.is_commune_level() && u.is_active_on(on)
        })
        .collect();
    v.sort_by_cached_key(|u| giaoban_vntext::normalize::ascii_key(&u.name));
    v
}

/// This month's monthly report of the communes and wards of Thanh Hóa: one in three sent (and
/// accepted), a few saved as drafts, the rest not begun.
async fn monthly_reports(store: &Store, actor: &AuditActor, today: Date) -> anyhow::Result<usize> {
    let form = form(
        store,
        actor,
        serde_json::json!({
            "code": MONTHLY_FORM,
            "name_vi": "Báo cáo tình hình kinh tế - xã hội tháng (cấp xã)",
            "name_en": "Monthly socio-economic report (communes and wards)",
            "period_kind": "month",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune", "ward", "special_zone"],
            "items": [
                {"code": "NN_GIEO_TRONG"}, {"code": "XH_HO_NGHEO"}, {"code": "XH_TONG_SO_HO"},
                {"code": "GHI_CHU_KHO_KHAN"}
            ],
            "sections": ["results", "recommendations"],
            "reminder_days": [3, 1]
        }),
    )
    .await?;
    let units = store.units().await?;
    let province = store
        .unit_by_key("thanh-hoa")
        .await?
        .context("demo unit «thanh-hoa»")?;
    let communes = province_communes(&units, &province, today);
    let period = Period::containing(PeriodKind::Month, today).map_err(invalid)?;
    let first = today.first_of_month();
    let mut made = 0;
    for (i, c) in communes.iter().enumerate() {
        if i % 3 != 0 && i % 10 != 1 {
            continue;
        }
        let households = 2_000 + (i as i64 * 37) % 3_000;
        let poor = households * (2 + (i as i64 % 5)) / 100;
        let values = BTreeMap::from([
            (
                code("NN_GIEO_TRONG"),
                EnteredValue::Figure(fig(&format!("{}", 120 + (i * 13) % 400))?),
            ),
            (
                code("XH_TONG_SO_HO"),
                EnteredValue::Figure(fig(&households.to_string())?),
            ),
            (
                code("XH_HO_NGHEO"),
                EnteredValue::Figure(fig(&poor.to_string())?),
            ),
        ]);
        let narrative = BTreeMap::from([(
            SectionKind::Results,
            "Tình hình kinh tế - xã hội trong tháng ổn định (số liệu minh họa).".to_owned(),
        )]);
        // Sent: one in three, the day before today (today itself on the first of the month).
        let sent = (i % 3 == 0).then(|| {
            let day = today.yesterday().unwrap_or(today).max(first);
            (day, (8, 0))
        });
        report(
            store,
            actor,
            &form,
            c.id,
            period,
            values,
            narrative,
            sent,
            i % 6 == 0 && sent.is_some_and(|(day, _)| day < today),
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// The NTM assessment of this year (or of the last year of the newest bundled set, 2025, while
/// the 2026–2030 set is not bundled) for four new communes of Thanh Hóa.
async fn ntm(store: &Store, actor: &AuditActor, today: Date) -> anyhow::Result<usize> {
    let sets = crate::demo_programmes::sets(store, actor).await?;
    let set = *sets.get("xa-ntm-2021-2025").context("2021–2025 set")?;
    let year = today.year().min(2025);
    let on = today.checked_sub(20.days())?.max(Date::new(2025, 7, 1)?);
    let on = if on.year() > year {
        Date::new(year, 12, 31)?
    } else {
        on
    };
    let communes = [
        ("dvhc2025-15127", 17usize),
        ("dvhc2025-15178", 14),
        ("dvhc2025-15142", 19),
        ("dvhc2025-15148", 12),
    ];
    let mut made = 0;
    for (i, (key, k)) in communes.iter().enumerate() {
        let Some(u) = store.unit_by_key(key).await? else {
            continue;
        };
        let statuses: Vec<CriterionStatus> = (1..=19u16)
            .map(|n| {
                let met = if usize::from(n) <= *k {
                    Met::Ntm
                } else {
                    Met::No
                };
                let mut s =
                    crate::demo_programmes::status(&n.to_string(), met, on, "UBND xã (minh họa)");
                if met == Met::No {
                    s.planned_year = Some(year + 1);
                }
                s
            })
            .collect();
        store
            .put_statuses(actor, u.id, set, year, &statuses)
            .await?;
        let mut p = CommuneProgramme {
            region: Some("bac-trung-bo".into()),
            ..Default::default()
        };
        p.targets.insert(
            if *k == 19 { Level::NangCao } else { Level::Ntm },
            year + 1 + (i as i16 % 2),
        );
        store.put_commune_programme(actor, u.id, &p, None).await?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use giaoban_app::work::{TaskQuery, board, list_tasks};
    use giaoban_app::{App, Caller, Clock};
    use jiff::civil::date;

    /// Builds the whole demo as of `today` on this engine (PostgreSQL in the suite's second pass)
    /// and checks what a newcomer signing in that day sees.
    async fn demo_as_of(today: Date) {
        let db = giaoban_storage::testing::TestDb::new().await;
        let started = std::time::Instant::now();
        crate::demo::ensure(&db.store, Lang::Vi, today)
            .await
            .expect("the demo builds");
        let took = started.elapsed();
        let store = &db.store;
        let units = store.units().await.expect("units");

        // The communes and wards of today: 166 in Thanh Hóa, 69 in Hà Tĩnh.
        for (key, n) in [("thanh-hoa", 166), ("ha-tinh", 69)] {
            let p = store.unit_by_key(key).await.expect("read").expect(key);
            assert!(p.is_active_on(today), "{key} continues");
            let communes = province_communes(&units, &p, today);
            assert_eq!(communes.len(), n, "{key} on {today}");
            assert!(communes.iter().all(|u| matches!(
                u.kind,
                giaoban_domain::unit::UnitKind::Commune
                    | giaoban_domain::unit::UnitKind::Ward
                    | giaoban_domain::unit::UnitKind::SpecialZone
            )));
        }
        // The seed-era district is ended, with the new commune among its successors.
        let old = store
            .unit_by_key("cam-thuy")
            .await
            .expect("read")
            .expect("cam-thuy");
        assert!(!old.is_active_on(today));
        assert_eq!(old.active_to, Some(date(2025, 6, 30)));

        // The accounts of today, at the right units; the seed-era ones are kept.
        for u in USERS.iter().chain(crate::demo::USERS) {
            let c = Caller::by_username(store, u.username)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", u.username));
            let unit = store
                .unit_by_key(u.unit)
                .await
                .expect("read")
                .expect(u.unit);
            assert_eq!(c.user.unit_id, unit.id, "{}", u.username);
            assert_eq!(c.user.role.code(), u.role, "{}", u.username);
        }

        // The leader of today, with the clock at noon of that day.
        let noon = giaoban_domain::calendar::local_timestamp(
            today,
            jiff::civil::Time::constant(12, 0, 0, 0),
        )
        .expect("noon");
        let app = App::new(
            store.clone(),
            Arc::new(giaoban_app::channels::Channels::none()),
        )
        .with_clock(Clock::Fixed(noon));
        let leader = Caller::by_username(store, "thanhhoa.chutich")
            .await
            .expect("leader");
        let (tasks, as_of) = list_tasks(&app, &leader, &TaskQuery::default(), Lang::Vi)
            .await
            .expect("tasks");
        assert_eq!(as_of, noon, "the list is as of the app's clock");
        let ours: Vec<_> = tasks
            .iter()
            .filter(|t| t.task.content.ends_with("(minh họa)"))
            .collect();
        assert_eq!(ours.len(), 6, "{today}");
        let d = Dates::new(today).expect("dates");
        let week_end = today.checked_add(6.days()).expect("date");
        let monday = monday_of(today);
        let last_week = (
            monday.checked_sub(7.days()).expect("date"),
            monday.yesterday().expect("date"),
        );
        let due = |t: &giaoban_app::work::Listed| t.status.assessment.effective_due.map(|m| m.date);
        let status = |t: &giaoban_app::work::Listed| t.view.status.clone();
        let mut due_this_week = 0;
        let mut overdue = 0;
        let mut done = 0;
        let mut weekly = 0;
        for t in &ours {
            let day = due(t).expect("every task of today has a due date");
            if t.view.deadline_label.contains("hàng tuần") {
                weekly += 1;
                // The week's occurrence: this week's Thursday or the next one, never overdue.
                assert_ne!(status(t), "overdue", "{today}: {}", t.view.deadline_label);
                assert!(
                    day >= monday && day <= week_end.checked_add(7.days()).expect("date"),
                    "{day}"
                );
                continue;
            }
            match status(t).as_str() {
                "due_soon" | "in_progress" => {
                    assert!(day >= today && day <= week_end, "{today}: due {day}");
                    due_this_week += 1;
                }
                "overdue" => {
                    assert!(
                        day >= last_week.0 && day <= last_week.1,
                        "{today}: overdue since {day}"
                    );
                    assert!(t.view.days_late.unwrap_or(0) >= 1);
                    overdue += 1;
                }
                "completed_on_time" => {
                    assert_eq!(day, d.done_on_time);
                    done += 1;
                }
                other => panic!("{today}: {} is {other}", t.task.content),
            }
        }
        assert_eq!(
            (due_this_week, overdue, done, weekly),
            (2, 2, 1, 1),
            "{today}"
        );
        // Assigned last month at the giao ban, by UBND tỉnh.
        for t in &ours {
            assert_eq!(t.task.assigned_on, d.meeting);
        }
        let last_month = today.first_of_month().checked_sub(1.month()).expect("date");
        assert_eq!(
            (d.meeting.year(), d.meeting.month()),
            (last_month.year(), last_month.month())
        );

        // The board: last month's notice, this week's work, as of the clock.
        let b = board(&app, &leader, &TaskQuery::default(), Lang::Vi)
            .await
            .expect("board");
        let label = format!("{:02}/{}", d.meeting.month(), d.meeting.year());
        let notice = b
            .conclusions
            .iter()
            .find(|c| c.title.contains(&label))
            .expect("last month's notice on the board");
        assert_eq!(notice.total, 6);
        assert_eq!(notice.overdue, 2);
        assert!(
            notice
                .number
                .as_deref()
                .is_some_and(|n| n.ends_with("/TB-UBND"))
        );
        let ids: Vec<uuid::Uuid> = ours.iter().map(|t| t.view.id).collect();
        let of_today = b.overdue.iter().filter(|t| ids.contains(&t.id)).count();
        assert_eq!(of_today, 2, "{today}");
        // The rest are the seed-era tasks of the ended Cẩm Thủy bodies (their lead units ended on
        // 30/06/2025): counted as tasks without a living lead unit, for the handover.
        assert!(
            b.without_living_owner >= b.overdue.len() - of_today,
            "{} overdue, {} without a living lead",
            b.overdue.len(),
            b.without_living_owner
        );

        // This month's monthly report of the communes: 166 expected, about a third sent.
        let form = store.form_by_code(MONTHLY_FORM).await.expect("form");
        let period = Period::containing(PeriodKind::Month, today).expect("period");
        let c = giaoban_app::reports::completeness(
            &app,
            &leader,
            form.id.0,
            &period.code(),
            None,
            noon,
            Lang::Vi,
        )
        .await
        .expect("completeness");
        assert_eq!(c.expected, 166, "{today}");
        assert!(c.sent >= 50 && c.sent < c.expected, "{} sent", c.sent);
        // Accepted the day after sending: none yet on the first of a month (all sent that morning).
        assert!(c.accepted < c.sent);
        assert_eq!(c.accepted > 0, today.day() > 1, "{} accepted", c.accepted);
        println!(
            "demo as of {today}: built in {:.1} s; {} units; Thanh Hóa {} communes and wards; {} of {} monthly reports sent; due {}",
            took.as_secs_f64(),
            units.len(),
            c.expected,
            c.sent,
            c.expected,
            c.due_label
        );

        // NTM of the current year for new communes.
        let cam_thuy = store
            .unit_by_key("dvhc2025-15127")
            .await
            .expect("read")
            .expect("Cẩm Thủy");
        let sets = crate::demo_programmes::sets(store, &AuditActor::system("test"))
            .await
            .expect("sets");
        let set = *sets.get("xa-ntm-2021-2025").expect("2021–2025 set");
        let a = store
            .assessment(cam_thuy.id, set, today.year().min(2025))
            .await
            .expect("read")
            .expect("this year's NTM assessment of Xã Cẩm Thủy");
        assert_eq!(a.statuses.len(), 19);
    }

    #[tokio::test]
    async fn demo_of_today_as_of_sunday_6_december_2026() {
        demo_as_of(date(2026, 12, 6)).await;
    }

    #[tokio::test]
    async fn demo_of_today_as_of_monday_1_march_2027_after_tet() {
        demo_as_of(date(2027, 3, 1)).await;
    }
}
