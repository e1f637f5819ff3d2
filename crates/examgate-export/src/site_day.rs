//! One site's day as the office's reports read it (annex 5, the day's report, the post-exam check
//! list): each room's candidates with the state their events fold to, its latest count check and
//! the proctors who signed in (the substitutes among them, approved or not) and its close, the
//! chief examiner's rulings (closing waivers, conflicts settled), the site's violations as last edited, the entry photos already
//! checked after the exam, and the roster's names. Read once from the store, so the three
//! workbooks of a site tell the same story.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use examgate_core::event::{Event, EventKind};
use examgate_core::model::Role;
use examgate_core::room_day::{
    CountCheck, ViolationRecord, count_checks, post_exam_checked, proctors_present,
    violations_until,
};
use examgate_core::room_presence::room_presence;
use examgate_core::timeline::post_exam_check_deadline;
use examgate_store::{ListedCandidate, RoomInfo, SittingInfo, Store, StoreError};

use crate::rulings::{RoomClose, Ruling, room_close, rulings};

/// Why a site's reports cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("考次 {sitting} 没有考点 {site} 的考生 (no candidate of this site in the sitting)")]
    NoSuchSite { sitting: String, site: String },
    #[error("考点名 {0:?} 含有路径字符或控制字符 (the site's name could make a path)")]
    PathInSite(String),
    #[error("考次日期 {0} 之后无法计算核验截止日 (no post-exam check deadline after this date)")]
    NoDeadline(NaiveDate),
    #[error("无法生成表格 (cannot make the workbook): {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("无法写入 (cannot write) {0}")]
    Io(#[from] std::io::Error),
}

/// A room of the site and what its day left in the log.
#[derive(Debug, Clone)]
pub struct RoomDay {
    pub room: RoomInfo,
    /// The room's list, by seat, each with their folded state.
    pub candidates: Vec<ListedCandidate>,
    pub count_check: Option<CountCheck>,
    /// Staff numbers of the proctors who signed in, in order.
    pub proctors: Vec<String>,
    /// The substitutes among them (not on the room's roster), each with the chief examiner who
    /// approved them, when one did.
    pub substitutes: BTreeMap<String, Option<String>>,
    /// The room's close, when it was closed.
    pub closed: Option<RoomClose>,
}

impl RoomDay {
    /// The proctors who count toward the staffing rule: those on the roster, and the substitutes
    /// a chief examiner approved.
    pub fn proctors_counted(&self) -> usize {
        self.proctors
            .iter()
            .filter(|p| self.substitutes.get(*p).is_none_or(Option::is_some))
            .count()
    }
}

/// A violation with the seat of its candidate.
#[derive(Debug, Clone)]
pub struct SiteViolation {
    pub room: String,
    pub seat: u32,
    pub name: String,
    pub record: ViolationRecord,
}

/// Everything the site's reports print.
#[derive(Debug, Clone)]
pub struct SiteDay {
    pub sitting: SittingInfo,
    pub site: String,
    pub rooms: Vec<RoomDay>,
    /// The site's violations as last edited, in the order they were first recorded.
    pub violations: Vec<SiteViolation>,
    /// Students whose entry photo the chief examiner marked checked (考后核验).
    pub checked: BTreeSet<String>,
    /// The emergency photo file of each candidate's latest manual-verification request.
    pub manual_photos: HashMap<String, String>,
    /// The chief examiners' waivers at the rooms' close and the conflicts they settled.
    pub rulings: Vec<Ruling>,
    /// The roster: staff number → name.
    pub names: HashMap<String, String>,
    /// The last day of the post-exam check.
    pub deadline: NaiveDate,
}

impl SiteDay {
    /// A roster name for a staff number, or the number itself when the roster lacks it.
    pub fn name_of(&self, staff: &str) -> String {
        self.names
            .get(staff)
            .cloned()
            .unwrap_or_else(|| staff.to_string())
    }

    /// The title's common part: `<site> <exam>（<sitting>）`.
    pub fn heading(&self) -> String {
        format!(
            "{} {}（{}）",
            self.site, self.sitting.sitting.exam, self.sitting.sitting.label
        )
    }
}

