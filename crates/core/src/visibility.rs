//! Who may see which field of a person's profile: the rule behind every
//! outgoing view of a person (the API applies it in `privacy.rs`).
//!
//! Each field has one [`Visibility`], from narrowest to widest; a viewer
//! stands in one [`Audience`] towards the profile's owner; a field reaches the
//! viewer when its visibility is at least as wide as the audience needs.

use serde::{Deserialize, Serialize};

/// How far a field is shown, from narrowest to widest. Each includes the
/// narrower ones: shown to the school means shown to staff too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only the owner (and admins, whose views of it are audited).
    OnlyMe,
    /// The teachers of the owner's children and the admins; for staff, their colleagues.
    Staff,
    /// Also the guardians of the owner's children's classmates; for a
    /// teacher, the families of the children they teach.
    Classes,
    /// Everyone in the school.
    School,
}

impl Visibility {
    /// Every visibility, narrowest first.
    pub const ALL: [Visibility; 4] = [
        Visibility::OnlyMe,
        Visibility::Staff,
        Visibility::Classes,
        Visibility::School,
    ];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "only_me",
            Visibility::Staff => "staff",
            Visibility::Classes => "classes",
            Visibility::School => "school",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// A short label for a toggle.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "Only me",
            Visibility::Staff => "Staff",
            Visibility::Classes => "My children's classes",
            Visibility::School => "The school",
        }
    }

    /// The label a staff member reads: their "classes" are the families they teach.
    pub fn label_for_staff(self) -> &'static str {
        match self {
            Visibility::Staff => "Colleagues",
            Visibility::Classes => "Families I teach",
            other => other.label(),
        }
    }

    /// Whether a field shown this widely reaches a viewer in `audience`.
    pub fn reaches(self, audience: Audience) -> bool {
        match audience {
            Audience::Myself | Audience::Admin => true,
            Audience::Staff => self >= Visibility::Staff,
            Audience::Classes => self >= Visibility::Classes,
            Audience::School => self == Visibility::School,
        }
    }
}

/// Where a viewer stands towards a profile's owner, in the same school.
/// A viewer who fits several (a teacher who is also a classmate's parent)
/// takes the closest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The owner.
    Myself,
    /// An admin of the school.
    Admin,
    /// A teacher of the owner's children, or (when the owner is staff) a colleague.
    Staff,
    /// A guardian of a classmate of the owner's children, or (when the owner
    /// teaches) a guardian of a child the owner teaches.
    Classes,
    /// Anyone else in the school.
    School,
}

/// The fields of a profile, each with its own visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    Title,
    /// The name shown to others (defaults to the given and family names).
    Name,
    Email,
    Phone,
    /// A second phone number.
    Phone2,
    Address,
    /// Preferred language, for interpreters and letters.
    Language,
    /// A short "about".
    About,
    /// A guardian's children, with their classes.
    Children,
}

impl ProfileField {
    /// Every field, in the order the profile page shows them.
    pub const ALL: [ProfileField; 9] = [
        ProfileField::Title,
        ProfileField::Name,
        ProfileField::Email,
        ProfileField::Phone,
        ProfileField::Phone2,
        ProfileField::Address,
        ProfileField::Language,
        ProfileField::About,
        ProfileField::Children,
    ];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::Title => "title",
            ProfileField::Name => "name",
            ProfileField::Email => "email",
            ProfileField::Phone => "phone",
            ProfileField::Phone2 => "phone2",
            ProfileField::Address => "address",
            ProfileField::Language => "language",
            ProfileField::About => "about",
            ProfileField::Children => "children",
        }
    }

    /// The field in a sentence after "your": "Who sees your second phone".
    pub fn noun(self) -> &'static str {
        match self {
            ProfileField::Title => "title",
            ProfileField::Name => "name",
            ProfileField::Email => "email",
            ProfileField::Phone => "phone",
            ProfileField::Phone2 => "second phone",
            ProfileField::Address => "address",
            ProfileField::Language => "preferred language",
            ProfileField::About => "note about yourself",
            ProfileField::Children => "children",
        }
    }

    /// Private by default: the name (and title) to the school; contact
    /// details, language, "about" and children to staff; the address to no one.
    pub fn default_visibility(self) -> Visibility {
        match self {
            ProfileField::Title | ProfileField::Name => Visibility::School,
            ProfileField::Email
            | ProfileField::Phone
            | ProfileField::Phone2
            | ProfileField::Language
            | ProfileField::About
            | ProfileField::Children => Visibility::Staff,
            ProfileField::Address => Visibility::OnlyMe,
        }
    }

    /// The narrowest visibility the owner may choose. Staff show their name
    /// and title to the school: families book with them by name.
    pub fn narrowest(self, owner_is_staff: bool) -> Visibility {
        match self {
            ProfileField::Title | ProfileField::Name if owner_is_staff => Visibility::School,
            _ => Visibility::OnlyMe,
        }
    }
}

