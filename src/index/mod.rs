//! The tantivy index: schema, writer, reader and search. No tantivy type leaves this module:
//! callers hand in [`PassageRecord`](crate::model::PassageRecord)s and get [`Hit`]s and records back.
//!
//! - `schema`: the fields and the record ⇄ document mapping ([`field_specs`] and
//!   [`document_json`] describe both as plain data, for the bench's tantivy-cli peer);
//! - `files`: the schema-version file ([`VERSION_FILE`]) and the read-only directory view;
//! - `writer`: [`Writer`] (one per index at a time; a second fails with `Error::Locked`);
//! - `handoff`: the writer's analyzer, which takes a passage's tokens made by the tagger
//!   ([`crate::text::Analysis`]) instead of analyzing its text again;
//! - `reader`: [`Reader`] (search, facets, whole-index reads, passage context);
//! - `query`: request → tantivy query, and the positioned explanation of a bad query;
//! - `sessions`: which session ids a `--session` spelling names (id, code, file name, title);
//! - `verify`: [`verify()`] checks an index for damage; `catch_damage` keeps tantivy panics on
//!   damaged files from escaping.
//!
//! The text analyzer is [`crate::text::analyzer`], registered under
//! [`crate::text::ANALYZER_NAME`] on every index handle (on a writer's, wrapped by `handoff`,
//! which gives the same tokens), so queries, tagging and the index agree.
//! This module does not format output (see [`crate::export`]) and does not decide what an
//! ingest deletes or re-adds (see [`crate::pipeline`]).

mod files;
mod handoff;
mod query;
mod reader;
mod schema;
mod search;
mod sessions;
mod stored;
mod verify;
mod writer;

pub(crate) use files::require_index;
pub use files::{remove_orphans, SCHEMA_VERSION, VERSION_FILE};
pub use reader::{sort_records, Reader};
pub use schema::{document_json, field_specs, FieldKind, FieldSpec};
pub use search::{
    parse_polarity, parse_region, parse_stakeholder, Facets, Filters, Hit, ProceduralFilter,
    SearchRequest, SearchResults, Sort,
};
pub use sessions::{resolve_session, SessionEntry, SessionMatch};
pub use verify::*;
pub use writer::Writer;

#[cfg(test)]
mod tests;
