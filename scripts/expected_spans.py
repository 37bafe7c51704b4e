#!/usr/bin/env python3
"""Derives, independently of the Swift code, the spans the mapping contract
(span-mapping.md §2, §3, §5, §6) requires for a clean ATOF 0.1 file: ids, parents,
kinds and status codes. Used by scripts/cli-test.sh with verify_otlp.py --expect.

Usage: expected_spans.py ATOF.jsonl > expected.json
Only for inputs without pairing anomalies (every start has one end)."""
import calendar
import json
import re
import sys

KINDS = {"llm": 3, "retriever": 3, "embedder": 3, "reranker": 3}  # CLIENT; everything else INTERNAL (1)
STATUS = {"OK": 1, "ERROR": 2, "UNSET": 0}
STAMP = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|z|[+-]\d\d:\d\d)$")


def nanos(value):
    if isinstance(value, int):
        return value * 1000
    m = STAMP.match(value)
    if not m:
        raise ValueError(f"bad timestamp {value!r}")
    y, mo, d, h, mi, s, frac, off = m.groups()
    secs = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s)))
    if off not in ("Z", "z"):
        sign = -1 if off[0] == "-" else 1
        secs -= sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
    return secs * 10**9 + int(((frac or "") + "000000000")[:9])


def hex_of(uuid):
    return uuid.replace("-", "").lower()


def main(path):
    events = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    starts = {e["uuid"]: e for e in events if e["kind"] == "scope" and e["scope_category"] == "start"}
    ends = {e["uuid"]: e for e in events if e["kind"] == "scope" and e["scope_category"] == "end"}
    assert starts.keys() == ends.keys(), "expected_spans.py only handles cleanly paired input"

    def root(uuid):
        seen = set()
        while starts[uuid].get("parent_uuid") in starts and uuid not in seen:
            seen.add(uuid)
            uuid = starts[uuid]["parent_uuid"]
        return uuid

    spans = []
    for uuid, start in starts.items():
        parent = start.get("parent_uuid")
        kind = 3 if "remote" in start.get("attributes", []) else KINDS.get(start["category"], 1)
        status = STATUS.get(((ends[uuid].get("metadata") or {}).get("otel.status_code")), 0)
        spans.append({
            "name": start["name"], "spanId": hex_of(uuid)[16:], "traceId": hex_of(root(uuid)),
            "parentSpanId": hex_of(parent)[16:] if parent in starts else None, "kind": kind, "statusCode": status,
        })
    for mark in (e for e in events if e["kind"] == "mark"):
        parent = mark.get("parent_uuid")
        if parent in starts and nanos(starts[parent]["timestamp"]) <= nanos(mark["timestamp"]) <= nanos(ends[parent]["timestamp"]):
            continue  # a span event, not a span
        known = parent in starts
        spans.append({
            "name": "mark:" + mark["name"], "spanId": hex_of(mark["uuid"])[16:],
            "traceId": hex_of(root(parent)) if known else hex_of(mark["uuid"]),
            "parentSpanId": hex_of(parent)[16:] if known else None, "kind": 1, "statusCode": 0,
        })
    json.dump(spans, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
