//! Which codes files an ingest reads, and which one `igf-lens code` writes, as the index's
//! manifest records them ([`Manifest::codes_files`]): so that the human decisions an index
//! carries stay when an ingest is not given their file again, and `code` writes where the next
//! ingest reads.
//!
//! Input: an ingest's configuration and the `codes.csv` files among its inputs, or an index
//! directory. Output: [`CodesFiles`] (what to read, what is read again, what is gone), the file
//! `code` writes when not given `--codes` ([`last_codes_file`]), those the next ingest reads
//! once `code` wrote one ([`codes_files_in_force`]), and the manifest with the file `code`
//! wrote added ([`remember_codes_file`]). Reads no codes file (the resources do) and
//! decides nothing about what is processed again (the plan does, from the fingerprint and the
//! codes digests of the entries).

use super::config::{CodesChoice, IngestConfig};
use super::manifest::{ingest_dir_if_elsewhere, located, Manifest, MANIFEST_FILE};
use crate::error::{Error, Result};
use crate::rerun::Recorded;
use std::path::{Path, PathBuf};

/// The codes files of an ingest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodesFiles {
    /// Every file to read, in this order (a later row wins): the `codes.csv` files among the
    /// inputs, then the `--codes` file or those read again.
    pub read: Vec<PathBuf>,
    /// The files of `read` that the last ingest read and this one reads only for that.
    pub reused: Vec<PathBuf>,
    /// Files the last ingest read that no longer exist (left out).
    pub missing: Vec<PathBuf>,
}

impl CodesFiles {
    /// An error reading the codes, with why a file not given is read when some are.
    pub fn explain(&self, err: Error) -> Error {
        if self.reused.is_empty() {
            return err;
        }
        let names: Vec<String> = self
            .reused
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        Error::Other(format!(
            "{err} (the codes files of the last ingest are read again: {}; fix the file, or \
             ingest with --no-codes to leave them out)",
            names.join(", ")
        ))
    }
}

/// The codes files `cfg` reads, `corpus` being the `codes.csv` files among its inputs: those,
/// then the `--codes` file, or, with neither `--codes` nor `--no-codes`, the files the last
/// ingest read ([`Manifest::codes_files`], a relative one from the directory it ran in) that
/// are not among them, when they exist.
pub fn pick_codes_files(cfg: &IngestConfig, corpus: &[PathBuf]) -> CodesFiles {
    let mut files = CodesFiles {
        read: corpus.to_vec(),
        ..CodesFiles::default()
    };
    match &cfg.codes {
        CodesChoice::File(path) => files.read.push(path.clone()),
        CodesChoice::InputsOnly => {}
        CodesChoice::LastIngest => {
            for path in recorded_files(&Recorded::load(&cfg.index_dir)) {
                if files.read.iter().any(|r| same_file(r, &path)) {
                    continue;
                }
                if path.is_file() {
                    files.read.push(path.clone());
                    files.reused.push(path);
                } else {
                    files.missing.push(path);
                }
            }
        }
    }
    files
}

/// The codes files the manifest of `index_dir` records, in the order the last ingest read them
/// (a later row wins), from here: the human decisions the index holds.
pub fn recorded_codes_files(index_dir: &Path) -> Vec<PathBuf> {
    recorded_files(&Recorded::load(index_dir))
}

/// The codes file `igf-lens code` writes when not given `--codes`: the last one the manifest of
/// `index_dir` records (the `--codes` file of the last ingest, when it had one), from here;
/// `None` when it records none.
pub fn last_codes_file(index_dir: &Path) -> Option<PathBuf> {
    recorded_files(&Recorded::load(index_dir)).pop()
}

/// The codes files the next ingest of `index_dir` not given `--codes` reads, `file` (a codes
/// file `igf-lens code` writes into) among them, in the order it reads them (a later row
/// wins): those its manifest records that exist (from here), then `file` unless it is one.
pub fn codes_files_in_force(index_dir: &Path, file: &Path) -> Vec<PathBuf> {
    let mut files = recorded_files(&Recorded::load(index_dir));
    files.retain(|f| f.is_file());
    if !files.iter().any(|f| same_file(f, file)) {
        files.push(file.to_path_buf());
    }
    files
}

/// Adds `file`, a codes file `igf-lens code` wrote into, to the manifest of `index_dir` unless
/// it records it already, so that the next ingest not given `--codes` reads it, and lets
/// `recode` move the codes digests of its entries (returning whether it did); the manifest is
/// written when either changed it. Call it under the ingest lock. Returns whether the manifest
/// records the file now: not when the index has no manifest, or one that does not parse (the
/// next ingest reads every file again, or reports the damage, and knows no codes file).
pub fn remember_codes_file(
    index_dir: &Path,
    file: &Path,
    recode: &mut dyn FnMut(&mut Manifest) -> bool,
) -> Result<bool> {
    let known = recorded_files(&Recorded::load(index_dir))
        .iter()
        .any(|r| same_file(r, file));
    if !index_dir.join(MANIFEST_FILE).is_file() {
        return Ok(known);
    }
    let Ok(mut manifest) = Manifest::load(index_dir) else {
        return Ok(known);
    };
    let mut changed = recode(&mut manifest);
    if !known {
        add_codes_file(&mut manifest, file)?;
        changed = true;
    }
    if changed {
        manifest.save(index_dir)?;
    }
    Ok(true)
}

