//! A criteria-set file (POST /api/v1/programmes/criteria-sets): a set or its located problems in
//! both languages, never a panic.
//! The checks are in crates/fuzzing, shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::criteria_set(data);
});
