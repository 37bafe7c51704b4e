#!/usr/bin/env python3
"""Prints the delivery benchmark's markdown tables from the RESULT lines run-delivery.sh collected.

Usage: delivery_table.py RESULTS.jsonl [--check]

Every number comes from the measurements in RESULTS.jsonl (one JSON object per scenario, as the
benchmarks printed them, plus the runner's own `name` and `exit_code`). With --check, exits 1
when a scenario failed or delivered nothing, a span is unaccounted for, or the sink saw a
malformed request."""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def number(value, digits=0):
    if value is None:
        return "n/a"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{round(value):,}"


def ratio(ours, theirs, lower_is_better=False):
    if not ours or not theirs:
        return "n/a"
    r = ours / theirs
    better = (r < 1) if lower_is_better else (r > 1)
    return f"{r:.2f}x" + (" (ours better)" if better else " (ours worse)" if r != 1 else "")


def main():
    results = load(sys.argv[1])
    check = "--check" in sys.argv[2:]
    by_name = {r["name"]: r for r in results}
    print("| scenario | spans produced | delivered | delivered fraction | delivered spans/s | CPU µs/span | peak RSS MiB | wall s | drain s | call p50 / p99 ns | bytes/span | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    problems = []
    for r in results:
        notes = []
        if r.get("exit_code", 0) != 0:
            notes.append(f"exit {r['exit_code']}")
        if "fallback_file_spans" in r:
            notes.append(f"fallback file {number(r['fallback_file_spans'])}")
            if r.get("bridge_dropped"):
                notes.append(f"dropped {number(r['bridge_dropped'])}")
            if r.get("unaccounted_spans", 0) != 0:
                notes.append(f"UNACCOUNTED {number(r['unaccounted_spans'])}")
                problems.append(f"{r['name']}: {r['unaccounted_spans']} spans unaccounted")
        if "spans_lost" in r and r["spans_lost"]:
            notes.append(f"lost {number(r['spans_lost'])} (swift-otel logged {number(r.get('otel_logged_dropped', 0))} dropped)")
        if r.get("otel_failed_exports"):
            notes.append(f"{r['otel_failed_exports']} failed exports")
        if r.get("drain_timed_out"):
            notes.append("DRAIN TIMED OUT")
        if r.get("sink_malformed"):
            notes.append(f"{r['sink_malformed']} malformed requests")
            problems.append(f"{r['name']}: the sink saw malformed requests")
        if r.get("exit_code", 0) != 0:
            problems.append(f"{r['name']}: exit code {r['exit_code']}")
        if not r.get("spans_produced") or not r.get("spans_delivered"):
            problems.append(f"{r['name']}: nothing produced or nothing delivered")
        notes.append(f"queue {number(r.get('queue'))}/batch {number(r.get('batch'))}" if r.get("queue") else "")
        call = f"{number(r.get('call_p50_ns'))} / {number(r.get('call_p99_ns'))}" if "call_p50_ns" in r else "n/a"
        per_span = r["sink_bytes"] / r["spans_delivered"] if r.get("spans_delivered") and "sink_bytes" in r else None
        print(f"| {r['scenario']} | {number(r.get('spans_produced'))} | {number(r.get('spans_delivered'))} | "
              f"{r.get('delivered_fraction', 0):.4f} | {number(r.get('delivered_spans_per_second'))} | "
              f"{number(r.get('cpu_us_per_span'), 2)} | {number(r.get('peak_rss_mib'), 1)} | "
              f"{number(r.get('wall_seconds'), 2)} | {number(r.get('drain_seconds'), 2)} | {call} | {number(per_span)} | "
              f"{'; '.join(n for n in notes if n)} |")

    print()
    print("Ratios, ours / swift-otel (spans/s: higher is better; CPU and RSS: lower is better):")
    print()
    print("| ours | swift-otel | delivered spans/s | CPU µs/span | peak RSS | delivered fraction |")
    print("|---|---|---:|---:|---:|---:|")
    for ours, theirs in [("bridge-steady", "otel-tuned"), ("bridge-steady", "otel-defaults"), ("bridge-burst", "otel-burst")]:
        a, b = by_name.get(ours), by_name.get(theirs)
        if not a or not b:
            continue
        print(f"| {a['scenario']} | {b['scenario']} | {ratio(a.get('delivered_spans_per_second'), b.get('delivered_spans_per_second'))} | "
              f"{ratio(a.get('cpu_us_per_span'), b.get('cpu_us_per_span'), True)} | {ratio(a.get('peak_rss_mib'), b.get('peak_rss_mib'), True)} | "
              f"{ratio(a.get('delivered_fraction'), b.get('delivered_fraction'))} |")
    if problems:
        print()
        print("Problems:")
        for p in problems:
            print(f"- {p}")
    if check and problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