/// Adds `file` to the codes files `manifest` records.
fn add_codes_file(manifest: &mut Manifest, file: &Path) -> Result<()> {
    // A relative path names the file from the directory the last ingest ran in only when that
    // is this one.
    let here = manifest
        .workdir
        .as_deref()
        .map(crate::disk::key_path)
        .and_then(|w| crate::rerun::is_current_dir(&w))
        == Some(true);
    let key = if file.is_relative() && !here {
        std::path::absolute(file).map_err(|e| Error::io(file, e))?
    } else {
        file.to_path_buf()
    };
    if manifest.codes_files.is_empty() {
        // A manifest written before codes files were recorded names its `--codes` file only.
        manifest.codes_files = manifest.options.codes.iter().cloned().collect();
    }
    manifest.codes_files.push(crate::disk::path_key(&key));
    Ok(())
}

/// The codes files `recorded` names, in order, as paths from here. A manifest written before
/// they were recorded names the `--codes` file of its ingest, if any.
fn recorded_files(recorded: &Recorded) -> Vec<PathBuf> {
    let elsewhere = ingest_dir_if_elsewhere(recorded.workdir.as_deref());
    let keys = if recorded.codes_files.is_empty() {
        recorded.options.codes.as_slice()
    } else {
        recorded.codes_files.as_slice()
    };
    keys.iter()
        .map(|k| located(k, elsewhere.as_deref()))
        .collect()
}
/// Whether two paths name the same file: equal, or resolving to the same one.
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    a == b || canonical(a).is_some_and(|c| canonical(b) == Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rerun::IngestOptions;

    fn save(dir: &Path, m: &Manifest) {
        m.save(dir).unwrap();
    }

    #[test]
    fn an_ingest_reads_the_last_ingests_codes_files_it_would_not_read_unless_told_otherwise() {
        let tmp = tempfile::tempdir().unwrap();
        let (ix, a, b, gone) = (
            tmp.path().join("ix"),
            tmp.path().join("a.csv"),
            tmp.path().join("b.csv"),
            tmp.path().join("gone.csv"),
        );
        std::fs::create_dir(&ix).unwrap();
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        let key = |p: &Path| p.to_str().unwrap().to_string();
        save(
            &ix,
            &Manifest {
                codes_files: vec![key(&a), key(&gone), key(&b)],
                ..Manifest::default()
            },
        );
        let cfg = |codes: CodesChoice| IngestConfig {
            index_dir: ix.clone(),
            codes,
            ..IngestConfig::default()
        };
        // a is among the inputs: read there, first, not again.
        let got = pick_codes_files(&cfg(CodesChoice::LastIngest), std::slice::from_ref(&a));
        assert_eq!(
            got,
            CodesFiles {
                read: vec![a.clone(), b.clone()],
                reused: vec![b.clone()],
                missing: vec![gone.clone()],
            }
        );
        let given = tmp.path().join("given.csv");
        for (choice, read) in [
            (CodesChoice::File(given.clone()), vec![given.clone()]),
            (CodesChoice::InputsOnly, vec![]),
        ] {
            let got = pick_codes_files(&cfg(choice), &[]);
            assert_eq!(
                got,
                CodesFiles {
                    read,
                    ..CodesFiles::default()
                }
            );
        }
        assert_eq!(last_codes_file(&ix), Some(b));
        assert_eq!(last_codes_file(&tmp.path().join("none")), None);
    }

    #[test]
    fn a_manifest_without_codes_files_names_its_codes_option_and_code_adds_the_file_it_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let ix = tmp.path().join("ix");
        std::fs::create_dir(&ix).unwrap();
        let old = tmp.path().join("old.csv");
        let new = tmp.path().join("new.csv");
        std::fs::write(&old, "").unwrap();
        std::fs::write(&new, "").unwrap();
        // No manifest: nothing to record into.
        assert!(!remember_codes_file(&ix, &new, &mut |_| false).unwrap());
        let m = Manifest {
            options: IngestOptions {
                codes: Some(old.to_str().unwrap().into()),
                ..IngestOptions::default()
            },
            ..Manifest::default()
        };
        save(&ix, &m);
        assert_eq!(last_codes_file(&ix), Some(old.clone()));
        assert!(remember_codes_file(&ix, &old, &mut |_| false).unwrap());
        assert!(Manifest::load(&ix).unwrap().codes_files.is_empty());
        assert!(remember_codes_file(&ix, &new, &mut |_| false).unwrap());
        let want = [old.to_str().unwrap(), new.to_str().unwrap()];
        assert_eq!(Manifest::load(&ix).unwrap().codes_files, want);
        assert_eq!(last_codes_file(&ix), Some(new.clone()));
        // Recorded already: the manifest is not written again.
        assert!(remember_codes_file(&ix, &new, &mut |_| false).unwrap());
        assert_eq!(Manifest::load(&ix).unwrap().codes_files, want);
        // A manifest that does not parse is left as it is.
        std::fs::write(ix.join(MANIFEST_FILE), "{").unwrap();
        assert!(!remember_codes_file(&ix, &tmp.path().join("third.csv"), &mut |_| false).unwrap());
        assert_eq!(
            std::fs::read_to_string(ix.join(MANIFEST_FILE)).unwrap(),
            "{"
        );
    }

    #[test]
    fn a_relative_codes_file_written_from_elsewhere_is_recorded_absolute() {
        let tmp = tempfile::tempdir().unwrap();
        let ix = tmp.path().join("ix");
        std::fs::create_dir(&ix).unwrap();
        save(
            &ix,
            &Manifest {
                workdir: Some(tmp.path().to_str().unwrap().into()),
                ..Manifest::default()
            },
        );
        // Tests run in the package's directory, not in tmp.
        assert!(remember_codes_file(&ix, Path::new("Cargo.toml"), &mut |_| false).unwrap());
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            Manifest::load(&ix).unwrap().codes_files,
            [cwd.join("Cargo.toml").to_str().unwrap()]
        );
    }
}
