//! The spec as it stood at a git revision, read with `git` itself (no checkout).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::spec::{load::SCHEMA_FILE, load_dir, load_sources, Spec};

/// Where one end of a range is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A commit, by its full hash.
    Commit(String),
    /// The files on disk, committed or not.
    WorkingTree,
}

impl Side {
    /// How the side is written in an entry's marker: the hash, or `working-tree`.
    pub fn label(&self) -> &str {
        match self {
            Self::Commit(hash) => hash,
            Self::WorkingTree => "working-tree",
        }
    }

    /// The short form for a heading.
    pub fn short(&self) -> &str {
        match self {
            Self::Commit(hash) => hash.get(..7).unwrap_or(hash),
            Self::WorkingTree => "the working tree",
        }
    }
}

/// Resolves a revision (`main`, `HEAD~3`, a tag, a hash) to its commit; an empty one is
/// the working tree.
pub fn resolve(root: &Path, rev: &str) -> Result<Side, String> {
    if rev.is_empty() {
        return Ok(Side::WorkingTree);
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
    match out.lines().next() {
        Some(hash) if !hash.is_empty() => Ok(Side::Commit(hash.to_owned())),
        _ => Err(format!("`{rev}` is not a commit of this repository (`git rev-parse` found nothing)")),
    }
}

/// Loads and validates `spec/` as it is at `side`.
pub fn spec_at(root: &Path, side: &Side) -> Result<Spec, String> {
    let dir = root.join("spec");
    let hash = match side {
        Side::WorkingTree => return load_dir(&dir).map_err(|errors| format!("spec/ in the working tree: {errors}")),
        Side::Commit(hash) => hash,
    };
    let listing = git(root, &["ls-tree", "-r", "--name-only", hash, "--", "spec"])?;
    let mut sources = Vec::new();
    for path in listing.lines().filter(|p| p.ends_with(".json") && !p.ends_with(SCHEMA_FILE)) {
        let text = git(root, &["show", &format!("{hash}:{path}")])?;
        sources.push((PathBuf::from(format!("{}:{path}", side.short())), text));
    }
    if sources.is_empty() {
        return Err(format!("commit {} has no spec/ files", side.short()));
    }
    load_sources(sources).map_err(|errors| {
        format!(
            "spec/ at {} does not load with this generator (a spec format older than the generator's reads \
             as errors; pick a later FROM):\n{errors}",
            side.short()
        )
    })
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out =
        Command::new("git").arg("-C").arg(root).args(args).output().map_err(|err| format!("cannot run git: {err}"))?;
    // `rev-parse --quiet` says "no such commit" by exit code 1 and no output.
    let not_found = args.contains(&"--quiet") && out.status.code() == Some(1);
    if !(out.status.success() || not_found) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("`git {}` failed: {}", args.join(" "), stderr.trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`git {}` printed text that is not UTF-8", args.join(" ")))
}
