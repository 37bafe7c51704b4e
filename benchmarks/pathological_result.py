#!/usr/bin/env python3
"""Turns one pathological-input run of the command line (benchmarks/run.sh, "Pathological
inputs") into a RESULT object.

  pathological_result.py summary RESULT_FILE     one line about a kept RESULT object
  pathological_result.py --kind convert|stats|export --scenario TEXT --count N --unit UNIT --input FILE
                         --time TIME_V_OUTPUT --log CLI_STDERR --exit-code N --timeout SECONDS
                         --output-bytes N [--before JSON --after JSON --fallback PATH]

Prints one JSON object: the input's size (COUNT of UNIT: levels, marks or line-bytes; and its
bytes), wall and CPU time and peak RSS from `/usr/bin/time -v`, the output's size in bytes (for
export: the bytes the sink received), and `timed_out` when `timeout` stopped the run (exit code
124 or 137; the time file is then incomplete and wall is the timeout). For export, also the
delivery accounting of export_result.py and the scopes the command line reported unended or
ended without a start."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_result  # noqa: E402  (the same directory)


def progress_line(path):
    """One line about a kept RESULT object, for the runner's progress output."""
    with open(path, encoding="utf-8") as f:
        r = json.loads(f.readline())
    wall = "timeout" if r.get("timed_out") else f"{r.get('wall_seconds') or 0:.2f} s"
    return f"wall {wall}, peak RSS {r.get('peak_rss_mib') or 0:.0f} MiB, output {r.get('output_bytes') or 0:,} bytes"


def main(argv):
    if argv[:1] == ["summary"]:
        print(progress_line(argv[1]))
        return
    options = dict(zip(argv[0::2], argv[1::2]))
    code = int(options["--exit-code"])
    timeout = float(options["--timeout"])
    result = {
        "scenario": options["--scenario"],
        "implementation": f"atof-bridge {options['--kind']} (CLI)",
        "pathological": True,
        "size_count": int(options["--count"]),
        "size_unit": options["--unit"],
        "input_bytes": os.path.getsize(options["--input"]),
        "output_bytes": int(options["--output-bytes"] or 0),
        "timeout_seconds": timeout,
        "timed_out": code in (124, 137),
    }
    try:
        t = export_result.time_v(options["--time"])
    except (OSError, KeyError, ValueError):
        t = None
    if t is None:
        result["wall_seconds"] = timeout if result["timed_out"] else None
    else:
        result.update({"wall_seconds": t["wall"], "user_seconds": t["user"], "system_seconds": t["system"],
                       "cpu_seconds": t["user"] + t["system"], "peak_rss_mib": t["max_rss_kib"] / 1024})
    if options["--kind"] == "export":
        summary = export_result.summary(options["--log"]) or {}
        before, after = json.loads(options["--before"]), json.loads(options["--after"])
        delivered = after["spans"] - before["spans"]
        produced = summary.get("spans", 0)
        fallback = export_result.count_fallback(options["--fallback"])
        result.update({
            "events": summary.get("events"),
            "spans_produced": produced,
            "spans_delivered": delivered,
            "fallback_file_spans": fallback,
            "output_bytes": after["bytes"] - before["bytes"],
            "sink_malformed": after.get("malformed", 0) - before.get("malformed", 0),
        })
        with open(options["--log"], encoding="utf-8", errors="replace") as f:
            scopes = re.search(r"(\d+) unended scopes, (\d+) unmatched ends", f.read())
        if scopes:
            result["unended_scopes"], result["unmatched_ends"] = int(scopes.group(1)), int(scopes.group(2))
        if not result["timed_out"]:
            result["unaccounted_spans"] = produced - delivered - fallback - summary.get("dropped", 0)
    else:
        c = export_result.convert_summary(options["--log"])
        if c:
            result.update({"events": c.get("events"), "spans_produced": c.get("spans")})
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
