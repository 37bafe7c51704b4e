#!/usr/bin/env bash
# The whole benchmark, reproducibly: builds in release, starts otlp-sink on 127.0.0.1 (stopped by
# pid at exit), checks its ceiling, runs every scenario RUNS times (rounds interleave the
# scenarios, each in its own process so that peak RSS is its own), then convert and export of a
# 5,000,000-event file once each (long; each under its own timeout), then the pathological inputs
# once each (scripts/generate_pathological.py: a deep chain, many marks, a huge line; each under
# its own timeout), then the transport comparison once (the same file exported over OTLP/HTTP to
# scripts/otlp_sink.py and over OTLP/gRPC to scripts/otlp_grpc_sink.py, each under a timeout;
# both receivers are Python and stopped by pid), and writes BENCHMARKS.md with medians, min-max, the machine, the command and
# the ratios against each peer.
#
#   benchmarks/run.sh                  full run, 5 rounds, rewrites BENCHMARKS.md (about 20 min
#                                      on 2 cores once built; the first swift-otel build adds ~8)
#   benchmarks/run.sh --runs 7         more rounds
#   benchmarks/run.sh --smoke          every step with tiny counts, one round, debug builds, report
#                                      written to the work directory and checked (make test runs this)
#   benchmarks/run.sh --no-otel        skip the swift-otel peer (no swift-otel build)
#   benchmarks/run.sh --no-nemo        skip the NeMo Relay peer (no Python venv)
#   benchmarks/run.sh --no-profile     skip the perf profile of the hot paths
#
# The smoke mode leaves swift-otel out unless --with-otel is given: its first release build takes
# about 8 minutes, longer than everything else in make test together.
# BENCH_WORK=DIR keeps the logs, RESULT objects and report in DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SMOKE=0 RUNS=5 OTEL=1 NEMO=1 PROFILE=1 OTEL_FORCED=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --runs) RUNS=${2:?--runs needs a number}; shift ;;
        --no-otel) OTEL=0 ;;
        --with-otel) OTEL_FORCED=1 ;;
        --no-nemo) NEMO=0 ;;
        --no-profile) PROFILE=0 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
    shift
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs needs a positive number" >&2; exit 64; }
if [[ $SMOKE == 1 ]]; then
    RUNS=1; PROFILE=0
    [[ $OTEL_FORCED == 1 ]] || OTEL=0
    STEADY=2000 BURST=8000 OFFLINE_EVENTS=9000 OPEN_SMALL=2000 OPEN_LARGE=8000 OPEN_BOUND=100 SCOPES=2000 DECODE_EVENTS=900
    NEMO_STEADY=400 ENCODE_SECONDS=0.05 BLAST_SECONDS=0.2 RUN_TIMEOUT=180
    PATH_DEEP=2000 PATH_MARKS=20000 PATH_LINE_BYTES=$((1 << 20)) PATH_TIMEOUT=120
    TRANSPORT_EVENTS=900 TRANSPORT_TIMEOUT=120
    BIG_EVENTS=20000 BIG_TIMEOUT=180
else
    STEADY=400000 BURST=1000000 OFFLINE_EVENTS=1000000 OPEN_SMALL=100000 OPEN_LARGE=1000000 OPEN_BOUND=1000 SCOPES=200000 DECODE_EVENTS=200000
    NEMO_STEADY=40000 ENCODE_SECONDS=1 BLAST_SECONDS=3 RUN_TIMEOUT=1200
    PATH_DEEP=100000 PATH_MARKS=1000000 PATH_LINE_BYTES=$((64 << 20)) PATH_TIMEOUT=600
    TRANSPORT_EVENTS=60000 TRANSPORT_TIMEOUT=600
    BIG_EVENTS=5000000 BIG_TIMEOUT=1800
fi

