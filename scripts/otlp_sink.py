#!/usr/bin/env python3
"""A small OTLP/HTTP trace receiver for the CLI tests and the benchmarks.

Run it with the project's python (the path `bash scripts/python-env.sh` prints):

  otlp_sink.py [--port N] [--port-file F] [--mode SCRIPT] [--summary FILE]
               [--stop-after-spans N] [--lenient] [--json-decoder protobuf|light]
               [--max-body BYTES] [--verbose]

It listens on 127.0.0.1 only (`--port 0`, the default, picks a free port; `--port-file F`
receives the port once the socket is listening). It answers POST /v1/traces with
`Content-Type: application/x-protobuf` or `application/json` (exactly these strings, like
Phoenix; anything else gets 415), gunzips `Content-Encoding: gzip`, and decodes the body with the
official opentelemetry-proto package. OTLP/JSON ids are hex, so JSON bodies go through
scripts/verify_otlp.py (hex ids checked and turned into base64, lowerCamelCase keys, integer
enums, unknown fields rejected); binary bodies are checked the same way (no unknown fields,
valid ids, non-empty names, end >= start). A body that fails is answered 400 and counted under
`invalid_requests`. `--lenient` accepts anything protobuf can parse (unknown fields ignored).
protobuf's JSON parser is pure Python (about 2 ms a span with LLM-sized attributes);
`--json-decoder light` skips it (json.loads + verify_otlp's id, key and enum rules, span ids
read from the dict) for benchmarks that post JSON.

--mode SCRIPT is a comma-separated list applied to successive well-formed trace requests (those
that pass the content-type, encoding and decoding checks), in arrival order; the last entry
repeats:
  ok            200 with an empty ExportTraceServiceResponse (the default script)
  CODE[:SECS]   answer that HTTP status (e.g. 503, 400, 500, 502, 504), with `Retry-After: SECS`
                when given; `429:1` is 429 with Retry-After: 1
  413>N         413 when the request holds more than N spans, else ok
  slow:SECS     sleep SECS seconds, then ok
  reset         close the connection without answering, with SO_LINGER 0 (the peer sees a RST)
  partial:N     200 with partial_success {rejected_spans: N, error_message}
  echo401       401 with a text/plain body echoing every request header as `name: value` lines,
                credentials included (a gateway that leaks them: the client must not log them)
e.g. `--mode 503,503,ok`, `--mode 429:1,ok`, `--mode reset,ok`, `--mode 413>100`.

Responses carry the request's content type. A 200 body is an ExportTraceServiceResponse (binary,
or OTLP/JSON `{}` / `{"partialSuccess":{...}}`); an error body is a google.rpc.Status (binary,
hand-encoded: code = the matching gRPC code, message = a short English reason; or JSON
`{"code":N,"message":"..."}`). 415, 404 and echo401 answers are text/plain.

Recorded: requests (every POST /v1/traces), spans (accepted: in requests answered 200, minus
partial rejections, which are the request's last N spans), span ids with multiplicity (to prove
exactly-once delivery), the first request's headers, content types and encodings seen, status
counts. The summary is JSON:
  {"requests", "spans", "unique_spans", "duplicate_spans", "status_counts", "headers_seen",
   "gzip_requests", "content_types", "content_encodings", "rejected_spans", "resets",
   "invalid_requests", "errors", "bytes_received", "duplicates", "port", ...}
It is served at GET /stats (GET /stats?ids=1 adds "span_ids": {hex span id: count}) and written
to --summary FILE (atomically) on SIGTERM/SIGINT and when --stop-after-spans N is reached (the
sink then exits by itself). Exit status 0 after a clean stop.
"""

import argparse
import base64
import io
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify_otlp  # noqa: E402  (exits with a message when opentelemetry-proto is missing)

from google.protobuf import json_format  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (  # noqa: E402
    ExportTracePartialSuccess,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
TRACES_PATH = "/v1/traces"
MAX_ERRORS_KEPT = 20
MAX_DUPLICATES_SHOWN = 20
GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 429: 8, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4}


