#!/usr/bin/env bash
# The files atof-bridge writes, under faults: a full disk (simulated with `ulimit -f`, the file
# size limit, which makes writes fail like ENOSPC), symbolic links, loose modes and files owned by
# another user. Spans are counted independently with opentelemetry-proto and by scripts/otlp_sink.py.
# Usage: scripts/fault-files-test.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
. scripts/sink-lib.sh
show() { cat "$@" >&2 2>/dev/null || true; }

# Short waits: nothing listens on port 9 (discard), so every export fails at once.
export OTEL_BSP_EXPORT_TIMEOUT=3000 OTEL_EXPORTER_OTLP_TIMEOUT=2000
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS OTEL_EXPORTER_OTLP_TRACES_HEADERS
dead=http://127.0.0.1:9/

# claimed ERRFILE: the "N in the fallback file" count of a run's summary line.
claimed() { sed -n 's/.* \([0-9][0-9]*\) in the fallback file,.*/\1/p' "$1" | tail -n 1; }

python3 benchmarks/generate_atof.py 300 "$work/run.jsonl" >/dev/null
second=Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl

# 1. A full disk: the file size limit (40 KiB) is reached while the fallback file is written in
#    small batches. The run exits 1, says how many spans were lost, and the file keeps only whole
#    lines, exactly the spans the run says are in it.
fallback="$work/fallback.otlp.jsonl"
set +e
(ulimit -f 40; OTEL_BSP_MAX_EXPORT_BATCH_SIZE=8 exec "$bin" export "$work/run.jsonl" --endpoint "$dead" --fallback "$fallback") 2>"$work/full.err"
status=$?
set -e
first="$(claimed "$work/full.err")"
if in_file="$(whole_lines "$fallback" 2>"$work/full.check")" && [ $status -eq 1 ] \
  && grep -qE "atof-bridge: [1-9][0-9]* spans lost" "$work/full.err" && ! grep -q " failed, " "$work/full.err" \
  && [ -n "$first" ] && [ "$first" -gt 0 ] && [ "$in_file" = "$first" ]; then
  pass "full disk: exit 1, 'N spans lost', the fallback file holds whole lines with exactly the $first spans the run claims"
else
  fail "full disk: exit $status, claimed '$first', file: ${in_file:-$(cat "$work/full.check")}"; show "$work/full.err"
fi

# 2. The next run, with room again, appends to the same file after the last whole line.
set +e
"$bin" export "$second" --endpoint "$dead" --fallback "$fallback" 2>"$work/next.err"
status=$?
set -e
then_claimed="$(claimed "$work/next.err")"
total="$(whole_lines "$fallback" 2>&1 || true)"
if [ $status -eq 2 ] && [ -n "$then_claimed" ] && [ "$total" = "$((first + then_claimed))" ]; then
  pass "the next run appends after the last whole line: $first + $then_claimed spans in the file"
else
  fail "next run: exit $status, claimed '$then_claimed', file: $total"; show "$work/next.err"
fi

# 3. Replaying the file delivers every span both runs said is in it.
start_sink replay ok
if "$bin" replay "$fallback" --endpoint "$url" 2>"$work/replay.err"; then
  got="$(stat_of "$url" 's["unique_spans"], s["duplicate_spans"]')"
  [ "$got" = "($((first + then_claimed)), 0)" ] && pass "replay delivers all $((first + then_claimed)) spans of both runs" \
    || fail "replay: sink saw $got, expected ($((first + then_claimed)), 0)"
else
  fail "replay exited $?"; show "$work/replay.err"
fi

# 4. A file whose last line was cut off (by a crash) gets a new line before the next run's spans:
#    replay reports the one cut line and delivers everything else.
cut="$work/cut.otlp.jsonl"
cp "$fallback" "$cut"
printf '{"resourceSpans":[{"resource":' >>"$cut"
set +e
"$bin" export "$second" --endpoint "$dead" --fallback "$cut" 2>"$work/cut.err"
status=$?
start_sink cut ok
"$bin" replay "$cut" --endpoint "$url" 2>"$work/cut-replay.err"
replay_status=$?
set -e
got="$(stat_of "$url" 's["unique_spans"]')"
if [ $status -eq 2 ] && grep -q "the last line has no line break" "$work/cut.err" && [ $replay_status -eq 1 ] \
  && grep -q "1 bad lines" "$work/cut-replay.err" && [ "$got" = "$((first + then_claimed))" ]; then
  pass "appending to a cut last line starts a new line (warned); replay loses only the cut line"
