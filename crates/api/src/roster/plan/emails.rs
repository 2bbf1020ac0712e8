//! Ordering email changes. An email belongs to one account at every moment
//! (the column is unique), so when one person takes an address another
//! gives up in the same import, the one giving it up must change first.

use std::collections::{HashMap, HashSet};

use super::PersonUpdate;

/// An existing person's email change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct MovedEmail {
    pub(super) person_id: i64,
    pub(super) from: String,
    pub(super) to: String,
}

/// Orders `updates` so that whoever gives up an address comes before whoever
/// takes it, keeping file order otherwise. Returns each group of people
/// whose addresses go round in a circle (a swap), which no order can apply.
pub(super) fn order(updates: &mut [PersonUpdate], moved: &[MovedEmail]) -> Vec<Vec<i64>> {
    let giver: HashMap<&str, i64> = moved
        .iter()
        .map(|m| (m.from.as_str(), m.person_id))
        .collect();
    // For each person, the person who must change before them.
    let waits_for: HashMap<i64, i64> = moved
        .iter()
        .filter_map(|m| {
            let giver = *giver.get(m.to.as_str())?;
            (giver != m.person_id).then_some((m.person_id, giver))
        })
        .collect();
    let mut placed: HashSet<i64> = HashSet::with_capacity(updates.len());
    let mut sequence: Vec<i64> = Vec::with_capacity(updates.len());
    let mut circles = Vec::new();
    for update in updates.iter() {
        if placed.contains(&update.id) {
            continue;
        }
        let mut chain = vec![update.id];
        let mut circle = false;
        let mut at = update.id;
        // Each address has one giver and one taker, so walking back from a
        // person either ends or comes back to them; the bound guards
        // against current data that breaks that (two accounts whose emails
        // differ only in case).
        for _ in 0..=moved.len() {
            let Some(&giver) = waits_for.get(&at) else {
                break;
            };
            if giver == update.id {
                circle = true;
                break;
            }
            if placed.contains(&giver) || chain.contains(&giver) {
                break;
            }
            chain.push(giver);
            at = giver;
        }
        placed.extend(&chain);
        if circle {
            chain.sort_unstable();
            circles.push(chain);
        } else {
            sequence.extend(chain.iter().rev());
        }
    }
    let position: HashMap<i64, usize> = sequence
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    updates.sort_by_key(|update| position.get(&update.id).copied().unwrap_or(usize::MAX));
    circles
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::Email;

    fn update(id: i64, email: &str) -> PersonUpdate {
        PersonUpdate {
            id,
            staff_ref: None,
            guardian_ref: None,
            email: Email::parse(email).expect("a valid email"),
            title: None,
            given_name: "A".into(),
            family_name: "B".into(),
            phone: None,
        }
    }

    fn moved(person_id: i64, from: &str, to: &str) -> MovedEmail {
        MovedEmail {
            person_id,
            from: from.into(),
            to: to.into(),
        }
    }

    fn ids(updates: &[PersonUpdate]) -> Vec<i64> {
        updates.iter().map(|u| u.id).collect()
    }

    #[test]
    fn an_address_is_given_up_before_it_is_taken() {
        // 1 takes 2's address, 2 takes 3's, 3 takes a fresh one; 4 is unrelated.
        let mut updates = vec![
            update(1, "b@x.org"),
            update(4, "d@x.org"),
            update(2, "c@x.org"),
            update(3, "new@x.org"),
        ];
        let moves = [
            moved(1, "a@x.org", "b@x.org"),
            moved(2, "b@x.org", "c@x.org"),
            moved(3, "c@x.org", "new@x.org"),
        ];
        assert!(order(&mut updates, &moves).is_empty());
        assert_eq!(ids(&updates), [3, 2, 1, 4]);
    }

    #[test]
    fn a_swap_is_reported_and_the_rest_still_ordered() {
        let mut updates = vec![
            update(1, "b@x.org"),
            update(2, "a@x.org"),
            update(3, "e@x.org"),
        ];
        let moves = [
            moved(1, "a@x.org", "b@x.org"),
            moved(2, "b@x.org", "a@x.org"),
        ];
        assert_eq!(order(&mut updates, &moves), [vec![1, 2]]);
        assert_eq!(ids(&updates)[0], 3);
    }

    #[test]
    fn updates_that_keep_their_email_keep_file_order() {
        let mut updates = vec![update(5, "e@x.org"), update(2, "b@x.org")];
        assert!(order(&mut updates, &[]).is_empty());
        assert_eq!(ids(&updates), [5, 2]);
    }
}