class BadRequest(Exception):
    """The body cannot be decoded: answered 400."""


# ---------------------------------------------------------------------------------------------
# The fault script


class Step:
    """One entry of --mode."""

    def __init__(self, text):
        self.text = text
        self.kind = "ok"
        self.status = 200
        self.retry_after = None
        self.seconds = 0.0
        self.limit = None
        self.rejected = 0
        if text == "ok":
            return
        if text == "reset":
            self.kind = "reset"
        elif text == "echo401":
            self.kind = "echo"
            self.status = 401
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
        elif text.startswith("413>"):
            self.kind = "limit"
            self.limit = int(text[4:])
        else:
            code, _, retry = text.partition(":")
            self.kind = "status"
            self.status = int(code)
            if not 400 <= self.status <= 599:
                raise ValueError("a status must be 400...599")
            if retry:
                self.retry_after = str(int(retry))


def parse_script(text):
    try:
        steps = [Step(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise SystemExit(f"otlp_sink: bad --mode {text!r}: {error}")
    if not steps:
        raise SystemExit("otlp_sink: --mode is empty")
    return steps


# ---------------------------------------------------------------------------------------------
# State


class Sink:
    def __init__(self, script, summary_path, stop_after, lenient, max_body, light_json=False):
        self.script = script
        self.summary_path = summary_path
        self.stop_after = stop_after
        self.lenient = lenient
        self.max_body = max_body
        self.light_json = light_json
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.port = None
        self.started = time.time()
        self.step_index = 0
        self.requests = 0
        self.spans = 0
        self.span_ids = Counter()
        self.status_counts = Counter()
        self.headers_seen = None
        self.content_types = Counter()
        self.content_encodings = Counter()
        self.gzip_requests = 0
        self.rejected_spans = 0
        self.resets = 0
        self.invalid_requests = 0
        self.unanswered = 0
        self.errors = []
        self.bytes_received = 0
        self.first_request_at = None
        self.last_request_at = None

    def next_step(self):
        with self.lock:
            step = self.script[min(self.step_index, len(self.script) - 1)]
            self.step_index += 1
            return step

    def note_request(self, headers, content_type, encoding, size):
        with self.lock:
            self.requests += 1
            now = time.time()
            self.first_request_at = self.first_request_at or now
            self.last_request_at = now
            if self.headers_seen is None:
                self.headers_seen = {name: value for name, value in headers.items()}
            self.content_types[content_type or "(none)"] += 1
            self.content_encodings[encoding or "identity"] += 1
            if encoding == "gzip":
                self.gzip_requests += 1
            self.bytes_received += size

    def note_error(self, message):
        with self.lock:
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(message)

    def summary(self, with_ids=False):
        with self.lock:
            duplicates = {key: count for key, count in self.span_ids.items() if count > 1}
            shown = sorted(duplicates.items(), key=lambda item: (-item[1], item[0]))[:MAX_DUPLICATES_SHOWN]
            result = {
                "port": self.port,
                "requests": self.requests,
                "spans": self.spans,
                "unique_spans": len(self.span_ids),
                "duplicate_spans": sum(count - 1 for count in duplicates.values()),
                "status_counts": {str(code): count for code, count in sorted(self.status_counts.items())},
                "headers_seen": self.headers_seen or {},
                "gzip_requests": self.gzip_requests,
                "content_types": dict(self.content_types),
                "content_encodings": dict(self.content_encodings),
                "rejected_spans": self.rejected_spans,
                "resets": self.resets,
                "invalid_requests": self.invalid_requests,
                "unanswered": self.unanswered,
                "errors": list(self.errors),
                "bytes_received": self.bytes_received,
                "duplicates": {key.hex(): count for key, count in shown},
                "uptime_seconds": round(time.time() - self.started, 3),
                "busy_seconds": round((self.last_request_at or 0) - (self.first_request_at or 0), 3),
            }
            if with_ids:
                result["span_ids"] = {key.hex(): count for key, count in sorted(self.span_ids.items())}
            return result

    def write_summary(self):
        if not self.summary_path:
            return
        data = json.dumps(self.summary(), indent=1, sort_keys=True) + "\n"
        temporary = f"{self.summary_path}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(temporary, self.summary_path)


# ---------------------------------------------------------------------------------------------
# Bodies


def read_gunzipped(data, limit):
    """Inflates a gzip body, refusing more than `limit` bytes of output (a zip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        output = inflater.decompress(data, limit + 1)
        if len(output) > limit or inflater.unconsumed_tail:
            raise BadRequest(f"gzip body inflates to more than {limit} bytes")
        output += inflater.flush()
        if not inflater.eof:
            raise BadRequest("truncated gzip body")
    except zlib.error as error:
        raise BadRequest(f"invalid gzip body: {error}") from None
    return output


def decode_protobuf(body, lenient):
    try:
        message = ExportTraceServiceRequest.FromString(body)
    except DecodeError as error:
        raise BadRequest(f"not a binary ExportTraceServiceRequest: {error}") from None
    if not lenient:
        try:
            # verify_otlp's unknown-field walk costs ~0.25 ms a span in Python; discarding unknown
            # fields in C and comparing sizes finds out whether there are any, and the walk then
            # runs (on a fresh copy) only to say where.
            size = message.ByteSize()
            message.DiscardUnknownFields()
            if message.ByteSize() != size:
                verify_otlp.check_request(ExportTraceServiceRequest.FromString(body), binary=True)
            verify_otlp.check_request(message)
        except verify_otlp.VerifyError as error:
            raise BadRequest(str(error)) from None
    return message


def _lenient_ids(obj, key):
    """Hex id -> base64 for json_format, leaving anything odd for protobuf to reject."""
    value = obj.get(key)
    if isinstance(value, str) and value and len(value) % 2 == 0:
        try:
            obj[key] = base64.b64encode(bytes.fromhex(value)).decode("ascii")
        except ValueError:
            pass


def decode_json(body, lenient):
    if not lenient:
        try:
            return verify_otlp.parse_json_line(body.strip())
        except verify_otlp.VerifyError as error:
            raise BadRequest(str(error)) from None
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"invalid JSON: {error}") from None
    if not isinstance(request, dict):
        raise BadRequest("the body must be one JSON object")
    for resource_spans in verify_otlp._list(request, "resourceSpans"):
        for scope_spans in verify_otlp._list(resource_spans, "scopeSpans"):
            for span in verify_otlp._list(scope_spans, "spans"):
                if isinstance(span, dict):
                    for key in ("traceId", "spanId", "parentSpanId"):
                        _lenient_ids(span, key)
                    for link in verify_otlp._list(span, "links"):
                        if isinstance(link, dict):
                            _lenient_ids(link, "traceId")
                            _lenient_ids(link, "spanId")
    message = ExportTraceServiceRequest()
    try:
        json_format.ParseDict(request, message, ignore_unknown_fields=True)
    except json_format.ParseError as error:
        raise BadRequest(f"protobuf rejected it: {error}") from None
    return message


def decode_json_light(body):
    """Span ids of an OTLP/JSON body without protobuf's (pure Python, ~2 ms a span) JSON parser:
    json.loads, then verify_otlp's OTLP/JSON rules (hex ids of the right length, lowerCamelCase
    keys, integer enums), which turn ids into base64. Field types are not checked."""
    try:
        request = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"invalid JSON: {error}") from None
    if not isinstance(request, dict):
        raise BadRequest("the body must be one JSON object")
    try:
        verify_otlp.prepare_json(request)
    except verify_otlp.VerifyError as error:
        raise BadRequest(str(error)) from None
    ids = []
    for resource_spans in verify_otlp._list(request, "resourceSpans"):
        for scope_spans in verify_otlp._list(resource_spans, "scopeSpans"):
            for span in verify_otlp._list(scope_spans, "spans"):
                if not isinstance(span, dict):
                    raise BadRequest("a span must be a JSON object")
                ids.append(base64.b64decode(span["spanId"]))
    return ids


def span_ids_of(message):
    return [span.span_id for span in verify_otlp.spans_of(message)]


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


def status_body(content_type, http_status, message):
    """A google.rpc.Status: {code, message}, binary (hand-encoded) or JSON."""
    code = GRPC_CODES.get(http_status, 2)
    if content_type == JSON:
        return json.dumps({"code": code, "message": message}, separators=(",", ":")).encode()
    text = message.encode("utf-8")
    return b"\x08" + _varint(code) + b"\x12" + _varint(len(text)) + text


def success_body(content_type, rejected, message):
    response = ExportTraceServiceResponse()
    if rejected or message:
        response.partial_success.CopyFrom(ExportTracePartialSuccess(rejected_spans=rejected, error_message=message))
    if content_type == JSON:
        return json.dumps(json_format.MessageToDict(response), separators=(",", ":")).encode()
    return response.SerializeToString()


# ---------------------------------------------------------------------------------------------
# HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has a Content-Length
    server_version = "otlp-sink/1"
    sink = None  # set in main()
    verbose = False

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        if self.verbose:
            sys.stderr.write("otlp_sink: %s - %s\n" % (self.address_string(), format % args))

    def answer(self, status, content_type, body, extra_headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def plain(self, status, text):
        self.answer(status, "text/plain; charset=utf-8", (text + "\n").encode())

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/stats":
            with_ids = parse_qs(url.query).get("ids", ["0"])[0] not in ("", "0", "false")
            body = json.dumps(self.sink.summary(with_ids=with_ids), sort_keys=True).encode() + b"\n"
            self.answer(200, JSON, body)
        else:
            self.plain(404, f"no such path {url.path}; try POST {TRACES_PATH} or GET /stats")

    def read_body(self):
        """The raw request body; None (after answering) when it cannot be read."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > self.sink.max_body:
                    self.close_connection = True
                    self.plain(413, f"body larger than {self.sink.max_body} bytes")
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            self.plain(411, "Content-Length required")
            return None
        try:
            length = int(length)
        except ValueError:
            self.close_connection = True
            self.plain(400, "bad Content-Length")
            return None
        if length > self.sink.max_body:
            self.close_connection = True
            self.plain(413, f"body larger than {self.sink.max_body} bytes")
            return None
        return self.rfile.read(length)

    def count_status(self, status):
        with self.sink.lock:
            self.sink.status_counts[status] += 1

    def do_POST(self):
        sink = self.sink
        path = urlsplit(self.path).path
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            self.plain(400, "malformed chunked body")
            return
        if body is None:
            return
        if path != TRACES_PATH:
            self.plain(404, f"no such path {path}; traces go to {TRACES_PATH}")
            return
        content_type = (self.headers.get("Content-Type") or "").strip()
        encoding = (self.headers.get("Content-Encoding") or "").strip().lower()
        sink.note_request(self.headers, content_type, encoding, len(body))
        if content_type not in (PROTOBUF, JSON):
            self.count_status(415)
            sink.note_error(f"415: Content-Type {content_type!r}")
            self.plain(415, f"unsupported Content-Type {content_type!r}; use {PROTOBUF} or {JSON}")
            return
        try:
            if encoding == "gzip":
                body = read_gunzipped(body, sink.max_body)
            elif encoding not in ("", "identity"):
                raise BadRequest(f"unsupported Content-Encoding {encoding!r}")
            if content_type == PROTOBUF:
                ids = span_ids_of(decode_protobuf(body, sink.lenient))
            elif sink.light_json:
                ids = decode_json_light(body)
            else:
                ids = span_ids_of(decode_json(body, sink.lenient))
        except BadRequest as error:
            with sink.lock:
                sink.invalid_requests += 1
                sink.status_counts[400] += 1
            sink.note_error(f"400: {error}")
            self.answer(400, content_type, status_body(content_type, 400, str(error)))
            return

        step = sink.next_step()
        if step.kind == "slow":
            time.sleep(step.seconds)
        if step.kind == "reset":
            with sink.lock:
                sink.resets += 1
            self.reset()
            return
        if step.kind == "echo":
            self.count_status(401)
            echoed = "\n".join(f"{name}: {value}" for name, value in self.headers.items())
            self.plain(401, echoed)
            return
        status, rejected = 200, 0
        if step.kind == "status":
            status = step.status
        elif step.kind == "limit" and len(ids) > step.limit:
            status = 413
        elif step.kind == "partial":
            rejected = min(step.rejected, len(ids))

        if status != 200:
            headers = [("Retry-After", step.retry_after)] if step.retry_after else []
            self.count_status(status)
            reason = f"fault script entry {step.text!r}" if step.kind == "status" else f"more than {step.limit} spans"
            self.answer(status, content_type, status_body(content_type, status, reason), headers)
            return

        accepted = ids[: len(ids) - rejected]
        message_text = f"{rejected} spans rejected by the fault script" if rejected else ""
        body = success_body(content_type, rejected, message_text)
        # Count before answering so that a client reading /stats right after its 200 sees it;
        # take it back if the answer cannot be sent.
        with sink.lock:
            sink.status_counts[200] += 1
            sink.spans += len(accepted)
            sink.rejected_spans += rejected
            sink.span_ids.update(accepted)
            reached = sink.stop_after is not None and sink.spans >= sink.stop_after
        try:
            self.answer(200, content_type, body)
            self.wfile.flush()
        except OSError:
            with sink.lock:
                sink.status_counts[200] -= 1
                sink.spans -= len(accepted)
                sink.rejected_spans -= rejected
                sink.span_ids.subtract(accepted)
                sink.span_ids += Counter()  # drop ids whose count fell to zero
                sink.unanswered += 1
            self.close_connection = True
            return
        if reached:
            sink.stop.set()

    def reset(self):
        """Closes the connection at once with a RST, sending no response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # The file objects hold references to the socket: close them so close() is real, and
            # leave harmless stand-ins for the base class's final flush and close.
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
        except OSError:
            pass
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the client went away; nothing to report
        super().handle_error(request, client_address)


# ---------------------------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(
        prog="otlp_sink.py", description="OTLP/HTTP trace receiver for tests (127.0.0.1 only).",
        epilog="See the module docstring (--help-modes) for the --mode script.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: a free one)")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--mode", default="ok", help="fault script, e.g. 503,429:1,reset,echo401,ok (default ok)")
    parser.add_argument("--summary", help="write the JSON summary here on SIGTERM/SIGINT or --stop-after-spans")
    parser.add_argument("--stop-after-spans", type=int, help="stop once this many spans were accepted")
    parser.add_argument("--lenient", action="store_true", help="accept what protobuf parses; skip the OTLP checks")
    parser.add_argument(
        "--json-decoder", choices=("protobuf", "light"), default="protobuf",
        help="protobuf (default): json_format.Parse, full checks, ~500 spans/s; "
        "light: json.loads + verify_otlp's id/key/enum rules only, several times faster")
    parser.add_argument("--max-body", type=int, default=64 << 20, help="largest body, before and after gunzip (default 64 MiB)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--help-modes", action="store_true", help="print the full description and exit")
    args = parser.parse_args(argv)
    if args.help_modes:
        print(__doc__)
        return 0

    sink = Sink(parse_script(args.mode), args.summary, args.stop_after_spans, args.lenient, args.max_body,
                args.json_decoder == "light")
    Handler.sink = sink
    Handler.verbose = args.verbose
    try:
        server = Server(("127.0.0.1", args.port), Handler)
    except OSError as error:
        sys.stderr.write(f"otlp_sink: cannot listen on 127.0.0.1:{args.port}: {error.strerror}\n")
        return 2
    sink.port = server.server_address[1]
    if args.port_file:
        temporary = f"{args.port_file}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{sink.port}\n")
        os.replace(temporary, args.port_file)

    def on_signal(number, frame):
        sink.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    if args.verbose:
        sys.stderr.write(f"otlp_sink: listening on 127.0.0.1:{sink.port}, mode {args.mode}\n")
    while not sink.stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    sink.write_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
