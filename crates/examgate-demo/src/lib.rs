//! The demo exam: the notice's three sites with their real addresses, rooms of 25, 30 and 43
//! seats, a few hundred generated candidates holding valid numbers of every document kind, and a
//! roster with the proctors each room needs and a chief examiner per site.
//!
//! It is produced as the same CSV files an office would import and goes through the real import,
//! so the demo exercises the path real data takes. Generation is seeded: every run is identical.
//!
//! It lives outside the store so that the store never depends on it: the store's own integration
//! tests take it as a dev-dependency, and it is free to grow into playing out a whole exam day
//! through the door.

use chrono::{NaiveDate, NaiveTime};
use examgate_core::documents::{DocumentKind, check_character};
use examgate_core::model::Sitting;
use examgate_core::staffing::proctors_needed;

use examgate_store::import::SourceFile;
use examgate_store::{ImportOptions, ImportReport, Result, Store};

/// (site, address, region code for its candidates' ID numbers)
pub const SITES: [(&str, &str, &str); 3] = [
    (
        "湖北开放大学开放教育学院",
        "湖北省武汉市东湖新技术开发区软件园路2号(湖北科技职业学院关山校区)",
        "420111",
    ),
    ("襄阳电大校本部", "襄阳市襄城区尹集东街东街66号", "420602"),
    ("宜昌电大校本部", "宜昌市西陵区果园一路3号", "420502"),
];

/// Seat counts of each site's rooms: two standard rooms and one that needs four proctors.
pub const ROOM_SEATS: [u32; 3] = [25, 30, 43];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "文", "华", "建国", "晓燕", "志强", "海燕", "婷",
    "欣怡",
];

/// The columns of a seating list and of a roster, as an office exports them.
const SEATING_HEADER: [&str; 10] = [
    "学号",
    "姓名",
    "证件类型",
    "证件号码",
    "考点",
    "考点地址",
    "考场",
    "考场地址",
    "座位数",
    "座位号",
];
const ROSTER_HEADER: [&str; 5] = ["工号", "姓名", "角色", "考点", "考场"];

fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).to_string()).collect()
}

/// The two sittings of the notice.
pub fn sittings() -> Vec<Sitting> {
    let mk = |label: &str, m, d| Sitting {
        exam: "学士学位英语考试".into(),
        label: label.into(),
        date: NaiveDate::from_ymd_opt(2023, m, d).unwrap_or_default(),
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(11, 0, 0).unwrap_or_default(),
        paper: "11908".into(),
    };
    vec![mk("2023春 第一次", 4, 15), mk("2023春 第二次", 5, 20)]
}

/// splitmix64: a tiny seeded generator, so the demo is the same on every machine.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn citizen_number(rng: &mut Rng, region: &str) -> String {
    let day = NaiveDate::from_ymd_opt(1975, 1, 1).unwrap_or_default()
        + chrono::Days::new(rng.below(365 * 28) as u64);
    let first17 = format!("{region}{}{:03}", day.format("%Y%m%d"), rng.below(1000));
    format!("{first17}{}", check_character(first17.as_bytes()))
}

fn document(rng: &mut Rng, i: usize, region: &str) -> (DocumentKind, String) {
    match i % 50 {
        7 => {
            let prefix = ["810000", "820000", "830000"][rng.below(3)];
            (DocumentKind::ResidencePermit, citizen_number(rng, prefix))
        }
        17 => {
            let prefix = if rng.below(2) == 0 { 'H' } else { 'M' };
            (
                DocumentKind::HkMacauTravelPermit,
                format!("{prefix}{:08}", rng.below(100_000_000)),
            )
        }
        27 => (
            DocumentKind::TaiwanTravelPermit,
            format!("{:08}", rng.below(100_000_000)),
        ),
        37 => (
            DocumentKind::Passport,
            format!("E{:08}", rng.below(100_000_000)),
        ),
        47 => (
            DocumentKind::PublicSecurityCertificate,
            citizen_number(rng, region),
        ),
        _ => (DocumentKind::ResidentId, citizen_number(rng, region)),
    }
}

fn name(rng: &mut Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.below(SURNAMES.len())],
        GIVEN[rng.below(GIVEN.len())]
    )
}

