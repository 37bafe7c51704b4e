#!/usr/bin/env bash
# Checks of `atof-bridge stats` on the real NeMo Relay fixtures: the text and JSON reports equal
# the goldens (Tests/Fixtures/golden/<fixture>.stats.txt and .stats.json), OTLP/JSON input gives
# the same figures as its ATOF source, --trace filters, an unknown trace id fails with exit 1, no
# colour escapes off a terminal, no line is wider than the width, bad lines are reported, a deep chain
# is one trace whose --json stays linear in its spans.
# Usage: scripts/stats-test.sh PATH-TO-atof-bridge [--update]
#   --update rewrites the goldens from the binary's output (review them by eye before committing).
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
update="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
golden=Tests/Fixtures/golden

# same_figures A.json B.json [KEY...]: the two --json reports are equal once the top-level KEYs
# (default: input, which names the file and its format) are removed; prints the differences.
same_figures() {
  python3 - "$@" <<'EOF'
import json, sys
a, b, *keys = sys.argv[1:]
keys = keys or ["input"]
left, right = (json.load(open(p, encoding="utf-8")) for p in (a, b))
for key in keys:
    left.pop(key, None)
    right.pop(key, None)
if left != right:
    sys.stderr.write(json.dumps(left, indent=1, ensure_ascii=False)[:3000] + "\n---\n" + json.dumps(right, indent=1, ensure_ascii=False)[:3000] + "\n")
    sys.exit(1)
EOF
}

# widest FILE...: the longest line, in characters.
widest() {
  python3 -c 'import sys; print(max((len(l.rstrip("\n")) for p in sys.argv[1:] for l in open(p, encoding="utf-8")), default=0))' "$@"
}

# 1. Goldens: text at --width 100, and JSON, for every fixture.
for fixture in Tests/Fixtures/nemo-relay-*.jsonl; do
  name="$(basename "$fixture" .jsonl)"
  "$bin" stats "$fixture" --width 100 >"$work/$name.stats.txt" 2>"$work/$name.err" || { fail "$name: stats exits non-zero"; cat "$work/$name.err" >&2; continue; }
  "$bin" stats "$fixture" --json >"$work/$name.stats.json" 2>>"$work/$name.err" || { fail "$name: stats --json exits non-zero"; cat "$work/$name.err" >&2; continue; }
  if [ "$update" = "--update" ]; then
    cp "$work/$name.stats.txt" "$work/$name.stats.json" "$golden/"
    echo "updated: $golden/$name.stats.txt, $golden/$name.stats.json"
  fi
  for kind in txt json; do
    if cmp -s "$work/$name.stats.$kind" "$golden/$name.stats.$kind"; then
      pass "$name: stats .$kind equals the golden file"
    else
      fail "$name: stats .$kind differs from $golden/$name.stats.$kind (diff golden actual):"
      diff -u "$golden/$name.stats.$kind" "$work/$name.stats.$kind" >&2 || true
    fi
  done
  python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$work/$name.stats.json" \
    && pass "$name: --json output is valid JSON" || fail "$name: --json output is not valid JSON"
  [ ! -s "$work/$name.err" ] && pass "$name: nothing on stderr for a clean file" || { fail "$name: unexpected stderr"; cat "$work/$name.err" >&2; }

  # 2. OTLP/JSON input (the convert golden of the same fixture) gives the same figures.
  "$bin" stats "$golden/$name.otlp.jsonl" --json >"$work/$name.otlp.stats.json" 2>"$work/$name.otlp.err" \
    && same_figures "$work/$name.stats.json" "$work/$name.otlp.stats.json" \
    && grep -q '"format": "otlp-json"' "$work/$name.otlp.stats.json" \
    && pass "$name: OTLP/JSON input ($golden/$name.otlp.jsonl) gives the same figures as the ATOF source" \
    || fail "$name: OTLP/JSON input gives other figures than the ATOF source"
done

# 3. Standard input gives the same report as the file.
"$bin" stats - --json <Tests/Fixtures/nemo-relay-llm-calls.jsonl >"$work/stdin.json" \
  && same_figures "$work/stdin.json" "$golden/nemo-relay-llm-calls.stats.json" \
  && grep -q '"source": "<stdin>"' "$work/stdin.json" \
  && pass "reads standard input (-)" || fail "standard input"

# 4. --trace: a unique prefix (either case) or the full id selects one trace; figures cover it alone.
stream=Tests/Fixtures/nemo-relay-streaming-marks.jsonl
trace_id="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["traces"][1]["traceId"])' "$golden/nemo-relay-streaming-marks.stats.json")"
prefix="$(printf '%s' "${trace_id:0:12}" | tr a-f A-F)"
if "$bin" stats "$stream" --trace "$prefix" --json >"$work/trace.json" \
  && python3 - "$work/trace.json" "$trace_id" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["selectedTrace"] == sys.argv[2], report["selectedTrace"]
