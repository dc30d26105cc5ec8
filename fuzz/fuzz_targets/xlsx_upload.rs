//! An uploaded report file is untrusted bytes: reading it gives rows or located problems, never a
//! panic. `cargo fuzz run xlsx_upload` starts from the corpus directory; put a downloaded template
//! there (or run `cargo run -p giaoban-fuzzing -- xlsx_upload`, which starts from one it writes).
//! The checks are in crates/fuzzing, shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::xlsx_upload(data);
});
