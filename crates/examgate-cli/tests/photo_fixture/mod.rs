//! The photo-upload tests' fixture: an enrolled door device with real fallback photos, taken
//! through the door service (`examgate_door::Door`) on the demo exam, so the photos are the
//! stamped, signed JPEGs the door keeps and its own events name them. The server is the sync
//! tests' site server (the demo catalogue), the device a proctor of the demo's room 01.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};

use examgate_core::event::PhotoSource;
use examgate_door::{Door, PhotoTarget};
use examgate_store::Store;
use examgate_sync::Client;

use crate::support::site::{PROCTOR, SITE, SITTING};
use crate::support::{Served, device_db, enroll, link, text};

const ROOM: &str = "01";
const EXAM_TIME: &str = "2023-04-15T08:40:00+08:00";

/// A device database with photos taken, enrolled with a server.
pub struct Device {
    pub db: PathBuf,
    /// `(sha256, file path)` of each photo, in the order taken.
    pub photos: Vec<(String, PathBuf)>,
}

/// A `w`×`h` JPEG of noise: it compresses as badly as a camera's, so the photo spans chunks.
pub fn noisy_jpeg(w: usize, h: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    let pixels: Vec<u8> = (0..w * h * 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: turbojpeg::PixelFormat::RGB,
    };
    turbojpeg::compress(image, 92, turbojpeg::Subsamp::None)
        .unwrap()
        .to_vec()
}

/// A device `name` under `dir` with `count` fallback photos of `w`×(3/4 `w`) noise, enrolled with
/// `server` as a proctor of room 01.
pub fn device(dir: &Path, name: &str, server: &Served, count: usize, w: usize) -> Device {
    let db = device_db(dir, name);
    let mut photos = Vec::new();
    {
        let door = Door::open(&db).unwrap();
        door.load_demo().unwrap();
        door.set_clock(SITTING, Some(EXAM_TIME), None).unwrap();
        let proctor = PROCTOR.to_owned();
        let students = door.tally(SITTING, SITE, ROOM).unwrap().expected;
        for (i, student) in students.iter().take(count).enumerate() {
            let student = &student.student_number;
            door.begin_vouch(SITTING, student, &proctor).unwrap();
            let target = PhotoTarget {
                sitting: SITTING.into(),
                student: student.clone(),
                actor: proctor.clone(),
                source: PhotoSource::Camera,
                ..PhotoTarget::default()
            };
            let jpeg = noisy_jpeg(w, w * 3 / 4, i as u32 + name.len() as u32 * 31);
            door.take_photo(&target, &jpeg).unwrap();
            let path = db
                .parent()
                .unwrap()
                .join("photos")
                .join(SITTING)
                .join(format!("{student}.jpg"));
            let bytes = std::fs::read(&path).unwrap();
            photos.push((examgate_photo::sha256_hex(&bytes), path));
        }
    }
    let out = enroll(
        &db,
        &server.issue_at(&server.url, Some(ROOM), "proctor", PROCTOR),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    Device { db, photos }
}

impl Device {
    /// Points the device at `url` (a proxy in front of the server) instead.
    pub fn use_url(&self, url: &str) {
        let mut store = Store::open(&self.db).unwrap();
        let mut l = store.server_link().unwrap().unwrap();
        l.urls = vec![url.to_owned()];
        store.set_server_link(&l).unwrap();
    }

    pub fn client(&self, server: &Served) -> Client {
        server.client().with_token(link(&self.db).unwrap().token)
    }

    pub fn id(&self) -> String {
        Store::open(&self.db)
            .unwrap()
            .device_id()
            .unwrap()
            .to_string()
    }

    pub fn pending(&self) -> u64 {
        Store::open(&self.db).unwrap().pending_photos().unwrap()
    }

    pub fn sidecar(&self, i: usize) -> String {
        std::fs::read_to_string(examgate_photo::sidecar_path(&self.photos[i].1)).unwrap()
    }

    pub fn bytes(&self, i: usize) -> Vec<u8> {
        std::fs::read(&self.photos[i].1).unwrap()
    }

    /// `examgate sync --db DB`: events, clock, then photos.
    pub fn sync(&self) -> std::process::Output {
        crate::support::examgate(&["sync", "--db", self.db.to_str().unwrap()])
    }
}

/// What the server keeps: the complete photos (and sidecars) and the unfinished uploads.
pub fn server_files(server: &Served) -> (Vec<String>, Vec<String>) {
    let names = |d: PathBuf| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let photos = server.data.join("photos");
    (names(photos.clone()), names(photos.join("partial")))
}

/// The bytes of the complete photo `sha256` on the server.
pub fn held(server: &Served, sha256: &str) -> Option<Vec<u8>> {
    std::fs::read(server.data.join("photos").join(format!("{sha256}.jpg"))).ok()
}
