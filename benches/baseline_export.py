#!/usr/bin/env python3
"""The export a user would write without the SDK: Python 3 standard library only.

Sequential pages over urllib, each request signed per the vendor's rules
(md5 over "accessKey=..&action=..&bizType=..&ts=..&body=<exact bytes>&accessSecret=..",
see /work/shared/vendor-docs/auth-rules.md), the JSON envelope decoded with `json`,
records counted until --limit. Baseline for benches/run_export.sh.

    python3 benches/baseline_export.py --base-url http://127.0.0.1:PORT \
        --task-id ID --page-size 100 --limit 200000

Prints one line of key=value pairs like the Rust harness (nxlink-bench-export).
"""

import argparse
import hashlib
import json
import resource
import sys
import time
import urllib.request

PATH = "/openapi/aiagent/call/list"
DEMO_ACCESS_KEY = "AK-demo-0000000000000000001-0001"
DEMO_ACCESS_SECRET = "nxlink-mock-demo-secret"
DEMO_TASK_ID = "8bdf2a84-fc89-483e-ba1e-35a54285c7d0"


def sign(access_key, secret, biz_type, action, ts, body):
    headers = f"accessKey={access_key}&action={action}&bizType={biz_type}&ts={ts}"
    body_part = b"&body=" + body if body else b""
    text = headers.encode() + body_part + f"&accessSecret={secret}".encode()
    return hashlib.md5(text).hexdigest()


def fetch_page(base_url, access_key, secret, task_id, page_number, page_size):
    body = json.dumps(
        {"taskId": task_id, "pageNumber": page_number, "pageSize": page_size},
        separators=(",", ":"),
    ).encode()
    ts = str(int(time.time() * 1000))
    request = urllib.request.Request(
        base_url + PATH,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "accessKey": access_key,
            "ts": ts,
            "bizType": "100",
            "action": "nxai",
            "sign": sign(access_key, secret, "100", "nxai", ts, body),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        envelope = json.loads(response.read())
    if envelope.get("code") != 0:
        raise RuntimeError(f"API error {envelope.get('code')}: {envelope.get('message')}")
    return envelope.get("data") or {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--task-id", default=DEMO_TASK_ID)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--limit", type=int, default=200_000)
    parser.add_argument("--access-key", default=DEMO_ACCESS_KEY)
    parser.add_argument("--access-secret", default=DEMO_ACCESS_SECRET)
    args = parser.parse_args()

    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    count = 0
    pages = 0
    checksum = 0
    page_number = 1
    while count < args.limit:
        data = fetch_page(
            args.base_url, args.access_key, args.access_secret, args.task_id, page_number, args.page_size
        )
        pages += 1
        records = data.get("list") or []
        if not records:
            break
        for record in records:
            if count >= args.limit:
                break
            checksum += int(record.get("id") or 0)
            count += 1
        total = int(data.get("total") or 0)
        if page_number * args.page_size >= total:
            break
        page_number += 1
    wall = time.perf_counter() - started
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"records={count} pages={pages} refetched=0 duplicates=0 peak_in_flight=1 "
        f"wall_s={wall:.4f} user_s={usage1.ru_utime - usage0.ru_utime:.4f} "
        f"sys_s={usage1.ru_stime - usage0.ru_stime:.4f} checksum={checksum}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
