//! Telegram messages through the Bot API: `POST {api}/bot{token}/sendMessage` with
//! `{"chat_id", "text"}`, one HTTP/1.1 request per connection, over TLS (rustls with ring and the
//! bundled webpki roots) for `https` and in clear text for `http` (a local stand-in in tests).
//!
//! Offices run their own bots, so the token is given with each message; the server may also have
//! one of its own ([`TelegramConfig::bot_token`]) for the units that have none. A token is a
//! password: it is never logged, never shown by `Debug`, and never part of an error (the request
//! path holds it, so no error quotes the path).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use giaoban_domain::{Lang, Localized};
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpStream;
use url::Url;

/// The environment variable with the Bot API's address; [`DEFAULT_API`] when unset or empty.
pub const API_ENV_VAR: &str = "GIAOBAN_TELEGRAM_API";
/// The environment variable with the server's own bot token (optional): used for the units that
/// have a chat but no bot of their own.
pub const BOT_TOKEN_ENV_VAR: &str = "GIAOBAN_TELEGRAM_BOT_TOKEN";
/// Telegram's Bot API.
pub const DEFAULT_API: &str = "https://api.telegram.org";
/// The longest text Telegram takes in one message (characters); longer texts are cut.
pub const MAX_TEXT_CHARS: usize = 4096;

/// How long connecting (TCP and TLS) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one whole request may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest reply read; Telegram's are a few hundred bytes.
const MAX_REPLY: usize = 64 * 1024;

pub use giaoban_domain::channel::{is_bot_token, is_chat_id};

/// A bot token of the right shape. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct BotToken(String);

impl BotToken {
    /// The token, trimmed, when it has the shape of one (see [`is_bot_token`]).
    pub fn parse(raw: &str) -> Option<BotToken> {
        let t = raw.trim();
        is_bot_token(t).then(|| BotToken(t.to_owned()))
    }

    /// The secret itself, to store it or to send with a request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BotToken(***)")
    }
}

/// Where the Bot API is and the server's own bot, if any. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TelegramConfig {
    /// `https://api.telegram.org`, or a local stand-in's `http://127.0.0.1:PORT`.
    pub api_base: String,
    /// The server's bot, for the units without one of their own.
    pub bot_token: Option<BotToken>,
}

impl TelegramConfig {
    /// Telegram's API without a server bot.
    pub fn new(api_base: &str) -> TelegramConfig {
        TelegramConfig {
            api_base: api_base.trim().to_owned(),
            bot_token: None,
        }
    }

    /// Reads [`API_ENV_VAR`] and [`BOT_TOKEN_ENV_VAR`]. Errors never quote the token.
    pub fn from_env() -> Result<TelegramConfig, TelegramError> {
        let var = |name: &str| match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(v)),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(TelegramError::InvalidConfig(format!(
                "{name} is not valid UTF-8"
            ))),
        };
        let api_base = var(API_ENV_VAR)?.unwrap_or_else(|| DEFAULT_API.to_owned());
        let bot_token = match var(BOT_TOKEN_ENV_VAR)? {
            None => None,
            Some(raw) => Some(BotToken::parse(&raw).ok_or_else(|| {
                TelegramError::InvalidConfig(format!(
                    "{BOT_TOKEN_ENV_VAR} is not a bot token (digits, a colon, then 30 to 64 of \
                     A-Z a-z 0-9 _ -)"
                ))
            })?),
        };
        let config = TelegramConfig {
            api_base: api_base.trim().to_owned(),
            bot_token,
        };
        Endpoint::parse(&config.api_base)?;
        Ok(config)
    }
}

impl fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("api_base", &self.api_base)
            .field("bot_token", &self.bot_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Why a Telegram message was not sent. Never carries the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    /// The API address or the server's token is not usable.
    #[error("the Telegram configuration is not valid: {0}")]
    InvalidConfig(String),
    /// No bot token to send with (the unit has none and the server neither).
    #[error("no Telegram bot token: the unit has none and the server neither")]
    NoToken,
    /// The chat is not a chat id or @channel name.
    #[error("not a Telegram chat id or @channel name: {0:?}")]
    InvalidChat(String),
    /// The API could not be reached, timed out, or answered something that is not its reply.
    #[error("the Telegram API could not be reached: {0}")]
    Unavailable(String),
    /// 429: too many messages; Telegram says when to try again.
    #[error("Telegram asks to wait (429): {description}")]
    RateLimited {
        retry_after: Option<u64>,
        description: String,
    },
    /// 5xx: Telegram's side failed; sending again later may work.
    #[error("the Telegram API failed ({status}): {description}")]
    ServerError { status: u16, description: String },
    /// 4xx other than 429: the chat does not exist or blocked the bot (400, 403), the token is
    /// wrong (401, 404). Sending again will not help.
    #[error("Telegram refused the message ({status}): {description}")]
    Rejected { status: u16, description: String },
}

