//! A vendor page saved as text (the layout of `tests/data/query-call-records.txt`):
//! the endpoint's URL, then headings each followed by a table.
//!
//! Forgiving of layout: blank lines anywhere, extra spaces, cells one per line (`| a |`
//! opens a row, `b |` continues it) or a whole row on one line (`| a | b |`), markdown
//! separator rows, emoji or other marks before a heading. Strict about facts: a page
//! without an endpoint URL or without a table is refused, naming the line and what was
//! expected.

use std::fmt;

/// A parsed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The path of the endpoint URL, e.g. `/openapi/aiagent/call/list`.
    pub path: String,
    /// 1-based line of the URL.
    pub path_line: usize,
    /// The tables, in page order.
    pub tables: Vec<Table>,
}

/// A table and the heading above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The heading, without leading marks (`🌐 Service Endpoints` -> `Service Endpoints`).
    pub heading: String,
    /// The header row's cells.
    pub header: Vec<String>,
    /// The data rows.
    pub rows: Vec<Row>,
}

/// A data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line where the row starts.
    pub line: usize,
    /// The cells, trimmed.
    pub cells: Vec<String>,
}

impl Row {
    /// Cell `index`, or `""` when the row is short.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }
}

/// Why a text is not a vendor page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// 1-based line the problem is at (0 for the whole text).
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: String,
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}; expected {}", self.line, self.message, self.expected)
    }
}

impl std::error::Error for PageError {}

impl Page {
    /// The first table whose heading contains `words` (ASCII case ignored).
    pub fn table(&self, words: &str) -> Option<&Table> {
        let words = words.to_ascii_lowercase();
        self.tables.iter().find(|t| t.heading.to_ascii_lowercase().contains(&words))
    }
}

/// Strips marks (emoji, `#`, bullets) before a heading.
fn heading_text(line: &str) -> String {
    line.trim().trim_start_matches(|c: char| !c.is_alphanumeric()).trim().to_owned()
}

/// Parses `text` as a vendor page.
pub fn parse(text: &str) -> Result<Page, PageError> {
    if text.trim().is_empty() {
        return Err(PageError {
            line: 0,
            message: "the text is empty".into(),
            expected: "a vendor page saved as text".into(),
        });
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype") {
        let line = text
            .lines()
            .position(|l| l.to_ascii_lowercase().contains("<html") || l.to_ascii_lowercase().contains("<!doctype"))
            .map_or(1, |i| i + 1);
        return Err(PageError {
            line,
            message: "an HTML page, not a vendor page saved as text".into(),
            expected: "the page's text (select all, copy, paste into a file), not its HTML".into(),
        });
    }
    let mut path = None;
    let mut tables: Vec<Table> = Vec::new();
    let mut heading = String::new();
    // The table being read: its rows, header first.
    let mut current: Option<(String, Vec<Row>)> = None;
    let finish = |current: &mut Option<(String, Vec<Row>)>, tables: &mut Vec<Table>| {
        if let Some((heading, mut rows)) = current.take() {
            if rows.is_empty() {
                return;
            }
            let header = rows.remove(0).cells;
            tables.push(Table { heading, header, rows });
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if path.is_none() {
            if let Some(at) = line.find("://") {
                let rest = &line[at + 3..];
                if let Some(slash) = rest.find('/') {
                    let candidate = rest[slash..].split(|c: char| c.is_whitespace() || c == '?').next().unwrap_or("");
                    if candidate.starts_with("/openapi/") {
                        path = Some((candidate.trim_end_matches('/').to_owned(), number));
                        continue;
                    }
                }
            }
        }
        let starts = line.starts_with('|');
        let ends = line.ends_with('|') && line.len() > 1 || line == "|";
        if starts || (ends && current.is_some()) {
            let separator = line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
            if separator {
                continue;
            }
            let inner = line.trim_start_matches('|');
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
            let table = current.get_or_insert_with(|| (heading.clone(), Vec::new()));
            match (starts, table.1.last_mut()) {
                (false, Some(row)) => row.cells.extend(cells),
                _ => table.1.push(Row { line: number, cells }),
            }
            continue;
        }
        finish(&mut current, &mut tables);
        // Prose between a heading and its table (a sentence, a long line) is not a
        // heading: the table keeps the heading above it.
        let prose = line.ends_with('.') || line.ends_with(':') || line.chars().count() > 80;
        if !prose {
            heading = heading_text(line);
        }
    }
    finish(&mut current, &mut tables);
    let Some((path, path_line)) = path else {
        return Err(PageError {
            line: 1,
            message: "no endpoint URL".into(),
            expected: "a line with the endpoint's URL, such as https://api-hk.nxlink.ai/openapi/aiagent/call/list"
                .into(),
        });
    };
    if tables.is_empty() {
        return Err(PageError {
            line: path_line,
            message: "no table after the URL".into(),
            expected: "tables of `| cell |` rows under headings such as `Body Parameters`".into(),
        });
    }
    Ok(Page { path, path_line, tables })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cells_one_per_line_or_a_row_per_line_read_the_same() {
        let split = "T\nhttps://x.invalid/openapi/a/b\n\n🌐 Codes\nSome prose about the codes below.\n| Code |\nDescription |\n| 1 |\n\nOne |\n";
        let joined =
            "T\n  https://x.invalid/openapi/a/b  \n## Codes\n| Code | Description |\n|---|---|\n|  1 |   One   |\n";
        for text in [split, joined] {
            let page = parse(text).unwrap();
            assert_eq!(page.path, "/openapi/a/b");
            let table = page.table("codes").unwrap();
            assert_eq!(table.heading, "Codes");
            assert_eq!(table.header, ["Code", "Description"]);
            assert_eq!(table.rows[0].cells, ["1", "One"], "{text}");
        }
    }

    #[test]
    fn text_that_is_not_a_page_names_what_is_missing() {
        assert_eq!(parse("").unwrap_err().message, "the text is empty");
        let err = parse("<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>").unwrap_err();
        assert!(err.message.contains("HTML"), "{err}");
        let err = parse("lorem ipsum\ndolor sit amet").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (1, "no endpoint URL"));
        let err = parse("x\nhttps://h.invalid/openapi/a\nno tables here").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (2, "no table after the URL"));
    }
}
