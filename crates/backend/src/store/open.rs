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
            // A plain path, or `sqlite:path`.
            let path = s.strip_prefix("sqlite:").unwrap_or(s);
            return if path.is_empty() {
                Err(DatabaseUrlError::Malformed { url: s.into(), reason: "no file path".into() })
            } else {
                Ok(Self::Sqlite(PathBuf::from(path)))
            };
        };
        match scheme {
            "sqlite" if rest.is_empty() => {
                Err(DatabaseUrlError::Malformed { url: s.into(), reason: "no file path".into() })
            }
            "sqlite" => Ok(Self::Sqlite(PathBuf::from(rest))),
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

/// `scheme://user:password@host/…` with the password replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.into() };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.into(),
        },
        None => url.into(),
    }
}

/// `text` with any appearance of the password in `url` replaced by `***`.
fn redact_in(text: &str, url: &str) -> String {
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', '?']).next())
        .and_then(|authority| authority.rsplit_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password)
        .filter(|p| !p.is_empty());
    match password {
        Some(p) => text.replace(p, "***"),
        None => text.into(),
    }
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
}
