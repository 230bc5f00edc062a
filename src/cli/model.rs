//! The flags that choose the learned model, shared by every command that tags
//! (`--model FILE`, `--no-model`).

use crate::tag::ModelChoice;
use std::path::PathBuf;

/// `--model FILE` and `--no-model`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ModelArgs {
    /// Learned model to tag with instead of the embedded data/model.tsv (see `igf-lens train`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_model")]
    pub model: Option<PathBuf>,
    /// Tag with the taxonomy's dictionary alone, without the learned model.
    #[arg(long)]
    pub no_model: bool,
}

impl ModelArgs {
    /// The choice these flags make.
    pub fn choice(&self) -> ModelChoice {
        match (&self.model, self.no_model) {
            (_, true) => ModelChoice::Off,
            (Some(p), false) => ModelChoice::File(p.clone()),
            (None, false) => ModelChoice::Embedded,
        }
    }
}
