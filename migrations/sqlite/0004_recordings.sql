-- Optional video recordings: one row per recorder instance (page load or camera restart) of
-- one view; its chunks are blobs stored in order; `next_seq` is the next chunk expected.
CREATE TABLE recordings (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    view         TEXT NOT NULL CHECK (view IN ('pc', 'phone')),
    recorder     TEXT NOT NULL,
    blob_prefix  TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    next_seq     INTEGER NOT NULL DEFAULT 0 CHECK (next_seq >= 0),
    bytes        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (candidate_id, view, recorder)
);
CREATE INDEX recordings_by_candidate ON recordings (candidate_id, started_at);
