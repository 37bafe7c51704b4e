#!/usr/bin/env bash
# A local Arize Phoenix (PyPI arize-phoenix) for the end-to-end test: a real OTLP/HTTP receiver
# whose HTTP API reads the spans back.
#
#   scripts/phoenix.sh install     make .venv-phoenix (idempotent, quiet when done); prints its python
#   scripts/phoenix.sh start DIR   start Phoenix on 127.0.0.1 (free ports, telemetry off, state in a
#                                  temporary directory inside DIR, log DIR/phoenix.log); writes
#                                  DIR/phoenix.pid, DIR/phoenix.url and DIR/phoenix.grpc-url (its
#                                  OTLP/gRPC receiver, http://127.0.0.1:PORT), waits until it is
#                                  ready and prints the URL (http://127.0.0.1:PORT)
#   scripts/phoenix.sh stop DIR    stop the Phoenix that `start DIR` started (TERM, then KILL)
#
# The venv is separate from .venv (opentelemetry-proto for the byte-level verifier): Phoenix
# brings its own, different set of packages. Works on a fresh Debian machine that has only
# python3: installs python3-venv with apt-get when the venv module is missing.
# ATOF_PHOENIX_START_TIMEOUT (seconds, default 120) bounds the wait for readiness.
set -euo pipefail

PHOENIX_VERSION="20.26.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-phoenix"
py="$venv/bin/python"
requirements="arize-phoenix==$PHOENIX_VERSION"
# Marks our Phoenix process so that `stop` never signals a process that merely reused the pid.
marker="atof-bridge-e2e-phoenix"

die() { echo "phoenix: $*" >&2; exit 1; }

usage() {
  echo "usage: scripts/phoenix.sh install | start DIR | stop DIR" >&2
  exit 2
}

# Phoenix's own metadata must name the pinned version.
check="import importlib.metadata as m, sys; sys.exit(m.version('arize-phoenix') != '$PHOENIX_VERSION')"

installed() {
  [ -x "$py" ] && "$py" -c "$check" 2>/dev/null
}

install() {
  installed || echo "phoenix: installing $requirements into .venv-phoenix (about 2 minutes, 850 MB; once)" >&2
  bash "$root/scripts/pinned-venv.sh" phoenix "$venv" "$check" "$requirements"
}

# Runs `phoenix serve`, first moving its OTLP gRPC listener from every interface ([::], which
# Phoenix hard-codes) to loopback: the test must not listen beyond 127.0.0.1.
# shellcheck disable=SC2016
launcher='
import sys  # '"$marker"'
import grpc.aio._server as _grpc_server
_add_insecure_port = _grpc_server.Server.add_insecure_port
def _loopback_only(self, address):
    return _add_insecure_port(self, "127.0.0.1:" + address.rpartition(":")[2])
_grpc_server.Server.add_insecure_port = _loopback_only
from phoenix.server.main import main
sys.argv = ["phoenix", "serve"]
sys.exit(main())
'

