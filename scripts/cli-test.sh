#!/usr/bin/env bash
# End-to-end checks of the atof-bridge command line on the real NeMo Relay fixtures, with every
# OTLP byte decoded independently by Python's official opentelemetry-proto.
# Usage: scripts/cli-test.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="$(bash scripts/python-env.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

"$py" scripts/verify_otlp.py selftest >/dev/null && pass "verifier rejects a broken line" || fail "verifier selftest"

for fixture in Tests/Fixtures/nemo-relay-*.jsonl; do
  name="$(basename "$fixture" .jsonl)"
  python3 scripts/expected_spans.py "$fixture" >"$work/$name.expect.json"
  "$bin" convert "$fixture" --to otlp-json -o "$work/$name.otlp.jsonl" 2>"$work/$name.log" || { fail "$name: convert json"; cat "$work/$name.log" >&2; continue; }
  "$bin" convert "$fixture" --to otlp-proto -o "$work/$name.pb" 2>>"$work/$name.log" || { fail "$name: convert proto"; continue; }
  "$py" scripts/verify_otlp.py json --expect "$work/$name.expect.json" "$work/$name.otlp.jsonl" >/dev/null && pass "$name: OTLP/JSON decodes, ids/parents/kinds/status as the contract says" || fail "$name: OTLP/JSON"
  "$py" scripts/verify_otlp.py proto --expect "$work/$name.expect.json" "$work/$name.pb" >/dev/null && pass "$name: protobuf decodes, ids/parents/kinds/status as the contract says" || fail "$name: protobuf"
  if cmp -s "$work/$name.otlp.jsonl" "Tests/Fixtures/golden/$name.otlp.jsonl"; then pass "$name: CLI output equals the golden file"; else fail "$name: CLI output differs from Tests/Fixtures/golden/$name.otlp.jsonl"; fi
  [ "$(stat -c %a "$work/$name.otlp.jsonl")" = 600 ] && pass "$name: output file is owner-only" || fail "$name: output file mode"
done

# A generated input large enough to be decoded in several parallel blocks and mapped and encoded
# in several rounds of batches (40,005 events, 16 MB, 17,780 spans): both formats must decode to
# exactly the spans derived independently from the ATOF.
python3 benchmarks/generate_atof.py 40005 "$work/large.jsonl"
python3 scripts/expected_spans.py "$work/large.jsonl" >"$work/large.expect.json"
"$bin" convert "$work/large.jsonl" --to otlp-json -o "$work/large.otlp.jsonl" 2>/dev/null \
  && "$py" scripts/verify_otlp.py json --expect "$work/large.expect.json" "$work/large.otlp.jsonl" >/dev/null \
  && pass "large generated input: OTLP/JSON holds exactly the expected spans" || fail "large generated input: OTLP/JSON"
"$bin" convert "$work/large.jsonl" --to otlp-proto -o "$work/large.pb" 2>/dev/null \
  && "$py" scripts/verify_otlp.py proto --expect "$work/large.expect.json" "$work/large.pb" >/dev/null \
  && pass "large generated input: protobuf holds exactly the expected spans" || fail "large generated input: protobuf"

# stdin, empty input, and a 0.2 stream.
cat Tests/Fixtures/nemo-relay-llm-calls.jsonl | "$bin" convert - --to otlp-json >"$work/stdin.jsonl" 2>/dev/null \
  && cmp -s "$work/stdin.jsonl" Tests/Fixtures/golden/nemo-relay-llm-calls.otlp.jsonl && pass "reads standard input" || fail "stdin"
: >"$work/empty.jsonl"
"$bin" convert "$work/empty.jsonl" --to otlp-json -o "$work/empty.out" 2>"$work/empty.log" && [ ! -s "$work/empty.out" ] \
  && grep -q "0 events, 0 spans" "$work/empty.log" && pass "empty input: success with zero spans" || fail "empty input"
"$bin" convert Tests/Fixtures/atof-0.2-stream.jsonl --to otlp-json -o "$work/v02.jsonl" 2>/dev/null \
  && "$py" scripts/verify_otlp.py json "$work/v02.jsonl" >/dev/null && pass "0.2 stream converts and decodes" || fail "0.2 stream"

# validate: planted problems are reported by line number; exit 1 on errors, 0 on warnings only.
set +e
"$bin" validate Tests/Fixtures/planted-problems.jsonl >"$work/validate.out" 2>"$work/validate.err"
status=$?
set -e
if [ $status -eq 1 ] \
  && grep -q "planted-problems.jsonl:3: error: not JSON" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:5: error: .*no UTC offset" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:6: error: not a JSON object" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:8: warning: second start" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:10: warning: end of \"ghost\"" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:11: warning: scope \"never-ends\"" "$work/validate.out" \
  && grep -q "planted-problems.jsonl:14: error: the last line is cut off" "$work/validate.out" \
  && grep -q "unended: 1, unmatched: 1, duplicate: 1, orphan: 1" "$work/validate.out"; then
  pass "validate reports planted problems by line number and exits 1"
else
  fail "validate planted problems (exit $status)"; cat "$work/validate.out" >&2
fi
"$bin" validate Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl >/dev/null 2>&1 && pass "validate exits 0 on a clean file" || fail "validate clean file"

# ==== Unreadable input: exit 1 and a message naming the path, never the usage text (64) =======
# Every command, for a missing file, a directory and a file without read permission. As root,
# chmod 000 does not stop reading, so that case is skipped when running as root.
mkdir -p "$work/input-dir"
: >"$work/unreadable.jsonl"
chmod 000 "$work/unreadable.jsonl"
inputs=("$work/missing.jsonl" "$work/input-dir")
if [ "$(id -u)" -eq 0 ]; then
  echo "skip: unreadable-file cases (running as root: chmod 000 does not prevent reading)"
else
  inputs+=("$work/unreadable.jsonl")
fi
delivery=(--endpoint http://127.0.0.1:1 --fallback "$work/never-written.jsonl")
for input in "${inputs[@]}"; do
  for command in "convert --to otlp-json -o $work/never.out" validate stats "export ${delivery[*]}" \
    "export --live ${delivery[*]}" "export --follow ${delivery[*]}" "replay ${delivery[*]}"; do
    read -r -a words <<<"$command"
    set +e
    "$bin" "${words[0]}" "$input" "${words[@]:1}" >"$work/input.out" 2>"$work/input.err"
    status=$?
    set -e
    what="${words[0]}"
    case "${words[1]:-}" in --live|--follow) what="$what ${words[1]}" ;; esac
    what="$what $(basename "$input")"
    if [ $status -eq 1 ] && grep -qF "atof-bridge: $input: " "$work/input.err" && ! grep -q "Usage:" "$work/input.err" \
      && { [ "$input" != "$work/input-dir" ] || grep -q "is a directory" "$work/input.err"; }; then
      pass "$what: exit 1, the message names the path, no usage text"
    else
      fail "$what: exit $status"; cat "$work/input.err" >&2
    fi
  done
done
[ ! -e "$work/never.out" ] && [ ! -e "$work/never-written.jsonl" ] && pass "no output or fallback file is created for an unreadable input" \
  || fail "an output or fallback file was created for an unreadable input"
chmod 600 "$work/unreadable.jsonl"
# ==== end of the unreadable-input checks =====================================================

echo "cli-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
