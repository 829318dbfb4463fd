//! A small fast hasher for ids (citizens, agreements, staff categories).
//!
//! Responsible for: [`FxHasher`] and the map and set types built on it,
//! used wherever takst looks ids up by the hundred thousand (the compare
//! scan, the canonical order, validation, the engine's indices). Not
//! resistant to deliberately colliding keys, which is acceptable for ids
//! read from the operator's own files.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash (as used in rustc): one rotate, xor and multiply per eight
/// bytes, with a final mix.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // A byte loop, not a (variable-length) memcpy call.
            let mut w = 0u64;
            for (i, &b) in rest.iter().enumerate() {
                w |= u64::from(b) << (8 * i);
            }
            self.add(w ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// The Fx state's low bits depend only on the low bytes of the input
    /// (ids such as `C000001` differ in their high bytes), and hashbrown
    /// picks buckets by the low bits: a splitmix64 finalizer mixes all bits
    /// into all bits.
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FxSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// A small memo of values by the address of a shared id (`Arc<str>`).
/// Need lines share their ids, so the few distinct staff categories and
/// bands, and each agreement's consecutive lines, are worked out once per
/// run of lines instead of once per line. Only the most recent
/// [`PtrMemo::SIZE`] ids are remembered.
pub struct PtrMemo<V> {
    recent: Vec<(*const u8, V)>,
}

impl<V: Copy> Default for PtrMemo<V> {
    fn default() -> Self {
        PtrMemo {
            recent: Vec::with_capacity(Self::SIZE),
        }
    }
}

impl<V: Copy> PtrMemo<V> {
    pub const SIZE: usize = 16;

    /// The value of `id`: remembered, or `f(id)`. The ids passed must stay
    /// alive while the memo is used (an address is only an identity while
    /// its id lives).
    pub fn get(&mut self, id: &std::sync::Arc<str>, f: impl FnOnce(&str) -> V) -> V {
        let at = id.as_ptr();
        if let Some(&(_, v)) = self.recent.iter().rev().find(|(p, _)| *p == at) {
            return v;
        }
        let v = f(id);
        if self.recent.len() == Self::SIZE {
            self.recent.remove(0);
        }
        self.recent.push((at, v));
        v
    }
}
