//! Users, roles and passwords (người dùng, vai trò, mật khẩu).
//!
//! Every user belongs to one unit and has one role. Passwords are never stored or shown: the web layer
//! hashes them with argon2id; this module holds the rules a new password must meet and the generator
//! for the one-time passwords that `giaoban init`, the demo and password resets print.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::unit::{Invalid, Invalids, UnitId, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        UserId(Uuid::now_v7())
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Vai trò.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống: manages units, levels and users everywhere.
    Admin,
    /// Lãnh đạo: reads and directs everything in the territory of their unit.
    Leader,
    /// Văn phòng: drafts reports and notices for the territory of their unit.
    Office,
    /// Cán bộ đơn vị: works on their own unit's records only.
    Member,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Leader, Role::Office, Role::Member];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Office => "office",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Invalid> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| {
                Invalid::new(
                    "role",
                    "user.role_unknown",
                    format!("Vai trò không hợp lệ: «{s}» (admin, leader, office, member)."),
                    format!("Unknown role: «{s}» (admin, leader, office, member)."),
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Role::Admin => ("Quản trị hệ thống", "Administrator"),
            Role::Leader => ("Lãnh đạo", "Leader"),
            Role::Office => ("Văn phòng", "Office staff"),
            Role::Member => ("Cán bộ đơn vị", "Unit member"),
        };
        lang.pick(vi, en)
    }
}

/// Tên đăng nhập: lowercase ASCII letters, digits, '.', '_' and '-', 3 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, Invalid> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-'
            });
        if ok {
            Ok(Username(s))
        } else {
            Err(Invalid::new(
                "username",
                "user.username_invalid",
                "Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, số, '.', '_' hoặc '-'.",
                "A username has 3–64 characters: ASCII letters, digits, '.', '_' or '-'.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user as stored, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: String,
    /// Chức vụ, e.g. "Chánh Văn phòng".
    pub title: Option<String>,
    pub role: Role,
    pub unit_id: UnitId,
    pub active: bool,
    /// Set for generated passwords: the user is asked to choose their own at first sign-in.
    pub must_change_password: bool,
    pub version: i64,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub title: Option<String>,
    pub role: Role,
    pub unit_id: UnitId,
}

impl NewUser {
    pub fn parse(
        username: &str,
        display_name: &str,
        title: Option<&str>,
        role: &str,
        unit_id: UnitId,
    ) -> Result<NewUser, Invalids> {
        let mut errs = Invalids::default();
        let username = errs.take(Username::parse(username));
        let display_name = errs.take(required_text("display_name", display_name, 120));
        let title = errs
            .take(crate::unit::clean_text("title", title.unwrap_or(""), 120))
            .flatten();
        let role = errs.take(Role::parse(role));
        match (username, display_name, role) {
            (Some(username), Some(display_name), Some(role)) if errs.0.is_empty() => Ok(NewUser {
                username,
                display_name,
                title,
                role,
                unit_id,
            }),
            _ => Err(errs),
        }
    }
}

/// Length bounds of a password. The upper bound keeps argon2 from being used to burn CPU.
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a password a person chose. Returns the password unchanged when acceptable.
pub fn check_new_password<'a>(password: &'a str, username: &str) -> Result<&'a str, Invalid> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(Invalid::new(
            "new_password",
            "password.too_short",
            format!("Mật khẩu phải có ít nhất {PASSWORD_MIN_CHARS} ký tự."),
            format!("A password needs at least {PASSWORD_MIN_CHARS} characters."),
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(Invalid::new(
            "new_password",
            "password.too_long",
            format!("Mật khẩu dài tối đa {PASSWORD_MAX_CHARS} ký tự."),
            format!("A password has at most {PASSWORD_MAX_CHARS} characters."),
        ));
    }
    let distinct = {
        let mut cs: Vec<char> = password.chars().collect();
        cs.sort_unstable();
        cs.dedup();
        cs.len()
    };
    if distinct < 5 || password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(Invalid::new(
            "new_password",
            "password.too_weak",
            "Mật khẩu quá dễ đoán: cần ít nhất 5 ký tự khác nhau và không chứa tên đăng nhập.",
            "The password is too easy to guess: use at least 5 different characters and not the username.",
        ));
    }
    Ok(password)
}

/// Alphabet for generated passwords: no look-alikes (0/O, 1/l/I), easy to read aloud over the phone.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Builds a one-time password from random bytes (the caller supplies them from the OS). 20 characters
/// from 56 symbols carry about 116 bits.
pub fn password_from_random(bytes: &[u8; 20]) -> String {
    // 256 is not a multiple of 56, so take each byte modulo 56 only when it falls under 224 (4 × 56);
    // otherwise fold it with its neighbour. The slight bias that remains is far below what matters
    // for a 116-bit secret.
    let n = PASSWORD_ALPHABET.len();
    let mut out = String::with_capacity(24);
    for (i, b) in bytes.iter().enumerate() {
        let v = if (*b as usize) < 4 * n {
            *b as usize
        } else {
            (*b as usize) ^ (bytes[(i + 7) % bytes.len()] as usize)
        };
        out.push(PASSWORD_ALPHABET[v % n] as char);
        if i % 5 == 4 && i + 1 < bytes.len() {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" CamThuy.TCKH ").expect("ok").as_str(),
            "camthuy.tckh"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("tài-chính").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn password_rules() {
        assert!(check_new_password("short", "x").is_err());
        assert_eq!(
            check_new_password("aaaaaaaaaaaa", "x")
                .expect_err("weak")
                .code,
            "password.too_weak"
        );
        assert_eq!(
            check_new_password("camngoc-2023-xyz", "camngoc")
                .expect_err("weak")
                .code,
            "password.too_weak"
        );
        assert!(check_new_password("Hội nghị giao ban 2023", "camngoc").is_ok());
        assert!(check_new_password(&"ab1".repeat(50), "x").is_err());
    }

    proptest! {
        #[test]
        fn generated_passwords_pass_the_rules(bytes in any::<[u8; 20]>()) {
            let p = password_from_random(&bytes);
            prop_assert_eq!(p.chars().count(), 23);
            prop_assert!(p.chars().all(|c| c == '-' || PASSWORD_ALPHABET.contains(&(c as u8))));
        }
    }

    #[test]
    fn generated_passwords_differ_for_different_bytes() {
        let a = password_from_random(&[1; 20]);
        let mut other = [1; 20];
        other[3] = 2;
        assert_ne!(a, password_from_random(&other));
    }
}
