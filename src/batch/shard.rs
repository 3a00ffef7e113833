//! `--shard K/N`: a deterministic slice of the inputs, so that an existing scheduler (a Kubernetes
//! Indexed Job, a Slurm job array) can run N copies of one command line, each doing its own part.
//! Takes the input's key (its path as discovered, or its manifest id); gives whether this shard
//! owns it. The slice depends only on the key and N, never on the machine, the order of discovery
//! or the other inputs, so the N shards together cover every input exactly once.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0-based, as `JOB_COMPLETION_INDEX`; with Slurm pass
/// `$SLURM_ARRAY_TASK_ID` of an array `0-(N-1)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether this shard owns the input with this key: the first 8 bytes of SHA-256 of the key,
    /// modulo the shard count. SHA-256 rather than std's hasher because that one is randomised
    /// per process and unstable across Rust releases.
    pub fn owns(&self, key: &str) -> bool {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::Setting {
            name: "shard".into(),
            reason: format!("{s:?}: {reason}"),
        };
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| bad("expected K/N, e.g. 0/4"))?;
        let index: u64 = k.trim().parse().map_err(|_| bad("K is not a number"))?;
        let count: u64 = n.trim().parse().map_err(|_| bad("N is not a number"))?;
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index >= count {
            return Err(bad("K counts from 0 and must be below N"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<(u64, u64)>)] = &[
            ("0/1", Some((0, 1))),
            ("3/4", Some((3, 4))),
            (" 1 / 2 ", Some((1, 2))),
            ("4/4", None),
            ("0/0", None),
            ("1", None),
            ("a/2", None),
            ("-1/2", None),
        ];
        for (s, want) in cases {
            let got = s.parse::<Shard>().ok().map(|sh| (sh.index, sh.count));
            assert_eq!(got, *want, "{s}");
        }
    }

    #[test]
    fn shards_partition_the_keys() {
        let keys: Vec<String> = (0..500).map(|i| format!("corpus/{i:04}.txt")).collect();
        for count in [1u64, 2, 3, 7] {
            let mut owners = vec![0; keys.len()];
            for index in 0..count {
                let shard = Shard { index, count };
                for (i, k) in keys.iter().enumerate() {
                    owners[i] += u32::from(shard.owns(k));
                }
            }
            assert!(owners.iter().all(|&o| o == 1), "N={count}");
        }
        // Roughly even: every one of 4 shards gets a fair part of 500 keys.
        for index in 0..4 {
            let shard = Shard { index, count: 4 };
            let n = keys.iter().filter(|k| shard.owns(k)).count();
            assert!((90..=160).contains(&n), "shard {index} got {n}");
        }
    }
}
