//! Answers: what a candidate gives for one question, checked against that question, and the
//! save rule for answers saved as the candidate works. Each save carries the browser's
//! per-question `version`, which only grows, so retries are idempotent and a late-arriving
//! older save never overwrites a newer one.
use super::paper::{Paper, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest text of one fill-in blank, in characters.
pub const MAX_BLANK_CHARS: usize = 200;

/// A candidate's answer to one question; the `kind` must match the question's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// The chosen option's id; empty when the candidate cleared the choice.
    SingleChoice { option: String },
    /// The chosen options' ids, in the order chosen; empty when none is chosen.
    MultipleChoice { options: Vec<String> },
    /// One text per blank, in order; a blank not filled in is an empty string.
    FillIn { blanks: Vec<String> },
    /// The essay text.
    Essay { text: String },
}

/// Why an answer does not fit its question. The codes double as i18n keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum AnswerError {
    #[error("the paper has no question with this id")]
    UnknownQuestion,
    #[error("the answer's kind is not the question's kind")]
    WrongKind,
    #[error("the question has no option with this id")]
    UnknownOption,
    #[error("an option is chosen twice")]
    DuplicateOption,
    #[error("the number of blanks is not the question's")]
    WrongBlankCount,
    #[error("a blank is longer than 200 characters")]
    BlankTooLong,
    #[error("the essay is longer than the question allows")]
    TooLong,
}

impl Answer {
    /// The empty (unanswered) answer of the right kind and shape for `question`.
    pub fn empty_for(question: &Question) -> Self {
        match question {
            Question::SingleChoice { .. } => Self::SingleChoice { option: String::new() },
            Question::MultipleChoice { .. } => Self::MultipleChoice { options: Vec::new() },
            Question::FillIn { blanks, .. } => {
                Self::FillIn { blanks: vec![String::new(); *blanks as usize] }
            }
            Question::Essay { .. } => Self::Essay { text: String::new() },
        }
    }

    pub fn kind(&self) -> QuestionKind {
        match self {
            Self::SingleChoice { .. } => QuestionKind::SingleChoice,
            Self::MultipleChoice { .. } => QuestionKind::MultipleChoice,
            Self::FillIn { .. } => QuestionKind::FillIn,
            Self::Essay { .. } => QuestionKind::Essay,
        }
    }

    /// Checks that this answer fits `question`: same kind, chosen options exist and are not
    /// repeated, one text per blank of at most [`MAX_BLANK_CHARS`], an essay of at most
    /// `max_chars`. Lengths are counted in characters, not bytes. Empty answers fit.
    pub fn validate_for(&self, question: &Question) -> Result<(), AnswerError> {
        let known = |id: &String| question.options().iter().any(|o| &o.id == id);
        match (self, question) {
            (Self::SingleChoice { option }, Question::SingleChoice { .. }) => {
                if option.is_empty() || known(option) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption)
                }
            }
            (Self::MultipleChoice { options }, Question::MultipleChoice { .. }) => {
                // Bounded: at most one pass over the (≤ 10) known ids before an error.
                for (i, id) in options.iter().enumerate() {
                    if !known(id) {
                        return Err(AnswerError::UnknownOption);
                    }
                    if options[..i].contains(id) {
                        return Err(AnswerError::DuplicateOption);
                    }
                }
                Ok(())
            }
            (Self::FillIn { blanks: given }, Question::FillIn { blanks, .. }) => {
                if given.len() != *blanks as usize {
                    Err(AnswerError::WrongBlankCount)
                } else if given.iter().any(|b| b.chars().count() > MAX_BLANK_CHARS) {
                    Err(AnswerError::BlankTooLong)
                } else {
                    Ok(())
                }
            }
            (Self::Essay { text }, Question::Essay { max_chars, .. }) => {
                if text.chars().count() > *max_chars as usize {
                    Err(AnswerError::TooLong)
                } else {
                    Ok(())
                }
            }
            _ => Err(AnswerError::WrongKind),
        }
    }

    /// Whether the candidate has given anything: an option chosen, a blank or the essay with
    /// a non-space character. A partly filled fill-in counts as answered.
    pub fn is_answered(&self) -> bool {
        match self {
            Self::SingleChoice { option } => !option.is_empty(),
            Self::MultipleChoice { options } => !options.is_empty(),
            Self::FillIn { blanks } => blanks.iter().any(|b| !b.trim().is_empty()),
            Self::Essay { text } => !text.trim().is_empty(),
        }
    }
}

