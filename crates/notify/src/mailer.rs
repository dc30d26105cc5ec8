//! Sending plain-text mail over SMTP.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as LettreTls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{NotifyError, SmtpConfig, Tls};

/// How long one SMTP conversation may take before it counts as unavailable.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Sends mail through one SMTP server. Each message opens its own connection, so a `Mailer` can be
/// shared (`Arc`) and kept for the life of the server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of Message-IDs: the sender's.
    id_domain: String,
}

impl Mailer {
    /// A mailer for `config`. Connects to nothing yet.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, NotifyError> {
        let from = config.sender_mailbox()?;
        let tls = match config.tls {
            Tls::None => LettreTls::None,
            Tls::StartTls | Tls::Wrapper => {
                let params = TlsParameters::new(config.host.clone())
                    .map_err(|e| NotifyError::InvalidConfig(e.to_string()))?;
                if config.tls == Tls::Wrapper {
                    LettreTls::Wrapper(params)
                } else {
                    LettreTls::Required(params)
                }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some(user) = &config.username {
            let password = config.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        if let Some(helo) = &config.helo {
            builder = builder.hello_name(ClientId::Domain(helo.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            id_domain: from.email.domain().to_string(),
            from,
        })
    }

    /// The sender of every message.
    pub fn sender(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one plain-text UTF-8 message to `to` (an address, or `Name <address>`).
    pub async fn send(&self, to: &str, subject: &str, body_text: &str) -> Result<(), NotifyError> {
        let to = Mailbox::from_str(to.trim())
            .map_err(|_| NotifyError::InvalidAddress(to.to_string()))?;
        // A line break in a header would end it early; subjects come from task titles.
        let subject: String = subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.trim())
            .message_id(Some(self.next_message_id()))
            .header(ContentType::TEXT_PLAIN)
            .body(body_text.to_string())
            .map_err(|e| NotifyError::Message(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| NotifyError::from_smtp(&e))
    }

    /// Connects, greets and quits: whether the server is there and speaks SMTP (for a start-up
    /// check or a health page).
    pub async fn check_connection(&self) -> Result<(), NotifyError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(NotifyError::Unavailable(
                "the server did not answer the greeting".into(),
            )),
            Err(e) => Err(NotifyError::from_smtp(&e)),
        }
    }

    /// `<time.pid.counter@sender-domain>`: unique without a random source.
    fn next_message_id(&self) -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        format!(
            "<{nanos}.{}.{n}.giaoban@{}>",
            std::process::id(),
            self.id_domain
        )
    }
}

/// Shows the sender only: the transport holds the credentials.
impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bad_addresses_are_refused_before_connecting() {
        let config =
            SmtpConfig::parse("smtp://u:hunter2@127.0.0.1:9?tls=none&from=a@example.vn").unwrap();
        let mailer = Mailer::new(&config).unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2"));
        assert_eq!(
            mailer.send("không phải địa chỉ", "x", "y").await,
            Err(NotifyError::InvalidAddress("không phải địa chỉ".into()))
        );
        let mut bad_from = config.clone();
        bad_from.from = "nobody".into();
        assert!(matches!(
            Mailer::new(&bad_from),
            Err(NotifyError::InvalidAddress(_))
        ));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_retryable() {
        // A port that was free a moment ago: the connection is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let url = format!("smtp://127.0.0.1:{port}?tls=none&from=a@example.vn");
        let config = SmtpConfig::parse(&url).unwrap();
        let err = Mailer::new(&config)
            .unwrap()
            .send("b@example.vn", "x", "y")
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
    }
}
