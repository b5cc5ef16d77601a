//! Decodes one 1,000-record page N times with the chosen decoder, for instruction
//! counts under callgrind (repeatable on a noisy machine, unlike wall time):
//!
//! ```sh
//! cargo build --release -p nxlink-benches --example decode_profile
//! for v in lenient option strict; do for n in 2 12; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/decode_profile $v $n 2>&1 | grep Collected
//! done; done   # per page = (count at 12 - count at 2) / 10
//! ```
#![allow(missing_docs, clippy::unwrap_used)]
use nxlink_benches::mirrors::{same_reader, OptionEnvelope, StrictEnvelope};
use nxlink_models::{CallRecordPage, Envelope};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: decode_profile lenient|option|strict ITERATIONS");
        std::process::exit(2);
    }
    let body = nxlink_benches::page_body(1000, false);
    let n: usize = args[2].parse().unwrap();
    let mut total = 0;
    for _ in 0..n {
        total += match args[1].as_str() {
            "lenient" => nxlink_models::decode::<Envelope<CallRecordPage>>(&body).unwrap().data.unwrap().list.len(),
            "option" => same_reader::<OptionEnvelope>(&body).unwrap().data.unwrap().list.len(),
            _ => same_reader::<StrictEnvelope>(&body).unwrap().data.unwrap().list.len(),
        };
    }
    println!("{total}");
}
