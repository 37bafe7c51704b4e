#!/usr/bin/env python3
"""nemo_relay_bench: the agent workload of bridge-bench, produced through NeMo Relay's Python API
and exported by its native OpenTelemetrySubscriber as OTLP/HTTP protobuf to otlp-sink.

Run with the venv that `bash benchmarks/nemo-relay-env.sh` prints:

  nemo_relay_bench.py --endpoint http://127.0.0.1:PORT/v1/traces [--spans N] [--burst]
                      [--scenario NAME] [--otel-type openinference|gen_ai|full]
  nemo_relay_bench.py --dump-events TURNS     the events nemo-relay emits, as JSON lines

Per turn (generate_atof.py's shape, 9 producer calls, 4 spans):
  scope.push("planner", Agent)                         agent scope start
  llm.call("openai.chat", LLMRequest, STREAMING)       LLM scope start (OpenAI-style request)
  scope.event("llm.chunk")                             mark (see the note below)
  llm.call_end(response with usage)                    LLM scope end
  tools.call / tools.call_end  x2 ("search", "calculator")
  scope.pop(agent)                                     agent scope end

Notes on nemo-relay 0.10.4:
- `scope.event` only takes a ScopeHandle as parent, and `llm.call` returns an LLMHandle without
  pushing a scope, so the llm.chunk mark's parent is the agent scope (the top of the stack), not
  the LLM scope. With --otel-type openinference (the default here) or full it is exported as a span
  event on the agent span; gen_ai leaves it out (OpenTelemetryConfig's default
  `mark_exclude_names` is ["llm.chunk"]). The call is made and timed either way.
- --otel-type picks OpenTelemetryConfig's attribute convention. openinference is the default here
  because it is the nearest to atof-bridge's output (OpenInference attributes plus the raw
  payloads under nemo_relay.*); gen_ai writes only gen_ai.* and is about a third of the bytes.
- The trace subscriber exposes no batch settings; it uses the Rust opentelemetry_sdk batch span
  processor with its defaults (which that SDK reads from OTEL_BSP_* when set; this script does
  not set them).
- Events are queued by the producer call and handed to subscribers on nemo-relay's own
  dispatcher thread; `subscribers.flush()` waits for that queue, then the subscriber is
  force-flushed and shut down. All of that is the drain time.

One `RESULT {json}` line goes to stdout (keys as bridge-bench's where they mean the same), the
same entries as `name  value` lines to stderr. Exit status 0 when every produced span reached the
sink, 3 otherwise, 1 when the sink is not answering, 64 for bad arguments."""

import argparse
import json
import os
import re
import resource
import sys
import time
import urllib.request

import nemo_relay
from nemo_relay import LLMAttributes, LLMRequest, ScopeType, ToolExecutionResult, llm, scope, tools

try:
    from importlib.metadata import version as _package_version

    NEMO_VERSION = _package_version("nemo-relay")
except Exception:  # pragma: no cover - metadata missing is not worth failing the run for
    NEMO_VERSION = "unknown"

SPANS_PER_TURN = 4
EVENTS_PER_TURN = 9
PAYLOAD_VARIANTS = 256
# Every SAMPLE_EVERY-th producer call (and turn) is timed with perf_counter_ns: timing all of
# them would add two clock reads per call to a Python loop whose calls take a few microseconds.
SAMPLE_EVERY = 16


class Payloads:
    """One payload variant: the generator's contents, numbered by variant (built once)."""

    __slots__ = ("agent_input", "agent_output", "request", "response", "search_input", "search_call_id", "search_output",
                 "calculator_output")

    def __init__(self, variant):
        self.agent_input = {"question": variant}
        self.agent_output = {"answer": variant}
        self.request = LLMRequest({}, {
            "model": "gpt-4o",
            "messages": [{"role": "system", "content": "You are a planner."}, {"role": "user", "content": f"question {variant}"}],
            "temperature": 0.2,
        })
        self.response = {
            "id": f"chatcmpl-{variant}", "model": "gpt-4o-2024",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"answer {variant}"}}],
            "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
        }
        self.search_input = {"q": f"term {variant}"}
        self.search_call_id = f"call_{variant}a"
        self.search_output = ToolExecutionResult({"hits": 3})
        self.calculator_output = ToolExecutionResult(42)


SESSION = {"session_id": "bench"}
STATUS_OK = {"otel.status_code": "OK"}
CHUNK_DATA = {"chunk_index": 0, "provider": "openai"}
CALCULATOR_INPUT = {"expr": "6*7"}
STREAMING = LLMAttributes(LLMAttributes.STREAMING)


def make_payloads():
    return [Payloads(variant) for variant in range(1, PAYLOAD_VARIANTS + 1)]