impl TelegramError {
    /// Whether sending the same message later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TelegramError::Unavailable(_)
                | TelegramError::RateLimited { .. }
                | TelegramError::ServerError { .. }
        )
    }

    /// How long Telegram asked to wait before the next message (429's `retry_after`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TelegramError::RateLimited {
                retry_after: Some(s),
                ..
            } => Some(Duration::from_secs(*s)),
            _ => None,
        }
    }
}

impl Localized for TelegramError {
    fn code(&self) -> &'static str {
        match self {
            TelegramError::InvalidConfig(_) => "telegram.invalid_config",
            TelegramError::NoToken => "telegram.no_token",
            TelegramError::InvalidChat(_) => "telegram.invalid_chat",
            TelegramError::Unavailable(_) => "telegram.unavailable",
            TelegramError::RateLimited { .. } => "telegram.rate_limited",
            TelegramError::ServerError { .. } => "telegram.server_error",
            TelegramError::Rejected { .. } => "telegram.rejected",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TelegramError::InvalidConfig(why), Lang::Vi) => {
                format!("Cấu hình Telegram không hợp lệ: {why}.")
            }
            (TelegramError::NoToken, Lang::Vi) => {
                "Chưa có mã bot Telegram: đơn vị chưa đặt và máy chủ cũng không có.".to_owned()
            }
            (TelegramError::InvalidChat(chat), Lang::Vi) => {
                format!("Mã nhóm/kênh Telegram không hợp lệ: \"{chat}\".")
            }
            (TelegramError::Unavailable(why), Lang::Vi) => {
                format!("Không kết nối được Telegram: {why}.")
            }
            (TelegramError::RateLimited { description, .. }, Lang::Vi) => {
                format!("Telegram yêu cầu chờ rồi gửi lại (429): {description}.")
            }
            (
                TelegramError::ServerError {
                    status,
                    description,
                },
                Lang::Vi,
            ) => format!("Máy chủ Telegram gặp lỗi ({status}): {description}."),
            (
                TelegramError::Rejected {
                    status,
                    description,
                },
                Lang::Vi,
            ) => format!("Telegram từ chối tin nhắn ({status}): {description}."),
            (_, Lang::En) => format!("{self}."),
        }
    }
}

/// The parts of the API address a request needs.
#[derive(Clone)]
struct Endpoint {
    https: bool,
    host: String,
    port: u16,
    /// The path before `/bot…`, without a trailing slash ("" for Telegram's).
    prefix: String,
}