fn csv_file(name: &str, rows: Vec<Vec<String>>) -> SourceFile {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&r);
    }
    SourceFile {
        name: name.to_string(),
        bytes: w.into_inner().unwrap_or_default(),
    }
}

/// The demo seating list (both sittings) and roster, as CSV files an office would send.
pub fn files() -> Vec<SourceFile> {
    let mut rng = Rng(20230415);
    let mut seating = vec![header(&[&["场次"][..], &SEATING_HEADER[..]].concat())];
    let mut roster = vec![header(&ROSTER_HEADER)];
    let sittings = sittings();
    let mut i = 0;
    for (s, (site, address, region)) in SITES.iter().enumerate() {
        roster.push(vec![
            format!("Z{:02}", s + 1),
            name(&mut rng),
            "主考".into(),
            (*site).into(),
            String::new(),
        ]);
        for (r, seats) in ROOM_SEATS.iter().enumerate() {
            let room = format!("{:02}", r + 1);
            let room_address = format!("{address} 教学楼{}0{}室", s + 1, r + 1);
            for p in 0..proctors_needed(*seats) {
                roster.push(vec![
                    format!("J{}{}{:02}", s + 1, r + 1, p + 1),
                    name(&mut rng),
                    "监考教师".into(),
                    (*site).into(),
                    room.clone(),
                ]);
            }
            for seat in 1..=*seats {
                i += 1;
                let student = format!("2242{}{:08}", s + 1, i);
                let (kind, number) = document(&mut rng, i, region);
                let who = name(&mut rng);
                for sitting in &sittings {
                    seating.push(vec![
                        sitting.label.clone(),
                        student.clone(),
                        who.clone(),
                        kind.label_zh().into(),
                        number.clone(),
                        (*site).into(),
                        (*address).into(),
                        room.clone(),
                        room_address.clone(),
                        seats.to_string(),
                        seat.to_string(),
                    ]);
                }
            }
        }
    }
    vec![
        csv_file("demo-座次表.csv", seating),
        csv_file("demo-监考名单.csv", roster),
    ]
}

/// Writes the demo exam into `store`'s database (both sittings, as drills; seating lists and
/// roster).
pub fn load(store: &mut Store) -> Result<ImportReport> {
    for s in sittings() {
        store.add_sitting_as(&s, examgate_core::timeline::CHINA_OFFSET, true)?;
    }
    store.import(&files(), &ImportOptions::default())
}

/// A large generated site for benchmarks: `candidates` candidates of the first sitting in rooms of
/// 30 seats, and a roster with two proctors per room. Returns the seating list and the roster.
pub fn large_site(candidates: usize) -> (SourceFile, SourceFile) {
    let mut rng = Rng(7);
    let (site, address, region) = SITES[0];
    let mut seating = vec![header(&SEATING_HEADER)];
    let mut roster = vec![header(&ROSTER_HEADER)];
    let mut seen = std::collections::HashSet::new();
    for i in 0..candidates {
        let (room, seat) = (i / 30 + 1, i % 30 + 1);
        // Drawn again on a repeat: the import refuses one ID number held by two candidates, and
        // random birth dates and sequence numbers repeat somewhere in ten thousand.
        let mut drawn = document(&mut rng, i, region);
        for _ in 0..1000 {
            if seen.insert(drawn.1.clone()) {
                break;
            }
            drawn = document(&mut rng, i, region);
        }
        let (kind, number) = drawn;
        if seat == 1 {
            for p in 1..=2 {
                roster.push(vec![
                    format!("B{room:04}{p}"),
                    name(&mut rng),
                    "监考".into(),
                    site.into(),
                    format!("{room:03}"),
                ]);
            }
        }
        seating.push(vec![
            format!("22429{i:08}"),
            name(&mut rng),
            kind.label_zh().into(),
            number,
            site.into(),
            address.into(),
            format!("{room:03}"),
            format!("{address} {room:03}室"),
            "30".into(),
            seat.to_string(),
        ]);
    }
    (
        csv_file("bench-座次表.csv", seating),
        csv_file("bench-监考名单.csv", roster),
    )
}
