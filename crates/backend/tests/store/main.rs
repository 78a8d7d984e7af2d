//! The store contract suite: story tests of the `Store` methods, written once against
//! `dyn Store` and run on every implementation (today SQLite, each test on its own database
//! file, so the tests run in parallel). The compare-and-set rules (phase, review decision,
//! submitting twice, pairing tokens, flags), the answer version rule and the all-or-nothing
//! roster import are tested here, also under concurrent callers.
mod admin;
mod console;
mod harness;
mod journey;
mod people;
mod reports;

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
    };
}
