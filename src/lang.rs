//! Language detection per turn with whatlang.
