//! SMTP settings, from one URL in the environment or from fields.

use std::fmt;
use std::str::FromStr;

use lettre::message::Mailbox;
use percent_encoding::percent_decode_str;
use url::Url;

use crate::NotifyError;

/// The environment variable the server reads its SMTP settings from, e.g.
///
/// ```text
/// GIAOBAN_SMTP_URL=smtp://user:p%40ss@mail.example.vn:587?from=Giao%20ban%20<noreply@example.vn>
/// ```
///
/// - scheme `smtp`: STARTTLS, required (port 587 by default); `smtps`: TLS from the first byte
///   (port 465 by default);
/// - `tls=none|starttls|wrapper` overrides the scheme's choice; `none` sends in clear text and is
///   meant for a relay on the same machine or a test sink (port 25 by default);
/// - `from` (required): the sender mailbox, `addr@domain` or `Name <addr@domain>`, percent-encoded;
/// - `helo` (optional): the name the client gives in EHLO (some relays refuse `localhost`);
/// - user name and password are percent-decoded.
pub const ENV_VAR: &str = "GIAOBAN_SMTP_URL";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tls {
    /// Clear text: only for a relay on the same machine or a test sink.
    None,
    /// Plain connection upgraded with STARTTLS; refuses to go on if the upgrade fails.
    #[default]
    StartTls,
    /// TLS from the first byte (SMTPS, "implicit TLS").
    Wrapper,
}

impl Tls {
    pub fn code(self) -> &'static str {
        match self {
            Tls::None => "none",
            Tls::StartTls => "starttls",
            Tls::Wrapper => "wrapper",
        }
    }

    pub fn parse(code: &str) -> Option<Tls> {
        [Tls::None, Tls::StartTls, Tls::Wrapper]
            .into_iter()
            .find(|t| t.code() == code.trim().to_ascii_lowercase())
    }

    /// The usual port for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            Tls::None => 25,
            Tls::StartTls => 587,
            Tls::Wrapper => 465,
        }
    }
}

/// Where and as whom to send mail. `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender mailbox: `noreply@example.vn` or `Giao ban <noreply@example.vn>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub tls: Tls,
    /// The name given in EHLO; lettre's default (`[127.0.0.1]`) when `None`.
    pub helo: Option<String>,
}

impl SmtpConfig {
    /// Reads [`ENV_VAR`]; `Ok(None)` when it is unset or empty (mail is then off).
    pub fn from_env() -> Result<Option<SmtpConfig>, NotifyError> {
        match std::env::var(ENV_VAR) {
            Ok(url) if !url.trim().is_empty() => SmtpConfig::parse(&url).map(Some),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(NotifyError::InvalidConfig(format!(
                "{ENV_VAR} is not valid UTF-8"
            ))),
        }
    }

    /// Parses a URL as described at [`ENV_VAR`]. Errors never quote the URL (it may hold the
    /// password).
    pub fn parse(input: &str) -> Result<SmtpConfig, NotifyError> {
        let invalid = |why: &str| NotifyError::InvalidConfig(why.to_string());
        let url = Url::parse(input.trim()).map_err(|e| invalid(&e.to_string()))?;
        let mut tls = match url.scheme() {
            "smtp" => Tls::StartTls,
            "smtps" => Tls::Wrapper,
            _ => return Err(invalid("the scheme must be smtp or smtps")),
        };
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']'),
            _ => return Err(invalid("the host is missing")),
        };
        let decode = |s: &str| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| invalid("the user name or password is not valid UTF-8"))
        };
        let username = match url.username() {
            "" => None,
            u => Some(decode(u)?),
        };
        let password = url.password().map(decode).transpose()?;
        if password.is_some() && username.is_none() {
            return Err(invalid("a password is given without a user name"));
        }
        let mut from = None;
        let mut helo = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "from" => from = Some(value.into_owned()),
                "helo" => helo = Some(value.into_owned()),
                "tls" => {
                    tls = Tls::parse(&value)
                        .ok_or_else(|| invalid("tls must be none, starttls or wrapper"))?;
                }
                other => {
                    return Err(NotifyError::InvalidConfig(format!(
                        "unknown parameter {other:?} (expected from, tls or helo)"
                    )));
                }
            }
        }
        let from = from.ok_or_else(|| invalid("the sender (from=…) is missing"))?;
        let config = SmtpConfig {
            host: host.to_string(),
            port: url.port().unwrap_or(tls.default_port()),
            from,
            username,
            password,
            tls,
            helo,
        };
        config.sender_mailbox()?;
        Ok(config)
    }

    /// The sender as a mailbox, checked.
    pub(crate) fn sender_mailbox(&self) -> Result<Mailbox, NotifyError> {
        Mailbox::from_str(self.from.trim())
            .map_err(|_| NotifyError::InvalidAddress(self.from.clone()))
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls)
            .field("helo", &self.helo)
            .finish()
    }
}

