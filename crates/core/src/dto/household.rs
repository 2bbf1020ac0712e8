//! Separated households: a child whose guardians live apart, each booking
//! and seeing only their own household's appointments.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A child with more than one guardian, as the office sees it on
/// `GET /api/households`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChildHouseholds {
    pub student_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
    /// The guardians' names, in id order.
    pub guardians: Vec<String>,
    /// Whether the school marked them as separate households.
    pub separate: bool,
}

/// `PUT /api/students/{id}/households`: whether the child's guardians live
/// apart. Marking them so gives each guardian's existing appointments to
/// their own household; unmarking joins them again (refused while both
/// households have an appointment with the same teacher).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdsInput {
    pub separate: bool,
}
