#!/usr/bin/env bash
# Installs the system packages atof-bridge builds against (libcurl, libprotobuf-c, zlib) and the
# protobuf-c compiler used by scripts/generate-proto.sh; curl and time (/usr/bin/time) for the
# test scripts and benchmarks/run.sh; binutils (nm) for scripts/link-check.sh. Idempotent: installs only what is missing.
set -euo pipefail

packages=(libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler zlib1g-dev pkg-config curl time binutils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
