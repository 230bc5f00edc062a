//! A run's new manifest entries, held on disk instead of in memory until the manifest is
//! written: what a run holds then does not grow with the number of files it processes.
//!
//! Input: the manifest entries of the files a run looked at (pages and skipped files from
//! [`super::sources`], transcripts from [`super::run`]), each under its index into the files
//! found. Output: the manifest (`igf-lens-manifest.json`), written by streaming the carried
//! entries (in memory) and the spilled ones (read back one at a time) in key order, the same
//! bytes as [`Manifest::save`] writes for the same entries. The entries go to
//! [`SPILL_FILE`] in the index directory as the run goes (one compact JSON line each); the file
//! is removed when the manifest is written or the run fails. A killed run leaves it behind:
//! the old manifest stays valid (it is replaced only by a rename), and the next run removes
//! it ([`remove_stale`]). Decides nothing about what an entry says.

use super::found::Files;
use super::manifest::{FileEntry, IngestOptions, Manifest, MANIFEST_FILE};
use crate::error::{Error, Result};
use serde::ser::{Error as _, SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

/// Name of the file of a run's spilled entries, inside the index directory.
pub const SPILL_FILE: &str = ".igf-lens-entries.tmp";

/// Where one spilled entry is: its offset in the file and its length plus one (never 0, so
/// that an `Option<At>` takes 16 bytes, not 24, in the two per-file vectors).
#[derive(Debug, Clone, Copy)]
struct At {
    offset: u64,
    len_1: NonZeroU32,
}

impl At {
    fn len(self) -> u32 {
        self.len_1.get() - 1
    }
}

/// The entries of a run on disk, by index into the files found; the last put for a file wins.
/// Also the transcripts' clues while they wait for their entries ([`Spill::park`]).
#[derive(Debug)]
pub struct Spill {
    path: PathBuf,
    out: BufWriter<File>,
    len: u64,
    at: Vec<Option<At>>,
    /// The parked texts, by index into the files found.
    parked: Vec<Option<At>>,
    /// Bytes of the file written out of `out`'s buffer.
    flushed: u64,
    /// The file, opened again to read parked texts back.
    reader: Option<File>,
}

/// Removes the spill file a killed run left (none is fine).
pub fn remove_stale(index_dir: &Path) -> Result<()> {
    let path = index_dir.join(SPILL_FILE);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

impl Spill {
    /// A new, empty spill file in `index_dir` for a run over `files` files found.
    pub fn create(index_dir: &Path, files: usize) -> Result<Spill> {
        let path = index_dir.join(SPILL_FILE);
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Spill {
            path,
            out: BufWriter::new(file),
            len: 0,
            at: vec![None; files],
            parked: vec![None; files],
            flushed: 0,
            reader: None,
        })
    }

    /// Appends `bytes` to the file: where they are.
    fn append(&mut self, bytes: &[u8]) -> Result<At> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))?;
        let len_1 = u32::try_from(bytes.len())
            .ok()
            .and_then(|n| NonZeroU32::new(n.checked_add(1)?))
            .ok_or_else(|| Error::Other("a manifest entry over 4 GB".into()))?;
        let at = At {
            offset: self.len,
            len_1,
        };
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Spills the entry of file `i`.
    pub fn put(&mut self, i: usize, entry: &FileEntry) -> Result<()> {
        let mut bytes = serde_json::to_vec(entry).map_err(|e| Error::Other(e.to_string()))?;
        bytes.push(b'\n');
        let at = self.append(&bytes)?;
        if let Some(slot) = self.at.get_mut(i) {
            *slot = Some(at);
        }
        Ok(())
    }

    /// Keeps `text` (a transcript's clue while pairing waits, then its clue and pairing) on
    /// disk for file `i` until [`Spill::unpark`] takes it: the run holds 16 bytes a file, not
    /// the text. The manifest never reads it.
    pub fn park(&mut self, i: usize, text: &str) -> Result<()> {
        let at = self.append(text.as_bytes())?;
        if self.parked.len() <= i {
            self.parked.resize(i + 1, None);
        }
        self.parked[i] = Some(at);
        Ok(())
    }

    /// The text parked for file `i` (once: a second call gives none).
    pub fn unpark(&mut self, i: usize) -> Result<Option<String>> {
        let Some(at) = self.parked.get_mut(i).and_then(Option::take) else {
            return Ok(None);
        };
        if self.flushed < at.offset + u64::from(at.len()) {
            self.out.flush().map_err(|e| Error::io(&self.path, e))?;
            self.flushed = self.len;
        }
        let reader = match &mut self.reader {
            Some(r) => r,
            None => self
                .reader
                .insert(File::open(&self.path).map_err(|e| Error::io(&self.path, e))?),
        };
        let mut buf = vec![0; at.len() as usize];
        reader
            .seek(SeekFrom::Start(at.offset))
            .and_then(|_| reader.read_exact(&mut buf))
            .map_err(|e| Error::io(&self.path, e))?;
        String::from_utf8(buf)
            .map(Some)
            .map_err(|e| Error::Other(e.to_string()))
    }

    /// Spills entries given by key (keys of files found; another key is an internal error).
    pub fn put_keyed(&mut self, files: &Files, entries: Vec<(String, FileEntry)>) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let index: HashMap<&str, usize> =
            files.iter().enumerate().map(|(i, f)| (f.key, i)).collect();
        for (key, e) in entries {
            let i = *index
                .get(key.as_str())
                .ok_or_else(|| Error::Other(format!("{key} is not among the files found")))?;
            self.put(i, &e)?;
        }
        Ok(())
    }

    /// Writes the manifest of `index_dir` atomically: `carried`'s fingerprint, and its entries
    /// with the spilled ones (a spilled entry replaces a carried one of the same key), in key
    /// order. The spill file is removed after.
    pub fn save(mut self, carried: &Manifest, files: &Files, index_dir: &Path) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        let reader = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut spilled: Vec<(&str, At)> = self
            .at
            .iter()
            .zip(files.iter())
            .filter_map(|(at, f)| Some((f.key, (*at)?)))
            .collect();
        spilled.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let merged = Merged {
            fingerprint: &carried.fingerprint,
            workdir: carried.workdir.as_deref(),
            options: &carried.options,
            inputs: &carried.inputs,
            codes_files: &carried.codes_files,
            files: Entries {
                carried: &carried.files,
                spilled,
                reader: RefCell::new(reader),
                path: &self.path,
            },
        };
        let path = index_dir.join(MANIFEST_FILE);
        crate::disk::write_atomic(&path, |w| {
            serde_json::to_writer_pretty(w, &merged).map_err(|e| {
                if e.is_io() {
                    Error::io(&path, e.into())
                } else {
                    Error::Other(e.to_string())
                }
            })
        })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The manifest as [`Manifest`] serializes, with entries from memory and from the spill.
