//! A side's prisoner list as CSV text: the entry type, partial dates, and an import that
//! keeps every good row and names the line and reason of every bad one.

use std::collections::HashMap;

use serde::Serialize;

pub use super::date::{DateError, PartialDate};

/// One person on a list, as that side wrote them. Empty cells are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListEntry {
    /// Unique within the list.
    pub id: String,
    /// The line of the CSV text where the row starts (the header is line 1).
    pub line: usize,
    /// The name as written, in one cell, when the list does not split it.
    pub name: Option<String>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    /// The name in its own script (Hangul, Chinese characters, Cyrillic, ...).
    pub name_native: Option<String>,
    pub birth_date: Option<PartialDate>,
    pub serial_number: Option<String>,
    pub rank: Option<String>,
    pub unit: Option<String>,
    pub nationality: Option<String>,
    pub captured_on: Option<PartialDate>,
    pub captured_at: Option<String>,
    /// Columns the list carries that reconciliation does not read, kept as (column, value).
    pub other: Vec<(String, String)>,
}

/// Why a row, or the whole list, could not be read. Every variant names its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("line {line}: the header has no `id` column")]
    NoIdColumn { line: usize },
    #[error("line {line}: the header has no name column (`name`, `family_name`/`given_name` or `name_native`)")]
    NoNameColumn { line: usize },
    #[error("line {line}: column `{column}` appears twice in the header")]
    DuplicateColumn { line: usize, column: String },
    #[error("line {line}: the list is empty (no header)")]
    Empty { line: usize },
    #[error("line {line}: not valid CSV: {reason}")]
    Csv { line: usize, reason: String },
    #[error("line {line}: not UTF-8 text")]
    NotUtf8 { line: usize },
    #[error("line {line}: {found} fields where the header has {expected}")]
    FieldCount { line: usize, expected: usize, found: usize },
    #[error("line {line}: empty `id`")]
    EmptyId { line: usize },
    #[error("line {line}: id `{id}` is already used on line {first_line}")]
    DuplicateId { line: usize, id: String, first_line: usize },
    #[error(
        "line {line}: no name and no serial number (`name`, `family_name`, `given_name`, `name_native` and `serial_number` are all empty)"
    )]
    NoName { line: usize },
    #[error("line {line}: field `{field}`: `{value}`: {reason}")]
    Field { line: usize, field: &'static str, value: String, reason: DateError },
}

impl ListError {
    /// The line of the CSV text the error is about.
    pub fn line(&self) -> usize {
        match self {
            Self::NoIdColumn { line }
            | Self::NoNameColumn { line }
            | Self::DuplicateColumn { line, .. }
            | Self::Empty { line }
            | Self::Csv { line, .. }
            | Self::NotUtf8 { line }
            | Self::FieldCount { line, .. }
            | Self::EmptyId { line }
            | Self::DuplicateId { line, .. }
            | Self::NoName { line }
            | Self::Field { line, .. } => *line,
        }
    }
}

/// A list read from CSV: the rows that were good, and what was wrong with the others.
#[derive(Debug, Clone, Default)]
pub struct ListImport {
    pub entries: Vec<ListEntry>,
    pub rejected: Vec<ListError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    FamilyName,
    GivenName,
    NameNative,
    BirthDate,
    SerialNumber,
    Rank,
    Unit,
    Nationality,
    CapturedOn,
    CapturedAt,
    Other,
}

fn column_of(header: &str) -> Column {
    match header.trim().to_ascii_lowercase().as_str() {
        "id" => Column::Id,
        "name" => Column::Name,
        "family_name" => Column::FamilyName,
        "given_name" => Column::GivenName,
        "name_native" => Column::NameNative,
        "birth_date" => Column::BirthDate,
        "serial_number" => Column::SerialNumber,
        "rank" => Column::Rank,
        "unit" => Column::Unit,
        "nationality" => Column::Nationality,
        "captured_on" => Column::CapturedOn,
        "captured_at" => Column::CapturedAt,
        _ => Column::Other,
    }
}

