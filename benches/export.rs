//! `nxlink-bench-export`: one timed export through the client's record stream, against
//! an `nxlink-mock` running in another process (so the server's CPU is not counted).
//!
//! ```sh
//! nxlink-bench-export --base-url http://127.0.0.1:PORT --task-id ID \
//!     --page-size 100 --concurrency 8 --limit 200000
//! ```
//!
//! Prints one line of `key=value` pairs: records, pages, wall seconds, and the user and
//! system CPU seconds of this whole process (every runtime thread) across the export,
//! from `getrusage(RUSAGE_SELF)` taken just before the client is built and just after
//! the stream is dropped. `benches/run_export.sh` drives it and makes the table.

// `getrusage` is the only way to the process's CPU time; two calls, below.
#![allow(unsafe_code)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use nxlink_benches::mirrors::{same_reader, BorrowedEnvelope, StrictEnvelope};
use nxlink_client::{Client, Credentials};

struct Args {
    base_url: String,
    task_id: String,
    page_size: i32,
    concurrency: usize,
    limit: u64,
    /// `--decode-floor N`: instead of exporting, fetch one page and decode it N times.
    decode_floor: u64,
    /// `--write-floor N`: instead of exporting, fetch one page, then N times decode it
    /// with a plain derive and write its records out as JSON lines.
    write_floor: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        base_url: String::new(),
        task_id: nxlink_mock::DEMO_TASK_ID.to_owned(),
        page_size: 100,
        concurrency: 4,
        limit: 200_000,
        decode_floor: 0,
        write_floor: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|err| format!("{flag} {v}: {err}"));
        match flag.as_str() {
            "--base-url" => args.base_url = value,
            "--task-id" => args.task_id = value,
            "--page-size" => args.page_size = i32::try_from(number(&value)?).map_err(|err| err.to_string())?,
            "--concurrency" => args.concurrency = usize::try_from(number(&value)?).map_err(|err| err.to_string())?,
            "--limit" => args.limit = number(&value)?,
            "--decode-floor" => args.decode_floor = number(&value)?,
            "--write-floor" => args.write_floor = number(&value)?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.base_url.is_empty() {
        return Err("--base-url is required".to_owned());
    }
    Ok(args)
}

/// User and system CPU time of the whole process so far.
fn cpu_times() -> (Duration, Duration) {
    // SAFETY: `rusage` is plain old data for which all-zero bytes are a valid value,
    // and `getrusage` only writes into the struct we pass it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a live `rusage`; RUSAGE_SELF is always supported.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return (Duration::ZERO, Duration::ZERO);
    }
    let duration = |tv: libc::timeval| {
        Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
    };
    (duration(usage.ru_utime), duration(usage.ru_stime))
}

async fn export(args: &Args) -> Result<String, Box<dyn std::error::Error>> {
    let (user0, sys0) = cpu_times();
    let started = Instant::now();
    let client = Client::builder()
        .base_url(args.base_url.clone())
        .credentials(Credentials::new(nxlink_mock::DEMO_ACCESS_KEY, nxlink_mock::DEMO_ACCESS_SECRET))
        .concurrency(args.concurrency)
        .build()?;
    let mut records = client.query_call_records(&args.task_id).page_size(args.page_size).records();
    let mut count = 0_u64;
    let mut checksum = 0_i64;
    while count < args.limit {
        let Some(record) = records.try_next().await? else { break };
        // Touch each record so nothing is optimised away.
        checksum = checksum.wrapping_add(record.id.unwrap_or(0));
        count += 1;
    }
    let stats = records.stats();
    drop(records);
    let wall = started.elapsed();
    let (user1, sys1) = cpu_times();
    Ok(format!(
        "records={count} pages={} refetched={} duplicates={} peak_in_flight={} wall_s={:.4} user_s={:.4} sys_s={:.4} checksum={checksum}",
        stats.pages,
        stats.pages_refetched,
        stats.duplicates_skipped,
        stats.peak_in_flight,
        wall.as_secs_f64(),
        (user1 - user0).as_secs_f64(),
        (sys1 - sys0).as_secs_f64(),
    ))
}

/// The body of the task's first page of `--page-size` records, as the mock sends it.
async fn first_page(args: &Args) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use nxlink_auth::{Clock, Signer, SystemClock};
    let body = format!(r#"{{"taskId":"{}","pageNumber":1,"pageSize":{}}}"#, args.task_id, args.page_size);
    let signer = Signer::new(Credentials::new(nxlink_mock::DEMO_ACCESS_KEY, nxlink_mock::DEMO_ACCESS_SECRET));
    let signed = signer.sign("100", "nxai", SystemClock.now_millis(), body.as_bytes());
    let mut request = reqwest::Client::new()
        .post(format!("{}/openapi/aiagent/call/list", args.base_url))
        .header("Content-Type", "application/json");
    for (name, value) in &signed {
        request = request.header(name, value);
    }
    Ok(request.body(body).send().await?.bytes().await?.to_vec())
}

