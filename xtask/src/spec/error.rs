//! Spec errors, reported the way a compiler reports them: where (file, line and column
//! when known, JSON path), what is wrong, and what was expected.

use std::fmt;
use std::path::PathBuf;

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file, as given to the loader.
    pub file: PathBuf,
    /// JSON path of the offending value, e.g. `$.values[4].value`.
    pub path: String,
    /// 1-based line and column, when the parser knew them.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// What was expected instead.
    pub expected: Option<String>,
}

impl SpecError {
    /// A problem at `path` in `file`.
    pub fn new(file: impl Into<PathBuf>, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { file: file.into(), path: path.into(), position: None, message: message.into(), expected: None }
    }

    /// Adds what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Adds the line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        if line > 0 {
            self.position = Some((line, column));
        }
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, " at {}", self.path)?;
        if let Some(expected) = &self.expected {
            write!(f, "\n  = expected: {expected}")?;
        }
        Ok(())
    }
}

/// Every problem found in a spec; the loader reports them all at once rather than
/// making a maintainer fix them one run at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{error}")?;
        }
        let n = self.0.len();
        write!(f, "\n\n{n} error{} in the spec", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for SpecErrors {}
