//! The exam paper: the JSON format (version 1, specified in `docs/paper-format.md`), the parser
//! that turns an uploaded text into a valid [`Paper`] or a located [`PaperError`], and read
//! helpers. All texts are plain text: the UI renders them as text, never as HTML. A paper holds
//! no answer key, because it is sent as is to candidates' browsers.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The only format version this parser reads.
pub const FORMAT_VERSION: u32 = 1;
/// Most questions a paper may have, over all sections.
pub const MAX_QUESTIONS: usize = 500;
/// Fewest and most options of a choice question.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 10;
/// Most blanks of a fill-in question (the fewest is 1).
pub const MAX_BLANKS: u32 = 20;
/// Largest `max_chars` of an essay question (the smallest is 1).
pub const MAX_ESSAY_CHARS: u32 = 20_000;
/// Most points one question may be worth (the fewest is 0).
pub const MAX_POINTS: u32 = 1000;
/// Longest question or option id, in characters.
pub const MAX_ID_LEN: usize = 32;
/// Longest paper or section title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest section instructions (which may hold a reading passage), in characters.
pub const MAX_INSTRUCTIONS_CHARS: usize = 10_000;
/// Longest question prompt, in characters.
pub const MAX_PROMPT_CHARS: usize = 5_000;
/// Longest option text, in characters.
pub const MAX_OPTION_CHARS: usize = 500;

/// A whole paper. Build one from untrusted text with [`Paper::parse`]; the serde derives are
/// for passing an already-parsed paper between server and browser, and do not validate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// Always [`FORMAT_VERSION`].
    pub format: u32,
    pub title: String,
    pub sections: Vec<Section>,
}

/// A titled group of questions, with optional instructions (or a reading passage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub questions: Vec<Question>,
}

/// One option of a choice question; `id` is unique within its question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub text: String,
}

/// One question; `id` is unique within the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Question {
    /// Pick exactly one option.
    SingleChoice { id: String, prompt: String, points: u32, options: Vec<ChoiceOption> },
    /// Pick any number of options.
    MultipleChoice { id: String, prompt: String, points: u32, options: Vec<ChoiceOption> },
    /// Type `blanks` short texts; the prompt may mark where they go with `___` (see
    /// [`prompt_segments`]).
    FillIn { id: String, prompt: String, points: u32, blanks: u32 },
    /// Write a text of at most `max_chars` characters.
    Essay { id: String, prompt: String, points: u32, max_chars: u32 },
}

/// The kind of a question, without its data (the JSON `kind` value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice,
    MultipleChoice,
    FillIn,
    Essay,
}

impl QuestionKind {
    /// Every kind, in the order the format lists them.
    pub const ALL: [Self; 4] =
        [Self::SingleChoice, Self::MultipleChoice, Self::FillIn, Self::Essay];

    /// The JSON `kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleChoice => "single_choice",
            Self::MultipleChoice => "multiple_choice",
            Self::FillIn => "fill_in",
            Self::Essay => "essay",
        }
    }

    /// The kind named by a JSON `kind` value.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

impl Question {
    pub fn id(&self) -> &str {
        match self {
            Self::SingleChoice { id, .. }
            | Self::MultipleChoice { id, .. }
            | Self::FillIn { id, .. }
            | Self::Essay { id, .. } => id,
        }
    }

    pub fn prompt(&self) -> &str {
        match self {
            Self::SingleChoice { prompt, .. }
            | Self::MultipleChoice { prompt, .. }
            | Self::FillIn { prompt, .. }
            | Self::Essay { prompt, .. } => prompt,
        }
    }

    pub fn points(&self) -> u32 {
        match self {
            Self::SingleChoice { points, .. }
            | Self::MultipleChoice { points, .. }
            | Self::FillIn { points, .. }
            | Self::Essay { points, .. } => *points,
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

    /// The options of a choice question; empty for the other kinds.
    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            Self::SingleChoice { options, .. } | Self::MultipleChoice { options, .. } => options,
            Self::FillIn { .. } | Self::Essay { .. } => &[],
        }
    }
}

/// A question with its place in the paper, as [`Paper::questions`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberedQuestion<'a> {
    /// The number shown to candidates: 1-based, running on across sections.
    pub number: usize,
    /// Index of its section in [`Paper::sections`].
    pub section: usize,
    pub question: &'a Question,
}

impl Paper {
    /// Parses and validates a paper (see the module docs and `docs/paper-format.md`).
    pub fn parse(json: &str) -> Result<Paper, PaperError> {
        let value: Value = serde_json::from_str(json).map_err(|e| syntax_error(json, &e))?;
        read_paper(&value).map_err(|fail| fail.locate(json))
    }

