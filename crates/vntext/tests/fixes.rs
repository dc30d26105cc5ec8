//! Regressions for the engine fixes made while measuring F1 on the seeds (tests/f1.rs).

use giaoban_vntext::extract::{Resolution, UnitRegistry, extract};

fn registry() -> UnitRegistry {
    UnitRegistry::new(&[
        (
            "ubnd".to_string(),
            vec!["UBND huyện".to_string(), "UBND".to_string()],
        ),
        (
            "bcd".to_string(),
            vec!["BCĐ NTM".to_string(), "Ban Chỉ đạo".to_string()],
        ),
        ("mttq".to_string(), vec!["MTTQ".to_string()]),
        (
            "vpdp".to_string(),
            vec!["Văn phòng điều phối NTM huyện".to_string()],
        ),
    ])
}

fn leads(text: &str) -> Vec<Vec<(String, Resolution)>> {
    extract(text, &registry(), None)
        .tasks
        .iter()
        .map(|t| {
            t.lead
                .iter()
                .map(|a| (a.text.clone(), a.resolution.clone()))
                .collect()
        })
        .collect()
}

/// A district body's name followed by "các xã" names the communes' bodies: not the registry unit.
#[test]
fn a_body_of_the_communes_is_not_the_district_body() {
    let got = leads("Chủ tịch yêu cầu UBND các xã, thị trấn rà soát các tiêu chí.");
    assert_eq!(
        got,
        vec![vec![(
            "UBND các xã, thị trấn".to_string(),
            Resolution::Unresolved
        )]]
    );
    let got = leads("Chủ tịch UBND huyện yêu cầu BCĐ NTM các xã đẩy mạnh công tác tuyên truyền.");
    assert_eq!(
        got,
        vec![vec![("BCĐ NTM các xã".to_string(), Resolution::Unresolved)]]
    );
    // The district body itself still resolves.
    let got = leads("Giao BCĐ NTM tổng hợp kết quả.");
    assert_eq!(
        got,
        vec![vec![(
            "BCĐ NTM".to_string(),
            Resolution::Exact {
                id: "bcd".to_string()
            }
        )]]
    );
}

/// "…; Phối hợp X và Y <verb> …" continues the previous lead with X and Y coordinating.
#[test]
fn a_continuation_opening_with_phoi_hop_names_coordinating_units() {
    let x = extract(
        "Giao văn phòng điều phối NTM huyện tổng hợp đăng ký hàng tuần; Phối hợp MTTQ và các \
         đoàn thể chỉ đạo các xã thực hiện tiêu chí.",
        &registry(),
        None,
    );
    assert_eq!(x.tasks.len(), 2);
    let t = &x.tasks[1];
    assert!(t.continued);
    assert_eq!(t.lead[0].text, "văn phòng điều phối NTM huyện");
    let coordinating: Vec<&str> = t.coordinating.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(coordinating, vec!["MTTQ", "các đoàn thể"]);
    assert!(
        t.action.text.starts_with("chỉ đạo các xã"),
        "{}",
        t.action.text
    );
}

/// "các phòng, ban, ngành, đơn vị" is one enumerated group of bodies.
#[test]
fn an_enumeration_of_kinds_of_bodies_is_one_group() {
    let got = leads("Yêu cầu các phòng, ban, ngành, đơn vị cấp huyện tăng cường phối hợp.");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].len(), 1);
    assert_eq!(got[0][0].0, "các phòng, ban, ngành, đơn vị");
}

/// A lower-level qualifier ("của các xã, thị trấn") is a closed list: it does not count
/// towards the length of a body's name, so a long name with one is still a subject.
#[test]
fn a_long_body_name_of_the_communes_is_a_subject() {
    let got = leads(
        "Kết luận buổi họp, Tổ công tác, Ban vận động khu dân cư văn hóa kiểu mẫu của các \
         xã, thị trấn cần lập kế hoạch thực hiện.",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let texts: Vec<&str> = got[0].iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Tổ công tác",
            "Ban vận động khu dân cư văn hóa kiểu mẫu của các xã, thị trấn"
        ]
    );
}

fn deadlines(text: &str) -> Vec<Option<giaoban_vntext::date::DateExpr>> {
    extract(text, &registry(), None)
        .tasks
        .iter()
        .map(|t| t.deadline.map(|d| d.value))
        .collect()
}

