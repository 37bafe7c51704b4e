#!/usr/bin/env python3
"""Writes BENCHMARKS.md from the RESULT objects benchmarks/run.sh collected.

Usage: bench_report.py RESULTS.jsonl --output FILE [--check] [--smoke] [--started TEXT]
                       [--load TEXT] [--command TEXT] [--runs N] [--swift TEXT] [--profiles DIR]

RESULTS.jsonl holds one JSON object per scenario and round, as the benchmarks printed them, plus
the runner's `name`, `round` and `exit_code`. Every figure in the report is computed here from
those objects: medians over the rounds, with min-max. With --check, exits 1 (after writing) when
a scenario failed, a span of ours is unaccounted for, the sink saw a malformed request, a
transport receiver's count differs from the export summary, or a row run.sh always makes (the
transports, the equal-content scenario, the big offline file) is missing."""
import argparse
import json
import os
import platform
import re
import statistics
import sys
from collections import defaultdict

TARGETS = {
    "tuned_ratio": 5.0,        # in-process delivered spans/s vs swift-otel tuned
    "defaults_ratio": 10.0,    # ... vs swift-otel defaults
    "cpu_us_per_span": 5.0,    # in-process CPU per span, full mapping
    "equal_cpu_us_per_span": 3.0,  # in-process CPU per span, equal content (swift-otel's spans)
    "offline_rss_mib": 256.0,  # convert/export peak RSS, whatever the file size
    "burst_rss_mib": 256.0,    # burst peak RSS
    "convert_events_per_second": 200_000.0,
    "flat_mib": 4.0,           # RSS growth over the second half of the starts, with the bound low
}


# The transport comparison's scenario keys (run.sh) and their labels.
TRANSPORTS = {"transport-http": "OTLP/HTTP", "transport-grpc": "OTLP/gRPC"}

# Rows every run.sh run makes (besides the transports), with what makes them; --check fails when
# one is missing.
REQUIRED = {
    "bridge-equal-block": "the equal-content scenario (bridge-bench --equal-content), every round",
    "offline-convert-5m": "convert of the big generated file, once per run",
    "offline-export-5m": "export of the big generated file, once per run",
}
OFFLINE = ("offline-convert", "offline-export", "offline-convert-5m", "offline-export-5m")
# What the spans of each in-process scenario carry.
CONTENT = {
    "bridge-steady-block": "full mapping", "bridge-steady-spill": "full mapping",
    "bridge-equal-block": "8 string attributes, 1 event", "otel-defaults": "8 string attributes, 1 event",
    "otel-tuned": "8 string attributes, 1 event", "nemo-steady": "NeMo Relay's own",
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Stat:
    """Median and range of one measure over the rounds."""

    def __init__(self, values):
        self.values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]

    def __bool__(self):
        return bool(self.values)

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def text(self, digits=0, unit=""):
        if not self.values:
            return "n/a"
        fmt = (lambda v: f"{v:,.{digits}f}{unit}")
        if min(self.values) == max(self.values):
            return fmt(self.values[0])
        return f"{fmt(self.median)} ({fmt(min(self.values))}–{fmt(max(self.values))})"


class Results:
    def __init__(self, rows):
        self.by_name = defaultdict(list)
        for row in rows:
            self.by_name[row["name"]].append(row)

    def has(self, name):
        return any(not r.get("failed") for r in self.by_name.get(name, []))

    def stat(self, name, key):
        return Stat([r.get(key) for r in self.by_name.get(name, []) if not r.get("failed")])

    def median(self, name, key):
        return self.stat(name, key).median

    def first(self, name, key, default=None):
        for r in self.by_name.get(name, []):
            if key in r:
                return r[key]
        return default

    def rounds(self, name):
        return len([r for r in self.by_name.get(name, []) if not r.get("failed")])


def ratio_text(ours, theirs, lower_is_better=False):
    if not ours or not theirs:
        return "n/a"
    r = ours / theirs
    better = (r < 1) if lower_is_better else (r > 1)
    return f"{r:.2f}×" + (" (ours better)" if better else " (ours worse)" if r != 1 else "")