    /// Every question in order, numbered from 1 across sections.
    pub fn questions(&self) -> impl Iterator<Item = NumberedQuestion<'_>> + '_ {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(s, sec)| sec.questions.iter().map(move |q| (s, q)))
            .enumerate()
            .map(|(i, (section, question))| NumberedQuestion { number: i + 1, section, question })
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.sections.iter().flat_map(|s| &s.questions).find(|q| q.id() == id)
    }

    /// How many questions the paper has.
    pub fn question_count(&self) -> usize {
        self.sections.iter().map(|s| s.questions.len()).sum()
    }

    /// The sum of all questions' points: at most 500 000 for a parsed paper, and saturating
    /// for one built or deserialised without [`Paper::parse`].
    pub fn total_points(&self) -> u32 {
        let points = self.sections.iter().flat_map(|s| &s.questions).map(Question::points);
        points.fold(0, u32::saturating_add)
    }
}

/// Whether `raw` is a valid question or option id: 1 to 32 of `A-Z a-z 0-9 _ -`.
pub fn is_valid_id(raw: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Splits a fill-in prompt at its blank markers (runs of three or more `_`): `n` markers give
/// `n + 1` text segments, and the UI puts blank `i` between segments `i` and `i + 1`.
pub fn prompt_segments(prompt: &str) -> Vec<&str> {
    let bytes = prompt.as_bytes();
    let (mut segments, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|&&b| b == b'_').count();
        if run >= 3 {
            // `_` is ASCII, so both ends of the run are char boundaries.
            segments.push(&prompt[start..i]);
            start = i + run;
        }
        i += run.max(1);
    }
    segments.push(&prompt[start..]);
    segments
}

/// What is wrong with a paper. The codes double as i18n keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum PaperErrorCode {
    #[error("the text is not well-formed JSON")]
    Syntax,
    #[error("a value has the wrong JSON type")]
    WrongType,
    #[error("the format version is not 1")]
    WrongFormatVersion,
    #[error("a required field is missing")]
    MissingField,
    #[error("the field is not part of the format")]
    UnknownField,
    #[error("the question kind is not one of the four known kinds")]
    UnknownKind,
    #[error("the text is empty")]
    EmptyText,
    #[error("the text is too long")]
    TextTooLong,
    #[error("an id must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -")]
    BadId,
    #[error("another question has the same id")]
    DuplicateQuestionId,
    #[error("another option of this question has the same id")]
    DuplicateOptionId,
    #[error("a choice question needs at least 2 options")]
    TooFewOptions,
    #[error("a choice question may have at most 10 options")]
    TooManyOptions,
    #[error("blanks must be a whole number from 1 to 20")]
    BadBlankCount,
    #[error("the prompt marks a different number of blanks than `blanks`")]
    BlankMarkersMismatch,
    #[error("max_chars must be a whole number from 1 to 20000")]
    BadMaxChars,
    #[error("points must be a whole number from 0 to 1000")]
    BadPoints,
    #[error("a section needs at least one question")]
    EmptySection,
    #[error("the paper has no questions")]
    NoQuestions,
    #[error("the paper has more than 500 questions")]
    TooManyQuestions,
}

/// A refused paper: where (1-based line and column, the column counted in characters, and the
/// JSON path such as `sections[0].questions[2].options`; empty for the whole document) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}, column {column} (at `{path}`): {code}")]
pub struct PaperError {
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub code: PaperErrorCode,
}

// ---- reading a parsed JSON value into a Paper, with a path for every refusal ----

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A path into the document, as a list of object keys and array indices.
#[derive(Debug, Clone, Default)]
struct Path(Vec<Seg>);

impl Path {
    fn key(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_owned()));
        p
    }

    fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if n == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// A refusal before it has a line and column.
#[derive(Debug)]
struct Fail {
    path: Path,
    code: PaperErrorCode,
}

impl Fail {
    fn locate(self, src: &str) -> PaperError {
        let (line, column) = position_of(src, &self.path.0);
        PaperError { line, column, path: self.path.to_string(), code: self.code }
    }
}

type Read<T> = Result<T, Fail>;

fn fail<T>(path: Path, code: PaperErrorCode) -> Read<T> {
    Err(Fail { path, code })
}

