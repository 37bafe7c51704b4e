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

# ==== Sampling: OTEL_TRACES_SAMPLER=traceidratio, OTEL_TRACES_SAMPLER_ARG=0.5 ==================
# 300 traces (root agent + one tool) with random UUIDs from a fixed seed; every 10th tool fails.
# Two runs give the same bytes; each trace is kept or left out whole; error traces are kept
# (ATOF_BRIDGE_KEEP_ERRORS defaults to on); the summary counts the spans sampled out.
python3 - "$work/sampling.jsonl" <<'PY'
import json, random, sys, uuid
rng = random.Random(13)
def u():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
with open(sys.argv[1], "w") as out:
    for n in range(300):
        root, tool = u(), u()
        t = f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.0000"
        def ev(phase, uid, parent, name, cat, meta, suffix):
            return {"atof_version": "0.1", "attributes": [], "category": cat, "category_profile": None, "data": {"n": n},
                    "data_schema": None, "kind": "scope", "metadata": meta, "name": name, "parent_uuid": parent,
                    "scope_category": phase, "timestamp": t + suffix + "+00:00", "uuid": uid}
        status = {"otel.status_code": "ERROR" if n % 10 == 0 else "OK"}
        for e in (ev("start", root, None, "agent", "agent", None, "1"), ev("start", tool, root, "tool", "tool", None, "2"),
                  ev("end", tool, root, "tool", "tool", status, "3"), ev("end", root, None, "agent", "agent", {"otel.status_code": "OK"}, "4")):
            out.write(json.dumps(e) + "\n")
PY
for run in 1 2; do
  OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.5 "$bin" convert "$work/sampling.jsonl" --to otlp-json \
    -o "$work/sampled$run.jsonl" 2>"$work/sampled$run.log" || fail "sampling: convert run $run"
done
"$bin" convert "$work/sampling.jsonl" --to otlp-json -o "$work/unsampled.jsonl" 2>/dev/null || fail "sampling: convert without a sampler"
cmp -s "$work/sampled1.jsonl" "$work/sampled2.jsonl" && pass "sampling: two runs give identical span sets" || fail "sampling: runs differ"
if python3 - "$work/sampled1.jsonl" "$work/unsampled.jsonl" "$work/sampled1.log" <<'PY'
import collections, json, re, sys
def spans(path):
    out = collections.defaultdict(set)
    for line in open(path):
        for rs in json.loads(line)["resourceSpans"]:
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    out[s["traceId"]].add((s["spanId"], s.get("status", {}).get("code", 0)))
    return out
kept, every = spans(sys.argv[1]), spans(sys.argv[2])
total, kept_count = sum(map(len, every.values())), sum(map(len, kept.values()))
assert all(kept[t] == every[t] for t in kept), "a kept trace lost spans"
errors = {t for t, ss in every.items() if any(code == 2 for _, code in ss)}
assert errors and errors <= set(kept), "an error trace was sampled out"
assert 0.3 * len(every) < len(kept) < 0.8 * len(every), f"{len(kept)} of {len(every)} traces kept"
summary = open(sys.argv[3]).read()
assert re.search(rf"\b{kept_count} spans \({total - kept_count} more sampled out\)", summary), summary
PY
then pass "sampling: whole traces only, error traces kept, the summary counts the spans sampled out"; else fail "sampling: traces or summary"; fi
OTEL_TRACES_SAMPLER_ARG=2 "$bin" convert "$work/sampling.jsonl" --sampler traceidratio --to otlp-json -o "$work/bad-arg.jsonl" 2>"$work/bad-arg.log" \
  && grep -q 'warning: OTEL_TRACES_SAMPLER_ARG="2" is not a number from 0 to 1; using the default 1.0' "$work/bad-arg.log" \
  && cmp -s "$work/bad-arg.jsonl" "$work/unsampled.jsonl" && pass "sampling: an invalid OTEL_TRACES_SAMPLER_ARG warns and keeps ratio 1" \
  || fail "sampling: invalid OTEL_TRACES_SAMPLER_ARG"
# ==== end of the sampling checks ==============================================================

# Foreign formats (the translators' own examples are checked by scripts/foreign-check.sh): a JSON
# line of no known format is an error naming what was looked for; validate counts lines by format;
# --from atof detects nothing; --to atof keeps an ATOF file's good lines as they are.
{ head -n 3 Tests/Fixtures/nemo-relay-llm-calls.jsonl; echo '{"hello":1}'; } >"$work/unknown.jsonl"
status=0; "$bin" validate "$work/unknown.jsonl" >"$work/unknown.out" 2>&1 || status=$?
if [ $status -eq 1 ] && grep -q "unknown.jsonl:4: error: not an ATOF event and not a known agent event format (looked for" "$work/unknown.out" \
  && grep -q "lines by format: atof 3, unknown 1" "$work/unknown.out"; then
  pass "foreign: an unknown line is an error naming what was looked for; validate counts lines by format"
else fail "foreign: unknown line / format counts"; cat "$work/unknown.out" >&2; fi
status=0; "$bin" validate "$work/unknown.jsonl" --from atof >"$work/forced.out" 2>&1 || status=$?
[ $status -eq 1 ] && grep -q 'unknown.jsonl:4: error: not an ATOF event: no "kind"' "$work/forced.out" \
  && pass "foreign: --from atof keeps the ATOF decoder's message" || fail "foreign: --from atof"
"$bin" convert Tests/Fixtures/nemo-relay-llm-calls.jsonl --to atof -o "$work/same.jsonl" 2>/dev/null \
  && cmp -s "$work/same.jsonl" <(grep -v '^[[:space:]]*$' Tests/Fixtures/nemo-relay-llm-calls.jsonl) \
  && pass "foreign: convert --to atof keeps an ATOF file's lines as they are" || fail "foreign: --to atof on ATOF"

echo "cli-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
