//! Start-up: open and migrate the store, build the state and router, bind the listener,
//! start the presence sweeper.
use crate::config::Settings;
use crate::routes::{
    admin, assets, guard, health, media, net, upload, ws_candidate, ws_frames, ws_proctor,
};
use anyhow::Context;
use app::bundle::{Bundle, BundleKind};
use app::candidate_app::{CANDIDATE_PAGES, candidate_shell};
use app::phone_app::phone_shell;
use app::server::site::{SiteConfig, parse_public_url, route_pieces};
use app::server::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use backend::Core;
use backend::blobs::{BlobStore, BlobsUrl, LocalBlobs, ObjectBlobs};
use backend::bus::{EventBus, LocalBus, NatsBus, Remote};
use backend::service::{cluster, live, sitting};
use backend::store::{DatabaseUrl, Store};
use backend::uploads::{DiskGuard, UploadGuard};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list_with_exclusions};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (server function forms and uploads later get their own).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a draining instance waits for its requests and sockets to finish.
pub const DRAIN_GRACE: Duration = Duration::from_secs(30);

/// A built, bound application, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    header_timeout: Duration,
    drain_delay: Duration,
    timers: bool,
    session_recheck: Duration,
    /// With other instances: the bus to them and what they announce.
    cluster: Option<(Arc<NatsBus>, tokio::sync::mpsc::Receiver<Remote>)>,
}

/// The blob store the settings name; a bucket is tried once at start, so a wrong endpoint
/// or key is said at once, not at the first photo.
pub async fn open_blobs(settings: &Settings) -> anyhow::Result<Arc<dyn BlobStore>> {
    let url = settings.blobs_url();
    let blobs: Arc<dyn BlobStore> = match &url {
        BlobsUrl::Directory(dir) => Arc::new(LocalBlobs::new(dir.clone())),
        BlobsUrl::S3 { bucket, prefix } => {
            let b = ObjectBlobs::new(bucket, prefix, &settings.s3)
                .map_err(|e| anyhow::anyhow!("cannot use blob store {url}: {e}"))?;
            b.check().await.map_err(|e| anyhow::anyhow!("cannot use blob store {url}: {e}"))?;
            Arc::new(b)
        }
    };
    tracing::info!(blobs = blobs.kind(), at = %url, "blob store opened");
    Ok(blobs)
}

type Hints = tokio::sync::mpsc::Receiver<Remote>;

/// The bus the settings name: this process only, or NATS between instances.
async fn open_bus(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn EventBus>, Option<(Arc<NatsBus>, Hints)>)> {
    match &settings.bus {
        None => Ok((Arc::new(LocalBus::default()), None)),
        Some(url) => {
            let (bus, hints) = NatsBus::connect(url, &settings.bus_prefix).await?;
            Ok((bus.clone(), Some((bus, hints))))
        }
    }
}

/// Opens the store the settings name (migrated), with a one-line error naming the database
/// (never its password) when it cannot be used.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let url = settings.database_url();
    if let DatabaseUrl::Sqlite(path) = &url
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    }
    let store = backend::store::open_store(&url, settings.database_pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database {url}: {e}"))?;
    tracing::info!(store = store.engine(), database = %url, "store opened");
    Ok(store)
}

