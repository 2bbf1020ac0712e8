//! The demo school: deterministic, realistic, and small enough to seed in a second.
//!
//! Hollowbrook Academy is a secondary school (years 7–11) in Europe/London with
//! 14 teachers, 100 students in 40 classes and 80 guardian accounts, including
//! sibling families, two-guardian families and one split household (two
//! guardians of one child, with separate accounts, surnames and addresses).

use anyhow::Context as _;
use confero_core::Role;
use sqlx::AnyConnection;

use crate::auth::password;
use crate::storage::evenings::{self, EveningFields};
use crate::storage::people::{self, NewPerson};
use crate::storage::{roster, schools, Db};
use chrono::TimeZone as _;
use confero_core::Interval;

/// The password of every demo account. Public by design: it is a demo.
pub const PASSWORD: &str = "confero-demo";
/// The demo admin's sign-in.
pub const ADMIN_EMAIL: &str = "admin@demo.confero.test";
/// The demo teacher's sign-in.
pub const TEACHER_EMAIL: &str = "teacher@demo.confero.test";
/// The demo parent's sign-in; she has two children at the school.
pub const PARENT_EMAIL: &str = "parent@demo.confero.test";
/// The demo school's name.
pub const SCHOOL_NAME: &str = "Hollowbrook Academy";
/// The demo parents' evening's name.
pub const EVENING_NAME: &str = "Autumn parents' evening";
/// The demo school's time zone.
pub const TIME_ZONE: &str = "Europe/London";
/// The demo school's address, as emails and calendar files show it.
pub const SCHOOL_ADDRESS: &str = "1 School Lane, Hollowbrook HB1 2AB";

/// Head counts of a seeded demo school.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeded {
    pub school_id: i64,
    pub created: bool,
}

const YEARS: [u8; 5] = [7, 8, 9, 10, 11];
const FAMILIES: usize = 70;
const SIBLING_FAMILIES: usize = 30;
const SPLIT_HOUSEHOLD: usize = 45;

/// (title, given name, family name, subject code, email)
const TEACHERS: [(&str, &str, &str, &str, Option<&str>); 14] = [
    ("Mr", "Daniel", "Okafor", "Ma", Some(TEACHER_EMAIL)),
    ("Ms", "Priya", "Raman", "Ma", None),
    ("Mrs", "Helen", "Marsh", "En", None),
    ("Mr", "Tomasz", "Nowak", "En", None),
    ("Dr", "Amara", "Bello", "Sc", None),
    ("Mr", "Owen", "Pritchard", "Sc", None),
    ("Ms", "Sofia", "Greco", "Fr", None),
    ("Mr", "Callum", "Reid", "Hi", None),
    ("Mrs", "Fatima", "Siddiqui", "Ge", None),
    ("Ms", "Isla", "Fraser", "Ar", None),
    ("Mr", "Jonah", "Whitfield", "Mu", None),
    ("Miss", "Chloe", "Hart", "PE", None),
    ("Mr", "Arjun", "Mehta", "Co", None),
    ("Ms", "Rhiannon", "Evans", "Dr", None),
];

const SUBJECTS: [(&str, &str); 11] = [
    ("En", "English"),
    ("Ma", "Maths"),
    ("Sc", "Science"),
    ("PE", "Physical Education"),
    ("Hi", "History"),
    ("Fr", "French"),
    ("Ar", "Art"),
    ("Mu", "Music"),
    ("Ge", "Geography"),
    ("Co", "Computing"),
    ("Dr", "Drama"),
];

/// Each year's four options beside English, Maths, Science and PE.
const OPTIONS: [[&str; 4]; 5] = [
    ["Hi", "Fr", "Ar", "Mu"],
    ["Ge", "Fr", "Co", "Dr"],
    ["Hi", "Ge", "Ar", "Co"],
    ["Hi", "Fr", "Mu", "Dr"],
    ["Ge", "Co", "Ar", "Dr"],
];