def problems_in(rows):
    problems = []
    for r in rows:
        name = r["name"]
        if r.get("failed"):
            problems.append(f"{name} round {r.get('round')}: no RESULT (the scenario failed)")
            continue
        if r.get("timed_out"):
            problems.append(f"{name}: timed out after {r.get('timeout_seconds', 0):.0f} s")
        elif r.get("exit_code", 0) != 0:
            problems.append(f"{name} round {r.get('round')}: exit code {r['exit_code']}")
        if r.get("unaccounted_spans", 0) != 0:
            problems.append(f"{name} round {r.get('round')}: {r['unaccounted_spans']} spans unaccounted for")
        if r.get("delivery_mismatch"):
            problems.append(f"{name}: the receiver accepted {r.get('spans_delivered', 0):,} spans, "
                            f"the export summary produced {r.get('spans_produced', 0):,}")
        if "unique_spans_delivered" in r and r.get("spans_delivered", 0) > r["unique_spans_delivered"]:
            problems.append(f"{name}: {r.get('spans_delivered', 0) - r['unique_spans_delivered']:,} spans delivered more than once")
        if r.get("sink_malformed"):
            problems.append(f"{name} round {r.get('round')}: the sink saw {r['sink_malformed']} malformed requests")
        if "spans_produced" in r and "spans_delivered" in r and not r.get("spans_delivered"):
            problems.append(f"{name} round {r.get('round')}: nothing delivered")
    return problems


def size_label(r):
    """The size of a pathological input in words: its count of levels, marks or line bytes."""
    count, unit = r.get("size_count", 0), r.get("size_unit", "")
    if unit == "levels":
        return f"{count:,}-deep chain of scopes"
    if unit == "marks":
        return f"{count:,} marks in one scope"
    if unit == "line-bytes":
        return f"one {count / (1 << 20):g} MiB payload line" if count >= 1 << 20 else f"one {count:,}-byte payload line"
    return f"{count:,} {unit}"


def pathological_outcome(r):
    """ok, a timeout, or the exit code; for export, the spans delivered of those produced."""
    if r.get("timed_out"):
        return f"**timeout** (> {r.get('timeout_seconds', 0):.0f} s)"
    if r.get("exit_code", 0) != 0:
        return f"**exit {r['exit_code']}**"
    if "spans_delivered" in r:
        text = f"ok: {r['spans_delivered']:,} of {r.get('spans_produced', 0):,} spans delivered"
        if r.get("unended_scopes") or r.get("unmatched_ends"):
            text += f"; {r.get('unended_scopes', 0):,} scopes unended, {r.get('unmatched_ends', 0):,} ends unmatched"
        return text
    return f"ok: {r['spans_produced']:,} spans" if r.get("spans_produced") is not None else "ok"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({model}), {memory} RAM, {platform.system()} {platform.release()}"


# Profile stages: a label and the symbol fragment (Swift mangled names) whose inclusive share is
# reported. Symbols that a build does not have show as n/a.
BRIDGE_STAGES = [
    ("Producer: `Bridge.receive` (pairing under the intake lock)", "6BridgeC7receive"),
    ("— of it `LiveSpanAssembler.receive`", "17LiveSpanAssemblerV7receive"),
    ("Export thread: `BatchSpanProcessor` loop", "BatchSpanProcessorC3run"),
    ("— of it `SpanMapper.span(for:)` (mapping)", "10SpanMapperV4span3for"),
    ("— of it protobuf request (build + pack, protobuf-c)", "ProtobufRequestBuilderC7request"),
    ("— of it sending the POST (kernel `send`; libcurl has no frame pointers)", "__send"),
    ("Benchmark's own event generation", "TurnEventsV4make"),
    ("`swift_retain` + `swift_release` (self)", None),
    ("malloc/free (self)", None),
]
CONVERT_STAGES = [
    ("Reading and decoding lines (`EventReader`)", "EventReader"),
    ("— of it JSON parsing (`JSONParser`)", "JSONParser"),
    ("Pairing (`SpanAssembler.plan`, the serial step)", "13SpanAssemblerV4plan"),
    ("Mapping (`SpanMapper.span(for:)`)", "10SpanMapperV4span3for"),
    ("Writing OTLP/JSON (`OTLPJSONEncoder`)", "15OTLPJSONEncoderV6encode"),
    ("Kernel page faults", "asm_exc_page_fault"),
    ("`swift_retain` + `swift_release` (self)", None),
    ("malloc/free (self)", None),
]
# "children% self% [comm dso] [.] symbol" (comm and dso only without --sort symbol).
LINE = re.compile(r"^\s+([\d.]+)%\s+([\d.]+)%\s+(?:\S+\s+\S+\s+)?\[[.k]\]\s+(.*)$")