/// `hash_file`: the build's hash file when the assets carry content hashes in their names.
fn leptos_options(settings: &Settings, hash_file: Option<&std::path::Path>) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("vigil")
        .site_root(settings.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(hash_file.is_some())
        .hash_file(
            hash_file.map_or_else(|| assets::HASH_FILE.into(), |f| f.to_string_lossy().into()),
        )
        .build()
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let build = assets::hashed_build(settings.hash_file.as_deref())?;
        let store = open_store(&settings).await?;
        let blobs = open_blobs(&settings).await?;
        let (bus, nats) = open_bus(&settings).await?;
        let face = crate::face::build_verifier(&settings.face).with_context(|| {
            format!(
                "cannot start the face verifier (models in {}; run scripts/face-assets.sh)",
                settings.face.models_dir.display()
            )
        })?;
        let site = SiteConfig {
            public_origin: match &settings.public_url {
                Some(url) => Some(parse_public_url(url)?),
                None => None,
            },
            metrics_token: settings.metrics_token.clone().filter(|t| !t.is_empty()),
            build: build.as_ref().map(|b| b.id.clone()),
            phone: build.as_ref().map_or(Bundle::plain(BundleKind::Phone), |b| b.phone.clone()),
            candidate: build
                .as_ref()
                .map_or(Bundle::plain(BundleKind::Candidate), |b| b.candidate.clone()),
            candidate_pieces: build
                .as_ref()
                .map(|b| route_pieces(&settings.site_root, &b.candidate, &CANDIDATE_PAGES))
                .transpose()
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "the candidate pages will load their pieces without preloads");
                    None
                })
                .unwrap_or_default(),
        };
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!("cannot create data directory {}", settings.data_dir.display())
        })?;
        let disk = DiskGuard::new(settings.data_dir.clone(), settings.min_free_disk_bytes);
        let core = Core::new(store, bus, blobs, face)
            .with_uploads(UploadGuard::new(disk))
            .with_clock(settings.clock.clone());
        if let Some((nats, _)) = &nats {
            backend::bus::frames::NatsFrames::link(nats, &core.frames).await?;
            let shared = nats.clone();
            core.presence.share_with(move |fact| shared.share_presence(fact));
        }
        let state = AppState::new(
            leptos_options(&settings, build.as_ref().map(|b| b.hash_file.as_path())),
            core,
        )
        .with_site(site);
        state.frames.set_evidence_sink(backend::relay::evidence::spawn(
            state.store.clone(),
            state.blobs.clone(),
        ));
        if state.face.scans_frames() {
            state.frames.set_face_sink(backend::service::watch::spawn(state.core.clone()));
        } else {
            tracing::info!(
                provider = state.face.provider(),
                "face checks during the exam are off: the face provider does not scan frames"
            );
        }
        if settings.demo {
            crate::demo::seed(&state, &settings.demo_options)
                .await
                .context("seeding the demo exam")?;
        }
        let router = router(state.clone());
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        let (header_timeout, timers) = (settings.header_timeout, settings.timers);
        let (drain_delay, session_recheck) = (settings.drain_delay, settings.session_recheck);
        Ok(Self {
            listener,
            router,
            state,
            header_timeout,
            drain_delay,
            timers,
            session_recheck,
            cluster: nats,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until the process stops (or the future is dropped).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        // Stopped with the server, also when this future is dropped instead of finishing.
        let _cluster = self.cluster.take().map(|(nats, hints)| {
            let core = self.state.core.clone();
            [
                AbortOnDrop(tokio::spawn(cluster::follow(core.clone(), hints))),
                AbortOnDrop(tokio::spawn(cluster::share_digests(core, nats))),
            ]
        });
        let _timers = self.timers.then(|| {
            [
                AbortOnDrop(tokio::spawn(sweep_presence(self.state.clone()))),
                AbortOnDrop(tokio::spawn(auto_submit(self.state.clone()))),
                AbortOnDrop(tokio::spawn(retention_purge(self.state.clone()))),
                AbortOnDrop(tokio::spawn(backend::recheck::run(
                    self.state.core.clone(),
                    self.session_recheck,
                ))),
            ]
        });
        let drain = self.state.drain.clone();
        let times = (self.drain_delay, DRAIN_GRACE);
        crate::serve::serve(self.listener, self.router, self.header_timeout, drain, times).await;
        // What the other instances have not heard yet goes out before the process ends.
        self.state.bus.flush().await;
        Ok(())
    }
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Marks silent views offline every second and announces the change; moves candidates no
/// longer watched closely back to the grid profile.
async fn sweep_presence(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        state.frames.sweep();
        for id in state.presence.sweep(state.clock.now()) {
            if let Err(e) = live::announce(&state, id).await {
                tracing::warn!(error = %e, candidate = %id, "presence announcement failed");
            }
        }
    }
}

/// Submits sittings whose deadline has passed, every second (and at once after a restart).
async fn auto_submit(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        match sitting::auto_submit_due(&state, state.clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(submitted = n, "deadline passed: sittings submitted"),
            Err(e) => tracing::warn!(error = %e, "auto-submit failed"),
        }
    }
}

/// Deletes expired exams' media (and old sign-in failure windows) at start and then every hour.
async fn retention_purge(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = backend::service::retention::purge_expired(&state, state.clock.now()).await
        {
            tracing::warn!(error = %e, "retention purge failed");
        }
        // Sign-in failure windows last minutes; a day-old one is of no use to anyone.
        let day_ago = state.clock.now() - chrono::Duration::days(1);
        if let Err(e) = state.store.throttle_prune(day_ago).await {
            tracing::warn!(error = %e, "pruning sign-in windows failed");
        }
    }
}

