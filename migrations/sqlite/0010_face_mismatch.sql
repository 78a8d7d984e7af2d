-- The face checks during the exam: a new automatic flag kind, "a different person"
-- (face_mismatch). SQLite cannot change a CHECK: rebuild `flags` as 0005 did.
CREATE TABLE flags_new (
    id              INTEGER PRIMARY KEY,
    candidate_id    INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'pc_black', 'phone_black', 'pc_frozen', 'phone_frozen', 'phone_lost',
                        'page_left', 'verification_rejected', 'face_mismatch',
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
INSERT INTO flags_new (id, candidate_id, kind, automatic, note, raised_by, raised_at, cleared_at,
                       resolution, resolution_note, resolved_by)
    SELECT id, candidate_id, kind, automatic, note, raised_by, raised_at, cleared_at,
           resolution, resolution_note, resolved_by FROM flags;
DROP TABLE flags;
ALTER TABLE flags_new RENAME TO flags;
CREATE UNIQUE INDEX flags_one_open_auto ON flags (candidate_id, kind)
    WHERE cleared_at IS NULL AND automatic = 1;
CREATE INDEX flags_by_candidate ON flags (candidate_id, raised_at);
