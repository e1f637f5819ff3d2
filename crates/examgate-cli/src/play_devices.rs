//! The devices of a played-out exam day (`examgate demo --play`): each a real store of its own
//! with its own key, in its own folder, taking real stamped and signed photos, and passing its
//! signed events to the others as a sync would. Nothing here is a mock of the door: the acts go
//! through the store's own rules, the photos through the photo pipeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use ed25519_dalek::VerifyingKey;
use examgate_core::event::{PhotoRef, PhotoSource};
use examgate_core::signed::SignedEvent;
use examgate_photo::{DeviceKey, FontSource, Metadata, Options, StampFont};
use examgate_store::{ListedCandidate, Store};
use uuid::Uuid;

/// One played device: a door at a room, or a chief examiner's phone.
pub struct Device {
    pub name: String,
    pub store: Store,
    key: DeviceKey,
    photos: PathBuf,
}

impl Device {
    /// A device in `dir` with the demo exam loaded, as a device synced with the catalogue has it.
    pub fn open(dir: &Path, name: &str) -> anyhow::Result<Device> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut store = Store::open(dir.join("door.db"))?;
        examgate_demo::load(&mut store)?;
        let key = DeviceKey::load_or_create(&dir.join("device-key.pem"))?;
        Ok(Device {
            name: name.into(),
            store,
            key,
            photos: dir.join("photos"),
        })
    }

    pub fn id(&self) -> anyhow::Result<Uuid> {
        Ok(self.store.device_id()?)
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.signing_key().verifying_key()
    }

    /// The public key in the form `--trust` reads, with a comment naming the device.
    pub fn trust_line(&self) -> anyhow::Result<String> {
        Ok(format!(
            "{}  # {} {}",
            self.key.public_key(),
            self.id()?,
            self.name
        ))
    }

    /// Every event this device recorded, signed with its key (what a push sends).
    pub fn signed(&mut self) -> anyhow::Result<Vec<SignedEvent>> {
        Ok(self
            .store
            .own_signed_after(0, usize::MAX, self.key.signing_key())?)
    }

    /// Stamps `jpeg` for `listed` at exam time `at`, signs it with this device's key and stores
    /// it under this device's `photos/<folder>/`.
    pub fn photo(
        &self,
        folder: &str,
        listed: &ListedCandidate,
        at: DateTime<FixedOffset>,
        jpeg: &[u8],
        font: &mut Option<StampFont>,
    ) -> anyhow::Result<PhotoRef> {
        let meta = Metadata::new(
            &listed.student_number,
            at,
            &listed.site,
            &listed.room,
            &listed.room_address,
            &listed.seat.to_string(),
        )?;
        let font = match font {
            Some(f) if f.check(&meta.stamp_text()).is_ok() => f,
            slot => slot.insert(StampFont::find(&FontSource::System, &meta.stamp_text())?),
        };
        let stored = examgate_photo::take_photo(
            jpeg,
            &meta,
            font,
            &self.key,
            &self.photos.join(folder),
            &Options::default(),
        )?;
        Ok(stored.photo_ref(PhotoSource::Camera))
    }

    /// The folder this device keeps its photos in.
    pub fn photo_root(&self) -> &Path {
        &self.photos
    }
}

/// The keys of every played device, by device id: what each receiver trusts.
pub struct Trust(HashMap<Uuid, VerifyingKey>);

impl Trust {
    pub fn of(devices: &[&Device]) -> anyhow::Result<Trust> {
        let mut keys = HashMap::new();
        for d in devices {
            keys.insert(d.id()?, d.verifying_key());
        }
        Ok(Trust(keys))
    }

    pub fn key(&self, device: Uuid) -> Option<VerifyingKey> {
        self.0.get(&device).copied()
    }
}

/// Passes `from`'s own signed events to `to`, as a sync through the site server would.
pub fn pass(
    from: &mut Device,
    to: &mut Device,
    trust: &Trust,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let batch = from.signed()?;
    to.store.receive(&batch, &|d| trust.key(d), now)?;
    Ok(())
}

/// A generated picture of a candidate and a proctor at a seat: two figures on a room-coloured
/// background, different for every `seed`, so no two demo photos have the same bytes.
pub fn picture(seed: u64, w: usize, h: usize) -> anyhow::Result<Vec<u8>> {
    let mut pixels = vec![0u8; w * h * 3];
    let tint = (seed.wrapping_mul(2_654_435_761) % 97) as usize;
    let figures = [(w / 3, [200u8, 60, 60]), (2 * w / 3, [60, 90, 200])];
    for (i, p) in pixels.chunks_exact_mut(3).enumerate() {
        let (x, y) = (i % w, i / w);
        p.copy_from_slice(&[
            (150 + (x * 60 / w) + tint % 40) as u8,
            (150 + (y * 60 / h)) as u8,
            (170 + (tint % 50)) as u8,
        ]);
        for (cx, colour) in figures {
            let head = (x as i64 - cx as i64).pow(2) + (y as i64 - (h / 3) as i64).pow(2);
            let body = x.abs_diff(cx) < w / 10 && y > h / 2;
            if head < ((h / 10) as i64).pow(2) || body {
                p.copy_from_slice(&colour);
            }
        }
    }
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: turbojpeg::PixelFormat::RGB,
    };
    Ok(turbojpeg::compress(image, 90, turbojpeg::Subsamp::Sub2x2)?.to_vec())
}

/// Copies every photo and signature under `from/<sitting folder>/` into `to/<sitting folder>/`;
/// returns how many photos.
pub fn copy_photos(from: &Path, to: &Path) -> anyhow::Result<usize> {
    let mut photos = 0;
    let Ok(folders) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    for folder in folders {
        let folder = folder?;
        let into = to.join(folder.file_name());
        examgate_photo::create_private_dir_all(&into)?;
        for file in std::fs::read_dir(folder.path())? {
            let file = file?;
            let name = file.file_name();
            std::fs::copy(file.path(), into.join(&name))
                .with_context(|| format!("cannot copy {}", file.path().display()))?;
            if name.to_string_lossy().ends_with(".jpg") {
                photos += 1;
            }
        }
    }
    Ok(photos)
}
