//! Verifying inclusion and consistency proofs exactly as RFC 9162 §2.1.3.2 and
//! §2.1.4.2 prescribe, with the edge cases a verifier must refuse: a leaf outside the
//! tree, a proof with nodes left over or missing, a non-empty proof where nothing is
//! to be proved (from size 0, or between equal sizes), and sizes that go backwards.

use thiserror::Error;

use super::hash::Hash;

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    #[error("leaf {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizesReversed { old: u64, new: u64 },
    #[error("the proof is empty, but {old} -> {new} needs nodes")]
    EmptyProof { old: u64, new: u64 },
    #[error("the proof must be empty from size {old} to {new}, found {nodes} node(s)")]
    UnexpectedNodes { old: u64, new: u64, nodes: usize },
    #[error("the proof has more nodes than the sizes allow")]
    TooLong,
    #[error("the proof has fewer nodes than the sizes need")]
    TooShort,
    #[error("the proof leads to root {computed}, not {expected}")]
    RootMismatch { computed: Hash, expected: Hash },
    #[error("the proof does not lead back to the old root {expected} (got {computed})")]
    OldRootMismatch { computed: Hash, expected: Hash },
    #[error("the proof does not lead to the new root {expected} (got {computed})")]
    NewRootMismatch { computed: Hash, expected: Hash },
}

/// Right-shifts `f` and `s` together until `f`'s lowest bit is set or `f` is 0.
fn shift_while_even(f: &mut u64, s: &mut u64) {
    while *f & 1 == 0 && *f != 0 {
        *f >>= 1;
        *s >>= 1;
    }
}

/// The root that `proof` leads to from `leaf` at `index` in a tree of `size` leaves
/// (RFC 9162 §2.1.3.2, steps 1 to 5 without the final comparison).
pub fn root_from_inclusion_proof(leaf: &Hash, index: u64, size: u64, proof: &[Hash]) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::TooLong);
        }
        if f & 1 == 1 || f == s {
            r = Hash::node(p, &r);
            shift_while_even(&mut f, &mut s);
        } else {
            r = Hash::node(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::TooShort);
    }
    Ok(r)
}

/// Checks that `leaf` is the leaf at `index` of the tree of `size` leaves whose root
/// is `root`.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(leaf, index, size, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch { computed, expected: *root });
    }
    Ok(())
}

