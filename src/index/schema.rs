//! The index schema and the mapping between [`PassageRecord`]s and tantivy documents.
//!
//! Input: a [`PassageRecord`]; output: a [`TantivyDocument`] (and back). Every field of the
//! record is stored under its own name; tags (with their evidence) are stored as JSON in the
//! stored-only field `tags`. A few unstored helper fields exist only for filtering:
//! `theme`, `theme_polarity`, `polarity` (derived from the tags), `decided_by` (each tag's
//! `cue`, `default`, `model` or `human`), `decided` (the theme, `theme:polarity` and polarity
//! of every tag something other than the theme's default decided), `code_key` (the slug of the
//! session code) and `speaker_name` (the speaker's name run through the shared analyzer).
//! `procedural` is stored and indexed as `true` or `false`. The stored-only `check` holds a
//! CRC-32 of the document's other stored values, tested by [`from_doc`] on every read. This
//! module does not open indexes or run queries.

use crate::error::{Error, Result};
use crate::model::{slugify, Method, PassageRecord, Region, Role, Stakeholder, Tag};
use crate::text::ANALYZER_NAME;
use tantivy::schema::{
    Field, IndexRecordOption, OwnedValue, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

/// Every field of the schema, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub passage_id: Field,
    pub session: Field,
    pub code: Field,
    pub code_key: Field,
    pub year: Field,
    pub title: Field,
    pub date: Field,
    pub speaker: Field,
    pub speaker_name: Field,
    pub label: Field,
    pub stakeholder: Field,
    pub region: Field,
    pub role: Field,
    pub affiliation: Field,
    pub method: Field,
    pub confidence: Field,
    pub turn: Field,
    pub ordinal: Field,
    pub language: Field,
    pub words: Field,
    pub theme: Field,
    pub theme_polarity: Field,
    pub polarity: Field,
    pub decided_by: Field,
    pub decided: Field,
    pub procedural: Field,
    pub tags: Field,
    pub taxonomy: Field,
    pub source: Field,
    pub url: Field,
    pub line: Field,
    pub start_ms: Field,
    pub end_ms: Field,
    pub text: Field,
    /// The checksum of the document's other stored values ([`stored_digest`]).
    pub check: Field,
    /// Bit `n` set when field number `n` is stored (every field number is below 64).
    pub stored: u64,
}

/// Names of the fields a query may name (`speaker:"Jane Doe"`), for error messages.
pub(crate) const QUERYABLE_FIELDS: &[&str] = &[
    "text",
    "title",
    "session",
    "code",
    "year",
    "date",
    "speaker",
    "stakeholder",
    "region",
    "role",
    "language",
    "theme",
    "theme_polarity",
    "polarity",
    "decided_by",
    "decided",
    "procedural",
    "turn",
    "passage_id",
    "source",
    "url",
];

fn analyzed(stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        opts.set_stored()
    } else {
        opts
    }
}

