//! Roster import and export. An upload (CSV + optional ZIP of photos) is read — UTF-8 with
//! or without BOM, else GB18030 — and every row validated; a clean upload is staged in memory
//! and imported by its staging id in one transaction (all rows or none). Export writes CSV.
use super::super::error::ServerError;
use super::super::state::AppState;
use super::super::store::admin::ImportRow;
use crate::domain::roster::{
    Column, FileError, ImportOutcome, MAX_ROWS, PhotoCheck, RawRow, RosterContext, RosterPreview,
    RowPreview, photo_ticket, unused_photos, validate,
};
use crate::domain::{AppError, ExamId, StaffId, StaffUser};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A photo file's size limit inside the ZIP.
const MAX_PHOTO_BYTES: u64 = 4 * 1024 * 1024;
/// How long a checked upload waits for "Import".
const STAGING_TTL: Duration = Duration::from_secs(30 * 60);
/// At most this many checked uploads are kept (the oldest goes first).
const MAX_STAGED: usize = 4;

/// A photo read from the ZIP: its check, and its bytes and extension when it is an image.
struct Photo {
    check: PhotoCheck,
    bytes: Vec<u8>,
    ext: &'static str,
}

struct Staged {
    exam: ExamId,
    staff: StaffId,
    at: Instant,
    rows: Vec<RowPreview>,
    photos: HashMap<String, Photo>,
}

/// Checked uploads waiting to be imported.
#[derive(Default)]
pub struct RosterStaging {
    inner: Mutex<HashMap<String, Staged>>,
}

impl RosterStaging {
    fn put(&self, id: String, staged: Staged) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        m.retain(|_, s| s.at.elapsed() < STAGING_TTL);
        while m.len() >= MAX_STAGED {
            let Some(oldest) = m.iter().min_by_key(|(_, s)| s.at).map(|(k, _)| k.clone()) else {
                break;
            };
            m.remove(&oldest);
        }
        m.insert(id, staged);
    }

    fn take(&self, id: &str, exam: ExamId, staff: StaffId) -> Option<Staged> {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let ok = m
            .get(id)
            .is_some_and(|s| s.exam == exam && s.staff == staff && s.at.elapsed() < STAGING_TTL);
        if ok { m.remove(id) } else { None }
    }
}

/// The text of a CSV file: UTF-8 (a BOM is dropped), else GB18030.
pub fn decode_text(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(b).0.into_owned(),
    }
}

/// The data rows of a roster CSV (header on line 1; blank lines skipped).
pub fn parse_csv(text: &str) -> Result<Vec<RawRow>, FileError> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| FileError::NotCsv { line: 1 })?.clone();
    let mut index: HashMap<Column, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(c) = crate::domain::roster::column_of(h) {
            index.entry(c).or_insert(i);
        }
    }
    if let Some(column) = Column::ALL.into_iter().find(|c| !index.contains_key(c)) {
        return Err(FileError::MissingColumn { column });
    }
    // Lines counted by hand from byte offsets: the reader skips blank lines in its count.
    let mut lines = LineCounter { text: text.as_bytes(), offset: 0, line: 1 };
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| FileError::NotCsv {
            line: e.position().map_or(0, |p| lines.at(p.byte() as usize)),
        })?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileError::TooManyRows { max: MAX_ROWS });
        }
        let get = |c: Column| index.get(&c).and_then(|i| rec.get(*i)).unwrap_or("").to_string();
        rows.push(RawRow {
            line: rec.position().map_or(0, |p| lines.at(p.byte() as usize)),
            ticket: get(Column::Ticket),
            name: get(Column::Name),
            id_card: get(Column::IdCard),
            room: get(Column::Room),
        });
    }
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(rows)
}

/// The line (from 1) of byte offsets read in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn at(&mut self, byte: usize) -> usize {
        // A record's position may point at the line break before it (CRLF, blank lines).
        let mut end = byte.min(self.text.len());
        while end < self.text.len() && matches!(self.text[end], b'\r' | b'\n') {
            end += 1;
        }
        if end > self.offset {
            self.line += self.text[self.offset..end].iter().filter(|b| **b == b'\n').count();
            self.offset = end;
        }
        self.line
    }
}

fn check_photo(bytes: &[u8]) -> (PhotoCheck, &'static str) {
    let format = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => Some((image::ImageFormat::Jpeg, "jpg")),
        Ok(image::ImageFormat::Png) => Some((image::ImageFormat::Png, "png")),
        _ => None,
    };
    match format {
        Some((f, ext)) => {
            let ok = image::ImageReader::with_format(Cursor::new(bytes), f)
                .into_dimensions()
                .is_ok_and(|(w, h)| w >= 32 && h >= 32);
            if ok { (PhotoCheck::Image, ext) } else { (PhotoCheck::NotImage, "") }
        }
        None => (PhotoCheck::NotImage, ""),
    }
}

/// The photos in a ZIP, by ticket (files not named `<ticket>.jpg|jpeg|png` are ignored).
fn read_zip(bytes: &[u8]) -> Result<HashMap<String, Photo>, FileError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotZip)?;
    let mut photos = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| FileError::NotZip)?;
        if f.is_dir() {
            continue;
        }
        let Some(ticket) = photo_ticket(f.name()) else { continue };
        let photo = if f.size() > MAX_PHOTO_BYTES {
            Photo { check: PhotoCheck::NotImage, bytes: Vec::new(), ext: "" }
        } else {
            let mut b = Vec::with_capacity(f.size() as usize);
            f.read_to_end(&mut b).map_err(|_| FileError::NotZip)?;
            let (check, ext) = check_photo(&b);
            Photo { check, bytes: if check == PhotoCheck::Image { b } else { Vec::new() }, ext }
        };
        photos.insert(ticket, photo);
    }
    Ok(photos)
}

