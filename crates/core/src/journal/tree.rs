//! The Merkle tree over the journal's entries, as RFC 9162 §2.1 defines it: the tree
//! hash of any prefix, inclusion proofs (§2.1.3.1, `PATH`) and consistency proofs
//! (§2.1.4.1, `PROOF`/`SUBPROOF`). Verification is in `proof.rs`.

use thiserror::Error;

use super::hash::Hash;

/// Why a proof could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TreeError {
    #[error("leaf {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("size {size} is beyond the tree's {have} leaves")]
    SizeBeyondTree { size: u64, have: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizesReversed { old: u64, new: u64 },
}

/// The largest power of two strictly smaller than `n`; `n` must be at least 2.
fn split(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// `MTH(D[n])` over leaf hashes: the empty hash for no leaves.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => Hash::empty(),
        [only] => *only,
        _ => {
            let k = split(leaves.len());
            Hash::node(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

fn path(index: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    if index < k {
        path(index, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        path(index - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

fn subproof(old: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if old == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if old <= k {
        subproof(old, &leaves[..k], complete, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(old - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

fn prefix(leaves: &[Hash], size: u64) -> Result<&[Hash], TreeError> {
    let have = leaves.len() as u64;
    usize::try_from(size)
        .ok()
        .filter(|s| *s <= leaves.len())
        .map(|s| &leaves[..s])
        .ok_or(TreeError::SizeBeyondTree { size, have })
}

/// The inclusion proof of leaf `index` in the tree of the first `size` leaves, from
/// the leaf's sibling up to the root's child.
pub fn inclusion_proof(leaves: &[Hash], index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
    let leaves = prefix(leaves, size)?;
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let mut out = Vec::new();
    // index < size <= leaves.len(), so it fits in usize.
    path(index as usize, leaves, &mut out);
    Ok(out)
}

/// The consistency proof from the tree of the first `old` leaves to that of the first
/// `new`; empty when `old` is 0 or equal to `new` (nothing to prove).
pub fn consistency_proof(leaves: &[Hash], old: u64, new: u64) -> Result<Vec<Hash>, TreeError> {
    let leaves = prefix(leaves, new)?;
    if old > new {
        return Err(TreeError::SizesReversed { old, new });
    }
    let mut out = Vec::new();
    if old > 0 && old < new {
        // old < new <= leaves.len(), so it fits in usize.
        subproof(old as usize, leaves, true, &mut out);
    }
    Ok(out)
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest first.
/// Appending is amortised O(1) hashes and the root O(log n), so a writer can keep the
/// running root without holding every leaf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// (height, hash) of each perfect subtree, left to right.
    peaks: Vec<(u32, Hash)>,
}

impl Frontier {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        self.peaks.push((0, leaf));
        while let [.., (left_height, left), (right_height, right)] = self.peaks[..] {
            if left_height != right_height {
                break;
            }
            self.peaks.truncate(self.peaks.len() - 2);
            self.peaks.push((left_height + 1, Hash::node(&left, &right)));
        }
        self.size += 1;
    }

    /// The tree hash of everything pushed so far.
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some((_, last)) = peaks.next() else {
            return Hash::empty();
        };
        peaks.fold(*last, |acc, (_, peak)| Hash::node(peak, &acc))
    }
}

/// A tree that keeps its leaves and every complete subtree above them: roots of any
/// prefix in O(log n) hashes and proofs in O(log² n), where the free functions above
/// (the RFC's recursive definitions, kept as the reference) take O(n).
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// `levels[h][i]`: the root of the perfect subtree of `2^h` leaves starting at leaf
    /// `i * 2^h`; `levels[0]` are the leaves.
    levels: Vec<Vec<Hash>>,
    frontier: Frontier,
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, leaf: Hash) {
        self.frontier.push(leaf);
        let mut hash = leaf;
        for height in 0.. {
            if self.levels.len() == height {
                self.levels.push(Vec::new());
            }
            let level = &mut self.levels[height];
            level.push(hash);
            let n = level.len();
            if n % 2 == 1 {
                break;
            }
            hash = Hash::node(&level[n - 2], &level[n - 1]);
        }
    }

    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    pub fn leaves(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// `MTH` of the `n` leaves from `start`, where `start` is a multiple of the largest
    /// power of two not above `n` (true of every subtree the RFC's recursions visit).
    fn subtree(&self, start: usize, n: usize) -> Hash {
        if n == 0 {
            return Hash::empty();
        }
        if n.is_power_of_two() {
            let height = n.trailing_zeros() as usize;
            return self.levels[height][start >> height];
        }
        let k = split(n);
        Hash::node(&self.subtree(start, k), &self.subtree(start + k, n - k))
    }

    fn check_size(&self, size: u64) -> Result<usize, TreeError> {
        usize::try_from(size)
            .ok()
            .filter(|s| *s <= self.leaves().len())
            .ok_or(TreeError::SizeBeyondTree { size, have: self.size() })
    }

    /// The root of the tree of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        Ok(self.subtree(0, self.check_size(size)?))
    }

    /// As [`inclusion_proof`], from the stored subtrees.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
        let n = self.check_size(size)?;
        if index >= size {
            return Err(TreeError::IndexOutOfRange { index, size });
        }
        // index < size <= leaves, so it fits in usize.
        let (mut m, mut start, mut n) = (index as usize, 0, n);
        let mut out = Vec::new();
        while n > 1 {
            let k = split(n);
            if m < k {
                out.push(self.subtree(start + k, n - k));
                n = k;
            } else {
                out.push(self.subtree(start, k));
                m -= k;
                start += k;
                n -= k;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// As [`consistency_proof`], from the stored subtrees.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, TreeError> {
        let n = self.check_size(new)?;
        if old > new {
            return Err(TreeError::SizesReversed { old, new });
        }
        let mut out = Vec::new();
        if old == 0 || old == new {
            return Ok(out);
        }
        // old < new <= leaves, so it fits in usize.
        let (mut m, mut start, mut n, mut complete) = (old as usize, 0, n, true);
        while m != n {
            let k = split(n);
            if m <= k {
                out.push(self.subtree(start + k, n - k));
                n = k;
            } else {
                out.push(self.subtree(start, k));
                m -= k;
                start += k;
                n -= k;
                complete = false;
            }
        }
        if !complete {
            out.push(self.subtree(start, n));
        }
        out.reverse();
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn h(text: &str) -> Hash {
        Hash::from_hex(text).unwrap()
    }

    /// The eight leaves and the roots of their prefixes of size 1 to 8, from
    /// transparency-dev/merkle `proof/verify_test.go` (`leaves`, `roots`), the test
    /// vectors of the Certificate Transparency reference implementation.
    pub(crate) fn golden_leaves() -> Vec<Hash> {
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
            .iter()
            .map(|hex| {
                let bytes: Vec<u8> =
                    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
                Hash::leaf(&bytes)
            })
            .collect()
    }

    pub(crate) const GOLDEN_ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// (leaf index from 1, tree size, proof) from the same file (`inclusionProofs`).
    pub(crate) const GOLDEN_INCLUSION: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (3, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            2,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];

    /// (old size, new size, proof) from the same file (`consistencyProofs`).
    pub(crate) const GOLDEN_CONSISTENCY: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];

    #[test]
    fn roots_match_the_golden_vectors() {
        let leaves = golden_leaves();
        assert_eq!(root(&[]), Hash::empty());
        let mut frontier = Frontier::new();
        for (size, expected) in (1..=8).zip(GOLDEN_ROOTS) {
            frontier.push(leaves[size - 1]);
            assert_eq!(root(&leaves[..size]), h(expected), "size {size}");
            assert_eq!(frontier.root(), h(expected), "frontier at size {size}");
        }
    }

    #[test]
    fn proofs_match_the_golden_vectors() {
        let leaves = golden_leaves();
        for (leaf, size, proof) in GOLDEN_INCLUSION {
            let expected: Vec<Hash> = proof.iter().map(|p| h(p)).collect();
            assert_eq!(inclusion_proof(&leaves, leaf - 1, size), Ok(expected), "leaf {leaf} of {size}");
        }
        for (old, new, proof) in GOLDEN_CONSISTENCY {
            let expected: Vec<Hash> = proof.iter().map(|p| h(p)).collect();
            assert_eq!(consistency_proof(&leaves, old, new), Ok(expected), "{old} -> {new}");
        }
    }

    #[test]
    fn the_stored_tree_agrees_with_the_reference_definitions() {
        let mut tree = Tree::new();
        let mut leaves = Vec::new();
        for i in 0..70u32 {
            let leaf = Hash::leaf(&i.to_be_bytes());
            tree.push(leaf);
            leaves.push(leaf);
        }
        for new in 0..=70u64 {
            assert_eq!(tree.root_at(new), Ok(root(&leaves[..new as usize])), "root at {new}");
            for index in 0..new {
                assert_eq!(tree.inclusion_proof(index, new), inclusion_proof(&leaves, index, new), "{index} in {new}");
            }
            for old in 0..=new {
                assert_eq!(tree.consistency_proof(old, new), consistency_proof(&leaves, old, new), "{old} -> {new}");
            }
        }
        assert_eq!(tree.root(), root(&leaves));
        assert_eq!(tree.root_at(71), Err(TreeError::SizeBeyondTree { size: 71, have: 70 }));
    }

    #[test]
    fn proofs_outside_the_tree_are_refused() {
        let leaves = golden_leaves();
        assert_eq!(inclusion_proof(&leaves, 0, 0), Err(TreeError::IndexOutOfRange { index: 0, size: 0 }));
        assert_eq!(inclusion_proof(&leaves, 3, 3), Err(TreeError::IndexOutOfRange { index: 3, size: 3 }));
        assert_eq!(inclusion_proof(&leaves, 0, 9), Err(TreeError::SizeBeyondTree { size: 9, have: 8 }));
        assert_eq!(consistency_proof(&leaves, 5, 4), Err(TreeError::SizesReversed { old: 5, new: 4 }));
        assert_eq!(consistency_proof(&leaves, 0, 8), Ok(vec![]));
    }
}