/// What to do with an incoming save, given the version stored for that question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveDecision {
    /// Store it: nothing was stored, or it is newer.
    Apply,
    /// The same version is stored already (a retry): change nothing, acknowledge again.
    Duplicate,
    /// An older save arriving late: ignore it, the newer one stays.
    Stale,
}

/// The save rule: versions only grow, so the highest version seen wins and an equal one is a
/// retry of the same save.
pub fn decide_save(stored: Option<u64>, incoming: u64) -> SaveDecision {
    match stored {
        None => SaveDecision::Apply,
        Some(s) if incoming > s => SaveDecision::Apply,
        Some(s) if incoming == s => SaveDecision::Duplicate,
        Some(_) => SaveDecision::Stale,
    }
}

/// A stored answer with the version it was saved under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub answer: Answer,
    pub version: u64,
}

/// One candidate's answers, by question id, kept by the save rule. Serialises as a JSON
/// object `{"q1": {"answer": {...}, "version": 3}, ...}` in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnswerSheet(BTreeMap<String, SavedAnswer>);

impl AnswerSheet {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored answer to a question.
    pub fn get(&self, question_id: &str) -> Option<&SavedAnswer> {
        self.0.get(question_id)
    }

    /// The version stored for a question.
    pub fn version(&self, question_id: &str) -> Option<u64> {
        self.get(question_id).map(|s| s.version)
    }

    /// Checks the answer against its question in `paper`, then applies [`decide_save`]:
    /// the answer is stored only on [`SaveDecision::Apply`].
    pub fn save(
        &mut self,
        paper: &Paper,
        question_id: &str,
        answer: Answer,
        version: u64,
    ) -> Result<SaveDecision, AnswerError> {
        let question = paper.question(question_id).ok_or(AnswerError::UnknownQuestion)?;
        answer.validate_for(question)?;
        let decision = decide_save(self.version(question_id), version);
        if decision == SaveDecision::Apply {
            self.0.insert(question_id.to_owned(), SavedAnswer { answer, version });
        }
        Ok(decision)
    }

    /// How many of `paper`'s questions have an answer that fits them and is not empty.
    pub fn answered_count(&self, paper: &Paper) -> usize {
        paper
            .questions()
            .filter(|n| {
                self.get(n.question.id()).is_some_and(|s| {
                    s.answer.is_answered() && s.answer.validate_for(n.question).is_ok()
                })
            })
            .count()
    }

    /// Every stored answer, in question-id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SavedAnswer)> {
        self.0.iter().map(|(id, s)| (id.as_str(), s))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::ChoiceOption;

    fn single() -> Question {
        Question::SingleChoice {
            id: "q1".into(),
            prompt: "Pick one".into(),
            points: 2,
            options: ["a", "b", "c"]
                .map(|id| ChoiceOption { id: id.into(), text: id.to_uppercase() })
                .into(),
        }
    }

    fn multiple() -> Question {
        Question::MultipleChoice {
            id: "q2".into(),
            prompt: "Pick some".into(),
            points: 3,
            options: single().options().to_vec(),
        }
    }

    fn fill_in() -> Question {
        Question::FillIn { id: "q3".into(), prompt: "A ___ B ___".into(), points: 2, blanks: 2 }
    }

    fn essay() -> Question {
        Question::Essay { id: "q4".into(), prompt: "Write".into(), points: 20, max_chars: 10 }
    }

    fn paper() -> Paper {
        Paper {
            format: 1,
            title: "T".into(),
            sections: vec![super::super::paper::Section {
                title: "S".into(),
                instructions: None,
                questions: vec![single(), multiple(), fill_in(), essay()],
            }],
        }
    }

    fn one(o: &str) -> Answer {
        Answer::SingleChoice { option: o.into() }
    }

    fn many(os: &[&str]) -> Answer {
        Answer::MultipleChoice { options: os.iter().map(|&o| o.into()).collect() }
    }

    fn blanks(bs: &[&str]) -> Answer {
        Answer::FillIn { blanks: bs.iter().map(|&b| b.into()).collect() }
    }

    fn text(t: &str) -> Answer {
        Answer::Essay { text: t.into() }
    }

    #[test]
    fn the_model_paper_is_valid() {
        let json = serde_json::to_string(&paper()).expect("ser");
        assert_eq!(Paper::parse(&json), Ok(paper()));
    }

