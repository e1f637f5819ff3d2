//! The clock the PIN lock-out runs on.
//!
//! A lock-out that ends at a wall-clock time ends early when someone sets the phone's clock
//! forward, and a proctor who wants to admit a friend could then guess PINs without limit. So a
//! lock also records the device's *boot clock* — time since the kernel booted, counting suspend
//! (`CLOCK_BOOTTIME` on Linux and Android), which no setting moves — with the kernel's boot id.
//! While the device has not rebooted, the lock ends when 5 minutes have passed on that clock,
//! whatever the wall clock says. The door reads both clocks from its `DeviceClock`, so tests set
//! them by hand.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, FixedOffset};

/// How long the lock lasts.
pub const LOCK_MINUTES: i64 = 5;

/// A reading of the device's boot clock: which boot, and how long since it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootReading {
    /// The kernel's id for this boot (`/proc/sys/kernel/random/boot_id`): new at every boot.
    pub boot_id: String,
    /// Time since that boot, counting suspend.
    pub since_boot: StdDuration,
}

impl BootReading {
    /// This device's boot clock now: `CLOCK_BOOTTIME` and the boot id. `None` when either cannot
    /// be read.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn system() -> Option<BootReading> {
        use nix::time::{ClockId, clock_gettime};
        let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let boot_id = boot_id.trim();
        if boot_id.is_empty() {
            return None;
        }
        let since_boot = StdDuration::from(clock_gettime(ClockId::CLOCK_BOOTTIME).ok()?);
        Some(BootReading {
            boot_id: boot_id.to_owned(),
            since_boot,
        })
    }

    /// Other platforms have no boot clock read here: the lock-out runs on the wall clock.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub fn system() -> Option<BootReading> {
        None
    }

    /// Time since boot in whole milliseconds, as stored.
    pub(crate) fn millis(&self) -> i64 {
        i64::try_from(self.since_boot.as_millis()).unwrap_or(i64::MAX)
    }

    /// A stored reading; `None` unless both halves are there and sane.
    pub(crate) fn stored(boot_id: Option<String>, millis: Option<i64>) -> Option<BootReading> {
        let since_boot = StdDuration::from_millis(u64::try_from(millis?).ok()?);
        Some(BootReading {
            boot_id: boot_id.filter(|b| !b.is_empty())?,
            since_boot,
        })
    }
}

/// The device's time as a PIN try reads it: its wall clock (which the user can set) and, where
/// there is one, its boot clock (which they cannot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceTime {
    pub wall: DateTime<FixedOffset>,
    pub boot: Option<BootReading>,
}

/// A wall time alone: the lock-out runs on the wall clock.
impl From<DateTime<FixedOffset>> for DeviceTime {
    fn from(wall: DateTime<FixedOffset>) -> DeviceTime {
        DeviceTime { wall, boot: None }
    }
}

/// A chief examiner's lock, as recorded when the 5th wrong PIN locked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lock {
    /// The wall time it ends at: the rule when the boot clock cannot tell.
    pub until: DateTime<FixedOffset>,
    /// The boot clock when it began, if the device had one.
    pub boot: Option<BootReading>,
}

impl Lock {
    /// A lock beginning at `now`.
    pub fn starting(now: &DeviceTime) -> Lock {
        Lock {
            until: now.wall + Duration::minutes(LOCK_MINUTES),
            boot: now.boot.clone(),
        }
    }

    /// How long this lock still holds at `now`; `None` once it has ended.
    ///
    /// On the same boot, the boot clock alone decides: setting the wall clock forward does not
    /// end the lock, and setting it back does not lengthen it. After a reboot (another boot id),
    /// or with no boot clock at the lock or now, the wall clock decides, as before: the lock
    /// ends at its wall time, later if the clock was set back. Someone could reboot and then set
    /// the clock forward, but a reboot costs a proctor at the door more time than the lock saves,
    /// and every try stays on the record with both clocks.
    pub fn remaining(&self, now: &DeviceTime) -> Option<Duration> {
        let left = match (&self.boot, &now.boot) {
            (Some(then), Some(at)) if then.boot_id == at.boot_id => {
                let elapsed = at.millis().saturating_sub(then.millis()).max(0);
                Duration::minutes(LOCK_MINUTES) - Duration::milliseconds(elapsed)
            }
            _ => self.until - now.wall,
        };
        (left > Duration::zero()).then_some(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn wall(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        cst.with_ymd_and_hms(2026, 11, 29, h, m, s).unwrap()
    }

    fn at(w: DateTime<FixedOffset>, boot: Option<(&str, u64)>) -> DeviceTime {
        DeviceTime {
            wall: w,
            boot: boot.map(|(id, secs)| BootReading {
                boot_id: id.into(),
                since_boot: StdDuration::from_secs(secs),
            }),
        }
    }

    #[test]
    fn on_one_boot_only_the_boot_clock_ends_the_lock() {
        let lock = Lock::starting(&at(wall(8, 40, 0), Some(("b1", 3600))));
        let forward = at(wall(9, 40, 0), Some(("b1", 3610)));
        assert_eq!(lock.remaining(&forward), Some(Duration::seconds(290)));
        let back = at(wall(7, 40, 0), Some(("b1", 3900)));
        assert_eq!(lock.remaining(&back), None);
        let almost = at(wall(8, 45, 0), Some(("b1", 3899)));
        assert_eq!(lock.remaining(&almost), Some(Duration::seconds(1)));
    }

    #[test]
    fn after_a_reboot_or_without_a_boot_clock_the_wall_clock_decides() {
        let lock = Lock::starting(&at(wall(8, 40, 0), Some(("b1", 10))));
        let rebooted = at(wall(8, 44, 0), Some(("b2", 7200)));
        assert_eq!(lock.remaining(&rebooted), Some(Duration::minutes(1)));
        assert_eq!(lock.remaining(&at(wall(8, 45, 0), Some(("b2", 30)))), None);
        assert_eq!(
            lock.remaining(&at(wall(8, 44, 30), None)),
            Some(Duration::seconds(30))
        );
        let wall_only = Lock::starting(&at(wall(8, 40, 0), None));
        assert_eq!(
            wall_only.remaining(&at(wall(8, 45, 0), Some(("b1", 0)))),
            None
        );
    }

    #[test]
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn the_system_boot_clock_reads_and_does_not_go_back() {
        let a = BootReading::system().unwrap();
        let b = BootReading::system().unwrap();
        assert_eq!(a.boot_id, b.boot_id);
        assert!(b.since_boot >= a.since_boot && a.since_boot > StdDuration::ZERO);
    }
}
