//! `nxlink-mock`: run the mock NXLink server from a shell.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use nxlink_mock::{Faults, MockServer, CALL_LIST_PATH, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, TASK_IDS};

/// A local NXLink server for tests and demos: signed requests, a seeded dataset of
/// call records, and injectable faults.
#[derive(Debug, Parser)]
#[command(name = "nxlink-mock", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Number of generated call records (at most 10,000,000).
    #[arg(long, default_value_t = 100_000)]
    records: usize,
    /// Seed of the dataset.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// An accepted key pair as ACCESS_KEY:SECRET; repeatable.
    #[arg(long = "key", value_name = "AK:SECRET", value_parser = parse_key)]
    keys: Vec<(String, String)>,
    /// Do not accept the built-in demo key pair.
    #[arg(long)]
    no_demo_key: bool,
    /// Seed of the fault sequence.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Share of requests answered with HTTP 500 (0.0 to 1.0).
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_500: f64,
    /// Share of requests answered with HTTP 502.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_502: f64,
    /// Share of requests answered with HTTP 503 and `Retry-After: 1`.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_503: f64,
    /// Share of requests answered with HTTP 429 and `Retry-After: 1`.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_429: f64,
    /// Share of connections closed without an answer.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_drop: f64,
    /// Share of answers cut off half-way through the body.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_truncate: f64,
    /// Share of requests applied, then answered by closing the connection.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    rate_drop_applied: f64,
    /// Answer status faults (500, 502, 503, 429) with an API envelope carrying the
    /// status as its code, instead of an HTML page.
    #[arg(long)]
    fault_envelopes: bool,
    /// Milliseconds added to every request.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Server clock = system clock + this many milliseconds (may be negative).
    #[arg(long, value_name = "MS", default_value_t = 0, allow_hyphen_values = true)]
    clock_offset_ms: i64,
    /// Send untidy JSON: numbers as strings, nulls, "", unknown fields, new enum codes.
    #[arg(long)]
    quirks: bool,
    /// Insert this many new records at the front of the queried task on every query.
    #[arg(long, value_name = "N", default_value_t = 0)]
    live: usize,

    /// Dial a pending contact of each active task every MS milliseconds (0: off)
    #[arg(long, value_name = "MS", default_value_t = 0)]
    dial_ms: u64,
}

fn parse_key(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => Ok((key.to_owned(), secret.to_owned())),
        _ => Err("expected ACCESS_KEY:SECRET, both non-empty".to_owned()),
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a rate between 0.0 and 1.0")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();

    let faults = Faults {
        seed: args.fault_seed,
        internal_error: args.rate_500,
        bad_gateway: args.rate_502,
        service_unavailable: args.rate_503,
        too_many_requests: args.rate_429,
        drop_connection: args.rate_drop,
        truncate_body: args.rate_truncate,
        drop_after_applying: args.rate_drop_applied,
        latency: Duration::from_millis(args.latency_ms),
        envelope_bodies: args.fault_envelopes,
    };
    let mut builder = MockServer::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .seed(args.seed)
        .records(args.records)
        .demo_key(!args.no_demo_key)
        .faults(faults)
        .quirks(args.quirks)
        .live(args.live)
        .clock_offset_millis(args.clock_offset_ms)
        .dial_ms(args.dial_ms);
    for (key, secret) in &args.keys {
        builder = builder.key(key.clone(), secret.clone());
    }

    let started = Instant::now();
    let server = match builder.start().await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("nxlink-mock: cannot start on {}:{}: {err}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    println!("nxlink-mock listening on {}", server.base_url());
    println!("endpoint:  POST {}{}", server.base_url(), CALL_LIST_PATH);
    println!("records:   {} (seed {}, ready in {:.2?})", server.dataset().len(), args.seed, started.elapsed());
    if !args.no_demo_key {
        println!("demo key:  accessKey={DEMO_ACCESS_KEY} accessSecret={DEMO_ACCESS_SECRET}");
    }
    for (key, _) in &args.keys {
        println!("key:       accessKey={key}");
    }
    println!("tasks:");
    for task in TASK_IDS {
        println!("  {task}  ({} records)", server.dataset().task_len(task));
    }

    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("nxlink-mock: cannot wait for Ctrl-C: {err}");
    }
    server.shutdown().await;
    ExitCode::SUCCESS
}