    #[test]
    fn an_answer_fits_only_a_question_of_its_kind() {
        let questions = [single(), multiple(), fill_in(), essay()];
        for q in &questions {
            for other in &questions {
                let answer = Answer::empty_for(other);
                let fits = answer.validate_for(q);
                if q.kind() == other.kind() {
                    assert_eq!(fits, Ok(()), "{:?}", q.kind());
                } else {
                    assert_eq!(fits, Err(AnswerError::WrongKind));
                }
                assert_eq!(answer.kind(), other.kind());
                assert!(!answer.is_answered());
            }
        }
    }

    #[test]
    fn single_choice_needs_a_known_option_or_nothing() {
        assert_eq!(one("b").validate_for(&single()), Ok(()));
        assert_eq!(one("").validate_for(&single()), Ok(()));
        assert_eq!(one("d").validate_for(&single()), Err(AnswerError::UnknownOption));
        assert_eq!(one("A").validate_for(&single()), Err(AnswerError::UnknownOption));
    }

    #[test]
    fn multiple_choice_needs_known_options_without_repeats() {
        assert_eq!(many(&[]).validate_for(&multiple()), Ok(()));
        assert_eq!(many(&["c", "a"]).validate_for(&multiple()), Ok(()));
        assert_eq!(many(&["a", "b", "c"]).validate_for(&multiple()), Ok(()));
        assert_eq!(many(&["a", "x"]).validate_for(&multiple()), Err(AnswerError::UnknownOption));
        assert_eq!(
            many(&["a", "b", "a"]).validate_for(&multiple()),
            Err(AnswerError::DuplicateOption)
        );
        // A huge list is refused at its first repeat or unknown id.
        let flood = Answer::MultipleChoice { options: vec!["a".into(); 100_000] };
        assert_eq!(flood.validate_for(&multiple()), Err(AnswerError::DuplicateOption));
    }

    #[test]
    fn fill_in_needs_one_short_text_per_blank() {
        assert_eq!(blanks(&["x", ""]).validate_for(&fill_in()), Ok(()));
        assert_eq!(blanks(&["x"]).validate_for(&fill_in()), Err(AnswerError::WrongBlankCount));
        assert_eq!(
            blanks(&["x", "y", "z"]).validate_for(&fill_in()),
            Err(AnswerError::WrongBlankCount)
        );
        // Counted in characters: 200 three-byte characters fit, 201 do not.
        let full = "中".repeat(MAX_BLANK_CHARS);
        assert_eq!(blanks(&[&full, "y"]).validate_for(&fill_in()), Ok(()));
        let over = format!("{full}a");
        assert_eq!(blanks(&["x", &over]).validate_for(&fill_in()), Err(AnswerError::BlankTooLong));
    }

    #[test]
    fn essay_length_is_counted_in_characters() {
        for n in 0..=20 {
            for c in ["a", "é", "中", "😀"] {
                let result = text(&c.repeat(n)).validate_for(&essay());
                let want = if n <= 10 { Ok(()) } else { Err(AnswerError::TooLong) };
                assert_eq!(result, want, "{n} x {c}");
            }
        }
    }

    #[test]
    fn answered_means_something_was_given() {
        assert!(one("a").is_answered());
        assert!(!one("").is_answered());
        assert!(many(&["a"]).is_answered());
        assert!(!many(&[]).is_answered());
        assert!(blanks(&["", "x"]).is_answered());
        assert!(!blanks(&["", " \t"]).is_answered());
        assert!(text("Hello").is_answered());
        assert!(!text(" \n ").is_answered());
    }