else
  fail "cut last line: export exit $status, replay exit $replay_status, sink saw $got"; show "$work/cut.err" "$work/cut-replay.err"
fi

# 5. convert -o on a full disk: a clear error naming the file, exit 1, only whole lines left.
python3 benchmarks/generate_atof.py 1800 "$work/large.jsonl" >/dev/null
set +e
(ulimit -f 1500; exec "$bin" convert "$work/large.jsonl" --to otlp-json --batch-size 50 -o "$work/converted.jsonl") 2>"$work/convert.err"
status=$?
set -e
if [ $status -eq 1 ] && grep -q "error: $work/converted.jsonl: write failed" "$work/convert.err" \
  && [ -s "$work/converted.jsonl" ] && whole_lines "$work/converted.jsonl" >/dev/null 2>"$work/convert.check"; then
  pass "convert -o on a full disk: exit 1, the error names the file, the output keeps only whole lines"
else
  fail "convert on a full disk: exit $status"; show "$work/convert.err" "$work/convert.check"
fi

# 6. Symbolic links are not followed: convert -o and export --fallback refuse them (exit 1) and
#    the file they point to is unchanged.
printf 'precious\n' >"$work/target"
cp "$work/target" "$work/target.orig"
ln -s "$work/target" "$work/link.jsonl"
set +e
"$bin" convert "$second" --to otlp-json -o "$work/link.jsonl" 2>"$work/link-convert.err"
convert_status=$?
"$bin" export "$second" --endpoint "$dead" --fallback "$work/link.jsonl" 2>"$work/link-export.err"
export_status=$?
set -e
if [ $convert_status -eq 1 ] && [ $export_status -eq 1 ] && cmp -s "$work/target" "$work/target.orig" \
  && grep -q "link.jsonl: is a symbolic link" "$work/link-convert.err" && grep -q "link.jsonl: is a symbolic link" "$work/link-export.err" \
  && grep -qE "[1-9][0-9]* spans lost" "$work/link-export.err"; then
  pass "convert -o and export --fallback refuse a symbolic link (exit 1, its target unchanged)"
else
  fail "symbolic link: convert exit $convert_status, export exit $export_status"; show "$work/link-convert.err" "$work/link-export.err"
fi

# 7. Our own existing fallback file open to others is set to 0600, with a warning.
printf '' >"$work/loose.jsonl"
chmod 644 "$work/loose.jsonl"
set +e
"$bin" export "$second" --endpoint "$dead" --fallback "$work/loose.jsonl" 2>"$work/loose.err"
status=$?
set -e
[ $status -eq 2 ] && [ "$(stat -c %a "$work/loose.jsonl")" = 600 ] && grep -q "warning: $work/loose.jsonl: had mode 0644" "$work/loose.err" \
  && pass "an existing 0644 fallback file is set to 0600 with a warning" || { fail "loose mode: exit $status"; show "$work/loose.err"; }

# 8. A fallback file owned by another user (uid 65534) is refused and left unchanged.
if [ "$(id -u)" = 0 ]; then
  printf 'theirs\n' >"$work/foreign.jsonl"
  chown 65534 "$work/foreign.jsonl"
  set +e
  "$bin" export "$second" --endpoint "$dead" --fallback "$work/foreign.jsonl" 2>"$work/foreign.err"
  status=$?
  set -e
  [ $status -eq 1 ] && [ "$(cat "$work/foreign.jsonl")" = theirs ] && grep -q "foreign.jsonl: belongs to another user" "$work/foreign.err" \
    && pass "a fallback file owned by another user is refused (exit 1, unchanged)" || { fail "foreign owner: exit $status"; show "$work/foreign.err"; }
else
  echo "skip: a file owned by another user (chown needs root)"
fi

echo "fault-files-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
