//! `examgate demo --play`: the demo exam's first sitting played out, so every export and every
//! screen has a realistic day to show. Each room has two door devices and each site a chief
//! examiner's phone, all real stores with their own keys (see [`crate::play_devices`]):
//!
//! - 08:05 the room's proctors sign in, split between the two doors, and tick the timeline's
//!   steps as each comes due (the first site's first room forgets "notice read", a missed step);
//!   in the first site's second room one proctor is ill and a proctor of the third room signs in
//!   as a substitute, approved by the chief with the PIN at 08:10 (the third room runs one short);
//! - 08:30–08:58 most candidates are admitted, seats alternating between the doors; two per room
//!   fail face recognition and are vouched for with a stamped, signed photo; in the second room
//!   of each site one is refused for documents that do not match; in each site's first room the
//!   two doors disagree about one candidate (one admits, the other refuses);
//! - 09:10 the doors sync with the chief, who approves the vouches (in each site's first room
//!   rejects one), and settles the disagreement with the PIN at 09:20 as admitted;
//! - 09:30 the count check: the platform counted everyone admitted except those who passed only
//!   by manual verification, and each of them gets the count check's photo;
//! - 09:31 one latecomer per room is refused; 09:32 the rest are marked absent;
//! - 09:50 a violation in two rooms, one edited on the other door to tick "marked on the
//!   platform".
//! - 11:05 every room is closed after the end; in each site's third room the chief first waives,
//!   with the PIN and a reason, the violation not yet ticked on the platform (11:02).
//!
//! At the end every device's signed events go into the target database (as into a site server)
//! and every photo with its signature into `photos/<sitting folder>/` beside it; the devices'
//! keys are written to `demo-device-keys.txt` for `--trust`. The day is fixed: the same seed gives
//! the same acts (ids, keys and so the bytes of photos differ between runs).

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::event::{RefusalReason, Violation, ViolationCategory};
use examgate_core::fold::CandidateState;
use examgate_core::model::Role;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_photo::StampFont;
use examgate_store::Store;

use crate::play_close::{approve_substitute, settle_conflict, tick};
use crate::play_devices::{Device, Trust, copy_photos, pass, picture};
use examgate_core::timeline_steps::TimelineStep;

/// The sitting played.
pub const SITTING: &str = "2023春 第一次";
/// The keys of the played devices, beside the database.
pub const KEYS_FILE: &str = "demo-device-keys.txt";

/// What the day recorded.
#[derive(Debug, Default)]
pub struct Played {
    pub devices: usize,
    pub events: usize,
    pub photos: usize,
    pub keys: PathBuf,
}

/// `h:m`, China time, on the played sitting's day.
pub fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    let local = NaiveDate::from_ymd_opt(2023, 4, 15)
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .unwrap_or_default();
    let utc = local - TimeDelta::seconds(CHINA_OFFSET.local_minus_utc().into());
    CHINA_OFFSET.from_utc_datetime(&utc)
}

/// One room's day on its two doors.
struct Room {
    site: String,
    number: String,
    index: usize,
    doors: [Device; 2],
    /// Who is there: the roster less anyone ill, with a substitute.
    present: Vec<String>,
    /// The proctor signed in as a substitute, when one is.
    substitute: Option<String>,
    chief: String,
    /// Whether the room is in the played exam's first site.
    first_site: bool,
    /// The candidate the two doors disagree about.
    conflict: Option<String>,
    /// Those vouched for, by student number.
    vouched: Vec<String>,
}

