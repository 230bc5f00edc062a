//! The shared, read-only resources of a run: taxonomy, tagger, speaker directory (registry and
//! organisations), pairs file, language detector, a person's codes. Built once, shared by reference across the
//! pool.
//!
//! Input: the resource files given, or the embedded defaults, and the corpus's own data files
//! (its `speakers.csv`, `organizations.csv`, `pairs.csv` and `codes.csv`, which extend them).
//! Output:
//! [`Resources`] and its fingerprint, which the manifest keeps so a change of any of them
//! re-processes every file (of the codes, only the files their sessions' codes apply to: see
//! [`Resources::fingerprint`]).

use super::corrections::Corrections;
use super::pairs::Pairs;
use super::sources::CorpusFiles;
use crate::error::{Error, Result};
use crate::lang::LanguageDetector;
use crate::resolve::{
    Directory, Organizations, Registry, EMBEDDED_ORGANIZATIONS, EMBEDDED_REGISTRY,
};
use crate::tag::{ModelChoice, Tagger, Taxonomy};
use std::path::{Path, PathBuf};

/// Version of what the pipeline writes into the index; bump it when passages would come out
/// differently from the same input, so the next ingest processes every file again.
pub const FORMAT_VERSION: u32 = 2;

/// The shared, read-only resources of a run.
pub struct Resources {
    pub taxonomy: Taxonomy,
    pub tagger: Tagger,
    pub directory: Directory,
    pub detector: LanguageDetector,
    /// Which session a file belongs to, where the user said so.
    pub pairs: Pairs,
    /// A person's decisions on tags, applied to the passages they name.
    pub corrections: Corrections,
}

impl Resources {
    /// Loads the files given, or the embedded defaults (the embedded model among them, when it
    /// was trained with the taxonomy).
    pub fn load(
        themes: Option<&Path>,
        registry: Option<&Path>,
        organizations: Option<&Path>,
    ) -> Result<Resources> {
        Resources::load_with(themes, &ModelChoice::Embedded, registry, organizations)
    }

    /// [`Resources::load`] with a choice of learned model.
    pub fn load_with(
        themes: Option<&Path>,
        model: &ModelChoice,
        registry: Option<&Path>,
        organizations: Option<&Path>,
    ) -> Result<Resources> {
        let taxonomy = crate::tag::load_taxonomy(themes)?;
        let tagger = crate::tag::load_tagger(&taxonomy, model)?;
        let registry = match registry {
            Some(p) => Registry::load(p)?,
            None => Registry::embedded(),
        };
        let organizations = match organizations {
            Some(p) => Organizations::load(p)?,
            None => Organizations::embedded(),
        };
        Ok(Resources {
            tagger,
            taxonomy,
            directory: Directory {
                registry,
                organizations,
            },
            detector: LanguageDetector::default(),
            pairs: Pairs::default(),
            corrections: Corrections::default(),
        })
    }

    /// Adds the corpus's own data files (a `speakers.csv` or `organizations.csv` identical to
    /// the shipped one is the shipped one, and is passed over) and the pairs file given.
    pub fn with_corpus(mut self, corpus: &CorpusFiles, pairs: Option<&Path>) -> Result<Resources> {
        for path in &corpus.registries {
            if !same_text(path, EMBEDDED_REGISTRY)? {
                self.directory.registry.extend(Registry::load(path)?);
            }
        }
        for path in &corpus.organizations {
            if !same_text(path, EMBEDDED_ORGANIZATIONS)? {
                self.directory
                    .organizations
                    .extend(Organizations::load(path)?);
            }
        }
        for path in corpus.pairs.iter().map(PathBuf::as_path).chain(pairs) {
            self.pairs.extend(Pairs::load(path)?);
        }
        Ok(self)
    }

    /// Reads the codes files, in order (later rows win): those an ingest picks
    /// ([`super::codes_files::pick_codes_files`]).
    pub fn with_codes(mut self, files: &[PathBuf]) -> Result<Resources> {
        let mut all = crate::codes::Codes::default();
        for path in files {
            all.extend(crate::codes::Codes::load(path)?);
        }
        self.corrections = Corrections::new(all, &self.taxonomy)?;
        Ok(self)
    }

    /// Identifies everything that shapes the passages besides the input files and the codes:
    /// when it changes, every file is processed again. The codes are not in it: each file's
    /// manifest entry records the digest of those that applied to it
    /// ([`super::manifest::FileEntry::codes`]), so that a change of the codes processes again
    /// only the files of the sessions it touches ([`super::plan`]).
    pub fn fingerprint(&self) -> String {
        let mut f = format!(
            "schema={};taxonomy={};model={};registry={};organizations={}",
            FORMAT_VERSION,
            self.taxonomy.version(),
            self.tagger.model_version(),
            self.directory.registry.hash(),
            self.directory.organizations.hash()
        );
        if !self.pairs.is_empty() {
            f.push_str(&format!(";pairs={}", self.pairs.hash()));
        }
        f
    }
}

/// A fingerprint recorded in a manifest, split into what [`Resources::fingerprint`] makes and
/// the content hash of the codes ([`crate::codes::Codes::hash`]) that igf-lens appended
/// (`;codes=HASH`, last) before it recorded the codes that applied to each file in its entry.
pub fn split_codes(fingerprint: &str) -> (&str, Option<&str>) {
    match fingerprint.split_once(";codes=") {
        Some((base, hash)) => (base, Some(hash)),
        None => (fingerprint, None),
    }
}

/// Whether a file holds exactly `text`.
fn same_text(path: &Path, text: &str) -> Result<bool> {
    let got = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(got == text)
}
