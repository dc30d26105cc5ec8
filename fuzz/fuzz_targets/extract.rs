//! The whole vntext pipeline over arbitrary bytes (pasted text, `giaoban extract FILE`): decoding,
//! normalising, numbers, dates and the extraction never panic, and every span points inside the text.
//! The checks are in crates/fuzzing, shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::extract(data);
});