const SURNAMES: [&str; FAMILIES] = [
    "Patel",
    "Williams",
    "Nguyen",
    "O'Connor",
    "Kowalski",
    "Adeyemi",
    "Hughes",
    "Chen",
    "Morgan",
    "Haddad",
    "Fitzgerald",
    "Sato",
    "Brown",
    "Mensah",
    "Rossi",
    "Campbell",
    "Ahmed",
    "Lindqvist",
    "Taylor",
    "Novak",
    "Jones",
    "Oduya",
    "MacLeod",
    "Singh",
    "Dubois",
    "Walsh",
    "Hernández",
    "Clarke",
    "Yilmaz",
    "Murphy",
    "Kaur",
    "Edwards",
    "Baptiste",
    "Ivanova",
    "Thompson",
    "Khan",
    "Gallagher",
    "Moreau",
    "Ellis",
    "Osei",
    "Bennett",
    "Ferreira",
    "Doyle",
    "Kim",
    "Price",
    "Abara",
    "Russo",
    "Wright",
    "Begum",
    "Sullivan",
    "Lewandowski",
    "Grant",
    "Mwangi",
    "Parry",
    "Costa",
    "Hussain",
    "Richards",
    "Okonkwo",
    "Schmidt",
    "Jenkins",
    "Lopez",
    "Carter",
    "Nakamura",
    "Reilly",
    "Afolabi",
    "Stewart",
    "Varga",
    "Bailey",
    "Rahman",
    "Dunn",
];

const CHILD_NAMES: [&str; 40] = [
    "Aarav", "Maya", "Oliver", "Amelia", "Noah", "Isla", "Leo", "Ava", "Yusuf", "Freya", "Theo",
    "Zara", "Finn", "Mia", "Kai", "Lily", "Omar", "Grace", "Jack", "Nia", "Ethan", "Sophie",
    "Arlo", "Hana", "Reuben", "Esme", "Idris", "Ruby", "Mateo", "Chloe", "Samuel", "Aisha",
    "Felix", "Imogen", "Tobias", "Layla", "Rory", "Ines", "Caleb", "Orla",
];

const ADULT_NAMES: [(&str, &str, &str); 20] = [
    ("Mrs", "Asha", "mother"),
    ("Mr", "David", "father"),
    ("Ms", "Linh", "mother"),
    ("Mr", "Sean", "father"),
    ("Mrs", "Agnieszka", "mother"),
    ("Mr", "Tunde", "father"),
    ("Ms", "Carys", "mother"),
    ("Mr", "Wei", "father"),
    ("Mx", "Robin", "carer"),
    ("Mr", "Karim", "father"),
    ("Mrs", "Siobhan", "mother"),
    ("Mr", "Hiro", "father"),
    ("Ms", "Gemma", "mother"),
    ("Mr", "Kwame", "father"),
    ("Mrs", "Giulia", "mother"),
    ("Mr", "Fraser", "father"),
    ("Ms", "Nadia", "mother"),
    ("Mr", "Erik", "father"),
    ("Mrs", "Joanne", "grandmother"),
    ("Mr", "Pavel", "father"),
];

const STREETS: [&str; 10] = [
    "Mill Lane",
    "Orchard Road",
    "Church Street",
    "Victoria Terrace",
    "Bramble Close",
    "Station Road",
    "Willow Way",
    "Kingfisher Drive",
    "Albert Street",
    "Meadow View",
];

/// Seeds the demo school unless it already exists. Every account gets the
/// same password hash: the password is public, so one argon2 run is enough.
pub async fn seed(db: &Db, now: i64) -> anyhow::Result<Seeded> {
    if let Some(school_id) = schools::demo_school(db).await? {
        return Ok(Seeded {
            school_id,
            created: false,
        });
    }
    let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD))
        .await?
        .map_err(|error| anyhow::anyhow!("hashing the demo password: {error}"))?;
    let mut tx = db.writer.begin().await?;
    let school_id = insert_everything(&mut tx, &hash, now)
        .await
        .context("seeding the demo school")?;
    tx.commit().await?;
    Ok(Seeded {
        school_id,
        created: true,
    })
}

