#!/usr/bin/env bash
# The MCP example (examples/MCPDemo) as a smoke check: it runs against the SDK's own server with no
# collector listening (127.0.0.1:9), so its spans land in the fallback file of a temporary folder;
# the ATOF file must validate and the spans must be the agent with its three MCP tool calls:
# CLIENT spans under the agent, one OK, the `isError` one and the throwing one ERROR, the
# initialize and list marks as events of the agent span.
# Usage: scripts/mcp-demo-test.sh PATH-TO-MCPDemo PATH-TO-atof-bridge
set -euo pipefail
demo="$1"
bin="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 "$demo" "$work" > "$work/demo.out" 2> "$work/demo.err" \
  || { echo "FAIL: MCPDemo failed: $(cat "$work/demo.out" "$work/demo.err")" >&2; exit 1; }
# The report is read whole first: `grep -q` stops reading at its match, and under pipefail the
# SIGPIPE that gives validate's later lines would fail the check.
report="$("$bin" validate "$work/run.atof.jsonl" 2>&1)" \
  || { echo "FAIL: atof-bridge validate exited non-zero: $report" >&2; exit 1; }
grep -q '11 events, 4 spans, 0 bad lines, 0 warnings' <<< "$report" \
  || { echo "FAIL: atof-bridge validate: $report" >&2; exit 1; }
python3 - "$work/spans.otlp.jsonl" <<'PY'
import json, sys
spans = {}
for line in open(sys.argv[1], encoding="utf-8"):
    for resource in json.loads(line)["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            spans.update({span["name"]: span for span in scope["spans"]})
agent = spans.pop("weather-agent")
shape = {name: (span["kind"], span["status"]["code"], span.get("parentSpanId")) for name, span in spans.items()}
expected = {name: (3, code, agent["spanId"]) for name, code in [("get_forecast", 1), ("get_alerts", 2), ("get_history", 2)]}
if shape != expected:
    sys.exit(f"tool spans {shape}, expected {expected}")
if [event["name"] for event in agent.get("events", [])] != ["mcp.initialize", "mcp.tools.list"]:
    sys.exit(f"agent events {agent.get('events')}")
if spans["get_alerts"]["status"].get("message") != "no alert service for region ARA":
    sys.exit(f"get_alerts status {spans['get_alerts']['status']}")
PY
echo "mcp-demo: ok ($(head -n 1 "$work/demo.out"))"
