//! The privacy filter: the one place that decides what of a person a viewer
//! may see, applied on the way out (DESIGN invariant 4). Handlers build
//! outgoing views of slots, bookings and people only through these functions.
//! Which audience a profile field reaches is `confero_core::visibility`'s
//! rule; this module decides the viewer's audience and builds the view.

use confero_core::dto::{BookingHolder, BookingStatus, PersonView, SlotState, SlotView};
use confero_core::slots::Slot;
use confero_core::{Audience, ProfileField, Role, Visibility};

use crate::http::error::ApiResult;
use crate::http::extract::AuthSession;
use crate::storage::bookings::{BookingRow, Holder};
use crate::storage::profiles::{self, ProfileRecord, Relations};
use crate::storage::Db;
use crate::zone::SchoolZone;

/// Who is looking, and whose children are theirs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub person_id: i64,
    pub admin: bool,
    pub teacher: bool,
    /// The students the viewer is a guardian of.
    pub children: Vec<i64>,
}

impl Viewer {
    /// The viewer behind a session.
    pub fn of(session: &AuthSession) -> Viewer {
        let children = if session.has(Role::Guardian) {
            session.children.clone()
        } else {
            Vec::new()
        };
        Viewer {
            person_id: session.person_id,
            admin: session.has(Role::Admin),
            teacher: session.has(Role::Teacher),
            children,
        }
    }

    /// A viewer holding nothing and seeing no holder: slots as every family
    /// sees the ones it does not hold (the shared grid).
    pub fn nobody() -> Viewer {
        Viewer {
            person_id: 0,
            admin: false,
            teacher: false,
            children: Vec::new(),
        }
    }

    /// Staff act for families and see past the booking window.
    pub fn is_staff(&self) -> bool {
        self.admin || self.teacher
    }

    /// Whether the viewer may see who holds a booking with `teacher_id` for
    /// `student_id` in `household`: admins, that teacher, and the child's
    /// own guardians (of the whole family, or of that household when the
    /// child's guardians live apart).
    pub fn may_see_holder(&self, teacher_id: i64, student_id: i64, household: i64) -> bool {
        self.admin
            || (self.teacher && teacher_id == self.person_id)
            || self.family_holds(student_id, household)
    }

    /// Whether a booking of `student_id` in `household` is the viewer's family's.
    pub fn family_holds(&self, student_id: i64, household: i64) -> bool {
        self.children.contains(&student_id) && (household == 0 || household == self.person_id)
    }

    /// Whether the viewer may see a booking at all (same rule).
    pub fn may_see_booking(&self, booking: &BookingRow) -> bool {
        self.may_see_holder(booking.teacher_id, booking.student_id, booking.household)
    }
}

/// A slot as the viewer may see it. Families see free, taken, or theirs, never who took one.
pub fn slot_view(
    viewer: &Viewer,
    zone: &SchoolZone,
    teacher_id: i64,
    slot: &Slot,
    holder: Option<&Holder>,
) -> SlotView {
    let state = match holder {
        // A time held for a waiting family is not an appointment yet: taken
        // to everyone, that family included (their offer says so).
        Some(holder) if holder.status == "held" => SlotState::Taken,
        Some(holder) if viewer.family_holds(holder.student_id, holder.household) => SlotState::Mine,
        Some(_) => SlotState::Taken,
        None if slot.blocked => SlotState::Blocked,
        None => SlotState::Free,
    };
    let booking = holder
        .filter(|h| viewer.may_see_holder(teacher_id, h.student_id, h.household))
        .map(|h| BookingHolder {
            booking_id: h.booking_id,
            student_id: h.student_id,
            student_name: h.student_name.clone(),
            status: BookingStatus::parse(&h.status).unwrap_or(BookingStatus::Booked),
        });
    SlotView {
        start: zone.rfc3339(slot.start),
        end: zone.rfc3339(slot.end),
        state,
        booking,
    }
}

/// A viewer of profiles: who they are and how they are related to the
/// people of their school.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileViewer {
    pub person_id: i64,
    pub admin: bool,
    pub teacher: bool,
    pub relations: Relations,
}

impl ProfileViewer {
    /// The viewer behind a session, with their relations read now (so a
    /// change of toggles or of the roster counts on the next request).
    pub async fn of(session: &AuthSession, db: &Db) -> ApiResult<ProfileViewer> {
        Ok(ProfileViewer::read(
            db,
            session.school_id,
            session.person_id,
            session.has(Role::Admin),
            session.has(Role::Teacher),
        )
        .await?)
    }

