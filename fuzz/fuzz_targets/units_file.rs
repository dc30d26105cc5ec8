//! A units file (`giaoban init --units`, `giaoban import units`) loaded into a scratch SQLite
//! database: a report of what was created or an error naming the entry, never a panic.
//! The checks are in crates/fuzzing, shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::units_file(data);
});
