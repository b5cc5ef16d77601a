//! `nxlink completions` and `nxlink man`: written from the same clap definition that
//! parses the arguments, so a flag the spec adds is completed and documented with no
//! change here.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::args::Cli;
use crate::error::CliError;

pub(super) fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "nxlink", &mut out);
    write_stdout(&out)
}

/// The manual page of `nxlink` on standard output; with `dir`, one page per command
/// written there (`nxlink-calls-export.1`), so `man` shows every flag of every command.
pub(super) fn man(dir: Option<&Path>) -> Result<(), CliError> {
    let Some(dir) = dir else {
        return write_stdout(&page(Cli::command())?);
    };
    let mut pages = Vec::new();
    collect(Cli::command(), "nxlink", &mut pages);
    for (name, command) in pages {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page(command)?)
            .map_err(|err| CliError::local(format!("cannot write {}: {err}", path.display())))?;
    }
    Ok(())
}

/// Every command below `command`, with its page name (`nxlink-calls-export`).
fn collect(command: clap::Command, name: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect(sub.clone(), &format!("{name}-{}", sub.get_name()), out);
    }
    out.push((name.to_owned(), command.name(name.to_owned())));
}

fn page(command: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|err| CliError::local(format!("cannot render the manual page: {err}")))?;
    Ok(out)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::local(format!("cannot write to standard output: {err}")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_that_names_every_top_level_command() {
        let commands: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect();
        assert!(commands.len() > 5, "{commands:?}");
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
        ] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "nxlink", &mut out);
            let text = String::from_utf8(out).unwrap();
            for command in &commands {
                assert!(text.contains(command.as_str()), "{shell:?} script lacks `{command}`");
            }
            // Generated flags are completed too.
            assert!(text.contains("page-size"), "{shell:?} script lacks --page-size");
        }
    }

    #[test]
    fn a_page_per_command_down_to_the_generated_flags() {
        let mut pages = Vec::new();
        collect(Cli::command(), "nxlink", &mut pages);
        let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"nxlink") && names.contains(&"nxlink-calls-export"), "{names:?}");
        let (_, export) = pages.into_iter().find(|(name, _)| name == "nxlink-calls-export").unwrap();
        let text = String::from_utf8(page(export).unwrap()).unwrap();
        assert!(text.contains(".TH nxlink-calls-export"), "{}", &text[..200]);
        assert!(text.contains("page\\-size"), "the generated --page-size flag is documented");
    }

    #[test]
    fn the_manual_page_is_roff_with_every_command() {
        let mut out = Vec::new();
        clap_mangen::Man::new(Cli::command()).render(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH nxlink"), "{}", &text[..200.min(text.len())]);
        for command in Cli::command().get_subcommands().map(|c| c.get_name().to_owned()) {
            assert!(text.contains(&command), "man page lacks `{command}`");
        }
    }
}
