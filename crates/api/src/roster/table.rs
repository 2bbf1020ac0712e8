//! Reading one uploaded CSV file into its header and records, each with the
//! line it starts on.
//!
//! Blank lines, and rows whose every cell is empty (spreadsheets export
//! those below the data), are skipped. A record with the wrong number of
//! fields, or with bytes that are not UTF-8 in a column Confero reads, is
//! reported and left out.

use super::headers::Headers;
use super::report::{FileKind, Problems};

/// One record of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    /// The 1-based line the record starts on; the header is line 1.
    pub(crate) line: u64,
    /// One field per column of the header, untrimmed.
    pub(crate) fields: Vec<String>,
}

/// A file whose header names every required column.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) file: FileKind,
    pub(crate) headers: Headers,
    pub(crate) records: Vec<Record>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const NOT_UTF8: &str = "is not UTF-8 text; save the file as \"CSV UTF-8\"";

/// Reads `bytes` as `file`, or records why its header cannot be read.
pub(crate) fn read(file: FileKind, bytes: &[u8], problems: &mut Problems) -> Option<Table> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        problems.add(
            file,
            None,
            None,
            format!("the file {NOT_UTF8} (it is UTF-16)"),
        );
        return None;
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        problems.add(
            file,
            None,
            None,
            format!(
                "the file is empty: it needs a header line naming the columns, then one line per {}",
                file.row_noun()
            ),
        );
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut raw = csv::ByteRecord::new();
    let mut headers = None;
    let mut records = Vec::new();
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = lines.line_at(raw.position().map_or(0, csv::Position::byte));
                problems.add(
                    file,
                    Some(line),
                    None,
                    format!("cannot be read as CSV: {error}"),
                );
                break;
            }
        }
        let line = lines.line_at(raw.position().map_or(0, csv::Position::byte));
        let Some(headers) = &headers else {
            let header = decode_header(file, line, &raw, problems);
            headers = Some(Headers::match_line(file, line, &header, problems)?);
            continue;
        };
        if raw.iter().all(|field| field.trim_ascii().is_empty()) {
            continue;
        }
        if raw.len() != headers.width() {
            problems.add(
                file,
                Some(line),
                None,
                format!(
                    "has {} fields but the header has {}; look for a missing or extra comma, or an unclosed quote",
                    raw.len(),
                    headers.width()
                ),
            );
            continue;
        }
        if let Some(fields) = decode_record(file, line, &raw, headers, problems) {
            records.push(Record { line, fields });
        }
    }
    headers.map(|headers| Table {
        file,
        headers,
        records,
    })
}

/// The header's names. Bytes that are not UTF-8 are reported, and replaced
/// so the other columns can still be matched.
fn decode_header(
    file: FileKind,
    line: u64,
    raw: &csv::ByteRecord,
    problems: &mut Problems,
) -> Vec<String> {
    raw.iter()
        .map(|field| {
            let name = String::from_utf8_lossy(field).into_owned();
            if std::str::from_utf8(field).is_err() {
                problems.at(file, line, name.trim(), NOT_UTF8);
            }
            name
        })
        .collect()
}

/// The record's fields, or `None` when a column Confero reads is not UTF-8;
/// the problem names the line the offending bytes are on, which is later
/// than `line` when an earlier field spans lines.
fn decode_record(
    file: FileKind,
    line: u64,
    raw: &csv::ByteRecord,
    headers: &Headers,
    problems: &mut Problems,
) -> Option<Vec<String>> {
    let mut fields = Vec::with_capacity(raw.len());
    let mut line_breaks_before = 0;
    let mut valid = true;
    for (index, field) in raw.iter().enumerate() {
        match (std::str::from_utf8(field), headers.column_at(index)) {
            (Ok(text), _) => fields.push(text.to_owned()),
            (Err(error), Some(column)) => {
                let breaks = count_line_breaks(&field[..error.valid_up_to()]);
                let at = line + line_breaks_before + breaks;
                problems.at(file, at, headers.name(column), NOT_UTF8);
                valid = false;
            }
            (Err(_), None) => fields.push(String::from_utf8_lossy(field).into_owned()),
        }
        line_breaks_before += count_line_breaks(field);
    }
    valid.then_some(fields)
}

