//! Passwords (`giaoban_app::passwords`): a hash verifies its own password only, a hash is salted,
//! and one-time passwords differ each time. No store is involved.

use giaoban_app::passwords::{
    generate_password, hash_password, hash_password_async, verify_password,
};

#[test]
fn a_hash_verifies_its_own_password_only() {
    let phc = hash_password("Mật khẩu thử nghiệm 2023").expect("hash");
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    assert!(verify_password("Mật khẩu thử nghiệm 2023", &phc));
    assert!(!verify_password("Mật khẩu thử nghiệm 2024", &phc));
    // A stored value that is no hash at all verifies nothing (never a panic).
    assert!(!verify_password("Mật khẩu thử nghiệm 2023", "not a hash"));
    // Salted: the same password hashes differently each time, and each hash verifies it.
    let again = hash_password("Mật khẩu thử nghiệm 2023").expect("hash");
    assert_ne!(phc, again);
    assert!(verify_password("Mật khẩu thử nghiệm 2023", &again));
}

#[tokio::test]
async fn one_time_passwords_differ_and_hash_off_the_async_workers() {
    let a = generate_password().expect("password");
    let b = generate_password().expect("password");
    assert_ne!(a, b);
    assert!(a.chars().count() >= 12, "{a}");
    let phc = hash_password_async(a.clone()).await.expect("hash");
    assert!(verify_password(&a, &phc));
    assert!(!verify_password(&b, &phc));
}
