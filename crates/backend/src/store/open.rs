//! Choosing and opening a store from a database URL: `sqlite://path` (or a plain file path,
//! the embedded default) or `postgres://…`; the schema check both stores share.
use super::{PgStore, SqliteStore, Store, StoreError, StoreResult};
use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::postgres::PgConnectOptions;
use std::fmt;
use std::ops::Deref;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

/// Where the data live.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database (the URL as given, with its password).
    Postgres(String),
}

/// A database URL that cannot be used, said without its password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("unknown database kind `{scheme}` in {url} (use sqlite://path or postgres://…)")]
    UnknownScheme { scheme: String, url: String },
    #[error("malformed database URL {url}: {reason}")]
    Malformed { url: String, reason: String },
}

impl FromStr for DatabaseUrl {
    type Err = DatabaseUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let Some((scheme, rest)) = s.split_once("://") else {
            // A plain path, or `sqlite:path`; another `scheme:` is a mistyped URL, not a file
            // to create (`postgres:/…` must not become a SQLite file named after it).
            if let Some(path) = s.strip_prefix("sqlite:") {
                return sqlite_file(s, path);
            }
            if let Some((scheme, _)) = s.split_once(':').filter(|(p, _)| looks_like_scheme(p)) {
                return Err(DatabaseUrlError::UnknownScheme {
                    scheme: scheme.into(),
                    url: redact(s),
                });
            }
            return sqlite_file(s, s);
        };
        match scheme {
            "sqlite" => sqlite_file(s, rest),
            "postgres" | "postgresql" => match PgConnectOptions::from_str(s) {
                Ok(_) => Ok(Self::Postgres(s.into())),
                Err(e) => Err(DatabaseUrlError::Malformed {
                    url: redact(s),
                    reason: redact_in(&e.to_string(), s),
                }),
            },
            other => Err(DatabaseUrlError::UnknownScheme { scheme: other.into(), url: redact(s) }),
        }
    }
}

fn sqlite_file(url: &str, path: &str) -> Result<DatabaseUrl, DatabaseUrlError> {
    if path.is_empty() {
        Err(DatabaseUrlError::Malformed { url: url.into(), reason: "no file path".into() })
    } else {
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }
}

/// `postgres` in `postgres:…`: two or more letters (a file named `a:b` can be given as `./a:b`).
fn looks_like_scheme(prefix: &str) -> bool {
    prefix.len() >= 2 && prefix.chars().all(|c| c.is_ascii_alphabetic())
}

/// The URL as it may be logged: the password replaced by `***`.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl DatabaseUrl {
    /// The engine's name, as `/readyz` and the log say it.
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => SqliteStore::ENGINE,
            Self::Postgres(_) => PgStore::ENGINE,
        }
    }
}

/// The URL with its password replaced by `***`: in the user part (everything between the first
/// `:` and the last `@`, so a password with an unescaped `/`, `?` or `@` is hidden whole) and in
/// a `password` query parameter.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL this module reads; it may still hold a password after an `@`.
        let scheme = url.split(':').next().unwrap_or_default();
        return if url.contains('@') { format!("{scheme}:(not shown)") } else { url.into() };
    };
    let (user, host) = match rest.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => (format!("{user}:***@"), host),
            None => (format!("{userinfo}@"), host),
        },
        None => (String::new(), rest),
    };
    let host = match host.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match password_param(pair) {
                    Some((k, _)) => format!("{k}=***"),
                    None => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => host.to_owned(),
    };
    format!("{scheme}://{user}{host}")
}

/// `text` with every password `url` holds (user part, `password` parameter) replaced by `***`.
fn redact_in(text: &str, url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (userinfo, host) = rest.rsplit_once('@').map_or((None, rest), |(u, h)| (Some(u), h));
    let mut secrets: Vec<&str> =
        userinfo.and_then(|u| u.split_once(':')).map(|p| p.1).into_iter().collect();
    if let Some((_, query)) = host.split_once('?') {
        secrets.extend(query.split('&').filter_map(password_param).map(|(_, v)| v));
    }
    secrets.iter().filter(|p| !p.is_empty()).fold(text.to_owned(), |t, p| t.replace(p, "***"))
}

/// `(key, value)` of a query pair that is a password (`password=…`, any case).
fn password_param(pair: &str) -> Option<(&str, &str)> {
    pair.split_once('=').filter(|(k, _)| k.eq_ignore_ascii_case("password"))
}

/// Opens the store `url` names, migrated; `pool_size` connections at most (PostgreSQL).
pub async fn open_store(url: &DatabaseUrl, pool_size: u32) -> StoreResult<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
        DatabaseUrl::Postgres(url) => {
            let options = PgConnectOptions::from_str(url)?;
            Arc::new(PgStore::connect(options, pool_size).await?)
        }
    })
}

