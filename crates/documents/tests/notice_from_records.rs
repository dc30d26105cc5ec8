//! A notice built from the stored records, as the web layer does: units named through a closure,
//! deadlines written by the domain, a draft keeping its blanks.

use std::collections::HashMap;

use giaoban_documents::{Block, NoticeDate, NoticeDoc};
use giaoban_domain::conclusion::{Authority, Conclusion, ConclusionStatus, NoticeNumber};
use giaoban_domain::deadline::Deadline;
use giaoban_domain::meeting::{Meeting, MeetingKind, Person};
use giaoban_domain::period::Period;
use giaoban_domain::task::{SourceKind, Task, TaskId};
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use jiff::civil::date;
use uuid::Uuid;

fn task(content: &str, lead: UnitId, coordinating: Vec<UnitId>, deadline: Deadline) -> Task {
    Task {
        id: TaskId::new(),
        content: content.into(),
        source_kind: SourceKind::Conclusion,
        conclusion_id: None,
        meeting_id: None,
        source_ref: None,
        assigner_unit_id: UnitId::new(),
        assigner_name: None,
        lead_unit_id: lead,
        coordinating_unit_ids: coordinating,
        monitor_unit_id: None,
        parent_id: None,
        deadline,
        assigned_on: date(2023, 3, 27),
        percent: None,
        completed_at: None,
        completion_note: None,
        paused: false,
        cancelled: false,
        extension: None,
        pending_extension: None,
        occurrence_records: Vec::new(),
        created_at: Timestamp::UNIX_EPOCH,
        version: 1,
    }
}

fn records() -> (Conclusion, Meeting, Vec<Task>, HashMap<UnitId, String>) {
    let (tckh, ca, vp) = (UnitId::new(), UnitId::new(), UnitId::new());
    let units = HashMap::from([
        (tckh, "Phòng Tài chính - Kế hoạch".to_string()),
        (ca, "Công an huyện".to_string()),
        (vp, "Văn phòng HĐND và UBND huyện".to_string()),
    ]);
    let meeting = Meeting {
        id: Uuid::now_v7(),
        kind: MeetingKind::Briefing,
        title: "Phiên họp thường kỳ tháng 03 năm 2023".into(),
        date: date(2023, 3, 24),
        time: None,
        place: None,
        host_unit_id: vp,
        chair: Some(Person {
            name: "Phạm Viết Hoài".into(),
            title: Some("Chủ tịch UBND huyện".into()),
            unit_id: None,
        }),
        participants: Vec::new(),
        invited_unit_ids: Vec::new(),
        agenda: Vec::new(),
        minutes: None,
        period: None,
        created_at: Timestamp::UNIX_EPOCH,
        version: 1,
    };
    let conclusion = Conclusion {
        id: Uuid::now_v7(),
        meeting_id: meeting.id,
        issuer_unit_id: UnitId::new(),
        status: ConclusionStatus::Issued,
        number: Some(NoticeNumber {
            number: 1,
            year: 2023,
            symbol: "TB-UBND".into(),
        }),
        symbol: "TB-UBND".into(),
        issued_on: Some(date(2023, 3, 27)),
        place: Some("Cẩm Thủy".into()),
        title: "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023".into(),
        signer_name: Some("Nguyễn Đình Hùng".into()),
        signer_title: Some("Chánh Văn phòng".into()),
        authority: Authority::ByOrder,
        results: Some("Kinh tế tiếp tục phát triển.\nAn ninh được giữ vững.".into()),
        shortcomings: Some("Giải ngân vốn đầu tư công chậm.".into()),
        directions: None,
        recipients: vec!["TT Huyện ủy;".into(), "Lưu: VT.".into()],
        corrects_id: None,
        created_at: Timestamp::UNIX_EPOCH,
        issued_at: None,
        version: 1,
    };
    let tasks = vec![
        task(
            "Hoàn chỉnh báo cáo kinh tế - xã hội Quý I",
            tckh,
            vec![],
            Deadline::At {
                date: date(2023, 3, 27),
                time: None,
            },
        ),
        task(
            "Tham mưu văn bản về camera an ninh",
            ca,
            vec![tckh, UnitId::new()],
            Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap()),
        ),
        task("Theo dõi an ninh trật tự", ca, vec![], Deadline::Standing),
    ];
    (conclusion, meeting, tasks, units)
}