/// Builds the schema (its shape is part of [`super::files::SCHEMA_VERSION`]).
pub(crate) fn build() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let raw = STRING | STORED | FAST;
    let mut fields = Fields {
        passage_id: sb.add_u64_field("passage_id", INDEXED | STORED | FAST),
        session: sb.add_text_field("session", raw.clone()),
        code: sb.add_text_field("code", raw.clone()),
        code_key: sb.add_text_field("code_key", STRING),
        year: sb.add_u64_field("year", INDEXED | STORED | FAST),
        title: sb.add_text_field("title", analyzed(true)),
        date: sb.add_text_field("date", raw.clone()),
        speaker: sb.add_text_field("speaker", raw.clone()),
        speaker_name: sb.add_text_field("speaker_name", analyzed(false)),
        label: sb.add_text_field("label", STRING | STORED),
        stakeholder: sb.add_text_field("stakeholder", raw.clone()),
        region: sb.add_text_field("region", raw.clone()),
        role: sb.add_text_field("role", raw.clone()),
        affiliation: sb.add_text_field("affiliation", STORED),
        method: sb.add_text_field("method", STRING | STORED),
        confidence: sb.add_f64_field("confidence", STORED),
        turn: sb.add_u64_field("turn", INDEXED | STORED | FAST),
        ordinal: sb.add_u64_field("ordinal", STORED | FAST),
        language: sb.add_text_field("language", raw.clone()),
        words: sb.add_u64_field("words", STORED | FAST),
        theme: sb.add_text_field("theme", STRING | FAST),
        theme_polarity: sb.add_text_field("theme_polarity", STRING | FAST),
        polarity: sb.add_text_field("polarity", STRING),
        decided_by: sb.add_text_field("decided_by", STRING),
        decided: sb.add_text_field("decided", STRING),
        procedural: sb.add_text_field("procedural", STRING | STORED | FAST),
        tags: sb.add_text_field("tags", STORED),
        taxonomy: sb.add_text_field("taxonomy", STRING | STORED),
        source: sb.add_text_field("source", raw.clone()),
        url: sb.add_text_field("url", raw),
        line: sb.add_u64_field("line", STORED),
        start_ms: sb.add_u64_field("start_ms", STORED | FAST),
        end_ms: sb.add_u64_field("end_ms", STORED | FAST),
        text: sb.add_text_field("text", analyzed(true)),
        check: sb.add_u64_field("check", STORED),
        stored: 0,
    };
    let schema = sb.build();
    fields.stored = schema
        .fields()
        .filter(|(_, entry)| entry.is_stored())
        .fold(0, |mask, (field, _)| mask | 1 << field.field_id());
    (schema, fields)
}

/// Turns a record into a tantivy document.
pub(crate) fn to_doc(f: &Fields, r: &PassageRecord) -> Result<TantivyDocument> {
    // The tags as JSON in a buffer of about their size (serde_json's own starts at 128 bytes).
    let mut tags = Vec::with_capacity(64 + 256 * r.tags.len());
    serde_json::to_writer(&mut tags, &r.tags).map_err(|e| {
        Error::Other(format!(
            "cannot encode the tags of passage {}: {e}",
            r.passage_id
        ))
    })?;
    let tags = String::from_utf8(tags).map_err(|e| Error::Other(e.to_string()))?;
    // The document holds every value in one buffer: sized once (tantivy starts it at 1 KiB,
    // which most passages outgrow), it is not copied as it grows.
    let mut d = TantivyDocument::with_capacity(doc_bytes(r, tags.len()));
    d.add_u64(f.passage_id, r.passage_id);
    d.add_text(f.session, &r.session);
    d.add_text(f.code, &r.code);
    d.add_text(f.code_key, slugify(&r.code));
    d.add_u64(f.year, u64::from(r.year));
    d.add_text(f.title, &r.title);
    d.add_text(f.date, &r.date);
    d.add_text(f.speaker, &r.speaker);
    d.add_text(f.speaker_name, &r.speaker);
    d.add_text(f.label, &r.label);
    d.add_text(f.stakeholder, r.stakeholder.as_str());
    d.add_text(f.region, r.region.as_str());
    d.add_text(f.role, r.role.as_str());
    d.add_text(f.affiliation, &r.affiliation);
    d.add_text(f.method, r.method.as_str());
    d.add_f64(f.confidence, f64::from(r.confidence));
    d.add_u64(f.turn, u64::from(r.turn));
    d.add_u64(f.ordinal, u64::from(r.ordinal));
    d.add_text(f.language, &r.language);
    d.add_u64(f.words, u64::from(r.words));
    add_tag_fields(&mut d, f, &r.tags);
    d.add_text(f.procedural, if r.procedural { "true" } else { "false" });
    d.add_text(f.tags, tags);
    d.add_text(f.taxonomy, &r.taxonomy);
    d.add_text(f.source, &r.source);
    d.add_text(f.url, &r.url);
    d.add_u64(f.line, u64::from(r.line));
    if let Some(ms) = r.start_ms {
        d.add_u64(f.start_ms, ms);
    }
    if let Some(ms) = r.end_ms {
        d.add_u64(f.end_ms, ms);
    }
    d.add_text(f.text, &r.text);
    let check = stored_digest(f, &d);
    d.add_u64(f.check, check);
    Ok(d)
}