fn read_paper(v: &Value) -> Read<Paper> {
    let root = Path::default();
    let m = object(v, &root)?;
    // The version comes first: a newer format should fail on its version, not on its fields.
    if required(m, "format", &root)?.as_u64() != Some(u64::from(FORMAT_VERSION)) {
        return fail(root.key("format"), PaperErrorCode::WrongFormatVersion);
    }
    allow_only(m, &["format", "title", "sections"], &root)?;
    let title = text(m, "title", &root, MAX_TITLE_CHARS)?;
    let path = root.key("sections");
    let items = array(required(m, "sections", &root)?, &path)?;
    if items.is_empty() {
        return fail(path, PaperErrorCode::NoQuestions);
    }
    let mut ids = HashSet::new();
    let sections = items
        .iter()
        .enumerate()
        .map(|(i, s)| read_section(s, &path.index(i), &mut ids))
        .collect::<Read<Vec<_>>>()?;
    Ok(Paper { format: FORMAT_VERSION, title, sections })
}

/// Reads one section; `ids` holds the question ids seen so far in the paper.
fn read_section(v: &Value, path: &Path, ids: &mut HashSet<String>) -> Read<Section> {
    let m = object(v, path)?;
    allow_only(m, &["title", "instructions", "questions"], path)?;
    let title = text(m, "title", path, MAX_TITLE_CHARS)?;
    let instructions = match m.get("instructions") {
        None | Some(Value::Null) => None,
        Some(_) => Some(text(m, "instructions", path, MAX_INSTRUCTIONS_CHARS)?),
    };
    let qpath = path.key("questions");
    let items = array(required(m, "questions", path)?, &qpath)?;
    if items.is_empty() {
        return fail(qpath, PaperErrorCode::EmptySection);
    }
    let mut questions = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = qpath.index(i);
        if ids.len() == MAX_QUESTIONS {
            return fail(path, PaperErrorCode::TooManyQuestions);
        }
        let question = read_question(item, &path)?;
        if !ids.insert(question.id().to_owned()) {
            return fail(path.key("id"), PaperErrorCode::DuplicateQuestionId);
        }
        questions.push(question);
    }
    Ok(Section { title, instructions, questions })
}

fn read_question(v: &Value, path: &Path) -> Read<Question> {
    let m = object(v, path)?;
    let kind = required(m, "kind", path)?.as_str();
    let Some(kind) = kind.map(QuestionKind::parse) else {
        return fail(path.key("kind"), PaperErrorCode::WrongType);
    };
    let Some(kind) = kind else {
        return fail(path.key("kind"), PaperErrorCode::UnknownKind);
    };
    let extra = match kind {
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => "options",
        QuestionKind::FillIn => "blanks",
        QuestionKind::Essay => "max_chars",
    };
    allow_only(m, &["id", "kind", "prompt", "points", extra], path)?;
    let id = id(m, path)?;
    let prompt = text(m, "prompt", path, MAX_PROMPT_CHARS)?;
    let points = whole(m, "points", path, 0..=MAX_POINTS, PaperErrorCode::BadPoints)?;
    Ok(match kind {
        QuestionKind::SingleChoice => {
            let options = options(m, path)?;
            Question::SingleChoice { id, prompt, points, options }
        }
        QuestionKind::MultipleChoice => {
            let options = options(m, path)?;
            Question::MultipleChoice { id, prompt, points, options }
        }
        QuestionKind::FillIn => {
            let blanks = whole(m, "blanks", path, 1..=MAX_BLANKS, PaperErrorCode::BadBlankCount)?;
            let markers = prompt_segments(&prompt).len() - 1;
            if markers != 0 && markers != blanks as usize {
                return fail(path.key("prompt"), PaperErrorCode::BlankMarkersMismatch);
            }
            Question::FillIn { id, prompt, points, blanks }
        }
        QuestionKind::Essay => {
            let range = 1..=MAX_ESSAY_CHARS;
            let max_chars = whole(m, "max_chars", path, range, PaperErrorCode::BadMaxChars)?;
            Question::Essay { id, prompt, points, max_chars }
        }
    })
}

fn options(m: &Map<String, Value>, path: &Path) -> Read<Vec<ChoiceOption>> {
    let opath = path.key("options");
    let items = array(required(m, "options", path)?, &opath)?;
    if items.len() < MIN_OPTIONS {
        return fail(opath, PaperErrorCode::TooFewOptions);
    }
    if items.len() > MAX_OPTIONS {
        return fail(opath, PaperErrorCode::TooManyOptions);
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = opath.index(i);
        let om = object(item, &path)?;
        allow_only(om, &["id", "text"], &path)?;
        let id = id(om, &path)?;
        let text = text(om, "text", &path, MAX_OPTION_CHARS)?;
        if !seen.insert(id.clone()) {
            return fail(path.key("id"), PaperErrorCode::DuplicateOptionId);
        }
        out.push(ChoiceOption { id, text });
    }
    Ok(out)
}

