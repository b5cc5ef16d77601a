//! Decoding a 1,000-record page: typed and lenient vs `serde_json::Value` (what an
//! untyped SDK does) on the quirky body the mock sends, and lenient vs a strict
//! `#[derive(Deserialize)]` mirror on a clean body, on the same reader (so only the
//! types differ), with `serde_json::from_slice` of the strict mirror (what a user
//! writes) and a zero-copy borrowed mirror (the floor of any typed serde decode) as
//! further rows.
//!
//! The `extra_capture` groups compare today's decode, which keeps unknown fields in
//! `extra`, with the previous generated code (serde's derive over the same lenient
//! decoders, unknown fields skipped) on a clean page and on a page where 3% of the
//! records carry two unknown fields.
//!
//! `cargo bench -p nxlink-benches --bench decode`

use criterion::{black_box, criterion_main, Criterion, Throughput};
use nxlink_benches::mirrors::{same_reader, BorrowedEnvelope, LenientDeriveEnvelope, OptionEnvelope, StrictEnvelope};
use nxlink_models::{CallRecordPage, Envelope};

fn decode(c: &mut Criterion) {
    let quirky = nxlink_benches::page_body(1000, true);
    let clean = nxlink_benches::page_body(1000, false);
    // Sanity: every body decodes the way it is benchmarked.
    let typed: Envelope<CallRecordPage> = nxlink_models::decode(&quirky).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(typed.data.map(|d| d.list.len()), Some(1000));
    let strict: StrictEnvelope = serde_json::from_slice(&clean).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(strict.data.map(|d| d.list.len()), Some(1000));
    let borrowed: BorrowedEnvelope<'_> = same_reader(&clean).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(borrowed.data.map(|d| d.list.len()), Some(1000));
    eprintln!("quirky page: {} bytes; clean page: {} bytes", quirky.len(), clean.len());

    let mut group = c.benchmark_group("decode_quirky_1000");
    group.throughput(Throughput::Bytes(quirky.len() as u64));
    group.bench_function("typed_lenient", |b| {
        b.iter(|| {
            nxlink_models::decode::<Envelope<CallRecordPage>>(black_box(&quirky)).map(|e| e.data.map(|d| d.list.len()))
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&quirky))
                .map(|v| v["data"]["list"].as_array().map(Vec::len))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode_clean_1000");
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("typed_lenient", |b| {
        b.iter(|| {
            nxlink_models::decode::<Envelope<CallRecordPage>>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len()))
        })
    });
    group.bench_function("option_derive", |b| {
        b.iter(|| same_reader::<OptionEnvelope>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.bench_function("strict_derive", |b| {
        b.iter(|| same_reader::<StrictEnvelope>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.bench_function("strict_derive_from_slice", |b| {
        b.iter(|| serde_json::from_slice::<StrictEnvelope>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.bench_function("borrowed_derive", |b| {
        b.iter(|| same_reader::<BorrowedEnvelope<'_>>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.bench_function("parse_only", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&clean)).is_ok())
    });
    group.finish();

    // Every 33rd record: 31 of 1,000, about 3%.
    let drifted = nxlink_benches::with_unknown_fields(&clean, 33);
    let kept: Envelope<CallRecordPage> = nxlink_models::decode(&drifted).unwrap_or_else(|err| panic!("{err}"));
    let carrying = kept.data.map_or(0, |d| d.list.iter().filter(|r| r.extra.len() == 2).count());
    assert_eq!(carrying, 31, "the drifted page carries unknown fields in 3% of its records");
    for (name, body) in [("extra_capture_clean_1000", &clean), ("extra_capture_3pct_unknown_1000", &drifted)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("typed_lenient_keeping_extra", |b| {
            b.iter(|| {
                nxlink_models::decode::<Envelope<CallRecordPage>>(black_box(body)).map(|e| e.data.map(|d| d.list.len()))
            })
        });
        group.bench_function("previous_lenient_derive", |b| {
            b.iter(|| same_reader::<LenientDeriveEnvelope>(black_box(body)).map(|e| e.data.map(|d| d.list.len())))
        });
        group.finish();
    }
}

// The macro defines a `pub fn` that cannot carry a doc comment.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::decode);
}
criterion_main!(group::benches);
