-- Administration: the verification review queue's decisions, the exam's rejection rule.

-- Every admin decision on a failed verification (the candidate's status holds the latest).
CREATE TABLE verification_reviews (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    decision     TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    note         TEXT NOT NULL DEFAULT '',
    reviewer     TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX verification_reviews_by_candidate ON verification_reviews (candidate_id);

-- Whether rejecting a verification also ends the candidate's attempt (a forced submission).
ALTER TABLE exams ADD COLUMN reject_ends_attempt INTEGER NOT NULL DEFAULT 0;

-- The queue reads pending cases across exams.
CREATE INDEX candidates_pending_review ON candidates (verification)
    WHERE verification = 'pending_review';

-- Retention: photos, frames and recordings of an exam are deleted this many days after it
-- ends (start + duration + the largest extra time); `purged_at` marks it done.
ALTER TABLE exams ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30 CHECK (retention_days >= 1);
ALTER TABLE exams ADD COLUMN purged_at TEXT;

-- An archived exam leaves the proctors' room lists; its data stay.
ALTER TABLE exams ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;

-- A disabled account cannot sign in, and its sessions end.
ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
