//! What `cargo xtask codegen` writes, and the loop that writes it only when it changed
//! (or, with `--check`, names what is stale and writes nothing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::emit::{self, Settings};
use crate::spec;

/// The OpenAPI 3.1 document of the real spec, at the workspace root.
pub const OPENAPI_FILE: &str = "openapi.json";
const OPENAPI_SPEC: &str = "spec";

/// The command that brings generated files up to date.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// One generation target: a spec directory emitted into a `generated/` directory.
#[derive(Debug, Clone)]
pub struct Job {
    /// Spec directory, relative to the workspace root.
    pub spec_dir: PathBuf,
    /// Output directory, relative to the workspace root; the generator owns every `.rs`
    /// file in it.
    pub out_dir: PathBuf,
    /// What to emit.
    pub target: Target,
    /// Emitter settings.
    pub settings: Settings,
}

/// The two halves of the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Types, enums, requests and operation metadata (`nxlink-models`).
    Models,
    /// `Client` methods and request-builder setters (`nxlink-client`).
    Client,
    /// The flag tables of `nxlink api` and the commands built on it (`nxlink-cli`).
    Cli,
}

/// The targets of this workspace: the real spec into `nxlink-models` and
/// `nxlink-client`; the fixture spec into the crates that keep the generator's
/// snapshots compiling (`nxlink-fixture-models`, and a test-only module of
/// `nxlink-client`).
pub fn jobs() -> Vec<Job> {
    vec![
        Job {
            spec_dir: "spec".into(),
            out_dir: "crates/nxlink-models/src/generated".into(),
            target: Target::Models,
            settings: Settings::default(),
        },
        Job {
            spec_dir: "spec".into(),
            out_dir: "crates/nxlink-client/src/generated".into(),
            target: Target::Client,
            settings: Settings::default(),
        },
        Job {
            spec_dir: "spec".into(),
            out_dir: "crates/nxlink-cli/src/generated".into(),
            target: Target::Cli,
            settings: Settings::default(),
        },
        Job {
            spec_dir: "tests/fixtures/spec".into(),
            out_dir: "tests/fixture-models/src/generated".into(),
            target: Target::Models,
            settings: fixture_settings(),
        },
        Job {
            spec_dir: "tests/fixtures/spec".into(),
            out_dir: "crates/nxlink-client/src/fixture_generated".into(),
            target: Target::Client,
            settings: fixture_settings(),
        },
    ]
}

/// Settings for emitting the fixture spec outside `nxlink-models`.
pub fn fixture_settings() -> Settings {
    Settings::default()
        .with_runtime_path("::nxlink_models::runtime")
        .with_crate_name("nxlink_fixture_models")
        .with_models_path("::nxlink_fixture_models")
}

/// Every file the generator owns, by path relative to the workspace root.
pub fn generate(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut files = BTreeMap::new();
    let mut specs = BTreeMap::new();
    for job in jobs() {
        if !specs.contains_key(&job.spec_dir) {
            let spec = spec::load_dir(&root.join(&job.spec_dir)).map_err(|errors| errors.to_string())?;
            specs.insert(job.spec_dir.clone(), spec);
        }
        let spec = &specs[&job.spec_dir];
        let emitted = match job.target {
            Target::Models => emit::models(spec, &job.settings)?,
            Target::Client => emit::client(spec, &job.settings)?,
            Target::Cli => emit::cli(spec)?,
        };
        for (name, contents) in emitted {
            files.insert(job.out_dir.join(name), contents);
        }
    }
    files.insert(PathBuf::from("spec/spec.schema.json"), crate::spec_schema()?);
    if let Some(spec) = specs.get(Path::new(OPENAPI_SPEC)) {
        files.insert(PathBuf::from(OPENAPI_FILE), emit::openapi(spec)?);
    }
    Ok(files)
}

/// A difference between what the generator produces and what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file is missing or its contents differ.
    Outdated(PathBuf),
    /// The file is in a generated directory but the spec no longer produces it.
    Orphan(PathBuf),
}

/// Compares generated output with the files under `root`.
pub fn stale_files(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<Stale>, String> {
    let mut stale = Vec::new();
    for (path, contents) in files {
        // A file that cannot be read counts as stale: writing it is the fix.
        let current = std::fs::read_to_string(root.join(path)).ok();
        if current.as_deref() != Some(contents.as_str()) {
            stale.push(Stale::Outdated(path.clone()));
        }
    }
    for job in jobs() {
        let dir = root.join(&job.out_dir);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut orphans: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok())
            .map(|entry| job.out_dir.join(entry.file_name()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs") && !files.contains_key(path))
            .collect();
        orphans.sort();
        stale.extend(orphans.into_iter().map(Stale::Orphan));
    }
    Ok(stale)
}

/// Brings the files under `root` up to date; returns what it changed.
pub fn write(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<Stale>, String> {
    let stale = stale_files(root, files)?;
    for item in &stale {
        match item {
            Stale::Outdated(path) => {
                let full = root.join(path);
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
                }
                std::fs::write(&full, &files[path]).map_err(|err| format!("cannot write {}: {err}", full.display()))?;
            }
            Stale::Orphan(path) => {
                let full = root.join(path);
                std::fs::remove_file(&full).map_err(|err| format!("cannot remove {}: {err}", full.display()))?;
            }
        }
    }
    Ok(stale)
}

/// The message for stale files: each file, and the command that fixes them.
pub fn describe_stale(stale: &[Stale]) -> String {
    let mut out = String::from("generated files are out of date:\n");
    for item in stale {
        match item {
            Stale::Outdated(path) => out.push_str(&format!("  stale:  {}\n", path.display())),
            Stale::Orphan(path) => out.push_str(&format!("  orphan: {} (no longer generated)\n", path.display())),
        }
    }
    out.push_str(&format!("run `{FIX_COMMAND}` and commit the result"));
    out
}

/// The workspace root, from this crate's manifest directory.
///
/// Found from the `CARGO_MANIFEST_DIR` that cargo sets when it runs a binary or a test
/// (walking up to the `Cargo.toml` with a `[workspace]`), so a copied checkout that
/// shares a target directory checks itself, not the tree the binary was built in; the
/// value compiled in is the fallback when the binary runs outside cargo.
pub fn workspace_root() -> PathBuf {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR"));
    let start = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| compiled.to_path_buf());
    enclosing_workspace(&start)
        .or_else(|| enclosing_workspace(compiled))
        .unwrap_or_else(|| compiled.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")))
}

/// The nearest folder from `start` upwards whose `Cargo.toml` declares a workspace.
pub fn enclosing_workspace(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest.lines().any(|line| line.trim() == "[workspace]").then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_the_nearest_folder_declaring_one() {
        let dir = std::env::temp_dir().join(format!("nxlink-root-{}", std::process::id()));
        let member = dir.join("copy/crates/member");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(dir.join("copy/Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"member\"\n").unwrap();
        assert_eq!(enclosing_workspace(&member), Some(dir.join("copy")));
        assert_eq!(enclosing_workspace(&dir.join("copy")), Some(dir.join("copy")));
        std::fs::remove_dir_all(&dir).unwrap();
        // This checkout, from the directory cargo ran the test in.
        let here = workspace_root();
        assert!(here.join("spec/service.json").is_file(), "{}", here.display());
    }
}
