//! The OpenAPI document is committed (`crates/web/openapi.json`) so that API changes show up in
//! review and clients can generate code from it. This test fails when the committed file differs
//! from what the code generates; `GIAOBAN_BLESS=1 cargo test -p giaoban-web --test openapi_drift`
//! writes the new one.

#[test]
fn committed_openapi_document_is_current() {
    let (_, doc) = giaoban_web::api_router().split_for_parts();
    let generated = doc.to_pretty_json().expect("serialize") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var("GIAOBAN_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/web/openapi.json is stale: run GIAOBAN_BLESS=1 cargo test -p giaoban-web --test openapi_drift and commit it"
    );
}