def run_turns(payloads, turns):
    """Produces `turns` turns as fast as possible, timing every SAMPLE_EVERY-th call and turn."""
    calls = []
    turn_times = []
    clock = time.perf_counter_ns
    push, pop, event = scope.push, scope.pop, scope.event
    llm_call, llm_end = llm.call, llm.call_end
    tool_call, tool_end = tools.call, tools.call_end
    agent_type = ScopeType.Agent
    record = calls.append
    for turn in range(turns):
        p = payloads[turn % PAYLOAD_VARIANTS]
        if turn % SAMPLE_EVERY:
            # The unsampled path: the same nine calls with no clock reads.
            agent = push("planner", agent_type, input=p.agent_input, metadata=SESSION)
            call = llm_call("openai.chat", p.request, attributes=STREAMING, model_name="gpt-4o")
            event("llm.chunk", data=CHUNK_DATA)
            llm_end(call, p.response, metadata=STATUS_OK)
            tool = tool_call("search", p.search_input, tool_call_id=p.search_call_id)
            tool_end(tool, p.search_output, metadata=STATUS_OK)
            tool = tool_call("calculator", CALCULATOR_INPUT)
            tool_end(tool, p.calculator_output, metadata=STATUS_OK)
            pop(agent, output=p.agent_output, metadata=STATUS_OK)
            continue
        # Sampled turn: all nine calls of every 16th turn are timed (9 of 144 calls = 1/16), and
        # the whole turn too.
        t0 = clock()
        agent = push("planner", agent_type, input=p.agent_input, metadata=SESSION)
        t1 = clock()
        call = llm_call("openai.chat", p.request, attributes=STREAMING, model_name="gpt-4o")
        t2 = clock()
        event("llm.chunk", data=CHUNK_DATA)
        t3 = clock()
        llm_end(call, p.response, metadata=STATUS_OK)
        t4 = clock()
        tool = tool_call("search", p.search_input, tool_call_id=p.search_call_id)
        t5 = clock()
        tool_end(tool, p.search_output, metadata=STATUS_OK)
        t6 = clock()
        tool = tool_call("calculator", CALCULATOR_INPUT)
        t7 = clock()
        tool_end(tool, p.calculator_output, metadata=STATUS_OK)
        t8 = clock()
        pop(agent, output=p.agent_output, metadata=STATUS_OK)
        t9 = clock()
        record(t1 - t0); record(t2 - t1); record(t3 - t2); record(t4 - t3); record(t5 - t4)
        record(t6 - t5); record(t7 - t6); record(t8 - t7); record(t9 - t8)
        turn_times.append(t9 - t0)
    return calls, turn_times


def generation_cost(payloads, turns):
    """CPU microseconds of the loop's own bookkeeping (variant lookup, attribute reads) without the
    nemo-relay calls; reported like bridge-bench's generation_cpu_us_per_span."""
    before = cpu_seconds()
    checksum = 0
    for turn in range(turns):
        p = payloads[turn % PAYLOAD_VARIANTS]
        checksum += (p.agent_input is not None) + (p.request is not None) + (p.response is not None) \
            + (p.search_input is not None) + (p.search_output is not None) + (p.calculator_output is not None)
    assert checksum == turns * 6
    return (cpu_seconds() - before) * 1e6


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)  # the whole process: every thread, native ones too
    return usage.ru_utime + usage.ru_stime


def quantile(sorted_values, q):
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def sink_stats(endpoint):
    base = re.match(r"(https?://[^/]+)", endpoint).group(1)
    with urllib.request.urlopen(base + "/stats", timeout=10) as response:
        stats = json.loads(response.read())
    # otlp-sink (Swift) says "bytes"; scripts/otlp_sink.py says "bytes_received".
    return {"spans": int(stats.get("spans", 0)), "requests": int(stats.get("requests", 0)),
            "bytes": int(stats.get("bytes", stats.get("bytes_received", 0))),
            "malformed": int(stats.get("malformed", stats.get("invalid_requests", 0))),
            "cpu_us": int(stats.get("cpu_us", 0))}


def diagnostics(subscriber):
    try:
        return {entry.code: entry.count for entry in subscriber.runtime_diagnostics().entries}
    except Exception as error:  # diagnostics are informative only
        return {"runtime_diagnostics_error": str(error)}


def dump_events(turns):
    nemo_relay.subscribers.register("dump", lambda event: print(event.to_json()))
    run_turns(make_payloads(), turns)
    nemo_relay.subscribers.flush()
    nemo_relay.subscribers.deregister("dump")
    return 0