struct Merged<'a> {
    fingerprint: &'a str,
    workdir: Option<&'a str>,
    options: &'a IngestOptions,
    inputs: &'a [String],
    codes_files: &'a [String],
    files: Entries<'a>,
}

impl Serialize for Merged<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Manifest", 6)?;
        st.serialize_field("fingerprint", self.fingerprint)?;
        match self.workdir {
            Some(w) => st.serialize_field("workdir", w)?,
            None => st.skip_field("workdir")?,
        }
        if self.options.is_default() {
            st.skip_field("options")?;
        } else {
            st.serialize_field("options", self.options)?;
        }
        if self.inputs.is_empty() {
            st.skip_field("inputs")?;
        } else {
            st.serialize_field("inputs", self.inputs)?;
        }
        if self.codes_files.is_empty() {
            st.skip_field("codes_files")?;
        } else {
            st.serialize_field("codes_files", self.codes_files)?;
        }
        st.serialize_field("files", &self.files)?;
        st.end()
    }
}

/// The entries, merged in key order.
struct Entries<'a> {
    carried: &'a BTreeMap<String, FileEntry>,
    /// Keys and places of the spilled entries, sorted by key.
    spilled: Vec<(&'a str, At)>,
    reader: RefCell<File>,
    path: &'a Path,
}

