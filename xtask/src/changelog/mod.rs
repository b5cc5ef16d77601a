//! `cargo xtask changelog FROM..TO [--write]`: a CHANGELOG.md entry from the spec's diff
//! between two revisions, each line naming the Rust item and the vendor fact, marked
//! breaking or not by the rules in [`rules`], with the version bump it calls for.

pub mod git;
pub mod rules;

use std::path::Path;

pub use rules::{diff, Change, Section};

/// The file `--write` keeps.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

const MARKER: &str = "<!-- nxlink-changelog: ";

/// A semantic version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `1.2.3` (no pre-release or build part).
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u64>().ok());
        match (parts.len(), number(0), number(1), number(2)) {
            (3, Some(major), Some(minor), Some(patch)) => Ok(Self { major, minor, patch }),
            _ => Err(format!("version `{text}` is not MAJOR.MINOR.PATCH")),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version bump a set of changes calls for, as Cargo reads versions: below 1.0 the
/// minor number is the breaking one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Nothing in the API changed.
    None,
    /// Fixes and wording only.
    Patch,
    /// New items, nothing broken.
    Minor,
    /// Something broken.
    Major,
}

impl Bump {
    /// The bump for `changes`.
    pub fn of(changes: &[Change]) -> Self {
        if changes.iter().any(|c| c.breaking) {
            Self::Major
        } else if changes.iter().any(|c| c.section == Section::Added) {
            Self::Minor
        } else if changes.is_empty() {
            Self::None
        } else {
            Self::Patch
        }
    }

    /// `current` bumped: a breaking change below 1.0 bumps the minor number, anything
    /// else below 1.0 the patch number.
    pub fn apply(self, v: Version) -> Version {
        let Version { major, minor, patch } = v;
        match (self, major) {
            (Self::None, _) => v,
            (Self::Major, 0) => Version { major, minor: minor + 1, patch: 0 },
            (Self::Minor | Self::Patch, 0) => Version { major, minor, patch: patch + 1 },
            (Self::Major, _) => Version { major: major + 1, minor: 0, patch: 0 },
            (Self::Minor, _) => Version { major, minor: minor + 1, patch: 0 },
            (Self::Patch, _) => Version { major, minor, patch: patch + 1 },
        }
    }

    /// The word for the verdict line.
    pub fn verdict(self) -> &'static str {
        match self {
            Self::Major => "breaking",
            Self::Minor | Self::Patch => "not breaking",
            Self::None => "no API change",
        }
    }
}

/// The entry for the changes from `from` to `to`, proposing a version after `current`.
pub fn entry(from: &git::Side, to: &git::Side, current: Version, changes: &[Change]) -> String {
    let bump = Bump::of(changes);
    let next = bump.apply(current);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!("## {next} (proposed): the spec from {} to {}\n", from.short(), to.short());
    out.push_str(&format!("{MARKER}{}..{} -->\n\n", from.label(), to.label()));
    out.push_str(&format!(
        "Verdict: **{}** ({breaking} breaking of {} changes). Proposed version: {current} \u{2192} {next}.\n",
        bump.verdict(),
        changes.len()
    ));
    for section in [Section::Added, Section::Changed, Section::Removed] {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.section == section).collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {section:?}\n\n"));
        for c in lines {
            let mark = if c.breaking { "**Breaking**" } else { "Not breaking" };
            out.push_str(&format!("- {}: {}. {mark}: {}.\n", c.item, c.fact, c.rule));
        }
    }
    out
}

/// `changelog` with `entry` in it: in place of an entry for the same range, else before
/// the newest entry. Running it again with the same range changes nothing.
pub fn insert(changelog: &str, entry: &str) -> String {
    let marker_line = entry.lines().find(|l| l.starts_with(MARKER)).unwrap_or_default();
    let starts: Vec<usize> = entry_starts(changelog);
    let found = starts.iter().position(|&start| {
        let end = changelog[start..].find("\n## ").map_or(changelog.len(), |i| start + i + 1);
        changelog[start..end].lines().any(|l| l == marker_line)
    });
    let (at, end) = match found {
        Some(i) => (starts[i], starts.get(i + 1).copied().unwrap_or(changelog.len())),
        None => {
            let at = starts.first().copied().unwrap_or(changelog.len());
            (at, at)
        }
    };
    let mut out = String::with_capacity(changelog.len() + entry.len() + 1);
    out.push_str(&changelog[..at]);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(entry);
    if end < changelog.len() {
        out.push('\n');
    }
    out.push_str(&changelog[end..]);
    out
}