/// One plain sentence saying what choosing `visibility` for a field means.
pub fn meaning(field: ProfileField, visibility: Visibility, owner_is_staff: bool) -> String {
    let what = if field == ProfileField::Children {
        "who your children are".to_owned()
    } else {
        format!("your {}", field.noun())
    };
    let who = match (visibility, owner_is_staff) {
        (Visibility::OnlyMe, _) => "Only you (and the school's admins) see",
        (Visibility::Staff, false) => "Your children's teachers and the school's admins see",
        (Visibility::Staff, true) => "Your colleagues and the school's admins see",
        (Visibility::Classes, false) => "Staff and the parents of your children's classmates see",
        (Visibility::Classes, true) => "Staff and the families of the children you teach see",
        (Visibility::School, _) => "Everyone in the school sees",
    };
    format!("{who} {what}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUDIENCES: [Audience; 5] = [
        Audience::Myself,
        Audience::Admin,
        Audience::Staff,
        Audience::Classes,
        Audience::School,
    ];

    #[test]
    fn each_visibility_reaches_exactly_its_audiences() {
        let reached = |v: Visibility| {
            AUDIENCES
                .into_iter()
                .filter(|a| v.reaches(*a))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            reached(Visibility::OnlyMe),
            [Audience::Myself, Audience::Admin]
        );
        assert_eq!(
            reached(Visibility::Staff),
            [Audience::Myself, Audience::Admin, Audience::Staff]
        );
        assert_eq!(
            reached(Visibility::Classes),
            [
                Audience::Myself,
                Audience::Admin,
                Audience::Staff,
                Audience::Classes
            ]
        );
        assert_eq!(reached(Visibility::School), AUDIENCES);
    }

    #[test]
    fn widening_never_hides_a_field() {
        for audience in AUDIENCES {
            for pair in Visibility::ALL.windows(2) {
                assert!(!pair[0].reaches(audience) || pair[1].reaches(audience));
            }
        }
    }

    #[test]
    fn private_by_default() {
        use ProfileField::*;
        let default = |f: ProfileField| f.default_visibility();
        assert_eq!(default(Name), Visibility::School);
        for field in [Email, Phone, Phone2, Children] {
            assert_eq!(default(field), Visibility::Staff, "{field:?}");
        }
        assert_eq!(default(Address), Visibility::OnlyMe);
        // Nothing but the name and title reaches another parent by default.
        let shown: Vec<_> = ProfileField::ALL
            .into_iter()
            .filter(|f| f.default_visibility().reaches(Audience::Classes))
            .collect();
        assert_eq!(shown, [Title, Name]);
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
            assert_eq!(
                serde_json::to_string(&v).unwrap(),
                format!("\"{}\"", v.as_str())
            );
        }
        for f in ProfileField::ALL {
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
        assert_eq!(Visibility::parse("everyone"), None);
    }

    #[test]
    fn staff_keep_their_name_visible_to_families() {
        assert_eq!(ProfileField::Name.narrowest(true), Visibility::School);
        assert_eq!(ProfileField::Name.narrowest(false), Visibility::OnlyMe);
        assert_eq!(ProfileField::Phone.narrowest(true), Visibility::OnlyMe);
    }

    #[test]
    fn every_choice_is_explained_in_one_sentence() {
        for field in ProfileField::ALL {
            for v in Visibility::ALL {
                for staff in [false, true] {
                    let sentence = meaning(field, v, staff);
                    assert!(sentence.ends_with('.') && !sentence.contains('\n'));
                }
            }
        }
        assert_eq!(
            meaning(ProfileField::Phone, Visibility::Staff, false),
            "Your children's teachers and the school's admins see your phone."
        );
    }
}
