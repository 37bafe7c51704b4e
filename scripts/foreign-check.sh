#!/usr/bin/env bash
# Checks every foreign-format example file that has span expectations beside it
# (Tests/Fixtures/foreign/<format>/<name>.{jsonl,sse} with <name>.spans.json) with
# scripts/foreign_check.py: the spans decoded by opentelemetry-proto, ids stable over two runs, and
# `convert --to atof` equal to <name>.atof.jsonl when that golden exists.
# Usage: scripts/foreign-check.sh PATH-TO-atof-bridge
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
fixtures=()
shopt -s nullglob
for file in Tests/Fixtures/foreign/*/*.jsonl Tests/Fixtures/foreign/*/*.sse; do
  case "$file" in *.atof.jsonl) continue ;; esac
  [ -f "${file%.*}.spans.json" ] && fixtures+=("$file")
done
if [ ${#fixtures[@]} -eq 0 ]; then
  echo "foreign-check: no example files with span expectations under Tests/Fixtures/foreign/"
  exit 0
fi
"$(bash scripts/python-env.sh)" scripts/foreign_check.py "$bin" "${fixtures[@]}"
