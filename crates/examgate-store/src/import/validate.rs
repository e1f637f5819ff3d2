//! Checks across all files of one import: what no single row can show.
//!
//! One pass over the rows with hash maps keyed by borrowed text (rooms, sites and sittings are
//! numbered on first sight), so a 10 000-row batch costs milliseconds. Each conflict is reported once, at the later line, naming the earlier one
//! ("also at FILE:LINE"). Candidates and seats are scoped by sitting label, since both sittings
//! reuse the same rooms and seats; rooms and sites are not: an address is the same on either day.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use examgate_core::documents::mask;
use examgate_core::model::Role;

use super::headers::{Column, Columns};
use super::{ImportError, Parsed, Roster, SeatingList};

/// Problems across the files of one import. Staffing (rooms short of proctors) is not checked
/// here: it depends on the database's state, not only on the batch.
pub fn validate_batch(files: &[Parsed]) -> Vec<ImportError> {
    let mut check = Batch::default();
    for (index, parsed) in files.iter().enumerate() {
        if let Parsed::Seating(list) = parsed {
            check.seating(index, list);
        }
    }
    check.capacity();
    for (index, parsed) in files.iter().enumerate() {
        if let Parsed::Roster(roster) = parsed {
            check.roster(index, roster);
        }
    }
    let Batch { mut errors, .. } = check;
    errors.sort_by_key(|(order, _)| *order);
    errors.into_iter().map(|(_, e)| e).collect()
}

/// Where a row is: its file's position in the batch (for ordering), the file's name and the line.
#[derive(Debug, Clone, Copy)]
struct At<'a> {
    index: usize,
    file: &'a str,
    line: usize,
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

type Sitting<'a> = Option<&'a str>;

/// A candidate in a room: where the row is, its file's headers, and the seat.
type Occupant<'a> = (At<'a>, &'a Columns, u32);

/// Numbers keys in order of first appearance. Rows come grouped by room, so the last key is
/// checked first: most rows then cost a string comparison, not a hash.
#[derive(Debug)]
struct Interner<K> {
    map: HashMap<K, usize>,
    last: Option<(K, usize)>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Interner {
            map: HashMap::new(),
            last: None,
        }
    }
}

impl<K: Hash + Eq + Copy> Interner<K> {
    /// The key's number, and whether it is new.
    fn intern(&mut self, key: K) -> (usize, bool) {
        if let Some((k, i)) = self.last
            && k == key
        {
            return (i, false);
        }
        let next = self.map.len();
        let (i, new) = match self.map.entry(key) {
            Entry::Occupied(e) => (*e.get(), false),
            Entry::Vacant(e) => (*e.insert(next), true),
        };
        self.last = Some((key, i));
        (i, new)
    }

    fn get(&self, key: &K) -> Option<usize> {
        self.map.get(key).copied()
    }
}

/// The first address (and seat count) given for a room or site, and the other values already
/// reported, so a room given two addresses is reported once per value, not once per candidate.
#[derive(Debug)]
struct Place<'a> {
    name: &'a str,
    address: (&'a str, At<'a>),
    seats: Option<(u32, At<'a>)>,
    reported_addresses: Vec<&'a str>,
    reported_seats: Vec<u32>,
}

impl<'a> Place<'a> {
    fn new(name: &'a str, address: &'a str, seats: Option<u32>, at: At<'a>) -> Self {
        Place {
            name,
            address: (address, at),
            seats: seats.map(|n| (n, at)),
            reported_addresses: Vec::new(),
            reported_seats: Vec::new(),
        }
    }

    /// The first address, when `address` differs from it and was not reported yet.
    fn other_address(&mut self, address: &'a str) -> Option<(&'a str, At<'a>)> {
        if address == self.address.0 || self.reported_addresses.contains(&address) {
            return None;
        }
        self.reported_addresses.push(address);
        Some(self.address)
    }

    /// The first seat count, when `seats` differs from it and was not reported yet.
    fn other_seats(&mut self, seats: Option<u32>, at: At<'a>) -> Option<(u32, At<'a>)> {
        let seats = seats?;
        let Some(first) = self.seats else {
            self.seats = Some((seats, at));
            return None;
        };
        if seats == first.0 || self.reported_seats.contains(&seats) {
            return None;
        }
        self.reported_seats.push(seats);
        Some(first)
    }
}

/// A room in one sitting: where seats and occupancy are counted.
#[derive(Debug)]
struct Slot<'a> {
    sitting: Sitting<'a>,
    room: usize,
    occupants: Vec<Occupant<'a>>,
}

