#!/usr/bin/env python3
"""A fault-mode OTLP/gRPC trace receiver for the CLI tests (the gRPC twin of otlp_sink.py).

Run it with the project's python (the path `bash scripts/python-env.sh` prints; it has grpcio and
opentelemetry-proto, whose TraceService stubs serve the calls):

  otlp_grpc_sink.py [--port N] [--port-file F] [--mode SCRIPT] [--summary FILE]
                    [--tls-cert PEM --tls-key PEM]

It listens on 127.0.0.1 only: plaintext HTTP/2 (h2c), or TLS with ALPN h2 when given
`--tls-cert` and `--tls-key`; `--port 0` (the default) picks a free port,
written to `--port-file F` once listening. The grpcio server itself listens on another local port
behind a small TCP relay on the public one, so that the `drop` mode can cut the client's
connection. Every request is decoded by grpcio with opentelemetry-proto's
ExportTraceServiceRequest and checked by verify_otlp.check_request (ids, names, times, no unknown
fields); a request that fails is answered INVALID_ARGUMENT and counted under `invalid_requests`.

--mode SCRIPT is a comma-separated list applied to successive well-formed requests in arrival
order; the last entry repeats:
  ok                    OK with an empty ExportTraceServiceResponse (the default)
  NAME                  that gRPC status, e.g. UNAVAILABLE, INVALID_ARGUMENT, RESOURCE_EXHAUSTED
                        (without RetryInfo), with a grpc-message naming it
  NAME:SECS             the status with grpc-status-details-bin holding a google.rpc.Status whose
                        details carry a google.rpc.RetryInfo with retry_delay SECS seconds
                        (e.g. RESOURCE_EXHAUSTED:1)
  slow:SECS             sleep SECS seconds, then ok; when the call's deadline (grpc-timeout) has
                        passed by then, nothing is answered or accepted (counted under `expired`)
  drop                  cut the client's TCP connection (shutdown, close with SO_LINGER 0) without
                        answering, after the request has arrived
  partial:N             OK with partial_success {rejected_spans: N, error_message}; the request's
                        last N spans count as rejected
e.g. `--mode UNAVAILABLE,UNAVAILABLE,ok`, `--mode RESOURCE_EXHAUSTED:1,ok`, `--mode drop,ok`.

The summary (JSON, written atomically to --summary FILE after every request and at SIGTERM/SIGINT):
  {"requests", "spans" (accepted), "unique_spans", "duplicate_spans", "rejected_spans",
   "invalid_requests", "connections" (TCP connections accepted), "drops", "expired", "status_counts" {NAME: n}, "metadata" (the first request's
   invocation metadata: name -> value), "span_ids" {hex: count}}
"""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from collections import Counter
from concurrent import futures

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify_otlp  # noqa: E402  (exits with a message when opentelemetry-proto is missing)

try:
    import grpc  # noqa: E402
except ImportError:  # pragma: no cover - the venv has it
    raise SystemExit("otlp_grpc_sink: grpcio is missing; use the python that scripts/python-env.sh prints")
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc  # noqa: E402
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (  # noqa: E402
    ExportTracePartialSuccess,
    ExportTraceServiceResponse,
)


class Step:
    """One entry of --mode."""

    def __init__(self, text):
        self.text = text
        self.kind = "ok"
        self.code = grpc.StatusCode.OK
        self.retry_delay = None
        self.seconds = 0.0
        self.rejected = 0
        if text == "ok":
            return
        if text == "drop":
            self.kind = "drop"
        elif text.startswith("slow:"):
            self.kind = "slow"
            self.seconds = float(text[5:])
            if self.seconds < 0:
                raise ValueError("slow needs a non-negative number of seconds")
        elif text.startswith("partial:"):
            self.kind = "partial"
            self.rejected = int(text[8:])
            if self.rejected < 0:
                raise ValueError("partial needs a non-negative span count")
        else:
            name, _, delay = text.partition(":")
            self.kind = "status"
            try:
                self.code = grpc.StatusCode[name]
            except KeyError:
                raise ValueError(f"{name!r} is not a gRPC status name")
            if self.code == grpc.StatusCode.OK:
                raise ValueError("use ok for OK")
            if delay:
                self.retry_delay = float(delay)


