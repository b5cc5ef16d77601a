//! Times dataset generation: `cargo run --release -p nxlink-mock --example generate -- 1000000`.

use std::time::Instant;

fn main() {
    let count = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(1_000_000);
    let seed = std::env::args().nth(2).and_then(|arg| arg.parse().ok()).unwrap_or(7);
    let started = Instant::now();
    let dataset = nxlink_mock::Dataset::generate(seed, count);
    let elapsed = started.elapsed();
    println!(
        "generated {} records (seed {seed}) in {elapsed:.2?}; size_of::<CallRecord>() = {} bytes",
        dataset.len(),
        std::mem::size_of::<nxlink_models::CallRecord>()
    );
}