    /// A viewer by id and roles (for the benchmark and the CLI).
    pub async fn read(
        db: &Db,
        school_id: i64,
        person_id: i64,
        admin: bool,
        teacher: bool,
    ) -> Result<ProfileViewer, sqlx::Error> {
        Ok(ProfileViewer {
            person_id,
            admin,
            teacher,
            relations: profiles::relations(db, school_id, person_id).await?,
        })
    }

    /// Where the viewer stands towards `owner` (someone of the same school).
    pub fn audience(&self, owner_id: i64, owner_staff: bool, owner_teacher: bool) -> Audience {
        let r = &self.relations;
        if owner_id == self.person_id {
            Audience::Myself
        } else if self.admin {
            Audience::Admin
        } else if self.teacher && (owner_staff || r.families_taught.contains(&owner_id)) {
            Audience::Staff
        } else if r.classmates_families.contains(&owner_id)
            || (owner_teacher && r.childrens_teachers.contains(&owner_id))
        {
            Audience::Classes
        } else {
            Audience::School
        }
    }

    /// The audience for a list: admins browse as staff, and see hidden
    /// fields only by opening a profile, which is audited.
    pub fn listing_audience(
        &self,
        owner_id: i64,
        owner_staff: bool,
        owner_teacher: bool,
    ) -> Audience {
        match self.audience(owner_id, owner_staff, owner_teacher) {
            Audience::Admin => Audience::Staff,
            other => other,
        }
    }
}

/// Whether someone in `audience` sees the person at all: only if they see
/// the name. Everything else is shown only alongside it.
pub fn is_listed(show_name: Visibility, audience: Audience) -> bool {
    show_name.reaches(audience)
}

/// A person as someone in `audience` may see them, or `None` when they may
/// not see the person at all. A field that does not reach the audience is
/// left out.
pub fn person_view(owner: &ProfileRecord, audience: Audience) -> Option<PersonView> {
    if !is_listed(owner.visibility_of(ProfileField::Name), audience) {
        return None;
    }
    let shown = |field: ProfileField, value: &Option<String>| {
        value
            .as_deref()
            .filter(|v| !v.is_empty() && owner.visibility_of(field).reaches(audience))
            .map(str::to_owned)
    };
    let children = (owner.guardian
        && owner
            .visibility_of(ProfileField::Children)
            .reaches(audience))
    .then(|| owner.children.clone());
    Some(PersonView {
        id: owner.id,
        staff: owner.staff,
        title: shown(ProfileField::Title, &owner.title),
        name: Some(owner.shown_name()),
        email: shown(ProfileField::Email, &Some(owner.email.clone())),
        phone: shown(ProfileField::Phone, &owner.phone),
        phone2: shown(ProfileField::Phone2, &owner.phone2),
        address: shown(ProfileField::Address, &owner.address),
        language: shown(ProfileField::Language, &owner.language),
        about: shown(ProfileField::About, &owner.about),
        children,
    })
}

/// The filled-in fields an admin sees only because they are an admin
/// (hidden from staff): viewing them is audited.
pub fn hidden_from_staff(owner: &ProfileRecord) -> Vec<ProfileField> {
    let filled = |field: ProfileField| match field {
        ProfileField::Title => owner.title.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::Name | ProfileField::Email => true,
        ProfileField::Phone => owner.phone.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::Phone2 => owner.phone2.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::Address => owner.address.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::Language => owner.language.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::About => owner.about.as_deref().is_some_and(|v| !v.is_empty()),
        ProfileField::Children => owner.guardian && !owner.children.is_empty(),
    };
    ProfileField::ALL
        .into_iter()
        .filter(|f| filled(*f) && !owner.visibility_of(*f).reaches(Audience::Staff))
        .collect()
}