/// Reads and checks both files (CPU work, off the async threads).
async fn read_upload(
    csv: Vec<u8>,
    zip: Option<Vec<u8>>,
) -> Result<(Vec<RawRow>, HashMap<String, Photo>), FileError> {
    let job = tokio::task::spawn_blocking(move || {
        let rows = parse_csv(&decode_text(&csv))?;
        let photos = match zip {
            Some(z) if !z.is_empty() => read_zip(&z)?,
            _ => HashMap::new(),
        };
        Ok((rows, photos))
    });
    job.await.map_err(|_| FileError::BadUpload)?
}

fn staging_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Checks an upload and shows every row and error; nothing is written. A clean upload is
/// staged for `import`.
pub async fn preview(
    state: &AppState,
    user: &StaffUser,
    exam: ExamId,
    csv: Option<Vec<u8>>,
    zip: Option<Vec<u8>>,
) -> Result<RosterPreview, AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let Some(csv) = csv.filter(|c| !c.is_empty()) else {
        return Ok(RosterPreview::file_error(FileError::NoRoster));
    };
    let (raw, photos) = match read_upload(csv, zip).await {
        Ok(r) => r,
        Err(e) => return Ok(RosterPreview::file_error(e)),
    };
    let rooms: Vec<String> =
        state.store.exam_rooms(exam).await?.into_iter().map(|(_, n)| n).collect();
    let existing = state.store.roster_tickets(exam).await?;
    let checks: HashMap<String, PhotoCheck> =
        photos.iter().map(|(t, p)| (t.clone(), p.check)).collect();
    let ctx = RosterContext { rooms: &rooms, photos: &checks, existing: &existing };
    let (rows, errors) = validate(&raw, &ctx);
    let updated = rows.iter().filter(|r| r.update).count();
    let mut preview = RosterPreview {
        staging: None,
        file_error: None,
        unused_photos: unused_photos(&rows, &checks),
        photos: rows.iter().filter(|r| r.photo).count(),
        added: rows.len() - updated,
        updated,
        errors,
        rows,
    };
    if preview.errors.is_empty() {
        let id = staging_id();
        let staged =
            Staged { exam, staff: user.id, at: Instant::now(), rows: preview.rows.clone(), photos };
        state.roster_staging.put(id.clone(), staged);
        preview.staging = Some(id);
    }
    Ok(preview)
}

/// Imports a checked upload: photos stored first (under content-named keys, so a failure
/// leaves the old ones in place), then every row in one transaction. Audited.
pub async fn import(
    state: &AppState,
    user: &StaffUser,
    exam: ExamId,
    staging: &str,
) -> Result<ImportOutcome, AppError> {
    let mut staged = state.roster_staging.take(staging, exam, user.id).ok_or(AppError::NotFound)?;
    let rooms: HashMap<String, crate::domain::RoomId> =
        state.store.exam_rooms(exam).await?.into_iter().map(|(id, n)| (n, id)).collect();
    let mut blobs = Vec::new();
    let mut rows = Vec::with_capacity(staged.rows.len());
    for r in &staged.rows {
        // A room removed since the check: the whole import is refused.
        let room = *rooms.get(&r.room).ok_or(AppError::Conflict)?;
        let photo_key = staged.photos.remove(&r.ticket).map(|p| {
            let hash = hex::encode(&Sha256::digest(&p.bytes)[..8]);
            let key =
                format!("roster/{}/{}-{hash}.{}", exam.0, r.ticket.to_ascii_lowercase(), p.ext);
            blobs.push((key.clone(), bytes::Bytes::from(p.bytes)));
            key
        });
        rows.push(ImportRow {
            ticket: r.ticket.clone(),
            name: r.name.clone(),
            id_card: r.id_card.clone(),
            room,
            photo_key,
        });
    }
    for result in state.blobs.put_many(blobs).await {
        result.map_err(ServerError::from)?;
    }
    let out = state.store.import_roster(exam, &rows).await?;
    let detail = format!("added {}, updated {}, photos {}", out.added, out.updated, out.photos);
    super::audit_staff(state, user, "roster.import", (Some(exam), None), &detail, None).await?;
    Ok(out)
}

/// The roster as CSV (UTF-8 with a BOM, so spreadsheets read the Chinese names), with the
/// import's columns first, then phase and verification.
pub async fn export_csv(state: &AppState, exam: ExamId) -> Result<Vec<u8>, AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let rows = state
        .store
        .roster(exam)
        .await?
        .into_iter()
        .map(|e| vec![e.ticket, e.name, e.id_card, e.room, e.phase, e.verification])
        .collect();
    let mut header: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
    header.extend(["phase", "verification"]);
    super::reports::csv_bytes(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_files_own() {
        let rows = parse_csv(
            "ticket,name,id_card,room\r\nA,1,2,3\r\n\"B\",\"x, y\",2,3\r\n\r\nC,1,2,3\r\n",
        )
        .expect("csv");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        assert_eq!(rows[1].name, "x, y");
    }
}
