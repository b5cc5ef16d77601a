//! SIGINT, SIGTERM and SIGHUP: stop the command, remove a partial `--output` file,
//! print one line and exit 128 + the signal's number (130, 143, 129), as shells do.
//!
//! A thread of our own waits for the signals (signal-hook), so a signal is seen even
//! while the command is busy. It hands the signal to the command's task (`received`),
//! which is dropped at its next await point: the partial file goes with it (dropping a
//! [`tempfile::TempPath`] deletes the file), and `main` reports and exits.
//!
//! A command can be stuck in a write that never returns (stdout or a FIFO whose reader
//! stopped reading) and then never reaches an await point. Such a command has no
//! temporary file (those are only made for regular files, whose writes finish), so
//! after a grace period the signal thread exits by itself, but only while no temporary
//! file is alive: [`TempFileGuard`] counts them under the same lock that the exit takes,
//! so the process never leaves one behind.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use tokio::sync::watch;

use crate::error::{CliError, Exit};

/// How long the signal thread lets the command unwind on its own before exiting for a
/// command blocked in a write. Long enough for a task to reach its next await point,
/// short enough that a person does not press Ctrl-C twice.
const GRACE: Duration = Duration::from_millis(500);

/// A signal that stops a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Ctrl-C.
    Interrupt,
    /// `kill`, a service manager stopping us.
    Terminate,
    /// The terminal went away.
    Hangup,
}

impl Signal {
    fn from_number(number: i32) -> Option<Self> {
        match number {
            SIGINT => Some(Self::Interrupt),
            SIGTERM => Some(Self::Terminate),
            SIGHUP => Some(Self::Hangup),
            _ => None,
        }
    }

    /// The name a person knows it by.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
            Self::Hangup => "SIGHUP",
        }
    }

    /// 128 + the signal's number, what a shell reports for a process it killed.
    pub(crate) fn exit(self) -> Exit {
        match self {
            Self::Interrupt => Exit::Interrupted,
            Self::Terminate => Exit::Terminated,
            Self::Hangup => Exit::HungUp,
        }
    }

    /// The error a command stopped by this signal ends with.
    pub(crate) fn error(self) -> CliError {
        CliError::new(self.exit(), format!("interrupted ({})", self.name()))
    }
}

/// What the signal thread and the output share.
struct State {
    /// Temporary `--output` files alive right now.
    temp_files: usize,
}

static STATE: Mutex<State> = Mutex::new(State { temp_files: 0 });

/// The first signal received, for the command's task to see.
static RECEIVED: OnceLock<watch::Sender<Option<Signal>>> = OnceLock::new();

fn state() -> MutexGuard<'static, State> {
    // A panic while holding the lock leaves a counter that is still right.
    STATE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts the signal thread. Before this, the signals keep their default action (the
/// process dies), which is right: nothing needs cleaning up yet.
pub(crate) fn install() -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let sender = RECEIVED.get_or_init(|| watch::channel(None).0);
    std::thread::Builder::new().name("nxlink-signals".into()).spawn(move || {
        let Some(signal) = signals.forever().find_map(Signal::from_number) else { return };
        sender.send_replace(Some(signal));
        loop {
            std::thread::sleep(GRACE);
            let state = state();
            if state.temp_files == 0 {
                // The command did not unwind (blocked in a write) and holds no file
                // to remove: exit here, still holding the lock, so no temporary file
                // can be created behind our back.
                exit_now(&signal.error(), state);
            }
        }
    })?;
    Ok(())
}

/// Resolves with the error of the first signal received; never, if none comes or the
/// signal thread is not running.
pub(crate) async fn received() -> CliError {
    if let Some(sender) = RECEIVED.get() {
        let mut receiver = sender.subscribe();
        let signal = receiver.wait_for(Option::is_some).await.ok().and_then(|signal| *signal);
        if let Some(signal) = signal {
            return signal.error();
        }
    }
    std::future::pending().await
}

/// The error of a signal received so far, for loops that may run long without an
/// await point that yields (records already fetched are ready at once).
pub(crate) fn check() -> Result<(), CliError> {
    match RECEIVED.get().and_then(|sender| *sender.borrow()) {
        Some(signal) => Err(signal.error()),
        None => Ok(()),
    }
}

/// Prints the error line and exits. The lock makes the line the only one, whichever of
/// the command and the signal thread gets here first.
pub(crate) fn exit_with(err: &CliError) -> ! {
    exit_now(err, state())
}

fn exit_now(err: &CliError, _state: MutexGuard<'_, State>) -> ! {
    eprintln!("error: {err}");
    std::process::exit(i32::from(err.exit.code()))
}