/// Read a list from CSV text with a header row. A problem with the header (no `id`, no
/// name column, a column named twice, no header at all) makes the whole list unusable and
/// is the `Err`; a bad row is recorded in [`ListImport::rejected`] and the rest are read.
/// A UTF-8 byte-order mark is skipped; cells are trimmed.
pub fn parse_list(text: &[u8]) -> Result<ListImport, ListError> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    let header = match reader.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => return Err(ListError::Empty { line: 1 }),
        Err(e) => return Err(ListError::Csv { line: 1, reason: e.to_string() }),
    };
    let mut columns = Vec::with_capacity(header.len());
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut names = Vec::with_capacity(header.len());
    for cell in header.iter() {
        let name = std::str::from_utf8(cell).map_err(|_| ListError::NotUtf8 { line: 1 })?.trim().to_owned();
        let column = column_of(&name);
        if column != Column::Other && seen.insert(name.to_ascii_lowercase(), ()).is_some() {
            return Err(ListError::DuplicateColumn { line: 1, column: name });
        }
        columns.push(column);
        names.push(name);
    }
    if !columns.contains(&Column::Id) {
        return Err(ListError::NoIdColumn { line: 1 });
    }
    if !columns.iter().any(|c| matches!(c, Column::Name | Column::FamilyName | Column::GivenName | Column::NameNative))
    {
        return Err(ListError::NoNameColumn { line: 1 });
    }

    let mut import = ListImport::default();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    // The reader's own line count skips blank lines; count newlines up to each record's
    // first byte instead, so that line numbers are the ones an editor shows.
    let mut lines = LineCounter { text, byte: 0, line: 1 };
    loop {
        let line_hint = lines.at(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line_hint, |p| lines.at(p.byte()));
                if record.len() == 1 && record.get(0).is_some_and(|c| c.iter().all(u8::is_ascii_whitespace)) {
                    continue; // a blank line
                }
                match read_row(&record, &columns, &names, line) {
                    Ok(entry) => match first_line_of.get(&entry.id) {
                        Some(&first_line) => {
                            import.rejected.push(ListError::DuplicateId { line, id: entry.id, first_line })
                        }
                        None => {
                            first_line_of.insert(entry.id.clone(), line);
                            import.entries.push(entry);
                        }
                    },
                    Err(e) => import.rejected.push(e),
                }
            }
            Err(e) => {
                let line = e.position().map_or(line_hint, |p| lines.at(p.byte()));
                import.rejected.push(ListError::Csv { line, reason: e.to_string() });
            }
        }
    }
    Ok(import)
}

/// Line numbers of byte offsets, for offsets that never go backwards.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn at(&mut self, byte: u64) -> usize {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        // A record's position includes the blank lines the reader skipped before it.
        while matches!(self.text.get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte > self.byte {
            self.line += self.text[self.byte..byte].iter().filter(|&&b| b == b'\n').count();
            self.byte = byte;
        }
        self.line
    }
}

fn read_row(
    record: &csv::ByteRecord,
    columns: &[Column],
    names: &[String],
    line: usize,
) -> Result<ListEntry, ListError> {
    if record.len() != columns.len() {
        return Err(ListError::FieldCount { line, expected: columns.len(), found: record.len() });
    }
    let mut entry = ListEntry { line, ..ListEntry::default() };
    for ((cell, column), header) in record.iter().zip(columns).zip(names) {
        let text = std::str::from_utf8(cell).map_err(|_| ListError::NotUtf8 { line })?.trim();
        let value = (!text.is_empty()).then(|| text.to_owned());
        match column {
            Column::Id => entry.id = text.to_owned(),
            Column::Name => entry.name = value,
            Column::FamilyName => entry.family_name = value,
            Column::GivenName => entry.given_name = value,
            Column::NameNative => entry.name_native = value,
            Column::BirthDate => entry.birth_date = date(text, "birth_date", line)?,
            Column::SerialNumber => entry.serial_number = value,
            Column::Rank => entry.rank = value,
            Column::Unit => entry.unit = value,
            Column::Nationality => entry.nationality = value,
            Column::CapturedOn => entry.captured_on = date(text, "captured_on", line)?,
            Column::CapturedAt => entry.captured_at = value,
            Column::Other => {
                if let Some(value) = value {
                    entry.other.push((header.clone(), value));
                }
            }
        }
    }
    if entry.id.is_empty() {
        return Err(ListError::EmptyId { line });
    }
    // A person with neither name nor number cannot be looked for.
    if entry.name.is_none()
        && entry.family_name.is_none()
        && entry.given_name.is_none()
        && entry.name_native.is_none()
        && entry.serial_number.is_none()
    {
        return Err(ListError::NoName { line });
    }
    Ok(entry)
}

