#!/usr/bin/env bash
# Self-test of scripts/otlp_sink.py: starts it (three times), posts real bodies made by the
# atof-bridge CLI with curl (binary protobuf, two requests on one kept-alive connection, gzipped
# protobuf, OTLP/JSON one request per line, a wrong content type, a body protobuf rejects), runs
# a fault script (503, 429 + Retry-After, reset, partial success, 413 over a span limit, slow),
# the echo401 mode (a 401 echoing the request headers),
# and checks /stats, the --summary file written on SIGTERM and on --stop-after-spans, and the
# response bodies. Stops every sink it started by pid, also on failure.
#
# Usage: scripts/otlp_sink_selftest.sh   (ATOF_BRIDGE=path/to/atof-bridge to pick the binary;
#        default: the first of .build/debug, .build-dec/debug that exists)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="$(bash "$root/scripts/python-env.sh")"
bin="${ATOF_BRIDGE:-}"
if [ -z "$bin" ]; then
  for candidate in "$root/.build/debug/atof-bridge" "$root/.build-dec/debug/atof-bridge"; do
    if [ -x "$candidate" ]; then bin="$candidate"; break; fi
  done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "otlp_sink_selftest: no atof-bridge binary; build it or set ATOF_BRIDGE" >&2; exit 2; }
