#!/usr/bin/env bash
# End-to-end checks of `atof-bridge export` and `replay` against scripts/otlp_sink.py, a local
# OTLP/HTTP receiver with fault modes that decodes every request with the official
# opentelemetry-proto package and counts span ids (so "exactly once" is checked by id).
# Usage: scripts/export-test.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
. scripts/sink-lib.sh

# Short waits so fault paths take seconds, not minutes.
export OTEL_BSP_EXPORT_TIMEOUT=3000 OTEL_EXPORTER_OTLP_TIMEOUT=2000
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS OTEL_EXPORTER_OTLP_TRACES_HEADERS

# expected span count of an ATOF file, from the offline converter.
expected_spans() {
  "$bin" convert "$1" --to otlp-json -o "$work/expected.jsonl" 2>/dev/null
  spans_in "$work/expected.jsonl"
}

fixture=Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl
python3 benchmarks/generate_atof.py 1800 "$work/run.jsonl" >/dev/null
run_spans="$(expected_spans "$work/run.jsonl")"
fixture_spans="$(expected_spans "$fixture")"

# 1. A healthy collector: everything delivered exactly once, no fallback file, exit 0.
start_sink ok ok
if (cd "$work" && "$bin" export "$work/run.jsonl" --endpoint "$url" 2>"$work/ok.err"); then
  got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
  [ "$got" = "($run_spans, 0)" ] && [ ! -e "$work/atof-bridge-fallback.otlp.jsonl" ] \
    && pass "export delivers all $run_spans spans of a generated run exactly once" || fail "healthy export: sink saw $got of $run_spans"
else
  fail "healthy export exited $?"; cat "$work/ok.err" >&2
fi

# 1b. --live pairs as it reads (bounded memory) and delivers the same spans.
start_sink live ok
if "$bin" export "$work/run.jsonl" --endpoint "$url" --live --fallback "$work/live-fallback.jsonl" 2>"$work/live.err"; then
  got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
  [ "$got" = "($run_spans, 0)" ] && pass "export --live delivers all $run_spans spans exactly once" || fail "--live: sink saw $got of $run_spans"
else
  fail "--live export exited $?"; cat "$work/live.err" >&2
fi