async fn insert_everything(conn: &mut AnyConnection, hash: &str, now: i64) -> anyhow::Result<i64> {
    let school_id = schools::insert(conn, SCHOOL_NAME, TIME_ZONE, true, now).await?;
    schools::set_settings(conn, school_id, Some(SCHOOL_ADDRESS), 24).await?;
    let staff = |email: &'static str, title, given, family| NewPerson {
        school_id,
        email,
        password_hash: Some(hash),
        title: Some(title),
        given_name: given,
        family_name: family,
        phone: None,
        address: None,
    };
    people::insert(
        conn,
        &staff(ADMIN_EMAIL, "Mrs", "Margaret", "Hale"),
        &[Role::Admin],
        now,
    )
    .await?;

    let mut teacher_ids = Vec::with_capacity(TEACHERS.len());
    for (title, given, family, subject, email) in TEACHERS {
        let generated = format!(
            "{}.{}@demo.confero.test",
            given.to_lowercase(),
            family.to_lowercase()
        );
        let email = email.map(str::to_owned).unwrap_or(generated);
        let person = NewPerson {
            email: &email,
            ..staff("", title, given, family)
        };
        teacher_ids.push((
            subject,
            people::insert(conn, &person, &[Role::Teacher], now).await?,
        ));
    }

    let mut classes_by_year: Vec<Vec<i64>> = Vec::new();
    for (y, year) in YEARS.iter().enumerate() {
        let codes = ["En", "Ma", "Sc", "PE"].into_iter().chain(OPTIONS[y]);
        let mut ids = Vec::new();
        for code in codes {
            let subject = SUBJECTS
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code, |(_, name)| name);
            // Subjects with two teachers alternate between them by year.
            let teachers: Vec<i64> = teacher_ids
                .iter()
                .filter(|(c, _)| *c == code)
                .map(|(_, id)| *id)
                .collect();
            let teacher = teachers[y % teachers.len()];
            ids.push(
                roster::insert_class(conn, school_id, &format!("{year}{code}"), subject, teacher)
                    .await?,
            );
        }
        classes_by_year.push(ids);
    }

    let mut student_no = 0usize;
    for family in 0..FAMILIES {
        let surname = SURNAMES[family];
        let years: Vec<usize> = if family < SIBLING_FAMILIES {
            vec![family % 5, (family + 3) % 5]
        } else {
            vec![(family - SIBLING_FAMILIES) % 5]
        };
        let mut children = Vec::new();
        for y in years {
            student_no += 1;
            let given = CHILD_NAMES[(family * 7 + children.len() * 3) % CHILD_NAMES.len()];
            let sis_id = format!("HB-{:05}", 24_000 + student_no);
            let year_group = format!("Year {}", YEARS[y]);
            let student =
                roster::insert_student(conn, school_id, &sis_id, given, surname, &year_group)
                    .await?;
            for class in &classes_by_year[y] {
                roster::enrol(conn, *class, student).await?;
            }
            children.push(student);
        }

        let address = format!(
            "{} {}, Hollowbrook HB{} {}{}",
            family * 3 + 2,
            STREETS[family % STREETS.len()],
            family % 9 + 1,
            family % 7 + 1,
            ["AB", "DE", "FG", "HJ", "LN", "PQ", "RT"][family % 7]
        );
        let mut guardians = vec![(surname, address.clone())];
        if family % 7 == 3 {
            if family == SPLIT_HOUSEHOLD {
                // Separated parents: separate accounts, surnames and homes.
                guardians.push(("Llewellyn", "14 Quarry Hill, Eastmere EM4 2XY".to_owned()));
            } else {
                guardians.push((surname, address));
            }
        }
        for (g, (family_name, address)) in guardians.into_iter().enumerate() {
            let (title, given, relationship) = if family == 0 && g == 0 {
                ("Mrs", "Asha", "mother")
            } else {
                ADULT_NAMES[(family * 2 + g) % ADULT_NAMES.len()]
            };
            let email = if family == 0 && g == 0 {
                PARENT_EMAIL.to_owned()
            } else {
                let plain: String = format!("{given}.{family_name}")
                    .to_lowercase()
                    .chars()
                    .map(|c| match c {
                        'á' => 'a',
                        c if c.is_ascii_alphanumeric() || c == '.' => c,
                        _ => '-',
                    })
                    .collect();
                format!("{plain}.{family}@families.demo.confero.test")
            };
            let phone = format!("07700 900{:03}", 100 + family * 2 + g);
            let person = NewPerson {
                school_id,
                email: &email,
                password_hash: Some(hash),
                title: Some(title),
                given_name: given,
                family_name,
                phone: Some(&phone),
                address: Some(&address),
            };
            let guardian = people::insert(conn, &person, &[Role::Guardian], now).await?;
            for child in &children {
                roster::link_guardian(conn, *child, guardian, relationship).await?;
            }
        }
    }
    debug_assert_eq!(student_no, 100);
    insert_evening(conn, school_id, &teacher_ids, now).await?;
    Ok(school_id)
}

