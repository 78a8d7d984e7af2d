//! `vigil simulate`: N candidates over the real protocol against a running server. Each signs
//! in over HTTP and walks the whole journey as the pages do (face checks, device report,
//! identity photo, the phone paired by its QR token, instructions) into the exam, where it
//! sends camera pictures from both views and saves answers; it heartbeats throughout and now
//! and then drops off and comes back, so the grid is alive.
mod frames;
mod journey;

use domain::journey::JourneyState;
use domain::presence::HEARTBEAT_INTERVAL_SECS;
use domain::protocol::{CandidateClientMsg, PROTOCOL_VERSION};
use domain::sitting::ExamSheet;
use domain::{Phase, PhaseCommand, View};
use futures::{SinkExt, StreamExt};
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub url: String,
    pub exam: String,
    pub candidates: usize,
    pub ticket_prefix: String,
    pub first_ticket: usize,
    /// Stop after this long (None: until Ctrl-C).
    pub duration: Option<Duration>,
    /// Chance per heartbeat that a candidate drops off for a while (0 disables).
    pub drop_chance: f64,
    /// Seconds between two steps of the journey.
    pub step_secs: f64,
    /// The photo shown to the face checks (the demo's roster photo passes as its first
    /// candidates); without one a picture with no face is sent, and the checks go to review.
    pub face_photo: Option<PathBuf>,
}

/// Seconds between two answers saved in the exam.
const ANSWER_EVERY_SECS: u64 = 15;
/// Seconds between two pictures of a view (the grid's rate).
const FRAME_EVERY_SECS: u64 = 2;

/// How far a candidate has come, for the socket task: which cameras send pictures.
const STAGE_NONE: u8 = 0;
const STAGE_PC_CAMERA: u8 = 1;

