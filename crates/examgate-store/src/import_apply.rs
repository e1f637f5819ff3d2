//! Writes a parsed batch of seating lists and rosters into the database, all or nothing.
//!
//! Parsing and cross-file checks live in [`crate::import`]; this module adds the checks that need
//! the database (a student already listed for the sitting, a seat already taken, a room now over
//! its seat count, a site or room whose address differs from what is stored) and applies the batch
//! in one transaction. Any error rolls everything back and every error is reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use examgate_core::model::Sitting;
use examgate_core::timeline::CHINA_OFFSET;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{insert_sitting, sitting_by_label};
use crate::door::reversed;
use crate::error::{Result, StoreError};
use crate::import::{
    Column, Columns, GlyphCheck, ImportError, Parsed, SourceFile, check_glyphs, parse,
    sitting_label, validate_batch,
};
use crate::staffing::StaffingWarning;
use crate::{Store, sha256_hex};

/// Which sitting the seating lists belong to, when the files do not say (no 场次 column).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The label of an existing sitting (or of `create`).
    pub sitting: Option<String>,
    /// A sitting to add in the same transaction, unless one with its label exists.
    pub create: Option<Sitting>,
    /// The sitting `create` adds is a drill (演练): its exam time may be set freely. An existing
    /// sitting keeps what it is.
    pub drill: bool,
    /// The folder the 照片 column's file names are relative to (the seating list's folder).
    /// Without it, a list that names photos is refused.
    pub photo_dir: Option<PathBuf>,
    /// The photo stamp's font coverage: with it, a site, room or room address the stamp could not
    /// draw is refused. The CLI and the app fill it from the stamp's own font selection.
    pub glyphs: Option<GlyphCheck>,
}

impl ImportOptions {
    /// The folder photos are looked up in for files imported from `paths`: the first file's
    /// folder.
    pub fn photo_dir_of<P: AsRef<Path>>(paths: &[P]) -> Option<PathBuf> {
        paths.first().and_then(|p| p.as_ref().parent()).map(|d| {
            // A bare file name's folder is the current one.
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d.to_path_buf()
            }
        })
    }
}

/// Largest registration photo accepted: an ID-style photo is tens of KB.
const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The content type of a JPEG or PNG, by its first bytes; `None` for anything else.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    pub files: Vec<ImportedFile>,
    pub candidates: usize,
    pub staff: usize,
    pub warnings: Vec<StaffingWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportedFile {
    pub file: String,
    pub kind: &'static str,
    pub rows: usize,
    /// The sittings a seating list's rows went to (empty for a roster).
    pub sittings: Vec<String>,
}

struct Batch<'t, 'c> {
    tx: &'t Transaction<'c>,
    photo_dir: Option<PathBuf>,
    errors: Vec<ImportError>,
    default_sitting: Option<String>,
    /// Every sitting label in the database, for the message when a row names none.
    labels: Vec<String>,
    sittings: HashMap<String, Option<i64>>,
}

impl Batch<'_, '_> {
    fn sitting_id(&mut self, label: &str) -> Result<Option<i64>> {
        if let Some(id) = self.sittings.get(label) {
            return Ok(*id);
        }
        let id = sitting_by_label(self.tx, label)?.map(|s| s.id);
        self.sittings.insert(label.to_string(), id);
        Ok(id)
    }

