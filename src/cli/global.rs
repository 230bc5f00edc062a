//! What every subcommand sees besides its own arguments: the global flags.

/// Options every command sees.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    /// `-q/--quiet`: no progress bars and no summaries on stderr.
    pub quiet: bool,
}
