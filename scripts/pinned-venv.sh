#!/usr/bin/env bash
# Makes (idempotently) a Python virtual environment holding pinned packages from PyPI, and prints
# its python path on stdout; quiet otherwise, and quick when the venv is already right.
#
#   scripts/pinned-venv.sh NAME VENV_DIR CHECK REQUIREMENT...
#
# NAME prefixes messages; CHECK is Python code that must run without error in the venv once the
# REQUIREMENTs are installed (an import, a version test). A stamp file in the venv records the
# requirements, so a change of pin reinstalls. Works on a fresh Debian machine that has only
# python3: installs python3-venv with apt-get when the venv module (or its ensurepip) is missing.
# Used by scripts/python-env.sh, scripts/phoenix.sh and benchmarks/nemo-relay-env.sh.
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: scripts/pinned-venv.sh NAME VENV_DIR CHECK REQUIREMENT..." >&2; exit 2; }
name=$1 venv=$2 check=$3
shift 3
requirements="$*"
py="$venv/bin/python"
stamp="$venv/.atof-bridge-requirements"

die() { echo "$name: $*" >&2; exit 1; }

# Already set up with the same requirements and still passing its check: nothing to do.
if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$requirements" ] && "$py" -c "$check" 2>/dev/null; then
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
  echo "$name: installing python3-venv" >&2
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
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ ! -x "$py" ]; then
  if ! python3 -m venv "$venv" >"$log" 2>&1; then
    cat "$log" >&2
    rm -rf "$venv"
    die "python3 -m venv $venv failed"
  fi
fi
# Keep the venv out of git status whatever the repository's .gitignore says.
echo '*' >"$venv/.gitignore"

rm -f "$stamp"
# shellcheck disable=SC2086  # one word per requirement
if ! "$py" -m pip install --quiet --disable-pip-version-check --no-input $requirements >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  die "pip could not install $requirements from PyPI (network or proxy problem?); run it again"
fi
"$py" -c "$check" 2>/dev/null || die "$requirements installed but the check failed: remove $venv and run again"
echo "$requirements" >"$stamp"
echo "$py"
