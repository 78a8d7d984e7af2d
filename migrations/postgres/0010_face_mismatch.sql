-- The face checks during the exam: a new automatic flag kind, "a different person"
-- (face_mismatch).
ALTER TABLE flags DROP CONSTRAINT flags_kind_check;
ALTER TABLE flags ADD CONSTRAINT flags_kind_check CHECK (kind IN (
    'pc_black', 'phone_black', 'pc_frozen', 'phone_frozen', 'phone_lost',
    'page_left', 'verification_rejected', 'face_mismatch',
    'face_absent', 'another_person', 'material', 'noise', 'left_seat',
    'second_view_wrong', 'other'));
