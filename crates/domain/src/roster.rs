//! Roster import rules: the resident ID card number's checksum (GB 11643-1999), the CSV's
//! columns (English or Chinese headers), and the validation of every row against the exam's
//! rooms, the photos given and the candidates already stored, before anything is written.
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// At most this many rows per file.
pub const MAX_ROWS: usize = 50_000;
/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character (ISO 7064 MOD 11-2) of the first 17 digits of an ID card number.
pub fn id_card_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// The number as stored: trimmed, a lower-case check `x` made upper-case.
pub fn normalise_id_card(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// Whether `id` (normalised) is an 18-character resident ID card number with a valid birth
/// date and check character.
pub fn id_card_valid(id: &str) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let (body, check) = id.split_at(17);
    let birth = &body[6..14];
    let date_ok = chrono::NaiveDate::parse_from_str(birth, "%Y%m%d").is_ok();
    date_ok && id_card_check_char(body).map(String::from).as_deref() == Some(check)
}

/// A roster column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Ticket,
    Name,
    IdCard,
    Room,
}

impl Column {
    pub const ALL: [Column; 4] = [Column::Ticket, Column::Name, Column::IdCard, Column::Room];

    /// The header the export writes.
    pub fn header(self) -> &'static str {
        match self {
            Column::Ticket => "ticket",
            Column::Name => "name",
            Column::IdCard => "id_card",
            Column::Room => "room",
        }
    }
}

/// The column a header cell names (case, spaces, `_`/`-` ignored), in English or Chinese.
pub fn column_of(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    match h.as_str() {
        "ticket" | "ticketnumber" | "ticketno" | "admissionticket" | "准考证号" | "准考证" => {
            Some(Column::Ticket)
        }
        "name" | "fullname" | "姓名" => Some(Column::Name),
        "idcard" | "idcardnumber" | "idnumber" | "身份证号" | "身份证号码" | "身份证" => {
            Some(Column::IdCard)
        }
        "room" | "roomname" | "考场" | "考场号" | "考场名称" => Some(Column::Room),
        _ => None,
    }
}

/// One data row as read from the file, `line` counted from 1 with the header on line 1.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRow {
    pub line: usize,
    pub ticket: String,
    pub name: String,
    pub id_card: String,
    pub room: String,
}

/// What is wrong with the file as a whole (nothing is shown row by row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FileError {
    /// No roster file was sent.
    NoRoster,
    /// The file has no data rows.
    Empty,
    /// Not readable as CSV (in UTF-8 or GB18030).
    NotCsv {
        line: usize,
    },
    /// A required column has no header.
    MissingColumn {
        column: Column,
    },
    TooManyRows {
        max: usize,
    },
    /// The photos file is not a ZIP archive.
    NotZip,
    /// The upload could not be read (cut off, too large).
    BadUpload,
    /// The roster file is larger than this many MiB.
    RosterTooLarge {
        max_mb: u64,
    },
    /// The photos archive (or what it unpacks to) is larger than this many MiB, or holds too
    /// many files.
    PhotosTooLarge {
        max_mb: u64,
    },
}

/// The field of a row an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowField {
    Ticket,
    Name,
    IdCard,
    Room,
    Photo,
}

/// What is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowErrorCode {
    Required,
    BadFormat,
    TooLong,
    /// The ID card number's check character or birth date is wrong.
    BadChecksum,
    /// The same ticket number appears on an earlier line (`other`).
    DuplicateTicket,
    /// The same ID card number appears on an earlier line (`other`).
    DuplicateIdCard,
    UnknownRoom,
    /// No photo named after the ticket (and none stored from an earlier import).
    PhotoMissing,
    /// The photo is not a JPEG or PNG image.
    PhotoNotImage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: RowField,
    pub code: RowErrorCode,
    /// The earlier line, for duplicates.
    pub other: Option<usize>,
}

/// A photo found in the ZIP, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoCheck {
    Image,
    NotImage,
}

/// A row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowPreview {
    pub line: usize,
    pub ticket: String,
    pub name: String,
    pub id_card: String,
    pub room: String,
    /// A photo for this row is in the ZIP.
    pub photo: bool,
    /// The ticket is already on the roster: importing updates it.
    pub update: bool,
}

/// The preview of an upload: every row, every error; `staging` names the checked upload to
/// import when there is no error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPreview {
    pub staging: Option<String>,
    pub file_error: Option<FileError>,
    pub rows: Vec<RowPreview>,
    pub errors: Vec<RowError>,
    pub added: usize,
    pub updated: usize,
    pub photos: usize,
    /// Photos in the ZIP that no row names.
    pub unused_photos: Vec<String>,
}

