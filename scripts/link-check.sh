#!/usr/bin/env bash
# The instrumentation does not drag the exporter in: an app that imports only ATOF and
# ATOFInstrumentation (examples/JSONLOnlyDemo) links neither libcurl, libprotobuf-c nor zlib and
# holds no ATOFBridge code, while AgentDemo (which imports ATOFBridge) does link them, so the
# check is known to see them. Then the JSONL-only example runs and its file must be the expected
# ATOF run: one agent scope holding an LLM call and a tool call, owner-only, valid for `validate`.
# Usage: scripts/link-check.sh PATH-TO-JSONLOnlyDemo PATH-TO-atof-bridge PATH-TO-AgentDemo
set -euo pipefail
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
demo="$(absolute "$1")"
bin="$(absolute "$2")"
bridged="$(absolute "$3")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# The exporter's libraries among a binary's shared objects, direct or indirect (ldd resolves the
# whole tree). `libz.so` is zlib only: libzstd.so and the like do not match.
exporter_libraries() {
  ldd "$1" | grep -E '^[[:space:]]*(libcurl|libprotobuf-c|libz)\.so' || true
}

if ! ldd "$demo" > "$work/ldd.txt" 2>&1; then
  fail "ldd cannot list the libraries of $demo: $(cat "$work/ldd.txt")"
elif ! grep -q 'libswiftCore\.so' "$work/ldd.txt"; then
  fail "ldd lists no libswiftCore.so for $demo (is it a Swift binary?): $(cat "$work/ldd.txt")"
else
  found="$(exporter_libraries "$demo")"
  if [ -z "$found" ]; then pass "JSONLOnlyDemo links no libcurl, libprotobuf-c or zlib"
  else fail "JSONLOnlyDemo links exporter libraries:"$'\n'"$found"; fi
fi
# Swift mangles module ATOFBridge as 10ATOFBridge: none of its code may be linked in.
symbols="$(nm "$demo" | grep -c '10ATOFBridge' || true)"
if [ "$symbols" = 0 ]; then pass "JSONLOnlyDemo holds no ATOFBridge code"
else fail "JSONLOnlyDemo holds $symbols ATOFBridge symbols"; fi
# Nor does the core drag the MCP SDK in (ATOFMCP is a product of its own): Swift mangles module
# MCP as $s3MCP.
for app in "$demo" "$bridged"; do
  symbols="$(nm "$app" | grep -c '\$s3MCP' || true)"
  if [ "$symbols" = 0 ]; then pass "$(basename "$app") holds no MCP SDK code"
  else fail "$(basename "$app") holds $symbols MCP SDK symbols"; fi
done
# The control: the same check finds all three in an app that uses the Bridge.
found="$(exporter_libraries "$bridged")"
if grep -q '^[[:space:]]*libcurl\.so' <<<"$found" && grep -q '^[[:space:]]*libprotobuf-c\.so' <<<"$found" \
  && grep -q '^[[:space:]]*libz\.so' <<<"$found"; then pass "the check sees libcurl, libprotobuf-c and zlib in AgentDemo"
else fail "the check does not see the exporter libraries in AgentDemo: $found"; fi

# The example runs and writes the expected run.
file="$work/run.atof.jsonl"
if (cd "$work" && "$demo" "$file" > "$work/demo.out" 2>&1); then pass "JSONLOnlyDemo runs: $(tail -n 1 "$work/demo.out")"
else fail "JSONLOnlyDemo failed: $(cat "$work/demo.out")"; fi
mode="$(stat -c %a "$file" 2>/dev/null || echo missing)"
if [ "$mode" = 600 ]; then pass "the file is owner-only (0600)"; else fail "the file's mode is $mode, not 600"; fi
if "$bin" validate "$file" > "$work/validate.out" 2>&1 \
  && grep -q '6 events, 3 spans, 0 bad lines, 0 warnings' "$work/validate.out"; then
  pass "atof-bridge validate: 6 events, 3 spans, no problems"
else fail "atof-bridge validate: $(cat "$work/validate.out")"; fi
if python3 - "$file" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
shape = [(e["kind"], e.get("scope_category"), e["category"], e["name"]) for e in events]
expected = [
    ("scope", "start", "agent", "word-counter"), ("scope", "start", "llm", "openai.chat"),
    ("scope", "end", "llm", "openai.chat"), ("scope", "start", "tool", "count_words"),
    ("scope", "end", "tool", "count_words"), ("scope", "end", "agent", "word-counter"),
]
if shape != expected:
    sys.exit(f"events {shape}, expected {expected}")
agent = events[0]["uuid"]
children = [e for e in events if e["category"] in ("llm", "tool")]
if any(e.get("parent_uuid") != agent for e in children) or "parent_uuid" in events[0]:
    sys.exit("the LLM and tool calls are not children of the agent scope")
if events[2]["data"]["usage"]["prompt_tokens"] != 18 or events[4]["data"] != {"words": 7}:
    sys.exit(f"unexpected payloads: {events[2].get('data')}, {events[4].get('data')}")
PY
then pass "the file holds the agent scope with its LLM call and tool call, in order"
else fail "the file does not hold the expected events"; fi

echo "link-check: $passed passed, $failed failed"
[ "$failed" = 0 ]
