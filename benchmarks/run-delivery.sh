#!/usr/bin/env bash
# Delivery benchmark: atof-bridge vs swift-otel 1.6.0, both posting OTLP/HTTP protobuf to the
# same local otlp-sink, every scenario in its own process (so peak RSS is per scenario).
#
#   benchmarks/run-delivery.sh           full run (several minutes; swift-otel's first release
#                                        build takes longer)
#   benchmarks/run-delivery.sh --smoke   every scenario with tiny counts (seconds, once built)
#
# Prints the sink's ceiling and a markdown table; the raw RESULT objects, logs and the table stay
# in the work directory it names (DELIVERY_WORK=DIR to choose it).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SMOKE=0
case "${1:-}" in
    --smoke) SMOKE=1 ;;
    "") ;;
    *) echo "usage: $0 [--smoke]" >&2; exit 64 ;;
esac

if [[ $SMOKE == 1 ]]; then
    STEADY_SPANS=2000; BURST_SPANS=8000; EXPORT_EVENTS=2250; BLAST_SECONDS=0.2; RUN_TIMEOUT=120
else
    STEADY_SPANS=400000; BURST_SPANS=1000000; EXPORT_EVENTS=225000; BLAST_SECONDS=3; RUN_TIMEOUT=900
fi

# Nothing from the environment may change what is measured.
for name in $(env | sed -n 's/^\(OTEL_[A-Za-z0-9_]*\)=.*/\1/p; s/^\(ATOF_BRIDGE_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$name"
done

WORK=${DELIVERY_WORK:-$(mktemp -d /tmp/atof-delivery.XXXXXX)}
mkdir -p "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
SINK_PID=""
cleanup() {
    local status=$?
    if [[ -n $SINK_PID ]] && kill -0 "$SINK_PID" 2>/dev/null; then
        kill -TERM "$SINK_PID" 2>/dev/null || true
        wait "$SINK_PID" 2>/dev/null || true
    fi
    # A passing smoke run leaves nothing behind (it runs in make test); anything else keeps its logs.
    if [[ $SMOKE == 1 && $status == 0 && -z ${DELIVERY_WORK:-} ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== machine: $(nproc) cores; load at start: $(uptime)"
echo "== work directory: $WORK"

echo "== building (release): main package, then benchmarks"
(cd "$ROOT" && swift build -c release --product atof-bridge) > "$WORK/build-main.log" 2>&1 \
    || { tail -30 "$WORK/build-main.log"; exit 1; }
(cd "$HERE" && swift build -c release) > "$WORK/build-benchmarks.log" 2>&1 \
    || { tail -30 "$WORK/build-benchmarks.log"; exit 1; }
CLI="$(cd "$ROOT" && swift build -c release --show-bin-path)/atof-bridge"
BIN="$(cd "$HERE" && swift build -c release --show-bin-path)"

"$BIN/otlp-sink" --port-file "$WORK/sink.port" 2> "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/sink.port" ]] && break; sleep 0.1; done
[[ -s "$WORK/sink.port" ]] || { echo "otlp-sink did not start:"; cat "$WORK/sink.log"; exit 1; }
URL="http://127.0.0.1:$(cat "$WORK/sink.port")/v1/traces"
echo "== otlp-sink (pid $SINK_PID) at $URL"

# The events the benchmarks make in memory must have the generator's shape.
python3 "$HERE/generate_atof.py" 18 "$WORK/shape-generated.jsonl"
"$BIN/bridge-bench" --dump-events 2 > "$WORK/shape-dumped.jsonl"
python3 "$HERE/check_event_shape.py" "$WORK/shape-generated.jsonl" "$WORK/shape-dumped.jsonl"

# The sink's ceiling: one pre-encoded 512-span request (our encoder's bytes for 128 generated
# turns) posted in a loop over keep-alive connections.
python3 "$HERE/generate_atof.py" 1152 "$WORK/blast.jsonl"
"$CLI" convert "$WORK/blast.jsonl" --to otlp-proto -o "$WORK/blast.pb" 2> "$WORK/blast-convert.log"
echo "== sink ceiling (${BLAST_SECONDS}s each; $(wc -c < "$WORK/blast.pb") byte request of 512 spans)"
for connections in 1 2; do
    timeout 60 "$BIN/otlp-sink" --blast "$URL" --body "$WORK/blast.pb" --seconds "$BLAST_SECONDS" \
        --connections "$connections" > "$WORK/blast-$connections.out" 2> "$WORK/blast-$connections.err"
    python3 - "$WORK/blast-$connections.out" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().split("RESULT ", 1)[1])
print(f"   {r['connections']} connection(s): {r['sink_spans_per_second']:,.0f} spans/s counted by the sink, "
      f"{r['sink_megabytes_per_second']:,.0f} MiB/s, {r['sink_requests']:,} requests in {r['seconds']:.2f} s, "
      f"{r['sink_malformed']} malformed; sink CPU {r['sink_cpu_us_per_span']:.3f} µs/span "
      f"(= {r['sink_spans_per_cpu_second']:,.0f} spans per CPU-second), client CPU {r['client_cpu_seconds']:.2f} s")
PY
done

# run NAME COMMAND...: one scenario in its own process, bounded; its RESULT line is kept.
run() {
    local name=$1; shift
    echo "== $name: $*"
    local code=0
    timeout --kill-after=10 "$RUN_TIMEOUT" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || code=$?
    local line
    line=$(sed -n 's/^RESULT //p' "$WORK/$name.out" | tail -1)
    if [[ -z $line ]]; then
        echo "   no result (exit $code); last lines of its log:"; tail -15 "$WORK/$name.err" | sed 's/^/   /'
        line="{\"scenario\":\"$name (failed)\"}"
    fi
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["name"]=sys.argv[2]; r["exit_code"]=int(sys.argv[3]); print(json.dumps(r))' \
        "$line" "$name" "$code" >> "$RESULTS"
    echo "   exit $code; $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(", ".join(f"{k}={r[k]}" for k in ("spans_produced","spans_delivered","wall_seconds","cpu_us_per_span","peak_rss_mib") if k in r))' "$line")"
}

run bridge-steady "$BIN/bridge-bench" --endpoint "$URL" --spans "$STEADY_SPANS" --fallback "$WORK/bridge-steady.fallback.jsonl" --scenario "atof-bridge steady (defaults, spill)"
run bridge-steady-block "$BIN/bridge-bench" --endpoint "$URL" --spans "$STEADY_SPANS" --policy block --fallback "$WORK/bridge-steady-block.fallback.jsonl" --scenario "atof-bridge steady (defaults, block)"
run otel-defaults "$BIN/otel-bench" --endpoint "$URL" --spans "$STEADY_SPANS" --defaults --scenario "swift-otel defaults"
run otel-tuned "$BIN/otel-bench" --endpoint "$URL" --spans "$STEADY_SPANS" --tuned --scenario "swift-otel tuned (queue 1M, batch 131072)"
run bridge-burst "$BIN/bridge-bench" --endpoint "$URL" --burst --spans "$BURST_SPANS" --fallback "$WORK/bridge-burst.fallback.jsonl" --scenario "atof-bridge burst (defaults, spill)"
run otel-burst "$BIN/otel-bench" --endpoint "$URL" --burst --spans "$BURST_SPANS" --scenario "swift-otel burst (defaults)"

# The command line on a generated file: wall, CPU and RSS from /usr/bin/time -v, delivered from
# the sink. The file is written before timing.
python3 "$HERE/generate_atof.py" "$EXPORT_EVENTS" "$WORK/export.jsonl"
echo "== cli-export: atof-bridge export ($EXPORT_EVENTS events)"
BEFORE=$(python3 "$HERE/export_result.py" stats "$URL")
code=0
timeout --kill-after=10 "$RUN_TIMEOUT" /usr/bin/time -v -o "$WORK/cli-export.time" \
    "$CLI" export "$WORK/export.jsonl" --endpoint "$URL" --fallback "$WORK/cli-export.fallback.jsonl" \
    > "$WORK/cli-export.out" 2> "$WORK/cli-export.err" || code=$?
AFTER=$(python3 "$HERE/export_result.py" stats "$URL")
line=$(python3 "$HERE/export_result.py" result --time "$WORK/cli-export.time" --log "$WORK/cli-export.err" \
    --before "$BEFORE" --after "$AFTER" --fallback "$WORK/cli-export.fallback.jsonl" \
    --scenario "atof-bridge export CLI ($EXPORT_EVENTS events)")
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["name"]="cli-export"; r["exit_code"]=int(sys.argv[2]); print(json.dumps(r))' \
    "$line" "$code" >> "$RESULTS"
echo "   exit $code"

echo "== load at end: $(uptime)"
echo
python3 "$HERE/delivery_table.py" "$RESULTS" --check | tee "$WORK/table.md"
