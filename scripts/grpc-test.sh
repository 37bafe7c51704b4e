#!/usr/bin/env bash
# End-to-end checks of `atof-bridge export` and `replay` with --protocol grpc against
# scripts/otlp_grpc_sink.py, a local OTLP/gRPC receiver (grpcio + opentelemetry-proto's
# TraceService stubs) with fault modes that decodes every request and counts span ids, so
# "exactly once" is checked by id.
# Usage: scripts/grpc-test.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
. scripts/sink-lib.sh

# Short waits so fault paths take seconds, not minutes.
export OTEL_BSP_EXPORT_TIMEOUT=3000 OTEL_EXPORTER_OTLP_TIMEOUT=2000
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS OTEL_EXPORTER_OTLP_TRACES_HEADERS \
  OTEL_EXPORTER_OTLP_PROTOCOL OTEL_EXPORTER_OTLP_TRACES_PROTOCOL OTEL_EXPORTER_OTLP_INSECURE OTEL_EXPORTER_OTLP_TRACES_INSECURE

# start_grpc_sink NAME MODE [SINK-ARGS...]: starts a gRPC sink on 127.0.0.1; sets $url, $port and $summary.
start_grpc_sink() {
  rm -f "$work/$1.port"
  summary="$work/$1.summary.json"
  "$py" "$root/scripts/otlp_grpc_sink.py" --port 0 --port-file "$work/$1.port" --summary "$summary" --mode "$2" "${@:3}" \
    >"$work/$1.sink.log" 2>&1 &
  sinks+=($!)
  for _ in $(seq 1 100); do [ -s "$work/$1.port" ] && break; sleep 0.1; done
  [ -s "$work/$1.port" ] || { echo "gRPC sink $1 did not start:" >&2; cat "$work/$1.sink.log" >&2; exit 1; }
  port="$(cat "$work/$1.port")"
  url="http://127.0.0.1:$port"
}
# summary_of EXPRESSION: evaluates a Python expression on the last sink's summary `s` (none yet: zeros).
summary_of() {
  "$py" -c 'import json,os,sys; p=sys.argv[1]; s=json.load(open(p)) if os.path.exists(p) else {"requests":0,"connections":0,"spans":0,"unique_spans":0,"duplicate_spans":0,"status_counts":{},"span_ids":{},"drops":0,"expired":0,"metadata":{}}; print(eval(sys.argv[2]))' "$summary" "$1"
}
# ids_of_file FILE: the sorted span ids of an OTLP/JSON-lines file.
ids_of_file() {
  "$py" -c 'import json,sys; print(" ".join(sorted(sp["spanId"] for l in open(sys.argv[1]) if l.strip() for r in json.loads(l)["resourceSpans"] for sc in r["scopeSpans"] for sp in sc["spans"])))' "$1"
}
# exported FILE.jsonl NAME: converts an ATOF file (offline) to OTLP/JSON lines $work/NAME.expected.jsonl.
exported() {
  "$bin" convert "$1" --to otlp-json -o "$work/$2.expected.jsonl" 2>/dev/null
}

fixture=Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl
python3 benchmarks/generate_atof.py 1800 "$work/run.jsonl" >/dev/null
exported "$work/run.jsonl" run
exported "$fixture" fixture
run_spans="$(spans_in "$work/run.expected.jsonl")"
fixture_spans="$(spans_in "$work/fixture.expected.jsonl")"
run_ids="$(ids_of_file "$work/run.expected.jsonl")"
fixture_ids="$(ids_of_file "$work/fixture.expected.jsonl")"
sink_ids='" ".join(sorted(s["span_ids"]))'

# run_export NAME ARGS...: export with --protocol grpc; sets $status; stderr in $work/NAME.err.
run_export() {
  local name=$1
  shift
  set +e
  "$bin" export --protocol grpc "$@" 2>"$work/$name.err"
  status=$?
  set -e
}

# 1. ok: a generated run delivered exactly once, by id, over gRPC; no fallback file; exit 0.
start_grpc_sink ok ok
run_export ok "$work/run.jsonl" --endpoint "$url" --fallback "$work/ok.jsonl"
got="$(summary_of 's["unique_spans"], s["duplicate_spans"], s["invalid_requests"]')"
if [ $status -eq 0 ] && [ "$got" = "($run_spans, 0, 0)" ] && [ "$(summary_of "$sink_ids")" = "$run_ids" ] && [ ! -e "$work/ok.jsonl" ]; then
  pass "ok: all $run_spans spans of a generated run arrive exactly once (ids as convert writes them)"
else
  fail "ok: exit $status, sink saw $got of $run_spans"; cat "$work/ok.err" >&2
fi

# 2. gzip (grpc-encoding) and a header; the header's value never appears in our output.
start_grpc_sink gzip ok
run_export gzip "$fixture" --endpoint "$url" --gzip --header "x-tenant=SECRET-blue" --verbose
got="$(summary_of 's["unique_spans"], s["metadata"].get("x-tenant"), s["metadata"].get("user-agent", "").startswith("atof-bridge/")')"
if [ $status -eq 0 ] && [ "$got" = "($fixture_spans, 'SECRET-blue', True)" ] && ! grep -q "SECRET-blue" "$work/gzip.err"; then
  pass "gzip + header: delivered, the header arrives, its value is not in our output"
