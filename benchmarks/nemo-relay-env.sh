#!/usr/bin/env bash
# Creates or updates (idempotently) the venv that benchmarks/nemo_relay_bench.py runs in:
# .venv-nemo in the repository root with NeMo Relay from PyPI, pinned. Prints the venv's python
# path last on stdout; quiet otherwise, and quick when the venv is already right.
#
# nemo-relay's OpenTelemetrySubscriber is native (Rust opentelemetry-otlp 0.32 with the
# opentelemetry_sdk 0.32.1 batch span processor, built into nemo_relay/_native.abi3.so): it needs
# no Python OpenTelemetry packages, and the wheel declares no dependencies. The bench checks the
# spans with the project's own .venv (scripts/python-env.sh, opentelemetry-proto) instead.
set -euo pipefail

NEMO_RELAY_VERSION="0.10.4"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-nemo"
py="$venv/bin/python"
stamp="$venv/.atof-bridge-requirements"
requirements="nemo-relay==$NEMO_RELAY_VERSION"

die() { echo "nemo-relay-env: $*" >&2; exit 1; }

# Already set up with the same requirements and still importable: nothing to do.
if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$requirements" ] \
  && "$py" -c 'import nemo_relay; nemo_relay.OpenTelemetrySubscriber' 2>/dev/null; then
  echo "$py"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || die "python3 not found; install it (Debian: apt-get install python3)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "nemo-relay $NEMO_RELAY_VERSION needs Python 3.10 or newer; python3 is $(python3 -V 2>&1)"

# The venv module and ensurepip are split into python3-venv on Debian.
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  command -v apt-get >/dev/null 2>&1 || die "python3 has no working venv module and apt-get is unavailable"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "python3-venv is missing and you are not root (no sudo found)"
    sudo="sudo"
  fi
  minor="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  echo "nemo-relay-env: installing python3-venv" >&2
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "python$minor-venv" >/dev/null 2>&1 \
    || die "could not install python3-venv"
fi

if [ ! -x "$py" ]; then
  python3 -m venv "$venv" || die "python3 -m venv $venv failed"
fi
rm -f "$stamp"
"$py" -m pip install --quiet --disable-pip-version-check "$requirements" >&2 \
  || die "pip install $requirements failed"
"$py" -c 'import nemo_relay; nemo_relay.OpenTelemetrySubscriber' \
  || die "nemo_relay does not import in $venv"
printf '%s' "$requirements" >"$stamp"
echo "$py"
