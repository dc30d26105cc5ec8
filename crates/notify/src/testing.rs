//! Stand-ins of the outside services for tests (cargo feature `testing`).
//!
//! [`SmtpSink`] is a minimal SMTP server: it listens on 127.0.0.1:0, accepts every message and
//! keeps it, so a test can send through the real [`Mailer`](crate::Mailer) and look at what
//! arrived. It speaks EHLO/HELO, MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP and
//! QUIT, in clear text and without authentication: point a mailer at it with [`SmtpSink::config`].
//!
//! [`TelegramStandIn`] is a local Telegram Bot API (`POST /bot{token}/sendMessage`): it records
//! every message it accepts, answers in Telegram's JSON, and can be told to fail the next requests
//! (500, or 429 with `retry_after`), to know only some chats (others get 400 "chat not found") and
//! only some tokens (others get 401). Point a sender at [`TelegramStandIn::api_base`].

use std::collections::{HashSet, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{SmtpConfig, Tls};

/// Longest command or data line accepted; a longer one closes the connection.
const MAX_LINE: usize = 64 * 1024;

/// A message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (MAIL FROM), without angle brackets.
    pub from: String,
    /// The envelope recipients (RCPT TO), in order.
    pub to: Vec<String>,
    /// The message (headers and body) with CRLF line ends, dot-unstuffed, without the final dot.
    pub data: String,
}

/// Not enough messages arrived in time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} messages, received {received} in time")]
pub struct WaitTimeout {
    pub expected: usize,
    pub received: usize,
}

