//! The vendor-page parser of `cargo xtask docs diff|apply` on arbitrary text: it parses
//! or says why not, never panics; and what it parses can be compared with the real spec
//! (the diff never panics either, whatever the tables hold).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match xtask::docs::page::parse(text) {
        Ok(page) => {
            let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
            if let Ok(spec) = xtask::spec::load_dir(&spec_dir) {
                let _ = xtask::docs::diff::diff(&spec, &page).map(|changes| changes.iter().map(ToString::to_string).count());
            }
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
});