/// The candidate's pages, rendered with the candidate application's shell (as
/// `leptos_routes_with_context` renders the site's; that call also registers every server
/// function, which must happen once). Rendered whole before they are sent (`Async`), not
/// streamed out of order: the page arrives as it will look, so nothing moves when late parts
/// would be swapped in (layout shift), and it reads right without JavaScript.
fn candidate_pages(mut router: Router<AppState>, state: &AppState) -> Router<AppState> {
    for (path, _) in CANDIDATE_PAGES {
        let (state, opts) = (state.clone(), state.leptos_options.clone());
        router = router.route(
            path,
            get(leptos_axum::render_app_async_with_context(
                move || provide_context(state.clone()),
                move || candidate_shell(opts.clone()),
            )),
        );
    }
    router
}

fn photo_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(domain::journey::MAX_PHOTO_BYTES + 1024)
}

/// The full router: plain routes, then Leptos pages and server functions.
pub fn router(state: AppState) -> Router {
    // Three applications, each with its own shell and bundle (see app::bundle): the candidate's
    // pages, the phone's, and the site's (the staff pages). `App` names the candidate's paths
    // only to send a browser on to them, so they are left out of its list.
    let exclusions = CANDIDATE_PAGES.iter().map(|(p, _)| p.to_string()).collect();
    let routes = generate_route_list_with_exclusions(App, Some(exclusions));
    let opts = state.leptos_options.clone();
    let phone_opts = state.leptos_options.clone();
    let phone_state = state.clone();
    let ctx_state = state.clone();
    let fallback_state = state.clone();
    let pkg = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(assets::pkg_cache_policy))
        .service(assets::pkg_service(std::path::Path::new(opts.site_root.as_ref())));
    candidate_pages(Router::new(), &state)
        .nest_service("/pkg", pkg)
        .route("/healthz", get(health::healthz))
        .route("/build", get(assets::build))
        .route("/readyz", get(health::readyz))
        .route("/ws/proctor", get(ws_proctor::handler))
        .route("/ws/candidate", get(ws_candidate::handler))
        .route("/media/candidates/{id}/photo", get(media::roster_photo))
        .route("/ws/frames", get(ws_frames::handler))
        .route("/metrics", get(health::metrics))
        .route("/media/candidates/{id}/latest/{view}", get(media::latest_frame))
        .route("/media/evidence/{id}", get(media::evidence))
        .route("/media/face-attempts/{id}", get(media::face_attempt))
        .route("/media/recordings/{id}", get(media::recording))
        .route("/api/admin/exams/{id}/roster.csv", get(admin::roster_export))
        .route("/api/admin/exams/{id}/incidents.csv", get(admin::incidents_export))
        .route("/api/admin/exams/{id}/answers.csv", get(admin::answers_csv))
        .route("/api/admin/exams/{id}/answers.json", get(admin::answers_json))
        .route(
            "/phone",
            get(leptos_axum::render_app_to_stream_with_context(
                move || provide_context(phone_state.clone()),
                move || phone_shell(phone_opts.clone()),
            )),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            move || shell(opts.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // After the app-wide limit, so that the upload measurement gets its own larger one.
        .route("/net/ping", get(net::ping))
        .route("/net/upload", post(net::upload).layer(DefaultBodyLimit::max(net::MAX_UPLOAD_BYTES)))
        .route(
            "/api/admin/exams/{id}/roster/preview",
            post(admin::roster_preview).layer(DefaultBodyLimit::max(admin::MAX_ROSTER_UPLOAD)),
        )
        .route("/api/candidate/face", post(upload::face_photo).layer(photo_limit()))
        .route("/api/candidate/identity-photo", post(upload::identity_photo).layer(photo_limit()))
        .route(
            "/api/candidate/recording",
            post(upload::recording_chunk)
                .layer(DefaultBodyLimit::max(domain::recording::MAX_CHUNK_BYTES + 1024)),
        )
        .layer(axum::middleware::from_fn(crate::routes::client_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::request_guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::security_headers))
        .layer(axum::middleware::from_fn(assets::default_cache_policy))
        .layer(assets::compression())
        .layer(RequestBodyTimeoutLayer::new(crate::config::BODY_IDLE_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
