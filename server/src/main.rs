//! `vigil`: the Vigil server binary (`serve`, `admin create`, `simulate`).
use anyhow::Context;
use backend::store::DatabaseUrl;
use clap::{Args, Parser, Subcommand};
use domain::Role;
use server::face::{FaceConfig, FaceProvider};
use server::simulate::{self, SimOptions};
use server::{Application, Settings, startup};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// mimalloc instead of glibc's allocator: with thousands of camera sockets, glibc's per-thread
/// arenas kept freed frame buffers apart and the process held about 60 MB more at 2,000
/// candidates (BENCHMARKS.md, "Where the cost goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "vigil", version, about = "Vigil: online exam proctoring")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(Box<ServeArgs>),
    /// Manage staff accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Connect simulated candidates to a running server.
    Simulate(SimArgs),
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Directory for the database and blobs.
    #[arg(long, env = "VIGIL_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// The database: a SQLite file (`sqlite://path` or a path; default <data-dir>/vigil.db) or
    /// PostgreSQL (`postgres://user:password@host/db`).
    /// (Read as text and parsed here, so a refused URL is said without its password.)
    #[arg(long, env = "VIGIL_DATABASE", global = true, hide_env_values = true)]
    database: Option<String>,
    /// Most connections to PostgreSQL at once.
    #[arg(long, env = "VIGIL_DATABASE_POOL", global = true,
          default_value_t = server::config::DEFAULT_DATABASE_POOL)]
    database_pool: u32,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "VIGIL_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Seed (or refresh) the demo exam DEMO01.
    #[arg(long, env = "VIGIL_DEMO")]
    demo: bool,
    /// Candidates in a newly seeded demo exam (split over two rooms).
    #[arg(long, env = "VIGIL_DEMO_CANDIDATES", default_value_t = server::demo::CANDIDATES)]
    demo_candidates: usize,
    /// Seconds from start-up to the demo exam's start (negative: already running).
    #[arg(long, env = "VIGIL_DEMO_STARTS_IN", default_value_t = 300, allow_hyphen_values = true)]
    demo_starts_in: i64,
    /// Minutes after the start before the demo's candidates may submit.
    #[arg(long, env = "VIGIL_DEMO_EARLIEST_SUBMIT", default_value_t = 30)]
    demo_earliest_submit: i64,
    /// A face photo used as the roster photo of the first ten demo candidates (so face
    /// verification can pass in a demo); the others get generated pictures.
    #[arg(long, env = "VIGIL_DEMO_FACE_PHOTO")]
    demo_face_photo: Option<PathBuf>,
    /// Directory with the compiled site (pkg/vigil.js, .wasm, .css).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    site_root: PathBuf,
    /// The hash file of the build in --site-root (cargo-leptos writes `hash.txt` beside the
    /// release binary); needed only when the binary runs from elsewhere than that file.
    #[arg(long, env = "VIGIL_HASH_FILE")]
    hash_file: Option<PathBuf>,
    /// Face verification provider: `dlib` (built in) or `http` (posts both photos to --face-url).
    #[arg(long, env = "VIGIL_FACE_PROVIDER", default_value = "dlib", value_parser = ["dlib", "http"])]
    face_provider: String,
    /// Directory with the dlib model files (installed by scripts/face-assets.sh).
    #[arg(long, env = "VIGIL_FACE_MODELS", default_value = "target/face-models")]
    face_models: PathBuf,
    /// Verification endpoint for the http provider.
    #[arg(long, env = "VIGIL_FACE_URL")]
    face_url: Option<String>,
    /// The URL browsers use, e.g. https://exam.example.edu: the only origin allowed to change
    /// state, `Secure` cookies when https, and the phone's QR links. Default: the request's Host.
    #[arg(long, env = "VIGIL_PUBLIC_URL")]
    public_url: Option<String>,
    /// Bearer token that opens /metrics (admins' sessions may read it too).
    #[arg(long, env = "VIGIL_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// The event bus between instances, e.g. nats://127.0.0.1:4222 (default: this process
    /// only). Every instance serving the same exams names the same NATS and --bus-prefix.
    #[arg(long, env = "VIGIL_BUS", hide_env_values = true)]
    bus: Option<String>,
    /// After SIGTERM, seconds the instance still answers (/readyz says "draining", so a load
    /// balancer stops sending people here) before it stops accepting and drains.
    #[arg(long, env = "VIGIL_DRAIN_DELAY_SECS", default_value_t = 3)]
    drain_delay_secs: u64,
    /// The NATS subjects' prefix (instances of one deployment share it).
    #[arg(long, env = "VIGIL_BUS_PREFIX", default_value = server::config::DEFAULT_BUS_PREFIX)]
    bus_prefix: String,
    /// Where photos, evidence and recordings go: a directory (default <data-dir>/blobs) or
    /// an S3-compatible bucket, s3://bucket[/prefix].
    #[arg(long, env = "VIGIL_BLOBS")]
    blobs: Option<String>,
    /// The S3 endpoint, e.g. http://127.0.0.1:3900 (default: AWS_ENDPOINT or Amazon's).
    #[arg(long, env = "VIGIL_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// The S3 region (default: AWS_REGION / AWS_DEFAULT_REGION).
    #[arg(long, env = "VIGIL_S3_REGION")]
    s3_region: Option<String>,
    /// The S3 access key id (default: AWS_ACCESS_KEY_ID).
    #[arg(long, env = "VIGIL_S3_ACCESS_KEY_ID", hide_env_values = true)]
    s3_access_key_id: Option<String>,
    /// The S3 secret key (default: AWS_SECRET_ACCESS_KEY).
    #[arg(long, env = "VIGIL_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    s3_secret_access_key: Option<String>,
    /// Free disk space kept, in MiB: candidate uploads that would go below are refused.
    #[arg(long, env = "VIGIL_MIN_FREE_DISK_MB", default_value_t = 1024)]
    min_free_disk_mb: u64,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account.
    Create {
        #[arg(long, env = "VIGIL_ADMIN_USERNAME")]
        username: String,
        #[arg(long, env = "VIGIL_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, env = "VIGIL_ADMIN_NAME")]
        name: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Args)]
