//! Prints the tasks found in a text file: `cargo run -p giaoban-vntext --example dump_tasks FILE`.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let text = giaoban_vntext::normalize::decode_text(&bytes);
    let x = giaoban_vntext::extract::extract(
        &text,
        &giaoban_vntext::extract::UnitRegistry::default(),
        None,
    );
    for t in &x.tasks {
        println!(
            "{:?} lead={:?} coord={:?} cont={} deadline={:?}\n    {}",
            t.kind,
            t.lead.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
            t.coordinating
                .iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>(),
            t.continued,
            t.deadline.map(|d| d.span.slice(&text).to_string()),
            t.action.text
        );
    }
}
