//! Signing cost against three baselines on the same string to sign: the bare hash of
//! bytes already in cache (`raw_hash`, the issue's baseline), the same bytes first
//! written into a stack buffer and then hashed (`copy_then_hash`: the least any signer
//! pays, since `ts` makes every string to sign new), and `format!` + hash + hex
//! (`format_then_hash`: what a user would write without the SDK).
//!
//! `cargo bench -p nxlink-auth --bench sign -- --warm-up-time 1 --measurement-time 4`

use std::hint::black_box;

use criterion::{criterion_main, Criterion};
use md5::{Digest, Md5};
use nxlink_auth::{string_to_sign_masked, Algorithm, Credentials, Signer};
use sha2::Sha256;

const ACCESS_KEY: &str = "AK-6230339248928541113-2133";
const SECRET: &str = "abciiiko2k3";
const TS: i64 = 1_736_238_951_000;
/// A call/list request like the vendor's examples, ~150 bytes.
const BODY: &[u8] = br#"{"taskId":"8bdf2a84-fc89-483e-ba1e-35a54285c7d0","startTs":1736238951,"endTs":1746606952,"pageNumber":1,"pageSize":10,"minElapsed":0,"maxElapsed":3000}"#;

fn string_to_sign() -> Vec<u8> {
    let masked = string_to_sign_masked(ACCESS_KEY, "100", "nxai", &TS.to_string(), BODY);
    let mut full = masked.trim_end_matches("***").as_bytes().to_vec();
    full.extend_from_slice(SECRET.as_bytes());
    full
}

/// The same bytes, first written into a stack buffer and then hashed: the least any
/// signer pays, since `ts` changes on every request and the string to sign is always
/// freshly written, while `raw_hash` reads bytes that have sat in cache since setup.
fn copy_then_hash<D: Digest>(input: &[u8]) -> impl AsRef<[u8]> {
    let mut buffer = [0u8; 512];
    buffer[..input.len()].copy_from_slice(input);
    D::digest(&buffer[..input.len()])
}

/// What a user would write without the SDK: `format!` the string to sign, hash it,
/// hex-encode the digest.
fn format_then_hash<D: Digest>(ts: i64) -> String {
    let body = std::str::from_utf8(BODY).unwrap_or_default();
    let text = format!("accessKey={ACCESS_KEY}&action=nxai&bizType=100&ts={ts}&body={body}&accessSecret={SECRET}");
    D::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn bench(c: &mut Criterion) {
    let input = string_to_sign();
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let signer = Signer::new(Credentials::new(ACCESS_KEY, SECRET)).with_algorithm(algorithm);
        let mut group = c.benchmark_group(algorithm.as_str());
        group.bench_function("sign", |b| {
            b.iter(|| *signer.sign(black_box("100"), black_box("nxai"), black_box(TS), black_box(BODY)).sign())
        });
        match algorithm {
            Algorithm::Md5 => {
                group.bench_function("raw_hash", |b| b.iter(|| Md5::digest(black_box(&input))));
                group.bench_function("copy_then_hash", |b| b.iter(|| copy_then_hash::<Md5>(black_box(&input))));
                group.bench_function("format_then_hash", |b| b.iter(|| format_then_hash::<Md5>(black_box(TS))));
            }
            Algorithm::Sha256 => {
                group.bench_function("raw_hash", |b| b.iter(|| Sha256::digest(black_box(&input))));
                group.bench_function("copy_then_hash", |b| b.iter(|| copy_then_hash::<Sha256>(black_box(&input))));
                group.bench_function("format_then_hash", |b| b.iter(|| format_then_hash::<Sha256>(black_box(TS))));
            }
        };
        group.finish();
    }
}

// The macro defines a `pub fn` that cannot carry a doc comment.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
