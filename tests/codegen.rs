//! The generator's output: fresh on disk, deterministic, compiled, and reviewed as a diff.
//!
//! Each generated file is kept once, as the Rust that `cargo xtask codegen` writes and
//! the build compiles; `checked_in_generated_files_are_fresh` compares it with fresh
//! generator output and fails with a unified diff of each stale file and the command that
//! accepts the change (as progenitor's `tests/output` crate with expectorate does). The
//! fixture spec (`tests/fixtures/spec`, which uses every construct) is kept the same way:
//! its models are the `nxlink-fixture-models` crate (`tests/fixture-models/src/generated/`,
//! built under `deny(warnings)`), its client a `#[cfg(test)]` module of `nxlink-client`
//! (`src/fixture_generated/`: `impl Client` blocks compile only there). A generator change
//! fails this test and `cargo xtask codegen --check` until `cargo xtask codegen` is run,
//! and shows in review as the diff that run makes.
//!
//! Why one checked-in copy rather than insta snapshots of the fixture output: beside the
//! compiled files they were a second copy of the same bytes, reviewed twice; as the only
//! copy, with a build script generating the crate into `OUT_DIR`, the client half could
//! not follow without making the generator (syn, quote, prettyplease) a build-dependency
//! of `nxlink-client`, code in `OUT_DIR` is out of sight of review and of the editor, and
//! a generator in mid-change would break the build of the crates that use the fixture
//! instead of failing one test. Insta keeps what is not compiled: the fixture's resolved
//! endpoints (`fixture_spec_resolved_endpoints_snapshot`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nxlink_tests::root;
use xtask::codegen::{self, Stale};
use xtask::emit;

#[test]
fn checked_in_generated_files_are_fresh() {
    let root = root();
    let files = codegen::generate(&root).unwrap();
    let stale = codegen::stale_files(&root, &files).unwrap();
    assert!(stale.is_empty(), "{}{}", diffs(&root, &files, &stale), codegen::describe_stale(&stale));
}

/// The lines of diff shown per stale file; `git diff` after regenerating shows the rest.
const DIFF_LINES: usize = 80;

/// Each outdated file as a unified diff from what is checked in to what the generator
/// writes, so a failure says what changed, not only where.
fn diffs(root: &Path, files: &BTreeMap<PathBuf, String>, stale: &[Stale]) -> String {
    let mut out = String::new();
    for item in stale {
        let Stale::Outdated(path) = item else { continue };
        let checked_in = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        let name = path.display();
        let diff = similar::TextDiff::from_lines(&checked_in, &files[path])
            .unified_diff()
            .context_radius(3)
            .header(&format!("{name} (checked in)"), &format!("{name} (generated)"))
            .to_string();
        let lines: Vec<&str> = diff.lines().collect();
        for line in lines.iter().take(DIFF_LINES) {
            out.push_str(line);
            out.push('\n');
        }
        if lines.len() > DIFF_LINES {
            out.push_str(&format!("... {} more lines of diff\n", lines.len() - DIFF_LINES));
        }
        out.push('\n');
    }
    out
}

