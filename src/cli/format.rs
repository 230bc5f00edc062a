//! The output formats of the CLI, one vocabulary for every command whose output is a table:
//! `table` for people, `json` for programs (one object per row and line, so `jsonl` is accepted
//! as the same thing), `csv` for spreadsheets. Commands that write files for other tools
//! (`export passages`) have no `table`.

/// `--format` of `search`, `kwic`, `speakers` and `sessions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON object per row and line (JSON Lines; `jsonl` is accepted too).
    #[value(alias = "jsonl")]
    Json,
    /// CSV with a header row.
    Csv,
}

/// `--format` of `export passages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// One JSON object per passage and line (JSON Lines; `jsonl` is accepted too).
    #[value(alias = "jsonl")]
    Json,
    /// The columns of passages.csv.
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn jsonl_is_an_alias_of_json() {
        assert_eq!(Format::from_str("jsonl", true), Ok(Format::Json));
        assert_eq!(Format::from_str("json", true), Ok(Format::Json));
        assert_eq!(FileFormat::from_str("jsonl", true), Ok(FileFormat::Json));
        assert_eq!(FileFormat::from_str("csv", true), Ok(FileFormat::Csv));
        assert!(FileFormat::from_str("table", true).is_err());
    }
}
