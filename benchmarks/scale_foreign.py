#!/usr/bin/env python3
"""Scales a foreign agent event example (Tests/Fixtures/foreign/<format>/<name>.jsonl or .sse) to
about N events for the benchmark: the example is repeated, each copy with its ids renamed so that
copies never pair with each other (a member named `id` or ending in `_id`: a UUID gets its last 12
hex digits XOR-ed with the copy number, a vtcode response id `resp_<ms>_<counter>` gets the copy as hex digits on its counter, any
other string gets `-<copy>` appended). SSE examples
are repeated as whole streams (`data: [DONE]` included).

Usage: scale_foreign.py EXAMPLE N OUT
"""
import json
import re
import sys

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# vtcode response ids encode their time: resp_<hex ms>_<hex counter>; only the counter is renamed.
VTCODE_RESPONSE = re.compile(r"^resp_[0-9a-f]+_[0-9a-f]+$")


def rename(value, copy):
    if isinstance(value, str):
        if UUID.match(value):
            return value[:24] + "%012x" % (int(value[24:], 16) ^ (copy * 0x9E3779B1 & 0xFFFFFFFFFFFF))
        if VTCODE_RESPONSE.match(value):
            return f"{value}{copy:06x}"
        return f"{value}-{copy}"
    return value


def walk(value, copy):
    if isinstance(value, dict):
        return {k: rename(v, copy) if (k == "id" or k.endswith("_id")) and isinstance(v, str) else walk(v, copy) for k, v in value.items()}
    if isinstance(value, list):
        return [walk(v, copy) for v in value]
    return value


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    example, wanted, out = argv[1], int(argv[2]), argv[3]
    with open(example, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    events = sum(1 for line in lines if line.strip().startswith("{") or line.startswith("data: {"))
    if events == 0:
        sys.stderr.write(f"scale_foreign: {example} holds no events\n")
        return 1
    written = 0
    with open(out, "w", encoding="utf-8") as target:
        copy = 0
        while written < wanted:
            for line in lines:
                prefix, body = ("data: ", line[6:]) if line.startswith("data: {") else ("", line)
                if body.strip().startswith("{"):
                    try:
                        body = json.dumps(walk(json.loads(body), copy), separators=(",", ":"), ensure_ascii=False)
                        written += 1
                    except ValueError:
                        pass
                target.write(prefix + body + "\n")
            copy += 1
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