fn date(text: &str, field: &'static str, line: usize) -> Result<Option<PartialDate>, ListError> {
    if text.is_empty() {
        return Ok(None);
    }
    PartialDate::parse(text).map(Some).map_err(|reason| ListError::Field {
        line,
        field,
        value: text.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        let cases: &[(&str, Result<PartialDate, DateError>)] = &[
            ("1931", Ok(PartialDate { year: 1931, month: None, day: None })),
            ("1931-04", Ok(PartialDate { year: 1931, month: Some(4), day: None })),
            ("1931-04-15", Ok(PartialDate { year: 1931, month: Some(4), day: Some(15) })),
            ("1932-02-29", Ok(PartialDate { year: 1932, month: Some(2), day: Some(29) })),
            ("1931-02-29", Err(DateError::Day { year: 1931, month: 2, day: 29 })),
            ("1931-13", Err(DateError::Month(13))),
            ("1931-4", Err(DateError::Shape)),
            ("31", Err(DateError::Shape)),
            ("1931-04-15-1", Err(DateError::Shape)),
            ("15/04/1931", Err(DateError::Shape)),
            ("+931", Err(DateError::Shape)),
        ];
        for (text, expected) in cases {
            assert_eq!(&PartialDate::parse(text), expected, "{text}");
            if let Ok(date) = expected {
                assert_eq!(date.to_string(), *text);
            }
        }
    }

    #[test]
    fn imports_good_rows_and_names_bad_ones() {
        let text = "\u{feff}id,family_name,given_name,name_native,birth_date,serial_number,unit,remarks\n\
                    a1,Kim,Il-sung,김일성,1912-04-15,K-1,3rd Div,first\n\
                    a2,Pak,Hon-yong,,1900,,,\n\
                    a3,Yi,Sun,,1931-02-30,,,\n\
                    a1,Kim,Again,,,,,\n\
                    ,Choe,Yong-gon,,,,,\n\
                    a6,,,,1930,,,\n\
                    a7,Ri,Mun,,1930\n\
                    \n\
                    a8,\"Chung\",\"Il,kwon\",,1917-11,,,\n";
        let import = parse_list(text.as_bytes()).unwrap();
        let ids: Vec<&str> = import.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2", "a8"]);
        let first = &import.entries[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.family_name.as_deref(), Some("Kim"));
        assert_eq!(first.name_native.as_deref(), Some("김일성"));
        assert_eq!(first.birth_date, Some(PartialDate { year: 1912, month: Some(4), day: Some(15) }));
        assert_eq!(first.other, [("remarks".to_owned(), "first".to_owned())]);
        assert_eq!(import.entries[2].given_name.as_deref(), Some("Il,kwon"));
        assert_eq!(import.entries[2].line, 10);
        let rejected: Vec<(usize, String)> = import.rejected.iter().map(|e| (e.line(), e.to_string())).collect();
        assert_eq!(
            rejected,
            [
                (4, "line 4: field `birth_date`: `1931-02-30`: day 30 does not exist in 1931-02".to_owned()),
                (5, "line 5: id `a1` is already used on line 2".to_owned()),
                (6, "line 6: empty `id`".to_owned()),
                (
                    7,
                    "line 7: no name and no serial number (`name`, `family_name`, `given_name`, `name_native` and \
                     `serial_number` are all empty)"
                        .to_owned()
                ),
                (8, "line 8: 5 fields where the header has 8".to_owned()),
            ]
        );
    }

    #[test]
    fn header_problems_refuse_the_list() {
        let cases: &[(&str, ListError)] = &[
            ("", ListError::Empty { line: 1 }),
            ("name,unit\nKim,1\n", ListError::NoIdColumn { line: 1 }),
            ("id,unit\n1,2\n", ListError::NoNameColumn { line: 1 }),
            ("id,name,Name\n", ListError::DuplicateColumn { line: 1, column: "Name".to_owned() }),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_list(text.as_bytes()).unwrap_err(), *expected, "{text:?}");
        }
    }

    #[test]
    fn not_utf8_rows_are_rejected_alone() {
        let mut text = b"id,name\n1,Kim\n2,".to_vec();
        text.extend_from_slice(&[0xff, 0xfe]);
        text.extend_from_slice(b"\n3,Lee\n");
        let import = parse_list(&text).unwrap();
        assert_eq!(import.entries.len(), 2);
        assert_eq!(import.rejected, [ListError::NotUtf8 { line: 3 }]);
    }
}
