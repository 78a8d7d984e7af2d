//! The real server's data for a run: an exam that is running, one proctor per room and the
//! candidates already in the exam, written straight into the store before the servers start.
use crate::target::{EXAM_CODE, Face, PASSWORD, Shape};
use backend::service::auth::create_staff;
use backend::store::{NewCandidate, NewExam, SessionOwner, Store};
use chrono::{Duration as ChronoDuration, Utc};
use domain::{Phase, Role, TicketNumber, View};
use futures::StreamExt;
use std::path::Path;
use std::sync::Arc;

pub struct Seeded {
    pub rooms: Vec<i64>,
    pub ids: Vec<i64>,
    /// Each candidate's phone session cookie (as the QR pairing makes one).
    pub phones: Vec<String>,
}

/// Seeds an exam that is running, one proctor per room and the candidates already in the
/// exam (both views on), straight into `store`, before the servers start (`dir`: the
/// blob directory's parent, for the roster photo of face runs).
pub async fn seed(
    store: Arc<dyn Store>,
    dir: &Path,
    shape: Shape,
    face: Face,
) -> anyhow::Result<Seeded> {
    let state = backend::Core::new(
        store,
        Arc::new(backend::bus::LocalBus::default()),
        Arc::new(backend::blobs::LocalBlobs::new(dir.join("blobs"))),
        Arc::new(backend::face::NoVerifier),
    );
    let err = |e: &dyn std::fmt::Debug| anyhow::anyhow!("seeding: {e:?}");
    let exam = state
        .store
        .create_exam(NewExam {
            code: domain::ExamCode::parse(EXAM_CODE).map_err(|e| err(&e))?,
            title: "Camera bench".into(),
            starts_at: Utc::now() - ChronoDuration::minutes(10),
            duration_min: 240,
            earliest_submit_min: 30,
            late_entry_min: 240,
        })
        .await?;
    let photo_key = if face == Face::None {
        None
    } else {
        let mut camera = domain::camera::CameraSettings::default();
        camera.watch.face = face == Face::ChecksOn;
        state.store.set_exam_camera(exam, &camera).await?;
        let roster =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/face-fixtures/obama2.jpg");
        let bytes = std::fs::read(&roster).map_err(|e| {
            anyhow::anyhow!("{}: {e} (run scripts/face-assets.sh)", roster.display())
        })?;
        state.blobs.put("roster/bench.jpg", bytes).await?;
        Some("roster/bench.jpg".to_string())
    };
    let mut rooms = Vec::new();
    for r in 0..shape.rooms() {
        let room = state.store.create_room(exam, &format!("Room {}", r + 1)).await?;
        let user = format!("proctor{:03}", r + 1);
        let staff =
            create_staff(&state, &user, &format!("Proctor {}", r + 1), Role::Proctor, PASSWORD)
                .await
                .map_err(|e| err(&e))?;
        state.store.assign_proctor(room, staff).await?;
        rooms.push(room);
    }
    // A few at a time (PostgreSQL commits one by one would take minutes at 10,000).
    let state = &state;
    let seeded: Vec<anyhow::Result<(i64, String)>> = futures::stream::iter(0..shape.candidates)
        .map(|i| {
            let (rooms, photo_key) = (&rooms, photo_key.clone());
            async move {
                let err = |e: &dyn std::fmt::Debug| anyhow::anyhow!("seeding: {e:?}");
                let id = state
                    .store
                    .add_candidate(NewCandidate {
                        exam_id: exam,
                        room_id: rooms[i / shape.per_room],
                        ticket: TicketNumber::parse(&format!("C{i:06}")).map_err(|e| err(&e))?,
                        name: format!("Candidate {i}"),
                        id_card: format!("{i:018}"),
                        photo_key,
                    })
                    .await?;
                let moved = state
                    .store
                    .set_phase(id, Phase::Rostered, Phase::InExam, "bench", Utc::now(), None)
                    .await?;
                anyhow::ensure!(moved, "candidate {id} was not in phase rostered");
                let (token, hash) = backend::auth::new_token();
                let owner = SessionOwner::Candidate(id, View::Phone);
                let now = Utc::now();
                let until = now + ChronoDuration::hours(8);
                state.store.create_session(&hash, owner, now, until).await?;
                Ok((id.0, format!("vigil_candidate={token}")))
            }
        })
        .buffered(16)
        .collect()
        .await;
    let (ids, phones) = seeded.into_iter().collect::<anyhow::Result<(Vec<_>, Vec<_>)>>()?;
    Ok(Seeded { rooms: rooms.into_iter().map(|r| r.0).collect(), ids, phones })
}
