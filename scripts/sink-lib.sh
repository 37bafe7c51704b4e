# Shared helpers for the shell tests that run atof-bridge against scripts/otlp_sink.py.
# Source it after setting: root (the repository), work (a temporary folder). It sets py, sinks,
# passed and failed, and a cleanup trap that stops every sink and removes $work.
py="$(bash "$root/scripts/python-env.sh")"
sinks=()
passed=0
failed=0
cleanup() {
  for pid in "${sinks[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${sinks[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# start_sink NAME MODE: starts a sink on 127.0.0.1, sets $url; its pid is stopped at exit.
start_sink() {
  rm -f "$work/$1.port"
  "$py" "$root/scripts/otlp_sink.py" --port 0 --port-file "$work/$1.port" --mode "$2" >"$work/$1.sink.log" 2>&1 &
  sinks+=($!)
  for _ in $(seq 1 100); do [ -s "$work/$1.port" ] && break; sleep 0.1; done
  [ -s "$work/$1.port" ] || { echo "sink $1 did not start:" >&2; cat "$work/$1.sink.log" >&2; exit 1; }
  url="http://127.0.0.1:$(cat "$work/$1.port")"
}
# stat_of URL EXPRESSION: evaluates a Python expression on the sink's /stats document `s`.
stat_of() {
  "$py" -c 'import json,sys,urllib.request; s=json.load(urllib.request.urlopen(sys.argv[1]+"/stats",timeout=5)); print(eval(sys.argv[2]))' "$1" "$2"
}
# spans_in FILE: the number of spans in an OTLP/JSON-lines file, each line decoded by
# opentelemetry-proto (a torn or invalid line fails the call).
spans_in() {
  "$py" - "$1" <<'PY'
import sys
sys.path.insert(0, "scripts")
from verify_otlp import parse_json_line
total = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        if line.strip():
            request = parse_json_line(line)
            total += sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
print(total)
PY
}
# whole_lines FILE: prints the span count when every line is OTLP/JSON (decoded by
# opentelemetry-proto) and the file ends with "\n" (or is empty); fails otherwise.
whole_lines() {
  "$py" - "$1" <<'PY'
import sys
sys.path.insert(0, "scripts")
from verify_otlp import parse_json_line
data = open(sys.argv[1], "rb").read()
if data and not data.endswith(b"\n"):
    sys.exit(f"{sys.argv[1]} does not end with a line break")
total = 0
for number, line in enumerate(data.splitlines(), 1):
    try:
        request = parse_json_line(line)
    except Exception as error:
        sys.exit(f"{sys.argv[1]}:{number}: not OTLP/JSON: {error}")
    total += sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
print(total)
PY
}
# refused_url: an http URL on 127.0.0.1 where nothing listens.
refused_url() {
  echo "http://127.0.0.1:$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
}
