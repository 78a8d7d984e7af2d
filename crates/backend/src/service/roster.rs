//! Roster import and export. An upload (CSV + optional ZIP of photos) is read — UTF-8 with
//! or without BOM, else GB18030 — and every row validated; a clean upload is staged in the
//! blob store (`roster_staging`: any instance can import it) and imported by its staging id
//! in one transaction (all rows or none). The ZIP is never trusted: each photo is read at most to
//! its size limit whatever its header claims, and the whole unpacks to a bounded total, so
//! an archive bomb costs a few megabytes. Export writes CSV.
use super::super::error::ServerError;
use super::super::store::admin::ImportRow;
use super::super::uploads::SpoolFile;
use super::roster_staging::{Staged, StagedPhoto};
use crate::Core;
use domain::report::{AdmissionSlip, AdmissionSlips};
use domain::roster::{
    Column, FileError, ImportOutcome, MAX_ROWS, PhotoCheck, RawRow, RosterContext, RosterPreview,
    photo_ticket, unused_photos, validate,
};
use domain::signin::format_access_code;
use domain::{AppError, ExamId, StaffUser};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// A photo file's size limit inside the ZIP.
const MAX_PHOTO_BYTES: u64 = 4 * 1024 * 1024;
/// The roster CSV's size limit (50,000 rows of a few hundred bytes fit in a tenth of it).
pub const MAX_ROSTER_CSV_BYTES: u64 = 32 * 1024 * 1024;
/// The photos ZIP's size limit, as uploaded.
pub const MAX_PHOTOS_ZIP_BYTES: u64 = 1024 * 1024 * 1024;
/// What the photos may unpack to in all, and how many files the ZIP may hold.
const MAX_UNPACKED_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const MAX_ZIP_ENTRIES: usize = 2 * MAX_ROWS;
/// Photos read into memory at once during an import.
const IMPORT_BATCH_BYTES: u64 = 64 * 1024 * 1024;

/// A file error for a size limit, in MiB.
pub fn too_large(limit: u64, photos: bool) -> FileError {
    let max_mb = limit / (1024 * 1024);
    if photos { FileError::PhotosTooLarge { max_mb } } else { FileError::RosterTooLarge { max_mb } }
}
/// A photo of the ZIP: its check, and where it is (entry index, size read) and its
/// extension when it is an image. Its bytes stay in the archive until the import.
struct Photo {
    check: PhotoCheck,
    entry: usize,
    len: u64,
    ext: &'static str,
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
        if let Some(c) = domain::roster::column_of(h) {
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

/// Reads one entry, never more than the photo limit (+1 byte, to tell it was over) whatever
/// its header says.
fn read_entry(f: &mut impl Read) -> Result<Vec<u8>, FileError> {
    let mut b = Vec::new();
    f.take(MAX_PHOTO_BYTES + 1).read_to_end(&mut b).map_err(|_| FileError::NotZip)?;
    Ok(b)
}

/// The photos in a ZIP, by ticket (files not named `<ticket>.jpg|jpeg|png` are ignored).
fn read_zip(path: &Path) -> Result<HashMap<String, Photo>, FileError> {
    let file = std::fs::File::open(path).map_err(|_| FileError::BadUpload)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| FileError::NotZip)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(MAX_UNPACKED_BYTES, true));
    }
    let mut photos = HashMap::new();
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| FileError::NotZip)?;
        if f.is_dir() {
            continue;
        }
        let Some(ticket) = photo_ticket(f.name()) else { continue };
        let b = read_entry(&mut f)?;
        unpacked += b.len() as u64;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(too_large(MAX_UNPACKED_BYTES, true));
        }
        let (check, ext) = if b.len() as u64 > MAX_PHOTO_BYTES {
            (PhotoCheck::NotImage, "")
        } else {
            check_photo(&b)
        };
        photos.insert(ticket, Photo { check, entry: i, len: b.len() as u64, ext });
    }
    Ok(photos)
}

/// Reads and checks both files (CPU work, off the async threads).
async fn read_upload(
    csv: Vec<u8>,
    zip: Option<PathBuf>,
) -> Result<(Vec<RawRow>, HashMap<String, Photo>), FileError> {
    let job = tokio::task::spawn_blocking(move || {
        let rows = parse_csv(&decode_text(&csv))?;
        let photos = match zip {
            Some(z) => read_zip(&z)?,
            None => HashMap::new(),
        };
        Ok((rows, photos))
    });
    job.await.map_err(|_| FileError::BadUpload)?
}

/// Reads the photos at `entries` of the ZIP at `path` (off the async threads).
async fn read_photos(path: PathBuf, entries: Vec<usize>) -> Result<Vec<Vec<u8>>, AppError> {
    let job = tokio::task::spawn_blocking(move || -> Result<Vec<Vec<u8>>, FileError> {
        let file = std::fs::File::open(path).map_err(|_| FileError::BadUpload)?;
        let mut zip = zip::ZipArchive::new(file).map_err(|_| FileError::NotZip)?;
        entries
            .into_iter()
            .map(|i| read_entry(&mut zip.by_index(i).map_err(|_| FileError::NotZip)?))
            .collect()
    });
    job.await.map_err(ServerError::from)?.map_err(|_| AppError::Conflict)
}