/// The floor of an export that writes JSON lines: one real page decoded with
/// `serde_json::from_slice` into a plain owned derive (strict: the clean page only),
/// and each record written back with serde's derive as one JSON line (serialized into a
/// reused buffer, then one write) into a 64 KiB `BufWriter` on `/dev/null`, as
/// `nxlink calls export` writes its stdout to a pipe or file; `--write-floor N` times. No HTTP, no paging, no lenient decoding, nothing kept
/// of how the server spelt a field: the least any owned-type export can spend on the
/// same bytes. Prints user CPU µs per record of the whole (`floor_us`), of the decode
/// alone (`parse_us`), and the bytes written per page (the CLI's JSON lines for the
/// same page have as many).
async fn write_floor(args: &Args) -> Result<String, Box<dyn std::error::Error>> {
    use std::io::Write;
    let bytes = first_page(args).await?;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::fs::File::create("/dev/null")?);
    let mut counter = Counter::default();
    // Each record serialized into a reused buffer, then written in one call: serde_json
    // writing token by token through a `dyn Write` would cost more than the decode.
    let mut line = Vec::new();
    let mut write_page = |body: &[u8], out: &mut dyn Write| -> Result<usize, Box<dyn std::error::Error>> {
        let page: StrictEnvelope = serde_json::from_slice(body)?;
        let list = page.data.map(|data| data.list).unwrap_or_default();
        for record in &list {
            line.clear();
            serde_json::to_writer(&mut line, record)?;
            line.push(b'\n');
            out.write_all(&line)?;
        }
        Ok(list.len())
    };
    let per_page = write_page(&bytes, &mut counter)?;
    let line_bytes = counter.0;
    let rounds = args.write_floor;
    let (user0, _) = cpu_times();
    let mut records = 0;
    for _ in 0..rounds {
        records += write_page(&bytes, &mut out)?;
    }
    out.flush()?;
    let (user1, _) = cpu_times();
    let mut parsed = 0;
    for _ in 0..rounds {
        let page: StrictEnvelope = serde_json::from_slice(&bytes)?;
        parsed += page.data.map_or(0, |data| data.list.len());
    }
    let (user2, _) = cpu_times();
    let per_record = |from: Duration, to: Duration, n: usize| (to - from).as_secs_f64() * 1e6 / n.max(1) as f64;
    Ok(format!(
        "records_per_page={per_page} line_bytes_per_page={line_bytes} records={records} floor_us={:.3} parse_us={:.3}",
        per_record(user0, user1, records),
        per_record(user1, user2, parsed),
    ))
}

/// A writer that counts the bytes and drops them.
#[derive(Default)]
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where the client's CPU per record goes, on one real page body from the mock: the
/// lenient typed decode the client does; a strict derive read with
/// `serde_json::from_slice` (what a user's own code would do); a derive borrowing
/// every string (no allocation: the floor of a typed serde decode); an untyped
/// `serde_json::Value` decode; and the parse alone (`IgnoredAny`): user CPU µs per
/// record each. Each decoder runs once untimed first, so none pays for a cold cache.
async fn decode_floor(args: &Args) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = first_page(args).await?;
    let page: nxlink_models::Envelope<nxlink_models::CallRecordPage> = nxlink_models::decode(&bytes)?;
    let per_page = page.data.map_or(0, |data| data.list.len()) as f64;
    let rounds = args.decode_floor;
    let measure = |decode: &dyn Fn(&[u8]) -> usize| {
        let mut sink = decode(&bytes);
        let (user0, _) = cpu_times();
        for _ in 0..rounds {
            sink += decode(&bytes);
        }
        let (user1, _) = cpu_times();
        ((user1 - user0).as_secs_f64() * 1e6 / (rounds as f64 * per_page), sink)
    };
    let (lenient, a) = measure(&|b| {
        nxlink_models::decode::<nxlink_models::Envelope<nxlink_models::CallRecordPage>>(b)
            .map_or(0, |e| e.data.map_or(0, |d| d.list.len()))
    });
    let (value, b) = measure(&|b| serde_json::from_slice::<serde_json::Value>(b).map_or(0, |v| v.is_object().into()));
    let (parse, c) = measure(&|b| serde_json::from_slice::<serde::de::IgnoredAny>(b).map_or(0, |_| 1));
    let (strict, d) =
        measure(&|b| serde_json::from_slice::<StrictEnvelope>(b).map_or(0, |e| e.data.map_or(0, |d| d.list.len())));
    let (borrowed, e) =
        measure(&|b| same_reader::<BorrowedEnvelope<'_>>(b).map_or(0, |e| e.data.map_or(0, |d| d.list.len())));
    Ok(format!(
        "body_bytes={} records_per_page={per_page} bytes_per_record={:.0} lenient_us={lenient:.3} strict_us={strict:.3} borrowed_us={borrowed:.3} value_us={value:.3} parse_only_us={parse:.3} sink={}",
        bytes.len(),
        bytes.len() as f64 / per_page,
        a + b + c + d + e
    ))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("nxlink-bench-export: {err}");
            return ExitCode::from(2);
        }
    };
    // The same runtime the `nxlink` CLI uses: multi-threaded, one worker per core.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("nxlink-bench-export: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = if args.write_floor > 0 {
        runtime.block_on(write_floor(&args))
    } else if args.decode_floor > 0 {
        runtime.block_on(decode_floor(&args))
    } else {
        runtime.block_on(export(&args))
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("nxlink-bench-export: {err}");
            ExitCode::FAILURE
        }
    }
}
