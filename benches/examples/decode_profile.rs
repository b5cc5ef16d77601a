//! Decodes one 1,000-record page N times with the chosen decoder, for instruction
//! counts under callgrind (repeatable on a noisy machine, unlike wall time):
//!
//! ```sh
//! cargo build --release -p nxlink-benches --example decode_profile
//! for v in lenient previous option strict; do for n in 2 12; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/decode_profile $v $n 2>&1 | grep Collected
//! done; done   # per page = (count at 12 - count at 2) / 10
//! ```
//!
//! `previous` is the generated code before unknown fields were kept (serde's derive,
//! unknown fields skipped). A third argument `drifted` decodes the page with two
//! unknown fields on 3% of its records instead of the clean page.
#![allow(missing_docs, clippy::unwrap_used)]
use nxlink_benches::mirrors::{same_reader, LenientDeriveEnvelope, OptionEnvelope, StrictEnvelope};
use nxlink_models::{CallRecordPage, Envelope};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 && args.len() != 4 {
        eprintln!("usage: decode_profile lenient|previous|option|strict ITERATIONS [drifted]");
        std::process::exit(2);
    }
    let mut body = nxlink_benches::page_body(1000, false);
    if args.get(3).is_some_and(|a| a == "drifted") {
        body = nxlink_benches::with_unknown_fields(&body, 33);
    }
    let n: usize = args[2].parse().unwrap();
    let mut total = 0;
    for _ in 0..n {
        total += match args[1].as_str() {
            "lenient" => nxlink_models::decode::<Envelope<CallRecordPage>>(&body).unwrap().data.unwrap().list.len(),
            "previous" => same_reader::<LenientDeriveEnvelope>(&body).unwrap().data.unwrap().list.len(),
            "option" => same_reader::<OptionEnvelope>(&body).unwrap().data.unwrap().list.len(),
            _ => same_reader::<StrictEnvelope>(&body).unwrap().data.unwrap().list.len(),
        };
    }
    println!("{total}");
}