assert [t["traceId"] for t in report["traces"]] == [sys.argv[2]]
assert report["totals"]["spans"] == report["traces"][0]["spanCount"] == 1
assert report["totals"]["traces"] == 1
assert [c["category"] for c in report["categories"]] == ["function"]
EOF
then pass "--trace PREFIX (upper case) selects one trace; figures cover it alone"; else fail "--trace PREFIX"; fi
"$bin" stats "$stream" --trace "$trace_id" --width 100 >"$work/trace.txt" \
  && [ "$(grep -c '^trace ' "$work/trace.txt")" = 1 ] && grep -q "^trace $trace_id" "$work/trace.txt" \
  && ! grep -q "stream-agent" "$work/trace.txt" \
  && pass "--trace FULL-ID draws only that trace's tree" || fail "--trace FULL-ID text"

# 5. An unknown or ambiguous trace id: a clear message and exit 1.
set +e
"$bin" stats "$stream" --trace ffffffff >"$work/unknown.out" 2>"$work/unknown.err"
status=$?
"$bin" stats "$stream" --trace "${trace_id:0:4}" >/dev/null 2>"$work/ambiguous.err"
ambiguous=$?
set -e
[ $status -eq 1 ] && grep -q "no trace in .* has an id starting with ffffffff" "$work/unknown.err" && [ ! -s "$work/unknown.out" ] \
  && pass "unknown --trace id: exit 1 and says so" || { fail "unknown --trace id (exit $status)"; cat "$work/unknown.err" >&2; }
[ $ambiguous -eq 1 ] && grep -q "matches 2 traces" "$work/ambiguous.err" \
  && pass "ambiguous --trace prefix: exit 1, lists the matches" || fail "ambiguous --trace prefix (exit $ambiguous)"