/// The CRC-32 of every stored value of `d` but the checksum itself, field by field (in field
/// order, a field's values in their order; each with its field number, a type byte and, for
/// text, its length): what [`from_doc`] compares with the stored `check`, so that a passage
/// altered on disk (a flipped byte in the store) is refused when it is read instead of
/// returned changed.
fn stored_digest(f: &Fields, d: &TantivyDocument) -> u64 {
    let mut values: Vec<_> = d
        .field_values()
        .filter(|(field, _)| *field != f.check && is_stored(f, *field))
        .collect();
    values.sort_by_key(|(field, _)| field.field_id());
    let mut h = crc32fast::Hasher::new();
    for (field, value) in values {
        h.update(&field.field_id().to_le_bytes());
        if let Some(s) = value.as_str() {
            h.update(&[0]);
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        } else if let Some(n) = value.as_u64() {
            h.update(&[1]);
            h.update(&n.to_le_bytes());
        } else if let Some(x) = value.as_f64() {
            h.update(&[2]);
            h.update(&x.to_bits().to_le_bytes());
        } else {
            // No other kind of value is ever stored; any other is damage too.
            h.update(&[255]);
        }
    }
    u64::from(h.finalize())
}

/// Whether `field` is stored (the unstored fields are filters).
fn is_stored(f: &Fields, field: Field) -> bool {
    f.stored >> field.field_id() & 1 == 1
}

/// About the bytes [`to_doc`] puts in a document's buffer: its strings (the code and the
/// speaker twice), the tags' JSON, the themes and labels, and up to 16 bytes of type, length
/// and number per value.
fn doc_bytes(r: &PassageRecord, tags_json: usize) -> usize {
    let strings = [
        &r.session,
        &r.code,
        &r.code,
        &r.title,
        &r.date,
        &r.speaker,
        &r.speaker,
        &r.label,
        &r.affiliation,
        &r.language,
        &r.taxonomy,
        &r.source,
        &r.text,
    ];
    let themes: usize = r.tags.iter().map(|t| 2 * t.theme.len() + 32).sum();
    strings.iter().map(|s| s.len()).sum::<usize>() + tags_json + themes + 96 + 16 * 32
}

/// The kind of value a field holds, as [`FieldSpec`] describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    U64,
    F64,
}

/// One field of the index schema as plain data, for tools that recreate the schema in another
/// program (the bench's tantivy-cli peer). Read from the schema itself, so it cannot drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: String,
    pub kind: FieldKind,
    pub stored: bool,
    pub fast: bool,
    pub indexed: bool,
    /// Text only: run through the analyzer ([`ANALYZER_NAME`]), with frequencies and
    /// positions; `false` for an indexed text field means its value is one raw term.
    pub analyzed: bool,
}

/// Every field of the schema, in schema order.
pub fn field_specs() -> Vec<FieldSpec> {
    use tantivy::schema::FieldType;
    let (schema, _) = build();
    schema
        .fields()
        .filter_map(|(_, entry)| {
            let (kind, analyzed) = match entry.field_type() {
                FieldType::Str(opts) => (
                    FieldKind::Text,
                    opts.get_indexing_options()
                        .is_some_and(|i| i.tokenizer() == ANALYZER_NAME),
                ),
                FieldType::U64(_) => (FieldKind::U64, false),
                FieldType::F64(_) => (FieldKind::F64, false),
                _ => return None,
            };
            Some(FieldSpec {
                name: entry.name().to_string(),
                kind,
                stored: entry.is_stored(),
                fast: entry.is_fast(),
                indexed: entry.is_indexed(),
                analyzed,
            })
        })
        .collect()
}

/// The document the index holds for `r`, as one line of JSON in tantivy's document format
/// (`{"field": [values], …}`, every field [`field_specs`] lists that has a value, derived
/// fields included): what another tantivy program needs to index the same passage.
pub fn document_json(r: &PassageRecord) -> Result<String> {
    use tantivy::Document;
    let (schema, f) = build();
    Ok(to_doc(&f, r)?.to_json(&schema))
}