    fn site_id(
        &mut self,
        (file, line, cols): (&str, usize, &Columns),
        name: &str,
        address: &str,
    ) -> Result<i64> {
        let found: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT id, address FROM site WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            Some((id, stored)) => {
                if !address.is_empty() && stored != address {
                    self.errors.push(ImportError::at(file, line, cols.header(Column::SiteAddress), format!(
                        "考点“{name}”在数据库中的地址是“{stored}” (site '{name}' has another address in the database)"
                    )));
                }
                Ok(id)
            }
            None => {
                self.tx.execute(
                    "INSERT INTO site (name, address) VALUES (?1, ?2)",
                    params![name, address],
                )?;
                Ok(self.tx.last_insert_rowid())
            }
        }
    }

    fn room_id(
        &mut self,
        at: (&str, usize, &Columns),
        site_id: i64,
        number: &str,
        address: &str,
        seats: Option<u32>,
    ) -> Result<i64> {
        let (file, line, cols) = at;
        let found: Option<(i64, String, Option<u32>)> = self
            .tx
            .query_row(
                "SELECT id, address, seats FROM room WHERE site_id = ?1 AND number = ?2",
                params![site_id, number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match found {
            Some((id, stored, stored_seats)) => {
                if stored != address {
                    self.errors.push(ImportError::at(file, line, cols.header(Column::RoomAddress), format!(
                        "考场 {number} 在数据库中的地址是“{stored}” (room {number} has another address in the database)"
                    )));
                }
                match (stored_seats, seats) {
                    (Some(a), Some(b)) if a != b => self.errors.push(ImportError::at(file, line, cols.header(Column::Seats), format!(
                        "考场 {number} 在数据库中为 {a} 座 (room {number} has {a} seats in the database)"
                    ))),
                    (None, Some(b)) => {
                        self.tx
                            .execute("UPDATE room SET seats = ?1 WHERE id = ?2", params![b, id])?;
                    }
                    _ => {}
                }
                Ok(id)
            }
            None => {
                self.tx.execute(
                    "INSERT INTO room (site_id, number, address, seats) VALUES (?1, ?2, ?3, ?4)",
                    params![site_id, number, address, seats],
                )?;
                Ok(self.tx.last_insert_rowid())
            }
        }
    }

    fn seating(&mut self, list: &crate::import::SeatingList) -> Result<Vec<String>> {
        let mut used: Vec<String> = Vec::new();
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO candidate (sitting_id, student_number, name, document_kind,
                 document_number, room_id, seat, photo, ticket_rev, document_rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut rooms: HashMap<(String, String), i64> = HashMap::new();
        // A missing or unknown sitting is a problem of the file, said once, not once per row.
        let mut reported: Vec<Option<String>> = Vec::new();
        for row in &list.rows {
            let c = &row.candidate;
            let Some(label) = row.sitting.clone().or_else(|| self.default_sitting.clone()) else {
                if reported.contains(&None) {
                    continue;
                }
                reported.push(None);
                let known = if self.labels.is_empty() {
                    "无 none".to_string()
                } else {
                    self.labels.join("、")
                };
                self.errors.push(ImportError::at(&list.file, row.line, list.columns.header(Column::Sitting), format!(
                    "未指定场次：文件没有“场次”列，请指定场次（现有：{known}） (no sitting: the file has no 场次 column; name the sitting — existing: {known})"
                )));
                continue;
            };
            let Some(sitting_id) = self.sitting_id(&label)? else {
                if reported.contains(&Some(label.clone())) {
                    continue;
                }
                reported.push(Some(label.clone()));
                self.errors.push(ImportError::at(
                    &list.file,
                    row.line,
                    list.columns.header(Column::Sitting),
                    format!("场次“{label}”不存在 (no sitting named '{label}')"),
                ));
                continue;
            };
            if !used.contains(&label) {
                used.push(label.clone());
            }
            let key = (c.site.clone(), c.room.clone());
            let room_id = match rooms.get(&key) {
                Some(id) => *id,
                None => {
                    let site_id = self.site_id(
                        (&list.file, row.line, &list.columns),
                        &c.site,
                        &row.site_address,
                    )?;
                    let id = self.room_id(
                        (&list.file, row.line, &list.columns),
                        site_id,
                        &c.room,
                        &row.room_address,
                        row.room_seats,
                    )?;
                    rooms.insert(key, id);
                    id
                }
            };
            // Already normalized: the seating list keeps the number its check normalized.
            let number = &c.document_number;
            self.document_elsewhere(
                list,
                row.line,
                sitting_id,
                c.student_number.as_str(),
                number,
            )?;
            self.seat_in_room(list, row.line, room_id, &c.room, c.seat)?;
            let n = insert.execute(params![
                sitting_id,
                c.student_number.as_str(),
                c.name,
                c.document_kind.code(),
                number,
                room_id,
                c.seat,
                c.photo,
                reversed(c.student_number.as_str()),
                reversed(number),
            ])?;
            if let Some(name) = &c.photo {
                self.photo(list, row.line, sitting_id, c.student_number.as_str(), name)?;
            }
            if n == 0 {
                self.errors.push(ImportError::at(&list.file, row.line, list.columns.header(Column::StudentNumber), format!(
                    "学号 {} 或 {} 考场 {} 号座位已在数据库中 (student number or seat already in the database for this sitting)",
                    c.student_number, c.room, c.seat
                )));
            }
        }
        Ok(used)
    }

    /// A document number another student of the sitting already has in the database.
    fn document_elsewhere(
        &mut self,
        list: &crate::import::SeatingList,
        line: usize,
        sitting_id: i64,
        student: &str,
        number: &str,
    ) -> Result<()> {
        let other: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT student_number FROM candidate
                 WHERE sitting_id = ?1 AND document_rev = ?2 AND document_number = ?3
                   AND student_number <> ?4 LIMIT 1",
            )?
            .query_row(
                params![sitting_id, reversed(number), number, student],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = other {
            let masked = examgate_core::documents::mask(number);
            self.errors.push(ImportError::at(&list.file, line, list.columns.header(Column::DocumentNumber), format!(
                "证件号码 {masked} 已属于数据库中的考生 {other}：两名考生不能共用一个证件 (document number {masked} already belongs to student {other} in the database: two students cannot share one ID)"
            )));
        }
        Ok(())
    }

    /// A seat beyond the seat count the database holds for the room (the file may not give one).
    fn seat_in_room(
        &mut self,
        list: &crate::import::SeatingList,
        line: usize,
        room_id: i64,
        room: &str,
        seat: u32,
    ) -> Result<()> {
        let seats: Option<u32> = self
            .tx
            .prepare_cached("SELECT seats FROM room WHERE id = ?1")?
            .query_row([room_id], |r| r.get(0))?;
        if let Some(seats) = seats.filter(|n| seat > *n) {
            self.errors.push(ImportError::at(&list.file, line, list.columns.header(Column::Seat), format!(
                "座位号 {seat} 超出考场 {room} 的座位数 {seats} (seat {seat} is beyond room {room}'s {seats} seats)"
            )));
        }
        Ok(())
    }

    /// Reads a registration photo named on a seating-list row and stores it.
    fn photo(
        &mut self,
        list: &crate::import::SeatingList,
        line: usize,
        sitting_id: i64,
        student: &str,
        name: &str,
    ) -> Result<()> {
        let field = list.columns.header(Column::Photo);
        let Some(dir) = &self.photo_dir else {
            self.errors.push(ImportError::at(&list.file, line, field, "无法定位照片文件：请从座次表所在文件夹导入 (cannot find photo files: import from the list's folder)"));
            return Ok(());
        };
        let refused = |zh: &str, en: &str| format!("照片 {name} {zh} ({en})");
        let bytes = match crate::import::open::read_inside(dir, name, MAX_PHOTO_BYTES as u64) {
            Ok(b) => b,
            Err(why) => {
                use crate::import::open::Refused;
                let message = match why {
                    // One message whatever is there: an import must not tell which files exist.
                    Refused::Outside => refused(
                        "不在座次表所在文件夹内：照片列只能写该文件夹中的文件名，不能是绝对路径、含“..”或符号链接",
                        "is not inside the list's folder: the 照片 column takes only names of files in that folder, no absolute path, '..' or symlink",
                    ),
                    Refused::Missing => {
                        format!("找不到照片文件 {name} (photo file not found next to the list)")
                    }
                    Refused::NotRegular => refused("不是普通文件", "is not a regular file"),
                    Refused::TooBig { .. } => {
                        refused("超过 2 MB，未读取", "is larger than 2 MB; not read")
                    }
                    Refused::Io(e) => refused("无法读取", &format!("cannot be read: {e}")),
                };
                self.errors
                    .push(ImportError::at(&list.file, line, field, message));
                return Ok(());
            }
        };
        // The size was bounded by the read.
        let Some(content_type) = image_type(&bytes) else {
            self.errors.push(ImportError::at(&list.file, line, field, format!(
                "照片 {name} 不是 2 MB 以内的 JPEG/PNG 图片 (photo is not a JPEG/PNG of at most 2 MB)"
            )));
            return Ok(());
        };
        self.tx.execute(
            "INSERT OR REPLACE INTO registration_photo
                 (sitting_id, student_number, content_type, bytes, sha256)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sitting_id, student, content_type, bytes, sha256_hex(&bytes)],
        )?;
        Ok(())
    }

    fn roster(&mut self, roster: &crate::import::Roster) -> Result<()> {
        for row in &roster.rows {
            let s = &row.staff;
            let site_id: Option<i64> = self
                .tx
                .query_row("SELECT id FROM site WHERE name = ?1", [&s.site], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(site_id) = site_id else {
                self.errors.push(ImportError::at(&roster.file, row.line, roster.columns.header(Column::Site), format!(
                    "考点“{}”不在座次表中，请先导入座次表 (site not on any seating list: import the seating list first)", s.site
                )));
                continue;
            };
            // The roster's parse already refused a proctor without a room.
            let room_id: Option<i64> = match &s.room {
                Some(number) => {
                    let id = self
                        .tx
                        .query_row(
                            "SELECT id FROM room WHERE site_id = ?1 AND number = ?2",
                            params![site_id, number],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if id.is_none() {
                        self.errors.push(ImportError::at(&roster.file, row.line, roster.columns.header(Column::Room), format!(
                            "考场 {number} 不在 {} 的座次表中 (room {number} is not on the site's seating list)", s.site
                        )));
                        continue;
                    }
                    id
                }
                None => None,
            };
            let n = self.tx.execute(
                "INSERT OR IGNORE INTO staff (id, name, role, site_id, room_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.id, s.name, s.role.code(), site_id, room_id],
            )?;
            if n == 0 {
                self.errors.push(ImportError::at(
                    &roster.file,
                    row.line,
                    roster.columns.header(Column::StaffId),
                    format!(
                        "工号 {} 已在数据库中 (staff number already in the database)",
                        s.id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Rooms whose candidates now outnumber their seats, counting what was stored before.
    fn over_capacity(&mut self, file: &str) -> Result<()> {
        let mut stmt = self.tx.prepare(
            "SELECT st.name, r.number, r.seats, count(*) FROM candidate c
             JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
             WHERE r.seats IS NOT NULL GROUP BY c.sitting_id, r.id HAVING count(*) > r.seats",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        for row in rows {
            let (site, room, seats, n) = row?;
            self.errors.push(ImportError::at(file, 0, "座位数", format!(
                "{site} {room} 考场有 {seats} 座，导入后将有 {n} 名考生 (room has {seats} seats but would seat {n} candidates)"
            )));
        }
        Ok(())
    }
}

/// A batch of files parsed and checked against each other, not yet written. Made without the
/// store, so that the app parses before it takes the store's lock (a big file never holds up the
/// door's other screens).
#[derive(Debug)]
pub struct PreparedImport<'f> {
    files: &'f [SourceFile],
    parsed: Vec<Parsed>,
}

impl<'f> PreparedImport<'f> {
    /// Parses every file and checks the batch; every problem is returned, nothing is written.
    pub fn parse(files: &'f [SourceFile], opts: &ImportOptions) -> Result<PreparedImport<'f>> {
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        for f in files {
            match parse(f) {
                Ok(p) => parsed.push(p),
                Err(e) => errors.extend(e),
            }
        }
        errors.extend(validate_batch(&parsed));
        let first = files.first().map(|f| f.name.as_str()).unwrap_or_default();
        if let Some(s) = &opts.create {
            errors.extend(
                sitting_problems(s)
                    .into_iter()
                    .map(|m| ImportError::at(first, 0, "", m)),
            );
        }
        if errors.is_empty()
            && let Some(glyphs) = &opts.glyphs
        {
            errors.extend(check_glyphs(&parsed, glyphs));
        }
        if !errors.is_empty() {
            return Err(StoreError::Import(errors));
        }
        Ok(PreparedImport { files, parsed })
    }
}

impl Store {
    /// Imports seating lists and rosters in one transaction. On any error nothing is written and
    /// every error is returned (each naming its file, line and field).
    pub fn import(&mut self, files: &[SourceFile], opts: &ImportOptions) -> Result<ImportReport> {
        self.import_prepared(PreparedImport::parse(files, opts)?, opts)
    }

    /// Writes a batch parsed by [`PreparedImport::parse`], all or nothing.
    pub fn import_prepared(
        &mut self,
        prepared: PreparedImport<'_>,
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let PreparedImport { files, parsed } = prepared;
        let first = files.first().map(|f| f.name.as_str()).unwrap_or_default();
        let tx = self.conn.transaction()?;
        if let Some(s) = &opts.create {
            match sitting_by_label(&tx, &s.label)? {
                None => {
                    insert_sitting(&tx, s, CHINA_OFFSET, opts.drill)?;
                }
                Some(stored) => {
                    if let Some(m) = differs(&stored.sitting, s) {
                        return Err(StoreError::Import(vec![ImportError::at(first, 0, "", m)]));
                    }
                }
            }
        }
        let labels = sitting_labels(&tx)?;
        let default_sitting = opts
            .sitting
            .clone()
            .or(opts.create.as_ref().map(|s| s.label.clone()))
            .or(match labels.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            });
        let mut batch = Batch {
            tx: &tx,
            errors: Vec::new(),
            default_sitting,
            photo_dir: opts.photo_dir.clone(),
            labels,
            sittings: HashMap::new(),
        };
        let mut report = ImportReport {
            files: Vec::new(),
            candidates: 0,
            staff: 0,
            warnings: Vec::new(),
        };
        // Seating lists first: rosters refer to their rooms.
        let mut order: Vec<(&Parsed, &SourceFile)> = parsed.iter().zip(files).collect();
        order.sort_by_key(|(p, _)| matches!(p, Parsed::Roster(_)));
        for (p, f) in order {
            let (kind, rows, sittings) = match p {
                Parsed::Seating(list) => {
                    let used = batch.seating(list)?;
                    report.candidates += list.rows.len();
                    ("seating-list", list.rows.len(), used)
                }
                Parsed::Roster(r) => {
                    batch.roster(r)?;
                    report.staff += r.rows.len();
                    ("roster", r.rows.len(), Vec::new())
                }
            };
            tx.execute(
                "INSERT INTO import_log (file, sha256, kind, rows, sitting) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![f.name, sha256_hex(&f.bytes), kind, rows as i64, sittings.join("、")],
            )?;
            report.files.push(ImportedFile {
                file: f.name.clone(),
                kind,
                rows,
                sittings,
            });
        }
        let last = files.last().map(|f| f.name.as_str()).unwrap_or_default();
        batch.over_capacity(last)?;
        let errors = std::mem::take(&mut batch.errors);
        if !errors.is_empty() {
            // Dropping the transaction rolls it back.
            return Err(StoreError::Import(errors));
        }
        crate::catalogue::catalogue_changed(&tx)?;
        tx.commit()?;
        report.warnings = self.staffing_warnings()?;
        Ok(report)
    }
}

fn sitting_labels(tx: &Transaction<'_>) -> Result<Vec<String>> {
    let mut stmt = tx.prepare("SELECT label FROM sitting ORDER BY date, label")?;
    let labels = stmt.query_map([], |r| r.get(0))?;
    Ok(labels.collect::<rusqlite::Result<_>>()?)
}

/// What is wrong with a sitting the import would create: a label that is empty or not one line,
/// an end not after the start.
fn sitting_problems(s: &Sitting) -> Vec<String> {
    let mut out = Vec::new();
    if s.label.trim().is_empty() {
        out.push("场次名称为空 (the sitting's label is empty)".to_string());
    } else if let Err(m) = sitting_label(&s.label) {
        out.push(m);
    }
    if s.end <= s.start {
        out.push(format!(
            "场次“{}”的结束时间 {} 不晚于开始时间 {} (the sitting ends at {}, not after it starts \
             at {})",
            s.label.trim(),
            s.end.format("%H:%M"),
            s.start.format("%H:%M"),
            s.end.format("%H:%M"),
            s.start.format("%H:%M"),
        ));
    }
    out
}

/// How a sitting named again differs from the stored one (date, times, paper), if it does. An
/// empty paper number means "not given".
fn differs(stored: &Sitting, named: &Sitting) -> Option<String> {
    let when = |s: &Sitting| {
        format!(
            "{} {}–{}",
            s.date.format("%Y-%m-%d"),
            s.start.format("%H:%M"),
            s.end.format("%H:%M")
        )
    };
    let paper_differs = !named.paper.is_empty() && named.paper != stored.paper;
    if stored.date == named.date
        && stored.start == named.start
        && stored.end == named.end
        && !paper_differs
    {
        return None;
    }
    let (a, b) = (when(stored), when(named));
    let (p, q) = (&stored.paper, &named.paper);
    Some(format!(
        "场次“{label}”已存在，为 {a} 试卷号 {p}，与指定的 {b} 试卷号 {q} 不同；请改用原有场次或换一个名称 \
         (sitting '{label}' exists as {a}, paper {p}, not {b}, paper {q}: use it as it is or give \
         another label)",
        label = stored.label
    ))
}