/// A running SMTP sink. Stops when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    addr: SocketAddr,
    mails: watch::Receiver<Vec<ReceivedMail>>,
    server: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts the sink on 127.0.0.1 with a port chosen by the system.
    pub async fn start() -> io::Result<SmtpSink> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = watch::channel(Vec::new());
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    // A client that goes away mid-conversation is no concern of the sink.
                    let _ = session(stream, &tx).await;
                });
            }
        });
        Ok(SmtpSink {
            addr,
            mails: rx,
            server,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Settings that send to this sink in clear text, from `from`.
    pub fn config(&self, from: &str) -> SmtpConfig {
        SmtpConfig {
            host: self.addr.ip().to_string(),
            port: self.addr.port(),
            from: from.to_string(),
            username: None,
            password: None,
            tls: Tls::None,
            helo: None,
        }
    }

    /// Everything received so far, in order of arrival.
    pub async fn messages(&self) -> Vec<ReceivedMail> {
        self.mails.borrow().clone()
    }

    /// Waits until at least `n` messages have arrived, then returns them all.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<ReceivedMail>, WaitTimeout> {
        let mut rx = self.mails.clone();
        let arrived = tokio::time::timeout(timeout, rx.wait_for(|m| m.len() >= n)).await;
        match arrived {
            Ok(Ok(mails)) => Ok(mails.clone()),
            _ => Err(WaitTimeout {
                expected: n,
                received: self.mails.borrow().len(),
            }),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The envelope of the transaction in progress.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, mails: &watch::Sender<Vec<ReceivedMail>>) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut envelope = Envelope::default();
    write.write_all(b"220 giaoban-sink ESMTP ready\r\n").await?;
    while let Some(line) = read_line(&mut read).await? {
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("");
        let reply: &[u8] = match verb {
            "EHLO" => b"250-giaoban-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 giaoban-sink\r\n",
            "MAIL" if upper.starts_with("MAIL FROM:") => {
                envelope = Envelope {
                    from: Some(path(&line["MAIL FROM:".len()..])),
                    to: Vec::new(),
                };
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if upper.starts_with("RCPT TO:") => {
                if envelope.from.is_none() {
                    b"503 5.5.1 MAIL first\r\n"
                } else {
                    envelope.to.push(path(&line["RCPT TO:".len()..]));
                    b"250 2.1.5 OK\r\n"
                }
            }
            "DATA" => {
                if envelope.to.is_empty() {
                    b"503 5.5.1 RCPT first\r\n"
                } else {
                    write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let Some(data) = read_data(&mut read).await? else {
                        return Ok(());
                    };
                    let envelope = std::mem::take(&mut envelope);
                    mails.send_modify(|m| {
                        m.push(ReceivedMail {
                            from: envelope.from.unwrap_or_default(),
                            to: envelope.to,
                            data,
                        });
                    });
                    b"250 2.0.0 OK queued\r\n"
                }
            }
            "RSET" => {
                envelope = Envelope::default();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// One line without its line end; `None` at the end of the stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(read: &mut R) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *read)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if !buf.ends_with(b"\n") {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// The message after DATA, up to the line holding a single dot; `None` if the client hangs up.
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> io::Result<Option<String>> {
    let mut data = String::new();
    while let Some(line) = read_line(read).await? {
        if line == "." {
            return Ok(Some(data));
        }
        // RFC 5321 §4.5.2: the client doubled every leading dot.
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
    Ok(None)
}

/// `<a@b> SIZE=10` → `a@b`.
fn path(arg: &str) -> String {
    let arg = arg.trim();
    match arg.strip_prefix('<').and_then(|a| a.split_once('>')) {
        Some((inside, _)) => inside.to_string(),
        None => arg.split_whitespace().next().unwrap_or("").to_string(),
    }
}

// ── Telegram ────────────────────────────────────────────────────────────────────────────────

/// A message the Telegram stand-in accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramMessage {
    /// The bot token of the request path.
    pub token: String,
    /// The chat as sent (a number is written in decimal).
    pub chat_id: String,
    pub text: String,
}

/// How the stand-in fails a request it was told to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelegramFailure {
    /// 500 Internal Server Error.
    ServerError,
    /// 429 Too Many Requests with `parameters.retry_after` (seconds).
    TooManyRequests { retry_after: u32 },
}

#[derive(Default)]
struct StandInRules {
    failures: VecDeque<TelegramFailure>,
    known_chats: Option<HashSet<String>>,
    known_tokens: Option<HashSet<String>>,
    requests: usize,
}

/// A running Telegram Bot API stand-in. Stops when dropped.
///
/// ```ignore
/// let tg = TelegramStandIn::start().await?;
/// let sender = Telegram::new(&TelegramConfig::new(&tg.api_base()))?;
/// tg.fail_next(2, TelegramFailure::ServerError);
/// tg.known_chats(["-1001234567890"]);
/// let got = tg.wait_for(1, Duration::from_secs(10)).await?;
/// ```
pub struct TelegramStandIn {
    addr: SocketAddr,
    rules: Arc<Mutex<StandInRules>>,
    messages: watch::Receiver<Vec<TelegramMessage>>,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for TelegramStandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramStandIn")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl TelegramStandIn {
    /// Starts the stand-in on 127.0.0.1 with a port chosen by the system. It accepts every chat
    /// and every token until told otherwise.
    pub async fn start() -> io::Result<TelegramStandIn> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = watch::channel(Vec::new());
        let tx = Arc::new(tx);
        let rules: Arc<Mutex<StandInRules>> = Arc::default();
        let server = tokio::spawn({
            let rules = rules.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (tx, rules) = (tx.clone(), rules.clone());
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req| {
                            let (tx, rules) = (tx.clone(), rules.clone());
                            async move {
                                Ok::<_, std::convert::Infallible>(bot_api(req, &tx, &rules).await)
                            }
                        });
                        // A client that goes away mid-request is no concern of the stand-in.
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        });
        Ok(TelegramStandIn {
            addr,
            rules,
            messages: rx,
            server,
        })
    }

    /// The address to configure as the Bot API (`GIAOBAN_TELEGRAM_API`): `http://127.0.0.1:PORT`.
    pub fn api_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The messages accepted so far, in order of arrival (failed requests are not among them).
    pub fn messages(&self) -> Vec<TelegramMessage> {
        self.messages.borrow().clone()
    }

    /// How many sendMessage requests arrived, failed ones included.
    pub fn requests(&self) -> usize {
        self.rules().requests
    }

    /// Waits until at least `n` messages were accepted, then returns them all.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<TelegramMessage>, WaitTimeout> {
        let mut rx = self.messages.clone();
        let arrived = tokio::time::timeout(timeout, rx.wait_for(|m| m.len() >= n)).await;
        match arrived {
            Ok(Ok(messages)) => Ok(messages.clone()),
            _ => Err(WaitTimeout {
                expected: n,
                received: self.messages.borrow().len(),
            }),
        }
    }

    /// Fails the next `n` requests (whatever their chat or token) the way `kind` says.
    pub fn fail_next(&self, n: usize, kind: TelegramFailure) {
        self.rules().failures.extend(std::iter::repeat_n(kind, n));
    }

    /// From now on only these chats exist: a message to another gets 400 "Bad Request: chat not
    /// found", as Telegram answers.
    pub fn known_chats<I, S>(&self, chats: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules().known_chats = Some(chats.into_iter().map(Into::into).collect());
    }

    /// From now on only these bot tokens are valid: another gets 401 "Unauthorized".
    pub fn known_tokens<I, S>(&self, tokens: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules().known_tokens = Some(tokens.into_iter().map(Into::into).collect());
    }

    fn rules(&self) -> std::sync::MutexGuard<'_, StandInRules> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for TelegramStandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

type StandInBody = http_body_util::Full<bytes::Bytes>;

fn bot_reply(status: u16, body: serde_json::Value) -> hyper::Response<StandInBody> {
    let mut resp = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from(
        body.to_string(),
    )));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

fn bot_error(code: u16, description: &str) -> hyper::Response<StandInBody> {
    bot_reply(
        code,
        serde_json::json!({"ok": false, "error_code": code, "description": description}),
    )
}

/// One Bot API request, answered as Telegram would.
async fn bot_api(
    req: hyper::Request<hyper::body::Incoming>,
    messages: &watch::Sender<Vec<TelegramMessage>>,
    rules: &Mutex<StandInRules>,
) -> hyper::Response<StandInBody> {
    use http_body_util::BodyExt;
    let token = req
        .uri()
        .path()
        .strip_prefix("/bot")
        .and_then(|rest| rest.strip_suffix("/sendMessage"))
        .map(str::to_owned);
    let (Some(token), true) = (token, req.method() == hyper::Method::POST) else {
        return bot_error(404, "Not Found");
    };
    let Ok(body) = http_body_util::Limited::new(req.into_body(), 1024 * 1024)
        .collect()
        .await
    else {
        return bot_error(400, "Bad Request: the request body could not be read");
    };
    let json: serde_json::Value =
        serde_json::from_slice(&body.to_bytes()).unwrap_or(serde_json::Value::Null);
    let chat_id = match &json["chat_id"] {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let text = json["text"].as_str().unwrap_or("").to_owned();
    let failure = {
        let mut r = rules.lock().unwrap_or_else(PoisonError::into_inner);
        r.requests += 1;
        match r.failures.pop_front() {
            Some(f) => Err(f),
            None if r.known_tokens.as_ref().is_some_and(|k| !k.contains(&token)) => {
                Ok(Some((401, "Unauthorized")))
            }
            None if chat_id.is_empty() => Ok(Some((400, "Bad Request: chat_id is empty"))),
            None if text.is_empty() => Ok(Some((400, "Bad Request: message text is empty"))),
            None if r
                .known_chats
                .as_ref()
                .is_some_and(|k| !k.contains(&chat_id)) =>
            {
                Ok(Some((400, "Bad Request: chat not found")))
            }
            None => Ok(None),
        }
    };
    match failure {
        Err(TelegramFailure::ServerError) => bot_error(500, "Internal Server Error"),
        Err(TelegramFailure::TooManyRequests { retry_after }) => bot_reply(
            429,
            serde_json::json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": {"retry_after": retry_after},
            }),
        ),
        Ok(Some((code, description))) => bot_error(code, description),
        Ok(None) => {
            let mut message_id = 0;
            messages.send_modify(|m| {
                m.push(TelegramMessage {
                    token,
                    chat_id: chat_id.clone(),
                    text: text.clone(),
                });
                message_id = m.len();
            });
            bot_reply(
                200,
                serde_json::json!({
                    "ok": true,
                    "result": {
                        "message_id": message_id,
                        "chat": {"id": json["chat_id"]},
                        "date": std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_secs())
                            .unwrap_or_default(),
                        "text": text,
                    },
                }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Talks to the sink by hand, to check the protocol details the mailer does not exercise.
    #[tokio::test]
    async fn sink_speaks_enough_smtp() {
        let sink = SmtpSink::start().await.unwrap();
        assert!(sink.addr().ip().is_loopback());
        let stream = TcpStream::connect(sink.addr()).await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let mut expect = async |sent: &str, code: &str| {
            if !sent.is_empty() {
                write.write_all(sent.as_bytes()).await.unwrap();
            }
            // Skip continuation lines ("250-…") to the last line of the reply.
            loop {
                let line = read_line(&mut read).await.unwrap().unwrap();
                if line.as_bytes().get(3) != Some(&b'-') {
                    assert!(line.starts_with(code), "{sent:?} → {line:?}");
                    break;
                }
            }
        };
        expect("", "220").await;
        expect("HELO test\r\n", "250").await;
        expect("RCPT TO:<x@example.vn>\r\n", "503").await;
        expect("MAIL FROM:<a@example.vn> BODY=8BITMIME\r\n", "250").await;
        expect("RCPT TO:<b@example.vn>\r\n", "250").await;
        expect("RSET\r\n", "250").await;
        expect("DATA\r\n", "503").await;
        expect("NOOP\r\n", "250").await;
        expect("mail from:<a@example.vn>\r\n", "250").await;
        expect("rcpt to:<b@example.vn>\r\n", "250").await;
        expect("RCPT TO:<c@example.vn>\r\n", "250").await;
        expect("DATA\r\n", "354").await;
        expect("Subject: x\r\n\r\n..dot\r\n.\r\n", "250").await;
        expect("VRFY b\r\n", "502").await;
        expect("QUIT\r\n", "221").await;

        let mails = sink.wait_for(1, Duration::from_secs(5)).await.unwrap();
        assert_eq!(
            mails,
            vec![ReceivedMail {
                from: "a@example.vn".into(),
                to: vec!["b@example.vn".into(), "c@example.vn".into()],
                data: "Subject: x\r\n\r\n.dot\r\n".into(),
            }]
        );
        assert_eq!(
            sink.wait_for(2, Duration::from_millis(50)).await,
            Err(WaitTimeout {
                expected: 2,
                received: 1
            })
        );
    }
}