impl Endpoint {
    fn parse(raw: &str) -> Result<Endpoint, TelegramError> {
        let invalid = |why: &str| TelegramError::InvalidConfig(format!("{API_ENV_VAR}: {why}"));
        let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => {
                return Err(invalid(
                    "the scheme must be https (or http for a local stand-in)",
                ));
            }
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("the address must not hold a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("the address must not hold a query or fragment"));
        }
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']'),
            _ => return Err(invalid("the host is missing")),
        };
        Ok(Endpoint {
            https,
            host: host.to_owned(),
            port: url
                .port_or_known_default()
                .unwrap_or(if https { 443 } else { 80 }),
            prefix: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// `Host:` as sent: the port only when it is not the scheme's.
    fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// Sends Telegram messages through one Bot API. Cheap to clone; each message opens its own
/// connection.
#[derive(Clone)]
pub struct Telegram {
    endpoint: Endpoint,
    api_base: String,
    tls: Option<tokio_rustls::TlsConnector>,
    server_token: Option<BotToken>,
}

/// The reply of the Bot API: `{"ok": true, "result": …}` or
/// `{"ok": false, "error_code": 429, "description": "…", "parameters": {"retry_after": 5}}`.
#[derive(Debug, Deserialize)]
struct Reply {
    ok: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    error_code: Option<u16>,
    #[serde(default)]
    parameters: Option<ReplyParameters>,
}

#[derive(Debug, Deserialize)]
struct ReplyParameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

impl Telegram {
    /// A sender for `config`'s API (checked here) with its server bot, if any.
    pub fn new(config: &TelegramConfig) -> Result<Telegram, TelegramError> {
        let endpoint = Endpoint::parse(&config.api_base)?;
        let tls = if endpoint.https {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| TelegramError::InvalidConfig(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Some(tokio_rustls::TlsConnector::from(Arc::new(tls)))
        } else {
            None
        };
        Ok(Telegram {
            endpoint,
            api_base: config.api_base.trim().trim_end_matches('/').to_owned(),
            tls,
            server_token: config.bot_token.clone(),
        })
    }

    /// The API's address (no token in it).
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The server's own bot, for the units that have none.
    pub fn server_token(&self) -> Option<&BotToken> {
        self.server_token.as_ref()
    }

    /// Sends `text` (plain text, cut to [`MAX_TEXT_CHARS`]) to `chat_id` as the bot of `token`.
    pub async fn send(
        &self,
        token: &BotToken,
        chat_id: &str,
        text: &str,
    ) -> Result<(), TelegramError> {
        let chat_id = chat_id.trim();
        if !is_chat_id(chat_id) {
            return Err(TelegramError::InvalidChat(chat_id.to_owned()));
        }
        let chat = match chat_id.parse::<i64>() {
            Ok(n) => serde_json::Value::from(n),
            Err(_) => serde_json::Value::from(chat_id),
        };
        let text: String = if text.chars().count() > MAX_TEXT_CHARS {
            let mut cut: String = text.chars().take(MAX_TEXT_CHARS - 1).collect();
            cut.push('…');
            cut
        } else {
            text.to_owned()
        };
        let body = serde_json::to_vec(&serde_json::json!({"chat_id": chat, "text": text}))
            .map_err(|e| TelegramError::Unavailable(e.to_string()))?;
        let (status, reply) = tokio::time::timeout(REQUEST_TIMEOUT, self.post(token, body))
            .await
            .map_err(|_| {
                TelegramError::Unavailable(format!(
                    "no answer within {} s",
                    REQUEST_TIMEOUT.as_secs()
                ))
            })??;
        classify(status, &reply)
    }

    /// One `POST …/bot{token}/sendMessage`: the status and the reply's bytes.
    async fn post(&self, token: &BotToken, body: Vec<u8>) -> Result<(u16, Bytes), TelegramError> {
        let e = &self.endpoint;
        let unavailable = |what: &str, err: &dyn fmt::Display| {
            TelegramError::Unavailable(format!("{what} {}:{}: {err}", e.host, e.port))
        };
        let tcp = tokio::time::timeout(
            CONNECT_TIMEOUT,
            TcpStream::connect((e.host.as_str(), e.port)),
        )
        .await
        .map_err(|_| unavailable("timed out connecting to", &"timeout"))?
        .map_err(|err| unavailable("cannot connect to", &err))?;
        let path = format!("{}/bot{}/sendMessage", e.prefix, token.expose());
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(HOST, e.host_header())
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_LENGTH, body.len())
            .header(USER_AGENT, concat!("giaoban/", env!("CARGO_PKG_VERSION")))
            // The token is in the path: never let an error show the request.
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| TelegramError::Unavailable("the request could not be built".into()))?;
        match &self.tls {
            None => exchange(TokioIo::new(tcp), request).await,
            Some(connector) => {
                let name = rustls::pki_types::ServerName::try_from(e.host.clone())
                    .map_err(|err| TelegramError::InvalidConfig(err.to_string()))?;
                let stream = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp))
                    .await
                    .map_err(|_| unavailable("timed out in TLS with", &"timeout"))?
                    .map_err(|err| unavailable("TLS failed with", &err))?;
                exchange(TokioIo::new(stream), request).await
            }
        }
    }
}

/// Shows the API address only.
impl fmt::Debug for Telegram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Telegram")
            .field("api_base", &self.api_base)
            .field("server_token", &self.server_token.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Sends the request over an open connection and reads the whole reply.
async fn exchange<S>(
    io: TokioIo<S>,
    request: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), TelegramError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    // hyper's errors name the failure (closed, parse, timeout), never the request.
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| TelegramError::Unavailable(e.to_string()))?;
    let driver = tokio::spawn(conn);
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| TelegramError::Unavailable(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = Limited::new(response.into_body(), MAX_REPLY)
            .collect()
            .await
            .map_err(|e| TelegramError::Unavailable(format!("reading the reply: {e}")))?
            .to_bytes();
        Ok((status, bytes))
    }
    .await;
    driver.abort();
    result
}

/// Telegram's description, made safe for a log line and a page: one line, at most 300 characters.
fn description(reply: Option<&Reply>, status: u16) -> String {
    let d = reply
        .and_then(|r| r.description.clone())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let one_line: String = d
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    one_line.trim().to_owned()
}