/// Plays the day into `target` (the demo exam already loaded), with the devices' folders under
/// `work` and the photos under `photos/` beside the target database `db`.
pub fn play(db: &Path, target: &mut Store, work: &Path) -> anyhow::Result<Played> {
    let folder = examgate_door::photo_folder_name(SITTING);
    let mut font: Option<StampFont> = None;
    let mut played = Played::default();
    let mut all: Vec<Device> = Vec::new();
    for (site_index, site) in target.sites()?.into_iter().enumerate() {
        let chief_id = target
            .staff(&site.name, None)?
            .into_iter()
            .find(|s| s.role == Role::ChiefExaminer)
            .context("the demo site has no chief examiner")?
            .id;
        let mut chief = Device::open(&work.join(format!("{}-chief", site.name)), "主考")?;
        let mut rooms = Vec::new();
        for (index, room) in target.rooms(SITTING, &site.name)?.into_iter().enumerate() {
            let doors = [
                Device::open(
                    &work.join(format!("{}-{}-A", site.name, room.number)),
                    &format!("{} 考场 {} 门口 A", site.name, room.number),
                )?,
                Device::open(
                    &work.join(format!("{}-{}-B", site.name, room.number)),
                    &format!("{} 考场 {} 门口 B", site.name, room.number),
                )?,
            ];
            let proctors: Vec<String> = target
                .staff(&site.name, Some(&room.number))?
                .into_iter()
                .filter(|s| s.role == Role::Proctor && s.room.is_some())
                .map(|s| s.id)
                .collect();
            let mut r = Room {
                site: site.name.clone(),
                number: room.number,
                index,
                doors,
                present: proctors,
                substitute: None,
                chief: chief_id.clone(),
                first_site: site_index == 0,
                conflict: None,
                vouched: Vec::new(),
            };
            if site_index == 0 && index == 2 {
                // The substitute in the room before came from here: this room runs one short.
                if let Some(moved) = rooms.last().and_then(|p: &Room| p.substitute.clone()) {
                    r.present.retain(|p| *p != moved);
                }
            }
            if site_index == 0 && index == 1 && r.present.len() > 1 {
                // One proctor is ill; the third room's last proctor stands in.
                r.present.pop();
                let third = target
                    .rooms(SITTING, &site.name)?
                    .get(2)
                    .map(|n| n.number.clone());
                if let Some(third) = third {
                    r.substitute = target
                        .staff(&site.name, Some(&third))?
                        .into_iter()
                        .filter(|s| s.role == Role::Proctor && s.room.is_some())
                        .map(|s| s.id)
                        .next_back();
                }
            }
            morning(&mut r, &folder, &mut font)?;
            rooms.push(r);
        }
        // 09:10: the doors sync; the chief decides; the decisions reach the doors.
        let mut devices: Vec<&Device> = vec![&chief];
        devices.extend(rooms.iter().flat_map(|r| r.doors.iter()));
        let trust = Trust::of(&devices)?;
        for r in &mut rooms {
            for d in &mut r.doors {
                pass(d, &mut chief, &trust, at(9, 10))?;
            }
        }
        for r in &rooms {
            for (i, student) in r.vouched.iter().enumerate() {
                let act = if r.index == 0 && i == 1 {
                    DoorAct::Reject {
                        note:
                            "合影中的考生与报名照片不像，请核实 (not like the registration photo)"
                                .into(),
                    }
                } else {
                    DoorAct::Approve
                };
                chief
                    .store
                    .act(SITTING, student, &chief_id, &act, at(9, 12))?;
            }
        }
        for r in &mut rooms {
            let [a, b] = &mut r.doors;
            pass(&mut chief, a, &trust, at(9, 15))?;
            pass(&mut chief, b, &trust, at(9, 15))?;
            pass(b, a, &trust, at(9, 15))?;
            pass(a, b, &trust, at(9, 15))?;
            if let Some(student) = &r.conflict {
                settle_conflict(&mut a.store, student, &r.chief, at(9, 20))?;
            }
            afternoon(r, &folder, &mut font, &trust)?;
            crate::play_close::after_end(
                &mut r.doors,
                (&r.site, &r.number),
                &r.present[0],
                &r.chief,
                r.index == 2,
                &trust,
            )?;
        }
        all.push(chief);
        all.extend(rooms.into_iter().flat_map(|r| r.doors));
    }
    // Everything reaches the target, as a site server would hold it.
    let refs: Vec<&Device> = all.iter().collect();
    let trust = Trust::of(&refs)?;
    let mut keys = String::from("# examgate 演示设备公钥 (the played devices' keys)\n");
    for d in &mut all {
        let batch = d.signed()?;
        played.events += batch.len();
        target.receive(&batch, &|id| trust.key(id), at(11, 45))?;
        played.photos += copy_photos(d.photo_root(), &data_dir(db).join("photos"))?;
        keys.push_str(&d.trust_line()?);
        keys.push('\n');
    }
    played.devices = all.len();
    played.keys = data_dir(db).join(KEYS_FILE);
    std::fs::write(&played.keys, keys)
        .with_context(|| format!("cannot write {}", played.keys.display()))?;
    Ok(played)
}