impl Entries<'_> {
    /// One spilled entry, read back.
    fn read(&self, at: At) -> std::io::Result<FileEntry> {
        let mut reader = self.reader.borrow_mut();
        reader.seek(SeekFrom::Start(at.offset))?;
        let mut buf = vec![0; at.len() as usize];
        reader.read_exact(&mut buf)?;
        serde_json::from_slice(&buf).map_err(std::io::Error::other)
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let mut carried = self.carried.iter().peekable();
        for &(key, at) in &self.spilled {
            while let Some((k, e)) = carried.next_if(|(k, _)| k.as_str() < key) {
                map.serialize_entry(k, e)?;
            }
            // the spilled entry replaces the carried one
            carried.next_if(|(k, _)| k.as_str() == key);
            let e = self.read(at).map_err(|e| {
                S::Error::custom(format!("{} cannot be read back ({e})", self.path.display()))
            })?;
            map.serialize_entry(key, &e)?;
        }
        for (k, e) in carried {
            map.serialize_entry(k, e)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::found::SourceFile;
    use crate::pipeline::manifest::FileKind;
    use crate::pipeline::pair::{Clue, Pairing};

    fn files(keys: &[&str]) -> Files {
        keys.iter()
            .map(|key| SourceFile {
                key,
                size: 1,
                mtime_ns: 2,
            })
            .collect()
    }

    fn entry(kind: FileKind, passages: usize) -> FileEntry {
        FileEntry {
            passages,
            ..FileEntry::new(kind, 7, 1 << 70, "ab".repeat(32), vec!["2019-WS-1".into()])
        }
        .paired(
            Some(Clue {
                title: "A \"title\" ✓".into(),
                names: ["Ana", "Bo"].iter().collect(),
                ..Clue::default()
            }),
            Some(Pairing {
                why_unpaired: Some("none".into()),
                ..Pairing::default()
            }),
        )
    }

    #[test]
    fn the_manifest_written_from_a_spill_is_the_one_written_from_memory() {
        let tmp = tempfile::tempdir().unwrap();
        let files = files(&["b", "d", "a", "e"]);
        let mut carried = Manifest {
            fingerprint: "fp".into(),
            workdir: Some("/home/me".into()),
            options: IngestOptions {
                themes: Some("my themes.toml".into()),
                model: crate::pipeline::manifest::RecordedModel::Off,
                ..IngestOptions::default()
            },
            inputs: vec!["corpus".into(), "more".into()],
            codes_files: vec!["corpus/codes.csv".into(), "my codes.csv".into()],
            files: BTreeMap::new(),
        };
        carried.files.insert("c".into(), entry(FileKind::Page, 0));
        carried
            .files
            .insert("d".into(), entry(FileKind::Transcript, 1));
        carried
            .files
            .insert("f".into(), entry(FileKind::Skipped, 0));
        let mut spill = Spill::create(tmp.path(), files.len()).unwrap();
        let mut want = carried.clone();
        for (i, e) in [
            (0, entry(FileKind::Duplicate, 0)),
            (1, entry(FileKind::Transcript, 3)),
        ] {
            spill.put(i, &e).unwrap();
            want.files.insert(files.key(i).to_string(), e);
        }
        let keyed = vec![("a".to_string(), entry(FileKind::Page, 0))];
        want.files.extend(keyed.clone());
        spill.put_keyed(&files, keyed).unwrap();
        spill.save(&carried, &files, tmp.path()).unwrap();
        let got = std::fs::read(tmp.path().join(MANIFEST_FILE)).unwrap();
        assert!(!tmp.path().join(SPILL_FILE).exists());
        let other = tempfile::tempdir().unwrap();
        want.save(other.path()).unwrap();
        let expected = std::fs::read(other.path().join(MANIFEST_FILE)).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn parked_texts_come_back_once_and_stay_out_of_the_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let files = files(&["a", "b", "c"]);
        let mut spill = Spill::create(tmp.path(), files.len()).unwrap();
        spill.park(2, "{\"title\":\"✓\"}\n{}").unwrap();
        spill.park(0, "").unwrap();
        spill.put(1, &entry(FileKind::Transcript, 2)).unwrap();
        assert_eq!(
            spill.unpark(2).unwrap().as_deref(),
            Some("{\"title\":\"✓\"}\n{}")
        );
        assert_eq!(spill.unpark(2).unwrap(), None);
        // parked after a read: written out before it is read back
        spill.park(1, "later").unwrap();
        assert_eq!(spill.unpark(1).unwrap().as_deref(), Some("later"));
        assert_eq!(spill.unpark(0).unwrap().as_deref(), Some(""));
        assert_eq!(spill.unpark(7).unwrap(), None);
        let carried = Manifest {
            fingerprint: "fp".into(),
            ..Manifest::default()
        };
        spill.save(&carried, &files, tmp.path()).unwrap();
        let mut want = carried.clone();
        want.files
            .insert("b".into(), entry(FileKind::Transcript, 2));
        let got: Manifest =
            serde_json::from_slice(&std::fs::read(tmp.path().join(MANIFEST_FILE)).unwrap())
                .unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn a_dropped_spill_and_a_stale_one_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        drop(Spill::create(tmp.path(), 1).unwrap());
        assert!(!tmp.path().join(SPILL_FILE).exists());
        std::fs::write(tmp.path().join(SPILL_FILE), "left by a kill").unwrap();
        remove_stale(tmp.path()).unwrap();
        assert!(!tmp.path().join(SPILL_FILE).exists());
        remove_stale(tmp.path()).unwrap();
    }
}
