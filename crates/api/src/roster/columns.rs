//! The columns of each file, and the header names schools' exports give
//! them.
//!
//! Header names are compared without case, surrounding spaces, or the
//! spaces, underscores and hyphens inside them: `Student ID`, `student_id`,
//! `STUDENT-ID` and `StudentID` are one header.

use super::report::FileKind;

/// A column Confero reads. Every other column of a file is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Column {
    StudentId,
    GivenName,
    FamilyName,
    Year,
    GuardianId,
    Title,
    Email,
    Phone,
    Relationship,
    StaffId,
    Role,
    Class,
    Subject,
    Teacher,
}

impl Column {
    /// The accepted header names, the usual one first.
    #[rustfmt::skip]
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            Column::StudentId => &[
                "Student ID", "Student Ref", "Student Number", "UPN", "Pupil ID", "Pupil Ref",
                "Pupil Number", "SIS ID", "Admission Number", "Adno",
            ],
            Column::GivenName => &[
                "Given Name", "Given Names", "First Name", "First Names", "Forename", "Forenames",
                "Legal Forename", "Legal First Name",
            ],
            Column::FamilyName => &[
                "Family Name", "Last Name", "Surname", "Legal Surname", "Legal Last Name",
            ],
            Column::Year => &[
                "Year", "Year Group", "Grade", "Grade Level", "Year Level", "NC Year",
                "Curriculum Year",
            ],
            Column::GuardianId => &[
                "Guardian ID", "Guardian Ref", "Guardian Number", "Contact ID", "Contact Ref",
                "Parent ID", "Carer ID",
            ],
            Column::Title => &["Title", "Salutation", "Honorific", "Prefix"],
            Column::Email => &[
                "Email", "Email Address", "Mail", "Contact Email", "Parent Email", "Work Email",
                "School Email",
            ],
            Column::Phone => &[
                "Phone", "Phone Number", "Telephone", "Telephone Number", "Mobile",
                "Mobile Number", "Mobile Phone",
            ],
            Column::Relationship => &[
                "Relationship", "Relation", "Relationship Type", "Relationship to Student",
                "Relationship to Pupil", "Relationship to Child",
            ],
            Column::StaffId => &[
                "Staff ID", "Staff Ref", "Staff Code", "Staff Number", "Employee ID",
                "Employee Number",
            ],
            Column::Role => &["Role", "Roles", "Staff Role", "Access Role"],
            Column::Class => &[
                "Class", "Class Name", "Class Code", "Teaching Group", "Group", "Section",
            ],
            Column::Subject => &["Subject", "Subject Name", "Course", "Course Name"],
            Column::Teacher => &[
                "Teacher ID", "Teacher", "Teacher Staff ID", "Teacher Ref", "Teacher Code",
                "Staff ID", "Staff Code",
            ],
        }
    }

    /// The name Confero's own samples and messages use.
    pub(crate) fn usual_name(self) -> &'static str {
        match self.names() {
            [usual, ..] => usual,
            [] => "",
        }
    }

    /// Whether `normalised_header` (see [`normalise`]) is one of this
    /// column's names.
    pub(crate) fn is_named(self, normalised_header: &str) -> bool {
        self.names()
            .iter()
            .any(|name| normalise(name) == normalised_header)
    }
}

/// Whether a file must have a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    Required,
    Optional,
}

/// The columns of a file, in the order of Confero's samples.
pub(crate) fn columns_of(file: FileKind) -> &'static [(Column, Need)] {
    use Column::*;
    use Need::*;
    match file {
        FileKind::Students => &[
            (StudentId, Required),
            (GivenName, Required),
            (FamilyName, Required),
            (Year, Required),
        ],
        FileKind::Guardians => &[
            (GuardianId, Required),
            (Title, Optional),
            (GivenName, Required),
            (FamilyName, Required),
            (Email, Required),
            (Phone, Optional),
            (StudentId, Required),
            (Relationship, Optional),
        ],
        FileKind::Staff => &[
            (StaffId, Required),
            (Title, Optional),
            (GivenName, Required),
            (FamilyName, Required),
            (Email, Required),
            (Role, Required),
        ],
        FileKind::Classes => &[
            (Class, Required),
            (Subject, Required),
            (Teacher, Required),
            (StudentId, Required),
        ],
    }
}

/// A header name as compared: no case, no surrounding spaces, and no
/// spaces, underscores or hyphens inside.
pub(crate) fn normalise(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_compared_without_case_spaces_underscores_or_hyphens() {
        for header in [" student_id ", "STUDENT-ID", "StudentID", "Student  Id"] {
            assert!(Column::StudentId.is_named(&normalise(header)), "{header:?}");
        }
        assert!(Column::Email.is_named(&normalise("E-mail")));
    }

    #[test]
    fn no_header_name_means_two_columns_of_one_file() {
        for file in [
            FileKind::Students,
            FileKind::Guardians,
            FileKind::Staff,
            FileKind::Classes,
        ] {
            let columns = columns_of(file);
            for (i, (a, _)) in columns.iter().enumerate() {
                for (b, _) in &columns[i + 1..] {
                    for name in a.names() {
                        assert!(
                            !b.is_named(&normalise(name)),
                            "{file:?}: {name} is {a:?} and {b:?}"
                        );
                    }
                }
            }
        }
    }
}
