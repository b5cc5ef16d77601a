//! The spec loader on arbitrary text: one file of the real `spec/` is replaced by the
//! input (or the input is added as one more file), and `xtask::spec::load_sources` must
//! return `Ok` or `Err(SpecErrors)` without panicking. Errors are rendered too (the
//! compiler-style report slices the source text by line and column). When the result
//! still validates, the emitters run on it, since validation promises names are valid
//! Rust and the emitters rely on that.
//!
//! Input layout: first byte = which file to replace (modulo the number of spec files
//! plus one; the last slot adds a new file), the rest = the file's text (lossy UTF-8).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xtask::emit::{self, Settings};
use xtask::spec::load_sources;

fn real_spec() -> &'static [(PathBuf, String)] {
    static SPEC: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no spec files under {}", dir.display());
        files
    })
}

fn collect(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).expect("read spec dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else if path.extension().is_some_and(|e| e == "json") && !path.ends_with("spec.schema.json") {
            let text = std::fs::read_to_string(&path).expect("read spec file");
            out.push((path.strip_prefix(base).expect("under base").to_path_buf(), text));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(text).into_owned();
    let mut sources = real_spec().to_vec();
    let slot = usize::from(selector) % (sources.len() + 1);
    if slot == sources.len() {
        sources.push((PathBuf::from("objects/fuzz.json"), text));
    } else {
        sources[slot].1 = text;
    }
    match load_sources(sources) {
        Ok(spec) => {
            let _ = emit::models(&spec, &Settings::default());
            let _ = emit::client(&spec, &Settings::default());
        }
        Err(errors) => {
            let _ = errors.to_string();
        }
    }
});
