//! An export cut short from outside: SIGTERM, SIGHUP or SIGINT mid-export (the temporary
//! file removed, exit 128 + the signal), and a reader that closes the pipe (exit 0, quietly).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use nxlink_mock::{Faults, MockServer, DEMO_TASK_ID};

use common::{against, entries, export_args, failure, nxlink, Mock};

/// Waits (bounded) for a `.partial` file to appear in `dir`.
#[track_caller]
fn wait_for_partial(dir: &Path, child: &mut std::process::Child) -> PathBuf {
    for _ in 0..3_000 {
        if let Some(name) = entries(dir).into_iter().find(|name| name.ends_with(".partial")) {
            return dir.join(name);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the export ended before its temporary file was seen: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no temporary file appeared in {}", dir.display());
}

#[track_caller]
fn signalled(child: std::process::Child, signal: rustix::process::Signal) -> (i32, String) {
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), signal).unwrap();
    let output = child.wait_with_output().unwrap();
    failure(&output)
}

#[test]
fn sigterm_sighup_and_sigint_mid_export_remove_the_temporary_file() {
    use rustix::process::Signal;
    // Every request waits far longer than the test: the export is surely mid-way,
    // its temporary file created and a request in flight, when the signal comes.
    let faults = Faults { latency: std::time::Duration::from_secs(600), ..Faults::none() };
    let mock = Mock::with(MockServer::builder().faults(faults));
    for (signal, code, name) in
        [(Signal::TERM, 143, "SIGTERM"), (Signal::HUP, 129, "SIGHUP"), (Signal::INT, 130, "SIGINT")]
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.csv");
        std::fs::write(&path, "previous export\n").unwrap();
        let mut child = against(&mock)
            .args(export_args("csv"))
            .arg("--output")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let partial = wait_for_partial(dir.path(), &mut child);
        let (exit, line) = signalled(child, signal);
        assert_eq!((exit, line.as_str()), (code, format!("error: interrupted ({name})").as_str()));
        assert!(!partial.exists(), "{name} left {}", partial.display());
        assert_eq!(entries(dir.path()), ["calls.csv"], "{name}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous export\n");
    }
}

#[test]
fn a_signal_while_stdout_is_not_read_still_exits_with_one_line() {
    // Megabytes of JSONL into a pipe nobody reads after the first line: the export
    // blocks in a write, where no await point can notice the signal.
    let mut child = nxlink()
        .args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    // Not reading stdout while waiting: the pipe stays full.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!((status.code(), stderr.as_str()), (Some(143), "error: interrupted (SIGTERM)\n"));
    drop(stdout);
}

// --- a reader that stops early ---------------------------------------------------------

#[test]
fn every_format_ends_quietly_when_the_reader_closes_the_pipe() {
    for format in ["table", "json", "jsonl", "csv"] {
        // Both commands write far more than a pipe and our buffer hold (over 170 kB),
        // so closing after one line surely makes a write fail with EPIPE.
        let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "1000", "--format", format];
        let export = ["calls", "export", "--task-id", DEMO_TASK_ID, "--format", format];
        for args in [&list[..], &export[..]] {
            let mut child =
                nxlink().arg("--demo").args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            let mut first = String::new();
            BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
            assert!(!first.is_empty(), "{args:?}");
            // The reader is gone (like `| head -1`).
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!((output.status.code(), stderr.as_ref()), (Some(0), ""), "{args:?}");
        }
    }
}
