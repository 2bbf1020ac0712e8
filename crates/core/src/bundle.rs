//! Which build of the SPA serves a path.
//!
//! The SPA is built twice from the same crate: a small **parent** build (the
//! public pages, the parent's pages, profile, directory and account) and a
//! **staff** build with every page, the teachers' and the office's included.
//! A parent's phone never downloads the staff code. The API serves
//! `staff/index.html` for the paths below and `index.html` for the rest, and
//! the parent build sends a link to one of them through a full page load;
//! both sides ask this one function, so they cannot disagree.

/// The folder (under the SPA's `dist/`) and the URL prefix of the staff build.
pub const STAFF_DIR: &str = "staff";

/// The first segments of the staff pages' paths.
pub const STAFF_PREFIXES: &[&str] = &["/teacher", "/admin"];

/// Whether `path` (a URL path, query and fragment ignored) is a staff page.
pub fn is_staff_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    STAFF_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_staff_path;

    #[test]
    fn staff_pages_are_the_teachers_and_the_offices() {
        for path in [
            "/teacher",
            "/teacher/",
            "/teacher/evenings/3",
            "/admin",
            "/admin/people?q=x",
        ] {
            assert!(is_staff_path(path), "{path}");
        }
    }

    #[test]
    fn everything_else_is_the_parent_build() {
        for path in [
            "/",
            "/signin",
            "/parent/evenings/3",
            "/profile",
            "/teachers",
            "/administer",
            "/directory/4",
        ] {
            assert!(!is_staff_path(path), "{path}");
        }
    }
}
