#!/usr/bin/env bash
# End-to-end test against a real OTLP receiver: exports the NeMo Relay fixtures and a generated
# agent run (~300 spans) with `atof-bridge export` to a local Arize Phoenix, over OTLP/HTTP and
# again over OTLP/gRPC (Phoenix's gRPC receiver), each file and transport into its own Phoenix
# project, then reads the spans back through Phoenix's HTTP API and checks them against
# expectations derived from the raw ATOF files (scripts/e2e_phoenix.py).
# Usage: scripts/e2e-phoenix.sh PATH-TO-atof-bridge
# Phoenix is installed into .venv-phoenix on first use (about 2 minutes), started on 127.0.0.1
# in a temporary directory and always stopped on exit. Exits non-zero on any mismatch.
set -euo pipefail

die() { echo "e2e-phoenix: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: scripts/e2e-phoenix.sh PATH-TO-atof-bridge" >&2; exit 2; }
[ -f "$1" ] && [ -x "$1" ] || die "$1 is not an executable; build the CLI first (swift build) and pass its path"
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The export must see only the settings this test gives it: no endpoint, headers, resource
# attributes or OTEL_SDK_DISABLED from the caller's environment.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(OTEL_|OPENINFERENCE_)' || true)

# A few hundred spans: generate_atof.py writes 9 events per agent turn (agent, LLM, two tools and
# an llm.chunk mark); 675 events = 75 whole turns (a cut turn would leave unpaired scopes) = 300
# spans when the mark falls inside its LLM call (a span event), 375 when it does not (a mark: span).
# The expected spans are derived from the generated file itself either way.
GENERATED_EVENTS=675

ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

t0=$(ms)
py="$(bash scripts/phoenix.sh install)" || die "could not install Phoenix (see above); run 'bash scripts/phoenix.sh install' to retry"
t_install=$(ms)

work="$(mktemp -d)"
keep=0
cleanup() {
  bash scripts/phoenix.sh stop "$work" >/dev/null 2>&1 || echo "e2e-phoenix: could not stop Phoenix (pid file $work/phoenix.pid)" >&2
  if [ "$keep" = 1 ]; then
    echo "e2e-phoenix: inputs, export logs and phoenix.log kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url="$(bash scripts/phoenix.sh start "$work")" || { keep=1; die "Phoenix did not start (see above)"; }
t_start=$(ms)

python3 benchmarks/generate_atof.py "$GENERATED_EVENTS" "$work/generated-agent-run.jsonl" \
  || { keep=1; die "benchmarks/generate_atof.py failed"; }

grpc_url="$(cat "$work/phoenix.grpc-url")"
checks=()
# Each file twice: over OTLP/HTTP to Phoenix's HTTP port, and over OTLP/gRPC to its gRPC
# receiver (PHOENIX_GRPC_PORT), each into its own project, read back the same way.
for file in Tests/Fixtures/nemo-relay-*.jsonl "$work/generated-agent-run.jsonl"; do
  for transport in http grpc; do
    name="$(basename "$file" .jsonl)"
    if [ "$transport" = http ]; then
      project="e2e-$name"
      args=(--endpoint "$url/v1/traces")
    else
      project="e2e-grpc-$name"
      name="grpc-$name"
      args=(--protocol grpc --endpoint "$grpc_url")
      # Phoenix keeps one span per span id across projects, and our ids are derived from the
      # events: the gRPC copy gets its own ids (every uuid's last 12 hex digits XOR-ed with a
      # constant), or Phoenix would take its spans for the HTTP copy's and store none of them.
      python3 - "$file" "$work/$name.jsonl" <<'PY' || { keep=1; die "could not rewrite $file for the gRPC leg"; }
import json, re, sys
uuid = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
def fresh(value):
    if not isinstance(value, str):
        return value
    if uuid.match(value):
        return value[:24] + "%012x" % (int(value[24:], 16) ^ 0xE2E0E2E0E2E0)
    return value + "-grpc"
with open(sys.argv[1]) as source, open(sys.argv[2], "w") as target:
    for line in source:
        if not line.strip():
            target.write(line)
            continue
        event = json.loads(line)
        for key in ("uuid", "parent_uuid", "propagation_root_uuid"):
            if key in event:
                event[key] = fresh(event[key])
        target.write(json.dumps(event, ensure_ascii=False) + "\n")
PY
      file="$work/$name.jsonl"
    fi
    status=0
    # Undeliverable spans (if any) go to the temporary directory, not to a file in the repository.
    OTEL_RESOURCE_ATTRIBUTES="openinference.project.name=$project" \
    ATOF_BRIDGE_FALLBACK_PATH="$work/$name.fallback.otlp.jsonl" \
      timeout 120 "$bin" export "$file" "${args[@]}" >"$work/$name.export.log" 2>&1 || status=$?
    if [ $status -ne 0 ]; then
      keep=1
      echo "e2e-phoenix: '$bin export $file ${args[*]}' exited $status:" >&2
      tail -n 20 "$work/$name.export.log" >&2
      [ $status -ne 124 ] || die "export ran over 120 s and was stopped"
      die "export failed"
    fi
    checks+=("$project=$file")
  done
done
# One foreign agent event file per format (Tests/Fixtures/foreign/<format>/e2e.* if there is one,
# else the first example with span expectations), over OTLP/HTTP, each into its own project; its
# spans are checked against its hand-written .spans.json.
shopt -s nullglob
for dir in Tests/Fixtures/foreign/*/; do
  format="$(basename "$dir")"
  pick=""
  for candidate in "$dir"e2e.jsonl "$dir"e2e.sse "$dir"*.jsonl "$dir"*.sse; do
    case "$candidate" in *.atof.jsonl) continue ;; esac
    if [ -f "$candidate" ] && [ -f "${candidate%.*}.spans.json" ]; then pick="$candidate"; break; fi
  done
  [ -n "$pick" ] || continue
  project="e2e-foreign-$format"
  status=0
  OTEL_RESOURCE_ATTRIBUTES="openinference.project.name=$project" \
  ATOF_BRIDGE_FALLBACK_PATH="$work/foreign-$format.fallback.otlp.jsonl" \
    timeout 120 "$bin" export "$pick" --endpoint "$url/v1/traces" >"$work/foreign-$format.export.log" 2>&1 || status=$?
  # Exit 1 with bad lines is expected of an example that holds one on purpose; the spans are checked.
  if [ $status -ne 0 ] && [ $status -ne 1 ]; then
    keep=1
    tail -n 20 "$work/foreign-$format.export.log" >&2
    die "export of $pick exited $status"
  fi
  checks+=("$project=$pick")
done
shopt -u nullglob
t_export=$(ms)

status=0
"$py" scripts/e2e_phoenix.py --url "$url" "${checks[@]}" >"$work/check.out" 2>&1 || status=$?
t_check=$(ms)
[ $status -eq 0 ] || keep=1

# The checker's lines, then the timings, then its closing 'N passed, N failed' line.
head -n -1 "$work/check.out"
echo "e2e-phoenix: install $(secs "$t0" "$t_install")s, Phoenix start $(secs "$t_install" "$t_start")s," \
  "export $(secs "$t_start" "$t_export")s, read back and check $(secs "$t_export" "$t_check")s," \
  "total $(secs "$t0" "$t_check")s"
tail -n 1 "$work/check.out"
exit $status