fn object<'v>(v: &'v Value, path: &Path) -> Read<&'v Map<String, Value>> {
    v.as_object().map_or_else(|| fail(path.clone(), PaperErrorCode::WrongType), Ok)
}

fn array<'v>(v: &'v Value, path: &Path) -> Read<&'v Vec<Value>> {
    v.as_array().map_or_else(|| fail(path.clone(), PaperErrorCode::WrongType), Ok)
}

/// The field `key` of `m`; an explicit `null` counts as missing.
fn required<'v>(m: &'v Map<String, Value>, key: &str, path: &Path) -> Read<&'v Value> {
    match m.get(key) {
        None | Some(Value::Null) => fail(path.key(key), PaperErrorCode::MissingField),
        Some(v) => Ok(v),
    }
}

fn allow_only(m: &Map<String, Value>, allowed: &[&str], path: &Path) -> Read<()> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => fail(path.key(k), PaperErrorCode::UnknownField),
        None => Ok(()),
    }
}

/// A non-blank string of at most `max` characters, kept as written.
fn text(m: &Map<String, Value>, key: &str, path: &Path, max: usize) -> Read<String> {
    let Some(s) = required(m, key, path)?.as_str() else {
        return fail(path.key(key), PaperErrorCode::WrongType);
    };
    if s.trim().is_empty() {
        return fail(path.key(key), PaperErrorCode::EmptyText);
    }
    if s.chars().count() > max {
        return fail(path.key(key), PaperErrorCode::TextTooLong);
    }
    Ok(s.to_owned())
}

fn id(m: &Map<String, Value>, path: &Path) -> Read<String> {
    match required(m, "id", path)?.as_str() {
        None => fail(path.key("id"), PaperErrorCode::WrongType),
        Some(s) if !is_valid_id(s) => fail(path.key("id"), PaperErrorCode::BadId),
        Some(s) => Ok(s.to_owned()),
    }
}

/// A whole number in `range`; any other number (negative, fractional, too big) is `code`.
fn whole(
    m: &Map<String, Value>,
    key: &str,
    path: &Path,
    range: std::ops::RangeInclusive<u32>,
    code: PaperErrorCode,
) -> Read<u32> {
    let v = required(m, key, path)?;
    if !v.is_number() {
        return fail(path.key(key), PaperErrorCode::WrongType);
    }
    match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if range.contains(&n) => Ok(n),
        _ => fail(path.key(key), code),
    }
}

// ---- positions: serde_json's for syntax errors, a small scanner for everything else ----

fn syntax_error(src: &str, e: &serde_json::Error) -> PaperError {
    // serde_json counts columns in bytes; convert to characters on that line.
    let line_text = src.split('\n').nth(e.line().saturating_sub(1)).unwrap_or("");
    let column = line_text.char_indices().take_while(|(b, _)| *b < e.column()).count();
    PaperError {
        line: e.line().max(1),
        column: column.max(1),
        path: String::new(),
        code: PaperErrorCode::Syntax,
    }
}

/// 1-based line and character column of the value at `path`, or of its nearest ancestor that
/// exists (a missing field points at its object). `src` is known to be well-formed JSON.
fn position_of(src: &str, path: &[Seg]) -> (usize, usize) {
    let offset = (0..=path.len()).rev().find_map(|n| value_offset(src, &path[..n])).unwrap_or(0);
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Byte offset where the value at `path` starts.
fn value_offset(src: &str, path: &[Seg]) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = skip_ws(b, 0);
    for seg in path {
        i = match seg {
            Seg::Key(k) => member(src, i, k)?,
            Seg::Index(n) => element(b, i, *n)?,
        };
    }
    Some(i)
}

