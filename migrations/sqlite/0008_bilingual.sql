-- Instructions in both of the product's languages: `instructions` is the English text (or the
-- only one), `instructions_zh` the Simplified Chinese. A candidate reads the one in the page's
-- language, the other when only one is given.
ALTER TABLE exams ADD COLUMN instructions_zh TEXT NOT NULL DEFAULT '';
