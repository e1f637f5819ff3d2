//! From the store to the archives: the sitting's emergency photos grouped by site, each site's
//! archive name and the manifest rows, read from the event log and the catalog.
//!
//! A photo's decision is the first approval or rejection (or a resolution) recorded after its
//! request that names the request among its parents; its chief examiner is that event's actor.
//! Times are the exam time the act was decided at (what the photo's stamp shows), else the
//! device's clock, in the sitting's zone. A candidate whose devices are in conflict
//! ([`crate::conflict`]) is a problem of their site's archive; one without a photo still gets a
//! manifest row (no file), so `--allow-incomplete` lists them too. With the site server's clock
//! measurements ([`plan_with`]) each row's 设备时钟偏差 is filled ([`crate::clock`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use examgate_core::event::{Event, EventKind};
use examgate_store::{SittingInfo, Store, StoreError};

use crate::clock::{ClockSample, nearest, offset_text};
use crate::conflict::conflicts;
use crate::manifest::Row;
use crate::name::{NameError, archive_name, given_name, order_in_term};
use crate::problem::{Fault, Problem};
use crate::select::{Entry, PhotoKind, name_entries, photo_records};

/// One site's archive, ready to write.
#[derive(Debug, Clone)]
pub struct SitePlan {
    pub site: String,
    /// The file name, `.zip` included.
    pub name: String,
    pub entries: Vec<Entry>,
    /// The manifest's rows: one per entry, in the same order, then one per candidate in conflict
    /// who has no photo.
    pub rows: Vec<Row>,
    /// The site's candidates in conflict: they refuse the archive unless `--allow-incomplete`.
    pub conflicts: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("考次 {sitting} 没有考点 {site} 的考生 (no candidate of this site in the sitting)")]
    NoSuchSite { sitting: String, site: String },
}

fn when(e: &Event, zone: FixedOffset) -> String {
    let t: DateTime<FixedOffset> = e.exam_time.unwrap_or(e.wall);
    t.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn decision_of<'a>(request: &Event, log: &'a [Event]) -> Option<&'a Event> {
    log.iter().find(|e| {
        e.candidate == request.candidate
            && e.hlc > request.hlc
            && e.parents.contains(&request.id)
            && matches!(
                e.kind,
                EventKind::ManualVerificationApproved
                    | EventKind::ManualVerificationRejected { .. }
                    | EventKind::ConflictResolved { .. }
            )
    })
}

fn decision_text(e: &Event) -> String {
    match &e.kind {
        EventKind::ManualVerificationApproved => "通过 (approved)".into(),
        EventKind::ManualVerificationRejected { note } if note.is_empty() => {
            "不通过 (rejected)".into()
        }
        EventKind::ManualVerificationRejected { note } => format!("不通过 (rejected): {note}"),
        EventKind::ConflictResolved { .. } => "冲突已裁定 (conflict resolved)".into(),
        _ => String::new(),
    }
}

/// The archives of `sitting`: one per site (only `site` when given), named by the notice's rule
/// or `name` when given.
pub fn plan(
    store: &Store,
    sitting: &str,
    site: Option<&str>,
    name: Option<&str>,
) -> Result<Vec<SitePlan>, PlanError> {
    plan_with(store, sitting, site, name, &[])
}