#[derive(Debug, Default)]
struct Batch<'a> {
    errors: Vec<((usize, usize), ImportError)>,
    sittings: Vec<Sitting<'a>>,
    students: HashMap<(usize, &'a str), At<'a>>,
    /// Keyed by (sitting, document number): the student number that holds it, and where.
    documents: HashMap<(usize, &'a str), (&'a str, At<'a>)>,
    /// Keyed by (slot, seat).
    seats: HashMap<(usize, u32), (&'a str, At<'a>)>,
    slot_ids: Interner<(usize, &'a str, &'a str)>,
    slots: Vec<Slot<'a>>,
    room_ids: Interner<(&'a str, &'a str)>,
    rooms: Vec<Place<'a>>,
    site_ids: Interner<&'a str>,
    sites: Vec<Place<'a>>,
    staff: HashMap<&'a str, At<'a>>,
}

impl<'a> Batch<'a> {
    fn report(&mut self, at: At<'a>, field: &str, message: String) {
        let error = ImportError::at(at.file, at.line, field, message);
        self.errors.push(((at.index, at.line), error));
    }

    fn sitting(&mut self, sitting: Sitting<'a>) -> usize {
        match self.sittings.iter().position(|s| *s == sitting) {
            Some(i) => i,
            None => {
                self.sittings.push(sitting);
                self.sittings.len() - 1
            }
        }
    }

    fn seating(&mut self, index: usize, list: &'a SeatingList) {
        let cols = &list.columns;
        self.students.reserve(list.rows.len());
        self.seats.reserve(list.rows.len());
        for row in &list.rows {
            let at = At {
                index,
                file: &list.file,
                line: row.line,
            };
            let c = &row.candidate;
            let sitting = row.sitting.as_deref();
            let sitting_id = self.sitting(sitting);
            let number = c.student_number.as_str();

            match self.students.entry((sitting_id, number)) {
                Entry::Vacant(e) => {
                    e.insert(at);
                }
                Entry::Occupied(e) => {
                    let first = *e.get();
                    self.report(
                        at,
                        cols.header(Column::StudentNumber),
                        format!(
                            "学号 {number} 重复{}，另见 {first} (duplicate student number \
                             {number}{}; also at {first})",
                            in_sitting_zh(sitting),
                            in_sitting_en(sitting)
                        ),
                    );
                }
            }

            self.document(at, cols, sitting_id, number, &c.document_number);

            let room = self.room(at, cols, row);
            let (slot, new) = self.slot_ids.intern((sitting_id, &c.site, &c.room));
            if new {
                self.slots.push(Slot {
                    sitting,
                    room,
                    occupants: Vec::new(),
                });
            }
            match self.seats.entry((slot, c.seat)) {
                Entry::Vacant(e) => {
                    e.insert((number, at));
                }
                // The same student twice is already reported as a duplicate student number.
                Entry::Occupied(e) if e.get().0 == number => {}
                Entry::Occupied(e) => {
                    let first = e.get().1;
                    self.report(
                        at,
                        cols.header(Column::Seat),
                        format!(
                            "考场 {} 的 {} 号座位重复，另见 {first} (seat {} in room {} is taken \
                             twice; also at {first})",
                            c.room, c.seat, c.seat, c.room
                        ),
                    );
                }
            }
            if let Some(s) = self.slots.get_mut(slot) {
                s.occupants.push((at, cols, c.seat));
            }
            self.site(at, cols, &c.site, &row.site_address);
        }
    }

    /// One document number is one person: two student numbers with it in a sitting are two
    /// lines for one person (or a typo), and the door could not tell them apart by ID.
    fn document(
        &mut self,
        at: At<'a>,
        cols: &Columns,
        sitting_id: usize,
        student: &'a str,
        document: &'a str,
    ) {
        match self.documents.entry((sitting_id, document)) {
            Entry::Vacant(e) => {
                e.insert((student, at));
            }
            // The same student twice is reported as a duplicate student number.
            Entry::Occupied(e) if e.get().0 == student => {}
            Entry::Occupied(e) => {
                let (first_student, first) = *e.get();
                let masked = mask(document);
                self.report(
                    at,
                    cols.header(Column::DocumentNumber),
                    format!(
                        "证件号码 {masked} 已属于 {first} 的考生 {first_student}：两名考生不能共用一个证件 \
                         (document number {masked} is also at {first}, for student \
                         {first_student}: two students cannot share one ID)"
                    ),
                );
            }
        }
    }

    /// The same room must have one address and one seat count across the batch.
    fn room(&mut self, at: At<'a>, cols: &Columns, row: &'a super::SeatingRow) -> usize {
        let c = &row.candidate;
        let (id, new) = self.room_ids.intern((&c.site, &c.room));
        if new {
            self.rooms
                .push(Place::new(&c.room, &row.room_address, row.room_seats, at));
            return id;
        }
        let Some(place) = self.rooms.get_mut(id) else {
            return id;
        };
        let other_address = place.other_address(&row.room_address);
        let other_seats = place.other_seats(row.room_seats, at);
        if let Some((first, first_at)) = other_address {
            self.report(
                at,
                cols.header(Column::RoomAddress),
                format!(
                    "考场 {room} 的地址“{}”与 {first_at} 的“{first}”不同 (room {room} has another \
                     address at {first_at})",
                    row.room_address,
                    room = c.room,
                ),
            );
        }
        if let (Some((n, first_at)), Some(m)) = (other_seats, row.room_seats) {
            self.report(
                at,
                cols.header(Column::Seats),
                format!(
                    "考场 {room} 的座位数 {m} 与 {first_at} 的 {n} 不同 (room {room} has {m} seats \
                     here, {n} at {first_at})",
                    room = c.room,
                ),
            );
        }
        id
    }

    fn site(&mut self, at: At<'a>, cols: &Columns, site: &'a str, address: &'a str) {
        let (id, new) = self.site_ids.intern(site);
        if new {
            self.sites.push(Place::new(site, address, None, at));
            return;
        }
        let other = self
            .sites
            .get_mut(id)
            .and_then(|p| p.other_address(address));
        if let Some((first, first_at)) = other {
            self.report(
                at,
                cols.header(Column::SiteAddress),
                format!(
                    "考点 {site} 的地址“{address}”与 {first_at} 的“{first}”不同 \
                     (site {site} has another address at {first_at})"
                ),
            );
        }
    }

    /// Rooms with a seat count: no more candidates than seats, no seat number beyond it.
    fn capacity(&mut self) {
        let mut over = Vec::new();
        for slot in &self.slots {
            let Some(room) = self.rooms.get(slot.room) else {
                continue;
            };
            let Some((seats, given)) = room.seats else {
                continue;
            };
            let name = room.name;
            for &(at, cols, seat) in slot.occupants.iter().filter(|o| o.2 > seats) {
                over.push((
                    at,
                    cols.header(Column::Seat).to_string(),
                    format!(
                        "座位号 {seat} 超出考场 {name} 的座位数 {seats}（见 {given}） (seat {seat} \
                         is beyond room {name}'s {seats} seats, given at {given})"
                    ),
                ));
            }
            let n = slot.occupants.len();
            if let Some(&(at, cols, _)) = slot.occupants.get(seats as usize) {
                over.push((
                    at,
                    cols.header(Column::Seats).to_string(),
                    format!(
                        "考场 {name} 有 {n} 名考生{}，超过座位数 {seats}（见 {given}）；从此行起超额 \
                         (room {name} has {n} candidates{}, more than its {seats} seats given at \
                         {given}; this is the first one over)",
                        in_sitting_zh(slot.sitting),
                        in_sitting_en(slot.sitting)
                    ),
                ));
            }
        }
        for (at, field, message) in over {
            self.report(at, &field, message);
        }
    }

    fn roster(&mut self, index: usize, roster: &'a Roster) {
        let cols = &roster.columns;
        for row in &roster.rows {
            let at = At {
                index,
                file: &roster.file,
                line: row.line,
            };
            let s = &row.staff;
            match self.staff.entry(&s.id) {
                Entry::Vacant(e) => {
                    e.insert(at);
                }
                Entry::Occupied(e) => {
                    let first = *e.get();
                    self.report(
                        at,
                        cols.header(Column::StaffId),
                        format!(
                            "工号 {id} 重复，另见 {first} (duplicate staff id {id}; also at {first})",
                            id = s.id
                        ),
                    );
                }
            }
            // Only a site whose seating list is in this batch tells which rooms exist.
            if let (Role::Proctor, Some(room)) = (s.role, &s.room)
                && self.site_ids.get(&s.site.as_str()).is_some()
                && self
                    .room_ids
                    .get(&(s.site.as_str(), room.as_str()))
                    .is_none()
            {
                self.report(
                    at,
                    cols.header(Column::Room),
                    format!(
                        "考点 {site} 的座次表中没有考场 {room} (no seating list of site {site} has \
                         room {room})",
                        site = s.site
                    ),
                );
            }
        }
    }
}

fn in_sitting_zh(sitting: Sitting<'_>) -> String {
    sitting.map_or(String::new(), |s| format!("（场次 {s}）"))
}

fn in_sitting_en(sitting: Sitting<'_>) -> String {
    sitting.map_or(String::new(), |s| format!(" in sitting {s}"))
}
