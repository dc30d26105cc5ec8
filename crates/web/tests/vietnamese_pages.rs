//! Vietnamese everywhere (issue 25), on SQLite and (with GIAOBAN_TEST_DATABASE_URL) PostgreSQL:
//! with tasks, a meeting, an extension asked for in words, a sent quarterly report and a period
//! report in the store, every role visits the main pages and no visible text (tags, scripts,
//! styles and attributes removed) shows an ISO date (`2023-03-28`) or a period code (`2023Q1`,
//! `2023S1`, `2023W12`, `2023N9`, `202303`): days are written dd/mm/yyyy, periods "quý I/2023".
//! Periods typed the Vietnamese way are taken by the pages and the API alike.

mod common;

use common::{TestApp, post};
use serde_json::json;

/// The text a reader sees: scripts, styles and tags (with their attributes) removed. SVG text
/// (the chart's axes) is kept, being drawn on the page.
fn visible_text(html: &str) -> String {
    let mut s = html.to_owned();
    for tag in ["script", "style"] {
        while let Some(start) = s.find(&format!("<{tag}")) {
            let close = format!("</{tag}>");
            let end = s[start..]
                .find(&close)
                .map_or(s.len(), |e| start + e + close.len());
            s.replace_range(start..end, " ");
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
}

/// ISO dates and period codes in `text`, each with a little text around it.
fn offenders(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let word = |i: Option<usize>| {
        i.and_then(|i| b.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    let digits = |from: usize, n: usize| (from..from + n).all(digit);
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let before_is_word = word(i.checked_sub(1));
        let mut hit = None;
        if !before_is_word && digits(i, 4) {
            let after = i + 4;
            let year: u32 = text[i..after].parse().unwrap_or(0);
            // 2023-03-28
            if b.get(after) == Some(&b'-')
                && digits(after + 1, 2)
                && b.get(after + 3) == Some(&b'-')
                && digits(after + 4, 2)
                && !digit(after + 6)
            {
                hit = Some(after + 6);
            }
            // 2023Q1, 2023S1, 2023W12
            if let Some(&l) = b.get(after)
                && matches!(l, b'Q' | b'S' | b'W')
                && digit(after + 1)
            {
                let n = if digit(after + 2) { 2 } else { 1 };
                if !word(Some(after + 1 + n)) {
                    hit = Some(after + 1 + n);
                }
            }
            // 2023N9
            if b.get(after) == Some(&b'N')
                && b.get(after + 1) == Some(&b'9')
                && !word(Some(after + 2))
            {
                hit = Some(after + 2);
            }
            // 202303: a year of the app's range and a month, standing alone (not a figure
            // "202.303" nor part of a longer number).
            if (1990..=2100).contains(&year)
                && digits(after, 2)
                && !word(Some(after + 2))
                && (1..=12).contains(&text[after..after + 2].parse::<u32>().unwrap_or(0))
                && !matches!(b.get(after + 2), Some(b'.' | b',') if digit(after + 3))
                && !matches!(i.checked_sub(1).and_then(|j| b.get(j)), Some(b'.' | b','))
            {
                hit = Some(after + 2);
            }
        }
        // An address ("https://…/reports/…/2023Q1/…", "/tasks?period=2023Q1") carries codes by
        // design: it is a link to follow, not a period written in a sentence.
        if hit.is_some() {
            // `i` starts an ASCII digit run here, so it is a character boundary.
            let token_start = text[..i].rfind(char::is_whitespace).map_or(0, |w| w + 1);
            let token = &text[token_start..];
            if token.starts_with('/') || token.starts_with("http") {
                hit = None;
            }
        }
        match hit {
            Some(end) => {
                let mut from = i.saturating_sub(40);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                let mut to = (end + 40).min(text.len());
                while !text.is_char_boundary(to) {
                    to += 1;
                }
                let snippet: String = text[from..to]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                found.push(format!("«{}» in «…{snippet}…»", &text[i..end]));
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

#[test]
fn the_scanner_finds_codes_and_iso_dates_and_leaves_other_numbers() {
    let bad = "tính đến ngày 2023-03-28; kỳ 2023Q1, 2023S2, 2023W12, 2023N9 và 202303.";
    let got = offenders(bad);
    assert_eq!(got.len(), 6, "{got:?}");
    for good in [
        "tính đến ngày 28/03/2023, quý I/2023, 6 tháng đầu năm 2023",
        "5.466,32 ha; mã xã 15169; số 45/2023/QĐ-UBND; 1.202.303 đồng; 2023",
        "NN_LUA_GIEO_CAY; Q1 2023; tuần 12/2023",
        "Xem: https://giaoban.example/reports/abc/2023Q1/def hoặc /tasks?period=2023Q1",
    ] {
        assert!(offenders(good).is_empty(), "{good}: {:?}", offenders(good));
    }
    let html = r#"<a href="/tasks?period=2023Q1" data-due="2023-03-27">quý I/2023</a>
        <script>let d = "2023-03-28";</script><svg><text>quý II/2021</text></svg>"#;
    assert!(offenders(&visible_text(html)).is_empty());
    assert_eq!(
        offenders(&visible_text("<p>Hạn <b>2023-03-27</b></p>")).len(),
        1
    );
}

fn form_token(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token in form")
        .to_owned()
}

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn no_page_shows_an_iso_date_or_a_period_code() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let form = app
        .quarterly_commune_form(json!({
            "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "NN_LUA_THU_HOACH"}],
            "sections": ["results"]
        }))
        .await;
    let (office, ot) = app.signed_in("office").await;

    // A meeting of quý I/2023, its period typed the Vietnamese way.
    let (s, m) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        json!({
            "kind": "regular_session",
            "title": "Phiên họp thường kỳ tháng 03/2023",
            "date": "24/03/2023",
            "time": "8h",
            "place": "Hội trường UBND huyện",
            "host_unit_id": u.ubnd.0,
            "chair": {"name": "Phạm Viết Hoài", "title": "Chủ tịch UBND huyện"},
            "agenda": ["Báo cáo kinh tế - xã hội quý I"],
            "period": "quý I/2023"
        }),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["meeting"]["period"], "2023Q1", "{m}");
    let meeting_id = m["meeting"]["id"].as_str().expect("id").to_owned();

    // A task for the finance office, its progress, and an extension asked for in words.
    let (s, t) = post(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        json!({
            "content": "Tổng hợp báo cáo kinh tế - xã hội quý I/2023",
            "assigner_unit_id": u.ubnd.0,
            "lead_unit_id": u.tckh.0,
            "assigned_on": "24/03/2023",
            "deadline": "chậm nhất ngày 27/03/2023",
        }),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let task_id = t["task"]["id"].as_str().expect("id").to_owned();
    let (tckh, tt) = app.signed_in("tckh").await;
    let (s, r) = post(
        &tckh,
        &tt,
        app.url(&format!("/api/v1/tasks/{task_id}/progress")),
        json!({"percent": "40", "note": "Đã tổng hợp 7/17 xã", "version": t["task"]["version"]}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = post(
        &tckh,
        &tt,
        app.url(&format!("/api/v1/tasks/{task_id}/extension")),
        json!({"new_due": "chậm nhất ngày 15/4/2023", "reason": "Chờ số liệu của Chi cục Thống kê"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let asked = r["task"]["pending_extension"].as_str().unwrap_or_default();
    assert!(asked.contains("15/04/2023"), "asked for in words: {r}");

    // Cẩm Ngọc sends its report of quý I/2023 through the page.
    let ngoc_entry = format!("/reports/{}/2023Q1/{}", form.id, u.cam_ngoc.0);
    let (ngoc, _) = app.signed_in("camngoc").await;
    let (s, html) = page(&ngoc, &app, &ngoc_entry).await;
    assert_eq!(s, 200, "{html}");
    let token = form_token(&html);
    let r = ngoc
        .post(app.url(&ngoc_entry))
        .form(&[
            ("csrf_token", token.as_str()),
            ("v.NN_LUA_GIEO_CAY", "5.466,32"),
            ("v.NN_LUA_THU_HOACH", "5.000"),
            ("n.results", "Gieo cấy xong vụ chiêm xuân."),
            ("op", "submit"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());

    // A period report of the district, its period typed as officials write it.
    let (s, pr) = post(
        &office,
        &ot,
        app.url("/api/v1/period-reports"),
        json!({"unit_id": u.district.0, "period": "quý I/2023", "as_of": "28/03/2023"}),
    )
    .await;
    assert_eq!(s, 201, "{pr}");
    let pr_id = pr["id"]
        .as_str()
        .or_else(|| pr["report"]["id"].as_str())
        .expect("period report id")
        .to_owned();

    // The pages take the period typed the Vietnamese way.
    for typed in ["quý I/2023", "Q1/2023", "2023Q1"] {
        let q: String = form_urlencoded_pair("period", typed);
        let (s, html) = page(
            &office,
            &app,
            &format!("/rollups?unit={}&{q}", u.district.0),
        )
        .await;
        assert_eq!(s, 200, "{typed}: {html}");
        assert!(html.contains("quý I/2023"), "{typed}");
        let (s, html) = page(&office, &app, &format!("/tasks?{q}")).await;
        assert_eq!(s, 200, "{typed}: {html}");
        assert!(html.contains(&task_id), "{typed}: the task of quý I/2023");
    }

    let board = format!("/reports/{}/2023Q1", form.id);
    let paths = [
        "/".to_owned(),
        "/tasks".to_owned(),
        "/tasks?period=2023Q1&as_of=2023-03-28".to_owned(),
        format!("/tasks/{task_id}"),
        "/tasks/new".to_owned(),
        "/board".to_owned(),
        "/board?as_of=2023-03-28&period=2023Q1".to_owned(),
        "/meetings".to_owned(),
        format!("/meetings/{meeting_id}"),
        format!("/meetings/{meeting_id}/edit"),
        "/reports".to_owned(),
        board.clone(),
        format!("{board}?as_of=2023-03-28"),
        ngoc_entry.clone(),
        "/rollups".to_owned(),
        format!("/rollups?unit={}&period=2023Q1", u.district.0),
        format!("/rollups?unit={}&period=2023Q1", u.cam_ngoc.0),
        "/targets".to_owned(),
        "/period-reports".to_owned(),
        format!("/period-reports/{pr_id}"),
        "/programmes".to_owned(),
        "/audit".to_owned(),
        "/inbox".to_owned(),
        "/notifications".to_owned(),
        "/recommendations".to_owned(),
        "/calendar".to_owned(),
        "/units".to_owned(),
        "/extract".to_owned(),
    ];
    let mut checked = 0;
    let mut report = Vec::new();
    for who in ["admin", "leader", "office", "tckh", "camngoc"] {
        let (c, _) = app.signed_in(who).await;
        for path in &paths {
            let (status, html) = page(&c, &app, path).await;
            if status != 200 {
                continue;
            }
            checked += 1;
            for o in offenders(&visible_text(&html)) {
                report.push(format!("{who} {path}: {o}"));
            }
        }
    }
    println!("pages checked: {checked}, offenders: {}", report.len());
    for line in &report {
        println!("{line}");
    }
    assert!(checked >= 80, "only {checked} pages answered");
    assert!(report.is_empty(), "{}", report.join("\n"));

    // History shows people's names, the login only second.
    let (_, html) = page(&office, &app, &format!("/tasks/{task_id}")).await;
    let history = html
        .split("id=\"task-history\"")
        .nth(1)
        .expect("history table");
    assert!(history.contains("Người dùng tckh"), "{history}");
    let (_, html) = page(&app.signed_in("admin").await.0, &app, "/audit").await;
    assert!(html.contains("Người dùng office"), "audit shows names");
}

/// `name=value`, the value percent-encoded for a query string.
fn form_urlencoded_pair(name: &str, value: &str) -> String {
    let mut out = format!("{name}=");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
