//! The `igf-lens ingest` command that brings an index up to date, as the hints of errors and
//! findings print it: its `--index`, the options that shaped the index and the paths ingested,
//! as the manifest records them.
//!
//! Input: an index directory (its manifest's `inputs`, `options` and `workdir` are read,
//! nothing else). Output: the command as text. A leaf: imports nothing of the crate, so that
//! [`crate::error`] can name the command in its messages; the manifest
//! ([`crate::pipeline::manifest`]) records [`IngestOptions`] as defined here. Decides nothing
//! about the index.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Name of the manifest file inside the index directory.
pub const MANIFEST_FILE: &str = "igf-lens-manifest.json";

/// The most recorded inputs a hint names; with more, it says where they are listed.
const HINT_INPUTS: usize = 4;

/// The options of an ingest that change what the index holds, their paths as given on the
/// command line (relative ones to the directory ingest ran in): what a hint repeats, so that
/// the command it prints makes the same index. Threads, memory, `--quiet`, `--wait`,
/// `--strict`, `--rebuild`, `--prune` and `--index` change nothing the index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestOptions {
    /// `--themes FILE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub themes: Option<String>,
    /// `--model FILE` or `--no-model`.
    #[serde(default, skip_serializing_if = "RecordedModel::is_embedded")]
    pub model: RecordedModel,
    /// `--registry FILE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// `--organizations FILE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations: Option<String>,
    /// `--pairs FILE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairs: Option<String>,
    /// `--codes FILE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<String>,
}

/// The learned model an ingest was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordedModel {
    /// The embedded one (no flag).
    #[default]
    Embedded,
    /// `--no-model`.
    Off,
    /// `--model FILE`.
    File(String),
}

impl RecordedModel {
    fn is_embedded(&self) -> bool {
        *self == RecordedModel::Embedded
    }
}

impl IngestOptions {
    /// Whether no option was given (what the manifest leaves out).
    pub fn is_default(&self) -> bool {
        *self == IngestOptions::default()
    }

