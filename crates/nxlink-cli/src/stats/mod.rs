//! `nxlink calls stats`: what a task's calls add up to (answer rate, outcomes by the
//! vendor's names, talk time, intents, calls per hour), gathered record by record in
//! memory that grows with the number of distinct intents and answered calls only.
//!
//! The definitions, from the spec's groups: a call is *finished* when its `callStatus`
//! is not in the `inProgress` group; *answered* when it is finished and its `callResult`
//! is in the `connected` group. The answer rate is answered / finished. Talk time is `callElapsed`
//! of answered calls. Calls per hour count `callStart` by hour of day, in UTC.

pub(crate) mod html;

use std::collections::{BTreeMap, HashMap};

use nxlink_models::{CallRecord, CallResult, CallStatus};
use serde::Serialize;

/// Intents listed by `--format table|json` and in the report.
pub(crate) const TOP_INTENTS: usize = 10;

/// The running totals.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    records: u64,
    finished: u64,
    answered: u64,
    status: BTreeMap<Option<i64>, u64>,
    result: BTreeMap<Option<i64>, u64>,
    talk: Vec<i64>,
    intents: HashMap<String, u64>,
    hours: [u64; 24],
    first_start: Option<i64>,
    last_start: Option<i64>,
}

impl Stats {
    /// Counts one record.
    pub(crate) fn add(&mut self, record: &CallRecord) {
        self.records += 1;
        *self.status.entry(record.call_status.map(CallStatus::code)).or_default() += 1;
        *self.result.entry(record.call_result.map(CallResult::code)).or_default() += 1;
        let finished = record.call_status.is_some_and(|s| !s.is_in_progress());
        let answered = finished && record.call_result.is_some_and(CallResult::is_connected);
        self.finished += u64::from(finished);
        if answered {
            self.answered += 1;
            if let Some(elapsed) = record.call_elapsed.filter(|e| *e >= 0) {
                self.talk.push(elapsed);
            }
        }
        if let Some(intent) = record.user_intent.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
            match self.intents.get_mut(intent) {
                Some(count) => *count += 1,
                None => {
                    self.intents.insert(intent.to_owned(), 1);
                }
            }
        }
        if let Some(start) = record.call_start.filter(|s| *s > 0) {
            // Hour of day in UTC; rem_euclid keeps it in 0..24 for any i64.
            let hour = usize::try_from(start.rem_euclid(86_400) / 3_600).unwrap_or(0);
            if let Some(slot) = self.hours.get_mut(hour) {
                *slot += 1;
            }
            self.first_start = Some(self.first_start.map_or(start, |f| f.min(start)));
            self.last_start = Some(self.last_start.map_or(start, |l| l.max(start)));
        }
    }

    /// The totals as a report.
    pub(crate) fn summary(mut self) -> Summary {
        self.talk.sort_unstable();
        let talk = &self.talk;
        let talk_time = TalkTime {
            calls: talk.len() as u64,
            p50: percentile(talk, 50),
            p90: percentile(talk, 90),
            p99: percentile(talk, 99),
            max: talk.last().copied(),
            mean: (!talk.is_empty()).then(|| talk.iter().map(|t| *t as f64).sum::<f64>() / talk.len() as f64),
        };
        let mut intents: Vec<Intent> =
            self.intents.into_iter().map(|(intent, records)| Intent { intent, records }).collect();
        intents.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.intent.cmp(&b.intent)));
        intents.truncate(TOP_INTENTS);
        Summary {
            records: self.records,
            finished: self.finished,
            answered: self.answered,
            answer_rate: (self.finished > 0).then(|| self.answered as f64 / self.finished as f64),
            by_status: counts(&self.status, |code| {
                let s = CallStatus::from_code(code);
                (s.name(), s.description())
            }),
            by_result: counts(&self.result, |code| {
                let r = CallResult::from_code(code);
                (r.name(), r.description())
            }),
            talk_time,
            top_intents: intents,
            per_hour_utc: self.hours,
            first_call_start: self.first_start,
            last_call_start: self.last_start,
        }
    }
}

/// The nearest-rank percentile of sorted `values`: the smallest value with at least
/// `p` percent of the values at or below it.
fn percentile(sorted: &[i64], p: u64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

fn counts(map: &BTreeMap<Option<i64>, u64>, names: impl Fn(i64) -> (&'static str, &'static str)) -> Vec<Count> {
    let mut out: Vec<Count> = map
        .iter()
        .map(|(code, records)| {
            let (name, description) = code.map_or(("None", "No value sent"), &names);
            Count { code: *code, name, description, records: *records }
        })
        .collect();
    out.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.code.cmp(&b.code)));
    out
}

