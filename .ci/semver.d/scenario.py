#!/usr/bin/env python3
"""Edits spec/ (of the directory it runs in) into one scenario of `.ci/semver --scenarios`.

Every edit picks its target from the spec itself (the last field of an object, the first
32-bit field), so the scenarios keep working as the spec grows.

    scenario.py readd-removed BASE_SPEC_DIR   # put back object fields BASE had and the spec lost
    scenario.py remove-field                  # drop the last field of CallRecord
    scenario.py change-type                   # the first int32 field of CallRecord becomes a string
    scenario.py required-request-field        # a new required field (no default) on QueryCallRecords
"""
import json
import os
import sys

RECORD = "spec/objects/call_record.json"
QUERY = "spec/endpoints/query_call_records.json"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def readd_removed(base_dir):
    for name in sorted(os.listdir(os.path.join(base_dir, "objects"))):
        path = os.path.join("spec/objects", name)
        if not os.path.exists(path):
            continue
        before, after = load(os.path.join(base_dir, "objects", name)), load(path)
        wires = {f["wire"] for f in after["fields"]}
        lost = [f for f in before["fields"] if f["wire"] not in wires]
        if lost:
            after["fields"].extend(lost)
            save(path, after)
            print(f"put back {[f['wire'] for f in lost]} in {path}")


def main():
    what = sys.argv[1:2]
    if what == ["readd-removed"]:
        readd_removed(sys.argv[2])
    elif what == ["remove-field"]:
        record = load(RECORD)
        gone = record["fields"].pop()
        save(RECORD, record)
        print(f"removed {gone['wire']} from {RECORD}")
    elif what == ["change-type"]:
        record = load(RECORD)
        field = next(f for f in record["fields"] if f["type"] == "int32")
        field["type"] = "string"
        field.pop("unit", None)
        save(RECORD, record)
        print(f"{field['wire']} of {RECORD} is now a string")
    elif what == ["required-request-field"]:
        query = load(QUERY)
        query["request"]["fields"].append(
            {"wire": "zoneCode", "type": "string", "required": True, "description": "Zone code"}
        )
        save(QUERY, query)
        print(f"added required zoneCode to {QUERY}")
    else:
        sys.exit(__doc__)


main()
