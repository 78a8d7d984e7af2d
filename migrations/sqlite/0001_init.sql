-- Vigil's first schema: exams, rooms, staff, candidates, sessions, phase history, audit log.
-- Timestamps are RFC 3339 text (UTC); statuses are text with CHECK constraints so the
-- database refuses a value the Rust enums do not know. Kept close to what PostgreSQL accepts.

CREATE TABLE exams (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    starts_at           TEXT NOT NULL,
    duration_min        INTEGER NOT NULL DEFAULT 120 CHECK (duration_min > 0),
    earliest_submit_min INTEGER NOT NULL DEFAULT 30 CHECK (earliest_submit_min >= 0),
    late_entry_min      INTEGER NOT NULL DEFAULT 15 CHECK (late_entry_min >= 0),
    created_at          TEXT NOT NULL
);

CREATE TABLE rooms (
    id      INTEGER PRIMARY KEY,
    exam_id INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    CONSTRAINT rooms_unique_name_per_exam UNIQUE (exam_id, name)
);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'proctor')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE room_proctors (
    room_id  INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    PRIMARY KEY (room_id, staff_id)
);

CREATE TABLE candidates (
    id               INTEGER PRIMARY KEY,
    exam_id          INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    room_id          INTEGER NOT NULL REFERENCES rooms (id),
    ticket           TEXT NOT NULL,
    name             TEXT NOT NULL,
    id_card          TEXT NOT NULL,
    photo_key        TEXT,
    phase            TEXT NOT NULL DEFAULT 'rostered' CHECK (phase IN (
        'rostered', 'logged_in', 'identity_confirmed', 'face_verified', 'devices_checked',
        'first_view_on', 'second_view_on', 'instructions_read', 'in_exam',
        'submitted_self', 'submitted_auto', 'submitted_forced')),
    verification     TEXT NOT NULL DEFAULT 'not_started' CHECK (verification IN (
        'not_started', 'passed', 'pending_review', 'approved', 'rejected')),
    extra_minutes    INTEGER NOT NULL DEFAULT 0,
    phase_changed_at TEXT,
    CONSTRAINT candidates_unique_ticket_per_exam UNIQUE (exam_id, ticket)
);
CREATE INDEX candidates_by_room ON candidates (room_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    CHECK ((staff_id IS NULL) <> (candidate_id IS NULL))
);

CREATE TABLE phase_events (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    from_phase   TEXT NOT NULL,
    to_phase     TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX phase_events_by_candidate ON phase_events (candidate_id);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at     TEXT NOT NULL
);
