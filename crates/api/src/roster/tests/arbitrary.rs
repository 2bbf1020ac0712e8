//! Arbitrary input: random bytes, and the sample files damaged at random,
//! never panic; every problem points into the file it names; and whatever
//! plans cleanly, applied and imported again, changes nothing.

use super::*;

/// A small deterministic pseudo-random generator (xorshift64*), so a
/// failure reproduces from its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A byte, mostly one that means something to CSV or to the checks.
    fn byte(&mut self) -> u8 {
        const MEANINGFUL: &[u8] = b",,,\"\"\n\n\r;\t @.aZ09 S1T0G2";
        match self.below(4) {
            0 => self.next() as u8,
            _ => MEANINGFUL[self.below(MEANINGFUL.len())],
        }
    }
}

/// Damages `bytes` a few times: bytes changed, inserted or deleted, a line
/// repeated or dropped.
fn damage(random: &mut Random, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + random.below(3) {
        let at = random.below(bytes.len() + 1);
        match random.below(6) {
            0 if at < bytes.len() => bytes[at] = random.byte(),
            1 => bytes.insert(at, random.byte()),
            2 if at < bytes.len() => {
                bytes.remove(at);
            }
            3 | 4 => {
                let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
                let line = random.below(lines.len());
                let mut copy: Vec<u8> = Vec::new();
                for (i, text) in lines.iter().enumerate() {
                    let times = if i != line {
                        1
                    } else if random.below(2) == 0 {
                        0
                    } else {
                        2
                    };
                    for _ in 0..times {
                        copy.extend_from_slice(text);
                    }
                }
                bytes = copy;
            }
            _ => {}
        }
    }
    bytes
}

fn lines_in(bytes: &[u8]) -> u64 {
    1 + bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Imports `files` into `school`, checking what must hold of any outcome;
/// returns whether it planned.
fn check(files: &RosterFiles, school: &CurrentRoster, seed: u64) -> bool {
    let outcome = parse(files).and_then(|parsed| {
        let _ = emails_in(&parsed);
        plan(&parsed, school)
    });
    match outcome {
        Ok(plan) => {
            let _ = preview(&plan);
            let applied = apply(school, &plan);
            let again = planned(files, &applied);
            assert!(
                again.is_empty(),
                "seed {seed}: a second import changes nothing: {again:#?}"
            );
            true
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "seed {seed}");
            for error in errors {
                let bytes = match error.file.as_str() {
                    "students.csv" => &files.students,
                    "guardians.csv" => &files.guardians,
                    "staff.csv" => &files.staff,
                    "classes.csv" => &files.classes,
                    other => panic!("seed {seed}: unknown file {other}"),
                };
                let bytes = bytes
                    .as_deref()
                    .unwrap_or_else(|| panic!("seed {seed}: {error} names a file not imported"));
                if let Some(line) = error.line {
                    assert!(
                        (1..=lines_in(bytes)).contains(&line),
                        "seed {seed}: {error}"
                    );
                }
                assert!(!error.reason.is_empty(), "seed {seed}");
            }
            false
        }
    }
}

#[test]
fn random_bytes_are_reported_never_a_panic() {
    let mut random = Random(0x5EED_0001);
    for seed in 0..300 {
        let mut bytes: Vec<u8> = (0..random.below(400)).map(|_| random.byte()).collect();
        if random.below(3) == 0 {
            bytes.splice(0..0, *b"Student ID,Given Name,Family Name,Year\n");
        }
        let mut files = RosterFiles::default();
        match random.below(4) {
            0 => files.students = Some(bytes),
            1 => files.guardians = Some(bytes),
            2 => files.staff = Some(bytes),
            _ => files.classes = Some(bytes),
        }
        let _ = check(&files, &CurrentRoster::default(), seed);
    }
}

#[test]
fn damaged_sample_files_are_reported_or_sync_cleanly() {
    let empty = CurrentRoster::default();
    let school = apply(&empty, &planned(&sample_files(), &empty));
    let mut random = Random(0x5EED_0002);
    let mut outcomes = [0; 2];
    for seed in 0..400 {
        let mut files = sample_files();
        let slots = [
            &mut files.students,
            &mut files.guardians,
            &mut files.staff,
            &mut files.classes,
        ];
        for slot in slots {
            match random.below(5) {
                0 => *slot = None,
                1 | 2 => *slot = slot.take().map(|bytes| damage(&mut random, bytes)),
                _ => {}
            }
        }
        let planned = check(&files, if seed % 2 == 0 { &empty } else { &school }, seed);
        outcomes[usize::from(planned)] += 1;
    }
    // Both paths are exercised: damage that is reported, and damage (or
    // files left out) that still makes a valid import to sync.
    assert!(outcomes.iter().all(|&n| n >= 50), "{outcomes:?}");
}
