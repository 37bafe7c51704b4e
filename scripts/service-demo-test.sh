#!/usr/bin/env bash
# The server-style example (examples/ServiceDemo, a ServiceGroup with BridgeService,
# ATOFInstrumentationService and an agent worker) under SIGTERM and SIGINT: it must exit 0 within
# the shutdown bound with every span of every agent run accounted for (3 spans a run): in the
# fallback file when no collector listens or one never answers, at a local OTLP sink
# (scripts/otlp_sink.py) when one does. Files are decoded by opentelemetry-proto and by `atof-bridge stats`.
# Usage: scripts/service-demo-test.sh PATH-TO-ServiceDemo PATH-TO-atof-bridge
set -euo pipefail
demo="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
bin="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
. scripts/sink-lib.sh

unset OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS OTEL_EXPORTER_OTLP_TRACES_HEADERS ATOF_BRIDGE_OVERFLOW_POLICY
# The bound: 5 s of export at shutdown (plus at most 5 s for the file), and a margin for a loaded machine.
export ATOF_BRIDGE_SHUTDOWN_TIMEOUT=5000 OTEL_BSP_EXPORT_TIMEOUT=3000 OTEL_EXPORTER_OTLP_TIMEOUT=2000
bound=15

# run_demo NAME SIGNAL ENDPOINT: runs the demo for a moment, sends SIGNAL, waits at most $bound s;
# sets status, seconds and runs (the agent runs it reports).
run_demo() {
  local name="$1" signal="$2" endpoint="$3" pid started
  OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" ATOF_BRIDGE_FALLBACK_PATH="$work/$name.otlp.jsonl" \
    "$demo" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  sleep 2
  kill -"$signal" "$pid"
  started=$SECONDS
  for _ in $(seq 1 $((bound * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    status=timeout
  else
    set +e; wait "$pid"; status=$?; set -e
  fi
  seconds=$((SECONDS - started))
  runs="$(sed -nE 's/^agent runs: ([0-9]+)$/\1/p' "$work/$name.out")"
  runs="${runs:-0}"
}
file_spans() { if [ -e "$1" ]; then whole_lines "$1"; else echo 0; fi; }

# 1–2. No collector (a closed port on 127.0.0.1): every span in the fallback file.
for signal in TERM INT; do
  run_demo "offline-$signal" "$signal" "http://127.0.0.1:1"
  in_file="$(file_spans "$work/offline-$signal.otlp.jsonl")"
  stats_line="$("$bin" stats "$work/offline-$signal.otlp.jsonl" 2>/dev/null | grep -E '^[0-9]+ spans in [0-9]+ traces' || true)"
  if [ "$status" = 0 ] && [ "$runs" -gt 0 ] && [ "$in_file" = "$((3 * runs))" ] && [ "$stats_line" = "$((3 * runs)) spans in $runs traces" ] \
    && grep -q "agent worker stopped after $runs runs" "$work/offline-$signal.err"; then
    pass "SIG$signal, no collector: exit 0 after ${seconds}s, $runs agent runs = $in_file spans in the fallback file ($stats_line)"
  else
    fail "SIG$signal, no collector: status $status after ${seconds}s, $runs runs, $in_file spans in the file, stats: '$stats_line'"
    cat "$work/offline-$signal.out" "$work/offline-$signal.err" >&2
  fi
done

# 3. A working collector: every span delivered once, nothing in the fallback file.
start_sink working ok
run_demo working TERM "$url"
delivered="$(stat_of "$url" 's["unique_spans"]')"
duplicates="$(stat_of "$url" 's["duplicate_spans"]')"
in_file="$(file_spans "$work/working.otlp.jsonl")"
if [ "$status" = 0 ] && [ "$runs" -gt 0 ] && [ "$delivered" = "$((3 * runs))" ] && [ "$duplicates" = 0 ] && [ "$in_file" = 0 ]; then
  pass "SIGTERM, working collector: exit 0 after ${seconds}s, $runs agent runs = $delivered spans delivered, none twice"
else
  fail "SIGTERM, working collector: status $status after ${seconds}s, $runs runs, $delivered delivered (+$duplicates twice), $in_file in the file"
  cat "$work/working.out" "$work/working.err" >&2
fi

# 4. A collector that never answers in time: the shutdown is bounded by the export and shutdown
# timeouts, and every span is in the fallback file.
start_sink hung slow:60
run_demo hung TERM "$url"
in_file="$(file_spans "$work/hung.otlp.jsonl")"
if [ "$status" = 0 ] && [ "$runs" -gt 0 ] && [ "$in_file" = "$((3 * runs))" ]; then
  pass "SIGTERM, hung collector: exit 0 after ${seconds}s (bound ${bound}s), $runs agent runs = $in_file spans in the fallback file"
else
  fail "SIGTERM, hung collector: status $status after ${seconds}s, $runs runs, $in_file spans in the file"
  cat "$work/hung.out" "$work/hung.err" >&2
fi

echo "service-demo-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