/// Counts a temporary `--output` file as alive from creation to removal or rename, so
/// the signal thread never exits while one is on disk.
#[derive(Debug)]
pub(crate) struct TempFileGuard {
    path: Option<Temp>,
}

/// What a [`TempFileGuard`] removes: a file, or a directory with all it holds (the
/// dataset of `--partition-by`).
#[derive(Debug)]
enum Temp {
    File(tempfile::TempPath),
    Dir(tempfile::TempDir),
}

impl TempFileGuard {
    /// Creates the temporary file with `create`, counted. Refused once a signal came,
    /// so no file is made that nobody would remove.
    pub(crate) fn create<T>(
        create: impl FnOnce() -> std::io::Result<(T, tempfile::TempPath)>,
    ) -> Result<(T, Self), CreateError> {
        let mut state = state();
        if let Some(signal) = RECEIVED.get().and_then(|sender| *sender.borrow()) {
            return Err(CreateError::Signalled(signal));
        }
        let (file, path) = create().map_err(CreateError::Io)?;
        state.temp_files += 1;
        Ok((file, Self { path: Some(Temp::File(path)) }))
    }

    /// Creates a temporary directory with `create`, counted like a file; returns its path.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn create_dir(
        create: impl FnOnce() -> std::io::Result<tempfile::TempDir>,
    ) -> Result<(std::path::PathBuf, Self), CreateError> {
        let mut state = state();
        if let Some(signal) = RECEIVED.get().and_then(|sender| *sender.borrow()) {
            return Err(CreateError::Signalled(signal));
        }
        let dir = create().map_err(CreateError::Io)?;
        state.temp_files += 1;
        Ok((dir.path().to_path_buf(), Self { path: Some(Temp::Dir(dir)) }))
    }

    /// The temporary file's path.
    #[cfg(test)]
    pub(crate) fn path(&self) -> Option<&std::path::Path> {
        match self.path.as_ref()? {
            Temp::File(path) => Some(path),
            Temp::Dir(dir) => Some(dir.path()),
        }
    }

    /// Renames the file to `target`; on failure the file is removed.
    pub(crate) fn persist(mut self, target: &std::path::Path) -> std::io::Result<()> {
        let mut state = state();
        let Some(path) = self.path.take() else { return Ok(()) };
        state.temp_files -= 1;
        match path {
            // On failure `PersistError` holds the TempPath; dropping it removes the file.
            Temp::File(path) => path.persist(target).map_err(|err| err.error),
            Temp::Dir(dir) => {
                let path = dir.keep();
                std::fs::rename(&path, target).inspect_err(|_| {
                    let _ = std::fs::remove_dir_all(&path);
                })
            }
        }
    }
}

impl Drop for TempFileGuard {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let mut state = state();
            drop(path); // removes the file, or the directory and what it holds
            state.temp_files -= 1;
        }
    }
}

/// Why [`TempFileGuard::create`] made no file.
#[derive(Debug)]
pub(crate) enum CreateError {
    /// A signal came first.
    Signalled(Signal),
    /// The file system refused.
    Io(std::io::Error),
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn each_signal_exits_128_plus_its_number_with_its_name() {
        for (number, code, name) in [(SIGINT, 130, "SIGINT"), (SIGTERM, 143, "SIGTERM"), (SIGHUP, 129, "SIGHUP")] {
            let signal = Signal::from_number(number).unwrap();
            assert_eq!(i32::from(signal.exit().code()), code);
            assert_eq!(i32::from(signal.exit().code()), 128 + number);
            assert_eq!(signal.error().to_string(), format!("interrupted ({name})"));
        }
        assert_eq!(Signal::from_number(signal_hook::consts::SIGUSR1), None);
    }

    #[test]
    fn a_guarded_temp_file_is_removed_on_drop_and_kept_by_persist() {
        let dir = tempfile::tempdir().unwrap();
        let make = || tempfile::NamedTempFile::new_in(dir.path()).map(tempfile::NamedTempFile::into_parts);
        let (_file, guard) = TempFileGuard::create(make).unwrap();
        let path = guard.path().unwrap().to_path_buf();
        assert!(path.exists());
        // Other tests count their files in the same counter: only ours is checked.
        assert!(state().temp_files >= 1);
        drop(guard);
        assert!(!path.exists(), "dropping the guard removes the file");

        let (_file, guard) = TempFileGuard::create(make).unwrap();
        guard.persist(&dir.path().join("done")).unwrap();
        assert!(dir.path().join("done").exists());
    }
}
