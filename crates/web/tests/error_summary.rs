//! Errors where the eye is (issue 25): a refused form comes back with one summary just above the
//! form, focused when the page opens, listing every field's error once, each linking to its field;
//! a body over the limit is refused with a page that says the limit and how to keep the text.

mod common;

use common::TestApp;
use giaoban_web::WebConfig;

async fn page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("html")
}

async fn post_form(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.expect("post");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// The element with `id` from its opening tag to the end of the first `</{tag}>` after it.
fn element<'a>(html: &'a str, id: &str, tag: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find(&format!("</{tag}>")).expect("tag end") + tag.len() + 3;
    &html[start..end]
}

/// The summary's items: (href target, text).
fn items(summary: &str) -> Vec<(String, String)> {
    summary
        .split("<li><a href=\"#")
        .skip(1)
        .map(|rest| {
            let (target, after) = rest.split_once("\">").expect("link");
            let text = after.split_once("</a>").expect("link end").0;
            (target.to_owned(), text.to_owned())
        })
        .collect()
}

/// The sentences of a text, split after ". ".
fn sentences(text: &str) -> Vec<String> {
    text.split(". ")
        .map(|s| s.trim().trim_end_matches('.').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Checks what every refused form must show, and returns the summary's items.
fn check_summary(html: &str, summary_id: &str, form_id: &str) -> Vec<(String, String)> {
    let summary = element(html, summary_id, "div");
    assert!(
        summary.contains("autofocus") && summary.contains("tabindex=\"-1\""),
        "the summary is focused when the page opens: {summary}"
    );
    let s_at = html.find(summary).expect("summary");
    let f_at = html
        .find(&format!("id=\"{form_id}\""))
        .unwrap_or_else(|| panic!("no #{form_id}"));
    assert!(s_at < f_at, "the summary stands before the form");
    // Nothing but white space between the summary and the form it speaks of.
    let between = &html[s_at + summary.len()..html[..f_at].rfind('<').expect("form tag")];
    assert!(
        between.trim().is_empty(),
        "the summary stands right above the form, found «{between}» between"
    );
    assert_eq!(
        html.matches("autofocus").count(),
        1,
        "one element takes the focus"
    );
    let items = items(summary);
    let mut seen = Vec::new();
    for (target, text) in &items {
        assert!(
            !target.starts_with("field:"),
            "a link left unresolved: #{target}"
        );
        let tag = html
            .find(&format!(" id=\"{target}\""))
            .unwrap_or_else(|| panic!("the link #{target} («{text}») goes to no element"));
        assert!(
            tag > s_at,
            "#{target} is a field after the summary, not before it"
        );
        for s in sentences(text) {
            assert!(
                !seen.contains(&s),
                "the sentence «{s}» is said twice in the summary"
            );
            seen.push(s);
        }
    }
    // The summary's own heading does not repeat an item either.
    let heading = summary
        .split_once("<p>")
        .and_then(|(_, r)| r.split_once("</p>"))
        .map_or("", |(h, _)| h);
    for s in sentences(heading) {
        assert!(!seen.contains(&s), "the heading repeats «{s}»");
    }
    items
}

#[tokio::test]
async fn a_new_task_with_three_bad_fields_lists_all_three_each_linked_to_its_field() {
    let app = TestApp::spawn().await;
    let (office, token) = app.signed_in("office").await;
    let form = vec![
        ("csrf_token", token.clone()),
        ("content", String::new()),
        ("assigner_unit_id", app.units.ubnd.0.to_string()),
        ("lead_unit_id", String::new()),
        ("deadline", "ngày 45/13/2023".to_owned()),
    ];
    let (status, html) = post_form(&office, app.url("/tasks/new"), &form).await;
    assert_eq!(status, 422, "{html}");
    let items = check_summary(&html, "task-error", "task-form");
    let targets: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(items.len(), 3, "three bad fields, three items: {items:?}");
    for want in [
        "task-content-input",
        "task-lead-unit",
        "task-deadline-input",
    ] {
        assert!(
            targets.contains(&want),
            "no item links to #{want}: {targets:?}"
        );
    }
    // What was typed is still in the form.
    assert!(html.contains("value=\"ngày 45/13/2023\""));
}

#[tokio::test]
async fn a_refused_new_user_comes_back_above_its_form_with_what_was_typed() {
    let app = TestApp::spawn().await;
    let (admin, token) = app.signed_in("admin").await;
    let form = vec![
        ("csrf_token", token.clone()),
        ("username", "a b".to_owned()),
        ("display_name", String::new()),
        ("title", "Chuyên viên".to_owned()),
        ("role", "member".to_owned()),
        ("unit_id", uuid::Uuid::new_v4().to_string()),
    ];
    let (status, html) = post_form(&admin, app.url("/users"), &form).await;
    assert_eq!(status, 422, "{html}");
    let items = check_summary(&html, "user-error", "create-user");
    let targets: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        ["user-username", "user-display-name", "user-unit"],
        "{items:?}"
    );
    assert!(html.contains("value=\"Chuyên viên\""), "the title is kept");
    // The page before the refusal had no summary at all.
    let fresh = page(&admin, app.url("/users")).await;
    assert!(!fresh.contains("user-error") && !fresh.contains("autofocus"));
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_page_that_says_the_limit_and_to_go_back() {
    let app = TestApp::spawn().await;
    let (office, token) = app.signed_in("office").await;
    let form = page(&office, app.url("/extract")).await;
    // The page tells its script the limit a form may send.
    let limit: usize = form
        .split("data-form-limit=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("the page states the form limit");
    assert!(form.contains("data-form-limit-label=\"1 MB\""), "{limit}");
    let text = "Thông báo kết luận. ".repeat(limit / 20 + 10);
    let r = office
        .post(app.url("/extract"))
        .form(&[("csrf_token", token.as_str()), ("text", text.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let html = r.text().await.expect("html");
    let message = element(&html, "error-message", "p");
    assert!(message.contains("tối đa 1 MB"), "{message}");
    assert!(message.contains("Quay lại"), "{message}");
    assert!(message.contains("nội dung đã gõ vẫn"), "{message}");

    // In English too, and the API says its own (larger) limit.
    let r = office
        .post(app.url("/extract?lang=en"))
        .header("accept-language", "en")
        .form(&[("csrf_token", token.as_str()), ("text", text.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("at most 1 MB") && html.contains("Back"),
        "{}",
        element(&html, "error-message", "p")
    );
}

#[tokio::test]
async fn the_api_names_its_body_limit() {
    let config = WebConfig {
        body_limit: 64 * 1024,
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(config).await;
    let (office, token) = app.signed_in("office").await;
    let big = "x".repeat(80 * 1024);
    let r = office
        .post(app.url("/api/v1/extract"))
        .header("x-csrf-token", token.as_str())
        .json(&serde_json::json!({ "text": big }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let body: serde_json::Value = r.json().await.expect("json");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(message.contains("tối đa 64 KB"), "{message}");
}