/// "thường xuyên" is the task's regime at the start of the action, between commas or at the
/// end; right before a verb that follows an object it modifies that verb only.
#[test]
fn thuong_xuyen_inside_a_sub_clause_is_not_the_deadline() {
    use giaoban_vntext::date::DateExpr;
    assert_eq!(
        deadlines(
            "Chủ tịch yêu cầu các phòng chuyên môn rà soát hồ sơ, cử cán bộ thường xuyên theo dõi tiến độ."
        ),
        vec![None]
    );
    assert_eq!(
        deadlines("Chủ tịch yêu cầu các phòng chuyên môn thường xuyên kiểm tra tiến độ."),
        vec![Some(DateExpr::Standing)]
    );
    assert_eq!(
        deadlines(
            "Chủ tịch yêu cầu các phòng chuyên môn kiểm tra, thường xuyên, liên tục nhắc nhở."
        ),
        vec![Some(DateExpr::Standing)]
    );
    assert_eq!(
        deadlines("Chủ tịch yêu cầu các phòng chuyên môn cập nhật số liệu thường xuyên."),
        vec![Some(DateExpr::Standing)]
    );
}

/// A rhythm after "để" belongs to the purpose, not to the task.
#[test]
fn a_rhythm_in_the_purpose_is_not_the_deadline() {
    use giaoban_vntext::date::{DateExpr, Recurrence};
    assert_eq!(
        deadlines(
            "Chủ tịch yêu cầu các phòng chuyên môn rà soát quy chế để đưa vào kế hoạch công tác hàng tháng."
        ),
        vec![None]
    );
    assert_eq!(
        deadlines("Chủ tịch yêu cầu các phòng chuyên môn báo cáo kết quả hàng tháng để theo dõi."),
        vec![Some(DateExpr::Recurring(Recurrence::Monthly {
            day: None,
            time: None
        }))]
    );
}

fn actions(text: &str) -> Vec<String> {
    extract(text, &registry(), None)
        .tasks
        .iter()
        .map(|t| t.action.text.clone())
        .collect()
}

/// Prose that goes on with the same work, in a new sentence, a capitalised ';'-part or a new
/// paragraph, belongs to the task before it; a bullet, "đồng thời", its own deadline or its own
/// coordination make a task of its own.
#[test]
fn continuations_fold_unless_they_are_items_or_bring_their_own_terms() {
    let got = actions(
        "Kết luận cuộc họp, các phòng chuyên môn cần rà soát hồ sơ; Cập nhật số liệu lên hệ \
         thống.\n\nHoàn thiện quy trình tiếp nhận.",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].ends_with("Hoàn thiện quy trình tiếp nhận"),
        "{got:?}"
    );

    let got = actions(
        "Kết luận cuộc họp, các phòng chuyên môn cần rà soát hồ sơ.\n- Cập nhật số liệu lên hệ \
         thống.\n- Hoàn thiện quy trình tiếp nhận.",
    );
    assert_eq!(got.len(), 3, "{got:?}");

    let got = actions(
        "Kết luận cuộc họp, các phòng chuyên môn cần rà soát hồ sơ; Báo cáo kết quả trước ngày \
         15/5/2024.",
    );
    assert_eq!(got.len(), 2, "{got:?}");
}

/// "…, <việc> do X triển khai": a part that opens with a noun phrase and ends with "do X
/// <verb>" is X's task; inside a part that opens with a verb it only qualifies an object.
#[test]
fn do_x_thuc_hien_makes_x_the_lead() {
    use giaoban_vntext::date::{DateExpr, Recurrence};
    use jiff::civil::Weekday;
    let weekly = |w| {
        Some(DateExpr::Recurring(Recurrence::Weekly {
            weekday: Some(w),
            time: None,
        }))
    };
    let text = "Kết luận cuộc họp, các phòng chuyên môn cần tiếp dân vào thứ 2 hàng tuần, ngày \
                thứ 6 đối thoại do UBND các xã tổ chức.";
    assert_eq!(
        leads(text)
            .iter()
            .map(|l| l[0].0.clone())
            .collect::<Vec<_>>(),
        vec!["các phòng chuyên môn", "UBND các xã"]
    );
    assert_eq!(
        deadlines(text),
        vec![weekly(Weekday::Monday), weekly(Weekday::Friday)]
    );

    let text = "Kết luận cuộc họp, các phòng chuyên môn cần rà soát hồ sơ, việc tiếp nhận hồ sơ \
                trực tuyến do Trung tâm hành chính công thực hiện.";
    let got = extract(text, &registry(), None).tasks;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].lead[0].text, "các phòng chuyên môn");
    assert_eq!(got[0].action.text, "rà soát hồ sơ");
    assert_eq!(got[1].lead[0].text, "Trung tâm hành chính công");

    let got = leads(
        "Kết luận cuộc họp, các phòng chuyên môn cần rà soát các tiêu chí do phòng phụ trách.",
    );
    assert_eq!(
        got,
        vec![vec![(
            "các phòng chuyên môn".to_string(),
            giaoban_vntext::extract::Resolution::Unresolved
        )]]
    );
}