else
  fail "gzip + header: exit $status, $got"; cat "$work/gzip.err" >&2
fi

# 3. UNAVAILABLE twice, then OK: retried with backoff, delivered exactly once.
start_grpc_sink unavailable UNAVAILABLE,UNAVAILABLE,ok
OTEL_BSP_EXPORT_TIMEOUT=10000 run_export unavailable "$fixture" --endpoint "$url" --fallback "$work/unavailable.jsonl"
got="$(summary_of 's["unique_spans"], s["duplicate_spans"], s["status_counts"].get("UNAVAILABLE", 0)')"
[ $status -eq 0 ] && [ "$got" = "($fixture_spans, 0, 2)" ] && [ "$(summary_of "$sink_ids")" = "$fixture_ids" ] && [ ! -e "$work/unavailable.jsonl" ] \
  && pass "UNAVAILABLE twice then OK: every span arrives exactly once" || { fail "UNAVAILABLE: exit $status, $got"; cat "$work/unavailable.err" >&2; }

# 4. RESOURCE_EXHAUSTED with RetryInfo (1 s): retried after the delay, delivered exactly once.
start_grpc_sink exhausted-retry RESOURCE_EXHAUSTED:1,ok
run_export exhausted-retry "$fixture" --endpoint "$url" --fallback "$work/exhausted-retry.jsonl"
got="$(summary_of 's["unique_spans"], s["duplicate_spans"], s["status_counts"].get("RESOURCE_EXHAUSTED", 0)')"
[ $status -eq 0 ] && [ "$got" = "($fixture_spans, 0, 1)" ] && [ ! -e "$work/exhausted-retry.jsonl" ] \
  && pass "RESOURCE_EXHAUSTED with RetryInfo: retried, delivered exactly once" || { fail "RESOURCE_EXHAUSTED+RetryInfo: exit $status, $got"; cat "$work/exhausted-retry.err" >&2; }

# 5. RESOURCE_EXHAUSTED without RetryInfo: not retried; spans in the fallback file; exit 2.
start_grpc_sink exhausted RESOURCE_EXHAUSTED
run_export exhausted "$fixture" --endpoint "$url" --fallback "$work/exhausted.jsonl"
got="$(summary_of 's["requests"], s["spans"]')"
[ $status -eq 2 ] && [ "$got" = "(1, 0)" ] && [ "$(ids_of_file "$work/exhausted.jsonl")" = "$fixture_ids" ] \
  && pass "RESOURCE_EXHAUSTED without RetryInfo: one request, every span in the fallback file" || { fail "RESOURCE_EXHAUSTED: exit $status, $got"; cat "$work/exhausted.err" >&2; }

# 6. INVALID_ARGUMENT: not retried, fallback file, grpc-message (percent-decoded) logged once;
#    replaying the fallback file over gRPC to a healthy receiver delivers every span once.
start_grpc_sink invalid INVALID_ARGUMENT
run_export invalid "$fixture" --endpoint "$url" --fallback "$work/invalid.jsonl"
got="$(summary_of 's["requests"], s["spans"]')"
if [ $status -eq 2 ] && [ "$got" = "(1, 0)" ] && [ "$(ids_of_file "$work/invalid.jsonl")" = "$fixture_ids" ] \
  && [ "$(grep -c "warning: the receiver answered gRPC status 3 INVALID_ARGUMENT: INVALID_ARGUMENT from the test sink (mode INVALID_ARGUMENT); 100% sure" "$work/invalid.err")" = 1 ]; then
  pass "INVALID_ARGUMENT: no retry, spans in the fallback file, grpc-message logged once"
else
  fail "INVALID_ARGUMENT: exit $status, $got"; cat "$work/invalid.err" >&2
fi
start_grpc_sink replay ok
set +e
"$bin" replay "$work/invalid.jsonl" --protocol grpc --endpoint "$url" 2>"$work/replay.err"
status=$?
set -e
got="$(summary_of 's["unique_spans"], s["duplicate_spans"]')"
[ $status -eq 0 ] && [ "$got" = "($fixture_spans, 0)" ] && [ "$(summary_of "$sink_ids")" = "$fixture_ids" ] \
  && pass "replay --protocol grpc delivers the fallback file's spans exactly once" || { fail "grpc replay: exit $status, $got"; cat "$work/replay.err" >&2; }

# 7. slow:1 within the request timeout: delivered. slow:4 beyond it (grpc-timeout 1000m): the
#    receiver sees its deadline pass and accepts nothing, the spans go to the fallback file.
start_grpc_sink slow slow:1
run_export slow "$fixture" --endpoint "$url" --fallback "$work/slow.jsonl"
[ $status -eq 0 ] && [ "$(summary_of 's["unique_spans"]')" = "$fixture_spans" ] && [ ! -e "$work/slow.jsonl" ] \
  && pass "slow answer within the timeout: delivered" || { fail "slow:1: exit $status"; cat "$work/slow.err" >&2; }
