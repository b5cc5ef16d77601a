//! Progress on stderr: records, total, rate, ETA. Only for a person watching: stdout
//! carries data alone, and a progress bar in a log file or a CI transcript is noise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Whether to draw: stderr is a terminal, the user did not ask for quiet, and the data
/// itself is not being printed to that terminal (the rows would fight the bar for the
/// same screen, and the rows already show the progress).
pub(crate) fn wanted(quiet: bool, stderr_is_terminal: bool, data_to_terminal: bool) -> bool {
    !quiet && stderr_is_terminal && !data_to_terminal
}

/// The decision for this process.
pub(crate) fn wanted_here(quiet: bool, writing_to_file: bool) -> bool {
    let data_to_terminal = !writing_to_file && std::io::stdout().is_terminal();
    wanted(quiet, std::io::stderr().is_terminal(), data_to_terminal)
}

/// The bar, or nothing: with no one to see it, an export does no progress work at all
/// per record (indicatif's hidden bar still reads the clock on every `inc`).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub(crate) fn new(enabled: bool) -> Self {
        if !enabled {
            return Self { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {human_pos} records  {rate}  {elapsed}") {
            bar.set_style(style.with_key("rate", write_rate));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Self { bar: Some(bar) }
    }

    /// Whether a bar is drawn.
    pub(crate) fn shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Switches to a bar once the first page tells how many records there are.
    pub(crate) fn set_total(&self, total: u64) {
        let Some(bar) = &self.bar else { return };
        if bar.length() == Some(total) {
            return;
        }
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {human_pos}/{human_len} records  {rate}  ETA {eta}") {
            bar.set_style(style.with_key("rate", write_rate));
        }
        bar.set_length(total);
    }

    pub(crate) fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

/// `{rate}`: records per second as a whole number. indicatif's own `{per_sec}` prints
/// four decimals (`812.3456/s`), false precision that also makes the line jitter.
fn write_rate(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = out.write_str(&rate(state.per_sec()));
}

fn rate(per_second: f64) -> String {
    // `as` saturates: NaN is 0 and infinity the largest u64, never a panic.
    format!("{}/s", per_second.round() as u64)
}

impl Drop for Progress {
    /// Cleared on every way out, so an error line never lands after a half-drawn bar.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{rate, wanted};

    #[test]
    fn rates_are_whole_numbers() {
        assert_eq!(rate(812.3456), "812/s");
        assert_eq!(rate(0.4), "0/s");
        assert_eq!(rate(f64::NAN), "0/s");
    }

    #[test]
    fn progress_only_for_a_person_watching_stderr() {
        assert!(wanted(false, true, false));
        assert!(!wanted(true, true, false), "quiet");
        assert!(!wanted(false, false, false), "stderr is a pipe or a file");
        assert!(!wanted(false, true, true), "the rows go to the same terminal");
    }
}
