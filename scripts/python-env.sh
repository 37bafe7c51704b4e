#!/usr/bin/env bash
# Creates (idempotently) the Python virtual environment the test run uses to decode our OTLP
# output independently: .venv in the repository root with the official opentelemetry-proto
# package (which brings protobuf). Quiet on success; prints the venv's python path on stdout.
# Works on a fresh Debian machine that has only python3: installs python3-venv with apt-get
# when the venv module (or its ensurepip) is missing.
set -euo pipefail

OTEL_PROTO_VERSION="1.45.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
py="$venv/bin/python"
stamp="$venv/.atof-bridge-requirements"
requirements="opentelemetry-proto==$OTEL_PROTO_VERSION"

die() { echo "python-env: $*" >&2; exit 1; }

# Already set up with the same requirements and still importable: nothing to do.
if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$requirements" ] \
  && "$py" -c 'import opentelemetry.proto.collector.trace.v1.trace_service_pb2, google.protobuf' 2>/dev/null; then
  echo "$py"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || die "python3 not found; install it (Debian: apt-get install python3)"

# The venv module and ensurepip (pip bootstrap) are split into python3-venv on Debian.
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  command -v apt-get >/dev/null 2>&1 || die "python3 has no working venv module and apt-get is unavailable; install the venv package for your python3"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "python3-venv is missing and you are not root (no sudo found)"
    sudo="sudo"
  fi
  minor="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  echo "python-env: installing python3-venv" >&2
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  # Debian names the package after the minor version too (python3.11-venv); try both.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "python${minor}-venv" >/dev/null 2>&1 \
    || die "could not install python3-venv with apt-get"
  python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 still has no working venv module after installing python3-venv"
fi

# A half-made venv (interrupted run, or created before python3-venv was installed) has no
# working pip: start again.
if [ -d "$venv" ] && ! "$py" -m pip --version >/dev/null 2>&1; then
  rm -rf "$venv"
fi
if [ ! -x "$py" ]; then
  log="$(mktemp)"
  if ! python3 -m venv "$venv" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    rm -rf "$venv"
    die "python3 -m venv $venv failed"
  fi
  rm -f "$log"
fi

log="$(mktemp)"
if ! "$py" -m pip install --quiet --disable-pip-version-check --no-input "$requirements" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  die "pip could not install $requirements from PyPI (network or proxy problem?)"
fi
rm -f "$log"

"$py" -c 'import opentelemetry.proto.collector.trace.v1.trace_service_pb2, google.protobuf' 2>/dev/null \
  || die "$requirements installed but does not import"
echo "$requirements" >"$stamp"
echo "$py"