fn deadline_days(text: &str) -> Vec<Option<jiff::civil::Date>> {
    extract(text, &registry(), None)
        .tasks
        .iter()
        .map(|t| match t.deadline.map(|d| d.value) {
            Some(giaoban_vntext::date::DateExpr::Date { date, .. }) => Some(date),
            _ => None,
        })
        .collect()
}

/// A date written with dots ("15.4.2023") is a date, as with slashes.
#[test]
fn a_date_written_with_dots_is_the_deadline() {
    assert_eq!(
        deadline_days("Giao Văn phòng điều phối NTM huyện rà soát hồ sơ trước ngày 15.4.2023."),
        vec![Some(jiff::civil::date(2023, 4, 15))]
    );
    // Without the year, after "ngày": the document's year.
    assert_eq!(
        deadline_days(
            "Cẩm Thủy, ngày 24 tháng 3 năm 2023
Giao Văn phòng điều phối NTM huyện rà soát hồ \
             sơ trước ngày 15.4, báo cáo kết quả vào ngày 20-4."
        ),
        vec![
            Some(jiff::civil::date(2023, 4, 15)),
            Some(jiff::civil::date(2023, 4, 20))
        ]
    );
}

/// A line break inside a date ("27/03/⏎2023") or inside a unit's name ("Cẩm⏎Ngọc"), where a
/// long line was wrapped, does not cut them.
#[test]
fn a_line_break_inside_a_date_or_a_name_does_not_cut_it() {
    assert_eq!(
        deadline_days(
            "Giao Văn phòng điều phối NTM huyện tổng hợp báo cáo chậm nhất vào ngày 27/03/\n2023."
        ),
        vec![Some(jiff::civil::date(2023, 3, 27))]
    );
    let registry = UnitRegistry::new(&[
        (
            "tckh".to_string(),
            vec!["Phòng Tài chính - Kế hoạch".to_string()],
        ),
        ("camngoc".to_string(), vec!["UBND xã Cẩm Ngọc".to_string()]),
    ]);
    let x = extract(
        "Chủ tịch UBND huyện kết luận: giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với UBND xã Cẩm\nNgọc rà soát hồ sơ đất đai.",
        &registry,
        None,
    );
    assert_eq!(x.tasks.len(), 1, "{:?}", x.tasks);
    let co: Vec<(&str, &Resolution)> = x.tasks[0]
        .coordinating
        .iter()
        .map(|a| (a.text.as_str(), &a.resolution))
        .collect();
    assert_eq!(
        co,
        vec![(
            "UBND xã Cẩm\nNgọc",
            &Resolution::Exact {
                id: "camngoc".to_string()
            }
        )]
    );
    assert!(
        x.tasks[0].action.text.starts_with("rà soát"),
        "{}",
        x.tasks[0].action.text
    );
    // A break before a new item stays a break: two tasks, not one.
    let x = extract(
        "Chủ tịch UBND huyện kết luận như sau, giao Phòng Tài chính - Kế hoạch rà soát hồ sơ xã Cẩm Ngọc\nGiao Văn phòng điều phối NTM huyện tổng hợp kết quả.",
        &registry,
        None,
    );
    assert_eq!(x.tasks.len(), 2, "{:?}", x.tasks);
}

/// A rank ("xếp thứ 5/12") is neither a figure nor a date.
#[test]
fn a_rank_is_neither_a_figure_nor_a_date() {
    let text = "Năm 2023, chỉ số cải cách hành chính của huyện xếp thứ 5/12 huyện, thị xã; \
                chỉ số năng lực cạnh tranh xếp thứ 3/12 đơn vị.";
    let x = extract(text, &registry(), None);
    assert!(x.figures.is_empty(), "{:?}", x.figures);
    let doc = jiff::civil::date(2023, 3, 24);
    let dates = giaoban_vntext::date::find_dates(text, doc);
    assert!(
        dates
            .iter()
            .all(|f| !matches!(f.value, giaoban_vntext::date::DateExpr::Date { .. })),
        "{dates:?}"
    );
}

