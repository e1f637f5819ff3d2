//! How many proctors a room needs (DOMAIN.md, "Rooms"): a standard room of 25 or 30 seats needs 2;
//! any other room needs 2 per 30 seats, rounded up to a whole 30 (43 → 4, 66 → 6).

/// Proctors a room of `seats` seats needs.
pub fn proctors_needed(seats: u32) -> u32 {
    match seats {
        25 | 30 => 2,
        _ => 2 * seats.div_ceil(30).max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_rooms_need_two_proctors() {
        assert_eq!(proctors_needed(25), 2);
        assert_eq!(proctors_needed(30), 2);
    }

    #[test]
    fn other_rooms_need_two_per_started_thirty_seats() {
        assert_eq!(proctors_needed(43), 4);
        assert_eq!(proctors_needed(66), 6);
        assert_eq!(proctors_needed(60), 4);
        assert_eq!(proctors_needed(61), 6);
        assert_eq!(proctors_needed(12), 2);
    }

    #[test]
    fn an_empty_room_still_has_two_at_the_door() {
        assert_eq!(proctors_needed(0), 2);
    }
}