# Prints two distinct free TCP ports on 127.0.0.1 (chosen by the kernel, so never a busy 4317,
# 4318 or 6006).
free_ports() {
  "$py" - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

ours() {  # is pid $1 alive and our Phoenix?
  [ -r "/proc/$1/cmdline" ] && tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$marker"
}

start() {
  local dir="$1"
  [ -d "$dir" ] || die "start: directory $dir does not exist; create it first (e.g. dir=\$(mktemp -d))"
  dir="$(cd "$dir" && pwd)"
  installed || die "Phoenix is not installed; run 'bash scripts/phoenix.sh install' first"
  if [ -f "$dir/phoenix.pid" ] && ours "$(cat "$dir/phoenix.pid")"; then
    die "a Phoenix started in $dir is still running (pid $(cat "$dir/phoenix.pid")); run 'bash scripts/phoenix.sh stop $dir' first"
  fi

  local ports http_port grpc_port work
  ports="$(free_ports)" || die "could not find free ports on 127.0.0.1"
  read -r http_port grpc_port <<<"$ports"
  work="$(mktemp -d "$dir/phoenix-work.XXXXXX")"
  echo "$work" >"$dir/phoenix.workdir"

  # A clean environment for Phoenix: none of the caller's PHOENIX_* or OTEL_* settings (a
  # database URL, a collector to forward to, its own tracing) may leak in.
  local unset_args=() name
  while IFS= read -r name; do
    unset_args+=(-u "$name")
  done < <(compgen -e | grep -E '^(PHOENIX_|OTEL_)' || true)

  # Telemetry off: PHOENIX_TELEMETRY_ENABLED=false (FullStory and Scarf pixels) and
  # PHOENIX_ALLOW_EXTERNAL_RESOURCES=false (no public-internet fetches on its own initiative:
  # web fonts, telemetry, the WASM sandbox download). The LLM assistant and its tools are off too.
  env "${unset_args[@]}" \
    PHOENIX_HOST=127.0.0.1 \
    PHOENIX_PORT="$http_port" \
    PHOENIX_GRPC_PORT="$grpc_port" \
    PHOENIX_WORKING_DIR="$work" \
    PHOENIX_TELEMETRY_ENABLED=false \
    PHOENIX_ALLOW_EXTERNAL_RESOURCES=false \
    PHOENIX_DISABLE_AGENT_ASSISTANT=true \
    PHOENIX_AGENTS_DISABLE_WEB_ACCESS=true \
    PHOENIX_AGENTS_DISABLE_BASH=true \
    PHOENIX_AGENTS_DISABLE_GITHUB=true \
    PHOENIX_ENABLE_MCP_SERVER=false \
    PHOENIX_LOG_MIGRATIONS=false \
    DO_NOT_TRACK=1 \
    "$py" -c "$launcher" >"$dir/phoenix.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/phoenix.pid"
  local url="http://127.0.0.1:$http_port"
  echo "$url" >"$dir/phoenix.url"
  echo "http://127.0.0.1:$grpc_port" >"$dir/phoenix.grpc-url"

  # Ready when the database answers through the HTTP API (/readyz); bounded wait.
  local timeout="${ATOF_PHOENIX_START_TIMEOUT:-120}" started=$SECONDS
  until "$py" - "$url/readyz" <<'EOF' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
  do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "phoenix: Phoenix exited during start-up; last lines of $dir/phoenix.log:" >&2
      tail -n 30 "$dir/phoenix.log" >&2
      rm -f "$dir/phoenix.pid"
      die "start failed (see $dir/phoenix.log)"
    fi
    if [ $((SECONDS - started)) -ge "$timeout" ]; then
      echo "phoenix: not ready after ${timeout}s; last lines of $dir/phoenix.log:" >&2
      tail -n 30 "$dir/phoenix.log" >&2
      stop "$dir" >/dev/null 2>&1 || true
      die "start timed out (raise ATOF_PHOENIX_START_TIMEOUT on a slow machine)"
    fi
    sleep 0.5
  done
  echo "$url"
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || die "stop: directory $dir does not exist"
  if [ ! -f "$dir/phoenix.pid" ]; then
    echo "phoenix: nothing to stop in $dir (no phoenix.pid)" >&2
    return 0
  fi
  local pid i
  pid="$(cat "$dir/phoenix.pid")"
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do  # up to 15 s for a clean shutdown
      ours "$pid" || break
      sleep 0.25
    done
    if ours "$pid"; then
      echo "phoenix: pid $pid did not stop after TERM; sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do
        ours "$pid" || break
        sleep 0.25
      done
      ours "$pid" && die "pid $pid survived KILL"
    fi
  fi
  # Only what `start` made: the pid and url files and Phoenix's temporary working directory
  # (its database). phoenix.log stays for diagnosis.
  if [ -f "$dir/phoenix.workdir" ]; then
    local work
    work="$(cat "$dir/phoenix.workdir")"
    case "$work" in
      "$dir"/phoenix-work.*) rm -rf "$work" ;;
    esac
    rm -f "$dir/phoenix.workdir"
  fi
  rm -f "$dir/phoenix.pid" "$dir/phoenix.url" "$dir/phoenix.grpc-url"
}

[ $# -ge 1 ] || usage
case "$1" in
  install) [ $# -eq 1 ] || usage; install ;;
  start) [ $# -eq 2 ] || usage; start "$2" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
