//! The header of a CSV input file (a gold set, a codes file): columns found by name, errors that
//! name the file, the line and the header expected.
//!
//! Input: a `csv::Reader` over the file's text and its path. Output: each named column's index.
//! Decides nothing about the rows.

use crate::error::{Error, Result};
use std::path::Path;

/// An error at `line` of the CSV file `path`.
pub fn line_error(path: &Path, line: usize, message: String) -> Error {
    Error::InputLine {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// A CSV file's column names, trimmed and lower-cased.
pub struct CsvHeader<'a> {
    names: Vec<String>,
    path: &'a Path,
    expected: &'a str,
}

impl<'a> CsvHeader<'a> {
    /// Reads the header of `rdr`; `expected` (`id,text,labels`) is what errors say it must be.
    pub fn read<R: std::io::Read>(
        rdr: &mut csv::Reader<R>,
        path: &'a Path,
        expected: &'a str,
    ) -> Result<CsvHeader<'a>> {
        let names = rdr
            .headers()
            .map_err(|e| line_error(path, 1, format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        Ok(CsvHeader {
            names,
            path,
            expected,
        })
    }

    /// The index of column `name`, or an error naming the header expected.
    pub fn col(&self, name: &str) -> Result<usize> {
        self.names.iter().position(|h| h == name).ok_or_else(|| {
            line_error(
                self.path,
                1,
                format!("no `{name}` column: the header must be {}", self.expected),
            )
        })
    }
}
