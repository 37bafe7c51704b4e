#!/usr/bin/env bash
# Example: take a log written by NeMo Relay (ATOF JSON lines) into the OpenTelemetry world.
#   examples/convert-nemo-relay-log.sh [LOG] [OUT-DIR]
# Defaults to a real NeMo Relay fixture and out/. Needs a built CLI (make build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="${1:-$root/Tests/Fixtures/nemo-relay-scopes-tools-marks.jsonl}"
out="${2:-$root/out}"
bin="${ATOF_BRIDGE:-$root/.build/debug/atof-bridge}"
[ -x "$bin" ] || { echo "build the CLI first: make build" >&2; exit 1; }
mkdir -p "$out"

# 1. Check it: every problem with its line number.
"$bin" validate "$log"
# 2. Offline: OTLP/JSON lines (what the Collector's otlpjsonfile receiver reads) for analysis.
"$bin" convert "$log" --to otlp-json -o "$out/nemo-relay.otlp.jsonl"
# 3. A summary and the trace tree in the terminal.
"$bin" stats "$log"
# 4. Into a trace viewer: send it to a collector when one listens (Phoenix, Jaeger, an OTel
#    Collector on 4318); otherwise the spans land in the fallback file for a later `replay`.
OTEL_BSP_EXPORT_TIMEOUT="${OTEL_BSP_EXPORT_TIMEOUT:-5000}" "$bin" export "$log" --endpoint "${OTEL_EXPORTER_OTLP_ENDPOINT:-http://localhost:4318}" \
  --fallback "$out/nemo-relay-fallback.otlp.jsonl" || true