#[test]
fn generation_is_byte_for_byte_deterministic() {
    let first = codegen::generate(&root()).unwrap();
    let second = codegen::generate(&root()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn every_generated_file_starts_with_the_do_not_edit_preamble() {
    for (path, contents) in codegen::generate(&root()).unwrap() {
        if path.extension().is_some_and(|e| e == "rs") {
            assert!(contents.starts_with(emit::PREAMBLE), "{} lacks the preamble", path.display());
        }
    }
}

#[test]
fn check_mode_names_stale_and_orphan_files_and_the_fix() {
    let root = root();
    let files = codegen::generate(&root).unwrap();
    let scratch = std::env::temp_dir().join(format!("nxlink-codegen-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    codegen::write(&scratch, &files).unwrap();
    assert!(codegen::stale_files(&scratch, &files).unwrap().is_empty());

    let edited = Path::new("crates/nxlink-models/src/generated/call_result.rs");
    std::fs::write(scratch.join(edited), "// edited by hand\n").unwrap();
    let orphan = Path::new("crates/nxlink-models/src/generated/removed_enum.rs");
    std::fs::write(scratch.join(orphan), "").unwrap();

    let stale = codegen::stale_files(&scratch, &files).unwrap();
    assert_eq!(stale, vec![Stale::Outdated(edited.to_path_buf()), Stale::Orphan(orphan.to_path_buf())]);
    let message = codegen::describe_stale(&stale);
    assert!(message.contains("crates/nxlink-models/src/generated/call_result.rs"), "{message}");
    assert!(message.contains("removed_enum.rs"), "{message}");
    assert!(message.contains("run `cargo xtask codegen`"), "{message}");

    // Writing repairs both, and a second write changes nothing.
    assert_eq!(codegen::write(&scratch, &files).unwrap().len(), 2);
    assert!(codegen::write(&scratch, &files).unwrap().is_empty());
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// The resolved form the emitters read, for the fixture spec: what each endpoint's
/// names resolved to. A change in resolution shows here before it shows in the code.
#[test]
fn fixture_spec_resolved_endpoints_snapshot() {
    use std::fmt::Write;
    use xtask::spec::resolve::{Constraint, Data, FlagKind};
    let spec = xtask::spec::load_dir(&root().join("tests/fixtures/spec")).unwrap_or_else(|errors| panic!("{errors}"));
    let mut out = String::new();
    for (name, e) in &spec.endpoints {
        let data = match &e.data {
            Data::Object(object) => format!("object {}", object.name),
            Data::None => "none".to_owned(),
            Data::Json => "json".to_owned(),
        };
        writeln!(
            out,
            "{name}: {} {} bizType={} action={} data={data}",
            e.method.as_str(),
            e.path,
            e.biz_type,
            e.action
        )
        .unwrap();
        writeln!(out, "  idempotent={} key={:?}", e.idempotent, e.idempotency_key.as_ref().map(|f| &f.wire)).unwrap();
        if let Some(p) = &e.pagination {
            writeln!(
                out,
                "  pages: {} / {} -> {} of {} in {}, id {} ({:?})",
                p.page_number.wire,
                p.page_size.wire,
                p.total.wire,
                p.item.name,
                p.list.wire,
                p.item_id.wire,
                p.item_id.ty
            )
            .unwrap();
        }
        for c in &e.constraints {
            let line = match c {
                Constraint::NotAfter { first, second } => format!("{} <= {}", first.wire, second.wire),
                Constraint::AtLeastOneOf(fields) => {
                    format!("one of {}", fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>().join(", "))
                }
                Constraint::OnlyWithGroup { field, enum_field, enum_file, group } => {
                    format!("{} only when {} ({}) is {group}", field.wire, enum_field.wire, enum_file.name)
                }
            };
            writeln!(out, "  constraint: {line}").unwrap();
        }
        for flag in &e.flags {
            let kind = match &flag.kind {
                FlagKind::Code(enum_file) => format!("code of {}", enum_file.name),
                other => format!("{other:?}"),
            };
            let only = flag.only_with.as_ref().map(|(field, codes)| format!(" only with {} {codes:?}", field.wire));
            writeln!(
                out,
                "  --{} ({}): {kind}{}{}",
                flag.long,
                flag.field.wire,
                if flag.is_end { " end" } else { "" },
                only.unwrap_or_default()
            )
            .unwrap();
        }
    }
    for (name, o) in &spec.objects {
        writeln!(out, "object {name}: {:?}", o.shape).unwrap();
    }
    for c in &spec.callbacks {
        let key: Vec<&str> = c.dedupe_fields.iter().map(|f| f.wire.as_str()).collect();
        writeln!(out, "callback {} ({}): key {}", c.name, c.payload, key.join(" + ")).unwrap();
    }
    insta::assert_snapshot!("fixture_resolved_endpoints", out);
}