    #[test]
    fn answers_serialise_tagged_by_kind() {
        let json = serde_json::to_value(one("a")).expect("ser");
        assert_eq!(json, serde_json::json!({"kind": "single_choice", "option": "a"}));
        let json = serde_json::to_value(blanks(&["x", ""])).expect("ser");
        assert_eq!(json, serde_json::json!({"kind": "fill_in", "blanks": ["x", ""]}));
        for a in [one("b"), many(&["a", "c"]), blanks(&["1", "2"]), text("t")] {
            let back: Answer =
                serde_json::from_str(&serde_json::to_string(&a).expect("ser")).expect("de");
            assert_eq!(back, a);
        }
        assert!(serde_json::from_str::<Answer>(r#"{"kind":"essay"}"#).is_err());
    }

    #[test]
    fn decide_save_follows_the_version_order() {
        assert_eq!(decide_save(None, 0), SaveDecision::Apply);
        assert_eq!(decide_save(None, u64::MAX), SaveDecision::Apply);
        for stored in 0..40u64 {
            for incoming in 0..40u64 {
                let want = match incoming.cmp(&stored) {
                    std::cmp::Ordering::Greater => SaveDecision::Apply,
                    std::cmp::Ordering::Equal => SaveDecision::Duplicate,
                    std::cmp::Ordering::Less => SaveDecision::Stale,
                };
                assert_eq!(decide_save(Some(stored), incoming), want);
            }
        }
    }

    #[test]
    fn in_any_arrival_order_with_retries_the_newest_save_wins() {
        let p = paper();
        // A small deterministic generator, so the "random" orders are the same on every run.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for _ in 0..200 {
            let n = 1 + next(12);
            // Saves 1..=n of the essay, each text naming its version, each sent 1 to 3 times.
            let mut sends: Vec<u64> = (1..=n as u64).flat_map(|v| vec![v; 1 + next(3)]).collect();
            for i in (1..sends.len()).rev() {
                sends.swap(i, next(i + 1));
            }
            let mut sheet = AnswerSheet::new();
            let mut highest = 0;
            for v in sends {
                let decision = sheet.save(&p, "q4", text(&v.to_string()), v).expect("valid");
                let want = match v.cmp(&highest) {
                    std::cmp::Ordering::Greater => SaveDecision::Apply,
                    std::cmp::Ordering::Equal => SaveDecision::Duplicate,
                    std::cmp::Ordering::Less => SaveDecision::Stale,
                };
                assert_eq!(decision, want);
                highest = highest.max(v);
                assert_eq!(sheet.version("q4"), Some(highest));
            }
            let stored = sheet.get("q4").expect("stored");
            assert_eq!(stored.answer, text(&n.to_string()));
            assert_eq!(sheet.len(), 1);
        }
    }

    #[test]
    fn the_sheet_refuses_answers_that_do_not_fit_and_keeps_the_old_one() {
        let p = paper();
        let mut sheet = AnswerSheet::new();
        assert_eq!(sheet.save(&p, "q1", one("a"), 1), Ok(SaveDecision::Apply));
        assert_eq!(sheet.save(&p, "nope", one("a"), 2), Err(AnswerError::UnknownQuestion));
        assert_eq!(sheet.save(&p, "q1", one("z"), 2), Err(AnswerError::UnknownOption));
        assert_eq!(sheet.save(&p, "q1", text("x"), 2), Err(AnswerError::WrongKind));
        assert_eq!(sheet.get("q1").map(|s| (&s.answer, s.version)), Some((&one("a"), 1)));
        assert_eq!(sheet.save(&p, "q1", one("b"), 1), Ok(SaveDecision::Duplicate));
        assert_eq!(sheet.get("q1").map(|s| &s.answer), Some(&one("a")));
    }

    #[test]
    fn answered_count_counts_non_empty_fitting_answers_of_the_paper() {
        let p = paper();
        let mut sheet = AnswerSheet::new();
        assert_eq!(sheet.answered_count(&p), 0);
        assert!(sheet.is_empty());
        sheet.save(&p, "q1", one("a"), 1).expect("ok");
        sheet.save(&p, "q2", many(&[]), 1).expect("ok");
        sheet.save(&p, "q3", blanks(&["", "x"]), 1).expect("ok");
        assert_eq!(sheet.answered_count(&p), 2);
        sheet.save(&p, "q4", text("done"), 7).expect("ok");
        assert_eq!(sheet.answered_count(&p), 3);
        sheet.save(&p, "q1", one(""), 2).expect("clearing is a save");
        assert_eq!(sheet.answered_count(&p), 2);
        assert_eq!(sheet.iter().map(|(id, _)| id).collect::<Vec<_>>(), ["q1", "q2", "q3", "q4"]);
    }

    #[test]
    fn answers_that_no_longer_fit_the_paper_are_not_counted() {
        // A sheet read back from storage against a paper whose question changed kind.
        let json = r#"{"q4": {"answer": {"kind": "single_choice", "option": "a"}, "version": 1},
                       "gone": {"answer": {"kind": "essay", "text": "x"}, "version": 1}}"#;
        let sheet: AnswerSheet = serde_json::from_str(json).expect("de");
        assert_eq!(sheet.len(), 2);
        assert_eq!(sheet.answered_count(&paper()), 0);
        let back: AnswerSheet =
            serde_json::from_str(&serde_json::to_string(&sheet).expect("ser")).expect("de");
        assert_eq!(back, sheet);
    }
}