/// The date of a cited letter says when it was issued, not when the task is due.
#[test]
fn the_date_of_a_cited_letter_is_not_the_deadline() {
    assert_eq!(
        deadline_days(
            "Giao Văn phòng điều phối NTM huyện rà soát hồ sơ theo Công văn số 123/UBND ngày \
             10/3/2023 của UBND tỉnh."
        ),
        vec![None]
    );
    assert_eq!(
        deadline_days(
            "Giao Văn phòng điều phối NTM huyện triển khai Kế hoạch ngày 2/3/2023 của UBND tỉnh."
        ),
        vec![None]
    );
    assert_eq!(
        deadline_days(
            "Giao Văn phòng điều phối NTM huyện rà soát hồ sơ theo Quyết định 12/2023/QĐ-UBND \
             ngày 5/4/2023, báo cáo trước ngày 30/4/2023."
        ),
        vec![Some(jiff::civil::date(2023, 4, 30))]
    );
    // Without the citation the same date is the task's.
    assert_eq!(
        deadline_days("Giao Văn phòng điều phối NTM huyện rà soát hồ sơ ngày 10/3/2023."),
        vec![Some(jiff::civil::date(2023, 3, 10))]
    );
}

/// Issue 23: "vào ngày 10, 20, 30 hằng tháng" is one action due on each day listed: one task per
/// day, each a monthly rule, each with the whole action.
#[test]
fn days_listed_before_a_monthly_rhythm_are_each_a_monthly_deadline() {
    use giaoban_vntext::date::{DateExpr, Recurrence};
    let text = "Giao Văn phòng điều phối NTM huyện tổng hợp số liệu giải ngân, báo cáo UBND huyện \
                vào ngày 10, 20, 30 hằng tháng.";
    let monthly = |d: i8| {
        Some(DateExpr::Recurring(Recurrence::Monthly {
            day: Some(d),
            time: None,
        }))
    };
    assert_eq!(deadlines(text), vec![monthly(10), monthly(20), monthly(30)]);
    let acts = actions(text);
    assert!(
        acts.iter()
            .all(|a| a.starts_with("tổng hợp số liệu giải ngân")),
        "{acts:?}"
    );
    // "và" lists too; a day without the rhythm after the list is no rule.
    assert_eq!(
        deadlines("Giao MTTQ báo cáo kết quả vào ngày 5 và 25 hàng tháng."),
        vec![monthly(5), monthly(25)]
    );
    assert_eq!(
        deadlines("Giao MTTQ báo cáo kết quả ngày 5, 25 xã đã hoàn thành."),
        vec![None]
    );
}

/// Issue 23: "hằng quý" and "hằng tháng" alone are the task's rhythm.
#[test]
fn a_rhythm_alone_is_the_deadline() {
    use giaoban_vntext::date::{DateExpr, Recurrence};
    assert_eq!(
        deadlines("Giao MTTQ tổng hợp ý kiến cử tri, báo cáo UBND huyện hằng quý."),
        vec![Some(DateExpr::Recurring(Recurrence::Quarterly))]
    );
    assert_eq!(
        deadlines("Giao MTTQ tổng hợp ý kiến cử tri, báo cáo UBND huyện hằng tháng."),
        vec![Some(DateExpr::Recurring(Recurrence::Monthly {
            day: None,
            time: None
        }))]
    );
}

fn deadline_days_dated(text: &str) -> (Vec<Option<jiff::civil::Date>>, bool) {
    use giaoban_vntext::date::DateExpr;
    use giaoban_vntext::extract::WarningKind;
    let x = extract(text, &registry(), None);
    let days = x
        .tasks
        .iter()
        .map(|t| match t.deadline.map(|d| d.value) {
            Some(DateExpr::Date { date, .. }) => Some(date),
            _ => None,
        })
        .collect();
    let year_unknown = x
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::YearUnknown);
    (days, year_unknown)
}

/// Issue 23: "cuối/đầu/giữa tháng N" is the month's last day, its 10th, its 15th, in the
/// document's year; without any year in the document, no deadline and a warning.
#[test]
fn a_part_of_a_month_is_a_day_of_the_documents_year() {
    use jiff::civil::date;
    let dated = "Ngày 24/03/2023, UBND huyện họp. ";
    for (words, day) in [
        ("cuối tháng 4", date(2023, 4, 30)),
        ("cuối tháng 2", date(2023, 2, 28)),
        ("đầu tháng 5", date(2023, 5, 10)),
        ("giữa tháng 6", date(2023, 6, 15)),
        ("trước cuối tháng 4/2024", date(2024, 4, 30)),
    ] {
        let text = format!("{dated}Giao MTTQ hoàn thành việc rà soát hộ nghèo {words}.");
        assert_eq!(
            deadline_days_dated(&text),
            (vec![Some(day)], false),
            "{words}"
        );
    }
    // No year anywhere: never a made-up one.
    assert_eq!(
        deadline_days_dated("Giao MTTQ hoàn thành việc rà soát hộ nghèo cuối tháng 4."),
        (vec![None], true)
    );
    // "đầu tư" is no part of a month.
    let x = extract(
        &format!("{dated}Giao MTTQ đầu tư tháng 4 cho các xã."),
        &registry(),
        None,
    );
    assert!(
        x.tasks.iter().all(|t| !matches!(
            t.deadline.map(|d| d.value),
            Some(giaoban_vntext::date::DateExpr::Date { .. })
        )),
        "{:?}",
        x.tasks
    );
}