def parse_script(text):
    try:
        steps = [Step(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise SystemExit(f"otlp_grpc_sink: bad --mode {text!r}: {error}")
    if not steps:
        raise SystemExit("otlp_grpc_sink: --mode is empty")
    return steps


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def status_details(code, message, delay_seconds):
    """A google.rpc.Status with one google.rpc.RetryInfo detail, hand-encoded."""
    seconds = int(delay_seconds)
    nanos = int(round((delay_seconds - seconds) * 1e9))
    duration = _varint(1 << 3) + _varint(seconds) + (_varint(2 << 3) + _varint(nanos) if nanos else b"")
    retry_info = _field(1, duration)
    detail = _field(1, b"type.googleapis.com/google.rpc.RetryInfo") + _field(2, retry_info)
    return _varint(1 << 3) + _varint(code) + _field(2, message.encode()) + _field(3, detail)


class Relay:
    """Forwards TCP connections from the public port to the grpcio server; can cut one."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lock = threading.Lock()
        self.by_upstream_port = {}  # the relay's local port towards grpcio -> (client, upstream)
        self.connections = 0

    def listen(self, port):
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        threading.Thread(target=self.accept_loop, daemon=True).start()
        return self.listener.getsockname()[1]

    def accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.connections += 1
                self.by_upstream_port[upstream.getsockname()[1]] = (client, upstream)
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self, upstream_port):
        """Resets the client connection relayed through `upstream_port` (the peer grpcio saw)."""
        with self.lock:
            pair = self.by_upstream_port.pop(upstream_port, None)
        if not pair:
            return False
        client, upstream = pair
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # shutdown() wakes the relay threads blocked in recv() (close() alone would not), so the
        # client sees its connection end at once, without an answer.
        for sock in (client, upstream):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        client.close()
        upstream.close()
        return True


class Sink(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, script, summary_path, relay):
        self.script = script
        self.summary_path = summary_path
        self.relay = relay
        self.lock = threading.Lock()
        self.index = 0
        self.requests = 0
        self.spans = 0
        self.rejected = 0
        self.invalid = 0
        self.drops = 0
        self.expired = 0
        self.status_counts = Counter()
        self.ids = Counter()
        self.metadata = None

    def next_step(self):
        step = self.script[min(self.index, len(self.script) - 1)]
        self.index += 1
        return step

    def summary(self):
        duplicates = sum(count - 1 for count in self.ids.values() if count > 1)
        return {
            "requests": self.requests, "spans": self.spans, "unique_spans": len(self.ids),
            "duplicate_spans": duplicates, "rejected_spans": self.rejected, "invalid_requests": self.invalid,
            "connections": self.relay.connections, "drops": self.drops, "expired": self.expired, "status_counts": dict(self.status_counts), "metadata": self.metadata or {},
            "span_ids": {key.hex(): count for key, count in self.ids.items()},
        }

    def write_summary(self):
        if not self.summary_path:
            return
        with self.lock:
            data = json.dumps(self.summary(), indent=1, sort_keys=True) + "\n"
        temporary = f"{self.summary_path}.tmp{os.getpid()}.{threading.get_ident()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(temporary, self.summary_path)

    def Export(self, request, context):  # noqa: N802 - the service's method name
        try:
            self.handle(request, context)
            spans = list(verify_otlp.spans_of(request))
            step = self.current
            if step.kind == "partial":
                rejected = min(step.rejected, len(spans))
                with self.lock:
                    self.status_counts["OK"] += 1
                    self.rejected += rejected
                    self.accept(spans[: len(spans) - rejected])
                return ExportTraceServiceResponse(partial_success=ExportTracePartialSuccess(
                    rejected_spans=rejected, error_message=f"{rejected} span(s) rejected by the test sink"))
            with self.lock:
                self.status_counts["OK"] += 1
                self.accept(spans)
            return ExportTraceServiceResponse()
        finally:
            self.write_summary()

    def handle(self, request, context):
        """Counts and checks the request and applies the step; aborts for a non-OK answer."""
        with self.lock:
            self.requests += 1
            if self.metadata is None:
                self.metadata = {key: value for key, value in context.invocation_metadata() if not key.endswith("-bin")}
        try:
            verify_otlp.check_request(request, binary=True)
        except verify_otlp.VerifyError as error:
            with self.lock:
                self.invalid += 1
                self.status_counts["INVALID_ARGUMENT"] += 1
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"invalid request: {error}")
        with self.lock:
            step = self.next_step()
        self.current = step
        if step.kind == "slow":
            time.sleep(step.seconds)
            if not context.is_active():
                # The client's grpc-timeout (or a cancel) ended the call: nothing was answered,
                # so its spans are not counted as accepted.
                with self.lock:
                    self.expired += 1
                    self.status_counts["DEADLINE_EXCEEDED"] += 1
                context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed")
        elif step.kind == "drop":
            peer = context.peer()  # ipv4:127.0.0.1:PORT, the relay's side
            with self.lock:
                self.drops += 1
            self.relay.cut(int(peer.rsplit(":", 1)[1]))
            time.sleep(0.2)
            context.abort(grpc.StatusCode.UNAVAILABLE, "connection dropped by the test sink")
        elif step.kind == "status":
            name = step.code.name
            with self.lock:
                self.status_counts[name] += 1
            message = f"{name} from the test sink (mode {step.text}); 100% sure"
            if step.retry_delay is not None:
                details = status_details(step.code.value[0], message, step.retry_delay)
                context.set_trailing_metadata((("grpc-status-details-bin", details),))
            context.abort(step.code, message)

    def accept(self, spans):
        self.spans += len(spans)
        for span in spans:
            self.ids[bytes(span.span_id)] += 1


def main(argv):
    parser = argparse.ArgumentParser(description="Fault-mode OTLP/gRPC trace receiver (see the module docstring).")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--summary")
    parser.add_argument("--tls-cert", help="PEM certificate: serve TLS (with --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args(argv)
    script = parse_script(args.mode)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    if args.tls_cert and args.tls_key:
        with open(args.tls_key, "rb") as key, open(args.tls_cert, "rb") as cert:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        inner_port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        inner_port = server.add_insecure_port("127.0.0.1:0")
    relay = Relay(inner_port)
    sink = Sink(script, args.summary, relay)
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(sink, server)
    server.start()
    port = relay.listen(args.port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    sys.stderr.write(f"otlp_grpc_sink: listening on 127.0.0.1:{port}, mode {args.mode}\n")

    stop = threading.Event()

    def on_signal(number, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop.wait()
    server.stop(grace=0.5).wait()
    sink.write_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
