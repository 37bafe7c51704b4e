#!/usr/bin/env python3
"""Writes deterministic pathological ATOF 0.1 inputs (for benchmarks/run.sh and tests).

  generate_pathological.py deep N FILE       one chain of N nested scopes: N scope starts, each
                                             the child (parent_uuid) of the one before, then the
                                             N ends, innermost first (2N lines)
  generate_pathological.py marks N FILE      one open scope receiving N marks (its children),
                                             then its end (N + 2 lines)
  generate_pathological.py hugeline BYTES FILE
                                             one scope whose start event carries a data payload
                                             of BYTES bytes (one line of about BYTES bytes),
                                             then its end

Times start at 2026-01-01T00:00:00Z and grow by one microsecond per line; uuids are UUIDv7-shaped
and derived from a counter, so the same arguments always give the same bytes."""
import json
import sys

BASE_MICROS = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z
DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def uid(n):
    return f"0197a000-0000-7000-8000-{n:012x}"


def stamp(micros):
    seconds, fraction = divmod(micros, 1_000_000)
    days, second_of_day = divmod(seconds, 86_400)
    # Civil date from days since the epoch (proleptic Gregorian).
    z = days + 719_468
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    return (f"{year:04d}-{month:02d}-{day:02d}T{second_of_day // 3600:02d}:{second_of_day // 60 % 60:02d}:"
            f"{second_of_day % 60:02d}.{fraction:06d}Z")


def scope(phase, uuid, parent, micros, name, category, data=None):
    return {"kind": "scope", "atof_version": "0.1", "scope_category": phase, "uuid": uuid, "parent_uuid": parent,
            "timestamp": stamp(micros), "name": name, "category": category, "attributes": [],
            "category_profile": None, "data": data, "data_schema": None, "metadata": None}


def mark(uuid, parent, micros, index):
    return {"kind": "mark", "atof_version": "0.1", "uuid": uuid, "parent_uuid": parent, "timestamp": stamp(micros),
            "name": "progress", "category": None, "category_profile": None, "data": {"i": index},
            "data_schema": None, "metadata": None}


def deep(count, out):
    t = BASE_MICROS
    for level in range(count):
        parent = uid(level - 1) if level else None
        out.write(DUMPS(scope("start", uid(level), parent, t, f"level-{level}", "function")) + "\n")
        t += 1
    for level in reversed(range(count)):
        parent = uid(level - 1) if level else None
        out.write(DUMPS(scope("end", uid(level), parent, t, f"level-{level}", "function")) + "\n")
        t += 1


def marks(count, out):
    t = BASE_MICROS
    root = uid(0)
    out.write(DUMPS(scope("start", root, None, t, "receiver", "agent")) + "\n")
    for index in range(count):
        t += 1
        out.write(DUMPS(mark(uid(index + 1), root, t, index)) + "\n")
    out.write(DUMPS(scope("end", root, None, t + 1, "receiver", "agent")) + "\n")


def hugeline(size, out):
    # Text with JSON escapes and multi-byte characters in it, not only one repeated byte.
    unit = 'lorem ipsum "quoted" \\ tab\t é € line\n'
    encoded_unit = len(unit.encode("utf-8"))
    text = unit * (size // encoded_unit)
    text += "x" * (size - len(text.encode("utf-8")))
    out.write(DUMPS(scope("start", uid(0), None, BASE_MICROS, "huge", "tool", {"blob": text})) + "\n")
    out.write(DUMPS(scope("end", uid(0), None, BASE_MICROS + 1, "huge", "tool")) + "\n")


def main(argv):
    modes = {"deep": deep, "marks": marks, "hugeline": hugeline}
    if len(argv) != 3 or argv[0] not in modes or not argv[1].isdigit():
        sys.exit(__doc__)
    with open(argv[2], "w", encoding="utf-8") as out:
        modes[argv[0]](int(argv[1]), out)


if __name__ == "__main__":
    main(sys.argv[1:])
