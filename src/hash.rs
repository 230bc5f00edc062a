//! Every hash igf-lens computes, in one place.
//!
//! - **Content hashes** (SHA-256, hex): of input files in the ingest manifest and the export
//!   manifest ([`sha256_hex`], [`HashingWriter`]), and their short forms that name a version of
//!   the taxonomy, the registry or the organisations list ([`short_hex`]), and the digests of
//!   the codes that applied to a file ([`short_u64`]).
//! - **Stable ids** (FNV-1a, 64 bits): a passage's id and the word shingles of duplicate
//!   detection ([`fnv1a`]); the same input gives the same value on every machine and version,
//!   which is why they are not the fast hash.
//! - **Stable GUIDs** (SHA-256 shaped as an RFC 9562 version-8 UUID): the codes, sources,
//!   selections, cases and users of a REFI-QDA export ([`uuid_v8`]), the same in every export
//!   of the same index.
//! - **The fast hash** (foldhash, fixed seeds): in-memory keys that never leave the process
//!   ([`fast_hash`], [`fast_hash128`], [`FastMap`]).
//!
//! Input: bytes. Output: hex strings or integers. This module knows nothing of what it hashes.

use sha2::{Digest, Sha256};
use std::hash::{BuildHasher, Hasher};

/// A hash map keyed with the fast hash: for keys the program makes itself (token texts, ids),
/// where hash flooding is not a concern.
pub type FastMap<K, V> = foldhash::HashMap<K, V>;

/// Lower-case hex of the SHA-256 of `bytes` (64 digits).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of the first `n` bytes of the SHA-256 of `bytes` (`2 * n` digits): a short
/// version stamp (`n` = 8 for the registry and the organisations list, 6 for the taxonomy).
pub fn short_hex(bytes: &[u8], n: usize) -> String {
    let digest = Sha256::digest(bytes);
    hex(&digest[..n.min(digest.len())])
}

/// The first 8 bytes of the SHA-256 of `bytes`, big-endian: the number whose 16 hex digits
/// [`short_hex`] with `n` = 8 gives. A stamp kept on disk (a manifest's codes digests).
pub fn short_u64(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b)
}

/// A UUID made from `bytes`: the first 16 bytes of their SHA-256 with the version (8) and the
/// RFC 9562 variant set, in upper-case hex (as most QDA programs write GUIDs),
/// `XXXXXXXX-XXXX-8XXX-YXXX-XXXXXXXXXXXX`.
pub fn uuid_v8(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b).to_ascii_uppercase();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Lower-case hex of bytes.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A writer that computes the SHA-256 of everything written through it.
pub struct HashingWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    hasher: Sha256,
}

impl<'a> HashingWriter<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a mut dyn std::io::Write) -> HashingWriter<'a> {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Hex SHA-256 of everything written.
    pub fn hex(self) -> String {
        hex(&self.hasher.finalize())
    }
}

impl std::io::Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// FNV-1a (64 bits) of a byte sequence: stable across machines, versions and runs.
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The fast hash of byte strings, fed one after the other with a separator byte between them
/// (so `["ab", "c"]` and `["a", "bc"]` differ). Fixed seed: the same value in every run.
pub fn fast_hash(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(seed).build_hasher();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.write_u8(1);
        }
        h.write(p);
    }
    h.finish()
}

/// Two [`fast_hash`]es of the same parts with different seeds, as one 128-bit key: distinct
/// keys of a run collide about as often as a disk fails, so a set of them can stand for the
/// set of the strings.
pub fn fast_hash128(parts: &[&[u8]]) -> u128 {
    (u128::from(fast_hash(0x243F_6A88_85A3_08D3, parts)) << 64)
        | u128::from(fast_hash(0x1319_8A2E_0370_7344, parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(short_hex(b"abc", 8), "ba7816bf8f01cfea");
        assert_eq!(short_hex(b"abc", 6), "ba7816bf8f01");
        assert_eq!(format!("{:016x}", short_u64(b"abc")), short_hex(b"abc", 8));
    }

    #[test]
    fn hashing_writer_hashes_what_passes() {
        let mut out = Vec::new();
        let mut w = HashingWriter::new(&mut out);
        std::io::Write::write_all(&mut w, b"abc").unwrap();
        assert_eq!(w.hex(), sha256_hex(b"abc"));
        assert_eq!(out, b"abc");
    }

    #[test]
    fn uuid_v8_is_the_digest_with_version_and_variant() {
        // SHA-256("abc") = ba7816bf 8f01 cfea 4141 40de5dae2223…: version nibble 8 replaces c,
        // variant bits 10 turn 0x41 into 0x81.
        assert_eq!(uuid_v8(b"abc"), "BA7816BF-8F01-8FEA-8141-40DE5DAE2223");
        assert_ne!(uuid_v8(b"abd"), uuid_v8(b"abc"));
    }

    #[test]
    fn fnv1a_is_the_reference_function() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(*b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fast_hash_separates_parts() {
        assert_ne!(fast_hash(1, &[b"ab", b"c"]), fast_hash(1, &[b"a", b"bc"]));
        assert_eq!(fast_hash(1, &[b"x"]), fast_hash(1, &[b"x"]));
        assert_ne!(fast_hash128(&[b"s", b"l"]), fast_hash128(&[b"s", b"m"]));
    }
}
