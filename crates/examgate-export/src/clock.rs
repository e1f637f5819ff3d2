//! The manifest's 设备时钟偏差: how far the signing device's clock was from the site server's
//! when it took the photo, so the office can tell how much a stamped time can be trusted.
//!
//! The site server measures a device's offset at every sync (NTP's four timestamps; device minus
//! server, and an error bound of half the round trip) and keeps every measurement
//! (`server_clock`). The one used is the device's measurement nearest in time to the act that
//! took the photo (the event's device time; an offset is seconds, the syncs minutes apart, so
//! comparing a device time with server times cannot pick the wrong sync by more than one). A
//! device's own database has no such history: the caller passes none and the column stays empty.

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

/// One measurement of a device's clock by the site server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSample {
    pub device: Uuid,
    /// When the server measured it (server clock).
    pub at: DateTime<Utc>,
    /// Device clock minus server clock, µs: positive when the device is ahead.
    pub device_ahead_us: i64,
    /// The true offset is within this many µs of `device_ahead_us`.
    pub error_us: i64,
}

/// The measurement of `device` nearest to `when` (the earlier of two equally near).
pub fn nearest(samples: &[ClockSample], device: Uuid, when: DateTime<Utc>) -> Option<&ClockSample> {
    samples
        .iter()
        .filter(|s| s.device == device)
        .min_by_key(|s| ((s.at - when).abs(), s.at))
}

/// As the manifest writes it: `+1.250 s ±0.004 s (2023-04-15 08:52:10)`, the offset and its
/// bound in seconds and the time it was measured, in the sitting's zone.
pub fn offset_text(sample: &ClockSample, zone: FixedOffset) -> String {
    let seconds = |us: i64| {
        let sign = if us < 0 { "-" } else { "+" };
        let us = us.unsigned_abs();
        format!("{sign}{}.{:03}", us / 1_000_000, (us % 1_000_000) / 1_000)
    };
    let bound = seconds(sample.error_us);
    format!(
        "{} s ±{} s ({})",
        seconds(sample.device_ahead_us),
        bound.trim_start_matches('+'),
        sample.at.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(device: u128, at: &str, ahead: i64) -> ClockSample {
        ClockSample {
            device: Uuid::from_u128(device),
            at: DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&Utc),
            device_ahead_us: ahead,
            error_us: 4_200,
        }
    }

    #[test]
    fn the_measurement_nearest_the_photo_of_the_same_device_is_the_one_written() {
        let samples = [
            sample(1, "2023-04-15T08:00:00+08:00", 1_000_000),
            sample(1, "2023-04-15T09:00:00+08:00", -2_500_000),
            sample(2, "2023-04-15T08:40:00+08:00", 9_000_000),
        ];
        let when = DateTime::parse_from_rfc3339("2023-04-15T08:41:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let got = nearest(&samples, Uuid::from_u128(1), when).unwrap();
        let zone = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(
            offset_text(got, zone),
            "-2.500 s ±0.004 s (2023-04-15 09:00:00)"
        );
        assert!(nearest(&samples, Uuid::from_u128(3), when).is_none());
    }
}