command -v curl >/dev/null || { echo "otlp_sink_selftest: curl not found" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

checks=0
fail() { echo "otlp_sink_selftest: FAIL: $*" >&2; exit 1; }
check() {  # check DESCRIPTION PYTHON-EXPRESSION-ON-s (s = the JSON document in $json)
  checks=$((checks + 1))
  "$py" -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$json" "$2" \
    || fail "$1: ($2) is false in $json"
}
expect_eq() {  # expect_eq DESCRIPTION ACTUAL EXPECTED
  checks=$((checks + 1))
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# start_sink NAME ARGS... : starts a sink, sets $port and $pid
start_sink() {
  local name="$1"; shift
  rm -f "$work/$name.port"
  "$py" "$root/scripts/otlp_sink.py" --port 0 --port-file "$work/$name.port" --summary "$work/$name.summary.json" "$@" \
    2>"$work/$name.stderr" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    [ -s "$work/$name.port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.stderr" >&2; fail "$name exited at start"; }
    sleep 0.1
  done
  [ -s "$work/$name.port" ] || fail "$name wrote no port file"
  port="$(cat "$work/$name.port")"
}

# post FILE CONTENT-TYPE [extra curl args...]: prints the HTTP status; the body goes to $work/response
post() {
  local file="$1" type="$2"; shift 2
  curl -sS --max-time 10 -o "$work/response" -D "$work/headers" -w '%{http_code}' \
    -H "Content-Type: $type" --data-binary "@$file" "$@" "http://127.0.0.1:$port/v1/traces" || true
}
header() { tr -d '\r' <"$work/headers" | awk -v name="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1)==name {print $2}'; }
stats() { curl -sS --max-time 5 "http://127.0.0.1:$port/stats"; }

# Bodies from the CLI: one protobuf request with the 4 spans, and OTLP/JSON with 2 spans a line.
fixture="$root/Tests/Fixtures/nemo-relay-llm-calls.jsonl"
"$bin" convert "$fixture" --to otlp-proto -o "$work/b.pb" 2>/dev/null
"$bin" convert "$fixture" --to otlp-json --batch-size 2 -o "$work/b.jsonl" 2>/dev/null
gzip -c "$work/b.pb" >"$work/b.pb.gz"
lines="$(wc -l <"$work/b.jsonl")"
expect_eq "OTLP/JSON lines from the CLI" "$lines" 2
printf '{"resourceSpans":[{"bogus":1}]}' >"$work/bad.json"

# --- 1. happy paths, content types, strict decoding; summary on SIGTERM -----------------------
start_sink plain
expect_eq "protobuf POST" "$(post "$work/b.pb" application/x-protobuf -H 'X-Test: one')" 200
expect_eq "protobuf response content type" "$(header content-type)" application/x-protobuf
expect_eq "protobuf response: empty ExportTraceServiceResponse" "$(wc -c <"$work/response" | tr -d ' ')" 0
connects="$(curl -sS --max-time 10 -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects} ' \
  -H 'Content-Type: application/x-protobuf' --data-binary "@$work/b.pb" \
  "http://127.0.0.1:$port/v1/traces" "http://127.0.0.1:$port/v1/traces")"
expect_eq "keep-alive: two POSTs on one connection" "$connects" "200:1 200:0 "
expect_eq "gzip POST" "$(post "$work/b.pb.gz" application/x-protobuf -H 'Content-Encoding: gzip')" 200
for n in $(seq "$lines"); do
  sed -n "${n}p" "$work/b.jsonl" | tr -d '\n' >"$work/line.json"
  expect_eq "JSON POST of line $n" "$(post "$work/line.json" application/json)" 200
  expect_eq "JSON response content type" "$(header content-type)" application/json
  expect_eq "JSON response body" "$(cat "$work/response")" "{}"
done
expect_eq "text/plain POST" "$(post "$work/b.pb" text/plain)" 415
expect_eq "JSON with an unknown field" "$(post "$work/bad.json" application/json)" 400
json="$(cat "$work/response")"
check "400 body is a JSON google.rpc.Status" 's["code"] == 3 and "bogus" in s["message"]'
json="$(stats)"
check "requests counted" 's["requests"] == 8'
check "spans from 200 answers only" 's["spans"] == 20 and s["unique_spans"] == 4 and s["duplicate_spans"] == 16'
check "status counts" 's["status_counts"] == {"200": 6, "400": 1, "415": 1}'
check "first request headers" 's["headers_seen"].get("X-Test") == "one" and s["headers_seen"].get("Content-Type") == "application/x-protobuf"'
check "gzip counted" 's["gzip_requests"] == 1 and s["content_encodings"] == {"gzip": 1, "identity": 7}'
check "invalid request recorded" 's["invalid_requests"] == 1 and any("bogus" in e for e in s["errors"])'
check "duplicates listed" 'len(s["duplicates"]) == 4 and set(s["duplicates"].values()) == {5}'
json="$(curl -sS "http://127.0.0.1:$port/stats?ids=1")"
check "span ids with multiplicity" 'len(s["span_ids"]) == 4 and sum(s["span_ids"].values()) == 20'
kill -TERM "$pid"
wait "$pid" || fail "sink exited non-zero after SIGTERM"
json="$(cat "$work/plain.summary.json")"
check "summary file on SIGTERM" 's["requests"] == 8 and s["spans"] == 20 and s["duplicate_spans"] == 16 and s["gzip_requests"] == 1'

# --- 2. the fault script; stops by itself after 11 spans -----------------------------------
start_sink faults --mode '503,429:1,reset,partial:1,413>3,slow:0.4,ok' --stop-after-spans 11
expect_eq "fault 1: 503" "$(post "$work/b.pb" application/x-protobuf)" 503
"$py" -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(0 if b[:2]==b"\x08\x0e" and b"503" in b else 1)' "$work/response" \
  || fail "503 body is not a binary google.rpc.Status with code 14 (UNAVAILABLE)"
checks=$((checks + 1))
expect_eq "fault 2: 429" "$(post "$work/b.pb" application/x-protobuf)" 429
expect_eq "fault 2: Retry-After" "$(header retry-after)" 1
set +e
curl -sS --max-time 10 -o /dev/null -H 'Content-Type: application/x-protobuf' --data-binary "@$work/b.pb" \
  "http://127.0.0.1:$port/v1/traces" 2>"$work/curl-reset.err"
status=$?
set -e
checks=$((checks + 1))
[ "$status" = 56 ] || [ "$status" = 52 ] || fail "fault 3: reset: curl exit $status ($(cat "$work/curl-reset.err")), expected 56 (RST) or 52"
expect_eq "fault 4: partial success" "$(post "$work/b.pb" application/x-protobuf)" 200
"$py" - "$work/response" <<'PY' || fail "partial success body"
import sys
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
response = ExportTraceServiceResponse.FromString(open(sys.argv[1], "rb").read())
assert response.partial_success.rejected_spans == 1 and response.partial_success.error_message, response
PY
checks=$((checks + 1))
expect_eq "fault 5: 413 over 3 spans" "$(post "$work/b.pb" application/x-protobuf)" 413
started=$(date +%s%N)
expect_eq "fault 6: slow" "$(post "$work/b.pb" application/x-protobuf)" 200
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
checks=$((checks + 1))
[ "$elapsed_ms" -ge 400 ] || fail "fault 6: slow answered after ${elapsed_ms} ms, expected >= 400"
json="$(curl -sS --max-time 5 "http://127.0.0.1:$port/stats?ids=1")"
check "before the last request" 's["spans"] == 7 and s["rejected_spans"] == 1 and s["resets"] == 1'
check "rejected spans are not recorded as seen" 'sum(s["span_ids"].values()) == 7 and len(s["span_ids"]) == 4'
expect_eq "last entry repeats: ok" "$(post "$work/b.pb" application/x-protobuf)" 200
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
checks=$((checks + 1))
if kill -0 "$pid" 2>/dev/null; then fail "sink still running after --stop-after-spans 11"; fi
wait "$pid" || fail "sink exited non-zero after --stop-after-spans"
json="$(cat "$work/faults.summary.json")"
check "fault summary counts" 's["requests"] == 7 and s["spans"] == 11 and s["rejected_spans"] == 1 and s["resets"] == 1'
check "fault summary statuses" 's["status_counts"] == {"200": 3, "413": 1, "429": 1, "503": 1}'

# --- 3. echo401: a gateway that echoes the request headers (credentials included) in a 401 --
start_sink echo --mode echo401
expect_eq "echo401: status" "$(post "$work/b.pb" application/x-protobuf -H 'Authorization: Bearer echo-me-123')" 401
expect_eq "echo401: content type" "$(header content-type)" "text/plain; charset=utf-8"
checks=$((checks + 1))
grep -qx "Authorization: Bearer echo-me-123" "$work/response" && grep -qx "Content-Type: application/x-protobuf" "$work/response" \
  || fail "echo401: the body does not echo the request headers as name: value lines: $(cat "$work/response")"
json="$(stats)"
check "echo401: counted as 401, no span accepted" 's["status_counts"] == {"401": 1} and s["spans"] == 0'
kill -TERM "$pid"
wait "$pid" || fail "echo sink exited non-zero after SIGTERM"

echo "otlp_sink_selftest: ok ($checks checks)"