/// Runs the simulation; returns when the duration is over (or on Ctrl-C).
pub async fn run(opts: SimOptions) -> anyhow::Result<()> {
    let deadline = opts.duration.map(|d| Instant::now() + d);
    let photo = Arc::new(match &opts.face_photo {
        Some(path) => std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read the face photo {}: {e}", path.display()))?,
        None => frames::picture(0, View::Pc)?,
    });
    let pictures = Arc::new(frames::pictures(opts.face_photo.as_ref().map(|_| photo.as_slice()))?);
    let mut tasks = Vec::new();
    for i in 0..opts.candidates {
        let n = opts.first_ticket + i;
        let ticket = format!("{}{:04}", opts.ticket_prefix, n);
        let (opts, photo, pictures) = (opts.clone(), photo.clone(), pictures.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = candidate(&opts, n, &ticket, deadline, &photo, pictures).await {
                eprintln!("simulated candidate {ticket}: {e:#}");
            }
        }));
    }
    let all = futures::future::join_all(tasks);
    tokio::select! {
        _ = all => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

async fn login(opts: &SimOptions, ticket: &str) -> anyhow::Result<String> {
    let url = format!("{}/api/candidate/login", opts.url.trim_end_matches('/'));
    post_login(
        &reqwest::Client::new(),
        &url,
        &[("exam_code", opts.exam.as_str()), ("ticket", ticket)],
    )
    .await
}

/// Posts a login form (candidate or staff) to `url`; returns the session cookie's
/// `name=value` pair.
pub async fn post_login(
    client: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> anyhow::Result<String> {
    let res = client.post(url).form(form).send().await?;
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vigil_"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    match cookie {
        Some(c) if status.is_success() => Ok(c),
        _ => anyhow::bail!(
            "login at {url} failed ({status}): {}",
            res.text().await.unwrap_or_default()
        ),
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(opts: &SimOptions, cookie: &str, view: View) -> anyhow::Result<Ws> {
    let ws_url = opts.url.replacen("http", "ws", 1);
    let mut req = format!("{}/ws/candidate", ws_url.trim_end_matches('/')).into_client_request()?;
    req.headers_mut().insert("cookie", cookie.parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
    send(&mut ws, &CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }).await?;
    Ok(ws)
}

async fn send(ws: &mut Ws, msg: &CandidateClientMsg) -> anyhow::Result<()> {
    ws.send(Message::Text(serde_json::to_string(msg)?.into())).await?;
    Ok(())
}

/// Reads whatever the server sent, without waiting.
fn drain(ws: &mut Ws) {
    while let Some(Some(_)) = futures::FutureExt::now_or_never(ws.next()) {}
}

/// One candidate: the socket task heartbeats and sends pictures while this walks the journey
/// and then answers; at the deadline the sockets close.
async fn candidate(
    opts: &SimOptions,
    n: usize,
    ticket: &str,
    deadline: Option<Instant>,
    photo: &[u8],
    pictures: Arc<frames::Pictures>,
) -> anyhow::Result<()> {
    let cookie = login(opts, ticket).await?;
    let pc = journey::Device::new(&opts.url, cookie.clone());
    let (commands, commands_rx) = mpsc::unbounded_channel();
    let (phone_tx, phone_rx) = watch::channel(None::<String>);
    let stage = Arc::new(AtomicU8::new(STAGE_NONE));
    let link = Link { cookie, commands: commands_rx, phone: phone_rx, stage: stage.clone() };
    let mut sockets = tokio::spawn(sockets(opts.clone(), link, deadline, pictures));
    let pause = Duration::from_secs_f64(opts.step_secs.max(0.1));
    let walking = async {
        tokio::time::sleep(pause).await;
        let phone = journey::walk(&pc, n, &opts.exam, photo, pause, &stage).await?;
        let _ = phone_tx.send(Some(phone.cookie.clone()));
        // The exam may not have started yet: ask again until it has.
        loop {
            let _ = commands.send(CandidateClientMsg::Advance { command: PhaseCommand::StartExam });
            tokio::time::sleep(pause).await;
            let state: JourneyState = pc.call("journey/state", serde_json::json!({})).await?;
            match state.me.phase {
                Phase::InExam => break,
                p if p.is_submitted() => return Ok(()),
                _ => {}
            }
        }
        let sheet: ExamSheet = pc.call("exam/sheet", serde_json::json!({})).await?;
        let loaded = Instant::now();
        for k in 0.. {
            tokio::time::sleep(Duration::from_secs(ANSWER_EVERY_SECS)).await;
            journey::save_next(&pc, &sheet, loaded, k).await?;
        }
        anyhow::Ok(())
    };
    tokio::select! {
        done = &mut sockets => return done?,
        walked = walking => if let Err(e) = walked {
            // Stays where it got to, still online (e.g. an exam whose phones cannot be paired).
            eprintln!("simulated candidate {ticket} stopped walking: {e:#}");
        },
    }
    sockets.await?
}

/// What the walk tells the socket task.
struct Link {
    cookie: String,
    commands: mpsc::UnboundedReceiver<CandidateClientMsg>,
    phone: watch::Receiver<Option<String>>,
    stage: Arc<AtomicU8>,
}

/// The candidate's sockets until the deadline: heartbeats, pictures from each camera that is
/// on, the walk's commands, and random drops.
async fn sockets(
    opts: SimOptions,
    mut link: Link,
    deadline: Option<Instant>,
    pictures: Arc<frames::Pictures>,
) -> anyhow::Result<()> {
    let mut pc = connect(&opts, &link.cookie, View::Pc).await?;
    let mut phone: Option<Ws> = None;
    let mut phone_cookie: Option<String> = None;
    let mut beat = tokio::time::interval(Duration::from_secs(HEARTBEAT_INTERVAL_SECS as u64));
    let mut tick = tokio::time::interval(Duration::from_secs(FRAME_EVERY_SECS));
    let end = deadline.map(tokio::time::Instant::from_std);
    let mut seq = 0u32;
    loop {
        tokio::select! {
            _ = async { tokio::time::sleep_until(end.unwrap_or_else(far_future)).await } => break,
            _ = beat.tick() => {
                if opts.drop_chance > 0.0 && rand::thread_rng().gen_bool(opts.drop_chance.min(1.0)) {
                    let _ = pc.close(None).await;
                    if let Some(mut p) = phone.take() {
                        let _ = p.close(None).await;
                    }
                    let away = rand::thread_rng().gen_range(5..15);
                    tokio::time::sleep(Duration::from_secs(away)).await;
                    pc = connect(&opts, &link.cookie, View::Pc).await?;
                    if let Some(c) = &phone_cookie {
                        phone = Some(connect(&opts, c, View::Phone).await?);
                    }
                }
                send(&mut pc, &CandidateClientMsg::Heartbeat).await?;
                if let Some(p) = phone.as_mut() {
                    send(p, &CandidateClientMsg::Heartbeat).await?;
                }
                drain(&mut pc);
                if let Some(p) = phone.as_mut() {
                    drain(p);
                }
            }
            _ = tick.tick() => {
                seq += 1;
                if link.stage.load(Ordering::Relaxed) >= STAGE_PC_CAMERA {
                    pc.send(Message::Binary(pictures.frame(View::Pc, seq).into())).await?;
                }
                if let Some(p) = phone.as_mut() {
                    p.send(Message::Binary(pictures.frame(View::Phone, seq).into())).await?;
                }
            }
            Some(cmd) = link.commands.recv() => send(&mut pc, &cmd).await?,
            Ok(()) = link.phone.changed() => {
                let cookie = link.phone.borrow_and_update().clone();
                if let Some(c) = cookie {
                    phone = Some(connect(&opts, &c, View::Phone).await?);
                    phone_cookie = Some(c);
                }
            }
        }
    }
    let _ = pc.close(None).await;
    if let Some(mut p) = phone {
        let _ = p.close(None).await;
    }
    Ok(())
}

fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600)
}
