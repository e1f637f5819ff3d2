//! The stamp's font: a configured file, or the best system font that covers every character.
//!
//! A missing glyph draws nothing (or an empty box), which on a photo that is evidence would
//! silently drop part of the address. So coverage is checked before anything is drawn, and the
//! error names the characters and the Debian package that has them. In a .ttc collection the face
//! index matters (Noto CJK: JP is face 0, SC face 2), so faces are ranked, not just files.

use std::fmt;
use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontRef, FontVec};
use fontdb::{Database, Language, Style};

use crate::error::{Error, Result};

/// Where the stamp's font comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontSource {
    /// Search the system's fonts (fontconfig's folders) for one covering the stamp.
    System,
    /// This font file (.ttf/.otf/.ttc); in a collection, the best face covering the stamp.
    File(PathBuf),
}

impl From<Option<PathBuf>> for FontSource {
    /// `Some(file)` is that file, `None` the system search.
    fn from(file: Option<PathBuf>) -> FontSource {
        file.map_or(FontSource::System, FontSource::File)
    }
}

/// A loaded font face known to cover a given text.
pub struct StampFont {
    font: FontVec,
    name: String,
    path: Option<PathBuf>,
    index: u32,
}

impl fmt::Debug for StampFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StampFont")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("index", &self.index)
            .finish()
    }
}

impl StampFont {
    /// Finds and loads a face from `source` that covers every character of `text`.
    ///
    /// Load it once (with the room's site and address as `text`) and reuse it: a system search
    /// reads every installed font's character map.
    pub fn find(source: &FontSource, text: &str) -> Result<StampFont> {
        let db = load(source)?;
        let best = best_face(&db, text)?;
        let missing = best.missing;
        if !missing.is_empty() {
            return Err(missing_glyphs(&best.name, &missing));
        }
        let info = db.face(best.id).ok_or_else(|| Error::FontFile {
            path: PathBuf::from(&best.name),
            reason: "face vanished".into(),
        })?;
        let path = match &info.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
            fontdb::Source::Binary(_) => None,
        };
        let data = db
            .with_face_data(best.id, |data, _| data.to_vec())
            .ok_or_else(|| Error::FontFile {
                path: path.clone().unwrap_or_default(),
                reason: "无法读取 (cannot be read)".into(),
            })?;
        let font =
            FontVec::try_from_vec_and_index(data, info.index).map_err(|e| Error::FontFile {
                path: path.clone().unwrap_or_default(),
                reason: e.to_string(),
            })?;
        Ok(StampFont {
            font,
            name: best.name,
            path,
            index: info.index,
        })
    }

    /// The characters of `text` that the face [`StampFont::find`] would pick from `source`
    /// cannot draw (empty when it can draw them all), without loading that face. What an import
    /// asks before it accepts an address the stamp will have to draw.
    pub fn uncovered(source: &FontSource, text: &str) -> Result<Vec<char>> {
        let db = load(source)?;
        Ok(best_face(&db, text).map_or_else(|_| wanted(text), |best| best.missing))
    }

    /// The characters of `text` this face cannot draw (whitespace aside), in order, once each.
    pub fn missing(&self, text: &str) -> Vec<char> {
        missing_in(&self.font, text)
    }

    /// Fails with [`Error::MissingGlyphs`] unless every character of `text` can be drawn.
    pub fn check(&self, text: &str) -> Result<()> {
        let missing = self.missing(text);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing_glyphs(&self.name, &missing))
        }
    }

    /// The face's family name (English), e.g. "WenQuanYi Micro Hei".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The font file, when the face came from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The face index inside the file (non-zero only in collections).
    pub fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn font(&self) -> &FontVec {
        &self.font
    }
}

fn missing_glyphs(font: &str, missing: &[char]) -> Error {
    const SHOWN: usize = 40;
    let mut list: String = missing
        .iter()
        .take(SHOWN)
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if missing.len() > SHOWN {
        list.push_str(&format!(
            " …（共 {} 个 / {} in all）",
            missing.len(),
            missing.len()
        ));
    }
    Error::MissingGlyphs {
        font: font.to_owned(),
        missing: list,
    }
}

/// The faces `source` offers; a file that holds none is refused as not a font.
fn load(source: &FontSource) -> Result<Database> {
    let mut db = Database::new();
    match source {
        FontSource::System => db.load_system_fonts(),
        FontSource::File(path) => {
            db.load_font_file(path).map_err(|e| Error::FontFile {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            if db.is_empty() {
                return Err(Error::FontFile {
                    path: path.clone(),
                    reason: "不是字体文件 (not a font file)".into(),
                });
            }
        }
    }
    Ok(db)
}

fn wanted(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

fn missing_in(font: &impl Font, text: &str) -> Vec<char> {
    let mut seen = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if font.glyph_id(c).0 == 0 && !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}

struct Candidate {
    id: fontdb::ID,
    name: String,
    missing: Vec<char>,
    rank: (usize, u8, u8, u8, u8, u16),
}

/// The face with the fewest missing characters; among complete ones, a Simplified-Chinese,
/// upright, sans, proportional face of medium weight is preferred (a monospaced face, such as
/// face 1 of wqy-microhei.ttc, spreads the Latin digits of the time and student number wide).
/// Ties go to the alphabetically first name, then the first face, so the choice is stable.
fn best_face(db: &Database, text: &str) -> Result<Candidate> {
    let chars: String = wanted(text).into_iter().collect();
    let mut best: Option<Candidate> = None;
    for face in db.faces() {
        let Some(Some(missing)) = db.with_face_data(face.id, |data, index| {
            FontRef::try_from_slice_and_index(data, index)
                .ok()
                .map(|f| missing_in(&f, &chars))
        }) else {
            continue;
        };
        let name = face
            .families
            .first()
            .map_or_else(|| face.post_script_name.clone(), |(n, _)| n.clone());
        let simplified = face.families.iter().any(|(n, lang)| {
            *lang == Language::Chinese_PeoplesRepublicOfChina
                || n.split_whitespace().any(|w| w == "SC")
        });
        let sans = ["Sans", "Hei", "黑"].iter().any(|k| name.contains(k));
        let mono = face.monospaced || name.split_whitespace().any(|w| w == "Mono");
        let rank = (
            missing.len(),
            u8::from(!simplified),
            u8::from(face.style != Style::Normal),
            u8::from(!sans),
            u8::from(mono),
            face.weight.0.abs_diff(500),
        );
        let better = best
            .as_ref()
            .is_none_or(|b| (rank, &name) < (b.rank, &b.name));
        if better {
            best = Some(Candidate {
                id: face.id,
                name,
                missing,
                rank,
            });
        }
    }
    best.ok_or_else(|| missing_glyphs("(none installed)", &wanted(text)))
}
