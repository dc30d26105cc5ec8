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
