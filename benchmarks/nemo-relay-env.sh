#!/usr/bin/env bash
# Creates or updates (idempotently) the venv that benchmarks/nemo_relay_bench.py runs in:
# .venv-nemo in the repository root with NeMo Relay from PyPI, pinned. Prints the venv's python
# path last on stdout; quiet otherwise, and quick when the venv is already right.
#
# nemo-relay's OpenTelemetrySubscriber is native (Rust opentelemetry-otlp 0.32 with the
# opentelemetry_sdk 0.32.1 batch span processor, built into nemo_relay/_native.abi3.so): it needs
# no Python OpenTelemetry packages, and the wheel declares no dependencies.
set -euo pipefail

NEMO_RELAY_VERSION="0.10.4"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
  || { echo "nemo-relay-env: nemo-relay $NEMO_RELAY_VERSION needs Python 3.10 or newer; python3 is $(python3 -V 2>&1)" >&2; exit 1; }
exec bash "$root/scripts/pinned-venv.sh" nemo-relay-env "$root/.venv-nemo" \
  'import nemo_relay; nemo_relay.OpenTelemetrySubscriber' \
  "nemo-relay==$NEMO_RELAY_VERSION"