/// The unstored filter fields derived from the tags (each value once).
fn add_tag_fields(d: &mut TantivyDocument, f: &Fields, tags: &[Tag]) {
    let mut polarities: Vec<&str> = Vec::new();
    let mut decided_by: Vec<&str> = Vec::new();
    let mut decided: Vec<String> = Vec::new();
    for t in tags {
        d.add_text(f.theme, &t.theme);
        d.add_text(f.theme_polarity, t.label());
        if !polarities.contains(&t.polarity.as_str()) {
            polarities.push(t.polarity.as_str());
        }
        if !decided_by.contains(&t.decided_by.as_str()) {
            decided_by.push(t.decided_by.as_str());
        }
        if t.decided_by.is_decided() {
            decided.push(t.theme.to_string());
            decided.push(t.label());
            decided.push(t.polarity.as_str().to_string());
        }
    }
    for p in polarities {
        d.add_text(f.polarity, p);
    }
    for x in decided_by {
        d.add_text(f.decided_by, x);
    }
    decided.sort();
    decided.dedup();
    for x in decided {
        d.add_text(f.decided, x);
    }
}

fn text(d: &TantivyDocument, f: Field) -> String {
    d.get_first(f)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A stored closed-set value (stakeholder, region, role, method) back into its enum; a value
/// this version never writes means the document is not what the schema says.
fn closed<T>(d: &TantivyDocument, f: Field, parse: fn(&str) -> Option<T>) -> Result<T> {
    let value = d.get_first(f).and_then(|v| v.as_str()).unwrap_or_default();
    parse(value).ok_or_else(|| {
        Error::Index(format!(
            "stored value {value:?} is not one this version writes"
        ))
    })
}

fn uint(d: &TantivyDocument, f: Field) -> Option<u64> {
    d.get_first(f).and_then(|v| v.as_u64())
}

fn small(d: &TantivyDocument, f: Field) -> u32 {
    uint(d, f).map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Rebuilds a record from a stored document.
pub(crate) fn from_doc(f: &Fields, d: &TantivyDocument) -> Result<PassageRecord> {
    if uint(d, f.check) != Some(stored_digest(f, d)) {
        return Err(Error::Index(format!(
            "the stored passage {} does not match its checksum: its text or fields were \
             altered on disk (a damaged store file)",
            uint(d, f.passage_id).unwrap_or_default()
        )));
    }
    let tags_json = text(d, f.tags);
    let tags: Vec<Tag> = if tags_json.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&tags_json)
            .map_err(|e| Error::Index(format!("stored tags do not decode: {e}")))?
    };
    let confidence = match d.get_first(f.confidence) {
        Some(v) => match OwnedValue::from(v) {
            OwnedValue::F64(x) => x as f32,
            _ => 0.0,
        },
        None => 0.0,
    };
    Ok(PassageRecord {
        passage_id: uint(d, f.passage_id).unwrap_or_default(),
        session: text(d, f.session),
        code: text(d, f.code),
        year: u16::try_from(uint(d, f.year).unwrap_or_default()).unwrap_or_default(),
        title: text(d, f.title),
        date: text(d, f.date),
        speaker: text(d, f.speaker),
        label: text(d, f.label),
        stakeholder: closed(d, f.stakeholder, Stakeholder::parse)?,
        region: closed(d, f.region, Region::parse)?,
        role: closed(d, f.role, Role::parse)?,
        affiliation: text(d, f.affiliation),
        method: closed(d, f.method, Method::parse)?,
        confidence,
        turn: small(d, f.turn),
        ordinal: small(d, f.ordinal),
        language: text(d, f.language),
        words: small(d, f.words),
        procedural: text(d, f.procedural) == "true",
        tags,
        taxonomy: text(d, f.taxonomy),
        source: text(d, f.source),
        url: text(d, f.url),
        line: small(d, f.line),
        start_ms: uint(d, f.start_ms),
        end_ms: uint(d, f.end_ms),
        text: text(d, f.text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DecidedBy, Evidence, Polarity};

    #[test]
    fn record_round_trips_through_a_document() {
        let (_, f) = build();
        let r = PassageRecord {
            passage_id: 42,
            session: "2023-ws-225".into(),
            code: "WS #225".into(),
            year: 2023,
            title: "A title".into(),
            date: "2023-10-10".into(),
            speaker: "Ana Pérez".into(),
            label: "ANA PEREZ".into(),
            stakeholder: Stakeholder::CivilSociety,
            region: Region::Grulac,
            role: Role::Speaker,
            affiliation: "Some NGO".into(),
            method: Method::RosterPartial,
            confidence: 0.5,
            turn: 3,
            ordinal: 1,
            language: "eng".into(),
            words: 12,
            procedural: false,
            tags: vec![Tag {
                theme: "scope".into(),
                polarity: Polarity::Risk,
                score: 1.5,
                decided_by: DecidedBy::Human,
                evidence: Evidence {
                    terms: vec![("overbroad".into(), 2)],
                    cue: None,
                },
                coder: Some("Ana".into()),
            }],
            taxonomy: "abc123".into(),
            source: "data/sessions/x.raw.txt".into(),
            url: "https://www.intgovforum.org/en/content/x".into(),
            line: 77,
            start_ms: Some(1000),
            end_ms: None,
            text: "Some words here.".into(),
        };
        let d = to_doc(&f, &r).unwrap();
        assert_eq!(from_doc(&f, &d).unwrap(), r);
    }

    #[test]
    fn a_document_with_any_stored_value_changed_is_refused() {
        let (schema, f) = build();
        let r = PassageRecord {
            passage_id: 7,
            speaker: "Ana".into(),
            confidence: 0.5,
            text: "Some languages here.".into(),
            ..PassageRecord::default()
        };
        let json = document_json(&r).unwrap();
        assert!(from_doc(&f, &TantivyDocument::parse_json(&schema, &json).unwrap()).is_ok());
        for (from, to) in [
            ("languages", "languawes"),
            ("\"Ana\"", "\"Ann\""),
            ("[7]", "[8]"),
            ("[0.5]", "[0.25]"),
        ] {
            assert!(json.contains(from), "{from}");
            let altered = json.replacen(from, to, 1);
            let d = TantivyDocument::parse_json(&schema, &altered).unwrap();
            let err = from_doc(&f, &d).unwrap_err().to_string();
            assert!(err.contains("does not match its checksum"), "{from}: {err}");
        }
        // Unstored filter fields are not part of the checksum.
        assert!(json.contains("\"code_key\":[\"\"]"), "{json}");
        let filters = json.replacen("\"code_key\":[\"\"]", "\"code_key\":[\"x\"]", 1);
        let d = TantivyDocument::parse_json(&schema, &filters).unwrap();
        assert!(from_doc(&f, &d).is_ok());
    }

    #[test]
    fn field_specs_describe_the_schema_and_documents_use_them() {
        let specs = field_specs();
        let (schema, f) = build();
        assert_eq!(specs.len(), schema.fields().count());
        let spec = |name: &str| specs.iter().find(|s| s.name == name).unwrap().clone();
        let text = spec("text");
        assert!(text.analyzed && text.stored && text.indexed && !text.fast);
        let session = spec("session");
        assert!(!session.analyzed && session.stored && session.indexed && session.fast);
        assert_eq!(spec("year").kind, FieldKind::U64);
        assert_eq!(spec("confidence").kind, FieldKind::F64);
        assert!(!spec("tags").indexed && spec("tags").stored);
        let r = PassageRecord {
            session: "2023-ws-1".into(),
            code: "WS #1".into(),
            text: "Some words.".into(),
            ..PassageRecord::default()
        };
        let json: serde_json::Value = serde_json::from_str(&document_json(&r).unwrap()).unwrap();
        assert_eq!(json["text"], serde_json::json!(["Some words."]));
        assert_eq!(json["code_key"], serde_json::json!(["ws-1"]));
        let d = TantivyDocument::parse_json(&schema, &document_json(&r).unwrap()).unwrap();
        assert_eq!(from_doc(&f, &d).unwrap(), r);
    }
}