    /// The flags, each with its path when it takes one, in the order `--help` lists them.
    fn flags(&self) -> Vec<(&'static str, Option<&str>)> {
        fn with<'a>(
            flag: &'static str,
            path: &'a Option<String>,
        ) -> Option<(&'static str, Option<&'a str>)> {
            path.as_deref().map(|p| (flag, Some(p)))
        }
        let model = match &self.model {
            RecordedModel::Embedded => None,
            RecordedModel::Off => Some(("--no-model", None)),
            RecordedModel::File(p) => Some(("--model", Some(p.as_str()))),
        };
        [
            with("--themes", &self.themes),
            model,
            with("--registry", &self.registry),
            with("--organizations", &self.organizations),
            with("--pairs", &self.pairs),
            with("--codes", &self.codes),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// What the hints and the choice of codes files read of a manifest; the file entries, its bulk,
/// are passed over.
#[derive(Default, Deserialize)]
pub struct Recorded {
    /// The directory the last ingest ran in.
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub options: IngestOptions,
    #[serde(default)]
    pub inputs: Vec<String>,
    /// The codes files the last ingest read, in order.
    #[serde(default)]
    pub codes_files: Vec<String>,
}

impl Recorded {
    /// The record of the index at `dir`; empty when it has no manifest or one that does not
    /// parse (which the commands report themselves).
    pub fn load(dir: &Path) -> Recorded {
        std::fs::read(dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }
}

/// An `igf-lens ingest` command, in backquotes, with `flag` (`--rebuild`, `--prune`), that works
/// on the index at `dir` from the current directory: its `--index`, and the options and paths
/// its manifest records, as given when they name from here what they named for the ingest, else
/// from the directory it ran in ([`locate`]). When the paths are not known (an index made
/// before they were recorded, a manifest that does not parse), not all found, or too many, they
/// are DATA_DIR, explained after the command.
pub fn ingest_hint(dir: &Path, flag: Option<&str>) -> String {
    let recorded = Recorded::load(dir);
    let workdir = recorded.workdir.as_deref().map(Path::new);
    let mut head = format!(
        "igf-lens ingest{}",
        flag.map(|f| format!(" {f}")).unwrap_or_default()
    );
    head.push_str(&format!(" --index {}", shell_word(&dir.to_string_lossy())));
    for (name, path) in recorded.options.flags() {
        head.push_str(&format!(" {name}"));
        if let Some(p) = path {
            head.push_str(&format!(" {}", locate(p, workdir).word(p)));
        }
    }
    let command = |paths: &str| format!("`{head} {paths}`");
    let inputs = &recorded.inputs;
    let located: Vec<Located> = inputs.iter().map(|k| locate(k, workdir)).collect();
    let why = if inputs.is_empty() {
        "the files and directories it was made from".to_string()
    } else if located.iter().any(|l| matches!(l, Located::Missing(_))) {
        not_found(inputs, workdir)
    } else if inputs.len() > HINT_INPUTS {
        format!(
            "the {} paths listed as \"inputs\" in {}",
            inputs.len(),
            dir.join(MANIFEST_FILE).display()
        )
    } else {
        let words: Vec<String> = located.iter().zip(inputs).map(|(l, k)| l.word(k)).collect();
        return command(&words.join(" "));
    };
    format!("{} (DATA_DIR: {why})", command("DATA_DIR"))
}

/// Why DATA_DIR stands for the recorded `inputs`: not all of them are found.
fn not_found(inputs: &[String], workdir: Option<&Path>) -> String {
    let words: Vec<String> = inputs.iter().map(|k| shell_word(k)).collect();
    match workdir {
        Some(w) if inputs.iter().any(|k| Path::new(k).is_relative()) => format!(
            "the paths it was made from, recorded as {} (from {}), not found",
            words.join(" "),
            w.display()
        ),
        _ => format!(
            "the paths it was made from, recorded as {}, not found from here",
            words.join(" ")
        ),
    }
}

/// Where a recorded path is, seen from the current directory.
#[derive(Debug, PartialEq)]
enum Located {
    /// Found as given, naming what it named for the ingest (as far as can be told).
    AsGiven,
    /// Found only from the directory ingest ran in: this path (absolute).
    There(PathBuf),
    /// Not found; the path from the directory ingest ran in, when it is relative and that
    /// directory is known.
    Missing(Option<PathBuf>),
}

impl Located {
    /// The path to print for `given`, as one shell word.
    fn word(&self, given: &str) -> String {
        match self {
            Located::There(p) | Located::Missing(Some(p)) => shell_word(&p.to_string_lossy()),
            Located::AsGiven | Located::Missing(None) => shell_word(given),
        }
    }
}

/// Where the recorded path `given` is from here. A relative one is taken as given when it names
/// the same entry from here as from `workdir`, the directory ingest ran in (or when only here
/// has it: that directory moved), else from `workdir`.
fn locate(given: &str, workdir: Option<&Path>) -> Located {
    let path = Path::new(given);
    let here = path.symlink_metadata().is_ok();
    let Some(there) = workdir.filter(|_| path.is_relative()).map(|w| w.join(path)) else {
        return if here {
            Located::AsGiven
        } else {
            Located::Missing(None)
        };
    };
    match (here, there.symlink_metadata().is_ok()) {
        (true, true) if same_entry(path, &there, workdir) => Located::AsGiven,
        (_, true) => Located::There(there),
        (true, false) => Located::AsGiven,
        (false, false) => Located::Missing(Some(there)),
    }
}

/// Whether the relative `path` names `there` from here: the current directory is `workdir`, or
/// both resolve to the same entry.
fn same_entry(path: &Path, there: &Path, workdir: Option<&Path>) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    workdir.and_then(is_current_dir) == Some(true)
        || canonical(path).is_some_and(|p| canonical(there) == Some(p))
}

/// Whether `dir` is the current directory (both resolved); None when either cannot be resolved.
pub fn is_current_dir(dir: &Path) -> Option<bool> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    Some(canonical(dir)? == canonical(&std::env::current_dir().ok()?)?)
}

/// The path `word` as one shell word that igf-lens does not read as a flag: after `./` when it
/// begins with `-` (a relative path, then: absolute ones begin with `/`); as it is when it holds
/// only characters no shell treats specially, else in single quotes.
fn shell_word(word: &str) -> String {
    if word.starts_with('-') {
        return shell_word(&format!("./{word}"));
    }
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

    #[test]
    fn a_path_that_begins_with_a_dash_is_not_printed_as_a_flag() {
        assert_eq!(shell_word("-corpus"), "./-corpus");
        assert_eq!(shell_word("--rebuild"), "./--rebuild");
        assert_eq!(shell_word("-my data"), "'./-my data'");
        assert_eq!(shell_word("a/-b"), "a/-b");
        assert_eq!(Located::AsGiven.word("-ix"), "./-ix");
        let opts = IngestOptions {
            codes: Some("-c.csv".into()),
            ..IngestOptions::default()
        };
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("-ix");
        std::fs::create_dir(&dir).unwrap();
        let manifest = serde_json::json!({ "options": opts, "inputs": ["-corpus"] });
        std::fs::write(dir.join(MANIFEST_FILE), manifest.to_string()).unwrap();
        // Neither -c.csv nor -corpus is found (no workdir recorded): DATA_DIR, explained.
        let hint = ingest_hint(&dir, Some("--rebuild"));
        assert!(
            hint.contains(" --codes ./-c.csv DATA_DIR` (DATA_DIR: the paths it was made from, recorded as ./-corpus,"),
            "{hint}"
        );
        let relative = ingest_hint(std::path::Path::new("-ix"), None);
        assert!(
            relative.starts_with("`igf-lens ingest --index ./-ix "),
            "{relative}"
        );
    }

    #[test]
    fn options_print_as_flags_in_the_order_of_help() {
        assert!(IngestOptions::default().flags().is_empty());
        let all = IngestOptions {
            themes: Some("t.toml".into()),
            model: RecordedModel::File("m.tsv".into()),
            registry: Some("r.csv".into()),
            organizations: Some("o.csv".into()),
            pairs: Some("p.csv".into()),
            codes: Some("c.csv".into()),
        };
        assert_eq!(
            all.flags(),
            [
                ("--themes", Some("t.toml")),
                ("--model", Some("m.tsv")),
                ("--registry", Some("r.csv")),
                ("--organizations", Some("o.csv")),
                ("--pairs", Some("p.csv")),
                ("--codes", Some("c.csv")),
            ]
        );
        let off = IngestOptions {
            model: RecordedModel::Off,
            ..IngestOptions::default()
        };
        assert_eq!(off.flags(), [("--no-model", None)]);
    }

    #[test]
    fn options_keep_their_manifest_names_and_leave_out_what_was_not_given() {
        let json = |o: &IngestOptions| serde_json::to_string(o).unwrap();
        assert_eq!(json(&IngestOptions::default()), "{}");
        let off = IngestOptions {
            themes: Some("my themes.toml".into()),
            model: RecordedModel::Off,
            ..IngestOptions::default()
        };
        assert_eq!(json(&off), r#"{"themes":"my themes.toml","model":"off"}"#);
        let file = IngestOptions {
            model: RecordedModel::File("m.tsv".into()),
            ..IngestOptions::default()
        };
        assert_eq!(json(&file), r#"{"model":{"file":"m.tsv"}}"#);
        for o in [IngestOptions::default(), off, file] {
            assert_eq!(serde_json::from_str::<IngestOptions>(&json(&o)).unwrap(), o);
        }
    }

    #[test]
    fn a_relative_path_is_printed_as_given_only_where_it_names_what_ingest_read() {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = std::env::current_dir().unwrap();
        // Tests run in the package's directory, which has a Cargo.toml; tmp has its own.
        std::fs::write(tmp.path().join("Cargo.toml"), "").unwrap();
        std::fs::write(tmp.path().join("only-there.toml"), "").unwrap();
        assert_eq!(locate("Cargo.toml", Some(&cwd)), Located::AsGiven);
        assert_eq!(locate("Cargo.toml", None), Located::AsGiven);
        let there = |name: &str| tmp.path().join(name);
        assert_eq!(
            locate("Cargo.toml", Some(tmp.path())),
            Located::There(there("Cargo.toml"))
        );
        assert_eq!(
            locate("only-there.toml", Some(tmp.path())),
            Located::There(there("only-there.toml"))
        );
        assert_eq!(
            locate("nowhere.toml", Some(tmp.path())),
            Located::Missing(Some(there("nowhere.toml")))
        );
        assert_eq!(locate("nowhere.toml", None), Located::Missing(None));
        // Only here: the directory ingest ran in has moved; as given is the best guess.
        assert_eq!(
            locate("Cargo.toml", Some(&tmp.path().join("moved"))),
            Located::AsGiven
        );
        let absolute = there("only-there.toml");
        let abs = absolute.to_str().unwrap();
        assert_eq!(locate(abs, Some(&cwd)), Located::AsGiven);
        assert_eq!(Located::There(absolute.clone()).word("x"), shell_word(abs));
        assert_eq!(Located::Missing(None).word("my x"), "'my x'");
    }
}
