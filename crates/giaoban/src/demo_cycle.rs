//! The demo's meetings, notices, tasks and recommendations, taken from the seeds:
//!
//! - 004 (Cẩm Thủy, 24/03/2023): the regular session of March and the Chairman's conclusion notice
//!   with each assignment in it (finance by 27/03/2023; police, economy-infrastructure, agriculture
//!   with the NTM coordination office within quarter II).
//! - 003 (Thạch Hà, 08/04/2021): the NTM steering committee's working session and the coordination
//!   office's two weekly obligations (registrations before 17:00 every Thursday, results before 10:00
//!   every Monday); the first weeks are reported done, one of them late.
//! - 002 (Sông Lô, 25/06/2020): the Party briefing of June, the finance department's assignment on
//!   the drainage works (about 63% done district-wide) and Đức Bác's overloaded landfill.
//! - 000 (Bạch Thông, 06/04/2018): the first-quarter review, whose recommendations were answered at
//!   the meeting.
//!
//! Statuses are never stored: seen "as of 28/03/2023", the finance task is overdue.

use anyhow::{Context, anyhow};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::calendar::{WorkCalendar, local_timestamp};
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::deadline::DueMoment;
use giaoban_domain::meeting::{
    Answer, AnswerInput, MeetingDraft, MeetingInput, PersonInput, RecommendationDraft,
    RecommendationInput,
};
use giaoban_domain::period::{Period, PeriodKind};
use giaoban_domain::task::{DeadlineInput, Progress, ProgressInput, TaskDraft, TaskInput};
use giaoban_domain::unit::UnitId;
use giaoban_domain::{Lang, Localized};
use giaoban_storage::Store;
use giaoban_storage::meetings::NoticeTask;
use jiff::civil::{Date, Time, date};
use uuid::Uuid;

pub(crate) async fn unit(store: &Store, key: &str) -> anyhow::Result<UnitId> {
    Ok(store
        .unit_by_key(key)
        .await?
        .with_context(|| format!("demo unit «{key}»"))?
        .id)
}

pub(crate) fn person(name: &str, title: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        title: Some(title.into()),
        unit_id: None,
    }
}

pub(crate) fn invalid(e: impl Localized) -> anyhow::Error {
    anyhow!(e.message(Lang::En))
}

pub(crate) struct MeetingSpec<'a> {
    pub(crate) kind: &'a str,
    pub(crate) title: &'a str,
    pub(crate) date: Date,
    pub(crate) time: Option<&'a str>,
    pub(crate) place: &'a str,
    pub(crate) host: &'a str,
    pub(crate) chair: (&'a str, &'a str),
    pub(crate) agenda: &'a [&'a str],
    pub(crate) period: &'a str,
    pub(crate) participants: &'a [(&'a str, &'a str)],
}

pub(crate) async fn meeting(
    store: &Store,
    actor: &AuditActor,
    m: MeetingSpec<'_>,
) -> anyhow::Result<Uuid> {
    let host = unit(store, m.host).await?;
    let draft = MeetingDraft::parse(&MeetingInput {
        kind: m.kind.into(),
        title: m.title.into(),
        date: m.date.to_string(),
        time: m.time.map(str::to_owned),
        place: Some(m.place.into()),
        host_unit_id: host.0,
        chair: Some(person(m.chair.0, m.chair.1)),
        participants: m.participants.iter().map(|(n, t)| person(n, t)).collect(),
        invited_unit_ids: vec![],
        agenda: m.agenda.iter().map(|a| (*a).to_owned()).collect(),
        minutes: None,
        period: Some(m.period.into()),
        version: None,
    })
    .map_err(invalid)?;
    let units = store.units().await?;
    let calendar = WorkCalendar::vietnam().map_err(invalid)?;
    let due = calendar
        .add_working_days(
            m.date,
            giaoban_domain::deadline::CONCLUSION_NOTICE_WORKING_DAYS,
        )
        .map_err(invalid)?;
    let notice = NoticeTask {
        office_unit_id: giaoban_domain::tree::UnitTree::new(&units).office_of(host),
        due: DueMoment::end_of(due),
    };
    Ok(store.create_meeting(actor, &draft, Some(notice)).await?.id)
}