/// The demo's parents' evening, published and open for booking: two weeks
/// after seeding, 16:00–19:00 school time with a break at 17:30, eight-minute
/// appointments every ten minutes, each teacher in their own room. The two
/// minutes between appointments are also the time a family needs to walk
/// between rooms, so back-to-back appointments with different teachers fit.
async fn insert_evening(
    conn: &mut AnyConnection,
    school_id: i64,
    teachers: &[(&str, i64)],
    now: i64,
) -> anyhow::Result<()> {
    let zone: chrono_tz::Tz = TIME_ZONE
        .parse()
        .map_err(|_| anyhow::anyhow!("bad demo zone"))?;
    let today = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
        .date_naive();
    let day = today + chrono::Days::new(14);
    let at = |date: chrono::NaiveDate, h: u32, m: u32| -> anyhow::Result<i64> {
        let local = date
            .and_hms_opt(h, m, 0)
            .ok_or_else(|| anyhow::anyhow!("bad demo time"))?;
        zone.from_local_datetime(&local)
            .earliest()
            .map(|t| t.timestamp())
            .ok_or_else(|| anyhow::anyhow!("bad demo time"))
    };
    let fields = EveningFields {
        name: EVENING_NAME.to_owned(),
        slot_secs: 8 * 60,
        changeover_secs: 2 * 60,
        travel_buffer_secs: 2 * 60,
        booking_opens_at: now - 24 * 3600,
        booking_closes_at: at(day - chrono::Days::new(1), 12, 0)?,
        cancel_until: at(day, 9, 0)?,
        mode: "in_person".to_owned(),
        video_link: None,
    };
    let id = evenings::insert(conn, school_id, &fields, now).await?;
    let session = Interval::new(at(day, 16, 0)?, at(day, 19, 0)?)
        .ok_or_else(|| anyhow::anyhow!("bad demo session"))?;
    let pause = Interval::new(at(day, 17, 30)?, at(day, 17, 45)?)
        .ok_or_else(|| anyhow::anyhow!("bad demo break"))?;
    evenings::replace_times(conn, id, &[session], &[pause]).await?;
    let ids: Vec<i64> = teachers.iter().map(|(_, id)| *id).collect();
    evenings::set_teachers(conn, id, &ids).await?;
    for (n, (code, teacher)) in teachers.iter().enumerate() {
        let room = format!("Room {}{}", code.chars().next().unwrap_or('R'), n + 1);
        evenings::set_availability(conn, id, *teacher, Some(&room), None, &[], &[]).await?;
    }
    evenings::set_status(conn, school_id, id, "published", now).await?;
    Ok(())
}