/// Offset of the value of `key` in the object starting at `i` (the last one if the key is
/// repeated, as `serde_json` keeps the last).
fn member(src: &str, mut i: usize, key: &str) -> Option<usize> {
    let b = src.as_bytes();
    if *b.get(i)? != b'{' {
        return None;
    }
    let mut found = None;
    i = skip_ws(b, i + 1);
    while *b.get(i)? == b'"' {
        let end = skip_string(b, i)?;
        let name: String = serde_json::from_str(src.get(i..end)?).ok()?;
        i = skip_ws(b, end);
        if *b.get(i)? != b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        if name == key {
            found = Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    found
}

/// Offset of element `n` of the array starting at `i`.
fn element(b: &[u8], mut i: usize, n: usize) -> Option<usize> {
    if *b.get(i)? != b'[' {
        return None;
    }
    i = skip_ws(b, i + 1);
    for _ in 0..n {
        i = skip_ws(b, skip_value(b, i)?);
        if *b.get(i)? != b',' {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
    (*b.get(i)? != b']').then_some(i)
}

/// Offset just past the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let (mut depth, mut j) = (0usize, i);
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let len = b.get(i..)?.iter().take_while(|c| !b",]} \t\r\n".contains(c)).count();
            (len > 0).then_some(i + len)
        }
    }
}

/// Offset just past the string whose opening quote is at `i`.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| b" \t\r\n".contains(c)) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEMO: &str = include_str!("../../../server/src/demo_paper.json");

    /// A small valid paper with one question of each kind over two sections.
    pub(crate) fn sample() -> Value {
        json!({"format": 1, "title": "Sample", "sections": [
            {"title": "Part I", "instructions": "Choose.", "questions": [
                {"id": "q1", "kind": "single_choice", "prompt": "Pick one", "points": 2,
                 "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
                {"id": "q2", "kind": "multiple_choice", "prompt": "Pick some", "points": 3,
                 "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"},
                             {"id": "c", "text": "C"}]}]},
            {"title": "Part II", "questions": [
                {"id": "q3", "kind": "fill_in", "prompt": "Text with ___ blanks ___",
                 "points": 2, "blanks": 2},
                {"id": "q4", "kind": "essay", "prompt": "Write", "points": 20,
                 "max_chars": 3000}]}]})
    }

    /// Parses `v` pretty-printed, so errors have real lines.
    fn parse_value(v: &Value) -> Result<Paper, PaperError> {
        Paper::parse(&serde_json::to_string_pretty(v).expect("serialise"))
    }

    /// Applies `edit` to the sample and returns the (path, code) of the refusal.
    fn refusal(edit: impl FnOnce(&mut Value)) -> (String, PaperErrorCode) {
        let mut v = sample();
        edit(&mut v);
        let e = parse_value(&v).expect_err("should be refused");
        (e.path, e.code)
    }

    fn at<'v>(v: &'v mut Value, pointer: &str) -> &'v mut Value {
        v.pointer_mut(pointer).expect("pointer exists")
    }

    fn remove(v: &mut Value, pointer: &str, key: &str) {
        at(v, pointer).as_object_mut().expect("object").remove(key);
    }

    #[test]
    fn the_demo_paper_is_valid_and_uses_all_four_kinds() {
        let paper = Paper::parse(DEMO).expect("demo paper parses");
        let kinds: HashSet<_> = paper.questions().map(|n| n.question.kind()).collect();
        assert_eq!(kinds.len(), 4, "kinds used: {kinds:?}");
        assert!((12..=16).contains(&paper.question_count()));
        assert!((3..=4).contains(&paper.sections.len()));
        assert_eq!(paper.total_points(), 100);
    }

    #[test]
    fn the_sample_parses_into_the_expected_types() {
        let paper = parse_value(&sample()).expect("valid");
        assert_eq!(paper.format, FORMAT_VERSION);
        assert_eq!(paper.sections[0].instructions.as_deref(), Some("Choose."));
        assert_eq!(paper.sections[1].instructions, None);
        assert_eq!(
            paper.question("q3"),
            Some(&Question::FillIn {
                id: "q3".into(),
                prompt: "Text with ___ blanks ___".into(),
                points: 2,
                blanks: 2
            })
        );
        assert_eq!(paper.question("q1").map(|q| q.options().len()), Some(2));
        assert_eq!(paper.question("q4").map(Question::options), Some(&[][..]));
        assert_eq!(paper.question("nope"), None);
        assert_eq!(paper.total_points(), 27);
    }

    #[test]
    fn total_points_saturate_on_a_paper_that_skipped_parse() {
        let mut paper = parse_value(&sample()).expect("valid");
        for q in &mut paper.sections[1].questions {
            if let Question::Essay { points, .. } | Question::FillIn { points, .. } = q {
                *points = u32::MAX;
            }
        }
        assert_eq!(paper.total_points(), u32::MAX);
    }

    #[test]
    fn questions_are_numbered_from_one_across_sections() {
        let paper = parse_value(&sample()).expect("valid");
        let seen: Vec<_> =
            paper.questions().map(|n| (n.number, n.section, n.question.id())).collect();
        assert_eq!(seen, [(1, 0, "q1"), (2, 0, "q2"), (3, 1, "q3"), (4, 1, "q4")]);
    }

    #[test]
    fn serialising_a_parsed_paper_gives_the_same_paper_back() {
        for src in [DEMO.to_owned(), sample().to_string()] {
            let paper = Paper::parse(&src).expect("valid");
            let again = Paper::parse(&serde_json::to_string(&paper).expect("ser")).expect("valid");
            assert_eq!(again, paper);
            let wire: Paper = serde_json::from_str(&serde_json::to_string(&paper).expect("ser"))
                .expect("derive reads what it writes");
            assert_eq!(wire, paper);
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in QuestionKind::ALL {
            assert_eq!(QuestionKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).expect("ser");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(QuestionKind::parse("SingleChoice"), None);
    }

    #[test]
    fn each_rule_is_reported_with_its_code_and_path() {
        use PaperErrorCode as C;
        let q = "/sections/0/questions";
        type Edit = Box<dyn FnOnce(&mut Value)>;
        let cases: Vec<(Edit, &str, PaperErrorCode)> = vec![
            (Box::new(|v| *v = json!([1])), "", C::WrongType),
            (Box::new(|v| *at(v, "/format") = json!(2)), "format", C::WrongFormatVersion),
            (Box::new(|v| *at(v, "/format") = json!("1")), "format", C::WrongFormatVersion),
            (Box::new(|v| remove(v, "", "format")), "format", C::MissingField),
            (Box::new(|v| *at(v, "/title") = Value::Null), "title", C::MissingField),
            (Box::new(|v| *at(v, "/title") = json!(" \n")), "title", C::EmptyText),
            (Box::new(|v| *at(v, "/title") = json!(7)), "title", C::WrongType),
            (
                Box::new(|v| *at(v, "/title") = json!("x".repeat(MAX_TITLE_CHARS + 1))),
                "title",
                C::TextTooLong,
            ),
            (Box::new(|v| at(v, "")["extra"] = json!(1)), "extra", C::UnknownField),
            (Box::new(|v| *at(v, "/sections") = json!([])), "sections", C::NoQuestions),
            (Box::new(|v| *at(v, "/sections") = json!({})), "sections", C::WrongType),
            (
                Box::new(|v| *at(v, "/sections/1/questions") = json!([])),
                "sections[1].questions",
                C::EmptySection,
            ),
            (
                Box::new(|v| at(v, "/sections/1")["instructions"] = json!("")),
                "sections[1].instructions",
                C::EmptyText,
            ),
            (
                Box::new(|v| at(v, "/sections/0")["intro"] = json!("x")),
                "sections[0].intro",
                C::UnknownField,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/1/kind")) = json!("true_false")),
                "sections[0].questions[1].kind",
                C::UnknownKind,
            ),
            (
                Box::new(move |v| remove(v, &format!("{q}/1"), "kind")),
                "sections[0].questions[1].kind",
                C::MissingField,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/1/id")) = json!("q1")),
                "sections[0].questions[1].id",
                C::DuplicateQuestionId,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/1/id") = json!("q2")),
                "sections[1].questions[1].id",
                C::DuplicateQuestionId,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/id")) = json!("q 1")),
                "sections[0].questions[0].id",
                C::BadId,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/prompt")) = json!("")),
                "sections[0].questions[0].prompt",
                C::EmptyText,
            ),
            (
                Box::new(move |v| remove(v, &format!("{q}/0"), "points")),
                "sections[0].questions[0].points",
                C::MissingField,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/points")) = json!(1001)),
                "sections[0].questions[0].points",
                C::BadPoints,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/points")) = json!(-1)),
                "sections[0].questions[0].points",
                C::BadPoints,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/points")) = json!(1.5)),
                "sections[0].questions[0].points",
                C::BadPoints,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/0/points")) = json!("2")),
                "sections[0].questions[0].points",
                C::WrongType,
            ),
            (
                Box::new(move |v| at(v, &format!("{q}/0"))["blanks"] = json!(1)),
                "sections[0].questions[0].blanks",
                C::UnknownField,
            ),
            (
                Box::new(move |v| {
                    *at(v, &format!("{q}/0/options")) = json!([{"id": "a", "text": "A"}]);
                }),
                "sections[0].questions[0].options",
                C::TooFewOptions,
            ),
            (
                Box::new(move |v| {
                    let many: Vec<_> = (0..=MAX_OPTIONS)
                        .map(|i| json!({"id": format!("o{i}"), "text": "x"}))
                        .collect();
                    *at(v, &format!("{q}/1/options")) = json!(many);
                }),
                "sections[0].questions[1].options",
                C::TooManyOptions,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/1/options/2/id")) = json!("a")),
                "sections[0].questions[1].options[2].id",
                C::DuplicateOptionId,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/1/options/0/text")) = json!("   ")),
                "sections[0].questions[1].options[0].text",
                C::EmptyText,
            ),
            (
                Box::new(move |v| remove(v, &format!("{q}/1/options/0"), "text")),
                "sections[0].questions[1].options[0].text",
                C::MissingField,
            ),
            (
                Box::new(move |v| *at(v, &format!("{q}/1/options/1")) = json!("b")),
                "sections[0].questions[1].options[1]",
                C::WrongType,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/0/blanks") = json!(0)),
                "sections[1].questions[0].blanks",
                C::BadBlankCount,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/0/blanks") = json!(21)),
                "sections[1].questions[0].blanks",
                C::BadBlankCount,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/0/blanks") = json!(3)),
                "sections[1].questions[0].prompt",
                C::BlankMarkersMismatch,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/1/max_chars") = json!(0)),
                "sections[1].questions[1].max_chars",
                C::BadMaxChars,
            ),
            (
                Box::new(|v| *at(v, "/sections/1/questions/1/max_chars") = json!(20_001)),
                "sections[1].questions[1].max_chars",
                C::BadMaxChars,
            ),
        ];
        for (edit, path, code) in cases {
            assert_eq!(refusal(edit), (path.to_owned(), code), "expected {code:?} at {path}");
        }
    }

    #[test]
    fn limits_are_inclusive() {
        let mut v = sample();
        *at(&mut v, "/sections/0/questions/0/points") = json!(MAX_POINTS);
        *at(&mut v, "/sections/0/questions/1/points") = json!(0);
        *at(&mut v, "/sections/1/questions/0/prompt") = json!("No markers here");
        *at(&mut v, "/sections/1/questions/0/blanks") = json!(MAX_BLANKS);
        *at(&mut v, "/sections/1/questions/1/max_chars") = json!(MAX_ESSAY_CHARS);
        let ten: Vec<_> =
            (0..MAX_OPTIONS).map(|i| json!({"id": format!("o{i}"), "text": "x"})).collect();
        *at(&mut v, "/sections/0/questions/1/options") = json!(ten);
        *at(&mut v, "/title") = json!("é".repeat(MAX_TITLE_CHARS));
        assert!(parse_value(&v).is_ok(), "{:?}", parse_value(&v));
    }

    #[test]
    fn five_hundred_questions_are_allowed_and_one_more_is_not() {
        let questions = |n: usize| -> Vec<Value> {
            (0..n)
                .map(|i| {
                    json!({"id": format!("e{i}"), "kind": "essay", "prompt": "p",
                               "points": 1, "max_chars": 10})
                })
                .collect()
        };
        let mut v = sample();
        *at(&mut v, "/sections/1/questions") = json!(questions(MAX_QUESTIONS - 2));
        assert_eq!(parse_value(&v).map(|p| p.question_count()), Ok(MAX_QUESTIONS));
        *at(&mut v, "/sections/1/questions") = json!(questions(MAX_QUESTIONS - 1));
        let e = parse_value(&v).expect_err("too many");
        assert_eq!(e.code, PaperErrorCode::TooManyQuestions);
        assert_eq!(e.path, format!("sections[1].questions[{}]", MAX_QUESTIONS - 2));
    }

    #[test]
    fn a_newer_format_fails_on_its_version_before_its_new_fields() {
        let e = Paper::parse(r#"{"format": 2, "feature_from_the_future": true}"#).expect_err("v2");
        assert_eq!(e.code, PaperErrorCode::WrongFormatVersion);
        assert_eq!((e.line, e.column), (1, 12));
    }

    #[test]
    fn syntax_errors_carry_serde_json_line_and_a_character_column() {
        let e = Paper::parse("{\n  \"format\": 1\n  \"title\": \"x\"\n}").expect_err("comma");
        assert_eq!((e.line, e.column, e.code), (3, 3, PaperErrorCode::Syntax));
        assert_eq!(e.path, "");
        // The column counts characters, not UTF-8 bytes: each 中 is 3 bytes.
        let e = Paper::parse("{\"title\": \"中中中\" x}").expect_err("junk");
        assert_eq!((e.line, e.column), (1, 17));
        for bad in ["", "   ", "{", "[1,", "nul"] {
            let e = Paper::parse(bad).expect_err("syntax");
            assert_eq!(e.code, PaperErrorCode::Syntax);
            assert!(e.line >= 1 && e.column >= 1);
        }
    }

    #[test]
    fn semantic_errors_point_at_the_offending_value() {
        let src = "{\"format\": 1, \"title\": \"T\", \"sections\": [\n  {\"title\": \"S\",\n   \"questions\": [\n    {\"id\": \"q1\", \"kind\": \"essay\", \"prompt\": \"P\", \"points\": 1, \"max_chars\": 9},\n    {\"id\": \"q1\", \"kind\": \"essay\", \"prompt\": \"P\", \"points\": 1, \"max_chars\": 9}]}]}";
        let e = Paper::parse(src).expect_err("dup");
        assert_eq!(e.code, PaperErrorCode::DuplicateQuestionId);
        assert_eq!((e.line, e.column), (5, 12));
        // A missing field points at the object that lacks it.
        let src = "{\"format\": 1, \"title\": \"T\",\n \"sections\": [{\"title\": \"S\",\n  \"questions\": [\n    {\"id\": \"q1\", \"kind\": \"essay\", \"points\": 1, \"max_chars\": 9}]}]}";
        let e = Paper::parse(src).expect_err("no prompt");
        assert_eq!(e.path, "sections[0].questions[0].prompt");
        assert_eq!((e.line, e.column, e.code), (4, 5, PaperErrorCode::MissingField));
    }

    #[test]
    fn the_located_line_of_a_duplicate_id_is_right_wherever_it_is() {
        for dup in 1..12 {
            let questions: Vec<_> = (0..12)
                .map(|i| {
                    let id = if i == dup { "q0".to_owned() } else { format!("q{i}") };
                    json!({"id": id, "kind": "essay", "prompt": "a \"quoted\" [x] {y}, z",
                           "points": 1, "max_chars": 5})
                })
                .collect();
            let v = json!({"format": 1, "title": "T", "sections": [
                {"title": "S", "questions": questions}]});
            let src = serde_json::to_string_pretty(&v).expect("ser");
            let e = Paper::parse(&src).expect_err("dup");
            let want = src
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains("\"id\": \"q0\""))
                .nth(1)
                .map(|(i, _)| i + 1);
            assert_eq!(Some(e.line), want, "duplicate at {dup}");
            assert_eq!(e.path, format!("sections[0].questions[{dup}].id"));
        }
    }

    #[test]
    fn no_prefix_of_the_demo_paper_panics_or_parses() {
        // Every third character boundary keeps this fast in debug builds.
        let cuts = DEMO.trim_end().char_indices().map(|(i, _)| i).skip(1).step_by(3);
        for cut in cuts {
            let e = Paper::parse(&DEMO[..cut]).expect_err("truncated");
            assert!(e.line >= 1 && e.column >= 1);
        }
    }

    #[test]
    fn damaging_any_field_of_the_demo_never_panics() {
        let demo: Value = serde_json::from_str(DEMO).expect("json");
        let mut pointers = Vec::new();
        collect_pointers(&demo, String::new(), &mut pointers);
        for p in &pointers {
            for junk in [Value::Null, json!(-3), json!("x_"), json!([]), json!({})] {
                let mut v = demo.clone();
                *at(&mut v, p) = junk;
                if let Err(e) = parse_value(&v) {
                    assert!(e.line >= 1 && e.column >= 1, "{p}: {e}");
                }
            }
        }
    }

    fn collect_pointers(v: &Value, here: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, c)| {
                collect_pointers(c, format!("{here}/{k}"), out);
            }),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
                collect_pointers(c, format!("{here}/{i}"), out);
            }),
            _ => {}
        }
        if !here.is_empty() {
            out.push(here);
        }
    }

    #[test]
    fn ids_are_one_to_32_safe_characters() {
        let ok = "abcXYZ019_-";
        for len in 1..=MAX_ID_LEN {
            let id: String = ok.chars().cycle().take(len).collect();
            assert!(is_valid_id(&id), "{id}");
        }
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(MAX_ID_LEN + 1)));
        for c in (0u8..=127).map(char::from).chain(['é', '中']) {
            let valid = c.is_ascii_alphanumeric() || c == '_' || c == '-';
            assert_eq!(is_valid_id(&format!("q{c}")), valid, "{c:?}");
        }
    }

    #[test]
    fn prompts_split_at_runs_of_three_or_more_underscores() {
        assert_eq!(prompt_segments("no blanks"), ["no blanks"]);
        assert_eq!(prompt_segments("a ___ b _____ c"), ["a ", " b ", " c"]);
        assert_eq!(prompt_segments("___"), ["", ""]);
        assert_eq!(prompt_segments("snake_case __ stays"), ["snake_case __ stays"]);
        assert_eq!(prompt_segments("中___文"), ["中", "文"]);
        for n in 0..=MAX_BLANKS as usize {
            let prompt = vec!["w"; n + 1].join(" ___ ");
            assert_eq!(prompt_segments(&prompt).len(), n + 1);
        }
    }

    #[test]
    fn errors_serialise_as_codes() {
        let e = Paper::parse("{").expect_err("syntax");
        let json = serde_json::to_value(&e).expect("ser");
        assert_eq!(json["code"], "syntax");
        assert_eq!(
            serde_json::to_value(PaperErrorCode::DuplicateQuestionId).expect("ser"),
            "duplicate_question_id"
        );
    }
}
