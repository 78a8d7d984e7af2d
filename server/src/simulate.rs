//! `vigil simulate`: N candidates over the real protocol against a running server. Each logs
//! in over HTTP, opens its PC socket (and later its phone socket), walks through the phases,
//! heartbeats, and now and then drops off and comes back, so the grid is alive.
use app::domain::presence::HEARTBEAT_INTERVAL_SECS;
use app::domain::protocol::{CandidateClientMsg, PROTOCOL_VERSION};
use app::domain::{PhaseCommand, View};
use futures::{SinkExt, StreamExt};
use rand::Rng;
use std::time::{Duration, Instant};
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
    /// Seconds between two phase steps.
    pub step_secs: f64,
}

const STEPS: [PhaseCommand; 7] = [
    PhaseCommand::ConfirmIdentity,
    PhaseCommand::FinishFaceCheck,
    PhaseCommand::FinishDeviceCheck,
    PhaseCommand::StartFirstView,
    PhaseCommand::StartSecondView,
    PhaseCommand::AcknowledgeInstructions,
    PhaseCommand::StartExam,
];

/// Runs the simulation; returns when the duration is over (or on Ctrl-C).
pub async fn run(opts: SimOptions) -> anyhow::Result<()> {
    let deadline = opts.duration.map(|d| Instant::now() + d);
    let mut tasks = Vec::new();
    for i in 0..opts.candidates {
        let ticket = format!("{}{:04}", opts.ticket_prefix, opts.first_ticket + i);
        let opts = opts.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = candidate(&opts, &ticket, deadline).await {
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

async fn candidate(
    opts: &SimOptions,
    ticket: &str,
    deadline: Option<Instant>,
) -> anyhow::Result<()> {
    let cookie = login(opts, ticket).await?;
    let mut pc = connect(opts, &cookie, View::Pc).await?;
    let mut phone: Option<Ws> = None;
    let mut step = 0usize;
    let step_every = Duration::from_secs_f64(opts.step_secs.max(0.1));
    let mut next_step = Instant::now() + step_every;
    let mut beat = tokio::time::interval(Duration::from_secs(HEARTBEAT_INTERVAL_SECS as u64));
    loop {
        beat.tick().await;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if opts.drop_chance > 0.0 && rand::thread_rng().gen_bool(opts.drop_chance.min(1.0)) {
            let _ = pc.close(None).await;
            if let Some(mut p) = phone.take() {
                let _ = p.close(None).await;
            }
            let away = rand::thread_rng().gen_range(5..15);
            tokio::time::sleep(Duration::from_secs(away)).await;
            pc = connect(opts, &cookie, View::Pc).await?;
            if step >= 5 {
                phone = Some(connect(opts, &cookie, View::Phone).await?);
            }
        }
        send(&mut pc, &CandidateClientMsg::Heartbeat).await?;
        if let Some(p) = phone.as_mut() {
            send(p, &CandidateClientMsg::Heartbeat).await?;
        }
        if step < STEPS.len() && Instant::now() >= next_step {
            send(&mut pc, &CandidateClientMsg::Advance { command: STEPS[step] }).await?;
            // StartExam is refused until the exam starts; keep trying it.
            if STEPS[step] != PhaseCommand::StartExam {
                step += 1;
            }
            if step == 5 && phone.is_none() {
                phone = Some(connect(opts, &cookie, View::Phone).await?);
            }
            next_step = Instant::now() + step_every;
        }
        drain(&mut pc);
        if let Some(p) = phone.as_mut() {
            drain(p);
        }
    }
    let _ = pc.close(None).await;
    if let Some(mut p) = phone {
        let _ = p.close(None).await;
    }
    Ok(())
}