/// How the owner's preview names each kind of viewer, closest first.
pub fn preview_audiences(owner: &ProfileRecord) -> [(Audience, &'static str); 3] {
    if owner.staff && !owner.guardian {
        [
            (Audience::Classes, "A family you teach"),
            (Audience::Staff, "A colleague"),
            (Audience::School, "Anyone else in the school"),
        ]
    } else {
        [
            (Audience::Classes, "A parent in your child's class"),
            (Audience::Staff, "Your child's teacher"),
            (Audience::School, "Another parent in the school"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(admin: bool, teacher: bool, children: Vec<i64>) -> Viewer {
        Viewer {
            person_id: 7,
            admin,
            teacher,
            children,
        }
    }

    fn holder(student_id: i64) -> Holder {
        Holder {
            household: 0,
            teacher_id: 3,
            start: 0,
            booking_id: 1,
            student_id,
            student_name: "Secret Child".into(),
            status: "booked".into(),
        }
    }

    #[test]
    fn families_never_see_who_holds_a_slot() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        let slot = Slot {
            start: 0,
            end: 600,
            blocked: false,
        };
        let parent = viewer(false, false, vec![42]);
        let other = slot_view(&parent, &zone, 3, &slot, Some(&holder(99)));
        assert_eq!(other.state, SlotState::Taken);
        assert!(other.booking.is_none());
        assert!(!serde_json::to_string(&other).unwrap().contains("Secret"));
        let own = slot_view(&parent, &zone, 3, &slot, Some(&holder(42)));
        assert_eq!(own.state, SlotState::Mine);
        assert!(own.booking.is_some());
    }

    #[test]
    fn the_slots_teacher_and_admins_see_the_holder() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        let slot = Slot {
            start: 0,
            end: 600,
            blocked: false,
        };
        let admin = viewer(true, false, vec![]);
        assert!(slot_view(&admin, &zone, 3, &slot, Some(&holder(99)))
            .booking
            .is_some());
        let own_teacher = Viewer {
            person_id: 3,
            ..viewer(false, true, vec![])
        };
        assert!(slot_view(&own_teacher, &zone, 3, &slot, Some(&holder(99)))
            .booking
            .is_some());
        let other_teacher = viewer(false, true, vec![]);
        assert!(
            slot_view(&other_teacher, &zone, 3, &slot, Some(&holder(99)))
                .booking
                .is_none()
        );
    }

    fn owner() -> ProfileRecord {
        ProfileRecord {
            id: 50,
            staff: false,
            teacher: false,
            guardian: true,
            email: "owner@example.org".into(),
            title: Some("Dr".into()),
            given_name: "Ada".into(),
            family_name: "Quill".into(),
            display_name: None,
            phone: Some("07000 111111".into()),
            phone2: None,
            address: Some("1 Lane".into()),
            language: Some("Welsh".into()),
            about: Some("Hello".into()),
            children: vec![confero_core::dto::ChildView {
                name: "Bo Quill".into(),
                year_group: "7".into(),
                classes: vec!["7B".into()],
            }],
            visibility: ProfileField::ALL
                .into_iter()
                .map(|f| (f, f.default_visibility()))
                .collect(),
            erasure_requested_at: None,
        }
    }

    #[test]
    fn by_default_another_parent_sees_the_name_and_staff_the_contacts() {
        let owner = owner();
        let parent = person_view(&owner, Audience::Classes).unwrap();
        assert_eq!(parent.name.as_deref(), Some("Ada Quill"));
        assert_eq!(parent.title.as_deref(), Some("Dr"));
        assert!(parent.email.is_none() && parent.phone.is_none() && parent.children.is_none());
        let json = serde_json::to_string(&parent).unwrap();
        assert!(!json.contains("email") && !json.contains("null"), "{json}");
        let teacher = person_view(&owner, Audience::Staff).unwrap();
        assert!(teacher.phone.is_some() && teacher.children.is_some());
        assert!(teacher.address.is_none());
        let admin = person_view(&owner, Audience::Admin).unwrap();
        assert_eq!(admin.address.as_deref(), Some("1 Lane"));
        assert_eq!(hidden_from_staff(&owner), [ProfileField::Address]);
    }

    #[test]
    fn a_name_shown_only_to_staff_hides_the_person_from_parents() {
        let mut owner = owner();
        owner
            .visibility
            .insert(ProfileField::Name, Visibility::Staff);
        owner
            .visibility
            .insert(ProfileField::Phone, Visibility::School);
        assert!(person_view(&owner, Audience::School).is_none());
        assert!(person_view(&owner, Audience::Classes).is_none());
        assert!(person_view(&owner, Audience::Staff).is_some());
    }

    #[test]
    fn audiences_follow_relations() {
        let mut viewer = ProfileViewer {
            person_id: 1,
            ..ProfileViewer::default()
        };
        assert_eq!(viewer.audience(1, false, false), Audience::Myself);
        assert_eq!(viewer.audience(2, false, false), Audience::School);
        viewer.relations.classmates_families.insert(2);
        viewer.relations.childrens_teachers.insert(3);
        assert_eq!(viewer.audience(2, false, false), Audience::Classes);
        assert_eq!(viewer.audience(3, true, true), Audience::Classes);
        // An admin who teaches no child of the viewer is just someone in the school.
        assert_eq!(viewer.audience(4, true, false), Audience::School);
        viewer.teacher = true;
        assert_eq!(viewer.audience(4, true, false), Audience::Staff);
        viewer.admin = true;
        assert_eq!(viewer.audience(2, false, false), Audience::Admin);
        assert_eq!(viewer.listing_audience(2, false, false), Audience::Staff);
    }
}
