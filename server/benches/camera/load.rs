//! The load generator: simulated candidate pages that send camera frames, and proctor frame
//! sockets that receive them. The same code runs against the real server and the bare relay;
//! only the URLs and cookies differ.
use crate::pictures::Pictures;
use crate::stats::{Stats, bump};
use domain::View;
use domain::camera::{CameraProfile, CameraSettings, FrameHeader, ProfileKind, UP_HEADER_LEN};
use domain::protocol::{CandidateClientMsg, PROTOCOL_VERSION};
use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Send times remembered per view socket (by `seq % SLOTS`), for µs-precise latencies.
pub const SLOTS: usize = 32;
const HEARTBEAT: Duration = Duration::from_secs(2);

/// Microseconds since the Unix epoch (the clock `captured_ms` is on).
pub fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

/// One candidate socket to open.
#[derive(Clone, Serialize, Deserialize)]
pub struct CandidateConn {
    /// Position in the plan (0-based), for the send-time table.
    pub index: usize,
    pub view: View,
    pub url: String,
    pub cookie: Option<String>,
    /// The load process that opens it (`--instances N`: one per instance; else 0, this one).
    pub part: usize,
}

/// One proctor frames socket to open.
#[derive(Clone, Serialize, Deserialize)]
pub struct ProctorConn {
    /// Room position in the plan (0-based).
    pub room: usize,
    /// The candidate id this socket focuses on, if any.
    pub focus: Option<i64>,
    pub url: String,
    pub cookie: Option<String>,
    /// The load process that opens it (`--instances N`: one per instance; else 0, this one).
    pub part: usize,
}

/// Opens a WebSocket (TCP_NODELAY, like a browser), with the cookie if any; retries a few
/// times so a momentarily full accept queue does not fail the run.
pub async fn connect(url: &str, cookie: Option<&str>) -> anyhow::Result<Ws> {
    let mut last = None;
    for attempt in 0..5u64 {
        let mut req = url.into_client_request()?;
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse()?);
        }
        match tokio_tungstenite::connect_async_with_config(req, None, true).await {
            Ok((ws, _)) => return Ok(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                anyhow::bail!("{url}: HTTP {}", res.status())
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
    }
    Err(anyhow::anyhow!("{url}: {}", last.map_or_else(String::new, |e| e.to_string())))
}

fn text(m: &CandidateClientMsg) -> Message {
    Message::Text(serde_json::to_string(m).expect("json").into())
}

/// What a server text message asks of a candidate page.
enum Ask {
    /// A new capture profile.
    Profile(CameraProfile),
    /// A frame at once.
    Snap,
}

/// What a candidate page does with a server text message: counts it, and returns a new
/// profile if the server switched it, or its ask for a frame now.
fn on_text(stats: &Stats, body: &str, current: &CameraProfile) -> Option<Ask> {
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => {
            bump(&stats.to_candidates, "not_json".into());
            return None;
        }
    };
    let kind = v["type"].as_str().unwrap_or("untyped");
    match kind {
        "heartbeat_ack" => {
            stats.heartbeat_acks.fetch_add(1, Relaxed);
            None
        }
        "error" | "frame_refused" => {
            let code = v["error"]["code"].as_str().unwrap_or("?");
            bump(&stats.to_candidates, format!("{kind}:{code}"));
            None
        }
        "camera_problem" => {
            let problem = v["problem"].as_str().unwrap_or("cleared");
            bump(&stats.to_candidates, format!("camera_problem:{problem}"));
            None
        }
        "profile" => {
            let defaults = CameraSettings::default();
            let new =
                serde_json::from_value::<CameraProfile>(v["profile"].clone()).ok().or_else(|| {
                    match v["profile"]["kind"].as_str() {
                        Some("focus") => Some(defaults.focus),
                        Some("grid") => Some(defaults.grid),
                        _ => None,
                    }
                });
            let named = v["profile"]["kind"].as_str().unwrap_or("?");
            bump(&stats.to_candidates, format!("profile:{named}"));
            new.filter(|p| p.kind != current.kind || p.interval_ms != current.interval_ms)
                .map(Ask::Profile)
        }
        "snap" => {
            bump(&stats.to_candidates, "snap".into());
            Some(Ask::Snap)
        }
        other => {
            bump(&stats.to_candidates, other.to_string());
            None
        }
    }
}