/// Byte offsets of the `## ` lines that start entries.
fn entry_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("## ") {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

/// The workspace version, from `[workspace.package]` of the root Cargo.toml.
pub fn workspace_version(root: &Path) -> Result<Version, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if let Some(value) = line.strip_prefix("version").map(str::trim_start) {
            if in_package {
                if let Some(value) = value.strip_prefix('=') {
                    return Version::parse(value.trim().trim_matches('"'));
                }
            }
        }
    }
    Err(format!("{} has no `version` in [workspace.package]", path.display()))
}

/// Runs the command: the entry for `range` (`FROM..TO`, TO empty for the working tree),
/// printed, and with `write` put into CHANGELOG.md. Returns the entry and its bump.
pub fn run(root: &Path, range: &str, write: bool) -> Result<(String, Bump), String> {
    let Some((from, to)) = range.split_once("..") else {
        return Err(format!("`{range}` is not a range; expected FROM..TO (TO empty for the working tree)"));
    };
    if from.is_empty() || to.starts_with('.') {
        return Err(format!("`{range}` is not a range; expected FROM..TO (TO empty for the working tree)"));
    }
    let (from, to) = (git::resolve(root, from)?, git::resolve(root, to)?);
    let (old, new) = (git::spec_at(root, &from)?, git::spec_at(root, &to)?);
    let changes = diff(&old, &new);
    let text = entry(&from, &to, workspace_version(root)?, &changes);
    if write {
        let path = root.join(CHANGELOG_FILE);
        let existing = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => "# Changelog\n".to_owned(),
            Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
        };
        let updated = insert(&existing, &text);
        if updated != existing {
            std::fs::write(&path, updated).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        }
    }
    Ok((text, Bump::of(&changes)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use git::Side;

    fn change(section: Section, breaking: bool) -> Change {
        Change { section, item: "`A::b`".into(), fact: "f".into(), breaking, rule: "r" }
    }

    #[test]
    fn the_bump_follows_cargo_below_and_above_one() {
        let v = |t: &str| Version::parse(t).unwrap();
        let cases = [
            (vec![change(Section::Removed, true), change(Section::Added, false)], "0.1.0", "0.2.0", "breaking"),
            (vec![change(Section::Added, false)], "0.1.3", "0.1.4", "not breaking"),
            (vec![change(Section::Changed, false)], "0.1.3", "0.1.4", "not breaking"),
            (vec![], "0.1.3", "0.1.3", "no API change"),
            (vec![change(Section::Added, true)], "1.2.3", "2.0.0", "breaking"),
            (vec![change(Section::Added, false)], "1.2.3", "1.3.0", "not breaking"),
            (vec![change(Section::Changed, false)], "1.2.3", "1.2.4", "not breaking"),
        ];
        for (changes, from, to, verdict) in cases {
            let bump = Bump::of(&changes);
            assert_eq!(bump.apply(v(from)), v(to), "{changes:?} from {from}");
            assert_eq!(bump.verdict(), verdict, "{changes:?}");
        }
        for bad in ["1.2", "1.2.3.4", "a.b.c", "1.2.-3", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    fn an_entry(from: &str, changes: &[Change]) -> String {
        entry(&Side::Commit(from.repeat(40)), &Side::WorkingTree, Version::parse("0.1.0").unwrap(), changes)
    }

    #[test]
    fn an_entry_has_its_verdict_sections_and_marks() {
        let text = an_entry("a", &[change(Section::Removed, true), change(Section::Added, false)]);
        assert!(text.starts_with("## 0.2.0 (proposed): the spec from aaaaaaa to the working tree\n"), "{text}");
        assert!(text.contains("Verdict: **breaking** (1 breaking of 2 changes)"), "{text}");
        let added = text.find("### Added").unwrap();
        let removed = text.find("### Removed").unwrap();
        assert!(added < removed && !text.contains("### Changed"), "{text}");
        assert!(text.contains("- `A::b`: f. **Breaking**: r.\n") && text.contains("- `A::b`: f. Not breaking: r.\n"));
    }

    #[test]
    fn writing_an_entry_twice_is_writing_it_once_and_a_new_range_goes_on_top() {
        let header = "# Changelog\n\nWhat changed.\n";
        let first = an_entry("a", &[change(Section::Added, false)]);
        let once = insert(header, &first);
        assert_eq!(insert(&once, &first), once);
        assert!(once.starts_with(header) && once.ends_with(&first), "{once}");

        let second = an_entry("b", &[change(Section::Removed, true)]);
        let both = insert(&once, &second);
        assert!(both.find(&second).unwrap() < both.find(&first).unwrap(), "{both}");
        assert_eq!(insert(&both, &second), both);
        // The same range again, with other changes: replaced where it stands.
        let first_again = an_entry("a", &[change(Section::Changed, false)]);
        let replaced = insert(&both, &first_again);
        assert!(
            replaced.contains(&first_again) && !replaced.contains(&first) && replaced.contains(&second),
            "{replaced}"
        );
        assert_eq!(replaced.matches("\n## ").count(), 2, "{replaced}");
        // Hand-written history below is kept as it is.
        let history = format!("{both}\n## 0.1.0\n\n- First release.\n");
        let third = an_entry("c", &[]);
        let with_third = insert(&history, &third);
        assert!(with_third.ends_with("## 0.1.0\n\n- First release.\n"), "{with_third}");
        assert_eq!(insert(&with_third, &third), with_third);
    }

    /// A throw-away git repository holding this workspace's spec and a Cargo.toml at
    /// version 0.3.1: the tests must not depend on where the workspace itself sits
    /// (`.ci/docs-change` runs them in a copy that is no repository).
    struct Repo(std::path::PathBuf);

    impl Repo {
        fn new() -> Self {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let dir = std::env::temp_dir().join(format!("nxlink-changelog-{}-{nanos}", std::process::id()));
            copy_dir(&crate::codegen::workspace_root().join("spec"), &dir.join("spec"));
            std::fs::write(dir.join("Cargo.toml"), "[workspace]\n\n[workspace.package]\nversion = \"0.3.1\"\n")
                .unwrap();
            let repo = Self(dir);
            repo.git(&["init", "-q"]);
            repo.commit("spec");
            repo
        }

        fn git(&self, args: &[&str]) {
            let status = std::process::Command::new("git")
                .arg("-C")
                .arg(&self.0)
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        }

        fn commit(&self, message: &str) {
            self.git(&["add", "-A"]);
            self.git(&["commit", "-q", "-m", message]);
        }
    }

    impl Drop for Repo {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_dir(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }

    #[test]
    fn ranges_are_checked_before_git_runs() {
        let repo = Repo::new();
        for bad in ["HEAD", "..HEAD", "HEAD...HEAD", "no-such-rev-xyz.."] {
            let err = run(&repo.0, bad, false).unwrap_err();
            assert!(err.contains(bad.trim_end_matches('.')), "{bad}: {err}");
        }
        let (text, bump) = run(&repo.0, "HEAD..HEAD", false).unwrap();
        assert_eq!(bump, Bump::None, "{text}");
    }

    #[test]
    fn a_committed_spec_change_is_written_once_with_the_version_it_calls_for() {
        let repo = Repo::new();
        // Drop the last field of the object with the most fields (the call record, which
        // nothing refers to by that field): a removed field, breaking.
        let read = |path: &Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        };
        let file = std::fs::read_dir(repo.0.join("spec/objects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .max_by_key(|path| read(path)["fields"].as_array().map_or(0, Vec::len))
            .unwrap();
        let mut object = read(&file);
        let gone = object["fields"].as_array_mut().unwrap().pop().unwrap();
        std::fs::write(&file, serde_json::to_string_pretty(&object).unwrap()).unwrap();
        repo.commit("drop a field");

        let (entry, bump) = run(&repo.0, "HEAD~1..HEAD", true).unwrap();
        assert_eq!(bump, Bump::Major);
        assert!(entry.starts_with("## 0.4.0 (proposed)"), "{entry}");
        let wire = gone["wire"].as_str().unwrap();
        assert!(entry.contains(&format!("`{wire}`")) && entry.contains("**Breaking**: a removed field"), "{entry}");
        let written = std::fs::read_to_string(repo.0.join(CHANGELOG_FILE)).unwrap();
        assert!(written.starts_with("# Changelog\n\n") && written.ends_with(&entry), "{written}");
        // The working tree is the commit: the same change, under another range.
        run(&repo.0, "HEAD~1..HEAD", true).unwrap();
        assert_eq!(std::fs::read_to_string(repo.0.join(CHANGELOG_FILE)).unwrap(), written);
        let (worktree, _) = run(&repo.0, "HEAD~1..", false).unwrap();
        assert!(worktree.contains("to the working tree") && worktree.contains(&format!("`{wire}`")), "{worktree}");
    }
}
