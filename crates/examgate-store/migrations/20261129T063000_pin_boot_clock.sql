-- The PIN lock-out runs on the device's boot clock (time since the kernel booted, counting
-- suspend), which no setting moves: a lock that ended at a wall-clock time ended early when the
-- phone's clock was set forward. A lock records the boot it began in and the boot clock then;
-- while the device has not rebooted, 5 minutes on that clock end it, whatever the wall clock says.
-- After a reboot (another boot id), or with no boot clock, `locked_until` (wall time) decides.
ALTER TABLE chief_pin ADD COLUMN locked_boot_id TEXT;   -- /proc/sys/kernel/random/boot_id
ALTER TABLE chief_pin ADD COLUMN locked_boot_ms INTEGER; -- CLOCK_BOOTTIME at the lock, in ms

-- Each try records the boot clock too, so a wall clock set forward between two tries shows.
ALTER TABLE pin_attempt ADD COLUMN boot_id TEXT;
ALTER TABLE pin_attempt ADD COLUMN boot_ms INTEGER;
