"""Reads an `nxlink calls export --format parquet` output with readers that share no code
with nxlink (pyarrow, DuckDB) and checks it against the JSONL export of the same records.

    python3 parquet_check.py file     OUT.parquet  EXPORT.jsonl  SCHEMA.json
    python3 parquet_check.py dataset  OUT_DIR      EXPORT.jsonl  SCHEMA.json

SCHEMA.json, written by the Rust test from the spec's generated COLUMNS:
{"columns": [{"wire", "type", "nullable", "codeTable"}...], "extra": "extra",
 "timestamp": "callStart"}. `type` is the Arrow type name pyarrow prints (`int64`,
`string`, `list<...`). Exits 0 when everything matches, else prints what differs.
"""

import datetime
import json
import sys

try:
    import duckdb
    import pyarrow
    import pyarrow.parquet as pq
except ImportError as err:  # the Rust test turns this into its failure message
    print(
        f"MISSING PYTHON MODULE: {err}; install with: python3 -m pip install pyarrow duckdb",
        file=sys.stderr,
    )
    sys.exit(3)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def check_schema(schema, spec):
    names = [c["wire"] for c in spec["columns"]] + [spec["extra"]]
    if schema.names != names:
        fail(f"columns {schema.names} != spec {names}")
    for column in spec["columns"]:
        field = schema.field(column["wire"])
        shown = str(field.type)
        if not (shown == column["type"] or (column["type"].endswith("<") and shown.startswith(column["type"]))):
            fail(f"column {column['wire']}: type {shown}, expected {column['type']}")
        if field.nullable != column["nullable"]:
            fail(f"column {column['wire']}: nullable {field.nullable}, expected {column['nullable']}")
        metadata = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        if metadata.get("nxlink.codeTable") != column["codeTable"]:
            fail(f"column {column['wire']}: code table {metadata}, expected {column['codeTable']}")
    extra = schema.field(spec["extra"])
    if str(extra.type) != "string" or not extra.nullable:
        fail(f"extra column: {extra}")


def without_nulls(value):
    """A struct read back has every key; a JSON object only those sent (or null)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None and k != "extra"} | (
            json.loads(value["extra"]) if value.get("extra") else {}
        )
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def check_record(row, record, spec, where):
    known = {c["wire"] for c in spec["columns"]}
    for wire in known:
        got, want = row[wire], record.get(wire)
        if isinstance(want, (list, dict)) or isinstance(got, (list, dict)):
            got, want = without_nulls(got), without_nulls(want)
        if got != want or type(got) is not type(want):
            fail(f"{where}, field {wire}: parquet {got!r} != jsonl {want!r}")
    unknown = {k: v for k, v in record.items() if k not in known}
    extra = row[spec["extra"]]
    got = json.loads(extra) if extra is not None else {}
    if extra is not None and not got:
        fail(f"{where}: an empty extra object is written as null, got {extra!r}")
    if got != unknown:
        fail(f"{where}, extra: parquet {got!r} != jsonl unknown fields {unknown!r}")


def day(seconds):
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).date()


def main():
    mode, out, jsonl, schema_path = sys.argv[1:5]
    spec = json.load(open(schema_path))
    records = [json.loads(line) for line in open(jsonl)]
    if mode == "file":
        table = pq.read_table(out)
        check_schema(table.schema, spec)
        rows = table.to_pylist()
        if len(rows) != len(records):
            fail(f"{len(rows)} rows, {len(records)} JSONL records")
        for i, (row, record) in enumerate(zip(rows, records)):
            check_record(row, record, spec, f"record {i} (id {record.get('id')})")
        groups = pq.ParquetFile(out).metadata.num_row_groups
        print(f"ok: {len(rows)} records, {groups} row groups")
    elif mode == "dataset":
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{out}/**/*.parquet', hive_partitioning = true)")
        names = relation.columns
        rows = [dict(zip(names, values)) for values in relation.fetchall()]
        if len(rows) != len(records):
            fail(f"{len(rows)} rows in the dataset, {len(records)} JSONL records")
        by_id = {}
        for record in records:
            by_id.setdefault(record.get("id"), []).append(record)
        # pyarrow reads every file of the dataset too, with its schema.
        for piece in pyarrow.dataset.dataset(out, format="parquet", partitioning="hive").files:
            check_schema(pq.read_schema(piece), spec)
        timestamp = spec["timestamp"]
        days = set()
        for row in rows:
            candidates = by_id.get(row.get("id")) or []
            if not candidates:
                fail(f"record id {row.get('id')} in the dataset, not in the JSONL export")
            record = candidates.pop(0)
            check_record(row, record, spec, f"record id {record.get('id')}")
            want = day(record.get(timestamp))
            if row["date"] != want:
                fail(f"record id {record.get('id')}: partition date={row['date']}, its {timestamp} is on {want}")
            days.add(row["date"])
        print(f"ok: {len(rows)} records in {len(days)} partitions")
    else:
        fail(f"unknown mode {mode}")


if __name__ == "__main__":
    import pyarrow.dataset  # noqa: F401  (imported here so a missing module fails above)

    main()
