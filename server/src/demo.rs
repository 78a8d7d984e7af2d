//! The demo exam: `DEMO01`, starting a few minutes after start-up, two rooms of 20
//! candidates with generated roster photos, one admin and two proctors.
use app::domain::exam::{DEFAULT_DURATION_MIN, DEFAULT_EARLIEST_SUBMIT_MIN};
use app::domain::{ExamCode, Role, TicketNumber};
use app::server::service::auth::create_staff;
use app::server::state::AppState;
use app::server::store::{NewCandidate, NewExam};
use chrono::{Duration, Utc};

pub const EXAM_CODE: &str = "DEMO01";
pub const ADMIN: (&str, &str) = ("admin", "vigil-admin");
pub const PROCTORS: [(&str, &str, &str); 2] =
    [("proctor1", "vigil-proctor", "Room A"), ("proctor2", "vigil-proctor", "Room B")];
/// Default number of demo candidates.
pub const CANDIDATES: usize = 40;
/// Demo tickets are `T2026-0001` … `T2026-0040`; rooms take them in halves.
pub const TICKET_PREFIX: &str = "T2026-";

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平",
];

/// The demo ticket number `n` (1-based).
pub fn ticket(n: usize) -> String {
    format!("{TICKET_PREFIX}{n:04}")
}

fn name(n: usize) -> String {
    format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n * 7 + n / 20) % GIVEN.len()])
}

fn id_card(n: usize) -> String {
    format!("1101011998{:02}{:02}{:04}", 1 + n % 12, 1 + n % 28, 1000 + n)
}

/// Seeds the demo on an empty database; on a database that has it, moves its start to a few
/// minutes from now. Prints the logins.
pub async fn seed(state: &AppState, candidates: usize) -> anyhow::Result<()> {
    let code = ExamCode::parse(EXAM_CODE).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let starts_at = Utc::now() + Duration::minutes(5);
    if let Some(exam) = state.store.exam_by_code(&code).await? {
        state.store.reschedule_exam(exam.id, starts_at).await?;
        print_logins(starts_at, state.store.candidate_count(exam.id).await? as usize);
        return Ok(());
    }
    let exam = state
        .store
        .create_exam(NewExam {
            code,
            title: "Adult Bachelor's Degree English (demo)".into(),
            starts_at,
            duration_min: DEFAULT_DURATION_MIN,
            earliest_submit_min: DEFAULT_EARLIEST_SUBMIT_MIN,
            late_entry_min: 60,
        })
        .await?;
    create_staff(state, ADMIN.0, "Demo Admin", Role::Admin, ADMIN.1).await?;
    let per_room = candidates.div_ceil(PROCTORS.len());
    for (i, (user, pass, room_name)) in PROCTORS.iter().enumerate() {
        let room = state.store.create_room(exam, room_name).await?;
        let staff =
            create_staff(state, user, &format!("Proctor {}", i + 1), Role::Proctor, pass).await?;
        state.store.assign_proctor(room, staff).await?;
        for n in (i * per_room + 1)..=((i + 1) * per_room).min(candidates) {
            let key = format!("roster/{}/{n:04}.png", exam.0);
            state.blobs.put(&key, crate::photos::roster_photo(n as u64)).await?;
            state
                .store
                .add_candidate(NewCandidate {
                    exam_id: exam,
                    room_id: room,
                    ticket: TicketNumber::parse(&ticket(n))
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                    name: name(n),
                    id_card: id_card(n),
                    photo_key: Some(key),
                })
                .await?;
        }
    }
    print_logins(starts_at, candidates);
    Ok(())
}

fn print_logins(starts_at: chrono::DateTime<Utc>, candidates: usize) {
    println!("Demo exam {EXAM_CODE} starts at {} (UTC)", starts_at.format("%Y-%m-%d %H:%M"));
    println!("  admin:      {} / {}", ADMIN.0, ADMIN.1);
    for (user, pass, room) in PROCTORS {
        println!("  proctor:    {user} / {pass}  ({room})");
    }
    println!("  candidates: exam ID {EXAM_CODE}, tickets {} … {}", ticket(1), ticket(candidates));
}
