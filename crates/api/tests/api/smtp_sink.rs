//! A real SMTP server on loopback for the tests: the `mailin` crate speaks
//! the protocol; this file feeds it the socket and keeps what was accepted.
//!
//! It can also misbehave on purpose: answer the next messages with a
//! temporary failure, or hold the answer to a message (the client waits
//! after sending its final ".") until the client gives up or dies — a
//! message never answered with 250 was not accepted and is not kept.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MimeHeaders as _;
use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

/// A message the server accepted.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    /// The message, parsed.
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a parsable message")
    }

    /// The value of a header (first occurrence), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = self.parsed();
        parsed
            .header_raw(name)
            .map(|value| value.replace(['\r', '\n'], "").trim().to_owned())
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|text| text.into_owned())
            .unwrap_or_default()
    }

    /// The HTML body.
    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|html| html.into_owned())
            .unwrap_or_default()
    }

    /// The first attachment: its file name and text.
    pub fn attachment(&self) -> Option<(String, String)> {
        let parsed = self.parsed();
        let part = parsed.attachment(0)?;
        Some((
            part.attachment_name().unwrap_or_default().to_owned(),
            String::from_utf8_lossy(part.contents()).into_owned(),
        ))
    }
}

#[derive(Default)]
struct Shared {
    accepted: Mutex<Vec<Received>>,
    /// Answer this many next messages with 451.
    refuse_next: AtomicUsize,
    /// Hold the answer to the message with this number (1-based, counting
    /// every message whose data ended) until the client goes away.
    hold: Mutex<Option<usize>>,
    ended: AtomicUsize,
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

/// What one connection's session learns, read by the connection loop.
#[derive(Default)]
struct Envelope {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    complete: bool,
}

struct Collector(Arc<Mutex<Envelope>>);

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        let mut envelope = self.0.lock().unwrap();
        *envelope = Envelope {
            from: from.to_owned(),
            to: to.to_vec(),
            ..Envelope::default()
        };
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.lock().unwrap().data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.0.lock().unwrap().complete = true;
        mailin::response::OK
    }
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shared = Arc::new(Shared::default());
        let sink = SmtpSink {
            addr,
            shared: shared.clone(),
        };
        tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                tokio::spawn(serve(stream, peer, shared.clone()));
            }
        });
        sink
    }

    /// The URL the API sends through (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.accepted.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages were accepted.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let started = std::time::Instant::now();
        loop {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            assert!(
                started.elapsed() < within,
                "{} of {n} messages arrived within {within:?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The next `n` messages are answered "451 try again later".
    pub fn refuse_next(&self, n: usize) {
        self.shared.refuse_next.store(n, Ordering::SeqCst);
    }

    /// Holds the answer to the `n`th message from now on until its sender gives up.
    pub fn hold_message(&self, n: usize) {
        let ended = self.shared.ended.load(Ordering::SeqCst);
        *self.shared.hold.lock().unwrap() = Some(ended + n);
    }

    /// How many messages have been sent in full so far (answered or not).
    pub fn data_ended(&self) -> usize {
        self.shared.ended.load(Ordering::SeqCst)
    }
}

async fn serve(stream: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let envelope = Arc::new(Mutex::new(Envelope::default()));
    let mut session =
        SessionBuilder::new("sink.confero.test").build(peer.ip(), Collector(envelope.clone()));
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut out = Vec::new();
    session.greeting().write_to(&mut out).unwrap();
    if writer.write_all(&out).await.is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut response = session.process(&line);
        let complete = std::mem::take(&mut envelope.lock().unwrap().complete);
        if complete {
            let number = shared.ended.fetch_add(1, Ordering::SeqCst) + 1;
            if *shared.hold.lock().unwrap() == Some(number) {
                // Never answer: wait for the client to hang up (or be killed).
                let mut rest = Vec::new();
                let _ = tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut rest).await;
                return;
            }
            let refuse = shared
                .refuse_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if refuse {
                response = mailin::response::INTERNAL_ERROR;
            } else {
                let taken = std::mem::take(&mut *envelope.lock().unwrap());
                shared.accepted.lock().unwrap().push(Received {
                    from: taken.from,
                    to: taken.to,
                    raw: taken.data,
                });
            }
        }
        if response.action == Action::NoReply {
            continue;
        }
        let mut out = Vec::new();
        response.write_to(&mut out).unwrap();
        if writer.write_all(&out).await.is_err() || response.action == Action::Close {
            return;
        }
    }
}
