#!/usr/bin/env bash
# Creates (idempotently) the Python virtual environment the test run uses to decode our OTLP
# output independently: .venv in the repository root with the official opentelemetry-proto
# package (which brings protobuf) and grpcio (for the gRPC receiver). Quiet on success; prints the venv's python path on stdout.
set -euo pipefail

OTEL_PROTO_VERSION="1.45.2"
# grpcio for scripts/otlp_grpc_sink.py (the TraceService stubs opentelemetry-proto ships import it).
GRPCIO_VERSION="1.85.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec bash "$root/scripts/pinned-venv.sh" python-env "$root/.venv" \
  'import opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc, google.protobuf, grpc' \
  "opentelemetry-proto==$OTEL_PROTO_VERSION" "grpcio==$GRPCIO_VERSION"
