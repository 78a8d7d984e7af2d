-- Camera views: per-exam camera settings, flags (automatic ones now; proctors' later) and
-- the evidence frames kept from the live views.
ALTER TABLE exams ADD COLUMN camera_json TEXT; -- CameraSettings as JSON; NULL: the defaults

CREATE TABLE flags (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN (
                     'pc_black', 'phone_black', 'pc_frozen', 'phone_frozen', 'phone_lost',
                     'face_absent', 'another_person', 'material', 'noise', 'left_seat',
                     'second_view_wrong', 'other')),
    automatic    INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    note         TEXT,
    raised_at    TEXT NOT NULL,
    cleared_at   TEXT
);
-- At most one open automatic flag of a kind per candidate.
CREATE UNIQUE INDEX flags_one_open_auto ON flags (candidate_id, kind)
    WHERE cleared_at IS NULL AND automatic = 1;
CREATE INDEX flags_by_candidate ON flags (candidate_id, raised_at);

CREATE TABLE evidence_frames (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    view         TEXT NOT NULL CHECK (view IN ('pc', 'phone')),
    seq          INTEGER NOT NULL,
    captured_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('sample', 'flag')),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    blob_key     TEXT NOT NULL UNIQUE
);
CREATE INDEX evidence_by_candidate ON evidence_frames (candidate_id, received_at);
