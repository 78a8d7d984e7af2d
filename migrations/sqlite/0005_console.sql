-- The proctor console: every flag kind (automatic and proctors'), how a flag was closed,
-- messages and warnings with delivery and reading, raised hands, candidate events for the
-- timeline (logins, connections, browser focus, extra time), quick messages per exam, and
-- an audit log that names the exam, the candidate and the reason.

-- SQLite cannot change a CHECK: rebuild `flags` with the new kinds and columns.
CREATE TABLE flags_new (
    id              INTEGER PRIMARY KEY,
    candidate_id    INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'pc_black', 'phone_black', 'pc_frozen', 'phone_frozen', 'phone_lost',
                        'page_left', 'verification_rejected',
                        'face_absent', 'another_person', 'material', 'noise', 'left_seat',
                        'second_view_wrong', 'other')),
    automatic       INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    note            TEXT,
    raised_by       TEXT,
    raised_at       TEXT NOT NULL,
    cleared_at      TEXT,
    resolution      TEXT CHECK (resolution IN ('resolved', 'dismissed')),
    resolution_note TEXT,
    resolved_by     TEXT
);
INSERT INTO flags_new (id, candidate_id, kind, automatic, note, raised_at, cleared_at)
    SELECT id, candidate_id, kind, automatic, note, raised_at, cleared_at FROM flags;
DROP TABLE flags;
ALTER TABLE flags_new RENAME TO flags;
CREATE UNIQUE INDEX flags_one_open_auto ON flags (candidate_id, kind)
    WHERE cleared_at IS NULL AND automatic = 1;
CREATE INDEX flags_by_candidate ON flags (candidate_id, raised_at);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('message', 'warning')),
    body         TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (audience IN ('candidate', 'room', 'exam')),
    sent_by      TEXT NOT NULL,
    sent_at      TEXT NOT NULL,
    delivered_at TEXT,
    read_at      TEXT
);
CREATE INDEX messages_by_candidate ON messages (candidate_id, read_at);

CREATE TABLE hand_raises (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    raised_at    TEXT NOT NULL,
    answered_at  TEXT,
    answered_by  TEXT
);
-- At most one open raised hand per candidate.
CREATE UNIQUE INDEX hand_raises_one_open ON hand_raises (candidate_id) WHERE answered_at IS NULL;

CREATE TABLE candidate_events (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    event_json   TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX candidate_events_by_candidate ON candidate_events (candidate_id, at);

ALTER TABLE exams ADD COLUMN quick_messages_json TEXT; -- a JSON list of texts; NULL: defaults

ALTER TABLE audit_log ADD COLUMN exam_id INTEGER;
ALTER TABLE audit_log ADD COLUMN candidate_id INTEGER;
ALTER TABLE audit_log ADD COLUMN reason TEXT;
CREATE INDEX audit_by_candidate ON audit_log (candidate_id);
CREATE INDEX audit_by_exam ON audit_log (exam_id);

ALTER TABLE submissions ADD COLUMN reason TEXT;
