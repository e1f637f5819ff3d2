//! The room's own acts in the played demo day (`examgate demo --play`), kept apart from the
//! candidates' acts in [`crate::play`]: the timeline ticked, a substitute proctor approved, a
//! conflict between the two doors settled, a closing item waived and every room closed. Each goes
//! through the store method the door uses, the chief examiner's acts with the chief's PIN typed
//! at the door device (so each carries a recorded PIN try, as at a real door).

use chrono::{DateTime, FixedOffset};
use examgate_core::door::DoorAct;
use examgate_core::event::Outcome;
use examgate_core::timeline_steps::TimelineStep;
use examgate_store::{AtRoom, Store};

use crate::play::{SITTING, at};
use crate::play_devices::{Device, Trust, pass};

/// The PIN the played chief examiners set on the door devices they type it at.
pub const CHIEF_PIN: &str = "864209";

/// Sets the chief's PIN on `store` (a standalone door device) unless it has one.
pub fn chief_pin_on(
    store: &mut Store,
    chief: &str,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    if !store.has_pin(chief)? {
        store.set_pin(chief, CHIEF_PIN, false, now)?;
    }
    Ok(())
}

/// `by` ticks `step` of the room's timeline at `now` on `store`.
pub fn tick(
    store: &mut Store,
    site: &str,
    room: &str,
    by: &str,
    step: TimelineStep,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let at = AtRoom {
        sitting: SITTING,
        site,
        room,
    };
    store.tick_step(at, by, step, now)?;
    Ok(())
}

/// The chief, with their PIN at `store`, approves the substitute `proctor` signed in at the room.
pub fn approve_substitute(
    store: &mut Store,
    site: &str,
    room: &str,
    proctor: &str,
    chief: &str,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    chief_pin_on(store, chief, now)?;
    let at = AtRoom {
        sitting: SITTING,
        site,
        room,
    };
    store.approve_substitute(at, proctor, chief, CHIEF_PIN, now)?;
    Ok(())
}

/// The chief settles the two doors' disagreement about `student` as admitted: the documents,
/// checked again, match.
pub fn settle_conflict(
    store: &mut Store,
    student: &str,
    chief: &str,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    chief_pin_on(store, chief, now)?;
    let act = DoorAct::Resolve {
        outcome: Outcome::Admitted { manual: false },
    };
    store.decide_with_pin(SITTING, student, chief, CHIEF_PIN, &act, now)?;
    Ok(())
}

/// Why the played chief waives what is left open in a room (the violations not yet ticked).
pub const WAIVER_REASON: &str =
    "一平台当日无法登录，违规已书面上报，次日补录 (the platform was down; reported on paper)";

/// Closes the room after the end: the chief waives, with their PIN, each item still open (when
/// `waive`), then `proctor` closes it. Refuses to play on when anything stays open.
#[allow(
    clippy::too_many_arguments,
    reason = "the room, who closes, who waives, and when each acts"
)]
pub fn close(
    store: &mut Store,
    site: &str,
    room: &str,
    proctor: &str,
    chief: &str,
    waive: bool,
    waive_at: DateTime<FixedOffset>,
    close_at: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let open: Vec<_> = store
        .room_closing(SITTING, site, room)?
        .items
        .into_iter()
        .filter(|e| e.waiver.is_none())
        .map(|e| e.item)
        .collect();
    if waive && !open.is_empty() {
        chief_pin_on(store, chief, waive_at)?;
        for item in &open {
            store.waive_with_pin(
                SITTING,
                site,
                room,
                chief,
                CHIEF_PIN,
                item,
                WAIVER_REASON,
                waive_at,
            )?;
        }
    }
    store.close_room(SITTING, site, room, proctor, close_at)?;
    Ok(())
}

/// After the end on the room's two doors: the last sync between them, the end ticked, the room
/// closed by `proctor` (with `waive`, what is still open waived by the chief first), recording
/// stopped.
pub fn after_end(
    doors: &mut [Device; 2],
    (site, room): (&str, &str),
    proctor: &str,
    chief: &str,
    waive: bool,
    trust: &Trust,
) -> anyhow::Result<()> {
    let [a, b] = doors;
    pass(b, a, trust, at(10, 30))?;
    tick(
        &mut a.store,
        site,
        room,
        proctor,
        TimelineStep::End,
        at(11, 0),
    )?;
    close(
        &mut a.store,
        site,
        room,
        proctor,
        chief,
        waive,
        at(11, 2),
        at(11, 5),
    )?;
    tick(
        &mut a.store,
        site,
        room,
        proctor,
        TimelineStep::RecordingMayStop,
        at(11, 30),
    )?;
    Ok(())
}