# Nothing from the environment may change what is measured.
for name in $(env | sed -n 's/^\(OTEL_[A-Za-z0-9_]*\)=.*/\1/p; s/^\(ATOF_BRIDGE_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$name"
done

WORK=${BENCH_WORK:-$(mktemp -d /tmp/atof-bench.XXXXXX)}
mkdir -p "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
SINK_PID="" RECEIVER_PID=""
cleanup() {
    local status=$?
    local pid
    for pid in "$SINK_PID" "$RECEIVER_PID"; do
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -f "$WORK"/*.fallback.jsonl "$WORK/convert.out" "$WORK/path.out" "$WORK"/path-*.jsonl "$WORK/offline-big.jsonl"
    # A passing smoke run leaves nothing behind (make test runs it); anything else keeps its logs.
    if [[ $SMOKE == 1 && $status == 0 && -z ${BENCH_WORK:-} ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

START_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== work directory: $WORK; $(nproc) cores; load $LOAD_START"

# The smoke run only checks that everything works: debug builds (the command line's debug build is
# the one make test has already made).
CONFIG=release
[[ $SMOKE == 1 ]] && CONFIG=debug
echo "== building ($CONFIG)"
(cd "$ROOT" && swift build -c "$CONFIG" --product atof-bridge) > "$WORK/build-main.log" 2>&1 \
    || { tail -30 "$WORK/build-main.log"; exit 1; }
if [[ $OTEL == 1 ]]; then
    PRODUCTS=("")  # everything, swift-otel's benches included
else
    PRODUCTS=(otlp-sink bridge-bench encode-bench decode-bench app-bench)  # (swift build takes one --product)
fi
# SwiftPM can keep an old build plan of the path-dependency (the main package) and miss source
# files added to it since: drop the plan so that it is made again (a few seconds).
rm -f "$HERE/.build/$CONFIG.yaml"
for product in "${PRODUCTS[@]}"; do
    (cd "$HERE" && swift build -c "$CONFIG" ${product:+--product "$product"}) >> "$WORK/build-benchmarks.log" 2>&1 \
        || { tail -30 "$WORK/build-benchmarks.log"; exit 1; }
done
CLI="$(cd "$ROOT" && swift build -c "$CONFIG" --show-bin-path 2> /dev/null)/atof-bridge"
BIN="$(cd "$HERE" && swift build -c "$CONFIG" --show-bin-path 2> /dev/null)"
SWIFT_VERSION=$(swift --version 2>/dev/null | head -1)
REVISION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$ROOT" status --porcelain -- Sources Package.swift benchmarks/Sources 2>/dev/null) ]] && REVISION="$REVISION + local changes"

NEMO_PY=""
if [[ $NEMO == 1 ]]; then
    if NEMO_PY=$("$HERE/nemo-relay-env.sh" 2> "$WORK/nemo-env.log" | tail -1) && [[ -x $NEMO_PY ]]; then
        echo "== NeMo Relay venv: $NEMO_PY"
    else
        echo "   NeMo Relay peer unavailable (its venv did not install; see $WORK/nemo-env.log)"
        tail -5 "$WORK/nemo-env.log" | sed 's/^/   /'
        [[ $SMOKE == 1 ]] && exit 1
        NEMO_PY=""
    fi
fi

"$BIN/otlp-sink" --port-file "$WORK/sink.port" 2> "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/sink.port" ]] && break; sleep 0.1; done
[[ -s "$WORK/sink.port" ]] || { echo "otlp-sink did not start:"; cat "$WORK/sink.log"; exit 1; }
URL="http://127.0.0.1:$(cat "$WORK/sink.port")/v1/traces"
echo "== otlp-sink (pid $SINK_PID) at $URL"

# keep NAME ROUND CODE FILE: every RESULT line of FILE, tagged with the scenario key and round.
keep() {
    local name=$1 round=$2 code=$3 file=$4
    if ! grep -q '^RESULT ' "$file"; then
        echo "{\"scenario\":\"$name (failed)\",\"failed\":true}" > "$file.result"
    else
        sed -n 's/^RESULT //p' "$file" > "$file.result"
    fi
    python3 - "$name" "$round" "$code" "$file.result" >> "$RESULTS" <<'PY'
import json, sys
name, round_, code, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for line in open(path, encoding="utf-8"):
    r = json.loads(line)
    r["name"] = name + ("/" + r["case"] if "case" in r else "")
    r["round"], r["exit_code"] = round_, code
    print(json.dumps(r))
PY
}

# run NAME ROUND COMMAND...: one scenario in its own process, bounded by a timeout.
run() {
    local name=$1 round=$2; shift 2
    local code=0
    timeout --kill-after=10 "$RUN_TIMEOUT" "$@" > "$WORK/$name.$round.out" 2> "$WORK/$name.$round.err" || code=$?
    keep "$name" "$round" "$code" "$WORK/$name.$round.out"
    if [[ $code != 0 ]]; then
        echo "   $name: exit $code; last lines of its log:"; tail -8 "$WORK/$name.$round.err" | sed 's/^/     /'
    fi
    printf '   %-22s %s\n' "$name" "$(python3 -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])][-1]
keys=("spans_delivered","delivered_spans_per_second","events_per_second","lines_per_second","ns_per_scope","ns_per_call","extra_ns_per_call","cpu_us_per_span","cpu_ns_per_span","peak_rss_mib","rss_at_end_mib")
print(", ".join(f"{k}={r[k]:,.1f}" if isinstance(r[k],float) else f"{k}={r[k]}" for k in keys if k in r))' "$WORK/$name.$round.out.result")"
}

# timed NAME ROUND KIND COMMAND...: a command-line run measured by /usr/bin/time -v, on the
# $TIMED_EVENTS-event file (default $OFFLINE_EVENTS) under a timeout of $TIMED_TIMEOUT s (default $RUN_TIMEOUT).
timed() {
    local name=$1 round=$2 kind=$3; shift 3
    local code=0 before="" after="" events=${TIMED_EVENTS:-$OFFLINE_EVENTS} limit=${TIMED_TIMEOUT:-$RUN_TIMEOUT}
    [[ $kind == export ]] && before=$(python3 "$HERE/export_result.py" stats "$URL")
    timeout --kill-after=10 "$limit" /usr/bin/time -v -o "$WORK/$name.$round.time" "$@" \
        > /dev/null 2> "$WORK/$name.$round.err" || code=$?
    if [[ $code == 124 || $code == 137 ]] || ! grep -q '^\s*Elapsed' "$WORK/$name.$round.time" 2>/dev/null; then
        # Killed (by its timeout) before /usr/bin/time could write: a row that says so.
        echo "RESULT {\"scenario\": \"atof-bridge $kind, $events-event file\", \"events\": $events, \"timed_out\": $([[ $code == 124 || $code == 137 ]] && echo true || echo false), \"timeout_seconds\": $limit}" \
            > "$WORK/$name.$round.out"
    elif [[ $kind == export ]]; then
        after=$(python3 "$HERE/export_result.py" stats "$URL")
        echo "RESULT $(python3 "$HERE/export_result.py" result --time "$WORK/$name.$round.time" --log "$WORK/$name.$round.err" \
            --before "$before" --after "$after" --fallback "$WORK/$name.fallback.jsonl" \
            --scenario "atof-bridge export, $events-event file")" > "$WORK/$name.$round.out"
    else
        echo "RESULT $(python3 "$HERE/export_result.py" convert --time "$WORK/$name.$round.time" --log "$WORK/$name.$round.err" \
            --scenario "atof-bridge convert, $events-event ${TIMED_LABEL:-}file")" > "$WORK/$name.$round.out"
    fi
    rm -f "$WORK/$name.fallback.jsonl" "$WORK/convert.out"
    keep "$name" "$round" "$code" "$WORK/$name.$round.out"
    [[ $code == 124 || $code == 137 ]] && echo "   $name: timeout after ${limit}s"
    printf '   %-22s exit %s, %s\n' "$name" "$code" "$(sed -n 's/.*"events_per_second": \([0-9.]*\).*/events\/s=\1/p' "$WORK/$name.$round.out")"
}

# pathological NAME KIND COUNT UNIT INPUT COMMAND...: one command-line run on a pathological input,
# measured by /usr/bin/time -v under its own timeout (a regression shows as a timeout row). KIND
# convert: the output file is $WORK/path.out; stats: standard output is counted, not kept;
# export: the output is what the sink received.
pathological() {
    local name=$1 kind=$2 count=$3 unit=$4 input=$5; shift 5
    local code=0 before="{}" after="{}" bytes=0 text="$*"
    text=${text//"$CLI"/atof-bridge}
    text=${text//"$WORK/"/}
    text=${text//"$URL"/SINK}
    rm -f "$WORK/$name.time" "$WORK/path.out"
    [[ $kind == export ]] && before=$(python3 "$HERE/export_result.py" stats "$URL")
    if [[ $kind == stats ]]; then
        # (The output is counted through a pipe; the run's own exit code is written to a file.)
        { local inner=0
          timeout --kill-after=10 "$PATH_TIMEOUT" /usr/bin/time -v -o "$WORK/$name.time" "$@" \
            2> "$WORK/$name.err" || inner=$?
          echo "$inner" > "$WORK/$name.code"; } | wc -c > "$WORK/$name.bytes"
        code=$(cat "$WORK/$name.code")
        bytes=$(cat "$WORK/$name.bytes")
    else
        timeout --kill-after=10 "$PATH_TIMEOUT" /usr/bin/time -v -o "$WORK/$name.time" "$@" \
            > /dev/null 2> "$WORK/$name.err" || code=$?
        [[ -f $WORK/path.out ]] && bytes=$(stat -c %s "$WORK/path.out")
    fi
    [[ $kind == export ]] && after=$(python3 "$HERE/export_result.py" stats "$URL")
    echo "RESULT $(python3 "$HERE/pathological_result.py" --kind "$kind" --scenario "$text" --count "$count" --unit "$unit" \
        --input "$input" --time "$WORK/$name.time" --log "$WORK/$name.err" --exit-code "$code" \
        --timeout "$PATH_TIMEOUT" --output-bytes "$bytes" --before "$before" --after "$after" \
        --fallback "$WORK/$name.fallback.jsonl")" > "$WORK/$name.0.out"
    rm -f "$WORK/path.out" "$WORK/$name.fallback.jsonl"
    keep "$name" 0 "$code" "$WORK/$name.0.out"
    if [[ $code != 0 ]]; then
        echo "   $name: exit $code$([[ $code == 124 || $code == 137 ]] && echo " (timeout after ${PATH_TIMEOUT}s)"); last lines of its log:"
        tail -5 "$WORK/$name.err" | sed 's/^/     /'
    fi
    printf '   %-22s exit %s, %s\n' "$name" "$code" "$(python3 "$HERE/pathological_result.py" summary "$WORK/$name.0.out.result")"
}

# The events the benchmarks make in memory must have the generator's shape.
python3 "$HERE/generate_atof.py" 18 "$WORK/shape-generated.jsonl"
"$BIN/bridge-bench" --dump-events 2 > "$WORK/shape-dumped.jsonl"
python3 "$HERE/check_event_shape.py" "$WORK/shape-generated.jsonl" "$WORK/shape-dumped.jsonl"
echo "== generating the $OFFLINE_EVENTS-event ATOF file (generate_atof.py, deterministic)"
python3 "$HERE/generate_atof.py" "$OFFLINE_EVENTS" "$WORK/offline.jsonl"
python3 "$HERE/generate_atof.py" "$DECODE_EVENTS" "$WORK/decode.jsonl"

# The sink's ceiling: one pre-encoded 512-span request (our encoder's bytes) posted in a loop.
python3 "$HERE/generate_atof.py" 1152 "$WORK/blast.jsonl"
"$CLI" convert "$WORK/blast.jsonl" --to otlp-proto -o "$WORK/blast.pb" 2> "$WORK/blast-convert.log"
echo "== sink ceiling (${BLAST_SECONDS}s per connection count)"
for connections in 1 2; do
    timeout 120 "$BIN/otlp-sink" --blast "$URL" --body "$WORK/blast.pb" --seconds "$BLAST_SECONDS" \
        --connections "$connections" > "$WORK/ceiling-$connections.out" 2> "$WORK/ceiling-$connections.err"
    keep "ceiling-$connections" 0 0 "$WORK/ceiling-$connections.out"
done

# The encoders' output must decode with the official opentelemetry-proto.
mkdir -p "$WORK/encode-samples"
"$BIN/encode-bench" --seconds 0.01 --write-samples "$WORK/encode-samples" > /dev/null 2>&1
PYTHON=$("$ROOT/scripts/python-env.sh" 2> "$WORK/python-env.log" | tail -1)
"$PYTHON" "$ROOT/scripts/verify_otlp.py" proto "$WORK"/encode-samples/*.pb | sed 's/^/   /'
"$PYTHON" "$ROOT/scripts/verify_otlp.py" json "$WORK"/encode-samples/*.jsonl | sed 's/^/   /'

for round in $(seq 1 "$RUNS"); do
    echo "== round $round of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
    run encode "$round" "$BIN/encode-bench" --seconds "$ENCODE_SECONDS"
    run bridge-steady-block "$round" "$BIN/bridge-bench" --endpoint "$URL" --spans "$STEADY" --policy block \
        --fallback "$WORK/bridge-steady-block.fallback.jsonl" --scenario "atof-bridge (block)"
    run bridge-steady-spill "$round" "$BIN/bridge-bench" --endpoint "$URL" --spans "$STEADY" \
        --fallback "$WORK/bridge-steady-spill.fallback.jsonl" --scenario "atof-bridge (defaults: spill)"
    run bridge-equal-block "$round" "$BIN/bridge-bench" --endpoint "$URL" --spans "$STEADY" --policy block --equal-content \
        --fallback "$WORK/bridge-equal-block.fallback.jsonl" --scenario "atof-bridge equal content (block)"
    if [[ $OTEL == 1 ]]; then
        run otel-defaults "$round" "$BIN/otel-bench" --endpoint "$URL" --spans "$STEADY" --defaults --scenario "swift-otel 1.6.0 (defaults)"
        run otel-tuned "$round" "$BIN/otel-bench" --endpoint "$URL" --spans "$STEADY" --tuned --scenario "swift-otel 1.6.0 (tuned: queue 1M, batch 131,072)"
    fi
    if [[ -n $NEMO_PY ]]; then
        run nemo-steady "$round" "$NEMO_PY" "$HERE/nemo_relay_bench.py" --endpoint "$URL" --spans "$NEMO_STEADY" --scenario "NeMo Relay 0.10.4 (defaults)"
    fi
    run bridge-burst "$round" "$BIN/bridge-bench" --endpoint "$URL" --burst --spans "$BURST" \
        --fallback "$WORK/bridge-burst.fallback.jsonl" --scenario "atof-bridge burst (defaults)"
    if [[ $OTEL == 1 ]]; then
        run otel-burst "$round" "$BIN/otel-bench" --endpoint "$URL" --burst --spans "$BURST" --scenario "swift-otel 1.6.0 burst (defaults)"
    fi
    timed offline-convert "$round" convert "$CLI" convert "$WORK/offline.jsonl" --to otlp-json -o "$WORK/convert.out"
    timed offline-export "$round" export "$CLI" export "$WORK/offline.jsonl" --endpoint "$URL" --fallback "$WORK/offline-export.fallback.jsonl"
    run decode "$round" "$BIN/decode-bench" "$WORK/decode.jsonl" --repeat 1
    run open-small "$round" "$BIN/bridge-bench" --endpoint "$URL" --open-scopes "$OPEN_SMALL" \
        --fallback "$WORK/open-small.fallback.jsonl" --scenario "$OPEN_SMALL open scopes, no bound"
    run open-large "$round" "$BIN/bridge-bench" --endpoint "$URL" --open-scopes "$OPEN_LARGE" \
        --fallback "$WORK/open-large.fallback.jsonl" --scenario "$OPEN_LARGE open scopes, no bound"
    run open-bounded "$round" "$BIN/bridge-bench" --endpoint "$URL" --open-scopes "$OPEN_LARGE" --max-open "$OPEN_BOUND" \
        --fallback "$WORK/open-bounded.fallback.jsonl" --scenario "$OPEN_LARGE open scopes, bound $OPEN_BOUND"
    run app-encodable "$round" "$BIN/app-bench" --scenario encodable --calls "$SCOPES" --endpoint "$URL"
    run app-log "$round" "$BIN/app-bench" --scenario log --calls "$SCOPES" --endpoint "$URL"
    if [[ $OTEL == 1 ]]; then
        run scope-atof "$round" "$BIN/scope-bench" --impl atof --scopes "$SCOPES" --endpoint "$URL"
        run scope-otel "$round" "$BIN/scope-bench" --impl otel --scopes "$SCOPES" --endpoint "$URL"
    fi
done

# convert and export of a big generated file, each once (minutes each at full size; the file is
# removed after).
echo "== offline, $BIG_EVENTS-event file, once (timeout ${BIG_TIMEOUT}s each)"
python3 "$HERE/generate_atof.py" "$BIG_EVENTS" "$WORK/offline-big.jsonl"
TIMED_EVENTS=$BIG_EVENTS TIMED_TIMEOUT=$BIG_TIMEOUT timed offline-convert-5m 0 convert \
    "$CLI" convert "$WORK/offline-big.jsonl" --to otlp-json -o "$WORK/convert.out"
TIMED_EVENTS=$BIG_EVENTS TIMED_TIMEOUT=$BIG_TIMEOUT timed offline-export-5m 0 export \
    "$CLI" export "$WORK/offline-big.jsonl" --endpoint "$URL" --fallback "$WORK/offline-export-5m.fallback.jsonl"
rm -f "$WORK/offline-big.jsonl"

# One row per foreign agent event format: its first example under Tests/Fixtures/foreign/<format>/
# (e2e.* if there is one) scaled to about $OFFLINE_EVENTS events by renaming its ids
# (scale_foreign.py), then convert, once (translation into ATOF lines, then the usual two passes).
shopt -s nullglob
for dir in "$ROOT"/Tests/Fixtures/foreign/*/; do
    format=$(basename "$dir")
    example=""
    for candidate in "$dir"e2e.jsonl "$dir"e2e.sse "$dir"*.jsonl "$dir"*.sse; do
        case "$candidate" in *.atof.jsonl|*/mixed.jsonl) continue ;; esac
        [[ -f $candidate ]] && { example=$candidate; break; }
    done
    [[ -n $example ]] || continue
    scaled="$WORK/foreign-$format.${example##*.}"
    events=$(python3 "$HERE/scale_foreign.py" "$example" "$OFFLINE_EVENTS" "$scaled")
    echo "== foreign format $format: $(basename "$example") scaled to $events events"
    TIMED_EVENTS=$events TIMED_LABEL="$format " timed "foreign-convert-$format" 0 convert \
        "$CLI" convert "$scaled" --to otlp-json -o "$WORK/convert.out"
    rm -f "$scaled"
done
shopt -u nullglob

# Pathological inputs, each once (scripts/generate_pathological.py, deterministic): a deep chain
# of nested scopes, one scope with very many marks, one very long line.
echo "== pathological inputs ($PATH_DEEP-deep chain, $PATH_MARKS marks, $PATH_LINE_BYTES-byte line; timeout ${PATH_TIMEOUT}s each)"
PATHGEN="$ROOT/scripts/generate_pathological.py"
python3 "$PATHGEN" deep "$PATH_DEEP" "$WORK/path-deep.jsonl"
pathological path-deep-convert convert "$PATH_DEEP" levels "$WORK/path-deep.jsonl" \
    "$CLI" convert "$WORK/path-deep.jsonl" --to otlp-json -o "$WORK/path.out"
pathological path-deep-stats stats "$PATH_DEEP" levels "$WORK/path-deep.jsonl" \
    "$CLI" stats --json "$WORK/path-deep.jsonl"
pathological path-deep-live export "$PATH_DEEP" levels "$WORK/path-deep.jsonl" \
    "$CLI" export "$WORK/path-deep.jsonl" --live --endpoint "$URL" --fallback "$WORK/path-deep-live.fallback.jsonl"
rm -f "$WORK/path-deep.jsonl"
python3 "$PATHGEN" marks "$PATH_MARKS" "$WORK/path-marks.jsonl"
pathological path-marks-live export "$PATH_MARKS" marks "$WORK/path-marks.jsonl" \
    "$CLI" export "$WORK/path-marks.jsonl" --live --endpoint "$URL" --fallback "$WORK/path-marks-live.fallback.jsonl"
rm -f "$WORK/path-marks.jsonl"
python3 "$PATHGEN" hugeline "$PATH_LINE_BYTES" "$WORK/path-hugeline.jsonl"
pathological path-hugeline-convert convert "$PATH_LINE_BYTES" line-bytes "$WORK/path-hugeline.jsonl" \
    "$CLI" convert "$WORK/path-hugeline.jsonl" --to otlp-json -o "$WORK/path.out"
rm -f "$WORK/path-hugeline.jsonl"

# transport NAME LABEL RECEIVER_SCRIPT CLI_ARGS...: the transport file exported once to a fresh
# Python receiver (started here, stopped by pid; its --summary file gives the spans it accepted),
# the export measured by /usr/bin/time -v under its own timeout.
transport() {
    local name=$1 label=$2 receiver=$3; shift 3
    local code=0 port=""
    rm -f "$WORK/$name.port" "$WORK/$name.summary.json" "$WORK/$name.0.time" "$WORK/$name.0.out"
    "$PYTHON" "$ROOT/scripts/$receiver" --port-file "$WORK/$name.port" --summary "$WORK/$name.summary.json" \
        2> "$WORK/$name.receiver.log" &
    RECEIVER_PID=$!
    for _ in $(seq 150); do
        [[ -s "$WORK/$name.port" ]] && break
        kill -0 "$RECEIVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -s "$WORK/$name.port" ]]; then
        port=$(tr -d '[:space:]' < "$WORK/$name.port")
        local endpoint="http://127.0.0.1:$port"
        [[ $label == "OTLP/HTTP" ]] && endpoint="$endpoint/v1/traces"
        timeout --kill-after=10 "$TRANSPORT_TIMEOUT" /usr/bin/time -v -o "$WORK/$name.0.time" \
            "$CLI" export "$WORK/transport.jsonl" --endpoint "$endpoint" "$@" --fallback "$WORK/$name.fallback.jsonl" \
            > /dev/null 2> "$WORK/$name.0.err" || code=$?
    else
        echo "   $receiver did not start; last lines of its log:"; tail -5 "$WORK/$name.receiver.log" | sed 's/^/     /'
    fi
    # The receivers write their summary at SIGTERM (the gRPC one after every request too).
    kill -TERM "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
    RECEIVER_PID=""
    if [[ -n $port && -s "$WORK/$name.0.time" ]]; then
        echo "RESULT $(python3 "$HERE/export_result.py" transport --time "$WORK/$name.0.time" --log "$WORK/$name.0.err" \
            --receiver "$WORK/$name.summary.json" --transport "$label" --fallback "$WORK/$name.fallback.jsonl" \
            --scenario "atof-bridge export over $label, $TRANSPORT_EVENTS-event file")" > "$WORK/$name.0.out"
    else
        : > "$WORK/$name.0.out"
    fi
    rm -f "$WORK/$name.fallback.jsonl"
    keep "$name" 0 "$code" "$WORK/$name.0.out"
    if [[ $code != 0 ]]; then
        echo "   $name: exit $code$([[ $code == 124 || $code == 137 ]] && echo " (timeout after ${TRANSPORT_TIMEOUT}s)"); last lines of its log:"
        tail -5 "$WORK/$name.0.err" | sed 's/^/     /'
    fi
    printf '   %-22s exit %s, %s\n' "$name" "$code" "$(python3 -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])][-1]
keys=("spans_produced","spans_delivered","wall_seconds","cpu_us_per_span","peak_rss_mib")
print(", ".join(f"{k}={r[k]:,.2f}" if isinstance(r[k],float) else f"{k}={r[k]}" for k in keys if k in r))' "$WORK/$name.0.out.result")"
}

# OTLP/HTTP next to OTLP/gRPC, once: the same file to the two Python receivers (both decode every
# request with opentelemetry-proto), so that neither transport gets the faster sink.
echo "== transports ($TRANSPORT_EVENTS-event file over OTLP/HTTP and OTLP/gRPC to the Python receivers; timeout ${TRANSPORT_TIMEOUT}s each)"
python3 "$HERE/generate_atof.py" "$TRANSPORT_EVENTS" "$WORK/transport.jsonl"
transport transport-http "OTLP/HTTP" otlp_sink.py --protocol http/protobuf
transport transport-grpc "OTLP/gRPC" otlp_grpc_sink.py --protocol grpc
rm -f "$WORK/transport.jsonl"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# Where the time goes: perf on the in-process and the offline hot paths (not timed runs).
if [[ $PROFILE == 1 ]] && command -v perf > /dev/null; then
    echo "== profiles (perf record -g)"
    perf record -g -o "$WORK/bridge.perf" "$BIN/bridge-bench" --endpoint "$URL" --spans 100000 --policy block \
        --fallback "$WORK/profile.fallback.jsonl" > /dev/null 2>&1 \
        && perf report -i "$WORK/bridge.perf" --children --sort symbol --stdio -g none --percent-limit 0.3 > "$WORK/bridge.profile" 2> /dev/null || true
    python3 "$HERE/generate_atof.py" 200000 "$WORK/profile.jsonl"
    perf record -g -o "$WORK/convert.perf" "$CLI" convert "$WORK/profile.jsonl" --to otlp-json -o /dev/null > /dev/null 2>&1 \
        && perf report -i "$WORK/convert.perf" --children --sort symbol --stdio -g none --percent-limit 0.3 > "$WORK/convert.profile" 2> /dev/null || true
fi

REPORT="$ROOT/BENCHMARKS.md"
[[ $SMOKE == 1 ]] && REPORT="$WORK/BENCHMARKS.md"
COMMAND="benchmarks/run.sh"
[[ $SMOKE == 1 ]] && COMMAND="benchmarks/run.sh --smoke"
[[ $RUNS != 5 && $SMOKE == 0 ]] && COMMAND="$COMMAND --runs $RUNS"
python3 "$HERE/bench_report.py" "$RESULTS" --check --output "$REPORT" \
    --started "$START_DATE" --load "$LOAD_START -> $LOAD_END" --command "$COMMAND" --runs "$RUNS" \
    --swift "$SWIFT_VERSION" --revision "$REVISION" --profiles "$WORK" $([[ $SMOKE == 1 ]] && echo --smoke)
echo "== wrote $REPORT"