# 6. Colour: never off a terminal (even with TERM set); on a terminal only without NO_COLOR.
esc=$'\033'
TERM=xterm-256color "$bin" stats Tests/Fixtures/nemo-relay-llm-calls.jsonl >"$work/plain.txt"
! grep -q "$esc" "$work/plain.txt" && ! grep -q "$esc" "$golden"/*.stats.txt \
  && pass "no colour escapes when standard output is not a terminal" || fail "colour escapes off a terminal"
if command -v script >/dev/null; then
  TERM=xterm script -qc "'$bin' stats Tests/Fixtures/nemo-relay-llm-calls.jsonl" /dev/null >"$work/tty.txt" </dev/null || true
  NO_COLOR=1 TERM=xterm script -qc "'$bin' stats Tests/Fixtures/nemo-relay-llm-calls.jsonl" /dev/null >"$work/tty-nocolor.txt" </dev/null || true
  grep -q "${esc}\[31m" "$work/tty.txt" && ! grep -q "$esc" "$work/tty-nocolor.txt" \
    && pass "on a terminal: red for the error span; none with NO_COLOR" || fail "terminal colour / NO_COLOR"
fi

# 7. Width: no line longer than --width (or COLUMNS), bars left out when too narrow.
all=(Tests/Fixtures/nemo-relay-*.jsonl Tests/Fixtures/planted-problems.jsonl Tests/Fixtures/atof-0.2-stream.jsonl)
width_ok=1
for width in 40 57 80 100 160; do
  for fixture in "${all[@]}"; do
    "$bin" stats "$fixture" --width "$width" >"$work/w.txt" 2>/dev/null || true
    got="$(widest "$work/w.txt")"
    if [ "$got" -gt "$width" ]; then width_ok=0; echo "  $fixture at --width $width: a line of $got characters" >&2; fi
  done
done
[ $width_ok = 1 ] && pass "no line longer than --width (40, 57, 80, 100, 160; all fixtures)" || fail "--width not respected"
COLUMNS=60 "$bin" stats Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl >"$work/columns.txt"
[ "$(widest "$work/columns.txt")" -le 60 ] && pass "COLUMNS sets the width off a terminal" || fail "COLUMNS"
"$bin" stats Tests/Fixtures/nemo-relay-llm-calls.jsonl --width 40 >"$work/narrow.txt"
grep -q "llm-agent" "$work/narrow.txt" && ! grep -q "█" "$work/narrow.txt" \
  && pass "at --width 40 the tree stays and the bars are left out" || fail "narrow layout"
set +e
"$bin" stats Tests/Fixtures/nemo-relay-llm-calls.jsonl --width 39 >/dev/null 2>&1
narrow=$?
set -e
[ $narrow -ne 0 ] && pass "--width below 40 is refused" || fail "--width 39 accepted"

# 8. Bad lines: reported as file:line on stderr and counted; the figures cover the rest; exit 1.
set +e
"$bin" stats Tests/Fixtures/planted-problems.jsonl --json >"$work/planted.json" 2>"$work/planted.err"
status=$?
set -e
if [ $status -eq 1 ] \
  && grep -q "planted-problems.jsonl:3: error: not JSON" "$work/planted.err" \
  && grep -q "planted-problems.jsonl:14: error: the last line is cut off" "$work/planted.err" \
  && python3 - "$work/planted.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["input"]["badLines"] == 4, report["input"]
assert report["anomalies"] == {"unended": 1, "unmatchedEnds": 1, "orphanMarks": 1, "duplicateStarts": 1, "clockSkews": 0}, report["anomalies"]
EOF
then pass "bad lines: file:line on stderr, counted, anomalies counted, exit 1"; else fail "bad lines (exit $status)"; cat "$work/planted.err" >&2; fi
"$bin" convert Tests/Fixtures/planted-problems.jsonl --to otlp-json -o "$work/planted.otlp.jsonl" 2>/dev/null || true
printf 'not json\n' >>"$work/planted.otlp.jsonl"
set +e
"$bin" stats "$work/planted.otlp.jsonl" --json >"$work/planted-otlp.json" 2>"$work/planted-otlp.err"
status=$?
set -e
[ $status -eq 1 ] && grep -q "planted.otlp.jsonl:2: error: not JSON" "$work/planted-otlp.err" \
  && same_figures "$work/planted.json" "$work/planted-otlp.json" \
  && pass "OTLP/JSON input: a bad line is reported and counted (exit 1); figures equal the ATOF source's" \
  || { fail "OTLP/JSON bad line (exit $status)"; cat "$work/planted-otlp.err" >&2; }

# 9. Empty input: success, zero spans.
: >"$work/empty.jsonl"
"$bin" stats "$work/empty.jsonl" >"$work/empty.txt" && grep -q "^no spans$" "$work/empty.txt" \
  && pass "empty input: exit 0, no spans" || fail "empty input"

# 10. Many traces: 20 trees unless --all-traces.
python3 benchmarks/generate_atof.py 225 "$work/many.jsonl"
"$bin" stats "$work/many.jsonl" --width 100 >"$work/many.txt"
"$bin" stats "$work/many.jsonl" --width 100 --all-traces >"$work/many-all.txt"
"$bin" stats "$work/many.jsonl" --json >"$work/many.json"
if [ "$(grep -c '^trace ' "$work/many.txt")" = 20 ] && grep -q "^5 more traces not shown" "$work/many.txt" \
  && [ "$(grep -c '^trace ' "$work/many-all.txt")" = 25 ] && ! grep -q "more traces not shown" "$work/many-all.txt" \
  && python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert (r["tracesShown"], r["tracesOmitted"], r["totals"]["traces"]) == (20, 5, 25)' "$work/many.json"; then
  pass "25 traces: 20 trees and a note, all 25 with --all-traces"
else
  fail "trace cap"
fi

# 11. A 5,000-deep chain (scripts/generate_pathological.py): one trace; --json lists its spans flat
#     with their depth, so its size grows with the spans, not with depth times spans; the text
#     stays within the width and names the true depth of rows drawn at the depth cap.
python3 scripts/generate_pathological.py deep 5000 "$work/deep.jsonl"
if "$bin" stats "$work/deep.jsonl" --json >"$work/deep.json" && python3 - "$work/deep.json" <<'EOF'
import json, os, sys
report = json.load(open(sys.argv[1]))
assert report["totals"]["traces"] == 1, report["totals"]
spans = report["traces"][0]["spans"]
assert [span["depth"] for span in spans] == list(range(1, 5001))
assert all(spans[i]["parentSpanId"] == spans[i - 1]["spanId"] for i in range(1, len(spans)))
assert all("children" not in span for span in spans)
size = os.path.getsize(sys.argv[1])
assert size < 1000 * len(spans), f"{size} bytes for {len(spans)} spans"
EOF
then pass "5,000-deep chain: one trace, --json flat with depths and parents, size linear in the spans"; else fail "deep chain --json"; fi
"$bin" stats "$work/deep.jsonl" --width 100 >"$work/deep.txt"
[ "$(widest "$work/deep.txt")" -le 100 ] && grep -q "\[depth 5000\] level-5000" "$work/deep.txt" \
  && pass "5,000-deep chain: text within --width, deep rows name their depth" || fail "deep chain text"

echo "stats-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