pub(crate) struct TaskSpec<'a> {
    pub(crate) content: &'a str,
    pub(crate) lead: &'a str,
    pub(crate) coordinating: &'a [&'a str],
    pub(crate) monitor: Option<&'a str>,
    pub(crate) deadline: &'a str,
    pub(crate) source_ref: Option<&'a str>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn task(
    store: &Store,
    actor: &AuditActor,
    assigner: &str,
    assigner_name: &str,
    meeting: Uuid,
    conclusion: Option<Uuid>,
    assigned_on: Date,
    t: TaskSpec<'_>,
) -> anyhow::Result<giaoban_domain::task::Task> {
    let mut coordinating = Vec::new();
    for c in t.coordinating {
        coordinating.push(unit(store, c).await?.0);
    }
    let monitor = match t.monitor {
        Some(m) => Some(unit(store, m).await?.0),
        None => None,
    };
    let draft = TaskDraft::parse(
        &TaskInput {
            content: t.content.into(),
            source_kind: None,
            conclusion_id: conclusion,
            meeting_id: Some(meeting),
            source_ref: t.source_ref.map(str::to_owned),
            assigner_unit_id: unit(store, assigner).await?.0,
            assigner_name: Some(assigner_name.into()),
            lead_unit_id: unit(store, t.lead).await?.0,
            coordinating_unit_ids: coordinating,
            monitor_unit_id: monitor,
            parent_id: None,
            deadline: DeadlineInput::Text(t.deadline.into()),
            assigned_on: Some(assigned_on.to_string()),
        },
        assigned_on,
    )
    .map_err(invalid)?;
    Ok(store.create_task(actor, &draft).await?)
}

pub(crate) fn at(d: Date, h: i8, m: i8) -> anyhow::Result<jiff::Timestamp> {
    local_timestamp(d, Time::constant(h, m, 0, 0)).map_err(invalid)
}

/// Closes the office's notice task of a meeting at the moment the notice went out.
pub(crate) async fn notice_done(
    store: &Store,
    actor: &AuditActor,
    meeting: Uuid,
    when: jiff::Timestamp,
    note: &str,
) -> anyhow::Result<()> {
    let tasks = store
        .tasks(&giaoban_storage::tasks::TaskFilter {
            meeting_id: Some(meeting),
            ..Default::default()
        })
        .await?;
    if let Some(t) = tasks
        .iter()
        .find(|t| t.content.starts_with("Ban hành thông báo kết luận"))
    {
        store
            .record_completion_at(actor, t.id, when, None, note)
            .await?;
    }
    Ok(())
}

