#!/usr/bin/env python3
"""Writes pathological but valid ATOF 0.1 inputs, for tests and benchmarks (no dependencies).

Usage:
  generate_pathological.py deep N FILE       one chain of N nested scopes (scope i is the parent of
                                             scope i + 1): N starts, then the N ends innermost first;
                                             2 N lines, one trace
  generate_pathological.py marks N FILE      one scope holding N marks: its start, N marks, its end;
                                             N + 2 lines
  generate_pathological.py hugeline BYTES FILE
                                             one scope whose start line is BYTES bytes long (without
                                             its line break; at least the size of the line with an
                                             empty payload), then its end; 2 lines

Times start at 2026-01-01T00:00:00Z and grow by 1 µs per line; uuids are fixed, so the same
arguments always write the same bytes. The top scope's parent is an implicit root that is never
emitted, as NeMo Relay writes it. FILE `-` writes to standard output."""
import json
import sys
import uuid

BASE_SECONDS = 1_767_225_600  # 2026-01-01T00:00:00Z
ROOT = str(uuid.UUID(int=0x0197A000_0000_7000_8000_0000FFFFFFFF))
DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def uid(n):
    return str(uuid.UUID(int=(0x0197A000_0000_7000_8000_000000000000 | n)))


class Clock:
    """RFC 3339 times 1 µs apart; the date part is formatted once per second."""

    def __init__(self):
        self.micros = 0
        self.second = None
        self.prefix = ""

    def next(self):
        seconds, fraction = divmod(self.micros, 1_000_000)
        self.micros += 1
        if seconds != self.second:
            import time

            self.second = seconds
            self.prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(BASE_SECONDS + seconds))
        return f"{self.prefix}.{fraction:06d}000Z"


def scope(phase, u, parent, name, time, data=None, category="function"):
    return {"atof_version": "0.1", "attributes": [], "category": category, "category_profile": None, "data": data,
            "data_schema": None, "kind": "scope", "metadata": None, "name": name, "parent_uuid": parent,
            "scope_category": phase, "timestamp": time, "uuid": u}


def mark(u, parent, name, time, data):
    return {"atof_version": "0.1", "category": None, "category_profile": None, "data": data, "data_schema": None,
            "kind": "mark", "metadata": None, "name": name, "parent_uuid": parent, "timestamp": time, "uuid": u}


def deep(count, out):
    clock = Clock()
    for level in range(count):
        parent = uid(level) if level > 0 else ROOT
        out.write(DUMPS(scope("start", uid(level + 1), parent, f"level-{level + 1}", clock.next())) + "\n")
    for level in reversed(range(count)):
        parent = uid(level) if level > 0 else ROOT
        out.write(DUMPS(scope("end", uid(level + 1), parent, f"level-{level + 1}", clock.next())) + "\n")


def marks(count, out):
    clock = Clock()
    owner = uid(1)
    out.write(DUMPS(scope("start", owner, ROOT, "marked", clock.next())) + "\n")
    for index in range(count):
        out.write(DUMPS(mark(uid(index + 2), owner, "llm.chunk", clock.next(), {"chunk_index": index})) + "\n")
    out.write(DUMPS(scope("end", owner, ROOT, "marked", clock.next())) + "\n")


def hugeline(size, out):
    clock = Clock()
    owner = uid(1)
    start = scope("start", owner, ROOT, "huge", clock.next(), data="")
    empty = len(DUMPS(start).encode("utf-8"))
    if size < empty:
        sys.exit(f"hugeline: BYTES must be at least {empty} (the start line with an empty payload)")
    start["data"] = "x" * (size - empty)
    line = DUMPS(start)
    assert len(line.encode("utf-8")) == size
    out.write(line + "\n")
    out.write(DUMPS(scope("end", owner, ROOT, "huge", clock.next())) + "\n")


def main(argv):
    commands = {"deep": deep, "marks": marks, "hugeline": hugeline}
    if len(argv) != 4 or argv[1] not in commands or not argv[2].isdigit():
        sys.exit(__doc__)
    write = commands[argv[1]]
    count = int(argv[2])
    if argv[3] == "-":
        write(count, sys.stdout)
    else:
        with open(argv[3], "w", encoding="utf-8") as out:
            write(count, out)


if __name__ == "__main__":
    main(sys.argv)