struct SimArgs {
    /// Base URL of the running server.
    #[arg(long, env = "VIGIL_URL", default_value = "http://127.0.0.1:3000")]
    url: String,
    /// Exam ID.
    #[arg(long, env = "VIGIL_SIM_EXAM", default_value = "DEMO01")]
    exam: String,
    /// Number of candidates.
    #[arg(long, env = "VIGIL_SIM_CANDIDATES", default_value_t = 20)]
    candidates: usize,
    /// Ticket numbers are <prefix><4-digit number>.
    #[arg(long, env = "VIGIL_SIM_TICKET_PREFIX", default_value = server::demo::TICKET_PREFIX)]
    ticket_prefix: String,
    /// Number of the first ticket.
    #[arg(long, env = "VIGIL_SIM_FIRST", default_value_t = 1)]
    first: usize,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, env = "VIGIL_SIM_DURATION")]
    duration: Option<u64>,
    /// Chance per heartbeat that a candidate drops off for 5-15 s.
    #[arg(long, env = "VIGIL_SIM_DROP_CHANCE", default_value_t = 0.01)]
    drop_chance: f64,
    /// Seconds between two steps of a candidate's journey.
    #[arg(long, env = "VIGIL_SIM_STEP_SECS", default_value_t = 3.0)]
    step_secs: f64,
    /// Photo for the face checks (e.g. target/face-fixtures/obama2.jpg, the demo's roster photo
    /// of its first ten candidates); without it the checks fail and go to review.
    #[arg(long, env = "VIGIL_SIM_FACE_PHOTO")]
    face_photo: Option<std::path::PathBuf>,
}

