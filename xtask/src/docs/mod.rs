//! The maintainer's loop when the vendor's docs change: `cargo xtask docs diff PAGE`
//! says what differs between a vendor page (saved as text) and `spec/`, one line each;
//! `cargo xtask docs apply PAGE` writes those differences into `spec/` and stores the
//! page where the conformance test reads it.

pub mod apply;
pub mod diff;
pub mod page;

use std::path::{Path, PathBuf};

pub use apply::Applied;
pub use diff::Change;

/// What `docs diff` and `docs apply` report, with the exit code the command uses: 0
/// nothing differs (or all was applied), 1 differences, 2 the page or spec cannot be read.
#[derive(Debug)]
pub enum Outcome {
    /// The differences, in page order.
    Diff(Vec<Change>),
    /// What applying did.
    Applied(Applied),
}

/// An error with the exit code 2 and a message naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsError(pub String);

impl std::fmt::Display for DocsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn read(page_path: &Path, spec_dir: &Path) -> Result<(String, page::Page, crate::spec::Spec), DocsError> {
    let text = std::fs::read_to_string(page_path)
        .map_err(|err| DocsError(format!("cannot read {}: {err}", page_path.display())))?;
    let page =
        page::parse(&text).map_err(|err| DocsError(format!("{}: not a vendor page: {err}", page_path.display())))?;
    let spec = crate::spec::load_dir(spec_dir).map_err(|errors| DocsError(format!("{errors}")))?;
    Ok((text, page, spec))
}

/// The differences between the page at `page_path` and the spec in `spec_dir`.
pub fn diff(page_path: &Path, spec_dir: &Path) -> Result<Vec<Change>, DocsError> {
    let (_, page, spec) = read(page_path, spec_dir)?;
    diff::diff(&spec, &page).map_err(|err| DocsError(format!("{}: {err}", page_path.display())))
}

/// Where the conformance test keeps the page of an endpoint: `tests/data/` and the
/// endpoint's title in kebab case (`query-call-records.txt`).
pub fn stored_copy(root: &Path, summary: &str) -> PathBuf {
    let name: String = heck::ToKebabCase::to_kebab_case(summary);
    root.join("tests/data").join(format!("{name}.txt"))
}

/// Applies the page's differences to the spec in `spec_dir` and, when `root` is given,
/// stores the page as `tests/data/<endpoint>.txt` below it.
pub fn apply(page_path: &Path, spec_dir: &Path, root: Option<&Path>) -> Result<Applied, DocsError> {
    let (text, page, spec) = read(page_path, spec_dir)?;
    let changes = diff::diff(&spec, &page).map_err(|err| DocsError(format!("{}: {err}", page_path.display())))?;
    let mut applied = apply::apply(spec_dir, &spec, &changes).map_err(DocsError)?;
    if let Some(root) = root {
        let endpoint = diff::endpoint_of(&spec, &page).map_err(|err| DocsError(err.to_string()))?;
        let copy = stored_copy(root, &endpoint.summary);
        if std::fs::read_to_string(&copy).ok().as_deref() != Some(text.as_str()) {
            if let Some(folder) = copy.parent() {
                std::fs::create_dir_all(folder)
                    .map_err(|err| DocsError(format!("cannot create {}: {err}", folder.display())))?;
            }
            std::fs::write(&copy, &text).map_err(|err| DocsError(format!("cannot write {}: {err}", copy.display())))?;
            applied.files.push(copy);
        }
    }
    Ok(applied)
}