fn staging_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Checks an upload and shows every row and error; nothing is written. A clean upload is
/// staged for `import`.
pub async fn preview(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    csv: Option<Vec<u8>>,
    zip: Option<SpoolFile>,
) -> Result<RosterPreview, AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let Some(csv) = csv.filter(|c| !c.is_empty()) else {
        return Ok(RosterPreview::file_error(FileError::NoRoster));
    };
    let zip = zip.filter(|z| std::fs::metadata(z.path()).is_ok_and(|m| m.len() > 0));
    let (raw, photos) = match read_upload(csv, zip.as_ref().map(|z| z.path().to_path_buf())).await {
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
        let photos = photos
            .into_iter()
            .filter(|(_, p)| p.check == PhotoCheck::Image)
            .map(|(t, p)| (t, StagedPhoto { entry: p.entry, len: p.len, ext: p.ext.to_string() }))
            .collect();
        let staged = Staged {
            exam,
            staff: user.id,
            at: state.clock.now(),
            rows: preview.rows.clone(),
            photos,
            zip: zip.is_some(),
        };
        let zip_path = zip.as_ref().map(|z| z.path());
        state.roster_staging.put(state, &id, &staged, zip_path).await?;
        preview.staging = Some(id);
    }
    Ok(preview)
}

/// Imports a checked upload: photos stored first (read from the staged ZIP a batch at a
/// time, stored under content-named keys, so a failure leaves the old ones in place), then
/// every row in one transaction. Audited.
pub async fn import(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    staging: &str,
) -> Result<ImportOutcome, AppError> {
    let (mut staged, zip) = state
        .roster_staging
        .take(state, staging, exam, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rooms: HashMap<String, domain::RoomId> =
        state.store.exam_rooms(exam).await?.into_iter().map(|(id, n)| (n, id)).collect();
    let mut rows = Vec::with_capacity(staged.rows.len());
    let mut wanted: Vec<(usize, StagedPhoto)> = Vec::new();
    for (i, r) in staged.rows.iter().enumerate() {
        // A room removed since the check: the whole import is refused.
        let room = *rooms.get(&r.room).ok_or(AppError::Conflict)?;
        if let Some(p) = staged.photos.remove(&r.ticket) {
            wanted.push((i, p));
        }
        rows.push(ImportRow {
            ticket: r.ticket.clone(),
            name: r.name.clone(),
            id_card: r.id_card.clone(),
            room,
            photo_key: None,
        });
    }
    if let Some(zip) = &zip {
        store_photos(state, exam, zip.path(), &wanted, &mut rows).await?;
    }
    let out = state.store.import_roster(exam, &rows).await?;
    let detail = format!("added {}, updated {}, photos {}", out.added, out.updated, out.photos);
    super::audit_staff(state, user, "roster.import", (Some(exam), None), &detail, None).await?;
    Ok(out)
}

/// Stores the photos of `wanted` (row index, photo) from the ZIP at `path`, a batch of at
/// most [`IMPORT_BATCH_BYTES`] at a time, and sets each row's photo key.
async fn store_photos(
    state: &Core,
    exam: ExamId,
    path: &Path,
    wanted: &[(usize, StagedPhoto)],
    rows: &mut [ImportRow],
) -> Result<(), AppError> {
    let mut start = 0;
    while start < wanted.len() {
        let mut end = start;
        let mut size = 0;
        while end < wanted.len() && (end == start || size + wanted[end].1.len <= IMPORT_BATCH_BYTES)
        {
            size += wanted[end].1.len;
            end += 1;
        }
        let batch = &wanted[start..end];
        let entries = batch.iter().map(|(_, p)| p.entry).collect();
        let photos = read_photos(path.to_path_buf(), entries).await?;
        let mut blobs = Vec::with_capacity(batch.len());
        for ((row, p), bytes) in batch.iter().zip(photos) {
            let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
            let ticket = rows[*row].ticket.to_ascii_lowercase();
            let key = format!("roster/{}/{ticket}-{hash}.{}", exam.0, p.ext);
            rows[*row].photo_key = Some(key.clone());
            blobs.push((key, bytes::Bytes::from(bytes)));
        }
        for result in state.blobs.put_many(blobs).await {
            result.map_err(ServerError::from)?;
        }
        start = end;
    }
    Ok(())
}

/// The exam's admission slips, in ticket order.
pub async fn slips(state: &Core, exam: ExamId, url: String) -> Result<AdmissionSlips, AppError> {
    let e = state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let slips = state
        .store
        .roster(exam)
        .await?
        .into_iter()
        .map(|r| AdmissionSlip {
            ticket: r.ticket,
            name: r.name,
            room: r.room,
            access_code: format_access_code(&r.access_code),
        })
        .collect();
    Ok(AdmissionSlips {
        exam_code: e.code.to_string(),
        exam_title: e.title,
        starts_at: e.starts_at,
        sign_in: e.sign_in,
        url,
        slips,
    })
}

/// The roster as CSV (UTF-8 with a BOM, so spreadsheets read the Chinese names), with the
/// import's columns first, then phase, verification and the access code (for slips printed
/// elsewhere).
pub async fn export_csv(state: &Core, exam: ExamId) -> Result<Vec<u8>, AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let rows = state
        .store
        .roster(exam)
        .await?
        .into_iter()
        .map(|e| {
            let code = format_access_code(&e.access_code);
            vec![e.ticket, e.name, e.id_card, e.room, e.phase, e.verification, code]
        })
        .collect();
    let mut header: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
    header.extend(["phase", "verification", "access_code"]);
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