/// [`plan`], with the site server's clock measurements of its devices for the 设备时钟偏差
/// column (none on a device's database: the column stays empty).
pub fn plan_with(
    store: &Store,
    sitting: &str,
    site: Option<&str>,
    name: Option<&str>,
    clocks: &[ClockSample],
) -> Result<Vec<SitePlan>, PlanError> {
    let info: SittingInfo = store.sitting(sitting)?;
    let order = order_in_term(&info, &store.sittings()?);
    let log = store.sitting_events(sitting)?;
    let zone = info.offset;
    let mut by_site: BTreeMap<String, Vec<(Entry, Row)>> = BTreeMap::new();
    let mut staff_names: HashMap<String, HashMap<String, String>> = HashMap::new();
    for entry in name_entries(photo_records(&log)) {
        let request = &entry.record.event;
        let listed = store.candidate(sitting, entry.record.student())?;
        if site.is_some_and(|s| s != listed.site) {
            continue;
        }
        let names = match staff_names.get(&listed.site) {
            Some(n) => n,
            None => {
                let n = store
                    .staff(&listed.site, None)?
                    .into_iter()
                    .map(|s| (s.id, s.name))
                    .collect();
                staff_names.entry(listed.site.clone()).or_insert(n)
            }
        };
        let who = |id: &str| match names.get(id) {
            Some(n) => format!("{n} ({id})"),
            None => id.to_string(),
        };
        // A count-check photo needs no decision: it records who was there.
        let needs_decision = entry.record.kind == PhotoKind::ManualVerification;
        let decision = decision_of(request, &log).filter(|_| needs_decision);
        let row = Row {
            student: entry.record.student().to_string(),
            name: listed.name.clone(),
            room: listed.room.clone(),
            seat: listed.seat.to_string(),
            kind: entry.record.kind.label().to_string(),
            face: listed.face.label(),
            stamped: when(request, zone),
            clock_offset: nearest(clocks, request.device, request.wall.to_utc())
                .map(|c| offset_text(c, zone))
                .unwrap_or_default(),
            proctor: who(&request.actor),
            chief: decision.map(|d| who(&d.actor)).unwrap_or_default(),
            decision: match decision {
                Some(d) => decision_text(d),
                None if needs_decision => "待主考决定 (pending)".into(),
                None => String::new(),
            },
            decided: decision.map(|d| when(d, zone)).unwrap_or_default(),
            sha256: entry.record.photo.sha256.clone(),
            signer: entry.record.photo.public_key.clone(),
            device: request.device.to_string(),
            file: entry.name.clone(),
        };
        by_site
            .entry(listed.site.clone())
            .or_default()
            .push((entry, row));
    }
    let mut disputed: BTreeMap<String, (Vec<Row>, Vec<Problem>)> = BTreeMap::new();
    for c in conflicts(&log) {
        let listed = store.candidate(sitting, &c.student)?;
        if site.is_some_and(|s| s != listed.site) {
            continue;
        }
        let (rows, problems) = disputed.entry(listed.site.clone()).or_default();
        let has_photo = by_site
            .get(&listed.site)
            .is_some_and(|items| items.iter().any(|(_, r)| r.student == c.student));
        if !has_photo {
            rows.push(Row {
                student: c.student.clone(),
                name: listed.name.clone(),
                room: listed.room.clone(),
                seat: listed.seat.to_string(),
                face: listed.face.label(),
                ..Row::default()
            });
        }
        problems.push(Problem {
            student: c.student.clone(),
            file: String::new(),
            sha256: String::new(),
            fault: Fault::Conflict {
                room: listed.room.clone(),
                outcomes: c.outcomes_text(),
            },
        });
        by_site.entry(listed.site).or_default();
    }
    if let Some(s) = site
        && by_site.is_empty()
    {
        // A site with no photo still gets its (empty) archive when it is in the catalog.
        if !store.sites()?.iter().any(|x| x.name == s) {
            return Err(PlanError::NoSuchSite {
                sitting: sitting.into(),
                site: s.into(),
            });
        }
        by_site.insert(s.to_string(), Vec::new());
    }
    let mut plans = Vec::new();
    for (site, items) in by_site {
        let file = match name {
            Some(n) => given_name(n)?,
            None => archive_name(&site, info.sitting.date, order.clone()?)?,
        };
        let (entries, mut rows): (Vec<Entry>, Vec<Row>) = items.into_iter().unzip();
        let (extra, conflicts) = disputed.remove(&site).unwrap_or_default();
        rows.extend(extra);
        plans.push(SitePlan {
            site,
            name: file,
            entries,
            rows,
            conflicts,
        });
    }
    Ok(plans)
}
