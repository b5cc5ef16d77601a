//! `--output` on each kind of path (a new or existing file, symlinks, FIFOs, devices,
//! `/dev/stdout`), and the output errors that must not pass silently.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use nxlink_mock::DEMO_TASK_ID;
use nxlink_models::CallRecord;

use common::{against, assert_complete_jsonl, assert_ok, entries, export_args, export_to, failure, nxlink, run, Mock};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_new_output_file_is_private_complete_and_reported() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let stderr = export_to(&mock, &path);
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
    assert_eq!(mode(&path), 0o600, "exports hold phone numbers: new files are 0600");
    assert_eq!(stderr, format!("wrote {} records to {}\n", mock.expected().len(), path.display()));
    assert_eq!(entries(dir.path()), ["calls.jsonl"]);

    // -q: nothing on stderr.
    let output = run(against(&mock).arg("-q").args(export_args("csv")).arg("-o").arg(&path));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn an_existing_file_keeps_its_mode() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for wanted in [0o644, 0o640] {
        let path = dir.path().join(format!("calls-{wanted:o}.jsonl"));
        std::fs::write(&path, "previous export\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(wanted)).unwrap();
        export_to(&mock, &path);
        assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
        assert_eq!(mode(&path), wanted, "{}", path.display());
    }
    assert_eq!(entries(dir.path()), ["calls-640.jsonl", "calls-644.jsonl"]);
}

#[test]
fn a_symlink_is_followed_and_stays_a_link() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let target = data.join("calls.jsonl");
    std::fs::write(&target, "previous export\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    // A chain of two links, the first relative, as `ln -s` makes them.
    let middle = dir.path().join("middle");
    std::os::unix::fs::symlink(&target, &middle).unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink("middle", &link).unwrap();

    let stderr = export_to(&mock, &link);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("middle"));
    assert!(std::fs::symlink_metadata(&middle).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&target).unwrap());
    assert_eq!(mode(&target), 0o644);
    assert!(stderr.ends_with(&format!("records to {}\n", link.display())), "{stderr}");
    assert_eq!(entries(dir.path()), ["data", "latest.jsonl", "middle"]);
    assert_eq!(entries(&data), ["calls.jsonl"]);

    // A dangling link: the file it names is created; the link stays.
    let dangling = dir.path().join("next.jsonl");
    std::os::unix::fs::symlink("data/next-target.jsonl", &dangling).unwrap();
    export_to(&mock, &dangling);
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(data.join("next-target.jsonl")).unwrap());
}

#[test]
fn a_link_loop_is_refused_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink("b", &a).unwrap();
    std::os::unix::fs::symlink("a", &b).unwrap();
    let output = run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-o"]).arg(&a));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains(&a.display().to_string()) && line.contains("symbolic links"), "{line}");
}

fn mkfifo(path: &Path) {
    rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
}

#[test]
fn a_fifo_is_written_in_place_for_its_reader() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    export_to(&mock, &fifo);
    assert_complete_jsonl(&mock, &reader.join().unwrap());
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    assert_eq!(entries(dir.path()), ["calls.fifo"], "a temporary file was made");
}

#[test]
fn a_fifo_whose_reader_stops_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        // One line, then the reader closes its end.
        std::thread::spawn(move || BufReader::new(std::fs::File::open(fifo).unwrap()).lines().next())
    };
    let output =
        run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-f", "csv", "-o"]).arg(&fifo));
    let first = reader.join().unwrap().unwrap().unwrap();
    assert!(first.starts_with(&format!("{},", CallRecord::FIELDS[0])), "the CSV header: {first}");
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn dev_null_is_opened_for_writing_and_stays_a_device() {
    let mock = Mock::start();
    export_to(&mock, Path::new("/dev/null"));
    assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
    assert_eq!(mode(Path::new("/dev/null")) & 0o666, 0o666);
}

#[test]
fn dev_stdout_writes_to_standard_output() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("jsonl")).args(["--output", "/dev/stdout"]));
    assert_ok(&output);
    assert_complete_jsonl(&mock, &String::from_utf8(output.stdout).unwrap());
}

