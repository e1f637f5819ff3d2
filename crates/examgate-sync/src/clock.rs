//! The device's clock against the server's, from the four timestamps of NTP: the device sends at
//! t1 (its clock), the server receives at t2 and answers at t3 (its clock), the device receives
//! at t4 (its clock). Whatever the network did, the true offset lies within half the round trip
//! of the estimate, so that half is the error bound the exports quote.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One exchange's four timestamps, microseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockSample {
    /// Device clock when the device sent the time request.
    pub t1_us: i64,
    /// Server clock when the server received it.
    pub t2_us: i64,
    /// Server clock when the server answered.
    pub t3_us: i64,
    /// Device clock when the device received the answer.
    pub t4_us: i64,
}

/// How far the device's clock is off, and how sure we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockOffset {
    /// Device clock minus server clock: positive means the device is ahead.
    pub device_ahead_us: i64,
    /// The true offset is within this many microseconds of `device_ahead_us` (half the round trip).
    pub error_us: i64,
}

/// Why a sample gives no offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("时间样本前后矛盾：往返时间为负 (the sample contradicts itself: negative round trip)")]
    NegativeRoundTrip,
    #[error("时间样本超出范围 (the sample's timestamps are out of range)")]
    OutOfRange,
}

/// The offset and its error bound: `device_ahead = ((t1 − t2) + (t4 − t3)) / 2`,
/// `error = ((t4 − t1) − (t3 − t2)) / 2`. A server that answered before it received, or a
/// device whose reply came before its request, is refused rather than averaged.
pub fn offset(s: ClockSample) -> Result<ClockOffset, ClockError> {
    let [t1, t2, t3, t4] = [s.t1_us, s.t2_us, s.t3_us, s.t4_us].map(i128::from);
    let round_trip = (t4 - t1) - (t3 - t2);
    if t3 < t2 || t4 < t1 || round_trip < 0 {
        return Err(ClockError::NegativeRoundTrip);
    }
    let ahead = ((t1 - t2) + (t4 - t3)).div_euclid(2);
    let error = (round_trip + 1).div_euclid(2);
    Ok(ClockOffset {
        device_ahead_us: i64::try_from(ahead).map_err(|_| ClockError::OutOfRange)?,
        error_us: i64::try_from(error).map_err(|_| ClockError::OutOfRange)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(t1: i64, t2: i64, t3: i64, t4: i64) -> ClockSample {
        ClockSample {
            t1_us: t1,
            t2_us: t2,
            t3_us: t3,
            t4_us: t4,
        }
    }

    #[test]
    fn a_device_ahead_by_two_minutes_over_a_symmetric_link_reads_two_minutes_within_half_the_round_trip()
     {
        let ahead = 120_000_000;
        // 10 ms each way, 5 ms at the server.
        let (t1, t2, t3) = (1_000_000 + ahead, 1_010_000, 1_015_000);
        let t4 = t3 + 10_000 + ahead;
        let got = offset(sample(t1, t2, t3, t4)).unwrap();
        assert_eq!(got.device_ahead_us, ahead);
        assert_eq!(got.error_us, 10_000);
    }

    #[test]
    fn a_device_behind_reads_negative() {
        let got = offset(sample(0, 5_000_000, 5_000_000, 0)).unwrap();
        assert_eq!(got.device_ahead_us, -5_000_000);
        assert_eq!(got.error_us, 0);
    }

    #[test]
    fn an_asymmetric_link_stays_within_the_error_bound() {
        // True offset 0; 30 ms out, 2 ms back.
        let got = offset(sample(0, 30_000, 31_000, 33_000)).unwrap();
        assert!(got.device_ahead_us.abs() <= got.error_us, "{got:?}");
        assert_eq!(got.error_us, 16_000);
    }

    #[test]
    fn a_sample_whose_answer_precedes_its_request_is_refused() {
        assert_eq!(
            offset(sample(0, 10, 5, 20)),
            Err(ClockError::NegativeRoundTrip)
        );
        assert_eq!(
            offset(sample(100, 10, 20, 50)),
            Err(ClockError::NegativeRoundTrip)
        );
        // The server claims more time than the device saw pass.
        assert_eq!(
            offset(sample(0, 0, 1_000, 10)),
            Err(ClockError::NegativeRoundTrip)
        );
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let got = offset(sample(i64::MIN, i64::MAX, i64::MAX, i64::MIN));
        assert_eq!(got, Err(ClockError::OutOfRange));
        let got = offset(sample(i64::MAX - 1, i64::MIN, i64::MIN, i64::MAX)).unwrap_err();
        assert_eq!(got, ClockError::OutOfRange);
    }
}
