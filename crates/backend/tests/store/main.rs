//! The store contract suite: story tests of the `Store` methods, written once against
//! `dyn Store` and run on both implementations: SQLite (each test on a database file of its
//! own) and PostgreSQL when `VIGIL_TEST_POSTGRES` names a database (each test in a schema of
//! its own), so the tests run in parallel. The compare-and-set rules (phase, review decision,
//! submitting twice, pairing tokens, flags), the answer version rule and the all-or-nothing
//! roster import are tested here, also under concurrent callers.
mod admin;
mod console;
mod harness;
mod journey;
mod people;
mod reports;
mod throttle;

/// Runs each named story (an `async fn(Fixture)` of the calling module) on every store.
#[macro_export]
macro_rules! contract {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $story() {
                    super::$story($crate::harness::Fixture::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $story() {
                    if let Some(fixture) = $crate::harness::Fixture::postgres().await {
                        super::$story(fixture).await;
                    }
                }
            )*
        }
    };
}
