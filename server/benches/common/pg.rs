//! The benches' PostgreSQL: `VIGIL_BENCH_POSTGRES` names a database the benches may write in
//! (each run gets a fresh schema there); unset, the benches run on SQLite only and say so.
use backend::store::DatabaseUrl;

/// Which database a run uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// SQLite, and PostgreSQL when `VIGIL_BENCH_POSTGRES` is set.
pub fn engines() -> Vec<Engine> {
    match std::env::var("VIGIL_BENCH_POSTGRES") {
        Ok(url) if !url.is_empty() => vec![Engine::Sqlite, Engine::Postgres],
        _ => {
            eprintln!("VIGIL_BENCH_POSTGRES is not set: SQLite only");
            vec![Engine::Sqlite]
        }
    }
}

/// The database of a run: `None` (the SQLite file in the data directory) or a schema of its
/// own (named after `tag` and the process) in the PostgreSQL database.
pub async fn database(engine: Engine, tag: &str) -> Option<DatabaseUrl> {
    if engine == Engine::Sqlite {
        return None;
    }
    let base = std::env::var("VIGIL_BENCH_POSTGRES").expect("VIGIL_BENCH_POSTGRES");
    let schema = format!("bench_{tag}_{}", std::process::id());
    Some(
        backend::store::postgres_schema(&base, &schema).await.expect("VIGIL_BENCH_POSTGRES schema"),
    )
}
