//! The preview an admin confirms, and the token that ties applying to it.

use confero_core::dto::{AppointmentsCancelled, RosterPreview};
use sha2::{Digest, Sha256};

use super::plan::Plan;

/// Separates this hash from any other SHA-256 of JSON, and names the
/// serialisation, so a change to it changes every token.
const TOKEN_DOMAIN: &[u8] = b"confero roster plan v1\n";

/// The preview of `plan`, with its token.
pub(crate) fn preview(plan: &Plan) -> RosterPreview {
    RosterPreview {
        token: token(plan),
        students: plan.diffs.students.clone(),
        guardians: plan.diffs.guardians.clone(),
        staff: plan.diffs.staff.clone(),
        classes: plan.diffs.classes.clone(),
        // Filled in by the import, which knows the bookings.
        cancels: AppointmentsCancelled::default(),
    }
}

/// Hex SHA-256 of the plan as JSON, its operations and what the preview
/// shows of them: every list is in a fixed order (file order, or sorted by
/// id or key), so the same files against the same school always give the
/// same token, and any difference in what would be done or shown gives
/// another.
fn token(plan: &Plan) -> String {
    let mut hasher = Sha256::new();
    hasher.update(TOKEN_DOMAIN);
    // A plan is structs, vectors, strings, integers and unit enums: nothing
    // serde_json can refuse (it fails only on maps with non-string keys and
    // on writers that fail, and a hasher never does).
    let json = serde_json::to_vec(plan).expect("a plan always serialises");
    hasher.update(&json);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::plan::{NewStudent, StudentRef};

    fn plan_adding(sis_id: &str) -> Plan {
        Plan {
            new_students: vec![NewStudent {
                sis_id: sis_id.into(),
                given_name: "Ada".into(),
                family_name: "Lovelace".into(),
                year_group: "7".into(),
            }],
            ..Plan::default()
        }
    }

    #[test]
    fn the_token_is_a_hex_sha256_that_depends_on_every_operation() {
        let token = preview(&plan_adding("S1")).token;
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(preview(&plan_adding("S1")).token, token, "deterministic");
        assert_ne!(preview(&plan_adding("S2")).token, token);
        assert_ne!(preview(&Plan::default()).token, token);
    }

    #[test]
    fn references_to_new_and_existing_records_hash_differently() {
        let json = |r: StudentRef| serde_json::to_string(&r).expect("serialises");
        assert_ne!(json(StudentRef::New(3)), json(StudentRef::Existing(3)));
    }
}