def profile_rows(path, stages):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [LINE.match(l) for l in f]
    except OSError:
        return None
    # Symbols come padded, sometimes followed by empty "-" columns.
    entries = [(float(m.group(1)), float(m.group(2)), re.sub(r"(\s+-)*\s*$", "", m.group(3))) for m in lines if m]
    if not entries:
        return None
    rows = []
    for label, fragment in stages:
        if fragment is None:
            names = ("swift_retain", "swift_release") if "retain" in label else ("malloc", "free", "_int_malloc", "_int_free", "cfree", "malloc_consolidate")
            share = sum(selfp for _, selfp, sym in entries if sym.strip() in names)
        else:
            matches = [children for children, _, sym in entries if fragment in sym]
            share = max(matches) if matches else None
        rows.append((label, share))
    top = sorted(entries, key=lambda e: -e[1])[:12]
    return rows, top


def short_symbol(symbol):
    symbol = symbol.strip()
    return symbol if len(symbol) <= 110 else symbol[:107] + "..."


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--output", required=True)
    p.add_argument("--check", action="store_true")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--started", default="?")
    p.add_argument("--load", default="?")
    p.add_argument("--command", default="benchmarks/run.sh")
    p.add_argument("--runs", default="?")
    p.add_argument("--swift", default="?")
    p.add_argument("--revision", default="?")
    p.add_argument("--profiles")
    a = p.parse_args()
    rows = load(a.results)
    R = Results(rows)
    out = []
    w = out.append

    w("# Benchmarks")
    w("")
    if a.smoke:
        w("**Smoke run** (tiny counts, one round): it shows that the harness works, not how fast anything is.")
        w("")
    w(f"Written by `{a.command}` on {a.started}: {a.runs} round{'' if a.runs == '1' else 's'}; every figure is the **median over the rounds, "
      f"with min–max in brackets**. Each scenario runs in its own process; rounds interleave the scenarios, "
      f"so slow phases of the machine spread over all of them.")
    w("")
    w(f"- Machine: {machine()}; load average {a.load} (start → end).")
    w(f"- Code: atof-bridge at git revision {a.revision}.")
    w(f"- Toolchain: {a.swift}; {'debug builds (smoke)' if a.smoke else 'release builds (`swift build -c release`)'}.")
    ceiling = [r for r in rows if r["name"].startswith("ceiling-")]
    if ceiling:
        best = max(ceiling, key=lambda r: r.get("sink_spans_per_second", 0))
        w(f"- Sink: `otlp-sink` on 127.0.0.1 (counts spans by walking the protobuf wire format; answers 200). "
          f"Its ceiling, measured first in the same run by posting one 512-span request in a loop: "
          f"**{best.get('sink_spans_per_second', 0):,.0f} spans/s** over {best.get('connections')} connection(s), "
          f"{best.get('sink_cpu_us_per_span', 0):.2f} µs of sink CPU per span: far above every rate measured below.")
    w("- Delivered = counted by the sink, never the sender's own claim. CPU = user + system time of the whole "
      "process (all threads) divided by spans produced. Peak RSS = `ru_maxrss` (or `/usr/bin/time -v`).")
    w("- Absolute numbers on a shared 2-core machine are noisy; the ratios within one run are what count.")
    w("")

    # Targets.
    ours = "bridge-steady-block"
    ours_rate = R.median(ours, "delivered_spans_per_second")
    tuned_rate = R.median("otel-tuned", "delivered_spans_per_second")
    defaults_rate = R.median("otel-defaults", "delivered_spans_per_second")
    ours_cpu = R.median(ours, "cpu_us_per_span")
    equal_cpu = R.median("bridge-equal-block", "cpu_us_per_span")
    equal_rate = R.median("bridge-equal-block", "delivered_spans_per_second")
    burst_rows = [r for r in R.by_name.get("bridge-burst", []) if not r.get("failed")]
    burst_unaccounted = sum(abs(r.get("unaccounted_spans", 0)) for r in burst_rows)
    burst_rss = max((r.get("peak_rss_mib", 0) for r in burst_rows), default=None)
    convert_rate = R.median("offline-convert", "events_per_second")
    flat = R.stat("open-bounded", "rss_growth_second_half_mib")
    flat_max = max(flat.values) if flat else None

    def shortfall(factor, word):
        return f"{factor:.1f}× {word}"

    def verdict(ok, gap):
        if ok is None:
            return "not measured"
        return "**met**" if ok else f"**missed** ({gap})"

    w("## Targets")
    w("")
    w("| target | measured (median) | verdict |")
    w("|---|---|---|")
    if tuned_rate and ours_rate:
        r = ours_rate / tuned_rate
        w(f"| in-process delivered spans/s ≥ {TARGETS['tuned_ratio']:.0f}× swift-otel tuned | {ours_rate:,.0f} vs {tuned_rate:,.0f} = {r:.2f}× | "
          f"{verdict(r >= TARGETS['tuned_ratio'], shortfall(TARGETS['tuned_ratio'] / r, 'short'))} |")
    else:
        w(f"| in-process ≥ {TARGETS['tuned_ratio']:.0f}× swift-otel tuned | swift-otel not run | not measured |")
    if defaults_rate and ours_rate:
        r = ours_rate / defaults_rate
        w(f"| in-process delivered spans/s ≥ {TARGETS['defaults_ratio']:.0f}× swift-otel defaults | {ours_rate:,.0f} vs {defaults_rate:,.0f} = {r:.2f}× | "
          f"{verdict(r >= TARGETS['defaults_ratio'], shortfall(TARGETS['defaults_ratio'] / r, 'short'))} |")
    if ours_cpu is not None:
        w(f"| CPU ≤ {TARGETS['cpu_us_per_span']:.0f} µs per span in process, full mapping | {ours_cpu:.1f} µs | "
          f"{verdict(ours_cpu <= TARGETS['cpu_us_per_span'], shortfall(ours_cpu / TARGETS['cpu_us_per_span'], 'over'))} |")
    if equal_cpu is not None:
        w(f"| CPU ≤ {TARGETS['equal_cpu_us_per_span']:.0f} µs per span in process, equal content | {equal_cpu:.1f} µs | "
          f"{verdict(equal_cpu <= TARGETS['equal_cpu_us_per_span'], shortfall(equal_cpu / TARGETS['equal_cpu_us_per_span'], 'over'))} |")
    if tuned_rate and equal_rate:
        r = equal_rate / tuned_rate
        w(f"| (no target) equal content, delivered spans/s vs swift-otel tuned | {equal_rate:,.0f} vs {tuned_rate:,.0f} = {r:.2f}× | — |")
    if burst_rows:
        ok = burst_unaccounted == 0 and burst_rss is not None and burst_rss < TARGETS["burst_rss_mib"]
        w(f"| burst of {burst_rows[0].get('spans_produced', 0):,} spans: every span accounted for, peak RSS < {TARGETS['burst_rss_mib']:.0f} MiB | "
          f"{burst_unaccounted} unaccounted over {len(burst_rows)} rounds; peak RSS ≤ {burst_rss:.0f} MiB | {verdict(ok, 'see the burst table')} |")
    if convert_rate:
        w(f"| offline convert ≥ {TARGETS['convert_events_per_second']:,.0f} events/s | {convert_rate:,.0f} events/s | "
          f"{verdict(convert_rate >= TARGETS['convert_events_per_second'], shortfall(TARGETS['convert_events_per_second'] / convert_rate, 'short'))} |")
    for n in OFFLINE:
        rss = R.median(n, "peak_rss_mib")
        if rss is not None:
            w(f"| {R.first(n, 'scenario')}: peak RSS ≤ {TARGETS['offline_rss_mib']:.0f} MiB | {rss:,.0f} MiB | "
              f"{verdict(rss <= TARGETS['offline_rss_mib'], shortfall(rss / TARGETS['offline_rss_mib'], 'over'))} |")
        elif R.first(n, "timed_out"):
            w(f"| {R.first(n, 'scenario')}: peak RSS ≤ {TARGETS['offline_rss_mib']:.0f} MiB | timed out | **missed** |")
    if flat:
        w(f"| memory flat under a low open-scope bound | RSS grew ≤ {flat_max:.1f} MiB over the second half of the starts | "
          f"{verdict(flat_max <= TARGETS['flat_mib'], f'{flat_max:.1f} MiB growth')} |")
    w("")

    # Encode.
    encode = list(dict.fromkeys(r["name"] for r in rows if r["name"].startswith("encode/")))
    if encode:
        w("## 1. Encoding alone (span → request body)")
        w("")
        w("`encode-bench`: batches of 512 LLM-shaped spans (one span event each), encoded again and again by the "
          "exporter's encoders: OTLP protobuf through libprotobuf-c (what is posted) and OTLP/JSON (what the fallback "
          "file holds). CPU time of the encoding thread.")
        w("")
        w("| case | ns per span (CPU) | output MB/s | bytes per span |")
        w("|---|---:|---:|---:|")
        for name in encode:
            w(f"| {R.first(name, 'scenario')} | {R.stat(name, 'cpu_ns_per_span').text()} | "
              f"{R.stat(name, 'output_megabytes_per_second').text()} | {R.stat(name, 'bytes_per_span').text()} |")
        w("")

    # In-process delivery.
    steady = [n for n in CONTENT if R.has(n)]
    if steady:
        w("## 2. In process: an agent workload delivered to the sink")
        w("")
        w("Agent-shaped turns (agent → LLM with a streaming-chunk mark → two tools; 9 events, 4 spans per turn), made "
          "in memory with the shape of `generate_atof.py`. atof-bridge: events fed to `Bridge.receive(_:)` from one "
          "thread, then `shutdown()`; its spans carry the full mapping (15–36 attributes). atof-bridge equal content "
          "(`bridge-bench --equal-content`): swift-otel's spans exactly (same names, kinds, 8 string attributes, status, "
          "one span event on the LLM span; random ids, wall-clock times), each made as an `OTLP.Span` when it ends and "
          "handed to `Bridge.receive(spans:)` at once, so the same work as swift-otel's: make, queue, batch, encode, post "
          "(no ATOF mapping). swift-otel 1.6.0: the same "
          "turns through `withSpan`, OTLP/HTTP protobuf, 8 string attributes per span plus status and one span event. "
          "NeMo Relay 0.10.4 (Python): the same turns through its scope API and OpenTelemetry subscriber. "
          "Call p50/p99: the producer's call (one `Bridge.receive` per event; equal content: one leaf span made and handed to "
          "`Bridge.receive(spans:)`; one leaf `withSpan`; one NeMo Relay event call).")
        w("")
        w("| scenario | span content | spans | delivered fraction | delivered spans/s | CPU µs/span | call p50 / p99 ns | peak RSS MiB | bytes/span on the wire |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for n in steady:
            bytes_per_span = Stat([r["sink_bytes"] / r["spans_delivered"] for r in R.by_name[n]
                                   if r.get("spans_delivered") and r.get("sink_bytes")])
            w(f"| {R.first(n, 'scenario')} | {CONTENT[n]} | {R.stat(n, 'spans_produced').text()} | {R.stat(n, 'delivered_fraction').text(4)} | "
              f"{R.stat(n, 'delivered_spans_per_second').text()} | {R.stat(n, 'cpu_us_per_span').text(1)} | "
              f"{R.stat(n, 'call_p50_ns').text()} / {R.stat(n, 'call_p99_ns').text()} | {R.stat(n, 'peak_rss_mib').text(0)} | "
              f"{bytes_per_span.text()} |")
        w("")
        peers = [n for n in ("otel-tuned", "otel-defaults", "nemo-steady") if R.has(n)]
        if peers:
            w("Ratios of the medians, ours / peer (spans/s: higher is better; CPU, RSS: lower is better):")
            w("")
            w("| ours | peer | delivered spans/s | CPU µs/span | peak RSS | delivered fraction |")
            w("|---|---|---:|---:|---:|---:|")
            for mine in [m for m in ("bridge-steady-block", "bridge-steady-spill", "bridge-equal-block") if R.has(m)]:
                for peer in peers:
                    w(f"| {R.first(mine, 'scenario')} | {R.first(peer, 'scenario')} | "
                      f"{ratio_text(R.median(mine, 'delivered_spans_per_second'), R.median(peer, 'delivered_spans_per_second'))} | "
                      f"{ratio_text(R.median(mine, 'cpu_us_per_span'), R.median(peer, 'cpu_us_per_span'), True)} | "
                      f"{ratio_text(R.median(mine, 'peak_rss_mib'), R.median(peer, 'peak_rss_mib'), True)} | "
                      f"{ratio_text(R.median(mine, 'delivered_fraction'), R.median(peer, 'delivered_fraction'))} |")
            w("")

    # Burst.
    bursts = [n for n in ("bridge-burst", "otel-burst") if R.has(n)]
    if bursts:
        w("## 3. Burst: spans produced as fast as possible, default settings")
        w("")
        w("| scenario | spans | delivered fraction | in the fallback file | lost | produce s | drain s (after the last span) | delivered spans/s | peak RSS MiB |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in bursts:
            lost = R.stat(n, "spans_lost") if R.first(n, "spans_lost") is not None else R.stat(n, "unaccounted_spans")
            w(f"| {R.first(n, 'scenario')} | {R.stat(n, 'spans_produced').text()} | {R.stat(n, 'delivered_fraction').text(4)} | "
              f"{R.stat(n, 'fallback_file_spans').text() if R.first(n, 'fallback_file_spans') is not None else '—'} | {lost.text()} | "
              f"{R.stat(n, 'produce_seconds').text(2)} | {R.stat(n, 'drain_seconds').text(2)} | "
              f"{R.stat(n, 'delivered_spans_per_second').text()} | {R.stat(n, 'peak_rss_mib').text()} |")
        w("")
        w("atof-bridge's default overflow policy is `spill`: what the export thread cannot take at once is written to "
          "the fallback file (OTLP/JSON, replayable with `atof-bridge replay`), so sink + file = produced. swift-otel "
          "drops what does not fit its queue (lost = produced − delivered).")
        w("")

    # Offline.
    # Foreign agent event formats (run.sh: one scaled example per format, convert once).
    offline = [n for n in OFFLINE if R.has(n)] + sorted(n for n in R.by_name if n.startswith("foreign-convert-") and R.has(n))
    if offline:
        w("## 4. Offline: a generated ATOF file through the command line")
        w("")
        w("`generate_atof.py N` (deterministic, agent-shaped), then `atof-bridge convert FILE --to otlp-json -o OUT` and "
          "`atof-bridge export FILE --endpoint SINK` (whole-file judgement, span-mapping.md §2), timed by `/usr/bin/time -v`. "
          "The smaller file runs every round; the big one (5,000,000 events in a full run) once per run, each command "
          "under its own timeout. The foreign-format rows (`convert` of a foreign agent event file, the format's "
          "`Tests/Fixtures/foreign/<format>/e2e.*` example repeated with renamed ids by `scale_foreign.py` to about as many "
          "input lines as the smaller file) count in *events* the ATOF events the translation made (input lines are in the "
          "row's name): their events/s include translating, pairing, mapping and writing.")
        w("")
        w("| command | events | spans | events/s | wall s | user s | system s | peak RSS MiB | delivered |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in offline:
            if R.first(n, "timed_out"):
                w(f"| {R.first(n, 'scenario')} | {R.first(n, 'events', 0):,} | — | **timeout** (> {R.first(n, 'timeout_seconds', 0):,} s) "
                  "| — | — | — | — | — |")
                continue
            w(f"| {R.first(n, 'scenario')} | {R.stat(n, 'events').text()} | {R.stat(n, 'spans_produced').text()} | "
              f"{R.stat(n, 'events_per_second').text()} | {R.stat(n, 'wall_seconds').text(1)} | {R.stat(n, 'user_seconds').text(1)} | "
              f"{R.stat(n, 'system_seconds').text(1)} | {R.stat(n, 'peak_rss_mib').text()} | "
              f"{R.stat(n, 'delivered_fraction').text(4) if R.first(n, 'delivered_fraction') is not None else '—'} |")
        w("")
    decode = list(dict.fromkeys(r["name"] for r in rows if r["name"].startswith("decode")))
    if decode and any(R.has(n) for n in decode):
        w("### Decoding alone: our parser next to Foundation's")
        w("")
        w("`decode-bench` over the same file: every line parsed, nothing else.")
        w("")
        keys = [k for k in ("ns_per_line", "megabytes_per_second", "lines_per_second") if R.first(decode[0], k) is not None]
        w("| decoder | " + " | ".join(k.replace("_", " ") for k in keys) + " |")
        w("|---|" + "---:|" * len(keys))
        for n in decode:
            w(f"| {R.first(n, 'scenario')} | " + " | ".join(R.stat(n, k).text() for k in keys) + " |")
        w("")

    # Memory.
    memory = [n for n in ("open-small", "open-large", "open-bounded") if R.has(n)]
    if memory:
        w("## 5. Memory: scopes started and never ended, live mode")
        w("")
        w("`bridge-bench --open-scopes N [--max-open M]`: one agent scope, then N tool scopes started under it and never "
          "ended. Resident memory (`/proc/self/statm`) is read before the first event and after 10 %, 50 % and 100 % of "
          "the starts; then `shutdown()` exports every scope still open as unended (all delivered). With the bound M "
          "low, the oldest open scope is exported as unended whenever a new one would pass it.")
        w("")
        w("| scenario | bound | RSS before MiB | at 10 % | at 50 % | at 100 % | growth, 2nd half MiB | bytes per open scope | spans delivered |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in memory:
            w(f"| {R.first(n, 'scenario')} | {R.first(n, 'maximum_open_scopes', 0):,} | {R.stat(n, 'rss_baseline_mib').text(1)} | "
              f"{R.stat(n, 'rss_at_10_percent_mib').text(1)} | {R.stat(n, 'rss_at_50_percent_mib').text(1)} | "
              f"{R.stat(n, 'rss_at_end_mib').text(1)} | {R.stat(n, 'rss_growth_second_half_mib').text(1)} | "
              f"{R.stat(n, 'bytes_per_open_scope').text()} | {R.stat(n, 'delivered_fraction').text(4)} |")
        w("")

    # Scope cost.
    if R.has("scope-atof") and R.has("scope-otel"):
        w("## 6. The cost of one scope in an app")
        w("")
        w("`scope-bench`: one empty scope (start + end) nested in an agent scope, many times, exporting to the sink: "
          "`withScope` with the `Bridge` installed next to swift-otel's `withSpan` (defaults).")
        w("")
        w("| implementation | ns per scope (loop) | call p50 / p99 ns | CPU ns per scope (whole process) |")
        w("|---|---:|---:|---:|")
        for n in ("scope-atof", "scope-otel"):
            w(f"| {R.first(n, 'implementation')} | {R.stat(n, 'ns_per_scope').text()} | "
              f"{R.stat(n, 'call_p50_ns').text()} / {R.stat(n, 'call_p99_ns').text()} | {R.stat(n, 'cpu_ns_per_scope').text()} |")
        w("")

    # Instrumentation of agent code as written.
    if R.has("app-encodable") or R.has("app-log"):
        w("### The cost of a Codable response and of a log record")
        w("")
        w("`app-bench`, with the `Bridge` installed: `withLLMCall` returning a `Codable` chat completion (encoded "
          "with `JSONEncoder` and parsed into the end event) next to the same response as a prebuilt `JSONValue`; "
          "`logger.info` inside a scope through `ATOFLogHandler` (a `log` mark, then forwarded) next to the wrapped "
          "handler (which drops the record) alone.")
        w("")
        w("| scenario | ns per call | baseline ns per call | extra ns per call |")
        w("|---|---:|---:|---:|")
        for n in ("app-encodable", "app-log"):
            if R.has(n):
                w(f"| {R.first(n, 'scenario')} | {R.stat(n, 'ns_per_call').text()} | "
                  f"{R.stat(n, 'baseline_ns_per_call').text()} | {R.stat(n, 'extra_ns_per_call').text()} |")
        w("")

    # Pathological inputs.
    pathological = list(dict.fromkeys(r["name"] for r in rows if r.get("pathological")))
    if pathological:
        w("## 7. Pathological inputs")
        w("")
        w("`scripts/generate_pathological.py` (deterministic ATOF 0.1): one chain of nested scopes (`deep N`: N starts, "
          "each the child of the one before, then the N ends), one open scope receiving N marks (`marks N`), and one "
          "scope whose start event carries a payload of N bytes (`hugeline N`). Each command runs once, in its own "
          "process, timed by `/usr/bin/time -v` under a timeout of its own, so that a superlinear regression shows "
          "here as a timeout rather than a hung run. Output bytes: the file written (`convert`), standard output "
          "(`stats --json`, counted and dropped), or the request bytes the sink received (`export`).")
        w("")
        w("| command | input | input bytes | wall s | peak RSS MiB | output bytes | result |")
        w("|---|---|---:|---:|---:|---:|---|")
        for n in pathological:
            r = R.by_name[n][-1]
            w(f"| `{r.get('scenario')}` | {size_label(r)} | {r.get('input_bytes', 0):,} | "
              f"{'—' if r.get('timed_out') else Stat([r.get('wall_seconds')]).text(2)} | {Stat([r.get('peak_rss_mib')]).text()} | "
              f"{r.get('output_bytes', 0):,} | {pathological_outcome(r)} |")
        w("")

    # Transports.
    transports = [n for n in TRANSPORTS if n in R.by_name]
    if transports:
        w("## 8. OTLP/HTTP and OTLP/gRPC")
        w("")
        events = next((R.first(n, "events") for n in transports if R.first(n, "events")), None)
        w(f"`generate_atof.py {f'{events:,}' if events else 'N'}`, exported once per run by "
          "`atof-bridge export FILE --protocol http/protobuf` to `scripts/otlp_sink.py` and by "
          "`atof-bridge export FILE --protocol grpc` to `scripts/otlp_grpc_sink.py`: both receivers are Python and "
          "decode every request with opentelemetry-proto, so neither transport gets the faster sink. "
          "Each export is timed by `/usr/bin/time -v` under a timeout; delivered = the spans the receiver accepted, "
          "checked against the spans the export summary produced. **The wall time is bounded by the Python receivers; "
          "the client CPU per span (user + system time of the `atof-bridge` process) is ours.**")
        w("")
        w("| transport | events | spans | delivered | wall s | client CPU µs per span | peak RSS MiB |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for n in transports:
            r = R.by_name[n][-1]
            if r.get("failed"):
                w(f"| {TRANSPORTS[n]} | — | — | **failed** | — | — | — |")
                continue
            delivered = f"{r.get('spans_delivered', 0):,}"
            if r.get("delivery_mismatch"):
                delivered = f"**{delivered}** (mismatch)"
            w(f"| {r.get('transport', TRANSPORTS[n])} | {r.get('events') or 0:,} | {r.get('spans_produced', 0):,} | {delivered} | "
              f"{Stat([r.get('wall_seconds')]).text(2)} | {Stat([r.get('cpu_us_per_span')]).text(2)} | "
              f"{Stat([r.get('peak_rss_mib')]).text(1)} |")
        w("")

    # Profiles.
    if a.profiles:
        sections = [("bridge.profile", BRIDGE_STAGES, "In process (`bridge-bench --spans 100000 --policy block`)"),
                    ("convert.profile", CONVERT_STAGES, "Offline (`atof-bridge convert` of a 200,000-event file)")]
        found = [(title, profile_rows(os.path.join(a.profiles, f), stages)) for f, stages, title in sections]
        if any(p for _, p in found):
            w("## Where the time goes (perf record -g, same build)")
            w("")
            for title, parsed in found:
                if not parsed:
                    continue
                stages, top = parsed
                w(f"**{title}**: inclusive share of all samples.")
                w("")
                w("| stage | share |")
                w("|---|---:|")
                for label, share in stages:
                    w(f"| {label} | {'n/a' if share is None else f'{share:.1f} %'} |")
                w("")
                w("<details><summary>Top self-time symbols</summary>")
                w("")
                w("| self % | symbol |")
                w("|---:|---|")
                for _, selfp, sym in top:
                    w(f"| {selfp:.1f} | `{short_symbol(sym)}` |")
                w("")
                w("</details>")
                w("")

    problems = problems_in(rows)
    if a.check:
        problems += [f"{n}: no transport row (run.sh exports over {label} once per run)"
                     for n, label in TRANSPORTS.items() if n not in R.by_name]
        problems += [f"{n}: no row ({what})" for n, what in REQUIRED.items() if n not in R.by_name]
    if problems:
        w("## Problems in this run")
        w("")
        for problem in problems:
            w(f"- {problem}")
        w("")
    notes_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "BENCHMARKS-notes.md")
    if not a.smoke and os.path.exists(notes_path):
        with open(notes_path, encoding="utf-8") as f:
            out.append(f.read().rstrip("\n"))
        w("")

    with open(a.output, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    if a.check and problems:
        for problem in problems:
            print("bench_report: " + problem, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
