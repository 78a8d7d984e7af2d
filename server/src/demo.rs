//! The demo exam: `DEMO01`, starting a few minutes after start-up, two rooms of 20
//! candidates with generated roster photos, one admin and two proctors.
use backend::Core;
use backend::service::auth::create_staff;
use backend::store::{NewCandidate, NewExam};
use chrono::{Duration, Utc};
use domain::exam::{DEFAULT_DURATION_MIN, DEFAULT_EARLIEST_SUBMIT_MIN};
use domain::{ExamCode, Role, TicketNumber};

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

/// The ID card number of demo candidate `n` (the simulator pairs phones with it).
pub fn id_card(n: usize) -> String {
    format!("1101011998{:02}{:02}{:04}", 1 + n % 12, 1 + n % 28, 1000 + n)
}

/// The demo's example paper (format: docs/paper-format.md).
pub const PAPER: &str = include_str!("demo_paper.json");
/// How many demo candidates get the `--demo-face-photo` roster photo.
pub const FACE_PHOTO_CANDIDATES: usize = 10;

/// The demo's candidate instructions (the exam's own text), in English …
pub const INSTRUCTIONS: &str = "\
1. Sit alone in a quiet, well-lit room. Only your ID card, a pen and blank paper may be on the desk.
2. Keep your face fully visible to the PC camera for the whole exam. Do not wear a hat, mask or headphones.
3. The phone (second view) stays behind you, 45 degrees to the side, showing the desk, the screen and you. Keep it on charge, in airplane mode with Wi-Fi on.
4. Do not leave the exam page, open other programs or talk to anyone. Proctors see both views and may message or warn you.
5. You may submit from 30 minutes after the start. At the end of the exam your answers are submitted automatically.";

/// … and in Simplified Chinese.
pub const INSTRUCTIONS_ZH: &str = "\
1. 独自在安静、光线充足的房间参加考试。桌面上只可放身份证、笔和空白草稿纸。
2. 考试全程保持面部完整出现在电脑摄像头画面中，不得佩戴帽子、口罩或耳机。
3. 手机（第二视角）置于身后侧方45度，拍到桌面、屏幕和本人；保持充电，开启飞行模式并连接Wi-Fi。
4. 不得离开考试页面、打开其他程序或与他人交谈。监考老师可看到两个视角，并可能向您发送消息或警告。
5. 开考30分钟后方可交卷；考试结束时系统自动交卷。";

/// How the demo exam is seeded.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub candidates: usize,
    /// Seconds from now to the start (negative: already running).
    pub starts_in_secs: i64,
    pub earliest_submit_min: i64,
    /// Roster photo for the first candidates (a real face, so verification can pass).
    pub face_photo: Option<std::path::PathBuf>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            candidates: CANDIDATES,
            starts_in_secs: 300,
            earliest_submit_min: DEFAULT_EARLIEST_SUBMIT_MIN,
            face_photo: None,
        }
    }
}

/// Seeds the demo on an empty database; on a database that has it, moves its start to
/// `starts_in_secs` from now. Prints the logins.
pub async fn seed(state: &Core, opts: &DemoOptions) -> anyhow::Result<()> {
    let candidates = opts.candidates;
    let code = ExamCode::parse(EXAM_CODE).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let starts_at = Utc::now() + Duration::seconds(opts.starts_in_secs);
    let face_photo = match &opts.face_photo {
        Some(p) => Some(std::fs::read(p).map_err(|e| {
            anyhow::anyhow!("cannot read the demo face photo {}: {e}", p.display())
        })?),
        None => None,
    };
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
            earliest_submit_min: opts.earliest_submit_min,
            late_entry_min: 60,
        })
        .await?;
    state.store.set_exam_paper(exam, PAPER).await?;
    state.store.set_exam_instructions(exam, INSTRUCTIONS, INSTRUCTIONS_ZH).await?;
    // The demo shows every camera feature, video recordings included.
    let camera = domain::camera::CameraSettings { recording: true, ..Default::default() };
    state.store.set_exam_camera(exam, &camera).await?;
    create_staff(state, ADMIN.0, "Demo Admin", Role::Admin, ADMIN.1).await?;
    let per_room = candidates.div_ceil(PROCTORS.len());
    for (i, (user, pass, room_name)) in PROCTORS.iter().enumerate() {
        let room = state.store.create_room(exam, room_name).await?;
        let staff =
            create_staff(state, user, &format!("Proctor {}", i + 1), Role::Proctor, pass).await?;
        state.store.assign_proctor(room, staff).await?;
        for n in (i * per_room + 1)..=((i + 1) * per_room).min(candidates) {
            let key = format!("roster/{}/{n:04}", exam.0);
            let photo = match &face_photo {
                Some(bytes) if n <= FACE_PHOTO_CANDIDATES => bytes.clone(),
                _ => crate::photos::roster_photo(n as u64),
            };
            state.blobs.put(&key, photo).await?;
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