/// Checks that the tree of `new` leaves with root `new_root` extends the tree of `old`
/// leaves with root `old_root` (RFC 9162 §2.1.4.2). Between equal sizes the roots must
/// be equal and the proof empty; from size 0 the old root must be the empty tree's and
/// the proof empty.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::SizesReversed { old, new });
    }
    if old == 0 || old == new {
        if !proof.is_empty() {
            return Err(ProofError::UnexpectedNodes { old, new, nodes: proof.len() });
        }
        if old == 0 && *old_root != Hash::empty() {
            return Err(ProofError::OldRootMismatch { computed: Hash::empty(), expected: *old_root });
        }
        if old == new && new_root != old_root {
            return Err(ProofError::NewRootMismatch { computed: *old_root, expected: *new_root });
        }
        return Ok(());
    }
    // Step 1.
    let Some((first, rest)) = proof.split_first() else {
        return Err(ProofError::EmptyProof { old, new });
    };
    // Step 2: when `old` is a power of two its root is the proof's implicit first node.
    let (seed, path) = if old.is_power_of_two() { (old_root, proof) } else { (first, rest) };
    // Steps 3 and 4.
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (*seed, *seed);
    // Step 6.
    for c in path {
        if s == 0 {
            return Err(ProofError::TooLong);
        }
        if f & 1 == 1 || f == s {
            fr = Hash::node(c, &fr);
            sr = Hash::node(c, &sr);
            shift_while_even(&mut f, &mut s);
        } else {
            sr = Hash::node(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    // Step 7.
    if s != 0 {
        return Err(ProofError::TooShort);
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch { computed: fr, expected: *old_root });
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch { computed: sr, expected: *new_root });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tree::tests::{GOLDEN_CONSISTENCY, GOLDEN_INCLUSION, GOLDEN_ROOTS, golden_leaves, h};
    use super::super::tree::{Tree, consistency_proof, inclusion_proof};
    use super::*;

    // Golden vectors: transparency-dev/merkle proof/verify_test.go (see tree.rs); the
    // corruptions below follow the probes of that file's corruptInclusionProof and
    // corruptConsistencyProof.
    fn some_hash() -> Hash {
        h("abacaba000000000000000000000000000000000000000000060061e00123456")
    }

    fn flipped(proof: &[Hash], i: usize, bit: u8) -> Vec<Hash> {
        let mut proof = proof.to_vec();
        proof[i].0[0] ^= bit;
        proof
    }

    #[test]
    fn golden_inclusion_proofs_verify_and_every_corruption_fails() {
        let leaves = golden_leaves();
        for (leaf, size, proof) in GOLDEN_INCLUSION {
            let index = leaf - 1;
            let proof: Vec<Hash> = proof.iter().map(|p| h(p)).collect();
            let root = h(GOLDEN_ROOTS[size as usize - 1]);
            let hash = leaves[index as usize];
            assert_eq!(verify_inclusion(&hash, index, size, &proof, &root), Ok(()), "leaf {leaf} of {size}");

            let mut probes: Vec<(String, Hash, u64, u64, Vec<Hash>, Hash)> = vec![
                ("index - 1".into(), hash, index.wrapping_sub(1), size, proof.clone(), root),
                ("index + 1".into(), hash, index + 1, size, proof.clone(), root),
                ("index ^ 2".into(), hash, index ^ 2, size, proof.clone(), root),
                ("size * 2".into(), hash, index, size * 2, proof.clone(), root),
                ("size / 2".into(), hash, index, size / 2, proof.clone(), root),
                ("wrong leaf".into(), Hash::leaf(b"WrongLeaf"), index, size, proof.clone(), root),
                ("empty root".into(), hash, index, size, proof.clone(), Hash::empty()),
                ("random root".into(), hash, index, size, proof.clone(), some_hash()),
                ("trailing root".into(), hash, index, size, [proof.clone(), vec![root]].concat(), root),
                ("trailing zeros".into(), hash, index, size, [proof.clone(), vec![Hash([0; 32])]].concat(), root),
                ("preceding root".into(), hash, index, size, [vec![root], proof.clone()].concat(), root),
            ];
            for i in 0..proof.len() {
                probes.push((format!("proof[{i}] bit 3"), hash, index, size, flipped(&proof, i, 8), root));
            }
            if !proof.is_empty() {
                probes.push(("removed node".into(), hash, index, size, proof[..proof.len() - 1].to_vec(), root));
            }
            if proof.len() > 1 {
                let inserted = [vec![proof[0], some_hash()], proof[1..].to_vec()].concat();
                probes.push(("inserted node".into(), hash, index, size, inserted, root));
            }
            for (what, hash, index, size, proof, root) in probes {
                assert!(verify_inclusion(&hash, index, size, &proof, &root).is_err(), "leaf {leaf} of {size}: {what}");
            }
        }
    }

    #[test]
    fn inclusion_in_an_empty_or_too_small_tree_fails() {
        for (index, size) in [(0, 0), (1, 0), (2, 1)] {
            assert_eq!(
                verify_inclusion(&some_hash(), index, size, &[], &Hash::empty()),
                Err(ProofError::IndexOutOfRange { index, size })
            );
        }
        // One leaf: the root is the leaf hash and the proof is empty.
        let leaf = Hash::leaf(b"data");
        assert_eq!(verify_inclusion(&leaf, 0, 1, &[], &leaf), Ok(()));
        assert!(verify_inclusion(&leaf, 0, 1, &[], &Hash::empty()).is_err());
        assert_eq!(verify_inclusion(&leaf, 0, 1, &[leaf], &leaf), Err(ProofError::TooLong));
    }

    #[test]
    fn golden_consistency_proofs_verify_and_every_corruption_fails() {
        for (old, new, proof) in GOLDEN_CONSISTENCY {
            let proof: Vec<Hash> = proof.iter().map(|p| h(p)).collect();
            let (r1, r2) = (h(GOLDEN_ROOTS[old as usize - 1]), h(GOLDEN_ROOTS[new as usize - 1]));
            assert_eq!(verify_consistency(old, new, &r1, &r2, &proof), Ok(()), "{old} -> {new}");
            if proof.is_empty() {
                continue;
            }
            // A proof is checked against the roots it is given: the proof for 6 -> 8 also
            // leads to the root of size 8 when told the new size is 7, because the
            // right-hand node it brings cannot show how many leaves lie under it. What
            // binds a size to a root is the server's signature on the checkpoint, and
            // `export::verify` recomputes the root at every signed size. With the true
            // roots of other sizes a proof fails: see one_proof_holds_for_one_pair_of_sizes_only.
            let mut probes: Vec<(String, u64, u64, Hash, Hash, Vec<Hash>)> = vec![
                ("old - 1".into(), old - 1, new, r1, r2, proof.clone()),
                ("old + 1".into(), old + 1, new, r1, r2, proof.clone()),
                ("old ^ 2".into(), old ^ 2, new, r1, r2, proof.clone()),
                ("new * 2".into(), old, new * 2, r1, r2, proof.clone()),
                ("new / 2".into(), old, new / 2, r1, r2, proof.clone()),
                ("wrong old root".into(), old, new, some_hash(), r2, proof.clone()),
                ("wrong new root".into(), old, new, r1, some_hash(), proof.clone()),
                ("swapped roots".into(), old, new, r2, r1, proof.clone()),
                ("empty proof".into(), old, new, r1, r2, vec![]),
                ("trailing old root".into(), old, new, r1, r2, [proof.clone(), vec![r1]].concat()),
                ("trailing new root".into(), old, new, r1, r2, [proof.clone(), vec![r2]].concat()),
                ("trailing zeros".into(), old, new, r1, r2, [proof.clone(), vec![Hash([0; 32])]].concat()),
                ("preceding old root".into(), old, new, r1, r2, [vec![r1], proof.clone()].concat()),
                ("preceding new root".into(), old, new, r1, r2, [vec![r2], proof.clone()].concat()),
                ("preceding proof[0]".into(), old, new, r1, r2, [vec![proof[0]], proof.clone()].concat()),
                ("truncated".into(), old, new, r1, r2, proof[..proof.len() - 1].to_vec()),
            ];
            for i in 0..proof.len() {
                probes.push((format!("proof[{i}] bit 4"), old, new, r1, r2, flipped(&proof, i, 16)));
            }
            for (what, old, new, r1, r2, proof) in probes {
                assert!(verify_consistency(old, new, &r1, &r2, &proof).is_err(), "{what}");
            }
        }
    }

    #[test]
    fn the_edge_cases_of_consistency() {
        let (a, b) = (some_hash(), Hash::leaf(b"b"));
        let empty = Hash::empty();
        type Case = (&'static str, u64, u64, Hash, Hash, Vec<Hash>, Result<(), ProofError>);
        let cases: Vec<Case> = vec![
            ("0 -> 0", 0, 0, empty, empty, vec![], Ok(())),
            ("0 -> 1", 0, 1, empty, b, vec![], Ok(())),
            ("1 -> 1", 1, 1, a, a, vec![], Ok(())),
            ("1 -> 1, other root", 1, 1, a, b, vec![], Err(ProofError::NewRootMismatch { computed: a, expected: b })),
            (
                "0 -> 1 from a non-empty root",
                0,
                1,
                a,
                b,
                vec![],
                Err(ProofError::OldRootMismatch { computed: empty, expected: a }),
            ),
            ("back in time", 2, 1, a, b, vec![], Err(ProofError::SizesReversed { old: 2, new: 1 })),
            ("1 -> 0", 1, 0, a, b, vec![], Err(ProofError::SizesReversed { old: 1, new: 0 })),
            ("empty proof", 1, 2, a, b, vec![], Err(ProofError::EmptyProof { old: 1, new: 2 })),
            (
                "a proof from size 0",
                0,
                1,
                empty,
                b,
                vec![empty],
                Err(ProofError::UnexpectedNodes { old: 0, new: 1, nodes: 1 }),
            ),
            (
                "a proof between equal sizes",
                1,
                1,
                a,
                a,
                vec![empty],
                Err(ProofError::UnexpectedNodes { old: 1, new: 1, nodes: 1 }),
            ),
        ];
        for (what, old, new, r1, r2, proof, expected) in cases {
            assert_eq!(verify_consistency(old, new, &r1, &r2, &proof), expected, "{what}");
        }
    }

    #[test]
    fn one_proof_holds_for_one_pair_of_sizes_only() {
        // Every generated proof in a 33-leaf tree verifies for its own sizes and for no
        // other pair of sizes (with the roots of those sizes).
        let mut tree = Tree::new();
        for i in 0..33u32 {
            tree.push(Hash::leaf(&i.to_be_bytes()));
        }
        let roots: Vec<Hash> = (0..=33).map(|n| tree.root_at(n).unwrap()).collect();
        for new in 1..=33u64 {
            for old in 1..new {
                let proof = consistency_proof(tree.leaves(), old, new).unwrap();
                assert_eq!(verify_consistency(old, new, &roots[old as usize], &roots[new as usize], &proof), Ok(()));
                for other_new in (old..=33).filter(|n| *n != new) {
                    let result =
                        verify_consistency(old, other_new, &roots[old as usize], &roots[other_new as usize], &proof);
                    assert!(result.is_err(), "proof {old}->{new} accepted for {old}->{other_new}");
                }
                for other_old in (1..new).filter(|o| *o != old) {
                    let result =
                        verify_consistency(other_old, new, &roots[other_old as usize], &roots[new as usize], &proof);
                    assert!(result.is_err(), "proof {old}->{new} accepted for {other_old}->{new}");
                }
            }
            for index in 0..new {
                let proof = inclusion_proof(tree.leaves(), index, new).unwrap();
                let leaf = tree.leaves()[index as usize];
                assert_eq!(verify_inclusion(&leaf, index, new, &proof, &roots[new as usize]), Ok(()));
                for other in (1..=33).filter(|n| *n != new && index < *n) {
                    assert!(
                        verify_inclusion(&leaf, index, other, &proof, &roots[other as usize]).is_err(),
                        "inclusion of {index} in {new} accepted for size {other}"
                    );
                }
            }
        }
    }
}
