//! `cargo xtask codegen [--check]`.

use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen;

const USAGE: &str = "usage: cargo xtask codegen [--check]\n\n  codegen          regenerate every file generated from spec/\n  codegen --check  write nothing; fail naming each stale file";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => false,
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