# 1c. Sampling (traceidratio 0.5): offline and --live deliver exactly the spans convert keeps with the
#     same sampler (whole traces, decided by trace id), the summary counts the rest, exit 0.
python3 - "$work/sampling.jsonl" <<'PY'
import json, random, sys, uuid
rng = random.Random(29)
with open(sys.argv[1], "w") as out:
    for n in range(120):
        root, child = (str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(2))
        for uid, parent, phase, t in ((root, None, "start", 1), (child, root, "start", 2), (child, root, "end", 3), (root, None, "end", 4)):
            out.write(json.dumps({"atof_version": "0.1", "attributes": [], "category": "agent", "category_profile": None, "data": None,
                                  "data_schema": None, "kind": "scope", "metadata": None, "name": "step", "parent_uuid": parent,
                                  "scope_category": phase, "timestamp": f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.{t}+00:00", "uuid": uid}) + "\n")
PY
sampled_spans="$(OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.5 expected_spans "$work/sampling.jsonl")"
for mode in offline live; do
  flags=(); [ "$mode" = live ] && flags=(--live)
  start_sink "sampled-$mode" ok
  if OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.5 "$bin" export "$work/sampling.jsonl" "${flags[@]}" --endpoint "$url" \
    --fallback "$work/sampled-fallback.jsonl" 2>"$work/sampled-$mode.err"; then
    got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
    [ "$got" = "($sampled_spans, 0)" ] && [ "$sampled_spans" -gt 0 ] && [ "$sampled_spans" -lt 240 ] \
      && grep -q "0 lost, $((240 - sampled_spans)) sampled out;" "$work/sampled-$mode.err" \
      && pass "sampling ($mode): the $sampled_spans spans convert keeps arrive once, the rest counted as sampled out, exit 0" \
      || { fail "sampling ($mode): sink saw $got of $sampled_spans"; cat "$work/sampled-$mode.err" >&2; }
  else
    fail "sampling ($mode): export exited $?"; cat "$work/sampled-$mode.err" >&2
  fi
done

# 2. 503, 503, then 200: retried, delivered exactly once.
start_sink flaky '503,503,ok'
if OTEL_BSP_EXPORT_TIMEOUT=10000 "$bin" export "$fixture" --endpoint "$url/v1/traces" --fallback "$work/flaky.jsonl" 2>"$work/flaky.err"; then
  got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"], s["status_counts"].get("503", 0)')"
  [ "$got" = "($fixture_spans, 0, 2)" ] && [ ! -e "$work/flaky.jsonl" ] \
    && pass "503 twice then 200: every span arrives exactly once" || fail "flaky collector: $got, expected ($fixture_spans, 0, 2)"
else
  fail "flaky export exited $?"; cat "$work/flaky.err" >&2
fi

# 2b. A file is judged as a whole (span-mapping.md §2): export sends exactly the spans convert writes,
#     late mark included.
start_sink same ok
"$bin" export "$fixture" --endpoint "$url" 2>/dev/null || true
"$bin" convert "$fixture" --to otlp-json -o "$work/same.jsonl" 2>/dev/null
delivered_ids="$("$py" -c 'import json,sys,urllib.request; s=json.load(urllib.request.urlopen(sys.argv[1]+"/stats?ids=1",timeout=5)); print(" ".join(sorted(s["span_ids"])))' "$url")"
converted_ids="$("$py" -c 'import json,sys; print(" ".join(sorted(sp["spanId"] for l in open(sys.argv[1]) for r in json.loads(l)["resourceSpans"] for sc in r["scopeSpans"] for sp in sc["spans"])))' "$work/same.jsonl")"
[ -n "$delivered_ids" ] && [ "$delivered_ids" = "$converted_ids" ] && pass "export of a file sends the same span ids as convert (judged as a whole)" \
  || fail "export vs convert ids differ: [$delivered_ids] vs [$converted_ids]"

# 3. Nothing listening: every span in the fallback file (owner-only), exit 2; replay delivers all.
refused="$(refused_url)"
set +e
"$bin" export "$work/run.jsonl" --endpoint "$refused" --fallback "$work/down.jsonl" 2>"$work/down.err"
status=$?
set -e
in_file="$(spans_in "$work/down.jsonl" 2>/dev/null || echo 0)"
if [ $status -eq 2 ] && [ "$in_file" = "$run_spans" ] && [ "$(stat -c %a "$work/down.jsonl")" = 600 ] \
  && grep -q "atof-bridge replay $work/down.jsonl" "$work/down.err"; then
  pass "collector down: exit 2, all $run_spans spans in the owner-only fallback file, replay hint printed"
else
  fail "collector down: exit $status, $in_file of $run_spans spans in the file"; cat "$work/down.err" >&2
fi
start_sink replay ok
if "$bin" replay "$work/down.jsonl" --endpoint "$url" 2>"$work/replay.err"; then
  got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
  [ "$got" = "($run_spans, 0)" ] && [ -e "$work/down.jsonl" ] && [ ! -e "$work/down.undelivered.jsonl" ] \
    && pass "replay delivers every span of the fallback file and leaves it in place" || fail "replay: sink saw $got of $run_spans"
else
  fail "replay exited $?"; cat "$work/replay.err" >&2
fi
"$bin" replay "$work/down.jsonl" --endpoint "$url" 2>/dev/null \
  && [ "$(stat_of "$url" 's["unique_spans"]')" = "$run_spans" ] && pass "replaying twice sends the same span ids again (idempotent)" || fail "second replay"

# 4. A collector that answers 400: not retried, spans kept in the fallback, message shown once;
#    replaying to it keeps them in a new file (exit 2), replaying that to a healthy one delivers.
start_sink rejecting 400
set +e
"$bin" export "$fixture" --endpoint "$url" --fallback "$work/rejected.jsonl" 2>"$work/rejected.err"
status=$?
"$bin" replay "$work/rejected.jsonl" --endpoint "$url" 2>"$work/rejected-replay.err"
replay_status=$?
set -e
if [ $status -eq 2 ] && [ "$(spans_in "$work/rejected.jsonl")" = "$fixture_spans" ] \
  && [ "$(grep -c "warning: the receiver answered HTTP 400" "$work/rejected.err")" = 1 ] && [ "$(stat_of "$url" 's["status_counts"].get("400", 0)')" -ge 1 ] \
  && [ $replay_status -eq 2 ] && [ "$(spans_in "$work/rejected.undelivered.jsonl")" = "$fixture_spans" ]; then
  pass "HTTP 400: no retry, spans kept in the fallback, message logged once; a failed replay writes them to a new file"
else
  fail "HTTP 400 path: export exit $status, replay exit $replay_status"; cat "$work/rejected.err" "$work/rejected-replay.err" >&2
fi

# 5. gzip and headers arrive; the header's value never appears in our output.
start_sink headers ok
if OTEL_EXPORTER_OTLP_HEADERS="x-tenant=blue%20team" "$bin" export "$fixture" --endpoint "$url" --gzip \
  --header "Authorization=Bearer SECRET-123" --verbose 2>"$work/headers.err"; then
  got="$(stat_of "$url" 's["gzip_requests"] > 0 and {k.lower(): v for k, v in s["headers_seen"].items()}.get("authorization") == "Bearer SECRET-123" and {k.lower(): v for k, v in s["headers_seen"].items()}.get("x-tenant") == "blue team" and s["unique_spans"]')"
  if [ "$got" = "$fixture_spans" ] && ! grep -q "SECRET-123" "$work/headers.err"; then
    pass "gzip bodies decode, headers (percent-decoded from the environment) arrive, secrets stay out of the output"
  else
    fail "gzip/headers: $got"; cat "$work/headers.err" >&2
  fi
else
  fail "gzip export exited $?"
fi

# 6. --follow exports lines as they are appended and stops cleanly on SIGINT.
start_sink follow ok
: >"$work/growing.jsonl"
OTEL_BSP_SCHEDULE_DELAY=200 "$bin" export "$work/growing.jsonl" --endpoint "$url" --follow --fallback "$work/follow-fallback.jsonl" 2>"$work/follow.err" &
follower=$!
head -n 900 "$work/run.jsonl" >>"$work/growing.jsonl"
sleep 1
tail -n +901 "$work/run.jsonl" >>"$work/growing.jsonl"
for _ in $(seq 1 100); do
  # Every scope of the file is complete: all of them arrive before the interrupt.
  [ "$(stat_of "$url" 's["unique_spans"]')" -ge "$run_spans" ] && break
  sleep 0.2
done
kill -INT $follower
set +e
wait $follower
status=$?
set -e
got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
[ $status -eq 0 ] && [ "$got" = "($run_spans, 0)" ] && pass "--follow exports a growing file live and shuts down cleanly on SIGINT" \
  || { fail "--follow: exit $status, sink saw $got of $run_spans"; cat "$work/follow.err" >&2; }

# 7. Bad input lines: reported with file:line, the rest exported, exit 1.
start_sink badlines ok
set +e
"$bin" export Tests/Fixtures/planted-problems.jsonl --endpoint "$url" 2>"$work/bad.err"
status=$?
set -e
[ $status -eq 1 ] && grep -q "planted-problems.jsonl:3: error: not JSON" "$work/bad.err" && [ "$(stat_of "$url" 's["unique_spans"]')" -gt 0 ] \
  && pass "bad lines: reported by line, good ones exported, exit 1" || { fail "bad lines: exit $status"; cat "$work/bad.err" >&2; }

# 8. An unknown --protocol is refused with a usage error naming the choices (grpc itself: scripts/grpc-test.sh).
set +e
"$bin" export "$fixture" --protocol thrift 2>"$work/protocol.err"
status=$?
set -e
[ $status -ne 0 ] && grep -q "http/protobuf, http/json, grpc" "$work/protocol.err" && pass "unknown --protocol: clear usage error" || { fail "--protocol thrift: exit $status"; cat "$work/protocol.err" >&2; }

# ==== Secrets: no header value and no URL password in any output or file =====================
# 9. A gateway answers 401 echoing every request header (scripts/otlp_sink.py --mode echo401).
#    The export and a replay of its fallback file run in their own directory: stdout, stderr,
#    the fallback files and every other file written there must hold none of the secrets.
secrets_dir="$work/secrets"
mkdir -p "$secrets_dir"
no_secret_in() {  # no_secret_in DIRECTORY SECRET...: true when no file under DIRECTORY holds one
  local directory="$1"; shift
  local secret
  for secret in "$@"; do
    if grep -rlF -- "$secret" "$directory" >&2; then return 1; fi
  done
}
start_sink echo401 echo401
set +e
(cd "$secrets_dir" && OTEL_EXPORTER_OTLP_HEADERS="x-api-key=SECRET-KEY-456" "$bin" export "$root/$fixture" --endpoint "$url" \
  --header "Authorization=Bearer SECRET-TOKEN-123" --fallback "$secrets_dir/echo.jsonl" --verbose \
  >"$secrets_dir/export.stdout" 2>"$secrets_dir/export.stderr")
status=$?
(cd "$secrets_dir" && OTEL_EXPORTER_OTLP_HEADERS="x-api-key=SECRET-KEY-456" "$bin" replay "$secrets_dir/echo.jsonl" --endpoint "$url" \
  --header "Authorization=Bearer SECRET-TOKEN-123" --verbose >"$secrets_dir/replay.stdout" 2>"$secrets_dir/replay.stderr")
replay_status=$?
set -e
seen="$(stat_of "$url" '{k.lower(): v for k, v in s["headers_seen"].items()}.get("authorization") == "Bearer SECRET-TOKEN-123" and {k.lower(): v for k, v in s["headers_seen"].items()}.get("x-api-key") == "SECRET-KEY-456"')"
if [ $status -eq 2 ] && [ $replay_status -eq 2 ] && [ "$seen" = True ] && [ -s "$secrets_dir/echo.undelivered.jsonl" ] \
  && grep -q "HTTP 401: .*Authorization: <redacted>" "$secrets_dir/export.stderr" \
  && grep -q "HTTP 401: .*x-api-key: <redacted>" "$secrets_dir/replay.stderr" \
  && no_secret_in "$secrets_dir" SECRET-TOKEN-123 SECRET-KEY-456; then
  pass "a 401 echoing the request headers: the message is shown with <redacted> values; no secret in any output or file"
else
  fail "echoed headers: export exit $status, replay exit $replay_status, sink saw the headers: $seen"
  cat "$secrets_dir"/*.stderr >&2
fi

# 9b. A password in the endpoint URL: libcurl sends it as Basic credentials, which the gateway
#     echoes; neither the password nor its base64 form appears.
rm -f "$secrets_dir"/*
set +e
(cd "$secrets_dir" && OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://alice:PASSWORD-789@127.0.0.1:${url##*:}/v1/traces" \
  "$bin" export "$root/$fixture" --fallback "$secrets_dir/basic.jsonl" --verbose >"$secrets_dir/basic.stdout" 2>"$secrets_dir/basic.stderr")
status=$?
set -e
basic="$(printf 'alice:PASSWORD-789' | base64)"
if [ $status -eq 2 ] && grep -q "HTTP 401: .*Authorization: Basic <redacted>" "$secrets_dir/basic.stderr" \
  && no_secret_in "$secrets_dir" PASSWORD-789 "$basic"; then
  pass "a password in the endpoint URL stays out of every output and file, also as echoed Basic credentials"
else
  fail "password in the endpoint URL: exit $status"; cat "$secrets_dir/basic.stderr" >&2
fi

# 10. A mistyped scheme with a password: --endpoint is refused (usage error) without showing the
#     password, for export and replay; in OTEL_EXPORTER_OTLP_ENDPOINT it is a warning naming the
#     variable, without the password (the default endpoint is then used, here replaced by --endpoint).
rm -f "$secrets_dir"/*
set +e
"$bin" export "$fixture" --endpoint "htp://alice:PASSWORD-789@127.0.0.1:1/" >"$secrets_dir/scheme.stdout" 2>"$secrets_dir/scheme.stderr"
status=$?
"$bin" replay "$work/down.jsonl" --endpoint "htp://alice:PASSWORD-789@127.0.0.1:1/" >"$secrets_dir/scheme-replay.stdout" 2>"$secrets_dir/scheme-replay.stderr"
replay_status=$?
(cd "$secrets_dir" && OTEL_EXPORTER_OTLP_ENDPOINT="htp://alice:PASSWORD-789@127.0.0.1:1/" "$bin" export "$root/$fixture" \
  --endpoint "$refused" --fallback "$secrets_dir/env.jsonl" >"$secrets_dir/env.stdout" 2>"$secrets_dir/env.stderr")
env_status=$?
set -e
if [ $status -eq 64 ] && [ $replay_status -eq 64 ] \
  && grep -q -- "--endpoint htp://<redacted>@127.0.0.1:1/ is not an http:// or https:// URL" "$secrets_dir/scheme.stderr" \
  && grep -q -- "--endpoint htp://<redacted>@127.0.0.1:1/ is not an http:// or https:// URL" "$secrets_dir/scheme-replay.stderr" \
  && [ $env_status -eq 2 ] && grep -q 'OTEL_EXPORTER_OTLP_ENDPOINT="htp://<redacted>@127.0.0.1:1/" is not an http:// or https:// URL' "$secrets_dir/env.stderr" \
  && no_secret_in "$secrets_dir" PASSWORD-789 alice; then
  pass "a mistyped scheme with a password: clear error (--endpoint) or warning (environment), the password never shown"
else
  fail "mistyped scheme: export exit $status, replay exit $replay_status, environment exit $env_status"
  cat "$secrets_dir"/*.stderr >&2
fi
# ==== end of the secrets checks ==============================================================

echo "export-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
