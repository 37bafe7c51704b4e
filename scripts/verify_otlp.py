#!/usr/bin/env python3
"""Independent decoder for the OTLP that atof-bridge writes, built on the official
opentelemetry-proto package (install it with scripts/python-env.sh).

Usage:
  verify_otlp.py json  [--expect EXPECT.json] FILE...   OTLP/JSON lines, one ExportTraceServiceRequest per line
  verify_otlp.py proto [--expect EXPECT.json] FILE...   each FILE is one binary ExportTraceServiceRequest
  verify_otlp.py selftest                               shows that the checks can fail

Each line (json) or file (proto) is decoded by protobuf with unknown fields rejected. OTLP/JSON
writes trace and span ids as hex where protobuf's JSON parser expects base64, so ids are checked
(hex, right length, not all zero) and converted first. On top of protobuf, the OTLP rules protobuf
does not enforce are checked: lowerCamelCase keys only, enums as integers in known ranges, ids of
the right length, non-empty span names, end time not before start time, and (binary) no unknown
fields anywhere.

Prints "FILE: N requests, M spans" per file. On any problem prints "FILE:LINE: reason" (or
"FILE: reason") to stderr and exits 1. With --expect, the spans of all FILEs together must be
exactly the list in EXPECT.json:
  [{"name": str, "spanId": hex, "traceId": hex, "parentSpanId": hex or null,
    "kind": int, "statusCode": int}, ...]
"""

import base64
import contextlib
import io
import json
import os
import re
import sys
import tempfile

try:
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError, Message
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
except ImportError as error:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"verify_otlp: cannot import opentelemetry-proto/protobuf ({error}); "
        "run it with the python that scripts/python-env.sh prints\n"
    )
    sys.exit(2)

try:
    from google.protobuf import unknown_fields as _unknown_fields
except ImportError:  # older protobuf
    _unknown_fields = None

MAX_ERRORS_PER_FILE = 20
HEX = re.compile(r"\A[0-9a-fA-F]*\Z")
SPAN_KINDS = range(0, 6)
STATUS_CODES = range(0, 3)


class VerifyError(Exception):
    """One problem with one line or file."""


# ---------------------------------------------------------------------------------------------
# OTLP/JSON: the rules protobuf's JSON parser does not know, and hex ids -> base64


def _reject_constant(name):
    raise VerifyError(f"non-standard JSON literal {name}")


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise VerifyError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _check_keys(value, path):
    """OTLP/JSON uses lowerCamelCase field names only (protobuf would also take snake_case)."""
    if isinstance(value, dict):
        for key, member in value.items():
            if "_" in key:
                raise VerifyError(f"{path}: key {key!r} is not a lowerCamelCase OTLP/JSON name")
            _check_keys(member, f"{path}.{key}")
    elif isinstance(value, list):
        for index, element in enumerate(value):
            _check_keys(element, f"{path}[{index}]")


def _convert_id(obj, key, size, required, path):
    """Checks obj[key] is `size` bytes of hex and replaces it with base64 for json_format."""
    if key not in obj or obj[key] == "":
        if required:
            raise VerifyError(f"{path}.{key}: missing (required)")
        obj.pop(key, None)
        return
    text = obj[key]
    if not isinstance(text, str):
        raise VerifyError(f"{path}.{key}: must be a hex string, got {json.dumps(text)}")
    if len(text) != 2 * size or not HEX.match(text):
        raise VerifyError(f"{path}.{key}: {text!r} is not {2 * size} hex digits")
    raw = bytes.fromhex(text)
    if raw == bytes(size):
        raise VerifyError(f"{path}.{key}: all-zero id is invalid")
    obj[key] = base64.b64encode(raw).decode("ascii")


def _check_enum(obj, key, allowed, path):
    if key not in obj:
        return
    value = obj[key]
    if type(value) is not int:
        raise VerifyError(f"{path}.{key}: enums must be JSON integers in OTLP/JSON, got {json.dumps(value)}")
    if value not in allowed:
        raise VerifyError(f"{path}.{key}: {value} is not a known value")


