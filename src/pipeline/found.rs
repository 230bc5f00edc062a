//! The files found under a run's inputs: each one's key (the path as given, as a string), size
//! and modification time. Input: what [`super::sources::discover`] stats. Output: [`Files`],
//! indexed by position by the plan, the load, the run and the spill. Reads nothing itself.

use std::path::PathBuf;

/// One input file as found on disk, borrowed from [`Files`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceFile<'a> {
    /// The path as given, as a string (relative paths stay relative; used in citations): the
    /// file's key in the manifest and the index.
    pub key: &'a str,
    pub size: u64,
    pub mtime_ns: u128,
}

impl SourceFile<'_> {
    /// The file's path, made again from its key ([`crate::disk::key_path`]).
    pub fn path(&self) -> PathBuf {
        crate::disk::key_path(self.key)
    }
}

/// The files a run found, held flat: every key end to end in one text, and the sizes and times
/// in vectors by file index. A run holds them from discovery to the manifest; held as one
/// string per file, the keys (one small allocation each) would stay strewn among the memory the
/// load uses and frees, and keep it from being used for anything else.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Files {
    keys: String,
    /// Where each key ends in `keys`.
    ends: Vec<usize>,
    sizes: Vec<u64>,
    mtimes: Vec<u128>,
}

impl Files {
    /// Room for `n` files.
    pub fn with_capacity(n: usize) -> Files {
        Files {
            keys: String::new(),
            ends: Vec::with_capacity(n),
            sizes: Vec::with_capacity(n),
            mtimes: Vec::with_capacity(n),
        }
    }

    /// Adds a file; its index is the number of files before it.
    pub fn push(&mut self, key: &str, size: u64, mtime_ns: u128) {
        self.keys.push_str(key);
        self.ends.push(self.keys.len());
        self.sizes.push(size);
        self.mtimes.push(mtime_ns);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The file at index `i` (indices come from this set: past the end panics, as a slice's
    /// index does).
    pub fn file(&self, i: usize) -> SourceFile<'_> {
        SourceFile {
            key: self.key(i),
            size: self.sizes[i],
            mtime_ns: self.mtimes[i],
        }
    }

    /// The file at index `i`, or None past the end.
    pub fn get(&self, i: usize) -> Option<SourceFile<'_>> {
        (i < self.len()).then(|| self.file(i))
    }

    /// The key of the file at index `i`.
    pub fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.keys[start..self.ends[i]]
    }

    /// The files in index order.
    pub fn iter(&self) -> impl Iterator<Item = SourceFile<'_>> + '_ {
        (0..self.len()).map(|i| self.file(i))
    }

    /// The same files in allocations of their exact size.
    pub fn shrunk(&self) -> Files {
        let mut keys = String::with_capacity(self.keys.len());
        keys.push_str(&self.keys);
        Files {
            keys,
            ends: self.ends.to_vec(),
            sizes: self.sizes.to_vec(),
            mtimes: self.mtimes.to_vec(),
        }
    }
}

impl<'a> FromIterator<SourceFile<'a>> for Files {
    fn from_iter<I: IntoIterator<Item = SourceFile<'a>>>(iter: I) -> Files {
        let mut files = Files::default();
        for f in iter {
            files.push(f.key, f.size, f.mtime_ns);
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_give_back_each_key_size_and_time_by_index() {
        let mut files = Files::with_capacity(2);
        files.push("a/one.raw.txt", 3, 7);
        files.push("", 0, 0);
        files.push("b/two é.page.txt", 5, 9);
        assert_eq!(files.len(), 3);
        assert_eq!(files.key(0), "a/one.raw.txt");
        assert_eq!(files.key(1), "");
        let two = files.file(2);
        assert!(files.get(3).is_none());
        assert_eq!(
            (two.key, two.size, two.mtime_ns),
            ("b/two é.page.txt", 5, 9)
        );
        assert_eq!(two.path(), PathBuf::from("b/two é.page.txt"));
        let again: Files = files.iter().collect();
        assert_eq!(again, files);
        assert_eq!(files.shrunk(), files);
        assert!(Files::default().is_empty());
    }
}
