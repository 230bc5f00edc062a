//! Stored passages read back from tantivy's doc store without trusting its bytes.
//!
//! tantivy's own reader allocates whatever a length prefix in the store says, so one flipped
//! bit can ask for exabytes, and a failed allocation aborts the process: it cannot be caught
//! like a panic. The documents' bytes are therefore decoded here, for the only value types the
//! schema stores (text, u64, f64), with every count and length checked against the bytes left,
//! so that damage is an error naming the passage, never an abort.
//!
//! Input: a segment (every live document) or one document's address. Output:
//! `TantivyDocument`s, or why a document's bytes are not a document. The format is tantivy
//! 0.27's doc store: a VInt count of values, then per value a u32 field (little-endian), a type
//! code and its payload (text: VInt length and UTF-8 bytes; u64 and f64: 8 bytes). A unit test
//! decodes what tantivy wrote and compares it with tantivy's own reading, so a change of format
//! fails the tests rather than the users.

use crate::error::{Error, Result};
use tantivy::schema::Field;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, TantivyDocument};

const TEXT_CODE: u8 = 0;
const U64_CODE: u8 = 1;
const F64_CODE: u8 = 6;
/// Decompressed blocks a store reader keeps (as tantivy's own searcher does, for hits read in
/// any order).
const STORE_CACHE_BLOCKS: usize = 100;
/// The fewest bytes a value takes: its field (4), type code (1) and a one-byte payload.
const MIN_VALUE_BYTES: usize = 6;

/// Decodes one document's stored bytes; `fields` is the schema's number of fields.
pub(crate) fn decode(bytes: &[u8], fields: u32) -> std::result::Result<TantivyDocument, String> {
    let mut r = Bytes { b: bytes, pos: 0 };
    let n = r.vint()?;
    if n > (bytes.len() / MIN_VALUE_BYTES) as u64 {
        return Err(format!("it claims {n} values in {} bytes", bytes.len()));
    }
    let mut doc = TantivyDocument::new();
    for _ in 0..n {
        let id = r.u32()?;
        if id >= fields {
            return Err(format!(
                "it holds a value of field {id}, which the schema lacks"
            ));
        }
        let field = Field::from_field_id(id);
        match r.byte()? {
            TEXT_CODE => {
                let len = r.vint()?;
                let text = std::str::from_utf8(r.take(len)?)
                    .map_err(|_| "a text value is not UTF-8".to_string())?;
                doc.add_text(field, text);
            }
            U64_CODE => doc.add_u64(field, r.u64()?),
            F64_CODE => doc.add_f64(field, tantivy::u64_to_f64(r.u64()?)),
            code => return Err(format!("it holds a value of unknown type (code {code})")),
        }
    }
    if r.pos != bytes.len() {
        return Err(format!(
            "it has {} more bytes after its last value",
            bytes.len() - r.pos
        ));
    }
    Ok(doc)
}

/// Documents read by address, each segment's store opened once, when first needed (a page of
/// hits, a session's passages, one passage of every session).
pub(crate) struct Docs<'s> {
    searcher: &'s Searcher,
    stores: Vec<Option<StoreReader>>,
    fields: u32,
}

impl<'s> Docs<'s> {
    pub(crate) fn new(searcher: &'s Searcher) -> Self {
        Docs {
            searcher,
            stores: searcher.segment_readers().iter().map(|_| None).collect(),
            fields: searcher.schema().num_fields() as u32,
        }
    }

    /// The document at `addr`, decoded.
    pub(crate) fn get(&mut self, addr: DocAddress) -> Result<TantivyDocument> {
        let fail = |why: &str| damaged(addr.segment_ord, addr.doc_id, why);
        let Some(slot) = self.stores.get_mut(addr.segment_ord as usize) else {
            return Err(fail("the index has no such segment"));
        };
        if slot.is_none() {
            let seg = self.searcher.segment_reader(addr.segment_ord);
            let store = seg
                .get_store_reader(STORE_CACHE_BLOCKS)
                .map_err(|e| fail(&e.to_string()))?;
            *slot = Some(store);
        }
        let Some(store) = slot.as_ref() else {
            return Err(fail("its store could not be opened"));
        };
        let bytes = store
            .get_document_bytes(addr.doc_id)
            .map_err(|e| fail(&e.to_string()))?;
        decode(bytes.as_slice(), self.fields).map_err(|why| fail(&why))
    }
}

/// Calls `f` with every live document of `seg` in store order, or with why its bytes are not
/// one (a block that cannot be read, or bytes that do not decode).
pub(crate) fn for_each(
    seg: &SegmentReader,
    fields: u32,
    mut f: impl FnMut(std::result::Result<TantivyDocument, String>) -> Result<()>,
) -> Result<()> {
    let store = seg
        .get_store_reader(1)
        .map_err(|e| Error::Index(format!("the passage store cannot be opened: {e}")))?;
    let alive = seg.alive_bitset();
    for doc in 0..seg.max_doc() {
        if alive.is_some_and(|a| !a.is_alive(doc)) {
            continue;
        }
        let decoded = store
            .get_document_bytes(doc)
            .map_err(|e| e.to_string())
            .and_then(|b| decode(b.as_slice(), fields))
            .map_err(|why| format!("stored passage {doc}: {why}"));
        f(decoded)?;
    }
    Ok(())
}

fn damaged(segment: u32, doc: DocId, why: &str) -> Error {
    Error::Index(format!(
        "stored passage {doc} of segment {segment} is damaged: {why}"
    ))
}