#[test]
fn an_issued_notice_from_the_records() {
    let (conclusion, meeting, tasks, units) = records();
    let doc = NoticeDoc::from_records(
        &conclusion,
        &meeting,
        &tasks,
        |id| units.get(&id).cloned(),
        "UBND huyện Cẩm Thủy",
    );
    assert_eq!(doc.issuer_lines, vec!["UBND HUYỆN CẨM THỦY"]);
    assert_eq!(doc.number_line, "Số: 1/TB-UBND");
    assert_eq!(doc.place_date_line(), "Cẩm Thủy, ngày 27 tháng 3 năm 2023");
    assert_eq!(doc.authority_lines, vec!["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]);
    assert_eq!(doc.signer_name, "Nguyễn Đình Hùng");
    assert_eq!(
        doc.body,
        vec![
            Block::Paragraph("Ngày 24/03/2023, UBND huyện Cẩm Thủy tổ chức phiên họp thường kỳ tháng 03 năm 2023 dưới sự chủ trì của Chủ tịch UBND huyện Phạm Viết Hoài. Sau khi nghe ý kiến của các đại biểu dự họp, Chủ tịch UBND huyện Phạm Viết Hoài kết luận như sau:".into()),
            Block::Heading("1. Kết quả đạt được".into()),
            Block::Paragraph("Kinh tế tiếp tục phát triển.".into()),
            Block::Paragraph("An ninh được giữ vững.".into()),
            Block::Heading("2. Tồn tại, hạn chế".into()),
            Block::Paragraph("Giải ngân vốn đầu tư công chậm.".into()),
        ]
    );
    assert_eq!(doc.tasks_heading.as_deref(), Some("3. Nhiệm vụ cụ thể"));
    let lines: Vec<String> = doc.tasks.iter().map(|t| t.assignment_line()).collect();
    assert_eq!(
        lines,
        vec![
            "Chủ trì: Phòng Tài chính - Kế hoạch; thời hạn: chậm nhất ngày 27/03/2023.",
            "Chủ trì: Công an huyện; phối hợp: Phòng Tài chính - Kế hoạch, (đơn vị chưa xác định); thời hạn: trong quý II/2023.",
            "Chủ trì: Công an huyện; thời hạn: thường xuyên.",
        ]
    );
    assert_eq!(doc.recipient_lines(), vec!["- TT Huyện ủy;", "- Lưu: VT."]);
    // Both writers accept it.
    assert!(doc.to_docx().unwrap().starts_with(b"PK"));
    assert!(doc.to_pdf().unwrap().starts_with(b"%PDF-"));
}

#[test]
fn a_draft_keeps_its_blanks() {
    let (mut conclusion, meeting, _, _) = records();
    conclusion.status = ConclusionStatus::Draft;
    conclusion.number = None;
    conclusion.issued_on = None;
    conclusion.recipients = vec!["TT Huyện ủy;".into()];
    let doc = NoticeDoc::from_records(&conclusion, &meeting, &[], |_| None, "UBND huyện Cẩm Thủy");
    assert_eq!(doc.number_line, "Số:     /TB-UBND");
    assert_eq!(doc.date, NoticeDate::Blank { year: 2023 });
    assert_eq!(doc.tasks_heading, None);
    assert_eq!(doc.recipient_lines().last().unwrap(), "- Lưu: VT.");
}

/// Issue 20, finding 7: a notice whose stored records hold U+FFFF and U+FFFE (entered before the
/// domain refused them) still gives a Word document whose XML parses, without those characters,
/// and a PDF.
#[test]
fn stored_noncharacters_are_dropped_from_the_documents() {
    let (mut conclusion, meeting, mut tasks, units) = records();
    conclusion.title.push_str(" \u{FFFF}");
    conclusion.results = Some("Kinh tế\u{FFFE} tiếp tục phát triển.".into());
    tasks[0].content.push('\u{FFFF}');
    let doc = NoticeDoc::from_records(
        &conclusion,
        &meeting,
        &tasks,
        |id| units.get(&id).cloned(),
        "UBND huyện Cẩm Thủy",
    );
    let docx = doc.to_docx().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(!xml.contains(['\u{FFFF}', '\u{FFFE}']));
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => {
                text.push_str(&t.decode().unwrap());
            }
            Ok(_) => {}
            Err(e) => panic!("document.xml does not parse: {e}"),
        }
    }
    assert!(text.contains("Kinh tế tiếp tục phát triển."), "{text}");
    assert!(
        text.contains("Hoàn chỉnh báo cáo kinh tế - xã hội Quý I"),
        "{text}"
    );
    assert!(doc.to_pdf().unwrap().starts_with(b"%PDF-"));
}
