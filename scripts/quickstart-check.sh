#!/usr/bin/env bash
# The README's quick start cannot drift: its first ```swift block must be, line for line,
# Tests/QuickStart/main.swift, which `swift build` compiles (target QuickStart, with only the
# imports the block shows; Tests/QuickStart/Support.swift supplies the app's request, client and tool).
# Usage: scripts/quickstart-check.sh   (from the package root)
set -euo pipefail
block="$(mktemp)"
trap 'rm -f "$block"' EXIT
awk '/^## Quick start/ { section = 1 } section && /^```swift$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' \
  README.md > "$block"
if [ ! -s "$block" ]; then
  echo "FAIL: no \`\`\`swift block under '## Quick start' in README.md" >&2
  exit 1
fi
if ! diff -u "$block" Tests/QuickStart/main.swift; then
  echo "FAIL: README.md's quick start and Tests/QuickStart/main.swift differ; make them the same (the file is compiled)" >&2
  exit 1
fi
echo "ok: README.md's quick start is Tests/QuickStart/main.swift ($(wc -l < "$block") lines), compiled by swift build"