/// A cursor over a document's bytes; every read checks what is left.
struct Bytes<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: u64) -> std::result::Result<&'a [u8], String> {
        let left = self.b.len() - self.pos;
        match usize::try_from(n) {
            Ok(n) if n <= left => {
                self.pos += n;
                Ok(&self.b[self.pos - n..self.pos])
            }
            _ => Err(format!(
                "a value of {n} bytes runs past its end ({left} left)"
            )),
        }
    }

    fn byte(&mut self) -> std::result::Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> std::result::Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> std::result::Result<u64, String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    /// tantivy's VInt: 7 bits a byte, low bits first, the last byte marked by its high bit.
    fn vint(&mut self) -> std::result::Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 != 0 {
                return Ok(value);
            }
        }
        Err("a length runs over 64 bits".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, FAST, STORED, STRING, TEXT};
    use tantivy::{Document, Index, IndexWriter};

    fn index_with(docs: &[TantivyDocument], schema: Schema) -> Index {
        let index = Index::create_in_ram(schema);
        let mut w: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for d in docs {
            w.add_document(d.clone()).unwrap();
        }
        w.commit().unwrap();
        index
    }

    #[test]
    fn decodes_what_tantivy_stored_as_tantivy_reads_it() {
        let mut sb = Schema::builder();
        let text = sb.add_text_field("text", TEXT | STORED);
        let raw = sb.add_text_field("raw", STRING | STORED);
        let n = sb.add_u64_field("n", STORED | FAST);
        let x = sb.add_f64_field("x", STORED);
        let schema = sb.build();
        let mut docs = Vec::new();
        for i in 0..300u64 {
            let mut d = TantivyDocument::new();
            d.add_text(text, "é".repeat(i as usize % 97) + " passage");
            d.add_u64(n, i * 1_000_003);
            d.add_text(raw, format!("r{i}"));
            d.add_text(raw, "");
            d.add_f64(x, -1.5 * i as f64);
            docs.push(d);
        }
        let index = index_with(&docs, schema.clone());
        let searcher = index.reader().unwrap().searcher();
        let mut seen = 0;
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            for_each(seg, schema.num_fields() as u32, |d| {
                let d = d.expect("decodes");
                let addr = DocAddress::new(ord as u32, seen);
                let theirs: TantivyDocument = searcher.doc(addr).unwrap();
                assert_eq!(d.to_json(&schema), theirs.to_json(&schema));
                assert_eq!(
                    Docs::new(&searcher).get(addr).unwrap().to_json(&schema),
                    theirs.to_json(&schema)
                );
                seen += 1;
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(seen, 300);
    }

    #[test]
    fn every_single_bit_flip_of_a_stored_document_decodes_or_errs_without_panicking() {
        let mut sb = Schema::builder();
        let text = sb.add_text_field("text", TEXT | STORED);
        let n = sb.add_u64_field("n", STORED);
        let x = sb.add_f64_field("x", STORED);
        let schema = sb.build();
        let mut d = TantivyDocument::new();
        d.add_text(text, "a passage of speech");
        d.add_u64(n, 42);
        d.add_f64(x, 0.25);
        let index = index_with(&[d], schema.clone());
        let searcher = index.reader().unwrap().searcher();
        let store = searcher.segment_reader(0).get_store_reader(1).unwrap();
        let bytes = store.get_document_bytes(0).unwrap().as_slice().to_vec();
        let (mut ok, mut err) = (0, 0);
        for bit in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[bit / 8] ^= 1 << (bit % 8);
            match decode(&b, schema.num_fields() as u32) {
                Ok(_) => ok += 1,
                Err(_) => err += 1,
            }
        }
        // Flips inside the text or the numbers still decode (the passage's checksum catches
        // those); flips in counts, fields, type codes and lengths do not.
        assert!(ok > 0 && err > 0, "{ok} decoded, {err} refused");
    }

    #[test]
    fn damage_is_an_error_that_says_what_is_wrong() {
        let ok = [0x81, 0, 0, 0, 0, TEXT_CODE, 0x82, b'h', b'i'];
        assert!(decode(&ok, 1).is_ok());
        let cases: [(&[u8], &str); 7] = [
            (&[], "runs past its end"),
            // A length of about 2^63 (the flipped bit that aborted tantivy's reader).
            (
                &[0x81, 0, 0, 0, 0, TEXT_CODE, 0, 0, 0, 0, 0, 0, 0, 0, 0xff],
                "runs past its end",
            ),
            (&[0xff, 0, 0, 0, 0, 0, 0], "claims 127 values"),
            (
                &[0x81, 5, 0, 0, 0, U64_CODE, 0, 0, 0, 0, 0, 0, 0, 0],
                "field 5",
            ),
            (&[0x81, 0, 0, 0, 0, 9, 0, 0], "unknown type (code 9)"),
            (&[0x81, 0, 0, 0, 0, TEXT_CODE, 0x81, 0xff], "not UTF-8"),
            (&[0x81, 0, 0, 0, 0, TEXT_CODE, 0x80, 7], "1 more bytes"),
        ];
        for (bytes, want) in cases {
            let err = decode(bytes, 1).expect_err(want);
            assert!(err.contains(want), "{err:?} lacks {want:?}");
        }
        assert!(decode(&[0; 12], 1).unwrap_err().contains("over 64 bits"));
    }
}