/// What the status and the reply mean.
fn classify(status: u16, body: &[u8]) -> Result<(), TelegramError> {
    let reply: Option<Reply> = serde_json::from_slice(body).ok();
    let code = match &reply {
        Some(r) if r.ok && (200..300).contains(&status) => return Ok(()),
        Some(_) if !(200..300).contains(&status) => status,
        Some(r) => r.error_code.unwrap_or(status),
        None if (200..300).contains(&status) => {
            return Err(TelegramError::Unavailable(
                "the API's reply is not a Bot API reply".into(),
            ));
        }
        None => status,
    };
    let description = description(reply.as_ref(), code);
    Err(match code {
        429 => TelegramError::RateLimited {
            retry_after: reply
                .as_ref()
                .and_then(|r| r.parameters.as_ref())
                .and_then(|p| p.retry_after),
            description,
        },
        500..=599 => TelegramError::ServerError {
            status: code,
            description,
        },
        // A 2xx whose reply says "not ok" without a code: treat as Telegram's fault.
        200..=299 => TelegramError::ServerError {
            status: code,
            description,
        },
        _ => TelegramError::Rejected {
            status: code,
            description,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs";

    #[test]
    fn tokens_and_chats_have_their_shapes() {
        assert!(is_bot_token(TOKEN));
        for bad in [
            "",
            "123456789",
            ":AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs",
            "12a:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs",
            "123456789:short",
            "123456789:AAEhBOweik6ad9r QXMENQjcrGbqCr4K-bs",
            "123456789:AAEhBOweik6ad9r/QXMENQjcrGbqCr4K-bs",
        ] {
            assert!(!is_bot_token(bad), "{bad:?}");
        }
        for good in ["123456", "-1001234567890", "@ubnd_camthuy"] {
            assert!(is_chat_id(good), "{good:?}");
        }
        for bad in [
            "",
            "-",
            "12 34",
            "@abc",
            "@1channel",
            "@có_dấu",
            "chat",
            "99999999999999999999",
        ] {
            assert!(!is_chat_id(bad), "{bad:?}");
        }
        let t = BotToken::parse(&format!(" {TOKEN} ")).expect("token");
        assert_eq!(t.expose(), TOKEN);
        assert_eq!(format!("{t:?}"), "BotToken(***)");
        let c = TelegramConfig {
            api_base: DEFAULT_API.into(),
            bot_token: Some(t),
        };
        assert!(!format!("{c:?}").contains("AAE"), "{c:?}");
        let sender = Telegram::new(&c).expect("sender");
        assert!(!format!("{sender:?}").contains("AAE"));
    }

    #[test]
    fn api_addresses_are_checked() {
        let e = Endpoint::parse("https://api.telegram.org").unwrap();
        assert_eq!((e.https, e.port, e.prefix.as_str()), (true, 443, ""));
        assert_eq!(e.host_header(), "api.telegram.org");
        let e = Endpoint::parse("http://127.0.0.1:8081/tg/").unwrap();
        assert_eq!((e.https, e.port, e.prefix.as_str()), (false, 8081, "/tg"));
        assert_eq!(e.host_header(), "127.0.0.1:8081");
        for bad in [
            "ftp://x",
            "api.telegram.org",
            "https://u:p@api.telegram.org",
            "https://api.telegram.org/?x=1",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(TelegramError::InvalidConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn replies_are_classified() {
        assert_eq!(classify(200, br#"{"ok":true,"result":{}}"#), Ok(()));
        let e = classify(
            429,
            br#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
        )
        .unwrap_err();
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        let e = classify(502, b"<html>Bad Gateway</html>").unwrap_err();
        assert!(
            matches!(e, TelegramError::ServerError { status: 502, .. }),
            "{e:?}"
        );
        assert!(e.is_retryable());
        let e = classify(
            400,
            br#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            TelegramError::Rejected {
                status: 400,
                description: "Bad Request: chat not found".into()
            }
        );
        assert!(!e.is_retryable());
        for status in [401, 403, 404] {
            assert!(
                !classify(status, br#"{"ok":false}"#)
                    .unwrap_err()
                    .is_retryable()
            );
        }
        assert!(classify(200, b"not json").unwrap_err().is_retryable());
        assert!(
            e.message(Lang::Vi)
                .starts_with("Telegram từ chối tin nhắn (400)")
        );
    }

    #[tokio::test]
    async fn an_unreachable_api_is_retryable_and_never_shows_the_token() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let t = Telegram::new(&TelegramConfig::new(&format!("http://127.0.0.1:{port}"))).unwrap();
        let token = BotToken::parse(TOKEN).unwrap();
        let err = t.send(&token, "12345", "x").await.unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert!(!err.to_string().contains("AAE"), "{err}");
        assert_eq!(
            t.send(&token, "not a chat", "x").await,
            Err(TelegramError::InvalidChat("not a chat".into()))
        );
    }
}
