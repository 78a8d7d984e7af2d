//! Administration over real HTTP: the roster upload's check (UTF-8 with BOM, GB18030, every
//! rejected-row kind), the all-or-nothing import and re-import, the export; the review queue
//! (approve, reject, live tiles, the rejection's flag and ending the attempt); and that a
//! proctor reaches none of it.
use crate::common::{TestApp, Ws, raw_db, spawn_app};
use domain::exam_settings::ExamSettings;
use domain::flag::FlagKind;
use domain::protocol::ProctorServerMsg;
use domain::review::{ReviewCase, ReviewOutcome};
use domain::roster::{ImportOutcome, RosterPreview, id_card_check_char};
use domain::{CandidateId, CandidateTile, Phase, SubmitKind, TicketNumber, VerificationStatus};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::io::Write;

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

fn parse<T: DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

/// A valid ID card number for person `n` (born 1 January 2000).
pub(crate) fn id_card(n: u32) -> String {
    let body = format!("110101200001{:05}", 10000 + n % 90000);
    let body = &body[..17];
    format!("{body}{}", id_card_check_char(body).expect("digits"))
}

/// A ZIP of `(file name, bytes)`.
pub(crate) fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in files {
            z.start_file(*name, opts).expect("zip entry");
            z.write_all(bytes).expect("zip write");
        }
        z.finish().expect("zip");
    }
    out.into_inner()
}

/// A roster photo (PNG) for `n`.
pub(crate) fn photo(n: u64) -> Vec<u8> {
    server::photos::roster_photo(n)
}