/// `nxlink ... -o /dev/stdout >> FILE`: the shell opened FILE to append, so what was in
/// it stays and the export follows; `> FILE` (truncated by the shell) holds the export
/// alone. Opening `/dev/stdout` again must keep the shell's choice.
#[test]
fn dev_stdout_redirected_to_a_file_keeps_the_shells_append_or_truncate() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for append in [true, false] {
        let file = dir.path().join(format!("out-{append}.jsonl"));
        std::fs::write(&file, "kept line\n").unwrap();
        let handle = std::fs::OpenOptions::new().append(append).write(true).truncate(!append).open(&file).unwrap();
        let output = against(&mock)
            .args(export_args("jsonl"))
            .args(["--output", "/dev/stdout"])
            .stdout(handle)
            .output()
            .unwrap();
        assert_ok(&output);
        let text = std::fs::read_to_string(&file).unwrap();
        let records = if append {
            text.strip_prefix("kept line\n")
                .unwrap_or_else(|| panic!(">> lost what was there: {:?}", &text[..40.min(text.len())]))
        } else {
            assert!(!text.contains("kept line"), "> truncates");
            &text
        };
        assert_complete_jsonl(&mock, records);
    }
}

#[test]
fn a_bare_descriptor_number_inside_proc_self_fd_writes_to_that_descriptor() {
    // `cd /proc/self/fd; nxlink ... -o 1`: the path has no directory part, and the
    // current directory is the one that says it is a descriptor, not a file.
    let mock = Mock::start();
    let mut command = against(&mock);
    command.args(export_args("jsonl")).args(["--output", "1"]).current_dir("/proc/self/fd");
    let output = run(&mut command);
    assert_ok(&output);
    assert_complete_jsonl(&mock, &String::from_utf8(output.stdout).unwrap());
}

#[test]
fn a_character_device_made_with_mknod_stays_a_device() {
    if !rustix::process::geteuid().is_root() {
        println!("skipped: making a character device (mknod) needs root");
        return;
    }
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null-device");
    // Major 1, minor 3: the same device as /dev/null.
    let (file_type, mode) = (rustix::fs::FileType::CharacterDevice, rustix::fs::Mode::from_raw_mode(0o666));
    if let Err(err) = rustix::fs::mknodat(rustix::fs::CWD, &device, file_type, mode, rustix::fs::makedev(1, 3)) {
        println!("skipped: mknod refused here ({err}), e.g. in a container without the capability");
        return;
    }
    if let Err(err) = std::fs::OpenOptions::new().write(true).open(&device) {
        println!("skipped: the device cannot be opened here ({err}), e.g. a nodev mount");
        return;
    }
    export_to(&mock, &device);
    assert!(std::fs::symlink_metadata(&device).unwrap().file_type().is_char_device(), "the device was replaced");
    assert_eq!(entries(dir.path()), ["null-device"]);
}

// --- output errors that must not pass silently ------------------------------------------

#[test]
fn a_device_that_refuses_the_bytes_is_an_error_not_a_closed_pipe() {
    // /dev/full fails every write with ENOSPC. One record fits the output buffer, so
    // the failure shows only when the buffer is flushed at the end.
    let mock = Mock::start();
    for extra in [&["--limit", "1"][..], &[][..]] {
        let output = run(against(&mock).args(export_args("jsonl")).args(extra).args(["--output", "/dev/full"]));
        let (code, line) = failure(&output);
        assert_eq!(code, 1, "{line}");
        assert!(line.contains("/dev/full") && line.to_lowercase().contains("no space"), "{line}");
    }
}

#[test]
fn a_relative_output_path_is_written_in_the_current_directory() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let output =
        run(against(&mock).current_dir(dir.path()).args(export_args("jsonl")).args(["--output", "calls.jsonl"]));
    assert_ok(&output);
    assert_eq!(entries(dir.path()), ["calls.jsonl"]);
    assert_complete_jsonl(&mock, &std::fs::read_to_string(dir.path().join("calls.jsonl")).unwrap());
}

#[test]
fn a_path_that_cannot_be_looked_at_is_an_error_naming_it() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    // A path through a regular file: not "not found", but "not a directory".
    let through = file.join("calls.jsonl");
    let output = run(against(&mock).args(export_args("jsonl")).arg("--output").arg(&through));
    let (code, line) = failure(&output);
    assert_eq!(code, 1, "{line}");
    assert!(line.contains("cannot look at"), "{line}");
    assert!(mock.server.requests().is_empty(), "the output is checked before anything is sent");
}

#[test]
fn an_existing_file_keeps_its_owner_when_we_may_set_it() {
    use std::os::unix::fs::MetadataExt;
    if !rustix::process::geteuid().is_root() {
        println!("skipped: giving a file to another user needs root");
        return;
    }
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    std::fs::write(&path, "old").unwrap();
    std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
    export_to(&mock, &path);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321), "the replaced file's owner is kept");
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
}
