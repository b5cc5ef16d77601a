//! `cargo xtask codegen [--check]`, `cargo xtask openapi`, `cargo xtask docs diff|apply PAGE`,
//! `cargo xtask changelog FROM..TO [--write]`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen;

const USAGE: &str = "usage: cargo xtask codegen [--check] | openapi | docs diff PAGE | docs apply PAGE\n       cargo xtask changelog FROM..[TO] [--write]\n\n  codegen          regenerate every file generated from spec/ (openapi.json included)\n  openapi          write openapi.json (OpenAPI 3.1) from spec/\n  codegen --check  write nothing; fail naming each stale file\n  docs diff PAGE   what differs between a vendor page saved as text and spec/, a line each;\n                   exit 0 none, 1 some, 2 the page cannot be read\n  docs apply PAGE  write those differences into spec/ and store the page in tests/data/;\n                   then run `cargo xtask codegen`\n  changelog FROM..TO  the CHANGELOG.md entry for the spec's changes between two git\n                   revisions (TO empty: the working tree), each marked breaking or not,\n                   with the version bump; `--write` puts it into CHANGELOG.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["docs", "diff", page] => return docs_diff(Path::new(page)),
        ["docs", "apply", page] => return docs_apply(Path::new(page)),
        ["changelog", range] => return changelog(range, false),
        ["changelog", range, "--write"] | ["changelog", "--write", range] => return changelog(range, true),
        ["codegen"] => false,
        ["openapi"] => return openapi(),
        ["codegen", "--check"] => true,
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let root = codegen::workspace_root();
    let files = match codegen::generate(&root) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let result = if check { codegen::stale_files(&root, &files) } else { codegen::write(&root, &files) };
    match result {
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
        Ok(stale) if check && !stale.is_empty() => {
            eprintln!("{}", codegen::describe_stale(&stale));
            ExitCode::FAILURE
        }
        Ok(stale) => {
            let verb = if check { "checked" } else { "generated" };
            let changed = if check { String::new() } else { format!(", {} changed", stale.len()) };
            eprintln!("{verb} {} files{changed} in {:.2?}", files.len(), started.elapsed());
            ExitCode::SUCCESS
        }
    }
}

fn changelog(range: &str, write: bool) -> ExitCode {
    match xtask::changelog::run(&codegen::workspace_root(), range, write) {
        Ok((entry, bump)) => {
            print!("{entry}");
            if write {
                eprintln!("wrote the entry into {}", xtask::changelog::CHANGELOG_FILE);
            }
            // The one line scripts read (`.ci/semver`).
            eprintln!("verdict: {}", bump.verdict());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn openapi() -> ExitCode {
    let root = codegen::workspace_root();
    let document = xtask::spec::load_dir(&root.join("spec"))
        .map_err(|errors| errors.to_string())
        .and_then(|spec| xtask::emit::openapi(&spec));
    let path = root.join(codegen::OPENAPI_FILE);
    match document
        .and_then(|text| std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display())))
    {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn docs_diff(page: &Path) -> ExitCode {
    let root = codegen::workspace_root();
    match xtask::docs::diff(page, &root.join("spec")) {
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
        Ok(changes) if changes.is_empty() => {
            eprintln!("{}: the spec says what the page says", page.display());
            ExitCode::SUCCESS
        }
        Ok(changes) => {
            for change in &changes {
                println!("{change}");
            }
            eprintln!(
                "{} difference(s); `cargo xtask docs apply {}` writes them into spec/",
                changes.len(),
                page.display()
            );
            ExitCode::from(1)
        }
    }
}

fn docs_apply(page: &Path) -> ExitCode {
    let root = codegen::workspace_root();
    match xtask::docs::apply(page, &root.join("spec"), Some(&root)) {
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
        Ok(applied) => {
            for line in &applied.done {
                println!("applied: {line}");
            }
            for line in &applied.skipped {
                println!("left: {line}");
            }
            for file in &applied.files {
                eprintln!("wrote {}", file.strip_prefix(&root).unwrap_or(file).display());
            }
            eprintln!("next: `cargo xtask codegen`, review `git diff`, then `cargo test --workspace`");
            if applied.skipped.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
