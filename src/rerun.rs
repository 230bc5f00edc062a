//! The `igf-lens ingest` command that brings an index up to date, as the hints of errors and
//! findings print it: its `--index` and the paths its manifest records as ingested.
//!
//! Input: an index directory (its manifest's `inputs` are read, nothing else). Output: the
//! command as text. A leaf: imports nothing of the crate, so that [`crate::error`] can name the
//! command in its messages. Decides nothing about the index.

use serde::Deserialize;
use std::path::Path;

/// Name of the manifest file inside the index directory.
pub const MANIFEST_FILE: &str = "igf-lens-manifest.json";

/// The most recorded inputs a hint names; with more, it says where they are listed.
const HINT_INPUTS: usize = 4;

/// An `igf-lens ingest` command, in backquotes, with `flag` (`--rebuild`, `--prune`), that works
/// on the index at `dir`: its `--index` and the paths its manifest records. When they are not
/// known (an index made before they were recorded, a manifest that does not parse), not all
/// found from here, or too many, the paths are DATA_DIR, explained after the command.
pub fn ingest_hint(dir: &Path, flag: Option<&str>) -> String {
    #[derive(Deserialize)]
    struct Inputs {
        #[serde(default)]
        inputs: Vec<String>,
    }
    let inputs = std::fs::read(dir.join(MANIFEST_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<Inputs>(&b).ok())
        .map(|m| m.inputs)
        .unwrap_or_default();
    let flag = flag.map(|f| format!(" {f}")).unwrap_or_default();
    let index = shell_word(&dir.to_string_lossy());
    let command = |paths: &str| format!("`igf-lens ingest{flag} --index {index} {paths}`");
    let words: Vec<String> = inputs.iter().map(|k| shell_word(k)).collect();
    let found = inputs
        .iter()
        .all(|k| Path::new(k).symlink_metadata().is_ok());
    let why = if inputs.is_empty() {
        "the files and directories it was made from".to_string()
    } else if !found {
        format!(
            "the paths it was made from, recorded as {}, not found from here",
            words.join(" ")
        )
    } else if inputs.len() > HINT_INPUTS {
        format!(
            "the {} paths listed as \"inputs\" in {}",
            inputs.len(),
            dir.join(MANIFEST_FILE).display()
        )
    } else {
        return command(&words.join(" "));
    };
    format!("{} (DATA_DIR: {why})", command("DATA_DIR"))
}

/// `word` as one shell word: as it is when it holds only characters no shell treats specially,
/// else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:@%=".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_with_a_quote_is_quoted_for_the_shell() {
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("data/sessions"), "data/sessions");
        assert_eq!(shell_word("my data"), "'my data'");
    }
}