impl RosterPreview {
    pub fn file_error(e: FileError) -> Self {
        Self {
            staging: None,
            file_error: Some(e),
            rows: Vec::new(),
            errors: Vec::new(),
            added: 0,
            updated: 0,
            photos: 0,
            unused_photos: Vec::new(),
        }
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub photos: usize,
}

/// What the exam already has, for validation.
#[derive(Debug)]
pub struct RosterContext<'a> {
    /// Room names of the exam.
    pub rooms: &'a [String],
    /// Photos in the ZIP by ticket (upper case).
    pub photos: &'a HashMap<String, PhotoCheck>,
    /// Tickets already on the roster, with whether they have a roster photo.
    pub existing: &'a HashMap<String, bool>,
}

/// The ticket number of a photo's file name (`T-0001.jpg`, `photos/t-0001.JPG`), upper case.
pub fn photo_ticket(path: &str) -> Option<String> {
    let file = path.rsplit(['/', '\\']).next()?;
    if file.starts_with('.') {
        return None;
    }
    let (stem, ext) = file.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    (!stem.is_empty() && matches!(ext.as_str(), "jpg" | "jpeg" | "png"))
        .then(|| stem.trim().to_ascii_uppercase())
}

fn required(errors: &mut Vec<RowError>, line: usize, field: RowField, value: &str) -> bool {
    if value.trim().is_empty() {
        errors.push(RowError { line, field, code: RowErrorCode::Required, other: None });
        return false;
    }
    true
}

/// Validates every row: required fields, ticket format, name length, ID card number
/// checksum, duplicates within the file, the room, the photo. Returns the preview rows (in
/// file order) and every error.
pub fn validate(rows: &[RawRow], ctx: &RosterContext<'_>) -> (Vec<RowPreview>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut previews = Vec::with_capacity(rows.len());
    let mut tickets: HashMap<String, usize> = HashMap::new();
    let mut id_cards: HashMap<String, usize> = HashMap::new();
    let rooms: HashSet<&str> = ctx.rooms.iter().map(|r| r.trim()).collect();
    for r in rows {
        let line = r.line;
        let err = |field, code| RowError { line, field, code, other: None };
        let mut ticket = r.ticket.trim().to_ascii_uppercase();
        if required(&mut errors, line, RowField::Ticket, &r.ticket) {
            match super::TicketNumber::parse(&r.ticket) {
                Ok(t) => ticket = t.as_str().to_string(),
                Err(_) => errors.push(err(RowField::Ticket, RowErrorCode::BadFormat)),
            }
            if let Some(first) = tickets.get(&ticket) {
                errors.push(RowError {
                    other: Some(*first),
                    ..err(RowField::Ticket, RowErrorCode::DuplicateTicket)
                });
            } else {
                tickets.insert(ticket.clone(), line);
            }
        }
        let name = r.name.trim().to_string();
        if required(&mut errors, line, RowField::Name, &name)
            && name.chars().count() > MAX_NAME_CHARS
        {
            errors.push(err(RowField::Name, RowErrorCode::TooLong));
        }
        let id_card = normalise_id_card(&r.id_card);
        if required(&mut errors, line, RowField::IdCard, &id_card) {
            if !id_card_valid(&id_card) {
                let looks_right = id_card.len() == 18
                    && id_card[..17].bytes().all(|b| b.is_ascii_digit())
                    && id_card[17..].bytes().all(|b| b.is_ascii_digit() || b == b'X');
                let code =
                    if looks_right { RowErrorCode::BadChecksum } else { RowErrorCode::BadFormat };
                errors.push(err(RowField::IdCard, code));
            } else if let Some(first) = id_cards.get(&id_card) {
                errors.push(RowError {
                    other: Some(*first),
                    ..err(RowField::IdCard, RowErrorCode::DuplicateIdCard)
                });
            } else {
                id_cards.insert(id_card.clone(), line);
            }
        }
        let room = r.room.trim().to_string();
        if required(&mut errors, line, RowField::Room, &room) && !rooms.contains(room.as_str()) {
            errors.push(err(RowField::Room, RowErrorCode::UnknownRoom));
        }
        let existing = ctx.existing.get(&ticket).copied();
        let photo = ctx.photos.get(&ticket).copied();
        match photo {
            Some(PhotoCheck::NotImage) => {
                errors.push(err(RowField::Photo, RowErrorCode::PhotoNotImage))
            }
            None if existing != Some(true) && !ticket.is_empty() => {
                errors.push(err(RowField::Photo, RowErrorCode::PhotoMissing))
            }
            _ => {}
        }
        previews.push(RowPreview {
            line,
            ticket,
            name,
            id_card,
            room,
            photo: photo == Some(PhotoCheck::Image),
            update: existing.is_some(),
        });
    }
    (previews, errors)
}

/// Photos that no row names, sorted.
pub fn unused_photos(rows: &[RowPreview], photos: &HashMap<String, PhotoCheck>) -> Vec<String> {
    let named: HashSet<&str> = rows.iter().map(|r| r.ticket.as_str()).collect();
    let mut unused: Vec<String> =
        photos.keys().filter(|t| !named.contains(t.as_str())).cloned().collect();
    unused.sort();
    unused
}

#[cfg(test)]
#[path = "roster_tests.rs"]
mod tests;
