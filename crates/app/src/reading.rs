//! Reading a pasted document (a conclusion notice, a report): the checks on the text and its date,
//! and the extraction itself, off the async workers and a few at a time.

use giaoban_domain::unit::{Invalid, UnitId, parse_date};
use giaoban_vntext::extract::Extraction;

use crate::{App, Caller, Error};

/// The longest text accepted (characters): a long conclusion notice is 20–30 thousand.
pub const MAX_TEXT_CHARS: usize = 500_000;

/// Checks a text to read and its date (not empty, not too long, a valid date) without reading
/// it; the date as given.
pub fn checked_input(
    text: &str,
    document_date: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Error> {
    if text.trim().is_empty() {
        return Err(Invalid::new(
            "text",
            "extract.empty",
            "Chưa có văn bản để đọc.",
            "There is no text to read.",
        )
        .into());
    }
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(Invalid::new(
            "text",
            "extract.too_long",
            format!("Văn bản quá dài: {n} ký tự, tối đa {MAX_TEXT_CHARS}."),
            format!("The text is too long: {n} characters, at most {MAX_TEXT_CHARS}."),
        )
        .into());
    }
    Ok(parse_date("document_date", document_date.unwrap_or(""))?)
}

/// Runs the extraction for a person; shared by the API and the page.
pub async fn run(
    state: &App,
    me: &Caller,
    text: &str,
    document_date: Option<&str>,
) -> Result<(Extraction, Option<UnitId>), Error> {
    let date = checked_input(text, document_date)?;
    let units = state.store.units().await?;
    let text = text.to_owned();
    let actor = me.actor.clone();
    // Extraction is CPU work (a few milliseconds per page, a second for a very long text): keep
    // it off the async workers, and only a few at once, so that long texts sent in parallel
    // cannot hold every processor.
    let readers = std::sync::Arc::clone(&state.readers);
    let (extraction, territory) = state
        .heavy
        .texts
        .run(move || readers.reader(&units, &actor).read(&text, date))
        .await?;
    Ok((extraction, territory))
}