fn data_dir(db: &Path) -> PathBuf {
    db.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Sign-ins, admissions, vouches with photos and a refusal, on the room's two doors.
fn morning(r: &mut Room, folder: &str, font: &mut Option<StampFont>) -> anyhow::Result<()> {
    for (i, p) in r.present.iter().enumerate() {
        r.doors[i % 2]
            .store
            .sign_in_proctor(SITTING, &r.site, &r.number, p, at(8, 5))?;
    }
    let (site, number, first) = (r.site.clone(), r.number.clone(), r.present[0].clone());
    let a = &mut r.doors[0].store;
    if let Some(sub) = &r.substitute {
        a.sign_in_proctor(SITTING, &site, &number, sub, at(8, 6))?;
        approve_substitute(a, &site, &number, sub, &r.chief, at(8, 10))?;
        r.present.push(sub.clone());
    }
    tick(
        a,
        &site,
        &number,
        &first,
        TimelineStep::StaffInRoom,
        at(8, 5),
    )?;
    // The first site's first room forgets to tick "notice read": a missed step.
    if !(r.index == 0 && r.first_site) {
        tick(a, &site, &number, &first, TimelineStep::Notice, at(8, 30))?;
    }
    let listed = r.doors[0]
        .store
        .room_candidates(SITTING, &r.site, &r.number)?;
    let n = listed.len();
    for (i, c) in listed.iter().enumerate() {
        // The last three never come in the morning: one latecomer and two absent.
        if i + 3 >= n {
            continue;
        }
        let door = i % 2;
        let proctor = r.present[door % r.present.len()].clone();
        let when = at(8, 30 + (i % 28) as u32);
        if i == 2 || i == 5 {
            let jpeg = picture((r.index * 100 + i) as u64 + c.seat as u64 * 7, 1280, 960)?;
            let d = &mut r.doors[0];
            let photo = d.photo(folder, c, when, &jpeg, font)?;
            d.store.act(
                SITTING,
                &c.student_number,
                &r.present[0],
                &DoorAct::Vouch {
                    photo,
                    face: Some(examgate_core::event::FaceFailure::Environment),
                },
                when,
            )?;
            r.vouched.push(c.student_number.clone());
        } else if i == 7 && r.index == 1 {
            let act = DoorAct::Refuse {
                reason: RefusalReason::DocumentMismatch,
            };
            r.doors[door]
                .store
                .act(SITTING, &c.student_number, &proctor, &act, when)?;
        } else {
            r.doors[door]
                .store
                .act(SITTING, &c.student_number, &proctor, &DoorAct::Admit, when)?;
            if i == 9 && r.index == 0 {
                // The other door, not yet synced, refuses the same candidate: a conflict.
                let act = DoorAct::Refuse {
                    reason: RefusalReason::DocumentMismatch,
                };
                let other = r.present[(door + 1) % r.present.len()].clone();
                r.doors[(door + 1) % 2].store.act(
                    SITTING,
                    &c.student_number,
                    &other,
                    &act,
                    when,
                )?;
                r.conflict = Some(c.student_number.clone());
            }
        }
    }
    let first = r.present[0].clone();
    tick(
        &mut r.doors[0].store,
        &r.site,
        &r.number,
        &first,
        TimelineStep::Start,
        at(9, 0),
    )?;
    Ok(())
}

/// The count check and its photos, the latecomer, the absences and the violations.
fn afternoon(
    r: &mut Room,
    folder: &str,
    font: &mut Option<StampFont>,
    trust: &Trust,
) -> anyhow::Result<()> {
    let proctor = r.present[0].clone();
    tick(
        &mut r.doors[0].store,
        &r.site,
        &r.number,
        &proctor,
        TimelineStep::LateCutoff,
        at(9, 31),
    )?;
    let listed = r.doors[0]
        .store
        .room_candidates(SITTING, &r.site, &r.number)?;
    let admitted = listed
        .iter()
        .filter(|c| matches!(c.state, CandidateState::Admitted { .. }))
        .count();
    let manual: Vec<_> = listed
        .iter()
        .filter(|c| c.state == CandidateState::Admitted { manual: true })
        .collect();
    let platform = u32::try_from(admitted - manual.len()).unwrap_or(0);
    let a = &mut r.doors[0];
    a.store
        .record_count_check(SITTING, &r.site, &r.number, &proctor, platform, at(9, 31))?;
    for c in &manual {
        let jpeg = picture(c.seat as u64 * 31 + r.index as u64, 1280, 960)?;
        let photo = a.photo(folder, c, at(9, 33), &jpeg, font)?;
        a.store
            .record_count_check_photo(SITTING, &c.student_number, &proctor, photo, at(9, 33))?;
    }
    if let Some(late) = listed.last() {
        a.store.act(
            SITTING,
            &late.student_number,
            &proctor,
            &DoorAct::Admit,
            at(9, 31),
        )?;
    }
    a.store
        .mark_remaining_absent(SITTING, &r.site, &r.number, &proctor, at(9, 32))?;
    if r.index == 1 {
        return Ok(());
    }
    let Some(c) = listed
        .iter()
        .find(|c| c.state == CandidateState::Admitted { manual: false })
    else {
        return Ok(());
    };
    let cheating = r.index == 0;
    let violation = Violation {
        category: if cheating {
            ViolationCategory::Cheating
        } else {
            ViolationCategory::Disturbance
        },
        what: if cheating {
            "开考后使用手机查询答案".into()
        } else {
            "大声喧哗，经劝阻后停止".into()
        },
        at: at(9, 48),
        proctors: r.present.clone(),
        platform_marked: false,
    };
    let first = a.store.record_violation(
        SITTING,
        &c.student_number,
        &proctor,
        violation.clone(),
        None,
        at(9, 50),
    )?;
    if cheating {
        // The other door ticks "marked on the platform" once it has the record.
        let [a, b] = &mut r.doors;
        pass(a, b, trust, at(9, 55))?;
        let ticked = Violation {
            platform_marked: true,
            ..violation
        };
        let other = r.present[1 % r.present.len()].clone();
        b.store.record_violation(
            SITTING,
            &c.student_number,
            &other,
            ticked,
            Some(first.id),
            at(10, 0),
        )?;
    }
    Ok(())
}
