-- Trust: candidate sessions belong to one device (one PC and one phone at a time, the phone's
-- made only by the QR pairing); an exam may ask candidates for a second credential; every
-- candidate has an access code for the admission slip.

-- The device of a candidate session ('pc' or 'phone'); NULL for staff sessions.
ALTER TABLE sessions ADD COLUMN device TEXT CHECK (device IN ('pc', 'phone'));
UPDATE sessions SET device = 'pc' WHERE candidate_id IS NOT NULL;
CREATE INDEX sessions_by_candidate ON sessions (candidate_id, device);
CREATE INDEX sessions_by_staff ON sessions (staff_id);

-- How candidates sign in: the ticket alone, with the ID card's last digits, or with the code.
ALTER TABLE exams ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'ticket'
    CHECK (sign_in IN ('ticket', 'ticket_id_digits', 'ticket_access_code'));

-- Eight characters of an alphabet without 0/O/1/I/L; new candidates get one at import.
ALTER TABLE candidates ADD COLUMN access_code TEXT NOT NULL DEFAULT '';
UPDATE candidates SET access_code =
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1) ||
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1);
