#!/usr/bin/env python3
"""Checks that bridge-bench's in-memory events have generate_atof.py's shape.

Usage: check_event_shape.py GENERATED.jsonl DUMPED.jsonl
Both files hold the same number of turns; every event must match member for member, except the
timestamp (the generator writes RFC 3339 text, the benchmark integer epoch microseconds: only
their order and spacing are compared) and null members (absent and null mean the same in ATOF)."""
import datetime
import json
import sys


def micros(value):
    if isinstance(value, int):
        return value
    whole, frac = value[:19], value[20:29]
    seconds = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()
    return int(seconds) * 1_000_000 + int(frac) // 1000


def normalized(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            event = {k: v for k, v in json.loads(line).items() if v is not None and not (k == "attributes" and v == [])}
            events.append(event)
    start = micros(events[0]["timestamp"])
    for event in events:
        event["timestamp"] = micros(event["timestamp"]) - start
    return events


def main(generated, dumped):
    a, b = normalized(generated), normalized(dumped)
    if len(a) != len(b):
        sys.exit(f"event shape: {len(a)} generated events vs {len(b)} dumped")
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            sys.exit(f"event shape: event {index + 1} differs:\n  generator:    {json.dumps(x, sort_keys=True)}\n  bridge-bench: {json.dumps(y, sort_keys=True)}")
    print(f"event shape: {len(a)} events match generate_atof.py (timestamps compared relative to the first)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