def benchmark(args):
    spans_requested = args.spans if args.spans is not None else (1_000_000 if args.burst else 400_000)
    turns = (spans_requested + SPANS_PER_TURN - 1) // SPANS_PER_TURN
    produced = turns * SPANS_PER_TURN
    payloads = make_payloads()
    calibration_turns = min(turns, 50_000)
    generation_us_per_span = generation_cost(payloads, calibration_turns) / (calibration_turns * SPANS_PER_TURN)

    try:
        before = sink_stats(args.endpoint)
    except Exception as error:
        print(f"nemo_relay_bench: no sink answering GET /stats at {args.endpoint}: {error}", file=sys.stderr)
        return 1

    config = nemo_relay.OpenTelemetryConfig(args.otel_type, args.endpoint)  # transport: http_binary (the default)
    config.service_name = "nemo-relay-bench"
    subscriber = nemo_relay.OpenTelemetrySubscriber(config)
    subscriber.register("otlp")

    cpu_before = cpu_seconds()
    start = time.perf_counter()
    calls, turn_times = run_turns(payloads, turns)
    produced_at = time.perf_counter()
    errors = []
    nemo_relay.subscribers.flush()          # every queued event handed to the subscriber
    dispatched_at = time.perf_counter()
    try:
        subscriber.force_flush()            # batch processor queue exported
    except Exception as error:
        errors.append(f"force_flush: {error}")
    flushed_at = time.perf_counter()
    subscriber.deregister("otlp")
    try:
        subscriber.shutdown()
    except Exception as error:
        errors.append(f"shutdown: {error}")
    drained_at = time.perf_counter()
    cpu = cpu_seconds() - cpu_before
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    diag = diagnostics(subscriber)

    try:
        after = sink_stats(args.endpoint)
    except Exception as error:
        print(f"nemo_relay_bench: the sink stopped answering: {error}", file=sys.stderr)
        return 1
    delivered = after["spans"] - before["spans"]
    produce_seconds = produced_at - start
    drain_seconds = drained_at - produced_at
    wall = produce_seconds + drain_seconds
    calls.sort()
    turn_times.sort()

    report = [
        ("scenario", args.scenario or ("nemo-relay burst (defaults)" if args.burst else "nemo-relay steady (defaults)")),
        ("implementation", f"nemo-relay {NEMO_VERSION}"),
        ("otel_type", args.otel_type),
        ("turns", turns),
        ("events", turns * EVENTS_PER_TURN),
        ("spans_produced", produced),
        ("spans_delivered", delivered),
        ("delivered_fraction", delivered / produced if produced else 0.0),
        ("spans_lost", produced - delivered),
        ("nemo_spans_dropped", diag.get("otel.spans_dropped", 0)),
        ("nemo_export_failures", diag.get("otel.traces_export_failed", 0)),
        ("produce_seconds", produce_seconds),
        ("drain_seconds", drain_seconds),
        ("dispatch_seconds", dispatched_at - produced_at),
        ("flush_seconds", flushed_at - dispatched_at),
        ("wall_seconds", wall),
        ("produced_spans_per_second", produced / produce_seconds if produce_seconds else 0.0),
        ("delivered_spans_per_second", delivered / wall if wall else 0.0),
        ("cpu_seconds", cpu),
        ("cpu_us_per_span", cpu / produced * 1e6 if produced else 0.0),
        ("generation_cpu_us_per_span", generation_us_per_span),
        ("peak_rss_mib", peak_rss_kib / 1024),
        ("call_p50_ns", quantile(calls, 0.50)),
        ("call_p99_ns", quantile(calls, 0.99)),
        ("call_max_ns", calls[-1] if calls else 0),
        ("call_kind", f"nemo_relay scope/llm/tools call (1 turn in {SAMPLE_EVERY} timed)"),
        ("turn_p50_ns", quantile(turn_times, 0.50)),
        ("turn_p99_ns", quantile(turn_times, 0.99)),
        ("sink_requests", after["requests"] - before["requests"]),
        ("sink_bytes", after["bytes"] - before["bytes"]),
        ("sink_malformed", after["malformed"] - before["malformed"]),
        # The sink's own CPU over the run (otlp-sink reports it; 0 from sinks that do not): far
        # below wall_seconds means the sink was not what limited delivery.
        ("sink_cpu_seconds", (after["cpu_us"] - before["cpu_us"]) / 1e6),
    ]
    width = max(len(key) for key, _ in report)
    for key, value in report:
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key.ljust(width)}  {shown}", file=sys.stderr)
    for code, count in sorted(diag.items()):
        print(f"nemo_relay_bench: diagnostic {code}: {count}", file=sys.stderr)
    for error in errors:
        print(f"nemo_relay_bench: {error}", file=sys.stderr)
    print("RESULT " + json.dumps(dict(report), separators=(",", ":")), flush=True)
    return 0 if delivered == produced else 3


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="http://127.0.0.1:PORT/v1/traces (otlp-sink)")
    parser.add_argument("--spans", type=int, help="spans to produce (whole turns of 4); default 400000, 1000000 with --burst")
    parser.add_argument("--burst", action="store_true", help="burst scenario: default span count 1000000, default settings")
    parser.add_argument("--scenario", help="scenario name in the RESULT line")
    parser.add_argument("--otel-type", default="openinference", choices=["openinference", "gen_ai", "full"],
                        help="OpenTelemetryConfig otel_type (attribute convention); default openinference")
    parser.add_argument("--dump-events", type=int, metavar="TURNS", help="print the emitted events as JSON lines and exit")
    args = parser.parse_args(argv)
    if args.dump_events is not None:
        return dump_events(args.dump_events)
    if not args.endpoint:
        parser.print_usage(sys.stderr)
        print("nemo_relay_bench: --endpoint is required", file=sys.stderr)
        return 64
    if args.spans is not None and args.spans <= 0:
        print("nemo_relay_bench: --spans must be positive", file=sys.stderr)
        return 64
    return benchmark(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
