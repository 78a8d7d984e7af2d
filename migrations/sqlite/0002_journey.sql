-- The candidate journey: identity confirmation, face verification attempts, device reports,
-- identity photos, phone pairing, instructions, answers and submissions.

ALTER TABLE exams ADD COLUMN instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE exams ADD COLUMN paper_json TEXT;
ALTER TABLE exams ADD COLUMN face_match_below REAL NOT NULL DEFAULT 0.5;
ALTER TABLE exams ADD COLUMN face_review_below REAL NOT NULL DEFAULT 0.65;
ALTER TABLE exams ADD COLUMN face_max_attempts INTEGER NOT NULL DEFAULT 3
    CHECK (face_max_attempts >= 1);

ALTER TABLE candidates ADD COLUMN device_check TEXT CHECK (device_check IN ('passed', 'failed'));
ALTER TABLE candidates ADD COLUMN record_disputed INTEGER NOT NULL DEFAULT 0;

-- "This is me" or "my record is wrong", with the candidate's note.
CREATE TABLE identity_reports (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('confirmed', 'record_wrong')),
    note         TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL
);
CREATE INDEX identity_reports_by_candidate ON identity_reports (candidate_id);

-- Every face verification attempt, PC or phone, with everything a reviewer needs.
CREATE TABLE face_attempts (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    view          TEXT NOT NULL CHECK (view IN ('pc', 'phone')),
    photo_key     TEXT NOT NULL,
    decision      TEXT CHECK (decision IN ('match', 'no_match', 'needs_review')),
    error_code    TEXT,
    distance      REAL,
    provider      TEXT NOT NULL,
    model_version TEXT NOT NULL DEFAULT '',
    match_below   REAL NOT NULL,
    review_below  REAL NOT NULL,
    at            TEXT NOT NULL,
    CHECK ((decision IS NULL) <> (error_code IS NULL))
);
CREATE INDEX face_attempts_by_candidate ON face_attempts (candidate_id, view);

CREATE TABLE device_reports (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    report_json  TEXT NOT NULL,
    all_passed   INTEGER NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX device_reports_by_candidate ON device_reports (candidate_id);

-- Photos taken during the journey (the identity photo of step 4).
CREATE TABLE captures (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('identity')),
    blob_key     TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX captures_by_candidate ON captures (candidate_id);

-- Single-use, short-lived QR pairing tokens for the phone (stored as SHA-256).
CREATE TABLE pairing_tokens (
    token_hash   TEXT PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX pairing_tokens_by_candidate ON pairing_tokens (candidate_id);

CREATE TABLE instruction_acks (
    candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    at           TEXT NOT NULL
);

-- The latest answer per question; `version` only grows (the client's counter).
CREATE TABLE answers (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    answer_json  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (candidate_id, question_id)
);

-- One row per finished sitting: how it ended, who ended it, and the answers as submitted.
CREATE TABLE submissions (
    candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('submitted_self', 'submitted_auto', 'submitted_forced')),
    actor        TEXT NOT NULL,
    answers_json TEXT NOT NULL,
    at           TEXT NOT NULL
);