start_grpc_sink hung slow:4
OTEL_EXPORTER_OTLP_TIMEOUT=1000 OTEL_BSP_EXPORT_TIMEOUT=1500 run_export hung "$fixture" --endpoint "$url" --fallback "$work/hung.jsonl"
sleep 3.5  # let the sink finish its sleep and notice the deadline
got="$(summary_of 's["spans"], s["expired"]')"
[ $status -eq 2 ] && [ "$got" = "(0, 1)" ] && [ "$(ids_of_file "$work/hung.jsonl")" = "$fixture_ids" ] \
  && pass "answer slower than grpc-timeout: the receiver drops the call, every span in the fallback file once" || { fail "slow:4: exit $status, $got"; cat "$work/hung.err" >&2; }

# 8. drop: the connection is cut after the request arrived; retried on a new connection,
#    delivered exactly once.
start_grpc_sink drop drop,ok
run_export drop "$fixture" --endpoint "$url" --fallback "$work/drop.jsonl"
got="$(summary_of 's["unique_spans"], s["duplicate_spans"], s["drops"]')"
[ $status -eq 0 ] && [ "$got" = "($fixture_spans, 0, 1)" ] && [ ! -e "$work/drop.jsonl" ] \
  && pass "dropped connection: retried, delivered exactly once" || { fail "drop: exit $status, $got"; cat "$work/drop.err" >&2; }

# 9. partial:2: two spans rejected (counted, exit 1), the rest delivered once.
start_grpc_sink partial partial:2
run_export partial "$fixture" --endpoint "$url" --fallback "$work/partial.jsonl"
got="$(summary_of 's["spans"], s["duplicate_spans"], s["rejected_spans"]')"
[ $status -eq 1 ] && [ "$got" = "($((fixture_spans - 2)), 0, 2)" ] && grep -q "2 rejected" "$work/partial.err" && [ ! -e "$work/partial.jsonl" ] \
  && pass "partial_success: 2 spans counted as rejected, the rest delivered once, exit 1" || { fail "partial: exit $status, $got"; cat "$work/partial.err" >&2; }

# 10. Nothing listening: exit 2, every span in the fallback file.
refused="$(refused_url)"
run_export down "$fixture" --endpoint "$refused" --fallback "$work/down.jsonl"
[ $status -eq 2 ] && [ "$(ids_of_file "$work/down.jsonl")" = "$fixture_ids" ] \
  && pass "receiver down: exit 2, every span in the fallback file" || { fail "down: exit $status"; cat "$work/down.err" >&2; }

# 11. From the environment alone: PROTOCOL=grpc, a host:port endpoint and INSECURE=true (h2c).
start_grpc_sink environment ok
set +e
OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT="127.0.0.1:$port" OTEL_EXPORTER_OTLP_INSECURE=true \
  "$bin" export "$fixture" --fallback "$work/environment.jsonl" 2>"$work/environment.err"
status=$?
set -e
[ $status -eq 0 ] && [ "$(summary_of 's["unique_spans"], s["duplicate_spans"]')" = "($fixture_spans, 0)" ] \
  && pass "OTEL_EXPORTER_OTLP_PROTOCOL=grpc with host:port and INSECURE=true: delivered exactly once" || { fail "environment: exit $status"; cat "$work/environment.err" >&2; }

# 12. TLS: https:// negotiates HTTP/2 by ALPN; the CA comes from --ca-file.
if command -v openssl >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
  start_grpc_sink tls ok --tls-cert "$work/tls.crt" --tls-key "$work/tls.key"
  run_export tls "$work/run.jsonl" --endpoint "https://127.0.0.1:$port" --ca-file "$work/tls.crt" --fallback "$work/tls.jsonl"
  [ $status -eq 0 ] && [ "$(summary_of 's["unique_spans"], s["duplicate_spans"]')" = "($run_spans, 0)" ] && [ "$(summary_of "$sink_ids")" = "$run_ids" ] \
    && [ "$(summary_of 's["requests"] >= 2 and s["connections"] == 1')" = True ] \
    && pass "https:// (TLS, ALPN h2) with --ca-file: a generated run (several batches, one connection) delivered exactly once" || { fail "tls: exit $status, $(summary_of 's["requests"], s["connections"]')"; cat "$work/tls.err" >&2; }
  run_export tls-untrusted "$fixture" --endpoint "https://127.0.0.1:$port" --fallback "$work/tls-untrusted.jsonl"
  [ $status -eq 2 ] && grep -q "OTEL_EXPORTER_OTLP_CERTIFICATE" "$work/tls-untrusted.err" \
    && pass "https:// with an unknown CA: not delivered, a certificate hint" || { fail "untrusted tls: exit $status"; cat "$work/tls-untrusted.err" >&2; }
else
  echo "skip: TLS case (no openssl)"
fi

echo "grpc-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