fn count_line_breaks(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Turns the byte offsets the CSV reader gives into line numbers, walking the
/// file once. The reader's own line numbers count blank lines before a record
/// as part of it; a line number here is where the record's text starts.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `offset` that is not a
    /// line break. Offsets must not decrease from one call to the next.
    fn line_at(&mut self, offset: u64) -> u64 {
        let target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .clamp(self.offset, self.bytes.len());
        self.line += count_line_breaks(&self.bytes[self.offset..target]);
        let skipped = self.bytes[target..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.line += count_line_breaks(&self.bytes[target..target + skipped]);
        self.offset = target + skipped;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::columns::Column;

    fn table(bytes: &[u8]) -> Result<Table, Vec<String>> {
        let mut problems = Problems::default();
        let table = read(FileKind::Students, bytes, &mut problems);
        match problems.or_ok(()) {
            Ok(()) => Ok(table.expect("no problems means a table")),
            Err(errors) => Err(errors.into_iter().map(|e| e.to_string()).collect()),
        }
    }

    fn lines(table: &Table) -> Vec<u64> {
        table.records.iter().map(|r| r.line).collect()
    }

    const HEADER: &str = "Student ID,Given Name,Family Name,Year\n";

    #[test]
    fn records_carry_the_line_they_start_on_past_blank_lines() {
        let csv = format!("{HEADER}\r\nS1,Ada,Lovelace,7\r\n\n\nS2,\"Bo\",Li,8\n,, ,\nS3,Cy,Ng,9");
        let table = table(csv.as_bytes()).unwrap();
        assert_eq!(lines(&table), [3, 6, 8]);
        assert_eq!(table.records[1].fields, ["S2", "Bo", "Li", "8"]);
        assert_eq!(table.headers.position(Column::Year), Some(3));
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_header() {
        let csv = format!("\u{feff}{HEADER}S1,Ada,Lovelace,7\n");
        assert_eq!(lines(&table(csv.as_bytes()).unwrap()), [2]);
    }

    #[test]
    fn a_ragged_row_is_reported_and_the_others_kept() {
        let csv = format!("{HEADER}S1,Ada,Lovelace,7\nS2,Bo,Li\nS3,Cy,Ng,9,extra\n");
        let errors = table(csv.as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("students.csv line 3: has 3 fields but the header has 4"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with("students.csv line 4: has 5 fields"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_on_their_own_line() {
        let mut csv = HEADER.as_bytes().to_vec();
        csv.extend_from_slice(b"S1,\"Two\nlines\",Ren\xe9e,7\n");
        let errors = table(&csv).unwrap_err();
        assert_eq!(
            errors,
            ["students.csv line 3, Family Name: is not UTF-8 text; save the file as \"CSV UTF-8\""]
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_in_an_ignored_column_do_no_harm() {
        let mut csv = b"Student ID,Given Name,Family Name,Year,Notes\n".to_vec();
        csv.extend_from_slice(b"S1,Ada,Lovelace,7,caf\xe9\n");
        assert_eq!(lines(&table(&csv).unwrap()), [2]);
    }

    #[test]
    fn an_empty_or_utf16_file_is_refused_whole() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b" \r\n"] {
            let errors = table(bytes).unwrap_err();
            assert_eq!(errors.len(), 1, "{bytes:?}");
            assert!(
                errors[0].starts_with("students.csv: the file is empty"),
                "{}",
                errors[0]
            );
        }
        let errors = table(b"\xFF\xFES\x00").unwrap_err();
        assert!(errors[0].contains("(it is UTF-16)"), "{}", errors[0]);
    }

    #[test]
    fn a_header_only_file_has_no_records() {
        assert!(table(HEADER.as_bytes()).unwrap().records.is_empty());
    }
}