/// One candidate view: hello, heartbeats every 2 s, a frame every profile interval starting at
/// `first` (the next frame waits for the previous one to be written; missed ticks are skipped).
pub async fn candidate(
    ws: Ws,
    c: CandidateConn,
    first: Instant,
    pics: Arc<Pictures>,
    stats: Arc<Stats>,
) {
    let (mut tx, mut rx) = ws.split();
    let closed = |stats: &Stats, why: String| {
        stats.candidate_closed.fetch_add(1, Relaxed);
        stats.event(format!("candidate socket {} {:?}: {why}", c.index, c.view));
    };
    if let Err(e) =
        tx.send(text(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: c.view })).await
    {
        return closed(&stats, format!("hello: {e}"));
    }
    let mut profile = CameraSettings::default().grid;
    let mut next = first;
    let mut beat = tokio::time::interval_at(first, HEARTBEAT);
    let mut seq = 0u32;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {
                seq += 1;
                let (jpeg, w, h) = pics.pick(profile.kind, seq as usize + c.index);
                let t = now_us();
                let header =
                    FrameHeader { view: c.view, seq, captured_ms: t / 1000, width: *w, height: *h };
                let mut buf = Vec::with_capacity(UP_HEADER_LEN + jpeg.len());
                buf.extend_from_slice(&header.encode());
                buf.extend_from_slice(jpeg);
                let len = buf.len() as u64;
                stats.mark_sent(c.index, c.view, seq, t);
                if let Err(e) = tx.send(Message::Binary(buf.into())).await {
                    return closed(&stats, format!("frame: {e}"));
                }
                stats.sent.fetch_add(1, Relaxed);
                stats.sent_bytes.fetch_add(len, Relaxed);
                if profile.kind == ProfileKind::Focus {
                    stats.sent_focus.fetch_add(1, Relaxed);
                }
                let every = Duration::from_millis(u64::from(profile.interval_ms));
                next += every;
                let now = Instant::now();
                while next <= now {
                    next += every;
                    stats.skipped.fetch_add(1, Relaxed);
                }
            }
            _ = beat.tick() => {
                if let Err(e) = tx.send(text(&CandidateClientMsg::Heartbeat)).await {
                    return closed(&stats, format!("heartbeat: {e}"));
                }
            }
            msg = rx.next() => match msg {
                Some(Ok(Message::Text(body))) => match on_text(&stats, body.as_str(), &profile) {
                    Some(Ask::Profile(p)) => {
                        stats.profile_switches.fetch_add(1, Relaxed);
                        // The page switches at once: the next frame comes within one new period.
                        let every = Duration::from_millis(u64::from(p.interval_ms));
                        next = Instant::now() + every.min(next.saturating_duration_since(Instant::now()));
                        profile = p;
                    }
                    // As the page does: the next frame goes now, the interval restarts from it.
                    Some(Ask::Snap) => next = Instant::now(),
                    None => {}
                },
                Some(Ok(Message::Close(frame))) => return closed(&stats, format!("closed by server: {frame:?}")),
                Some(Ok(_)) => {}
                Some(Err(e)) => return closed(&stats, format!("read: {e}")),
                None => return closed(&stats, "stream ended".into()),
            }
        }
    }
}

/// One proctor frames socket: counts, checks and times every frame.
pub async fn proctor(mut ws: Ws, p: ProctorConn, stats: Arc<Stats>) {
    let closed = |stats: &Stats, why: String| {
        stats.proctor_closed.fetch_add(1, Relaxed);
        stats.event(format!("proctor socket {}: {why}", p.url));
    };
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => stats.frame_in(&p, &b),
            Some(Ok(Message::Text(body))) => {
                let v: serde_json::Value = serde_json::from_str(body.as_str()).unwrap_or_default();
                let kind = v["type"].as_str().unwrap_or("untyped");
                let key = match kind {
                    "error" => format!("error:{}", v["error"]["code"].as_str().unwrap_or("?")),
                    k => k.to_string(),
                };
                bump(&stats.to_proctors, key);
            }
            Some(Ok(Message::Close(frame))) => return closed(&stats, format!("closed: {frame:?}")),
            Some(Ok(_)) => {}
            Some(Err(e)) => return closed(&stats, format!("read: {e}")),
            None => return closed(&stats, "stream ended".into()),
        }
    }
}
