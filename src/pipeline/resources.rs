//! The shared, read-only resources of a run: taxonomy, tagger, speaker directory (registry and
//! organisations), language detector. Built once, shared by reference across the pool.
//!
//! Input: the resource files given, or the embedded defaults. Output: [`Resources`] and its
//! fingerprint, which the manifest keeps so a change of any of them re-processes every file.

use crate::error::Result;
use crate::lang::LanguageDetector;
use crate::resolve::{Directory, Organizations, Registry};
use crate::tag::{Tagger, Taxonomy};
use std::path::Path;

/// Version of what the pipeline writes into the index; bump it when passages would come out
/// differently from the same input, so the next ingest processes every file again.
pub const FORMAT_VERSION: u32 = 1;

/// The shared, read-only resources of a run.
pub struct Resources {
    pub taxonomy: Taxonomy,
    pub tagger: Tagger,
    pub directory: Directory,
    pub detector: LanguageDetector,
}

impl Resources {
    /// Loads the files given, or the embedded defaults.
    pub fn load(
        themes: Option<&Path>,
        registry: Option<&Path>,
        organizations: Option<&Path>,
    ) -> Result<Resources> {
        let taxonomy = crate::tag::load_taxonomy(themes)?;
        let registry = match registry {
            Some(p) => Registry::load(p)?,
            None => Registry::embedded(),
        };
        let organizations = match organizations {
            Some(p) => Organizations::load(p)?,
            None => Organizations::embedded(),
        };
        Ok(Resources {
            tagger: Tagger::new(&taxonomy),
            taxonomy,
            directory: Directory {
                registry,
                organizations,
            },
            detector: LanguageDetector::default(),
        })
    }

    /// Identifies everything that shapes the passages besides the input files: when it changes,
    /// every file is processed again.
    pub fn fingerprint(&self) -> String {
        format!(
            "schema={};taxonomy={};registry={};organizations={}",
            FORMAT_VERSION,
            self.taxonomy.version(),
            self.directory.registry.hash(),
            self.directory.organizations.hash()
        )
    }
}