/// The database `base` names, with its connections in `schema` (created when missing): a
/// PostgreSQL database shared by several Vigils (tests and benches give each one a schema).
pub async fn postgres_schema(base: &str, schema: &str) -> StoreResult<DatabaseUrl> {
    let pool = sqlx::PgPool::connect(base).await?;
    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}")).execute(&pool).await?;
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(DatabaseUrl::Postgres(format!("{base}{sep}options[search_path]={schema}")))
}

/// Runs `migrator`'s migrations; a database with a migration this binary does not know was
/// upgraded by a newer Vigil, and is refused with [`StoreError::NewerSchema`].
pub(super) async fn migrate<'a, A>(migrator: &Migrator, db: A) -> StoreResult<()>
where
    A: sqlx::Acquire<'a>,
    <A::Connection as Deref>::Target: Migrate,
{
    migrator.run(db).await.map_err(|e| match e {
        MigrateError::VersionMissing(version) => {
            let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
            StoreError::NewerSchema(version, known)
        }
        MigrateError::Execute(e) => StoreError::from(e),
        e => StoreError::Migrate(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_path_and_sqlite_urls_name_a_file() {
        let file = |s: &str| s.parse::<DatabaseUrl>().expect("parses");
        assert_eq!(file("data/vigil.db"), DatabaseUrl::Sqlite("data/vigil.db".into()));
        assert_eq!(file("sqlite://data/vigil.db"), DatabaseUrl::Sqlite("data/vigil.db".into()));
        assert_eq!(file("sqlite:///var/v.db"), DatabaseUrl::Sqlite("/var/v.db".into()));
        assert_eq!(file("sqlite:v.db"), DatabaseUrl::Sqlite("v.db".into()));
        assert_eq!(file("sqlite://v.db").engine(), "sqlite");
    }

    #[test]
    fn a_postgres_url_is_kept_whole_and_shown_without_its_password() {
        let url: DatabaseUrl = "postgres://vigil:s3cret@db.example.edu:5432/vigil?sslmode=require"
            .parse()
            .expect("parses");
        assert_eq!(url.engine(), "postgres");
        let shown = url.to_string();
        assert_eq!(shown, "postgres://vigil:***@db.example.edu:5432/vigil?sslmode=require");
        assert!(!format!("{url:?}").contains("s3cret"));
        let plain: DatabaseUrl = "postgresql://postgres@127.0.0.1/test".parse().expect("parses");
        assert_eq!(plain.to_string(), "postgresql://postgres@127.0.0.1/test");
    }

    #[test]
    fn bad_urls_are_refused_by_name_and_never_show_the_password() {
        let e = "mysql://root:hunter2@localhost/v".parse::<DatabaseUrl>().expect_err("refused");
        assert!(matches!(&e, DatabaseUrlError::UnknownScheme { scheme, .. } if scheme == "mysql"));
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let e = "postgres://u:hunter2@host:notaport/db".parse::<DatabaseUrl>().expect_err("bad");
        assert!(matches!(e, DatabaseUrlError::Malformed { .. }), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("postgres://u:***@host:notaport/db"), "{e}");
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn every_place_a_password_can_hide_is_redacted() {
        let shown = |s: &str| match s.parse::<DatabaseUrl>() {
            Ok(url) => url.to_string(),
            Err(e) => e.to_string(),
        };
        for (url, secret) in [
            ("postgres://vigil@db.example.edu/vigil?password=hunter2", "hunter2"),
            ("postgres://vigil@db/vigil?sslmode=require&PASSWORD=hunter2", "hunter2"),
            ("postgres://u:pa/ss@db.example.edu/vigil", "pa/ss"),
            ("postgres://u:12/34@h/db", "12/34"),
            ("postgres://u:p?w@h/db", "p?w"),
            ("postgres:/u:hunter2@h/db", "hunter2"),
            ("postgresql:u:hunter2@h/db", "hunter2"),
        ] {
            let out = shown(url);
            assert!(!out.contains(secret), "{url} shown as {out}");
        }
        assert_eq!(
            shown("postgres://vigil@db/vigil?sslmode=require&password=x1"),
            "postgres://vigil@db/vigil?sslmode=require&password=***"
        );
    }

    #[test]
    fn a_mistyped_url_is_not_taken_for_a_file() {
        for url in ["postgres:/u:pw@h/db", "postgresql:u:pw@h", "mysql:x"] {
            assert!(
                matches!(url.parse::<DatabaseUrl>(), Err(DatabaseUrlError::UnknownScheme { .. })),
                "{url}"
            );
        }
        assert_eq!("./a:b".parse::<DatabaseUrl>(), Ok(DatabaseUrl::Sqlite("./a:b".into())));
    }
}