/// Uploads the roster (and photos) for a check; returns (status, body).
async fn preview(
    app: &TestApp,
    cookie: Option<&str>,
    csv: Option<Vec<u8>>,
    zip: Option<Vec<u8>>,
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(c) = csv {
        form = form.part("roster", reqwest::multipart::Part::bytes(c).file_name("roster.csv"));
    }
    if let Some(z) = zip {
        form = form.part("photos", reqwest::multipart::Part::bytes(z).file_name("photos.zip"));
    }
    let path = format!("/api/admin/exams/{}/roster/preview", app.exam.0);
    let mut req = reqwest::Client::new().post(app.url(&path)).multipart(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn checked(
    app: &TestApp,
    cookie: &str,
    csv: Vec<u8>,
    zip: Option<Vec<u8>>,
) -> RosterPreview {
    let (status, body) = preview(app, Some(cookie), Some(csv), zip).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

async fn post_json(app: &TestApp, path: &str, body: &Value, cookie: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(app.url(path)).json(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn import(app: &TestApp, cookie: &str, staging: &str) -> (u16, Value) {
    let body = json!({ "exam": app.exam.0, "staging": staging });
    post_json(app, "/api/admin/roster-import", &body, Some(cookie)).await
}

async fn candidate(app: &TestApp, ticket: &str) -> Option<domain::Candidate> {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(app.exam, &t).await.expect("db")
}

async fn roster_count(app: &TestApp) -> i64 {
    app.state.store.candidate_count(app.exam).await.expect("db")
}

/// How many audit rows of `action` name the exam (and, for reviews, a candidate and why).
async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let mut db = raw_db(app.dir.path()).await;
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor = 'staff:admin' AND exam_id = $2 \
         AND (action = 'roster.import' OR (candidate_id IS NOT NULL \
              AND (action = 'verification.approve' OR reason IS NOT NULL)))",
    )
    .bind(action)
    .bind(app.exam.0)
    .fetch_one(&mut db)
    .await
    .expect("audit")
}

fn codes(p: &RosterPreview) -> Vec<(usize, String, String)> {
    let v = serde_json::to_value(&p.errors).expect("json");
    v.as_array()
        .expect("list")
        .iter()
        .map(|e| {
            let line = e["line"].as_u64().expect("line") as usize;
            (line, e["field"].as_str().expect("f").into(), e["code"].as_str().expect("c").into())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Roster
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_gb18030_roster_with_every_kind_of_bad_row_is_shown_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let bad_check = {
        let good = id_card(3);
        let last = if good.ends_with('1') { '2' } else { '1' };
        format!("{}{last}", &good[..17])
    };
    let text = format!(
        "准考证号,姓名,身份证号,考场\n\
         T-1001,张伟,{},A\n\
         T-1001,王芳,{},A\n\
         T-1003,李娜,{bad_check},A\n\
         T-1004,刘洋,{},C\n\
         T-1005,陈静,{},B\n\
         T-1006,杨磊,{},B\n\
         T 7,赵敏,{},B\n\
         T-1008,,{},B\n",
        id_card(1),
        id_card(2),
        id_card(4),
        id_card(5),
        id_card(6),
        id_card(7),
        id_card(1),
    );
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gb).is_err(), "the file really is GB18030, not UTF-8");
    let zip = zip_of(&[
        ("T-1001.jpg", photo(1)),
        ("T-1003.jpg", photo(3)),
        ("T-1004.jpg", photo(4)),
        ("T-1005.jpg", b"not a picture at all".to_vec()),
        ("photos/T-1008.png", photo(8)),
        ("T-9999.jpg", photo(9)),
        ("readme.txt", b"ignored".to_vec()),
    ]);
    let before = roster_count(&app).await;
    let p = checked(&app, &admin, gb.into_owned(), Some(zip)).await;
    assert_eq!(p.staging, None, "an upload with errors cannot be imported");
    assert_eq!(p.file_error, None);
    assert_eq!(p.rows.len(), 8);
    assert_eq!(p.rows[0].name, "张伟", "GB18030 decoded");
    assert_eq!(
        codes(&p),
        vec![
            (3, "ticket".into(), "duplicate_ticket".into()),
            (4, "id_card".into(), "bad_checksum".into()),
            (5, "room".into(), "unknown_room".into()),
            (6, "photo".into(), "photo_not_image".into()),
            (7, "photo".into(), "photo_missing".into()),
            (8, "ticket".into(), "bad_format".into()),
            (8, "photo".into(), "photo_missing".into()),
            (9, "name".into(), "required".into()),
            (9, "id_card".into(), "duplicate_id_card".into()),
        ]
    );
    assert_eq!(p.errors[0].other, Some(2));
    assert_eq!(p.unused_photos, vec!["T-9999".to_string()]);
    assert_eq!(roster_count(&app).await, before, "a check writes nothing");

    // A staging id that was never given imports nothing.
    let (status, body) = import(&app, &admin, "0123456789abcdef").await;
    assert_eq!((status, body), (404, json!({ "kind": "not_found" })));
    assert_eq!(roster_count(&app).await, before);
}

#[tokio::test]
async fn a_clean_roster_with_bom_imports_once_and_a_reimport_updates() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv.extend(
        format!(
            "ticket,name,id_card,room\r\nT-1001,Zhang Wei,{},B\r\nt-1002,\"Wang, Fang\",{},A\r\n\r\nT-0001,Candidate One,{},B\r\n",
            id_card(1),
            id_card(2).to_lowercase(),
            id_card(11),
        )
        .as_bytes(),
    );
    let zip =
        zip_of(&[("T-1001.jpg", photo(1)), ("t-1002.JPG", photo(2)), ("T-0001.jpeg", photo(3))]);
    let before = roster_count(&app).await;
    let p = checked(&app, &admin, csv.clone(), Some(zip)).await;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((p.added, p.updated, p.photos), (2, 1, 3));
    assert_eq!(p.rows[1].ticket, "T-1002");
    assert_eq!(p.rows[1].name, "Wang, Fang");
    assert_eq!(p.rows[2].line, 5, "lines are the file's, blank lines counted");
    let staging = p.staging.expect("clean upload staged");

    let (status, out) = import(&app, &admin, &staging).await;
    assert_eq!(status, 200, "{out}");
    let out: ImportOutcome = parse(&out);
    assert_eq!((out.added, out.updated, out.photos), (2, 1, 3));
    assert_eq!(roster_count(&app).await, before + 2);
    let c = candidate(&app, "T-1001").await.expect("imported");
    assert_eq!((c.name.as_str(), c.room_id, c.has_photo), ("Zhang Wei", app.room_b, true));
    let moved = candidate(&app, "T-0001").await.expect("updated");
    assert_eq!((moved.name.as_str(), moved.room_id), ("Candidate One", app.room_b));
    assert!(
        candidate(&app, "T-1002")
            .await
            .expect("imported")
            .id_card
            .ends_with(|c: char| c.is_ascii_digit() || c == 'X')
    );

    // The roster photo is the uploaded one.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/media/candidates/{}/photo", c.id.0)))
        .header("cookie", &admin)
        .send()
        .await
        .expect("photo");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), photo(1));

    // A staging id is used once.
    let (status, _) = import(&app, &admin, &staging).await;
    assert_eq!(status, 404);

    // The same file again, without photos: every row updates, photos are kept, no duplicate.
    let p = checked(&app, &admin, csv, None).await;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((p.added, p.updated, p.photos), (0, 3, 0));
    let (status, out) = import(&app, &admin, &p.staging.expect("staged")).await;
    assert_eq!(status, 200);
    assert_eq!(parse::<ImportOutcome>(&out), ImportOutcome { added: 0, updated: 3, photos: 0 });
    assert_eq!(roster_count(&app).await, before + 2);
    assert!(candidate(&app, "T-1001").await.expect("kept").has_photo);

    // Audited.
    let audit = audit_count(&app, "roster.import").await;
    assert_eq!(audit, 2);

    // Export: UTF-8 with a BOM, the import's columns first, every candidate.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/admin/exams/{}/roster.csv", app.exam.0)))
        .header("cookie", &admin)
        .send()
        .await
        .expect("export");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    let body = res.bytes().await.expect("body").to_vec();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(body[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ticket,name,id_card,room,phase,verification,access_code");
    assert_eq!(lines.len() as i64, 1 + before + 2);
    let row = format!("T-1002,\"Wang, Fang\",{},A,rostered,not_started,", id_card(2));
    assert!(lines.iter().any(|l| l.starts_with(&row)), "{lines:?}");
}

#[tokio::test]
async fn unreadable_files_get_a_file_error() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let code = |v: &Value| v["file_error"]["code"].as_str().unwrap_or_default().to_string();
    let zip = zip_of(&[("T-1001.jpg", photo(1))]);
    let (status, body) = preview(&app, Some(&admin), None, Some(zip)).await;
    assert_eq!((status, code(&body)), (200, "no_roster".into()));
    let (_, body) =
        preview(&app, Some(&admin), Some(b"ticket,name,room\nT-1,x,A\n".to_vec()), None).await;
    assert_eq!(code(&body), "missing_column");
    assert_eq!(body["file_error"]["column"], "id_card");
    let (_, body) =
        preview(&app, Some(&admin), Some(b"ticket,name,id_card,room\n".to_vec()), None).await;
    assert_eq!(code(&body), "empty");
    let csv = format!("ticket,name,id_card,room\nT-1001,A,{},A\n", id_card(1)).into_bytes();
    let (_, body) = preview(&app, Some(&admin), Some(csv), Some(b"PK not really".to_vec())).await;
    assert_eq!(code(&body), "not_zip");
    assert_eq!(body["staging"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// Review queue
// ---------------------------------------------------------------------------------------

/// Signs the candidate in and fails the PC face check three times (the fixture has no roster
/// photos), then goes on: the verification waits for review.
pub(crate) async fn fail_verification(app: &TestApp, ticket: &str) -> (CandidateId, String) {
    let cookie = app.candidate_cookie(ticket).await;
    let (status, _, _) = app.post_form("/api/journey/confirm", &[], Some(&cookie)).await;
    assert_eq!(status, 200);
    let jpeg = backend::relay::synthetic::jpeg(320, 240, 1, false);
    for _ in 0..3 {
        let res = reqwest::Client::new()
            .post(app.url("/api/candidate/face?view=pc"))
            .header("cookie", &cookie)
            .header("content-type", "image/jpeg")
            .body(jpeg.clone())
            .send()
            .await
            .expect("face");
        assert_eq!(res.status().as_u16(), 200);
    }
    let (status, body, _) = app.post_form("/api/journey/face-done", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let c = candidate(app, ticket).await.expect("candidate");
    assert_eq!(c.verification, VerificationStatus::PendingReview);
    (c.id, cookie)
}

async fn feed(app: &TestApp, cookie: &str) -> Ws {
    let path = format!("/ws/proctor?room={}", app.room_a);
    let mut ws = app.ws(&path, Some(cookie)).await.expect("feed");
    let m: ProctorServerMsg = ws.recv().await;
    assert!(matches!(m, ProctorServerMsg::Snapshot { .. }), "{m:?}");
    ws
}

async fn tile_where(
    ws: &mut Ws,
    id: CandidateId,
    pred: impl Fn(&CandidateTile) -> bool,
) -> CandidateTile {
    let m: ProctorServerMsg = ws
        .recv_until(
            15,
            |m| matches!(m, ProctorServerMsg::Delta { tile, .. } if tile.id == id && pred(tile)),
        )
        .await;
    let ProctorServerMsg::Delta { tile, .. } = m else { unreachable!() };
    tile
}

async fn queue_length(app: &TestApp, cookie: &str) -> i64 {
    let (status, body, _) = app.post_form("/api/admin/status", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse::<domain::report::AdminStatus>(&body).queue
}

pub(crate) async fn decide(
    app: &TestApp,
    cookie: &str,
    id: CandidateId,
    decision: &str,
    note: &str,
) -> (u16, Value) {
    let body = json!({ "candidate": id.0, "decision": decision, "note": note });
    post_json(app, "/api/admin/decide", &body, Some(cookie)).await
}

#[tokio::test]
async fn approving_and_rejecting_update_the_candidate_and_the_proctors_tiles_live() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let proctor = app.staff_cookie("proctora").await;
    let (one, _) = fail_verification(&app, "T-0001").await;
    let (two, _) = fail_verification(&app, "T-0002").await;
    let mut tiles = feed(&app, &proctor).await;

    assert_eq!(queue_length(&app, &admin).await, 2);
    let (status, body, _) = app.post_form("/api/admin/review-queue", &[], Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let queue: Vec<ReviewCase> = parse(&body);
    assert_eq!(queue.iter().map(|c| c.candidate).collect::<Vec<_>>(), vec![one, two]);
    assert_eq!(queue[0].verification.attempts.len(), 3, "the attempt history comes with the case");
    assert_eq!((queue[0].exam_code.as_str(), queue[0].room.as_str()), ("TEST01", "A"));

    // Bad input changes nothing.
    let (status, body) = decide(&app, &admin, one, "approve", &"x".repeat(1001)).await;
    assert_eq!(
        (status, body),
        (400, json!({ "kind": "validation", "field": "note", "code": "too_long" }))
    );
    let (status, _) = decide(&app, &admin, one, "maybe", "").await;
    assert_eq!(status, 400);

    // Approve: the tile changes at once, a second decision is refused.
    let (status, body) = decide(&app, &admin, one, "approve", "").await;
    assert_eq!(status, 200, "{body}");
    let out: ReviewOutcome = parse(&body);
    assert_eq!(
        (out.status, out.ended_attempt, out.remaining),
        (VerificationStatus::Approved, false, 1)
    );
    tile_where(&mut tiles, one, |t| t.verification == VerificationStatus::Approved).await;
    let (status, body) = decide(&app, &admin, one, "reject", "").await;
    assert_eq!((status, body), (409, json!({ "kind": "conflict" })));
    assert_eq!(
        candidate(&app, "T-0001").await.expect("c").verification,
        VerificationStatus::Approved
    );

    // Reject in an exam where rejection ends the attempt: flagged for the room's proctors,
    // submitted by force with the note as the reason.
    app.state.store.set_reject_ends_attempt(app.exam, true).await.expect("setting");
    let (status, body) =
        decide(&app, &admin, two, "reject", "Not the person on the roster photo").await;
    assert_eq!(status, 200, "{body}");
    let out: ReviewOutcome = parse(&body);
    assert_eq!(
        (out.status, out.ended_attempt, out.remaining),
        (VerificationStatus::Rejected, true, 0)
    );
    let tile = tile_where(&mut tiles, two, |t| {
        t.verification == VerificationStatus::Rejected
            && t.flags.iter().any(|f| f.kind == FlagKind::VerificationRejected)
    })
    .await;
    assert_eq!(tile.phase, Phase::Submitted(SubmitKind::Forced));
    let flags = app.state.store.flags(two).await.expect("flags");
    let f = flags.iter().find(|f| f.kind == FlagKind::VerificationRejected).expect("flag");
    assert_eq!(f.note.as_deref(), Some("Not the person on the roster photo"));
    assert_eq!(f.raised_by.as_deref(), Some("staff:admin"));
    assert_eq!(queue_length(&app, &admin).await, 0);

    // Both decisions are in the audit log with who and why.
    assert_eq!(audit_count(&app, "verification.approve").await, 1);
    assert_eq!(audit_count(&app, "verification.reject").await, 1);
}

// ---------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_proctor_cannot_reach_any_admin_function() {
    let app = spawn_app().await;
    let proctor = app.staff_cookie("proctora").await;
    let (one, _) = fail_verification(&app, "T-0001").await;
    let candidate_cookie = app.candidate_cookie("T-0003").await;
    let forms = ["/api/admin/review-queue", "/api/admin/status", "/api/admin/rooms"];
    let jsons = [
        ("/api/admin/decide", json!({ "candidate": one.0, "decision": "approve", "note": "" })),
        ("/api/admin/roster-import", json!({ "exam": app.exam.0, "staging": "x" })),
        ("/api/admin/audit", json!({ "filter": {} })),
    ];
    for (cookie, want) in
        [(Some(proctor.as_str()), 403), (Some(candidate_cookie.as_str()), 401), (None, 401)]
    {
        for path in forms {
            let (status, body, _) = app.post_form(path, &[], cookie).await;
            assert_eq!(status, want, "{path}: {body}");
        }
        for (path, body) in &jsons {
            let (status, out) = post_json(&app, path, body, cookie).await;
            assert_eq!(status, want, "{path}: {out}");
        }
        let csv = format!("ticket,name,id_card,room\nT-1001,A,{},A\n", id_card(1)).into_bytes();
        let (status, _) = preview(&app, cookie, Some(csv), None).await;
        assert_eq!(status, want, "roster preview");
        let mut req = reqwest::Client::new()
            .get(app.url(&format!("/api/admin/exams/{}/roster.csv", app.exam.0)));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        assert_eq!(req.send().await.expect("export").status().as_u16(), want, "roster export");
    }
    // Nothing changed.
    assert_eq!(
        candidate(&app, "T-0001").await.expect("c").verification,
        VerificationStatus::PendingReview
    );
    assert_eq!(roster_count(&app).await, 4);
}

// ---------------------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------------------

async fn db(app: &TestApp) -> sqlx::AnyConnection {
    raw_db(app.dir.path()).await
}

/// An exam of `code` that started `days` ago, with one room.
async fn past_exam(app: &TestApp, code: &str, days: i64) -> (domain::ExamId, domain::RoomId) {
    use backend::store::NewExam;
    use domain::ExamCode;
    let exam = app
        .state
        .store
        .create_exam(NewExam {
            code: ExamCode::parse(code).expect("code"),
            title: code.into(),
            starts_at: chrono::Utc::now() - chrono::Duration::days(days),
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 15,
        })
        .await
        .expect("exam");
    let room = app.state.store.create_room(exam, "A").await.expect("room");
    (exam, room)
}

/// A candidate with a roster photo, a face attempt, an identity photo, an evidence frame
/// and a two-chunk recording, files and rows; returns the file keys.
async fn media(
    app: &TestApp,
    exam: domain::ExamId,
    room: domain::RoomId,
    tag: &str,
) -> Vec<String> {
    use backend::store::NewCandidate;
    let key = |kind: &str| format!("test/{tag}/{kind}.jpg");
    let roster = key("roster");
    let c = app
        .state
        .store
        .add_candidate(NewCandidate {
            exam_id: exam,
            room_id: room,
            ticket: TicketNumber::parse(&format!("R-{tag}")).expect("ticket"),
            name: tag.into(),
            id_card: id_card(1),
            photo_key: Some(roster.clone()),
        })
        .await
        .expect("candidate");
    let prefix = format!("test/{tag}/rec");
    let chunks: Vec<String> =
        (0..2).map(|s| backend::service::recording::chunk_key(&prefix, s)).collect();
    let mut keys = vec![roster, key("face"), key("identity"), key("evidence")];
    keys.extend(chunks);
    for k in &keys {
        app.state.blobs.put(k, photo(1)).await.expect("blob");
    }
    // A time literal both databases read into their time columns (plain SQL binds no times).
    let now = format!("'{}'", chrono::Utc::now().to_rfc3339());
    let mut db = db(app).await;
    for (sql, k) in [
        (
            "INSERT INTO face_attempts (candidate_id, view, photo_key, decision, distance, provider, match_below, review_below, at) VALUES ($1, 'pc', $2, 'no_match', 0.7, 'test', 0.5, 0.65, NOW)",
            key("face"),
        ),
        (
            "INSERT INTO captures (candidate_id, kind, blob_key, at) VALUES ($1, 'identity', $2, NOW)",
            key("identity"),
        ),
        (
            "INSERT INTO evidence_frames (candidate_id, view, seq, captured_at, received_at, reason, width, height, bytes, blob_key) VALUES ($1, 'pc', 1, NOW, NOW, 'sample', 320, 240, 100, $2)",
            key("evidence"),
        ),
        (
            "INSERT INTO recordings (candidate_id, view, recorder, blob_prefix, started_at, updated_at, next_seq, bytes) VALUES ($1, 'pc', 'r1', $2, NOW, NOW, 2, 200)",
            prefix.clone(),
        ),
    ] {
        let sql = sql.replace("NOW", &now);
        sqlx::query(&sql).bind(c.0).bind(k).execute(&mut db).await.expect(&sql);
    }
    keys
}

async fn exists(app: &TestApp, key: &str) -> bool {
    app.state.blobs.get(key).await.expect("blob").is_some()
}

async fn rows_of(app: &TestApp, exam: domain::ExamId) -> (i64, i64, i64, i64) {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM face_attempts f JOIN candidates c ON c.id = f.candidate_id WHERE c.exam_id = $1 AND f.photo_key <> ''), \
        (SELECT COUNT(*) FROM captures f JOIN candidates c ON c.id = f.candidate_id WHERE c.exam_id = $1), \
        (SELECT COUNT(*) FROM evidence_frames f JOIN candidates c ON c.id = f.candidate_id WHERE c.exam_id = $1), \
        (SELECT COUNT(*) FROM recordings f JOIN candidates c ON c.id = f.candidate_id WHERE c.exam_id = $1)";
    sqlx::query_as(sql).bind(exam.0).fetch_one(&mut db(app).await).await.expect("rows")
}

#[tokio::test]
async fn the_purge_removes_files_and_rows_of_expired_exams_only() {
    use backend::service::retention::purge_expired;
    let app = spawn_app().await;
    // Ended 40 days ago (retention 30 days by default): expired.
    let (old, old_room) = past_exam(&app, "OLD01", 40).await;
    // Ended 10 days ago: kept.
    let (recent, recent_room) = past_exam(&app, "NEW01", 10).await;
    // Started 40 days ago, but a candidate's extra time keeps it running: never touched.
    let (long, long_room) = past_exam(&app, "LONG01", 40).await;
    let old_files = media(&app, old, old_room, "old").await;
    let recent_files = media(&app, recent, recent_room, "recent").await;
    let long_files = media(&app, long, long_room, "long").await;
    let upcoming_files = media(&app, app.exam, app.room_a, "upcoming").await;
    sqlx::query("UPDATE candidates SET extra_minutes = $1 WHERE exam_id = $2")
        .bind(41 * 24 * 60)
        .bind(long.0)
        .execute(&mut db(&app).await)
        .await
        .expect("extra time");

    let reports = purge_expired(&app.state, chrono::Utc::now()).await.expect("purge");
    assert_eq!(reports.len(), 1, "{reports:?}");
    let r = &reports[0];
    assert_eq!(r.exam_code, "OLD01");
    assert_eq!(
        (
            r.roster_photos,
            r.face_photos,
            r.identity_photos,
            r.evidence_frames,
            r.recordings,
            r.files,
            r.failed
        ),
        (1, 1, 1, 1, 1, 6, 0)
    );
    for k in &old_files {
        assert!(!exists(&app, k).await, "{k} deleted");
    }
    for k in recent_files.iter().chain(&long_files).chain(&upcoming_files) {
        assert!(exists(&app, k).await, "{k} kept");
    }
    assert_eq!(rows_of(&app, old).await, (0, 0, 0, 0));
    for exam in [recent, long, app.exam] {
        assert_eq!(rows_of(&app, exam).await, (1, 1, 1, 1));
    }
    // The candidate, the attempt's score and the answers stay; only media go.
    let c = candidate_of(&app, old, "R-OLD").await;
    assert!(!c.has_photo);
    let attempts = app.state.store.face_attempts(c.id, domain::View::Pc).await.expect("db");
    assert_eq!(attempts.len(), 1);

    // Written to the audit log.
    let audit: Vec<(String, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT actor, action, exam_id, detail FROM audit_log WHERE action = 'retention.purge'",
    )
    .fetch_all(&mut db(&app).await)
    .await
    .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!((audit[0].0.as_str(), audit[0].2), ("system:retention", Some(old.0)));
    assert!(audit[0].3.contains("roster photos 1"), "{}", audit[0].3);

    // Once only.
    assert!(purge_expired(&app.state, chrono::Utc::now()).await.expect("purge").is_empty());
}

async fn candidate_of(app: &TestApp, exam: domain::ExamId, ticket: &str) -> domain::Candidate {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(exam, &t).await.expect("db").expect("candidate")
}

// ---------------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------------

async fn audit(app: &TestApp, cookie: &str, filter: Value) -> Vec<domain::audit::AuditEntry> {
    let (status, body) =
        post_json(app, "/api/admin/audit", &json!({ "filter": filter }), Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

#[tokio::test]
async fn the_audit_log_filters_by_exam_actor_candidate_and_action() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let proctor = app.staff_cookie("proctora").await;
    let (one, _) = fail_verification(&app, "T-0001").await;
    let (two, _) = fail_verification(&app, "T-0002").await;
    assert_eq!(decide(&app, &admin, one, "approve", "").await.0, 200);
    assert_eq!(decide(&app, &admin, two, "reject", "someone else").await.0, 200);
    let body = json!({ "candidate": one.0, "kind": "message", "body": "Please sit still" });
    assert_eq!(post_json(&app, "/api/proctor/message", &body, Some(&proctor)).await.0, 200);

    let actions = |list: &[domain::audit::AuditEntry]| {
        list.iter()
            .map(|e| (e.action.clone(), e.ticket.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let all = audit(&app, &admin, json!({})).await;
    assert!(all.iter().any(|e| e.action == "staff_login"), "sign-ins are in the log too");
    assert_eq!(
        actions(&all[..3]),
        vec![
            ("message.send".into(), "T-0001".into()),
            ("verification.reject".into(), "T-0002".into()),
            ("verification.approve".into(), "T-0001".into()),
        ],
        "newest first"
    );
    assert_eq!(all[1].reason.as_deref(), Some("someone else"));
    assert_eq!(all[1].exam_code.as_deref(), Some("TEST01"));
    let prefix = audit(&app, &admin, json!({ "action": "verification." })).await;
    assert_eq!(prefix.len(), 2);
    let exact = audit(&app, &admin, json!({ "action": "verification.reject" })).await;
    assert_eq!(actions(&exact), vec![("verification.reject".into(), "T-0002".into())]);
    let by_ticket = audit(&app, &admin, json!({ "ticket": " t-0001 " })).await;
    assert_eq!(by_ticket.len(), 2);
    let by_actor = audit(&app, &admin, json!({ "actor": "staff:proctora" })).await;
    assert_eq!(actions(&by_actor), vec![("message.send".into(), "T-0001".into())]);
    assert_eq!(audit(&app, &admin, json!({ "exam": app.exam.0 + 100 })).await.len(), 0);
    assert_eq!(audit(&app, &admin, json!({ "exam": app.exam.0, "actor": "" })).await.len(), 3);
    let older = audit(&app, &admin, json!({ "before": all[0].id })).await;
    assert_eq!(older.len(), all.len() - 1);

    let (status, _) =
        post_json(&app, "/api/admin/audit", &json!({ "filter": {} }), Some(&proctor)).await;
    assert_eq!(status, 403);
}

// ---------------------------------------------------------------------------------------
// Exams
// ---------------------------------------------------------------------------------------

async fn settings_of(
    app: &TestApp,
    cookie: &str,
    exam: Option<i64>,
) -> domain::exam_settings::ExamSettings {
    let (status, body) =
        post_json(app, "/api/admin/exam-settings", &json!({ "exam": exam }), Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

async fn save_exam(
    app: &TestApp,
    cookie: &str,
    exam: Option<i64>,
    s: &domain::exam_settings::ExamSettings,
) -> (u16, Value) {
    post_json(app, "/api/admin/save-exam", &json!({ "exam": exam, "settings": s }), Some(cookie))
        .await
}

#[tokio::test]
async fn exams_are_created_edited_and_archived_and_a_running_exams_move_reaches_the_clocks() {
    use domain::protocol::CandidateServerMsg;
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;

    // Create: defaults, then validation, then a duplicate code.
    let mut s = settings_of(&app, &admin, None).await;
    assert_eq!((s.duration_min, s.earliest_submit_min, s.retention_days), (120, 30, 30));
    s.code = "phys01".into();
    s.title = String::new();
    let (status, body) = save_exam(&app, &admin, None, &s).await;
    assert_eq!(
        (status, body),
        (400, json!({ "kind": "validation", "field": "title", "code": "required" }))
    );
    s.title = "Physics".into();
    s.camera.grid.interval_ms = 50;
    let (status, body) = save_exam(&app, &admin, None, &s).await;
    assert_eq!(body["field"], "camera", "{status}");
    s.camera.grid.interval_ms = 3000;
    s.camera.recording = true;
    s.reject_ends_attempt = true;
    let (status, body) = save_exam(&app, &admin, None, &s).await;
    assert_eq!(status, 200, "{body}");
    let id: i64 = parse(&body);
    let stored = settings_of(&app, &admin, Some(id)).await;
    assert_eq!(
        (stored.code.as_str(), stored.camera.grid.interval_ms, stored.camera.recording),
        ("PHYS01", 3000, true)
    );
    assert!(app.state.store.reject_ends_attempt(domain::ExamId(id)).await.expect("db"));
    let (status, body) =
        save_exam(&app, &admin, None, &ExamSettings { code: "TEST01".into(), ..stored.clone() })
            .await;
    assert_eq!((status, body), (409, json!({ "kind": "conflict" })));

    // Listed; archived leaves the rooms list and comes back.
    let (status, body, _) = app.post_form("/api/admin/exams", &[], Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let list: Vec<domain::exam_settings::ExamSummary> = parse(&body);
    let test01 = list.iter().find(|e| e.code == "TEST01").expect("listed");
    assert_eq!((test01.candidates, test01.rooms.len()), (4, 2));
    let proctor = app.staff_cookie("proctora").await;
    let rooms = |cookie: String| {
        let app = &app;
        async move {
            let (_, body, _) = app.post_form("/api/rooms/mine", &[], Some(&cookie)).await;
            body.as_array().map_or(0, Vec::len)
        }
    };
    assert_eq!(rooms(proctor.clone()).await, 1);
    let body = json!({ "exam": app.exam.0, "archived": true });
    assert_eq!(post_json(&app, "/api/admin/archive-exam", &body, Some(&admin)).await.0, 200);
    assert_eq!(rooms(proctor.clone()).await, 0);
    let body = json!({ "exam": app.exam.0, "archived": false });
    assert_eq!(post_json(&app, "/api/admin/archive-exam", &body, Some(&admin)).await.0, 200);
    assert_eq!(rooms(proctor.clone()).await, 1);

    // A running exam moved: audited as a reschedule, every candidate's clock gets the new end.
    // To the microsecond, as the databases keep times.
    let start =
        backend::clock::Clock::now(&backend::clock::SystemClock) - chrono::Duration::minutes(5);
    app.state.store.reschedule_exam(app.exam, start).await.expect("start");
    let cookie = app.candidate_cookie("T-0001").await;
    let mut pc = app.ws("/ws/candidate", Some(&cookie)).await.expect("socket");
    pc.send(&domain::protocol::CandidateClientMsg::Hello {
        protocol: domain::protocol::PROTOCOL_VERSION,
        view: domain::View::Pc,
    })
    .await;
    let mut running = settings_of(&app, &admin, Some(app.exam.0)).await;
    running.duration_min = 150;
    let (status, body) = save_exam(&app, &admin, Some(app.exam.0), &running).await;
    assert_eq!(status, 200, "{body}");
    let m: CandidateServerMsg = pc
        .recv_until(10, |m| matches!(m, CandidateServerMsg::Times { times } if times.deadline == start + chrono::Duration::minutes(150)))
        .await;
    assert!(matches!(m, CandidateServerMsg::Times { .. }));
    let mut db = db(&app).await;
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'exam.reschedule' AND exam_id = $1",
    )
    .bind(app.exam.0)
    .fetch_one(&mut db)
    .await
    .expect("reschedule audited");
    assert!(detail.contains("duration 120 -> 150 min"), "{detail}");

    // Proctors reach none of it.
    for (path, body) in [
        ("/api/admin/exam-settings", json!({ "exam": id })),
        ("/api/admin/save-exam", json!({ "exam": id, "settings": stored })),
        ("/api/admin/archive-exam", json!({ "exam": id, "archived": true })),
    ] {
        assert_eq!(post_json(&app, path, &body, Some(&proctor)).await.0, 403, "{path}");
    }
    assert_eq!(app.post_form("/api/admin/exams", &[], Some(&proctor)).await.0, 403);
}

// ---------------------------------------------------------------------------------------
// Staff and rooms
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn staff_and_rooms_are_managed_and_a_disabled_account_is_shut_out() {
    use domain::staffing::StaffEntry;
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;

    // Create a proctor: validation first.
    let new = |password: &str| json!({ "username": "Proctor3", "display_name": "Proctor Three", "role": "proctor", "password": password });
    let (status, body) =
        post_json(&app, "/api/admin/create-staff", &new("short"), Some(&admin)).await;
    assert_eq!(
        (status, body),
        (400, json!({ "kind": "validation", "field": "password", "code": "too_short" }))
    );
    let (status, body) =
        post_json(&app, "/api/admin/create-staff", &new("long-enough-1"), Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let id: i64 = parse(&body);
    let (status, _) =
        post_json(&app, "/api/admin/create-staff", &new("long-enough-1"), Some(&admin)).await;
    assert_eq!(status, 409, "the username is taken");

    // A room, an assignment, an even split.
    let (status, body) = post_json(
        &app,
        "/api/admin/create-room",
        &json!({ "exam": app.exam.0, "name": " C " }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let room_c: i64 = parse(&body);
    let (status, _) = post_json(
        &app,
        "/api/admin/create-room",
        &json!({ "exam": app.exam.0, "name": "C" }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = post_json(
        &app,
        "/api/admin/create-room",
        &json!({ "exam": app.exam.0, "name": "" }),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({ "kind": "validation", "field": "room", "code": "required" }))
    );
    let assign = json!({ "room": room_c, "staff": id, "assigned": true });
    assert_eq!(post_json(&app, "/api/admin/assign", &assign, Some(&admin)).await.0, 200);
    let (status, _) = post_json(
        &app,
        "/api/admin/assign",
        &json!({ "room": room_c, "staff": 1, "assigned": true }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 400, "only proctors are assigned to rooms");
    let (status, body) = post_json(
        &app,
        "/api/admin/split-rooms",
        &json!({ "exam": app.exam.0, "rooms": [] }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(parse::<Vec<usize>>(&body), vec![2, 1, 1], "4 candidates over rooms A, B, C");
    assert_eq!(candidate(&app, "T-0004").await.expect("c").room_id.0, room_c);
    let (status, _) = post_json(
        &app,
        "/api/admin/split-rooms",
        &json!({ "exam": app.exam.0, "rooms": [9999] }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 400, "a room of another exam");

    // The new proctor signs in and sees room C only.
    let (status, _, cookie) = app
        .post_form(
            "/api/staff/login",
            &[("username", "proctor3"), ("password", "long-enough-1")],
            None,
        )
        .await;
    assert_eq!(status, 200);
    let proctor3 = crate::common::pair(&cookie.expect("cookie"));
    let (_, rooms, _) = app.post_form("/api/rooms/mine", &[], Some(&proctor3)).await;
    assert_eq!(rooms.as_array().map(Vec::len), Some(1));
    assert_eq!(rooms[0]["name"], "C");

    // Reset the password: the new one works.
    let body = json!({ "staff": id, "password": "another-password" });
    assert_eq!(post_json(&app, "/api/admin/reset-password", &body, Some(&admin)).await.0, 200);
    let (status, _, _) = app
        .post_form(
            "/api/staff/login",
            &[("username", "proctor3"), ("password", "another-password")],
            None,
        )
        .await;
    assert_eq!(status, 200);

    // Disable: the open session ends at once, signing in is refused; not one's own account.
    let body = json!({ "staff": id, "disabled": true });
    assert_eq!(post_json(&app, "/api/admin/set-disabled", &body, Some(&admin)).await.0, 200);
    let (status, _, _) = app.post_form("/api/rooms/mine", &[], Some(&proctor3)).await;
    assert_eq!(status, 401);
    let (status, _, _) = app
        .post_form(
            "/api/staff/login",
            &[("username", "proctor3"), ("password", "another-password")],
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, body, _) = app.post_form("/api/admin/staff", &[], Some(&admin)).await;
    assert_eq!(status, 200);
    let staff: Vec<StaffEntry> = parse(&body);
    let p3 = staff.iter().find(|s| s.username == "proctor3").expect("listed");
    assert!(p3.disabled);
    assert_eq!(p3.rooms.iter().map(|r| r.3.as_str()).collect::<Vec<_>>(), vec!["C"]);
    let me = staff.iter().find(|s| s.username == "admin").expect("admin").id;
    let body = json!({ "staff": me.0, "disabled": true });
    assert_eq!(post_json(&app, "/api/admin/set-disabled", &body, Some(&admin)).await.0, 403);

    // Audited; proctors reach none of it.
    for action in [
        "staff.create",
        "room.create",
        "room.assign",
        "room.split",
        "staff.password",
        "staff.disable",
    ] {
        assert!(!audit(&app, &admin, json!({ "action": action })).await.is_empty(), "{action}");
    }
    let proctor = app.staff_cookie("proctora").await;
    for (path, body) in [
        ("/api/admin/create-staff", new("long-enough-2")),
        ("/api/admin/reset-password", json!({ "staff": id, "password": "x-long-password" })),
        ("/api/admin/set-disabled", json!({ "staff": id, "disabled": false })),
        ("/api/admin/create-room", json!({ "exam": app.exam.0, "name": "D" })),
        ("/api/admin/assign", json!({ "room": room_c, "staff": id, "assigned": false })),
        ("/api/admin/split-rooms", json!({ "exam": app.exam.0, "rooms": [] })),
    ] {
        assert_eq!(post_json(&app, path, &body, Some(&proctor)).await.0, 403, "{path}");
    }
    assert_eq!(app.post_form("/api/admin/staff", &[], Some(&proctor)).await.0, 403);
}

// ---------------------------------------------------------------------------------------
// Papers
// ---------------------------------------------------------------------------------------

const PAPER: &str = r#"{
  "format": 1,
  "title": "Physics",
  "sections": [
    {
      "title": "Part I",
      "questions": [
        { "id": "q1", "kind": "single_choice", "prompt": "Pick one", "points": 2,
          "options": [ { "id": "a", "text": "A" }, { "id": "b", "text": "B" } ] },
        { "id": "q2", "kind": "essay", "prompt": "Explain", "points": 10, "max_chars": 500 }
      ]
    }
  ]
}"#;

#[tokio::test]
async fn a_paper_is_checked_with_line_and_field_then_saved_until_the_exam_starts() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let check = |json: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            post_json(app, "/api/admin/check-paper", &json!({ "json": json }), Some(&admin)).await
        }
    };
    let (status, body) = check(PAPER.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let paper: domain::paper::Paper = parse(&body);
    assert_eq!((paper.question_count(), paper.total_points()), (2, 12));

    // A duplicate id: the line, the column and the path of the second one.
    let dup = PAPER.replace(r#"{ "id": "q2""#, r#"{ "id": "q1""#);
    let (status, body) = check(dup).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["kind"], "bad_paper");
    assert_eq!(body["error"]["code"], "duplicate_question_id");
    assert_eq!(body["error"]["line"], 10);
    assert_eq!(body["error"]["path"], "sections[0].questions[1].id");
    // Not JSON at all: the line of the syntax error.
    let (status, body) =
        check(PAPER.replace("\"title\": \"Physics\",", "\"title\": \"Physics\"")).await;
    assert_eq!(
        (status, body["error"]["code"].clone(), body["error"]["line"].clone()),
        (422, json!("syntax"), json!(4))
    );

    // Saved, read back, audited.
    let (status, body) = post_json(
        &app,
        "/api/admin/save-paper",
        &json!({ "exam": app.exam.0, "json": PAPER }),
        Some(&admin),
    )
    .await;
    assert_eq!((status, body), (200, json!(2)));
    let (status, body) =
        post_json(&app, "/api/admin/paper", &json!({ "exam": app.exam.0 }), Some(&admin)).await;
    assert_eq!((status, body), (200, json!(PAPER)));
    assert_eq!(audit(&app, &admin, json!({ "action": "paper.upload" })).await.len(), 1);
    // A refused paper leaves the stored one alone.
    let (status, _) = post_json(
        &app,
        "/api/admin/save-paper",
        &json!({ "exam": app.exam.0, "json": "{}" }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(app.state.store.exam_paper(app.exam).await.expect("db").as_deref(), Some(PAPER));

    // Once the exam has started, the paper stays.
    app.state
        .store
        .reschedule_exam(app.exam, chrono::Utc::now() - chrono::Duration::minutes(1))
        .await
        .expect("start");
    let (status, body) = post_json(
        &app,
        "/api/admin/save-paper",
        &json!({ "exam": app.exam.0, "json": PAPER }),
        Some(&admin),
    )
    .await;
    assert_eq!((status, body), (409, json!({ "kind": "exam_started" })));

    let proctor = app.staff_cookie("proctora").await;
    for (path, body) in [
        ("/api/admin/paper", json!({ "exam": app.exam.0 })),
        ("/api/admin/check-paper", json!({ "json": PAPER })),
        ("/api/admin/save-paper", json!({ "exam": app.exam.0, "json": PAPER })),
    ] {
        assert_eq!(post_json(&app, path, &body, Some(&proctor)).await.0, 403, "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

async fn download(app: &TestApp, cookie: Option<&str>, what: &str) -> (u16, String) {
    let mut req =
        reqwest::Client::new().get(app.url(&format!("/api/admin/exams/{}/{what}", app.exam.0)));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("download");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_report_counts_and_the_exports_carry_answers_submissions_and_incidents() {
    use domain::report::ExamReport;
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let proctor = app.staff_cookie("proctora").await;
    // One candidate rejected (a flag), one sitting with an answer and force-submitted.
    let (one, _) = fail_verification(&app, "T-0001").await;
    assert_eq!(decide(&app, &admin, one, "reject", "not the same person").await.0, 200);
    let sitting = app
        .state
        .store
        .candidate_by_ticket(app.exam, &TicketNumber::parse("T-0002").expect("t"))
        .await
        .expect("db")
        .expect("c");
    let sql = format!(
        "INSERT INTO answers (candidate_id, question_id, answer_json, version, saved_at) \
         VALUES ($1, 'q1', $2, 1, '{}')",
        chrono::Utc::now().to_rfc3339()
    );
    sqlx::query(&sql)
        .bind(sitting.id.0)
        .bind(r#"{"kind":"single_choice","option":"b"}"#)
        .execute(&mut db(&app).await)
        .await
        .expect("answer");
    // Its PC page connects: "online over time" counts it.
    let cookie = app.candidate_cookie("T-0002").await;
    let mut pc = app.ws("/ws/candidate", Some(&cookie)).await.expect("socket");
    pc.send(&domain::protocol::CandidateClientMsg::Hello {
        protocol: domain::protocol::PROTOCOL_VERSION,
        view: domain::View::Pc,
    })
    .await;
    let _: Value = pc.recv().await;
    let body = json!({ "candidate": sitting.id.0, "reason": "left the room" });
    let (status, out) = post_json(&app, "/api/proctor/force-submit", &body, Some(&proctor)).await;
    assert_eq!(status, 200, "{out}");

    let (status, body) =
        post_json(&app, "/api/admin/report", &json!({ "exam": app.exam.0 }), Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let r: ExamReport = parse(&body);
    assert_eq!(r.candidates, 4);
    assert_eq!(r.phases.iter().map(|(_, n)| n).sum::<i64>(), 4);
    assert!(r.phases.contains(&(Phase::Submitted(SubmitKind::Forced), 1)), "{:?}", r.phases);
    assert!(r.verification.contains(&(VerificationStatus::Rejected, 1)));
    assert_eq!(r.flags, vec![(FlagKind::VerificationRejected, 1)]);
    assert_eq!(r.open_flags, 1);
    assert_eq!(r.online.iter().map(|(_, n)| *n).max(), Some(1), "{:?}", r.online);

    let (status, csv) = download(&app, Some(&admin), "incidents.csv").await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with("T-0001,Candidate 1,A,verification_rejected,high,proctor,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("staff:admin,not the same person"), "{}", lines[1]);

    let (status, json_text) = download(&app, Some(&admin), "answers.json").await;
    assert_eq!(status, 200);
    let sheets: Value = serde_json::from_str(&json_text).expect("json");
    let s2 =
        sheets.as_array().expect("list").iter().find(|s| s["ticket"] == "T-0002").expect("T-0002");
    assert_eq!(s2["submission"], "submitted_forced");
    assert_eq!(s2["submitted_by"], "staff:proctora");
    assert_eq!(s2["submission_reason"], "left the room");
    assert_eq!(s2["answers"]["q1"], json!({ "kind": "single_choice", "option": "b" }));
    let (status, csv) = download(&app, Some(&admin), "answers.csv").await;
    assert_eq!(status, 200);
    assert!(csv.contains("T-0002,Candidate 2,A,submitted_forced,staff:proctora,"), "{csv}");
    assert!(csv.contains(r#",q1,"{""kind"":""single_choice"",""option"":""b""}""#), "{csv}");

    // The candidate report finds the candidate by ticket (any case).
    let (status, body) = post_json(
        &app,
        "/api/admin/find-candidate",
        &json!({ "exam": app.exam.0, "ticket": "t-0002" }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (c, code, room): (domain::Candidate, String, String) = parse(&body);
    assert_eq!((c.id, code.as_str(), room.as_str()), (sitting.id, "TEST01", "A"));
    let (status, body) = post_json(
        &app,
        "/api/admin/find-candidate",
        &json!({ "exam": app.exam.0, "ticket": "T-9999" }),
        Some(&admin),
    )
    .await;
    assert_eq!((status, body), (404, json!({ "kind": "unknown_ticket" })));
    let (status, _) = post_json(
        &app,
        "/api/admin/find-candidate",
        &json!({ "exam": app.exam.0, "ticket": "T-0002" }),
        Some(&proctor),
    )
    .await;
    assert_eq!(status, 403);

    for what in ["incidents.csv", "answers.csv", "answers.json"] {
        assert_eq!(download(&app, Some(&proctor), what).await.0, 403, "{what}");
        assert_eq!(download(&app, None, what).await.0, 401, "{what}");
    }
    assert_eq!(
        post_json(&app, "/api/admin/report", &json!({ "exam": app.exam.0 }), Some(&proctor))
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn instructions_in_both_languages_are_kept_and_reach_the_candidate_rendered() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let exam = Some(app.exam.0);
    let mut s = settings_of(&app, &admin, exam).await;
    s.instructions = "1. Sit alone.\n2. Keep your face in view.".into();
    s.instructions_zh = "1. 独自考试。\n2. 保持面部在画面中。".into();
    let (status, body) = save_exam(&app, &admin, exam, &s).await;
    assert_eq!(status, 200, "{body}");
    let stored = settings_of(&app, &admin, exam).await;
    assert_eq!(
        (stored.instructions.as_str(), stored.instructions_zh.as_str()),
        (s.instructions.as_str(), s.instructions_zh.as_str())
    );
    // Each text has its own limit, named in the error.
    let long = ExamSettings { instructions_zh: "字".repeat(20_001), ..stored.clone() };
    let (status, body) = save_exam(&app, &admin, exam, &long).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("instructions_zh")), "{body}");

    let cookie = app.candidate_cookie("T-0001").await;
    let (status, body, _) = app.post_form("/api/journey/state", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["instructions_html"],
        "<ol>\n<li>Sit alone.</li>\n<li>Keep your face in view.</li>\n</ol>\n"
    );
    assert_eq!(
        body["instructions_zh_html"],
        "<ol>\n<li>独自考试。</li>\n<li>保持面部在画面中。</li>\n</ol>\n"
    );
}