impl DataArgs {
    /// The database URL, or a one-line error that names it without its password.
    fn database(&self) -> anyhow::Result<Option<DatabaseUrl>> {
        self.database.as_deref().map(str::parse).transpose().map_err(anyhow::Error::from)
    }
}

fn settings(args: ServeArgs) -> anyhow::Result<Settings> {
    let database = args.data.database()?;
    Ok(Settings {
        addr: args.addr,
        data_dir: args.data.data_dir,
        database,
        database_pool: args.data.database_pool,
        bus: args.bus.filter(|b| !b.is_empty()),
        bus_prefix: args.bus_prefix,
        blobs: args.blobs.filter(|b| !b.is_empty()).map(|b| b.parse()).transpose()?,
        s3: backend::blobs::S3Options {
            endpoint: args.s3_endpoint,
            region: args.s3_region,
            access_key_id: args.s3_access_key_id,
            secret_access_key: args.s3_secret_access_key,
        },
        demo: args.demo,
        demo_options: server::demo::DemoOptions {
            candidates: args.demo_candidates,
            starts_in_secs: args.demo_starts_in,
            earliest_submit_min: args.demo_earliest_submit,
            face_photo: args.demo_face_photo,
        },
        site_root: args.site_root,
        hash_file: args.hash_file,
        face: FaceConfig {
            provider: match args.face_provider.as_str() {
                "http" => FaceProvider::Http,
                _ => FaceProvider::Dlib,
            },
            models_dir: args.face_models,
            http_url: args.face_url,
        },
        public_url: args.public_url,
        metrics_token: args.metrics_token,
        min_free_disk_bytes: args.min_free_disk_mb.saturating_mul(1024 * 1024),
        header_timeout: server::config::DEFAULT_HEADER_TIMEOUT,
        drain_delay: std::time::Duration::from_secs(args.drain_delay_secs),
        timers: true,
        session_recheck: backend::access::RECHECK_EVERY,
        clock: std::sync::Arc::new(backend::clock::SystemClock),
    })
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if let Err(e) = server::limits::raise_file_limit() {
        tracing::warn!(error = %e, "open files: the limit could not be read or raised");
    }
    let app = Application::build(settings(args)?).await?;
    println!("Vigil listening on http://{}", app.local_addr());
    let drain = app.state().drain.clone();
    tokio::spawn(async move {
        stop_signal().await;
        tracing::info!("stop signal: draining (pages reconnect to another instance)");
        drain.begin();
    });
    app.run_until_stopped().await.context("server stopped")
}

/// SIGTERM (an orchestrator, `kill`) or Ctrl-C.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}

async fn admin_create(
    username: String,
    password: String,
    name: Option<String>,
    data: DataArgs,
) -> anyhow::Result<()> {
    let database = data.database()?;
    let mut s = Settings::in_dir(data.data_dir);
    s.database = database;
    s.database_pool = data.database_pool;
    let store = startup::open_store(&s).await?;
    let core = backend::Core::new(
        store,
        std::sync::Arc::new(backend::bus::LocalBus::default()),
        std::sync::Arc::new(backend::blobs::LocalBlobs::new(s.blob_dir())),
        std::sync::Arc::new(backend::face::NoVerifier),
    );
    let display = name.unwrap_or_else(|| username.clone());
    backend::service::auth::create_staff(&core, &username, &display, Role::Admin, &password)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create admin {username}: {e}"))?;
    println!("Admin {username} created in {}", s.database_url());
    Ok(())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Admin {
            command: AdminCommand::Create { username, password, name, data },
        }) => admin_create(username, password, name, data).await,
        Some(Command::Simulate(a)) => {
            simulate::run(SimOptions {
                url: a.url,
                exam: a.exam,
                candidates: a.candidates,
                ticket_prefix: a.ticket_prefix,
                first_ticket: a.first,
                duration: a.duration.map(Duration::from_secs),
                drop_chance: a.drop_chance,
                step_secs: a.step_secs,
                face_photo: a.face_photo,
            })
            .await
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