def _list(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def prepare_json(request):
    """Applies the OTLP/JSON rules to a decoded line, converting ids in place.

    Anything of the wrong shape is left alone for protobuf to reject."""
    _check_keys(request, "$")
    for r, resource_spans in enumerate(_list(request, "resourceSpans")):
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans")):
            for p, span in enumerate(_list(scope_spans, "spans")):
                if not isinstance(span, dict):
                    continue
                path = f"resourceSpans[{r}].scopeSpans[{s}].spans[{p}]"
                _convert_id(span, "traceId", 16, True, path)
                _convert_id(span, "spanId", 8, True, path)
                _convert_id(span, "parentSpanId", 8, False, path)
                _check_enum(span, "kind", SPAN_KINDS, path)
                if isinstance(span.get("status"), dict):
                    _check_enum(span["status"], "code", STATUS_CODES, path + ".status")
                for k, link in enumerate(_list(span, "links")):
                    if isinstance(link, dict):
                        link_path = f"{path}.links[{k}]"
                        _convert_id(link, "traceId", 16, True, link_path)
                        _convert_id(link, "spanId", 8, True, link_path)


def parse_json_line(line):
    """One OTLP/JSON line (bytes, without its newline) -> ExportTraceServiceRequest."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise VerifyError(f"not valid UTF-8 ({error})") from None
    try:
        request = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise VerifyError(f"invalid JSON: {error}") from None
    if not isinstance(request, dict):
        raise VerifyError("a line must be one JSON object")
    prepare_json(request)
    message = ExportTraceServiceRequest()
    try:
        json_format.Parse(json.dumps(request), message, ignore_unknown_fields=False)
    except json_format.ParseError as error:
        raise VerifyError(f"protobuf rejected it: {error}") from None
    check_request(message)
    return message


# ---------------------------------------------------------------------------------------------
# Checks on the decoded message (both encodings)


def _check_no_unknown_fields(message, path):
    if _unknown_fields is not None:
        unknown = _unknown_fields.UnknownFieldSet(message)
        if len(unknown) > 0:
            numbers = sorted({field.field_number for field in unknown})
            raise VerifyError(f"{path}: unknown field number(s) {numbers} in {message.DESCRIPTOR.name}")
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if isinstance(value, Message):
            _check_no_unknown_fields(value, f"{path}.{field.name}")
        else:  # a repeated message field
            for index, element in enumerate(value):
                _check_no_unknown_fields(element, f"{path}.{field.name}[{index}]")


def check_request(message, binary=False):
    if binary:
        _check_no_unknown_fields(message, "$")
    for r, resource_spans in enumerate(message.resource_spans):
        for s, scope_spans in enumerate(resource_spans.scope_spans):
            for p, span in enumerate(scope_spans.spans):
                path = f"resourceSpans[{r}].scopeSpans[{s}].spans[{p}]"
                if len(span.trace_id) != 16 or span.trace_id == bytes(16):
                    raise VerifyError(f"{path}: trace id must be 16 bytes, not all zero (got {span.trace_id.hex()!r})")
                if len(span.span_id) != 8 or span.span_id == bytes(8):
                    raise VerifyError(f"{path}: span id must be 8 bytes, not all zero (got {span.span_id.hex()!r})")
                if len(span.parent_span_id) not in (0, 8) or span.parent_span_id == bytes(8):
                    raise VerifyError(f"{path}: parent span id must be empty or 8 non-zero bytes")
                if not span.name:
                    raise VerifyError(f"{path}: span name is empty")
                if span.kind not in SPAN_KINDS:
                    raise VerifyError(f"{path}: span kind {span.kind} is not a known value")
                if span.status.code not in STATUS_CODES:
                    raise VerifyError(f"{path}: status code {span.status.code} is not a known value")
                if span.end_time_unix_nano < span.start_time_unix_nano:
                    raise VerifyError(f"{path}: ends ({span.end_time_unix_nano}) before it starts ({span.start_time_unix_nano})")


def spans_of(message):
    for resource_spans in message.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            yield from scope_spans.spans


# ---------------------------------------------------------------------------------------------
# Files


class Report:
    def __init__(self):
        self.failed = False
        self.spans = []  # (where, span) of every decoded span

    def fail(self, where, reason):
        self.failed = True
        reason = " ".join(part.strip() for part in reason.splitlines())
        sys.stderr.write(f"{where}: {reason}\n")


def verify_json_file(path, report):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        report.fail(path, f"cannot read: {error.strerror}")
        return
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif data:
        report.fail(f"{path}:{len(lines)}", "last line is not terminated by \\n")
        lines.pop()  # a half-written line; do not decode it
    requests = spans = errors = 0
    for number, line in enumerate(lines, start=1):
        try:
            if line.strip() == b"":
                raise VerifyError("empty line")
            message = parse_json_line(line)
        except VerifyError as error:
            report.fail(f"{path}:{number}", str(error))
            errors += 1
            if errors >= MAX_ERRORS_PER_FILE:
                report.fail(path, "too many errors; stopping")
                return
            continue
        requests += 1
        for span in spans_of(message):
            spans += 1
            report.spans.append((f"{path}:{number}", span))
    bad = f", {errors} bad lines" if errors else ""
    print(f"{path}: {requests} requests, {spans} spans{bad}")


def verify_proto_file(path, report):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        report.fail(path, f"cannot read: {error.strerror}")
        return
    try:
        message = ExportTraceServiceRequest.FromString(data)
        check_request(message, binary=True)
    except DecodeError as error:
        report.fail(path, f"not a binary ExportTraceServiceRequest: {error}")
        return
    except VerifyError as error:
        report.fail(path, str(error))
        return
    spans = list(spans_of(message))
    report.spans.extend((path, span) for span in spans)
    print(f"{path}: 1 requests, {len(spans)} spans")


# ---------------------------------------------------------------------------------------------
# --expect

EXPECT_KEYS = {"name", "spanId", "traceId", "parentSpanId", "kind", "statusCode"}


def load_expectations(path):
    """EXPECT.json -> {spanId hex: expectation}; raises VerifyError."""
    try:
        with open(path, "rb") as handle:
            expected = json.loads(handle.read().decode("utf-8"), object_pairs_hook=_no_duplicates)
    except OSError as error:
        raise VerifyError(f"cannot read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VerifyError(f"invalid JSON: {error}") from None
    if not isinstance(expected, list):
        raise VerifyError("must be a JSON array of span objects")
    by_id = {}
    for index, entry in enumerate(expected):
        where = f"[{index}]"
        if not isinstance(entry, dict):
            raise VerifyError(f"{where}: must be an object")
        if set(entry) != EXPECT_KEYS:
            missing = sorted(EXPECT_KEYS - set(entry))
            extra = sorted(set(entry) - EXPECT_KEYS)
            raise VerifyError(f"{where}: keys must be exactly {sorted(EXPECT_KEYS)} (missing {missing}, unknown {extra})")
        if not isinstance(entry["name"], str):
            raise VerifyError(f"{where}.name: must be a string")
        for key, size, nullable in (("spanId", 8, False), ("traceId", 16, False), ("parentSpanId", 8, True)):
            value = entry[key]
            if nullable and value in (None, ""):
                entry[key] = ""
                continue
            if not isinstance(value, str) or len(value) != 2 * size or not HEX.match(value):
                raise VerifyError(f"{where}.{key}: must be {2 * size} hex digits{' or null' if nullable else ''}")
            entry[key] = value.lower()
        for key in ("kind", "statusCode"):
            if type(entry[key]) is not int:
                raise VerifyError(f"{where}.{key}: must be an integer")
        if entry["spanId"] in by_id:
            raise VerifyError(f"{where}: spanId {entry['spanId']} listed twice")
        by_id[entry["spanId"]] = entry
    return by_id


def check_expectations(expect_path, report):
    try:
        expected = load_expectations(expect_path)
    except VerifyError as error:
        report.fail(expect_path, str(error))
        return
    seen = {}
    for where, span in report.spans:
        span_id = span.span_id.hex()
        if span_id in seen:
            report.fail(where, f"span {span_id} ({span.name!r}) appears more than once (also at {seen[span_id]})")
            continue
        seen[span_id] = where
        entry = expected.get(span_id)
        if entry is None:
            report.fail(where, f"unexpected span {span_id} ({span.name!r}): not in {expect_path}")
            continue
        actual = {
            "name": span.name,
            "traceId": span.trace_id.hex(),
            "parentSpanId": span.parent_span_id.hex(),
            "kind": span.kind,
            "statusCode": span.status.code,
        }
        for key, value in actual.items():
            if value != entry[key]:
                report.fail(where, f"span {span_id}: {key} is {value!r}, expected {entry[key]!r}")
    for span_id, entry in expected.items():
        if span_id not in seen:
            report.fail(expect_path, f"expected span {span_id} ({entry['name']!r}) was not found")
    if len(report.spans) != len(expected):
        report.fail(expect_path, f"{len(report.spans)} spans decoded, {len(expected)} expected")
    if not report.failed:
        print(f"{expect_path}: all {len(expected)} expected spans match")


# ---------------------------------------------------------------------------------------------
# selftest: the checks must be able to fail

GOOD_LINE = (
    '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},'
    '"scopeSpans":[{"scope":{"name":"atof-bridge","version":"0.1.0"},"spans":['
    '{"traceId":"0123456789abcdeffedcba9876543210","spanId":"00aabbccddeeff01","name":"root","kind":1,'
    '"startTimeUnixNano":"10","endTimeUnixNano":"20","attributes":[{"key":"d","value":{"doubleValue":"NaN"}},'
    '{"key":"i","value":{"intValue":"-42"}},{"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"}]}}}],'
    '"flags":1},'
    '{"traceId":"0123456789ABCDEFFEDCBA9876543210","spanId":"1122334455667788","parentSpanId":"00aabbccddeeff01",'
    '"name":"child","kind":3,"startTimeUnixNano":"11","endTimeUnixNano":"19","status":{"message":"boom","code":2},'
    '"events":[{"timeUnixNano":"12","name":"mark"}],"droppedEventsCount":2}]}]}]}'
)

BAD_LINES = [
    ("unknown field", '{"resourceSpans":[{"bogus":1}]}'),
    ("unknown span field", GOOD_LINE.replace('"flags":1', '"flagz":1')),
    ("snake_case key", GOOD_LINE.replace('"startTimeUnixNano":"10"', '"start_time_unix_nano":"10"')),
    ("base64 id", GOOD_LINE.replace('"00aabbccddeeff01","name":"root"', '"AKq7zN3u/wE=","name":"root"')),
    ("short trace id", GOOD_LINE.replace("0123456789abcdeffedcba9876543210", "0123456789abcdef")),
    ("non-hex span id", GOOD_LINE.replace('"1122334455667788"', '"11223344556677zz"')),
    ("all-zero span id", GOOD_LINE.replace('"1122334455667788"', '"0000000000000000"')),
    ("missing span id", GOOD_LINE.replace('"spanId":"1122334455667788",', "")),
    ("enum as name", GOOD_LINE.replace('"kind":3', '"kind":"SPAN_KIND_CLIENT"')),
    ("enum out of range", GOOD_LINE.replace('"code":2', '"code":7')),
    ("wrong value type", GOOD_LINE.replace('"intValue":"-42"', '"intValue":"forty-two"')),
    ("empty name", GOOD_LINE.replace('"name":"child"', '"name":""')),
    ("ends before start", GOOD_LINE.replace('"endTimeUnixNano":"19"', '"endTimeUnixNano":"5"')),
    ("duplicate key", GOOD_LINE.replace('"kind":1,', '"kind":1,"kind":1,')),
    ("bare NaN", GOOD_LINE.replace('"doubleValue":"NaN"', '"doubleValue":NaN')),
    ("truncated", GOOD_LINE[:-3]),
    ("not an object", "[]"),
]


def _quietly(function, *arguments):
    """Runs function(*arguments) with its stdout and stderr captured; returns its result."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        return function(*arguments)


def selftest():
    failures = []
    checked = 0

    def rejected(label, data):
        nonlocal checked
        checked += 1
        try:
            parse_json_line(data)
            failures.append(f"a line with {label} was accepted")
        except VerifyError:
            pass

    try:
        good = parse_json_line(GOOD_LINE.encode())
        spans = list(spans_of(good))
        if [s.name for s in spans] != ["root", "child"] or spans[1].parent_span_id.hex() != "00aabbccddeeff01":
            failures.append("the valid line decoded to the wrong spans")
    except VerifyError as error:
        failures.append(f"a valid line was rejected: {error}")
        good = None

    for label, line in BAD_LINES:
        rejected(label, line.encode())
    rejected("invalid UTF-8", b'{"resourceSpans":[]}\xff')

    with tempfile.TemporaryDirectory() as directory:
        def write(name, data):
            path = os.path.join(directory, name)
            with open(path, "wb") as handle:
                handle.write(data)
            return path

        def run(verify, paths, expect=None):
            report = Report()
            for path in paths:
                _quietly(verify, path, report)
            if expect is not None:
                _quietly(check_expectations, expect, report)
            return report

        good_file = write("good.jsonl", ((GOOD_LINE + "\n") * 2).encode())
        if run(verify_json_file, [good_file]).failed:
            failures.append("a valid JSON-lines file was rejected")
        for label, data in (
            ("an unterminated last line", GOOD_LINE + "\n" + GOOD_LINE),
            ("an empty line", GOOD_LINE + "\n\n" + GOOD_LINE + "\n"),
            ("a bad second line", GOOD_LINE + "\n" + BAD_LINES[0][1] + "\n"),
        ):
            checked += 1
            if not run(verify_json_file, [write("bad.jsonl", data.encode())]).failed:
                failures.append(f"a JSON-lines file with {label} was accepted")

        # Binary: the same request is accepted; an unknown field, truncation, garbage are not.
        if good is not None:
            wire = good.SerializeToString()
            if run(verify_proto_file, [write("good.pb", wire)]).failed:
                failures.append("a valid binary request was rejected")
            for label, data in (
                ("an unknown field on the request", wire + b"\x78\x01"),
                ("a truncated message", wire[:-1]),
                ("a wrong wire type", b"\x08\x01"),
            ):
                checked += 1
                if not run(verify_proto_file, [write("bad.pb", data)]).failed:
                    failures.append(f"binary with {label} was accepted")

        # --expect: the exact set passes; a changed field, a missing or an extra span fails.
        root = {"name": "root", "spanId": "00aabbccddeeff01", "traceId": "0123456789abcdeffedcba9876543210",
                "parentSpanId": None, "kind": 1, "statusCode": 0}
        child = {"name": "child", "spanId": "1122334455667788", "traceId": "0123456789ABCDEFFEDCBA9876543210",
                 "parentSpanId": "00aabbccddeeff01", "kind": 3, "statusCode": 2}
        one_line = write("one.jsonl", (GOOD_LINE + "\n").encode())
        if run(verify_json_file, [one_line], write("e.json", json.dumps([root, child]).encode())).failed:
            failures.append("--expect rejected the exact span set")
        for label, expected in (
            ("a different status code", [root, dict(child, statusCode=1)]),
            ("a different parent", [dict(root, parentSpanId="1122334455667788"), child]),
            ("a different name", [root, dict(child, name="kid")]),
            ("a missing span", [root]),
            ("an extra span", [root, child, dict(child, spanId="99aabbccddeeff00")]),
        ):
            checked += 1
            if not run(verify_json_file, [one_line], write("e.json", json.dumps(expected).encode())).failed:
                failures.append(f"--expect accepted {label}")
        checked += 1
        if not run(verify_json_file, [one_line, one_line], write("e.json", json.dumps([root, child]).encode())).failed:
            failures.append("--expect accepted duplicated spans")

    if failures:
        for failure in failures:
            sys.stderr.write(f"selftest: {failure}\n")
        return 1
    print(f"selftest: ok ({checked} broken inputs rejected; valid JSON, binary and expectations accepted)")
    return 0


# ---------------------------------------------------------------------------------------------


def usage(message=None):
    if message:
        sys.stderr.write(f"verify_otlp: {message}\n")
    sys.stderr.write(
        "usage: verify_otlp.py json|proto [--expect EXPECT.json] FILE...\n"
        "       verify_otlp.py selftest\n"
    )
    return 2


def main(argv):
    if not argv:
        return usage()
    mode, rest = argv[0], argv[1:]
    if mode in ("-h", "--help"):
        print(__doc__)
        return 0
    if mode == "selftest":
        return selftest() if not rest else usage("selftest takes no arguments")
    if mode not in ("json", "proto"):
        return usage(f"unknown mode {mode!r}")
    expect = None
    files = []
    index = 0
    while index < len(rest):
        argument = rest[index]
        if argument == "--expect":
            if index + 1 >= len(rest):
                return usage("--expect needs a file")
            expect = rest[index + 1]
            index += 2
            continue
        if argument.startswith("--expect="):
            expect = argument.split("=", 1)[1]
        elif argument.startswith("-"):
            return usage(f"unknown option {argument!r}")
        else:
            files.append(argument)
        index += 1
    if not files:
        return usage("no FILE given")
    report = Report()
    for path in files:
        if mode == "json":
            verify_json_file(path, report)
        else:
            verify_proto_file(path, report)
    if expect is not None:
        check_expectations(expect, report)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