/// Issue 23: "trong hai tháng còn lại" runs to the end of the n-th month after the document's.
#[test]
fn the_remaining_months_count_from_the_document_date() {
    use jiff::civil::date;
    assert_eq!(
        deadline_days_dated(
            "Ngày 20/10/2023, UBND huyện họp. Giao MTTQ tập trung hoàn thành các chỉ tiêu \
             trong hai tháng còn lại của năm."
        ),
        (vec![Some(date(2023, 12, 31))], false)
    );
    assert_eq!(
        deadline_days_dated(
            "Ngày 05/08/2023, UBND huyện họp. Giao MTTQ hoàn thành trong 3 tháng còn lại."
        ),
        (vec![Some(date(2023, 11, 30))], false)
    );
    assert_eq!(
        deadline_days_dated("Giao MTTQ hoàn thành trong hai tháng còn lại."),
        (vec![None], true)
    );
}

/// Issue 23: a sentence right after an assignment, in the same paragraph, with no subject and
/// opening on an action, continues it: a task of its own with the same lead.
#[test]
fn a_follow_on_sentence_carries_the_last_assignee() {
    let got = leads(
        "Giao Văn phòng điều phối NTM huyện rà soát các tiêu chí. Báo cáo kết quả về UBND huyện.",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], got[1]);
    // A new paragraph, or a sentence with its own subject, is not a continuation.
    assert_eq!(
        leads(
            "Giao Văn phòng điều phối NTM huyện rà soát các tiêu chí.\n\nBáo cáo tình hình chung."
        )
        .len(),
        1
    );
    assert_eq!(
        leads("Giao Văn phòng điều phối NTM huyện rà soát các tiêu chí. Tập trung mọi nguồn lực.")
            .len(),
        1
    );
}

/// Issue 23: the notice around its tasks: sections, signature block and recipients.
#[test]
fn sections_signer_and_recipients_of_a_notice() {
    use giaoban_vntext::parts::{SectionKind, SigningAuthority};
    let text = "THÔNG BÁO\nKết luận của Chủ tịch UBND huyện\n\n\
        I. ĐÁNH GIÁ KẾT QUẢ\n\nCác xã hoàn thành kế hoạch.\n\n\
        Tuy nhiên, vẫn còn một số hạn chế: tiến độ chậm.\n\n\
        II. NHIỆM VỤ THỜI GIAN TỚI\n\n1. Giao MTTQ rà soát các tiêu chí.\n\n\
        Trên đây là kết luận của Chủ tịch.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n\
        KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nTrần Văn Nam\n";
    let x = extract(text, &registry(), None);
    let kinds: Vec<SectionKind> = x.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SectionKind::Results,
            SectionKind::Shortcomings,
            SectionKind::Directions
        ]
    );
    assert_eq!(x.sections[0].body.text, "Các xã hoàn thành kế hoạch.");
    assert!(x.sections[1].body.text.starts_with("Tuy nhiên"));
    assert!(x.sections[2].body.text.contains("rà soát các tiêu chí"));
    for s in &x.sections {
        assert_eq!(s.body.span.slice(text), s.body.text);
    }
    let sig = x.signature.expect("signature");
    assert_eq!(sig.authority, Some(SigningAuthority::Deputy));
    assert_eq!(sig.title.map(|t| t.text).as_deref(), Some("PHÓ CHỦ TỊCH"));
    assert_eq!(sig.name.map(|t| t.text).as_deref(), Some("Trần Văn Nam"));
    let rec: Vec<String> = x.recipients.iter().map(|r| r.text.clone()).collect();
    assert_eq!(rec, vec!["Như trên", "Lưu: VT"]);
    // A news article has none of these.
    let x = extract(
        "Ngày 06/4/2018, UBND huyện họp.\n\nGiao MTTQ rà soát.\n\nTrung tâm VHTT",
        &registry(),
        None,
    );
    assert!(x.sections.is_empty() && x.signature.is_none() && x.recipients.is_empty());
}
