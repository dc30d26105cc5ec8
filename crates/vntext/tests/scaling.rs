//! The reading grows linearly with the text, checked without a clock: what the look-ups made for
//! each item walk ([`giaoban_vntext::work`]: the text around each figure, the dates of each task's
//! clause and piece, the people of each sentence), for texts of n and 4n clauses on one line.
//! Issue 23 found these walks growing with the whole text (a figure's clause that never ends, a
//! clause of thousands of deadlines), so the reading took the square of the text's length. Times
//! are in `giaoban-bench text --scaling`. One test in this binary, so that nothing else adds to the
//! meter meanwhile.

use giaoban_vntext::extract::{UnitRegistry, extract};

fn walked_by(text: &str) -> u64 {
    let registry = UnitRegistry::new(&[(
        "tckh".to_string(),
        vec!["Phòng Tài chính - Kế hoạch".to_string()],
    )]);
    let before = giaoban_vntext::work::walked();
    let x = extract(text, &registry, None);
    assert!(!x.tasks.is_empty() || !x.figures.is_empty());
    giaoban_vntext::work::walked() - before
}

fn line(clause: &str, n: usize) -> String {
    let mut s = String::from("Cẩm Thủy, ngày 24 tháng 3 năm 2023. ");
    for i in 0..n {
        s.push_str(&clause.replace("{}", &i.to_string()));
    }
    s
}

#[test]
fn four_times_the_clauses_is_at_most_four_and_a_half_times_the_work() {
    for clause in [
        // Tasks, each with its units and deadline, in one sentence.
        "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với UBND các xã rà soát hồ sơ đợt {} \
         trước ngày 15/4/2023; ",
        // Directives in one clause of many deadlines.
        "các phòng chuyên môn cần rà soát hồ sơ đợt {} trước ngày 15/4/2023, ",
        // Figures in a clause that never ends.
        "sản lượng lúa đạt 5.466,32 tấn {} tăng 12% so với cùng kỳ ",
        // A period framing a sentence of many tasks.
        "trong quý II, giao Phòng Tài chính - Kế hoạch rà soát hồ sơ đợt {}; ",
    ] {
        let small = walked_by(&line(clause, 500));
        let large = walked_by(&line(clause, 2000));
        let ratio = large as f64 / small.max(1) as f64;
        assert!(
            small > 0 && ratio <= 4.5,
            "{clause:?}: {small} → {large} walked, ×{ratio:.2}"
        );
    }
}