/// Adds the seeds' meetings, notices, tasks and recommendations.
pub async fn ensure(store: &Store, actor: &AuditActor) -> anyhow::Result<usize> {
    let mut count = 0;

    // ---- Seed 004: Cẩm Thủy, phiên họp thường kỳ tháng 03/2023 ----
    let d = date(2023, 3, 24);
    let m004 = meeting(
        store,
        actor,
        MeetingSpec {
            kind: "regular_session",
            title: "Phiên họp thường kỳ tháng 03 năm 2023 của UBND huyện",
            date: d,
            time: Some("08:00"),
            place: "Hội trường UBND huyện Cẩm Thủy",
            host: "cam-thuy-ubnd",
            chair: ("Phạm Viết Hoài", "Chủ tịch UBND huyện"),
            agenda: &[
                "Thảo luận dự thảo Báo cáo tình hình kinh tế - xã hội Quý I, nhiệm vụ trọng tâm Quý II năm 2023",
            ],
            period: "2023Q1",
            participants: &[
                ("Trần Đức Hùng", "Phó Chủ tịch UBND huyện"),
                ("Nguyễn Đình Hùng", "Chánh Văn phòng HĐND và UBND huyện"),
            ],
        },
    )
    .await?;
    let issuer = unit(store, "cam-thuy-ubnd").await?;
    let draft = ConclusionDraft::parse(&ConclusionInput {
        meeting_id: m004,
        issuer_unit_id: issuer.0,
        symbol: Some("TB-UBND".into()),
        place: Some("Cẩm Thủy".into()),
        title: "Kết luận của Chủ tịch UBND huyện Phạm Viết Hoài tại phiên họp thường kỳ tháng 03 năm 2023".into(),
        signer_name: Some("Nguyễn Đình Hùng".into()),
        signer_title: Some("Chánh Văn phòng".into()),
        authority: Some("by_order".into()),
        results: Some("Trong Quý I mặc dù còn gặp nhiều khó khăn, tình hình kinh tế - xã hội tiếp tục ổn định và phát triển: diện tích gieo trồng bằng 101,2% kế hoạch; giá trị xuất khẩu ước đạt 3,05 triệu USD; thành lập mới 09 doanh nghiệp đạt 20% kế hoạch; du lịch tiếp tục phát triển. An ninh chính trị, trật tự an toàn xã hội được giữ vững.".into()),
        shortcomings: Some("Công tác lãnh đạo, chỉ đạo của một số xã, thị trấn chưa tập trung, quyết liệt; việc duy trì và nâng cao các tiêu chí nông thôn mới, xã an toàn thực phẩm ở một số đơn vị chưa được quan tâm; giải phóng mặt bằng, giải ngân vốn đầu tư công chậm so với kế hoạch; giải quyết nợ đọng và thanh quyết toán các công trình còn chậm; tỷ lệ bao phủ bảo hiểm y tế một số xã đạt thấp.".into()),
        directions: Some("Rà soát lại các mục tiêu nhiệm vụ theo kế hoạch giao từ đầu năm; tổ chức đánh giá sơ kết giữa nhiệm kỳ; chuẩn bị các điều kiện tổ chức diễn tập khu vực phòng thủ huyện năm 2023; tập trung giải quyết khó khăn, vướng mắc cho các xã, thị trấn và các ý kiến, kiến nghị của cử tri.".into()),
        recipients: vec!["TT Huyện ủy;\nTT HĐND huyện;\nChủ tịch, các PCT UBND huyện;\nTrưởng các phòng, ban, ngành;\nUBND các xã, thị trấn;\nLưu: VT.".into()],
        corrects_id: None,
        version: None,
    })
    .map_err(invalid)?;
    let notice = store.create_conclusion(actor, &draft).await?;
    let chair = "Chủ tịch UBND huyện Phạm Viết Hoài";
    let tasks_004 = [
        TaskSpec {
            content: "Tiếp thu ý kiến của các đại biểu tham dự hội nghị để hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I năm 2023, trình Ban Thường vụ",
            lead: "cam-thuy-tckh",
            coordinating: &[],
            monitor: Some("cam-thuy-vp-hdnd-ubnd"),
            deadline: "chậm nhất vào ngày 27/03/2023",
            source_ref: Some("Mục 2"),
        },
        TaskSpec {
            content: "Xây dựng dự thảo báo cáo sơ kết giữa nhiệm kỳ (mục tiêu, chỉ tiêu, chương trình trọng tâm, khâu đột phá theo Nghị quyết Đại hội Đảng bộ huyện lần thứ XVI) trình UBND huyện xem xét",
            lead: "cam-thuy-tckh",
            coordinating: &["cam-thuy-nnptnt", "cam-thuy-ktht", "cam-thuy-ldtbxh"],
            monitor: None,
            deadline: "trong quý II/2023",
            source_ref: Some("Nhiệm vụ chung Quý II"),
        },
        TaskSpec {
            content: "Tham mưu cho Phó Chủ tịch Trần Đức Hùng ban hành văn bản chỉ đạo các xã, thị trấn khi lắp đặt hệ thống camera an ninh phải bảo đảm kết nối với trung tâm chỉ huy của huyện, thống nhất, đồng bộ trên toàn huyện",
            lead: "cam-thuy-cong-an",
            coordinating: &[],
            monitor: None,
            deadline: "trong quý II/2023",
            source_ref: Some("Nhiệm vụ cụ thể"),
        },
        TaskSpec {
            content: "Tham mưu văn bản chấn chỉnh hoạt động bán hàng hoá, dịch vụ đa cấp trá hình trên địa bàn, xác định rõ trách nhiệm của Chủ tịch UBND xã, thị trấn nếu để xảy ra",
            lead: "cam-thuy-ktht",
            coordinating: &[],
            monitor: None,
            deadline: "trong quý II/2023",
            source_ref: Some("Nhiệm vụ cụ thể"),
        },
        TaskSpec {
            content: "Rà soát các tiêu chí nông thôn mới, nông thôn mới nâng cao của 17 xã, thị trấn, báo cáo Ban Chỉ đạo để định hướng công tác lãnh đạo, chỉ đạo",
            lead: "cam-thuy-nnptnt",
            coordinating: &["cam-thuy-vpdp-ntm"],
            monitor: Some("cam-thuy-bcd-mtqg"),
            deadline: "trong quý II/2023",
            source_ref: Some("Nhiệm vụ cụ thể"),
        },
        TaskSpec {
            content: "Tham mưu tổ chức sơ kết các chương trình mục tiêu quốc gia, trọng tâm là chương trình xây dựng nông thôn mới, trước sơ kết 6 tháng của cấp ủy, chính quyền",
            lead: "cam-thuy-nnptnt",
            coordinating: &["cam-thuy-vpdp-ntm"],
            monitor: None,
            deadline: "trong quý II/2023",
            source_ref: Some("Nhiệm vụ cụ thể"),
        },
    ];
    for spec in tasks_004 {
        task(
            store,
            actor,
            "cam-thuy-ubnd",
            chair,
            m004,
            Some(notice.id),
            d,
            spec,
        )
        .await?;
        count += 1;
    }
    // Issued once its tasks are in: an issued notice takes no more (issue 21).
    let issued_on = date(2023, 3, 27);
    store
        .issue_conclusion(actor, notice.id, None, move |_| Ok(issued_on))
        .await?;
    notice_done(
        store,
        actor,
        m004,
        at(issued_on, 16, 0)?,
        "Đã ban hành thông báo kết luận.",
    )
    .await?;
    count += 1;

    // ---- Seed 003: Thạch Hà, BCĐ NTM 08/04/2021, weekly obligations ----
    let d = date(2021, 4, 8);
    let m003 = meeting(
        store,
        actor,
        MeetingSpec {
            kind: "review",
            title: "Cuộc làm việc nghe báo cáo kết quả thực hiện nhiệm vụ quý I, triển khai nhiệm vụ quý II năm 2021 của Ban Chỉ đạo NTM, đô thị văn minh, giảm nghèo bền vững và OCOP",
            date: d,
            time: Some("08:00"),
            place: "Huyện Thạch Hà",
            host: "thach-ha-bcd-ntm",
            chair: ("Nguyễn Văn Khoa", "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"),
            agenda: &["Báo cáo kết quả quý I", "Khó khăn, kiến nghị của các xã", "Nhiệm vụ trọng tâm quý II"],
            period: "2021Q1",
            participants: &[
                ("Nguyễn Thị Nguyệt", "Tỉnh ủy viên, Bí thư Huyện ủy"),
                ("Trần Danh Vinh", "Chủ tịch UBMTTQ huyện"),
                ("Nguyễn Văn Thắng", "Phó Bí thư Thường trực Huyện ủy"),
            ],
        },
    )
    .await?;
    notice_done(
        store,
        actor,
        m003,
        at(date(2021, 4, 12), 15, 0)?,
        "Đã ban hành thông báo.",
    )
    .await?;
    let steering = "Ban Chỉ đạo NTM huyện";
    let weekly_reg = task(
        store,
        actor,
        "thach-ha-bcd-ntm",
        steering,
        m003,
        None,
        d,
        TaskSpec {
            content: "Tổng hợp đăng ký ra quân hàng tuần của các địa phương, gửi Thường trực BCĐ, lãnh đạo UBND huyện, các đoàn công tác, các phòng, ngành, đoàn thể cấp huyện",
            lead: "thach-ha-vpdp-ntm",
            coordinating: &[],
            monitor: None,
            deadline: "trước 17h ngày thứ 5 hàng tuần",
            source_ref: None,
        },
    )
    .await?;
    let weekly_res = task(
        store,
        actor,
        "thach-ha-bcd-ntm",
        steering,
        m003,
        None,
        d,
        TaskSpec {
            content: "Tổng hợp kết quả ra quân, báo cáo Thường trực BCĐ huyện",
            lead: "thach-ha-vpdp-ntm",
            coordinating: &[],
            monitor: None,
            deadline: "trước 10h ngày thứ 2 hàng tuần",
            source_ref: None,
        },
    )
    .await?;
    count += 2;
    // The first four Thursdays were sent; the third one at 17:30, half an hour late.
    for (day, h, m) in [(8, 16, 30), (15, 16, 45), (22, 17, 30), (29, 15, 0)] {
        let dd = date(2021, 4, day);
        let period = Period::containing(PeriodKind::Week, dd).map_err(invalid)?;
        store
            .record_completion_at(
                actor,
                weekly_reg.id,
                at(dd, h, m)?,
                Some(period),
                "Đã gửi bảng tổng hợp đăng ký ra quân.",
            )
            .await?;
    }
    for day in [12, 19, 26] {
        let dd = date(2021, 4, day);
        let period = Period::containing(PeriodKind::Week, dd).map_err(invalid)?;
        store
            .record_completion_at(
                actor,
                weekly_res.id,
                at(dd, 9, 0)?,
                Some(period),
                "Đã báo cáo kết quả ra quân.",
            )
            .await?;
    }
    let rec = RecommendationDraft::parse(
        &RecommendationInput {
            meeting_id: Some(m003),
            raised_by_unit_id: unit(store, "thach-ha-luu-vinh-son").await?.0,
            addressed_to_unit_id: Some(unit(store, "thach-ha-ubnd").await?.0),
            content: "Các xã sáp nhập gặp nhiều khó khăn về cơ sở vật chất, hạ tầng, đặc biệt là khu vực làm việc còn thiếu; đề nghị huyện quan tâm, hỗ trợ xây dựng.".into(),
            raised_on: Some(d.to_string()),
        },
        d,
    )
    .map_err(invalid)?;
    store.create_recommendation(actor, &rec).await?;
    count += 1;

    // ---- Seed 002: Sông Lô, giao ban công tác Đảng tháng 6/2020 ----
    let d = date(2020, 6, 25);
    let m002 = meeting(
        store,
        actor,
        MeetingSpec {
            kind: "briefing",
            title: "Hội nghị giao ban công tác Đảng tháng 6 năm 2020",
            date: d,
            time: Some("14:00"),
            place: "Huyện ủy Sông Lô",
            host: "song-lo-huyen-uy",
            chair: ("Phùng Thị Kim Nga", "Tỉnh ủy viên, Bí thư Huyện ủy"),
            agenda: &["Kết quả công tác Đảng tháng 6, nhiệm vụ tháng 7 năm 2020"],
            period: "202006",
            participants: &[],
        },
    )
    .await?;
    notice_done(
        store,
        actor,
        m002,
        at(date(2020, 6, 30), 10, 0)?,
        "Đã ban hành thông báo.",
    )
    .await?;
    let drainage = task(
        store,
        actor,
        "song-lo-huyen-uy",
        "Bí thư Huyện ủy Phùng Thị Kim Nga",
        m002,
        None,
        d,
        TaskSpec {
            content: "Phối hợp với các phòng chuyên môn tháo gỡ khó khăn cho các xã trong việc thanh quyết toán kinh phí xây dựng cống rãnh thoát nước thải",
            lead: "song-lo-tckh",
            coordinating: &[],
            monitor: None,
            deadline: "thường xuyên",
            source_ref: None,
        },
    )
    .await?;
    count += 1;
    let progress = Progress::parse(
        &ProgressInput {
            percent: Some("63".into()),
            note: "Toàn huyện đã hoàn thành khoảng 63% khối lượng xây dựng, cải tạo rãnh thoát nước thải; các xã tập trung đẩy nhanh tiến độ để đạt hoặc vượt số km đã đăng ký.".into(),
            completed: false,
            evidence: None,
            occurrence: None,
            version: None,
        },
        &drainage.deadline,
    )
    .map_err(invalid)?;
    store
        .report_progress(actor, drainage.id, drainage.lead_unit_id, &progress, None)
        .await?;
    let rec = RecommendationDraft::parse(
        &RecommendationInput {
            meeting_id: Some(m002),
            raised_by_unit_id: unit(store, "song-lo-duc-bac").await?.0,
            addressed_to_unit_id: Some(unit(store, "song-lo-tnmt").await?.0),
            content: "Bãi rác của xã Đức Bác đang quá tải; đề nghị đầu tư lò xử lý rác.".into(),
            raised_on: Some(d.to_string()),
        },
        d,
    )
    .map_err(invalid)?;
    store.create_recommendation(actor, &rec).await?;
    count += 1;

    // ---- Seed 000: Bạch Thông, họp đánh giá quý I/2018 ----
    let d = date(2018, 4, 6);
    let m000 = meeting(
        store,
        actor,
        MeetingSpec {
            kind: "review",
            title: "Họp đánh giá kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh quý I, triển khai nhiệm vụ trọng tâm quý II năm 2018",
            date: d,
            time: None,
            place: "UBND huyện Bạch Thông",
            host: "bach-thong-ubnd",
            chair: ("Nông Quốc Dũng", "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"),
            agenda: &["Chủ tịch UBND các xã, thị trấn báo cáo tình hình thực hiện nhiệm vụ quý I"],
            period: "2018Q1",
            participants: &[("Đồng Văn Lưu", "Tỉnh ủy viên, Bí thư Huyện ủy")],
        },
    )
    .await?;
    notice_done(
        store,
        actor,
        m000,
        at(date(2018, 4, 11), 10, 0)?,
        "Đã ban hành thông báo.",
    )
    .await?;
    let rec = RecommendationDraft::parse(
        &RecommendationInput {
            meeting_id: Some(m000),
            raised_by_unit_id: unit(store, "bach-thong").await?.0,
            addressed_to_unit_id: Some(unit(store, "bach-thong-ubnd").await?.0),
            content: "Kiến nghị, đề xuất của Chủ tịch UBND các xã, thị trấn tại cuộc họp đánh giá quý I năm 2018.".into(),
            raised_on: Some(d.to_string()),
        },
        d,
    )
    .map_err(invalid)?;
    let r = store.create_recommendation(actor, &rec).await?;
    let answer = Answer::parse(&AnswerInput {
        answer: Some("Hầu hết đã được các ngành chức năng của huyện trả lời, giải quyết, tháo gỡ ngay tại buổi làm việc.".into()),
        status: "resolved".into(),
        version: None,
    })
    .map_err(invalid)?;
    store.answer_recommendation(actor, r.id, &answer, d).await?;
    count += 1;
    Ok(count)
}