/// The sites of `sitting` that seat a candidate (only `site` when given), in name order.
pub fn report_sites(
    store: &Store,
    sitting: &str,
    site: Option<&str>,
) -> Result<Vec<String>, ReportError> {
    let mut sites = Vec::new();
    for s in store.sites()? {
        if site.is_some_and(|only| only != s.name) {
            continue;
        }
        if store
            .rooms(sitting, &s.name)?
            .iter()
            .any(|r| r.candidates > 0)
        {
            sites.push(s.name);
        }
    }
    match site {
        Some(only) if sites.is_empty() => Err(ReportError::NoSuchSite {
            sitting: sitting.to_string(),
            site: only.to_string(),
        }),
        _ => Ok(sites),
    }
}

fn latest_manual_photos(log: &[Event]) -> HashMap<String, String> {
    let mut requests: Vec<&Event> = log
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ManualVerificationRequested { .. }))
        .collect();
    requests.sort_by_key(|e| (e.hlc, e.id));
    requests
        .into_iter()
        .filter_map(|e| Some((e.student().to_string(), e.kind.photo()?.file.clone())))
        .collect()
}

/// Reads `site`'s day of `sitting` from the store (`log` is the sitting's events).
pub fn site_day(
    store: &Store,
    sitting: &SittingInfo,
    site: &str,
    log: &[Event],
) -> Result<SiteDay, ReportError> {
    let label = &sitting.sitting.label;
    let checks = count_checks(log);
    let present = proctors_present(log);
    let staff = store.staff(site, None)?;
    let chiefs: BTreeSet<String> = staff
        .iter()
        .filter(|s| s.role == Role::ChiefExaminer)
        .map(|s| s.id.clone())
        .collect();
    let is_chief = |id: &str| chiefs.contains(id);
    let mut rooms = Vec::new();
    for room in store.rooms(label, site)? {
        if room.candidates == 0 {
            continue;
        }
        let key = (site.to_string(), room.number.clone());
        let presence = room_presence(log, site, &room.number, &is_chief);
        rooms.push(RoomDay {
            substitutes: presence
                .signed_in
                .into_values()
                .filter(|p| p.substitute)
                .map(|p| (p.staff, p.approved_by))
                .collect(),
            closed: room_close(log, site, &room.number),
            candidates: store.room_candidates(label, site, &room.number)?,
            count_check: checks.get(&key).cloned(),
            proctors: present
                .get(&key)
                .map(|p| p.iter().cloned().collect())
                .unwrap_or_default(),
            room,
        });
    }
    let seated: HashMap<&str, (&str, u32, &str)> = rooms
        .iter()
        .flat_map(|r| {
            r.candidates.iter().map(|c| {
                (
                    c.student_number.as_str(),
                    (r.room.number.as_str(), c.seat, c.name.as_str()),
                )
            })
        })
        .collect();
    // A room's violations are final at its close: a later record (an offline device's edit
    // arriving by sync) does not change the report.
    let closes = examgate_core::closing::closes(log);
    let closed = |student: &str| {
        let (room, _, _) = seated.get(student)?;
        closes.get(&(site.to_string(), room.to_string())).copied()
    };
    let violations = violations_until(log, closed)
        .into_iter()
        .filter_map(|record| {
            let (room, seat, name) = *seated.get(record.student.as_str())?;
            Some(SiteViolation {
                room: room.to_string(),
                seat,
                name: name.to_string(),
                record,
            })
        })
        .collect();
    let students: Vec<(String, BTreeSet<String>)> = rooms
        .iter()
        .map(|r| {
            let of = r.candidates.iter().map(|c| c.student_number.clone());
            (r.room.number.clone(), of.collect())
        })
        .collect();
    let rulings = rulings(log, site, &students, &chiefs);
    let deadline = post_exam_check_deadline(sitting.sitting.date)
        .ok_or(ReportError::NoDeadline(sitting.sitting.date))?;
    Ok(SiteDay {
        sitting: sitting.clone(),
        site: site.to_string(),
        violations,
        checked: post_exam_checked(log),
        manual_photos: latest_manual_photos(log),
        rulings,
        names: staff.into_iter().map(|s| (s.id, s.name)).collect(),
        deadline,
        rooms,
    })
}
