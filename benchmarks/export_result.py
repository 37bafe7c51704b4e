#!/usr/bin/env python3
"""Turns one measured `atof-bridge export` or `convert` run into a RESULT object like the
benchmarks print.

  export_result.py stats URL
      prints the sink's GET /stats JSON (URL: the sink's http://127.0.0.1:PORT/... address)
  export_result.py result --time TIME_V_OUTPUT --log CLI_STDERR --before JSON --after JSON
                          --exit-code N --fallback PATH --scenario TEXT
      prints one JSON object: spans produced (the CLI's own summary), delivered (the sink's
      count delta), wall and CPU from `/usr/bin/time -v`, peak RSS, fallback-file spans.
  export_result.py transport --time TIME_V_OUTPUT --log CLI_STDERR --receiver SUMMARY_JSON
                             --transport NAME --fallback PATH --scenario TEXT
      the same for one export to a Python receiver (scripts/otlp_sink.py or otlp_grpc_sink.py):
      delivered is the receiver's own count of accepted spans, read from its --summary file;
      `delivery_mismatch` is delivered minus the spans the export summary produced."""
import json
import re
import sys
import urllib.request


def stats(url):
    base = re.match(r"(http://[^/]+)", url).group(1)
    with urllib.request.urlopen(base + "/stats", timeout=10) as response:
        return json.loads(response.read())


def time_v(path):
    fields = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            fields[key] = value
    elapsed = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    wall = sum(float(part) * 60 ** i for i, part in enumerate(reversed(elapsed)))
    return {
        "wall": wall,
        "user": float(fields["User time (seconds)"]),
        "system": float(fields["System time (seconds)"]),
        "max_rss_kib": int(fields["Maximum resident set size (kbytes)"]),
    }


def summary(path):
    """The export summary: "read N events from FILE (L lines), B bad lines, ..." then
    "S spans: E exported, F in the fallback file, R rejected, D dropped, L lost; ..." (lost covers
    failed, still queued and never handed over)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.search(r"atof-bridge: (\d+) spans: (\d+) exported, (\d+) in the fallback file, "
                  r"(\d+) rejected, (\d+) dropped, (\d+) lost", text)
    if not m:
        return None
    keys = ["spans", "exported", "in_fallback", "rejected", "dropped", "failed"]
    result = dict(zip(keys, map(int, m.groups())))
    result["queued"] = 0
    read = re.search(r"read (\d+) events(?: from .*?)?(?: \(\d+ lines\))?, (\d+) bad lines", text)
    result["events"] = int(read.group(1)) if read else 0
    result["bad_lines"] = int(read.group(2)) if read else 0
    return result


def convert_summary(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.search(r"atof-bridge: (\d+) events, (\d+) spans, (\d+) bad lines", text)
    return dict(zip(["events", "spans", "bad_lines"], map(int, m.groups()))) if m else {}


def timing(t, events, spans):
    cpu = t["user"] + t["system"]
    return {
        "wall_seconds": t["wall"],
        "events_per_second": events / t["wall"] if t["wall"] else 0,
        "cpu_seconds": cpu,
        "user_seconds": t["user"],
        "system_seconds": t["system"],
        "cpu_us_per_event": cpu * 1e6 / events if events else 0,
        "cpu_us_per_span": cpu * 1e6 / spans if spans else 0,
        "peak_rss_mib": t["max_rss_kib"] / 1024,
    }


def count_fallback(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b'"spanId":')
    except FileNotFoundError:
        return 0


def transport(options, t):
    """One transport row: the export summary next to the receiver's --summary file."""
    s = summary(options["--log"]) or {}
    try:
        with open(options["--receiver"], encoding="utf-8") as f:
            receiver = json.load(f)
    except (OSError, ValueError):
        receiver = {}
    produced = s.get("spans", 0)
    delivered = receiver.get("spans", 0)
    fallback = count_fallback(options["--fallback"])
    return {
        "scenario": options["--scenario"],
        "implementation": "atof-bridge export (CLI)",
        "transport": options["--transport"],
        "events": s.get("events"),
        "spans_produced": produced,
        "spans_delivered": delivered,
        "unique_spans_delivered": receiver.get("unique_spans", 0),
        "delivery_mismatch": delivered - produced,
        "delivered_fraction": delivered / produced if produced else 0,
        "fallback_file_spans": fallback,
        "unaccounted_spans": produced - delivered - fallback - s.get("dropped", 0),
        "receiver_requests": receiver.get("requests", 0),
        "sink_malformed": receiver.get("invalid_requests", 0),
        **timing(t, s.get("events") or 0, produced),
    }


def main(argv):
    if argv[:1] == ["stats"]:
        print(json.dumps(stats(argv[1])))
        return
    options = dict(zip(argv[1::2], argv[2::2]))
    t = time_v(options["--time"])
    if argv[:1] == ["convert"]:
        c = convert_summary(options["--log"])
        print(json.dumps({"scenario": options["--scenario"], "implementation": "atof-bridge convert (CLI)",
                          "events": c.get("events", 0), "spans_produced": c.get("spans", 0),
                          "bad_lines": c.get("bad_lines"), **timing(t, c.get("events", 0), c.get("spans", 0))}))
        return
    if argv[:1] == ["transport"]:
        print(json.dumps(transport(options, t)))
        return
    s = summary(options["--log"]) or {}
    before, after = json.loads(options["--before"]), json.loads(options["--after"])
    delivered = after["spans"] - before["spans"]
    produced = s.get("spans", 0)
    fallback = count_fallback(options["--fallback"])
    print(json.dumps({
        "scenario": options["--scenario"],
        "implementation": "atof-bridge export (CLI)",
        "events": s.get("events"),
        "spans_produced": produced,
        "spans_delivered": delivered,
        "delivered_fraction": delivered / produced if produced else 0,
        "fallback_file_spans": fallback,
        "unaccounted_spans": produced - delivered - fallback - s.get("dropped", 0),
        "bridge_exported": s.get("exported"),
        "bridge_in_fallback": s.get("in_fallback"),
        "bridge_dropped": s.get("dropped"),
        "delivered_spans_per_second": delivered / t["wall"] if t["wall"] else 0,
        **timing(t, s.get("events") or 0, produced),
        "sink_requests": after["requests"] - before["requests"],
        "sink_bytes": after["bytes"] - before["bytes"],
        "sink_malformed": after.get("malformed", 0) - before.get("malformed", 0),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
