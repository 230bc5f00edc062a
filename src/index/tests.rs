//! Unit tests of the index: write hand-made passages into a temp dir, read them back.
