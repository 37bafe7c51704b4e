#!/usr/bin/env bash
# Real operations against the real binary: SIGINT/SIGTERM mid-export against a working, a dead and
# a hung collector, a second signal, a hung collector without signals, and kill -9 then replay.
# Every span of the input must be accounted for: delivered (counted by id at the sink, decoded by
# opentelemetry-proto) + in the fallback file (every line decoded by opentelemetry-proto) + lost
# or unread as the summary reports = the input's spans.
# Usage: scripts/fault-signals-test.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
. scripts/sink-lib.sh

export OTEL_BSP_EXPORT_TIMEOUT=3000 OTEL_EXPORTER_OTLP_TIMEOUT=2000
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS OTEL_EXPORTER_OTLP_TRACES_HEADERS \
  ATOF_BRIDGE_SHUTDOWN_TIMEOUT ATOF_BRIDGE_FALLBACK_PATH ATOF_BRIDGE_OVERFLOW_POLICY

python3 benchmarks/generate_atof.py 20000 "$work/run.jsonl" >/dev/null
"$bin" convert "$work/run.jsonl" --to otlp-json -o "$work/all.jsonl" 2>/dev/null
total="$(spans_in "$work/all.jsonl")"

# summary_field ERR WORD: a number from the summary line "N spans: A exported, B in the fallback
# file, C rejected, D dropped, E lost" (WORD: spans, exported, fallback, lost).
summary_field() {
  local line
  line="$(grep -E '^atof-bridge: [0-9]+ spans: ' "$1" | tail -n 1)"
  case "$2" in
    spans) sed -E 's/^atof-bridge: ([0-9]+) spans:.*/\1/' <<<"$line" ;;
    exported) sed -E 's/.* ([0-9]+) exported,.*/\1/' <<<"$line" ;;
    fallback) sed -E 's/.* ([0-9]+) in the fallback file,.*/\1/' <<<"$line" ;;
    lost) sed -E 's/.* ([0-9]+) lost;.*/\1/' <<<"$line" ;;
  esac
}
file_spans() { if [ -e "$1" ]; then whole_lines "$1"; else echo 0; fi; }
# wait_for_file FILE: until it exists (bounded: 20 s).
wait_for_file() { for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

# 1–2. A working (slow) collector, SIGINT and SIGTERM mid-export: every span delivered or in the
# fallback file; the summary's counts are the sink's and the file's; no span twice.
for signal in INT TERM; do
  start_sink "working-$signal" slow:0.3
  rm -f "$work/fb-$signal.jsonl"
  "$bin" export "$work/run.jsonl" --endpoint "$url" --fallback "$work/fb-$signal.jsonl" 2>"$work/working-$signal.err" &
  pid=$!
  sleep 2.5
  kill -"$signal" "$pid" 2>/dev/null || true
  set +e; wait "$pid"; status=$?; set -e
  delivered="$(stat_of "$url" 's["unique_spans"]')"
  duplicates="$(stat_of "$url" 's["duplicate_spans"]')"
  in_file="$(file_spans "$work/fb-$signal.jsonl")"
  if [ "$((delivered + in_file))" = "$total" ] && [ "$duplicates" = 0 ] && [ "$(summary_field "$work/working-$signal.err" exported)" = "$delivered" ] \
    && [ "$(summary_field "$work/working-$signal.err" fallback)" = "$in_file" ] && grep -q "stopped by SIG$signal" "$work/working-$signal.err" \
    && grep -q "read 20000 events from $work/run.jsonl (20000 lines)" "$work/working-$signal.err" \
    && { [ $status = 2 ] || { [ $status = 0 ] && [ "$in_file" = 0 ]; }; }; then
    pass "SIG$signal with a working collector: $delivered delivered + $in_file in the fallback file = $total spans, exit $status"
  else
    fail "SIG$signal with a working collector: exit $status, $delivered delivered (+$duplicates twice) + $in_file in the file of $total"; cat "$work/working-$signal.err" >&2
  fi
done

# 3. A dead collector, SIGTERM while a slow producer is still writing (--live from a pipe): reading
# stops at a line the summary names; every span made from the lines read is in the fallback file;
# exit 143 (128 + SIGTERM) because the input was not read to its end.
dead="$(refused_url)"
rm -f "$work/fb-dead.jsonl"
mkfifo "$work/feed"
"$bin" export - --live --endpoint "$dead" --fallback "$work/fb-dead.jsonl" <"$work/feed" 2>"$work/dead.err" &
pid=$!
exec 3>"$work/feed"
head -n 6000 "$work/run.jsonl" >&3
# The producer is still there (the pipe stays open); wait until the lines are taken, then stop.
for _ in $(seq 1 300); do [ "$(file_spans "$work/fb-dead.jsonl" 2>/dev/null || echo 0)" -ge 2000 ] && break; sleep 0.1; done
sleep 1
kill -TERM "$pid"
set +e; wait "$pid"; status=$?; set -e
exec 3>&-
line="$(sed -nE 's/.*interrupted by SIGTERM after line ([0-9]+) of <stdin>.*/\1/p' "$work/dead.err" | head -n 1)"
in_file="$(file_spans "$work/fb-dead.jsonl")"
reported="$(summary_field "$work/dead.err" spans)"
if [ -n "$line" ]; then
  head -n "$line" "$work/run.jsonl" >"$work/prefix.jsonl"
  "$bin" convert "$work/prefix.jsonl" --to otlp-json -o "$work/prefix.otlp.jsonl" 2>/dev/null
  prefix_spans="$(spans_in "$work/prefix.otlp.jsonl")"
else
  prefix_spans="?"
fi
if [ $status = 143 ] && [ "$in_file" = "$reported" ] && [ "$in_file" = "$prefix_spans" ] && [ "$(summary_field "$work/dead.err" lost)" = 0 ]; then
  pass "SIGTERM with a dead collector: stopped after line $line, its $in_file spans all in the fallback file, exit 143"
else
  fail "SIGTERM with a dead collector: exit $status, line ${line:-?}, $in_file in the file, summary $reported, prefix $prefix_spans"; cat "$work/dead.err" >&2
fi

# 3b. The same with a foreign agent event stream (agent-sdk) read offline from a pipe: SIGINT while
# the input is still being copied (it must be translated whole, so nothing is exported yet); the
# lines copied are translated and every span made from them is in the fallback file; exit 130.
python3 benchmarks/scale_foreign.py Tests/Fixtures/foreign/agent-sdk/e2e.jsonl 3000 "$work/foreign.jsonl" >/dev/null
rm -f "$work/fb-foreign.jsonl"
mkfifo "$work/foreign-feed"
"$bin" export - --endpoint "$dead" --fallback "$work/fb-foreign.jsonl" <"$work/foreign-feed" 2>"$work/foreign.err" &
pid=$!
exec 4>"$work/foreign-feed"
head -n 1500 "$work/foreign.jsonl" >&4
sleep 2
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
exec 4>&-
head -n 1500 "$work/foreign.jsonl" >"$work/foreign-prefix.jsonl"
"$bin" convert "$work/foreign-prefix.jsonl" --to otlp-json -o "$work/foreign-prefix.otlp.jsonl" 2>/dev/null
prefix_spans="$(spans_in "$work/foreign-prefix.otlp.jsonl")"
in_file="$(file_spans "$work/fb-foreign.jsonl")"
if [ $status = 130 ] && grep -q "interrupted by SIGINT after line 1500 of <stdin>" "$work/foreign.err" && [ "$prefix_spans" -gt 0 ] \
  && [ "$in_file" = "$prefix_spans" ] && [ "$(summary_field "$work/foreign.err" spans)" = "$in_file" ]; then
  pass "SIGINT while a foreign stream is copied from a pipe: its 1500 lines translated, all $in_file spans in the fallback file, exit 130"
else
  fail "SIGINT while a foreign stream is copied: exit $status, $in_file in the file, ${prefix_spans} from the lines read"; cat "$work/foreign.err" >&2
fi

# 4. A hung collector (answers after 60 s), SIGTERM: the run ends within the shutdown bound (2 s
# here, plus the time to write the fallback file) and every span is in the fallback file.
start_sink hung slow:60
rm -f "$work/fb-hung.jsonl"
"$bin" export "$work/run.jsonl" --endpoint "$url" --fallback "$work/fb-hung.jsonl" --shutdown-timeout 2 2>"$work/hung.err" &
pid=$!
sleep 1.5
kill -TERM "$pid"
signalled=$(date +%s%N)
set +e; wait "$pid"; status=$?; set -e
took_ms=$((($(date +%s%N) - signalled) / 1000000))
in_file="$(file_spans "$work/fb-hung.jsonl")"
exported="$(summary_field "$work/hung.err" exported)"
if [ $status = 2 ] && [ "$((in_file + exported))" = "$total" ] && [ $took_ms -lt 9000 ]; then
  pass "SIGTERM with a hung collector: ended ${took_ms} ms after the signal (bound 2 s + file), $in_file spans in the fallback file"
else
  fail "SIGTERM with a hung collector: exit $status after ${took_ms} ms, $in_file in the file + $exported exported of $total"; cat "$work/hung.err" >&2
fi

# 5. A hung collector and no signal: one timed-out batch sends the next ones to the fallback file
# (with a probe every 5 s) instead of costing a timeout each: the sink sees a few requests, not
# one per batch (about 18 here).
start_sink hung2 slow:60
rm -f "$work/fb-hung2.jsonl"
set +e; "$bin" export "$work/run.jsonl" --endpoint "$url" --fallback "$work/fb-hung2.jsonl" 2>"$work/hung2.err"; status=$?; set -e
requests="$(stat_of "$url" 's["requests"]')"
in_file="$(file_spans "$work/fb-hung2.jsonl")"
if [ $status = 2 ] && [ "$in_file" = "$total" ] && [ "$requests" -le 4 ]; then
  pass "hung collector: $requests requests for $total spans (not one timeout per batch), all in the fallback file"
else
  fail "hung collector: exit $status, $requests requests, $in_file of $total in the file"; cat "$work/hung2.err" >&2
fi

# 6. A second signal ends at once: no torn line, every span counted (delivered, in the file, lost).
start_sink twice slow:1
rm -f "$work/fb-twice.jsonl"
"$bin" export "$work/run.jsonl" --endpoint "$url" --fallback "$work/fb-twice.jsonl" --shutdown-timeout 60 2>"$work/twice.err" &
pid=$!
sleep 2.5
kill -INT "$pid"; sleep 0.3; kill -INT "$pid" 2>/dev/null || true
signalled=$(date +%s%N)
set +e; wait "$pid"; status=$?; set -e
took_ms=$((($(date +%s%N) - signalled) / 1000000))
delivered="$(stat_of "$url" 's["unique_spans"]')"
in_file="$(file_spans "$work/fb-twice.jsonl" 2>/dev/null || echo torn)"
lost="$(summary_field "$work/twice.err" lost)"
if [ "$(summary_field "$work/twice.err" spans)" = "$total" ] && [ "$((delivered + in_file + lost))" -ge "$total" ] \
  && [ "$(summary_field "$work/twice.err" fallback)" = "$in_file" ] && [ $took_ms -lt 5000 ] && { [ $status = 1 ] || [ $status = 2 ]; }; then
  pass "second SIGINT: ended ${took_ms} ms later, $delivered delivered + $in_file in the file + $lost reported lost, whole lines, exit $status"
else
  fail "second SIGINT: exit $status after ${took_ms} ms, $delivered delivered, $in_file in the file, $lost lost of $total"; cat "$work/twice.err" >&2
fi

# 7. kill -9 mid-export: the fallback file holds only whole lines; replaying it to the same sink
# delivers each of its spans once (no span id reaches the sink twice across both runs).
start_sink killed "ok,400,ok,400,ok,400,ok,400,slow:0.5"
rm -f "$work/fb-killed.jsonl"
"$bin" export "$work/run.jsonl" --endpoint "$url" --fallback "$work/fb-killed.jsonl" 2>"$work/killed.err" &
pid=$!
wait_for_file "$work/fb-killed.jsonl" || true
sleep 1
kill -9 "$pid" 2>/dev/null || true
set +e; wait "$pid"; set -e
before="$(stat_of "$url" 's["unique_spans"]')"
in_file="$(file_spans "$work/fb-killed.jsonl" 2>/dev/null || echo torn)"
set +e; "$bin" replay "$work/fb-killed.jsonl" --endpoint "$url" 2>"$work/killed-replay.err"; status=$?; set -e
after="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
if [ "$in_file" != torn ] && [ "$in_file" -gt 0 ] && [ $status = 0 ] \
  && [ "$after" = "($((before + in_file)), 0)" ]; then
  pass "kill -9 then replay: $in_file spans in whole lines, each delivered once (sink: $before before, $after after)"
else
  fail "kill -9 then replay: file $in_file, replay exit $status, sink $before then $after"; cat "$work/killed-replay.err" >&2
fi

echo "fault-signals-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