/// The settings as a URL for the logs, the password replaced by `***`.
impl fmt::Display for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls == Tls::Wrapper {
            "smtps"
        } else {
            "smtp"
        };
        write!(f, "{scheme}://")?;
        if let Some(user) = &self.username {
            write!(f, "{user}")?;
            if self.password.is_some() {
                write!(f, ":***")?;
            }
            write!(f, "@")?;
        }
        write!(
            f,
            "{}:{}?tls={}&from={}",
            self.host,
            self.port,
            self.tls.code(),
            self.from
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_url_parses() {
        let c = SmtpConfig::parse(
            "smtp://can.bo%40ubnd:m%E1%BA%ADt%20kh%E1%BA%A9u:x@mail.example.vn:2587\
             ?from=Giao%20ban%20%3Cnoreply%40example.vn%3E&helo=giaoban.example.vn",
        )
        .unwrap();
        assert_eq!(c.host, "mail.example.vn");
        assert_eq!(c.port, 2587);
        assert_eq!(c.username.as_deref(), Some("can.bo@ubnd"));
        assert_eq!(c.password.as_deref(), Some("mật khẩu:x"));
        assert_eq!(c.from, "Giao ban <noreply@example.vn>");
        assert_eq!(c.tls, Tls::StartTls);
        assert_eq!(c.helo.as_deref(), Some("giaoban.example.vn"));
    }

    #[test]
    fn defaults_follow_the_scheme_and_tls() {
        let c = SmtpConfig::parse("smtp://mail.example.vn?from=a@example.vn").unwrap();
        assert_eq!((c.tls, c.port), (Tls::StartTls, 587));
        assert_eq!((c.username, c.password), (None, None));
        let c = SmtpConfig::parse("smtps://mail.example.vn?from=a@example.vn").unwrap();
        assert_eq!((c.tls, c.port), (Tls::Wrapper, 465));
        let c = SmtpConfig::parse("smtp://127.0.0.1?tls=none&from=a@example.vn").unwrap();
        assert_eq!((c.tls, c.port), (Tls::None, 25));
        let c = SmtpConfig::parse("smtp://[::1]:2525?tls=NONE&from=a@example.vn").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 2525));
    }

    #[test]
    fn bad_urls_are_refused_without_quoting_the_password() {
        for bad in [
            "http://mail.example.vn?from=a@example.vn",
            "smtp://mail.example.vn",
            "smtp://mail.example.vn?from=not-an-address",
            "smtp://mail.example.vn?from=a@example.vn&tls=maybe",
            "smtp://mail.example.vn?from=a@example.vn&form=x",
            "smtp://:secret@mail.example.vn?from=a@example.vn",
            "mail.example.vn:587",
            "",
        ] {
            let err = SmtpConfig::parse(bad).unwrap_err();
            assert!(!err.to_string().contains("secret"), "{bad}: {err}");
        }
        assert!(matches!(
            SmtpConfig::parse("smtp://h?from=nope"),
            Err(NotifyError::InvalidAddress(_))
        ));
    }

    #[test]
    fn debug_and_display_hide_the_password() {
        let c = SmtpConfig::parse("smtps://u:hunter2@mail.example.vn?from=a@example.vn").unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("password: Some(\"***\")"), "{debug}");
        assert_eq!(
            c.to_string(),
            "smtps://u:***@mail.example.vn:465?tls=wrapper&from=a@example.vn"
        );
        // The display form parses back (password aside).
        let back = SmtpConfig::parse(&c.to_string()).unwrap();
        assert_eq!(back.password.as_deref(), Some("***"));
        assert_eq!((back.host, back.port, back.tls), (c.host, c.port, c.tls));
    }
}
