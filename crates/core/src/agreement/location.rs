//! Where in an agreement's files a problem was found: file, line and column.

use std::fmt;
use std::ops::Range;

/// A place in one of an agreement's files. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, no position inside it.
    pub fn file(file: &str) -> Self {
        Self { file: file.to_owned(), line: None, column: None }
    }

    /// The position of byte offset `offset` within `text`, the contents of `file`.
    pub fn at_offset(file: &str, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, not bytes, so that editors agree with us.
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        Self { file: file.to_owned(), line: Some(line), column: Some(column) }
    }

    /// The start of a span, if there is one, else the whole file.
    pub fn at_span(file: &str, text: &str, span: Option<Range<usize>>) -> Self {
        match span {
            Some(span) => Self::at_offset(file, text, span.start),
            None => Self::file(file),
        }
    }
}

/// Where each line of a text starts, so that many offsets can be turned into locations
/// without rescanning the text each time.
#[derive(Debug, Clone)]
pub struct LineStarts {
    starts: Vec<usize>,
}

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { starts }
    }

    /// The same as [`Location::at_offset`], in logarithmic time.
    pub fn locate(&self, file: &str, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = String::from_utf8_lossy(&text.as_bytes()[start..offset]).chars().count() + 1;
        Location { file: file.to_owned(), line: Some(line), column: Some(column) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        let cases = [(0, 1, 1), (4, 1, 5), (6, 2, 1), (9, 2, 3), (999, 3, 1)];
        for (offset, line, column) in cases {
            let at = Location::at_offset("f.toml", text, offset);
            assert_eq!((at.line, at.column), (Some(line), Some(column)), "offset {offset}");
        }
        assert_eq!(Location::at_offset("f.toml", text, 6).to_string(), "f.toml:2:1");
        assert_eq!(Location::file("f.toml").to_string(), "f.toml");
        let starts = LineStarts::new(text);
        for offset in 0..=text.len() + 2 {
            if text.is_char_boundary(offset.min(text.len())) {
                assert_eq!(
                    starts.locate("f.toml", text, offset),
                    Location::at_offset("f.toml", text, offset),
                    "{offset}"
                );
            }
        }
    }
}
