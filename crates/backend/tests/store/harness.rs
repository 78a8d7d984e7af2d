//! A store with a small fixture: an exam, two rooms, an admin and a proctor assigned to room
//! A; candidates added on demand.
use backend::store::{
    NewCandidate, NewExam, NewStaff, SqliteStore, Store, open_store, postgres_schema,
};
use chrono::{DateTime, Duration, Utc};
use domain::phase::ALL_PHASES;
use domain::{CandidateId, ExamCode, ExamId, Phase, Role, RoomId, StaffId, TicketNumber};
use std::sync::Arc;
use tempfile::TempDir;

pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub exam: ExamId,
    pub room_a: RoomId,
    pub room_b: RoomId,
    pub admin: StaffId,
    pub proctor: StaffId,
    _place: Place,
}

/// Where a fixture's data live, removed when the test ends.
enum Place {
    Dir(#[allow(dead_code)] TempDir),
    /// A schema of its own in the database `VIGIL_TEST_POSTGRES` names.
    Schema {
        url: String,
        name: String,
    },
}

impl Drop for Place {
    fn drop(&mut self) {
        let Place::Schema { url, name } = self else { return };
        let (url, sql) = (url.clone(), format!("DROP SCHEMA IF EXISTS {name} CASCADE"));
        // Drop runs inside the test's runtime: the cleanup gets a thread and a runtime of its own.
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            rt.expect("runtime").block_on(async move {
                if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                    let _ = sqlx::query(&sql).execute(&pool).await;
                    pool.close().await;
                }
            });
        });
        let _ = done.join();
    }
}

/// The PostgreSQL database the PostgreSQL half of the suite runs on, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("VIGIL_TEST_POSTGRES").ok().filter(|u| !u.is_empty())
}

/// A fixed time, so stored times compare exactly.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-07T09:00:00Z").expect("time").with_timezone(&Utc)
}

pub fn at(secs: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(secs)
}

impl Fixture {
    /// A fresh SQLite database file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("vigil.db")).await.expect("open");
        Self::seeded(Arc::new(store), Place::Dir(dir)).await
    }

    /// A fresh schema in the database `VIGIL_TEST_POSTGRES` names (each test its own, so the
    /// tests run in parallel); `None`, said on the test's output, when it is not set.
    pub async fn postgres() -> Option<Self> {
        let Some(url) = postgres_url() else {
            eprintln!("SKIPPED on PostgreSQL: VIGIL_TEST_POSTGRES is not set");
            return None;
        };
        let name = format!("contract_{}", backend::auth::short_id());
        let schema = postgres_schema(&url, &name).await.expect("VIGIL_TEST_POSTGRES schema");
        let place = Place::Schema { url, name };
        let store = open_store(&schema, 8).await.expect("migrated");
        Some(Self::seeded(store, place).await)
    }

    async fn seeded(store: Arc<dyn Store>, place: Place) -> Self {
        let exam = store
            .create_exam(NewExam {
                code: ExamCode::parse("CONTRACT1").expect("code"),
                title: "Contract".into(),
                starts_at: t0(),
                duration_min: 120,
                earliest_submit_min: 30,
                late_entry_min: 15,
            })
            .await
            .expect("exam");
        let room_a = store.create_room(exam, "A").await.expect("room");
        let room_b = store.create_room(exam, "B").await.expect("room");
        let staff = |username: &str, role| NewStaff {
            username: username.into(),
            display_name: username.to_uppercase(),
            role,
            password_hash: format!("hash-of-{username}"),
        };
        let admin = store.create_staff(staff("admin", Role::Admin)).await.expect("admin");
        let proctor = store.create_staff(staff("proctora", Role::Proctor)).await.expect("proctor");
        store.assign_proctor(room_a, proctor).await.expect("assign");
        Self { store, exam, room_a, room_b, admin, proctor, _place: place }
    }

    /// A candidate in room A.
    pub async fn candidate(&self, ticket: &str) -> CandidateId {
        self.candidate_in(self.room_a, ticket).await
    }

    pub async fn candidate_in(&self, room: RoomId, ticket: &str) -> CandidateId {
        self.store
            .add_candidate(NewCandidate {
                exam_id: self.exam,
                room_id: room,
                ticket: TicketNumber::parse(ticket).expect("ticket"),
                name: format!("Candidate {ticket}"),
                id_card: String::new(),
                photo_key: None,
            })
            .await
            .expect("candidate")
    }

    /// A candidate walked to `phase` through the store (each step a compare-and-set), along
    /// the procedure's order up to the exam.
    pub async fn candidate_at(&self, ticket: &str, phase: Phase) -> CandidateId {
        let id = self.candidate(ticket).await;
        let steps = ALL_PHASES.iter().take_while(|p| !p.is_submitted());
        for (i, pair) in steps.collect::<Vec<_>>().windows(2).enumerate() {
            let (from, to) = (*pair[0], *pair[1]);
            if from == phase {
                break;
            }
            assert!(
                self.store.set_phase(id, from, to, "test", at(i as i64), None).await.expect("db")
            );
        }
        assert_eq!(self.phase(id).await, phase, "not a step before the end of the exam");
        id
    }

    pub async fn phase(&self, id: CandidateId) -> Phase {
        self.store.candidate(id).await.expect("db").expect("candidate").phase
    }
}

/// Runs `n` copies of `f(i)` at once on the runtime's threads; their results in order.
pub async fn together<T, F, Fut>(n: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, job) = (barrier.clone(), f(i));
            tokio::spawn(async move {
                barrier.wait().await;
                job.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}
