//! Tables of cells and their CSV form.
//!
//! Input: a [`Table`] (header and rows of typed [`Cell`]s). Output: CSV bytes (UTF-8, optional
//! BOM for spreadsheets) with formula injection neutralised in text cells (files are
//! written through [`crate::disk::write_atomic`], so a failed export never leaves half a file).
//! Numbers are written as numbers. This module knows nothing about passages.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::io::Write;

/// One CSV cell. Only [`Cell::Text`] is neutralised; numbers stay numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(u64),
    /// Written with the given number of decimals.
    Float(f64, usize),
    /// Written in full, so that it reads back as the same number (scientific notation below
    /// 1e-4): p-values, which can be tiny.
    Exact(f64),
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// An integer cell, empty when `None`.
    pub fn opt_int(v: Option<u64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Int)
    }

    /// The cell as written in CSV (after neutralisation).
    pub fn render(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => neutralise(s),
            Cell::Int(v) => Cow::Owned(v.to_string()),
            Cell::Float(v, decimals) => Cow::Owned(format!("{v:.decimals$}")),
            Cell::Exact(v) if *v != 0.0 && v.abs() < 1e-4 => Cow::Owned(format!("{v:e}")),
            Cell::Exact(v) => Cow::Owned(v.to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// A header and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(header: Vec<&'static str>) -> Table {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// The position of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    /// The table as CSV bytes: header row, one line per row, `\n` line ends, UTF-8 (with a BOM
    /// when `excel`).
    pub fn to_csv(&self, excel: bool) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_csv(&mut out, excel)?;
        Ok(out)
    }

    /// Writes the table as CSV to `w`. I/O errors keep their kind (a closed pipe stays
    /// `BrokenPipe`).
    pub fn write_csv(&self, w: &mut dyn Write, excel: bool) -> Result<()> {
        write_rows(&self.header, self.rows.iter(), w, excel).map(|_| ())
    }
}

/// Writes a header and rows as CSV to `w` (BOM first when `excel`), one row at a time;
/// returns the number of rows.
pub fn write_rows<R: AsRef<[Cell]>>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    w: &mut dyn Write,
    excel: bool,
) -> Result<usize> {
    if excel {
        w.write_all("\u{FEFF}".as_bytes()).map_err(output_error)?;
    }
    let mut wtr = csv::WriterBuilder::new().from_writer(w);
    wtr.write_record(header).map_err(csv_error)?;
    let mut n = 0;
    for row in rows {
        wtr.write_record(row.as_ref().iter().map(|c| c.render().into_owned()))
            .map_err(csv_error)?;
        n += 1;
    }
    wtr.flush().map_err(output_error)?;
    Ok(n)
}

/// An error writing to the output (file or stdout), keeping the I/O error as the source.
pub fn output_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

fn csv_error(e: csv::Error) -> Error {
    if e.is_io_error() {
        if let csv::ErrorKind::Io(io) = e.into_kind() {
            return output_error(io);
        }
        return Error::Other("cannot write CSV".into());
    }
    Error::Other(format!("cannot write CSV: {e}"))
}

/// Characters that make a spreadsheet read a cell as a formula when they come first.
fn is_formula_start(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\t'
            | '\r'
            | '\n'
            | '\u{FF1D}'
            | '\u{FF0B}'
            | '\u{FF0D}'
            | '\u{FF20}'
    )
}

/// Characters a spreadsheet shows as nothing or as a space before a formula: spaces of every
/// kind (not tab, CR or LF, which start formulas themselves), and the invisible ones (zero-width
/// space, joiners, word joiner, byte-order mark, soft hyphen, Mongolian vowel separator).
fn is_blank_before_formula(c: char) -> bool {
    !matches!(c, '\t' | '\r' | '\n')
        && (c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' | '\u{180E}'
            ))
}

/// Prefixes `'` to a text cell that a spreadsheet could read as a formula: one starting with
/// `=`, `+`, `-`, `@`, a tab, CR or LF, also after leading spaces or invisible characters
/// (U+200B, U+FEFF, …), and the full-width forms `＝＋－＠`.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    let first = s.chars().find(|c| !is_blank_before_formula(*c));
    match first {
        Some(c) if is_formula_start(c) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralise_prefixes_formula_starts() {
        let cases = [
            ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
            ("+1 555", "'+1 555"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("\nx", "'\nx"),
            ("   =1+1", "'   =1+1"),
            ("\u{A0}@x", "'\u{A0}@x"),
            ("\u{200B}=1+1", "'\u{200B}=1+1"),
            ("\u{FEFF}=1+1", "'\u{FEFF}=1+1"),
            ("\u{200B}\u{FEFF} -1", "'\u{200B}\u{FEFF} -1"),
            ("\u{2060}@x", "'\u{2060}@x"),
            ("\u{200B}plain", "\u{200B}plain"),
            ("＝1+1", "'＝1+1"),
            ("＋1", "'＋1"),
            ("－1", "'－1"),
            ("＠x", "'＠x"),
            ("a = b", "a = b"),
            ("plain text", "plain text"),
            ("", ""),
            ("   ", "   "),
            ("2023-ws-225", "2023-ws-225"),
        ];
        for (input, want) in cases {
            assert_eq!(neutralise(input), want, "{input:?}");
        }
    }

    #[test]
    fn csv_keeps_numbers_neutralises_text_and_adds_bom_for_excel() {
        let t = Table {
            header: vec!["name", "n", "share", "missing"],
            rows: vec![
                vec![
                    Cell::text("=HYPERLINK(\"x\")"),
                    Cell::Int(3),
                    Cell::Float(0.25, 4),
                    Cell::Empty,
                ],
                vec![
                    Cell::text("Ana, Pérez"),
                    Cell::Int(0),
                    Cell::Float(1.0 / 3.0, 4),
                    Cell::opt_int(Some(7)),
                ],
            ],
        };
        let plain = String::from_utf8(t.to_csv(false).unwrap()).unwrap();
        assert_eq!(
            plain,
            "name,n,share,missing\n\"'=HYPERLINK(\"\"x\"\")\",3,0.2500,\n\"Ana, Pérez\",0,0.3333,7\n"
        );
        let excel = t.to_csv(true).unwrap();
        assert_eq!(&excel[..3], b"\xEF\xBB\xBF");
        assert_eq!(&excel[3..], plain.as_bytes());
    }
}