/// What `--format json` prints; the table and the report show the same.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Summary {
    /// Records counted.
    pub(crate) records: u64,
    /// Records whose call has finished.
    pub(crate) finished: u64,
    /// Finished calls that were answered.
    pub(crate) answered: u64,
    /// answered / finished; `null` when nothing finished.
    pub(crate) answer_rate: Option<f64>,
    /// Records by `callStatus`, most first.
    pub(crate) by_status: Vec<Count>,
    /// Records by `callResult`, most first.
    pub(crate) by_result: Vec<Count>,
    /// `callElapsed` of answered calls, in seconds.
    pub(crate) talk_time: TalkTime,
    /// The most frequent `userIntent` values.
    pub(crate) top_intents: Vec<Intent>,
    /// Calls by the hour of day of `callStart`, in UTC: index 0 is 00:00-00:59.
    pub(crate) per_hour_utc: [u64; 24],
    /// The earliest `callStart` (Unix seconds).
    pub(crate) first_call_start: Option<i64>,
    /// The latest `callStart` (Unix seconds).
    pub(crate) last_call_start: Option<i64>,
}

/// Records with one code.
#[derive(Debug, Serialize)]
pub(crate) struct Count {
    /// The code; `null` for records without the field.
    pub(crate) code: Option<i64>,
    /// The variant's name (`Unknown` for a code newer than the spec).
    pub(crate) name: &'static str,
    /// The vendor's description.
    pub(crate) description: &'static str,
    /// How many.
    pub(crate) records: u64,
}

/// Talk-time percentiles, in seconds.
#[derive(Debug, Serialize)]
pub(crate) struct TalkTime {
    /// Answered calls with a duration.
    pub(crate) calls: u64,
    /// Median.
    pub(crate) p50: Option<i64>,
    /// 90th percentile.
    pub(crate) p90: Option<i64>,
    /// 99th percentile.
    pub(crate) p99: Option<i64>,
    /// Longest.
    pub(crate) max: Option<i64>,
    /// Mean.
    pub(crate) mean: Option<f64>,
}

/// One intent and its records.
#[derive(Debug, Serialize)]
pub(crate) struct Intent {
    /// The `userIntent` value, trimmed.
    pub(crate) intent: String,
    /// How many records carry it.
    pub(crate) records: u64,
}

impl Summary {
    /// The summary as aligned text.
    pub(crate) fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let rate = self.answer_rate.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0));
        let _ = writeln!(out, "records      {}", self.records);
        let _ = writeln!(out, "answer rate  {rate} ({} answered of {} finished calls)", self.answered, self.finished);
        let t = &self.talk_time;
        let secs = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v}s"));
        let _ = writeln!(
            out,
            "talk time    p50 {}  p90 {}  p99 {}  max {}  ({} answered calls)",
            secs(t.p50),
            secs(t.p90),
            secs(t.p99),
            secs(t.max),
            t.calls
        );
        for (title, rows) in [("CALL STATUS", &self.by_status), ("CALL RESULT", &self.by_result)] {
            let _ = writeln!(out, "\n{title:<34} {:>6} {:>9} {:>7}", "CODE", "RECORDS", "SHARE");
            for row in rows {
                let code = row.code.map_or_else(|| "-".to_owned(), |c| c.to_string());
                let _ = writeln!(out, "{:<34} {code:>6} {:>9} {:>7}", row.name, row.records, self.share(row.records));
            }
        }
        let _ = writeln!(out, "\n{:<41} {:>9} {:>7}", "TOP INTENTS", "RECORDS", "SHARE");
        for intent in &self.top_intents {
            let name: String = intent.intent.chars().take(40).collect();
            let _ = writeln!(out, "{name:<41} {:>9} {:>7}", intent.records, self.share(intent.records));
        }
        let _ = writeln!(out, "\nCALLS PER HOUR (UTC, by callStart)");
        let peak = self.per_hour_utc.iter().copied().max().unwrap_or(0).max(1);
        for (hour, calls) in self.per_hour_utc.iter().enumerate() {
            let width = usize::try_from(calls * 40 / peak).unwrap_or(40);
            let _ = writeln!(out, "{hour:02}:00 {calls:>9} {}", "#".repeat(width));
        }
        out
    }

    fn share(&self, records: u64) -> String {
        if self.records == 0 {
            return "-".into();
        }
        format!("{:.1}%", records as f64 * 100.0 / self.records as f64)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 90), Some(90));
        assert_eq!(percentile(&v, 99), Some(99));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[1, 2], 50), Some(1));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[], 50), None);
    }
}
