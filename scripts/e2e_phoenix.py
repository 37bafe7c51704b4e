#!/usr/bin/env python3
"""Reads spans back from a local Arize Phoenix and checks them against what the mapping contract
(span-mapping.md) requires for the ATOF file they were exported from.

Usage: e2e_phoenix.py --url http://127.0.0.1:PORT [--timeout S] PROJECT=FILE...

Each FILE must have been exported into its own Phoenix project PROJECT (resource attribute
openinference.project.name). Per file it checks: the span count, and for every span (keyed by its
span id) the name, parent span id, trace id, OpenInference kind (`openinference.span.kind`, which
Phoenix returns as span_kind) and status code. It also checks that nothing landed in Phoenix's
`default` project (which is where spans go when the project attribute is not honoured).

Expectations come from the raw ATOF file, never from atof-bridge's output: ids, parents, trace ids
and status from scripts/expected_spans.py (clean ATOF 0.1), the OpenInference kind from the
category table of span-mapping.md §3 (marks that become spans are CHAIN, §6). Inputs with
features that derivation does not cover (0.2 events, unpaired or duplicate scopes, non-UUID ids,
a root traceparent, the otel_status_code spelling) are refused rather than guessed.

A FILE under Tests/Fixtures/foreign/<format>/ (a foreign agent event stream) is checked against
its hand-written <name>.spans.json instead: the span count and each span's name, parent's name and
status.

Spans are read through Phoenix's REST API, GET /v1/projects/{project}/spans (cursor pages of up to
1000), polled with a deadline because Phoenix inserts asynchronously. Only the standard library is
used. After the real checks, the comparison is run once more against planted wrong expectations
(one per checked field, plus a missing and an extra span) and must reject each of them.
"""
import argparse
import contextlib
import io
import ipaddress
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected_spans  # noqa: E402  (scripts/expected_spans.py)

# span-mapping.md §3: category / scope_type -> openinference.span.kind; anything else is CHAIN.
OPENINFERENCE_KIND = {
    "agent": "AGENT", "function": "CHAIN", "llm": "LLM", "tool": "TOOL", "retriever": "RETRIEVER",
    "embedder": "EMBEDDING", "reranker": "RERANKER", "guardrail": "GUARDRAIL", "evaluator": "EVALUATOR",
}
MARK_SPAN_KIND = "CHAIN"  # §6: a mark that becomes a span has OpenInference kind CHAIN
STATUS_NAME = {0: "UNSET", 1: "OK", 2: "ERROR"}
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
FIELDS = ("name", "parent_id", "trace_id", "span_kind", "status_code")


class Unsupported(Exception):
    pass


def check_derivable(path, events):
    """Raises Unsupported when the file has something expected_spans.py does not derive."""
    starts, ends = {}, {}
    for number, event in enumerate(events, 1):
        where = f"{path}: event {number}"
        if str(event.get("atof_version", "")).split(".")[:2] != ["0", "1"]:
            raise Unsupported(f"{where}: not an ATOF 0.1 event (only 0.1 is derived here)")
        if event.get("kind") not in ("scope", "mark"):
            raise Unsupported(f"{where}: kind {event.get('kind')!r}")
        if not UUID.match(str(event.get("uuid", ""))) or int(event["uuid"].replace("-", "")[16:], 16) == 0:
            raise Unsupported(f"{where}: uuid {event.get('uuid')!r} is not a UUID with a non-zero span id")
        if event["kind"] == "scope":
            phase = event.get("scope_category")
            table = starts if phase == "start" else ends if phase == "end" else None
            if table is None:
                raise Unsupported(f"{where}: scope_category {phase!r}")
            if event["uuid"] in table:
                raise Unsupported(f"{where}: a second scope {phase} for {event['uuid']}")
            table[event["uuid"]] = event
            if "otel_status_code" in (event.get("metadata") or {}):
                raise Unsupported(f"{where}: the otel_status_code spelling")
    if starts.keys() != ends.keys():
        raise Unsupported(f"{path}: scopes that do not pair (unended or unmatched ends)")
    for uuid, start in starts.items():
        metadata = {**(start.get("metadata") or {}), **(ends[uuid].get("metadata") or {})}
        if start.get("parent_uuid") not in starts and ({"traceparent", "trace_id", "span_id"} & metadata.keys()):
            raise Unsupported(f"{path}: root scope {uuid} joins an existing trace (traceparent metadata)")
    return starts


def derive(path):
    """The spans PATH must give, as {span_id: {name, parent_id, trace_id, span_kind, status_code}}."""
    events = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                raise Unsupported(f"{path}:{number}: not JSON (bad lines are not derived here)") from None
            if not isinstance(events[-1], dict):
                raise Unsupported(f"{path}:{number}: not a JSON object")
    starts = check_derivable(path, events)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        expected_spans.main(path)
    category = {expected_spans.hex_of(uuid)[16:]: start.get("category") for uuid, start in starts.items()}
    expected = {}
    for span in json.loads(out.getvalue()):
        span_id = span["spanId"]
        if span_id in expected:
            raise Unsupported(f"{path}: two spans would share span id {span_id}")
        if span_id in category:
            kind = OPENINFERENCE_KIND.get(category[span_id], "CHAIN")
        elif span["name"].startswith("mark:"):
            kind = MARK_SPAN_KIND
        else:
            raise Unsupported(f"{path}: span {span_id} is neither a scope nor a mark")
        expected[span_id] = {"name": span["name"], "parent_id": span["parentSpanId"], "trace_id": span["traceId"],
                             "span_kind": kind, "status_code": STATUS_NAME[span["statusCode"]]}
    return expected


def derive_foreign(path):
    """A foreign-format example's spans from its hand-written <name>.spans.json (never from
    atof-bridge's output): a multiset of (name, parent name or "" for a root, status) entries."""
    with open(path.rsplit(".", 1)[0] + ".spans.json", encoding="utf-8") as handle:
        entries = json.load(handle)["spans"]
    names = {entry["key"]: entry["name"] for entry in entries}
    return sorted((entry["name"], names.get(entry.get("parent")) or "", STATUS_NAME[entry.get("statusCode", 0)]) for entry in entries)


def is_foreign(path):
    """Whether PATH is a foreign-format example (Tests/Fixtures/foreign/<format>/) with expectations."""
    return os.path.basename(os.path.dirname(os.path.dirname(path))) == "foreign" and os.path.exists(
        path.rsplit(".", 1)[0] + ".spans.json")


def compare_foreign(expected, actual):
    """Mismatches between a foreign example's expected (name, parent name, status) entries and
    Phoenix's spans."""
    names = {span["context"]["span_id"]: span["name"] for span in actual}
    got = sorted((span["name"], names.get(span.get("parent_id")) or "", span.get("status_code") or "") for span in actual)
    if got == expected:
        return []
    missing = [entry for entry in expected if entry not in got]
    extra = [entry for entry in got if entry not in expected]
    return [f"{len(actual)} spans in Phoenix, {len(expected)} expected"] + [f"missing {m}" for m in missing] + [
        f"unexpected {e}" for e in extra]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def read_project(base, project):
    """Every span of PROJECT as Phoenix returns them, or None while the project does not exist."""
    spans, cursor = [], None
    for _ in range(10_000):  # pages of 1000; bounded
        query = {"limit": 1000}
        if cursor:
            query["cursor"] = cursor
        url = f"{base}/v1/projects/{urllib.parse.quote(project, safe='')}/spans?{urllib.parse.urlencode(query)}"
        try:
            body = get_json(url)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
        spans.extend(body["data"])
        cursor = body.get("next_cursor")
        if not cursor:
            return spans
    raise RuntimeError(f"project {project}: too many pages")


def wait_for(base, project, count, deadline):
    """Polls until PROJECT holds at least COUNT spans or the deadline passes; then reads once more
    after a short pause so that spans beyond the expected count are seen too."""
    while True:
        spans = read_project(base, project)
        if spans is not None and len(spans) >= count:
            time.sleep(0.5)
            return read_project(base, project)
        if time.monotonic() >= deadline:
            return spans
        time.sleep(0.25)


def compare(expected, actual):
    """Mismatches between the expected spans and Phoenix's spans, as readable lines."""
    problems = []
    got = {}
    for span in actual:
        span_id = span["context"]["span_id"]
        if span_id in got:
            problems.append(f"span id {span_id} stored twice")
        got[span_id] = {"name": span["name"], "parent_id": span.get("parent_id"),
                        "trace_id": span["context"]["trace_id"], "span_kind": span.get("span_kind"),
                        "status_code": span.get("status_code")}
    if len(actual) != len(expected):
        problems.append(f"{len(actual)} spans in Phoenix, {len(expected)} expected")
    for span_id in sorted(expected.keys() - got.keys()):
        problems.append(f"missing span {span_id} ({expected[span_id]['name']})")
    for span_id in sorted(got.keys() - expected.keys()):
        problems.append(f"unexpected span {span_id} ({got[span_id]['name']})")
    for span_id in sorted(expected.keys() & got.keys()):
        for field in FIELDS:
            if expected[span_id][field] != got[span_id][field]:
                problems.append(f"span {span_id} ({expected[span_id]['name']}): {field} is "
                                f"{got[span_id][field]!r}, expected {expected[span_id][field]!r}")
    return problems


def planted_mistakes(expected):
    """Wrong copies of EXPECTED, one per kind of check, each of which compare() must reject."""
    span_id = sorted(expected)[0]
    wrong = {
        "name": lambda s: s["name"] + "-wrong",
        "parent_id": lambda s: "00000000000000ff" if s["parent_id"] is None else None,
        "trace_id": lambda s: "f" * 32,
        "span_kind": lambda s: "RETRIEVER" if s["span_kind"] != "RETRIEVER" else "TOOL",
        "status_code": lambda s: "ERROR" if s["status_code"] != "ERROR" else "OK",
    }
    for field, change in wrong.items():
        copy = {k: dict(v) for k, v in expected.items()}
        copy[span_id][field] = change(copy[span_id])
        yield f"a wrong {field}", copy
    yield "a missing span", {k: v for k, v in expected.items() if k != span_id}
    extra = {k: dict(v) for k, v in expected.items()}
    extra["ffffffffffffffff"] = dict(expected[span_id], name="extra")
    yield "an extra span", extra


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="Phoenix base URL on loopback, e.g. http://127.0.0.1:6006")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for all spans (default 90)")
    parser.add_argument("checks", nargs="+", metavar="PROJECT=FILE")
    args = parser.parse_args()

    base = args.url.rstrip("/")
    host = urllib.parse.urlsplit(base).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        parser.error(f"--url must point at a Phoenix on this machine (127.0.0.1), not {host!r}")

    checks = []
    for item in args.checks:
        project, sep, path = item.partition("=")
        if not sep or not project or not path:
            parser.error(f"{item!r} is not PROJECT=FILE")
        try:
            checks.append((project, path, derive_foreign(path) if is_foreign(path) else derive(path)))
        except Unsupported as error:
            print(f"e2e-phoenix: cannot derive the expected spans: {error}", file=sys.stderr)
            return 2

    try:
        version = urllib.request.urlopen(f"{base}/arize_phoenix_version", timeout=10).read().decode().strip()
    except OSError as error:
        print(f"e2e-phoenix: Phoenix does not answer at {base} ({error}); is it running (scripts/phoenix.sh start)?",
              file=sys.stderr)
        return 2
    print(f"reading spans back from Phoenix {version} at {base} (REST API GET /v1/projects/{{project}}/spans)")

    passed = failed = 0
    planted_ok, planted_checked = True, 0
    deadline = time.monotonic() + args.timeout
    for project, path, expected in checks:
        started = time.monotonic()
        actual = wait_for(base, project, len(expected), deadline)
        waited = time.monotonic() - started
        label = os.path.basename(path)
        if actual is None:
            failed += 1
            print(f"FAIL: {label}: Phoenix has no project {project!r} after {args.timeout:.0f}s "
                  f"(was openinference.project.name={project} set in the resource, and did the export succeed?)")
            continue
        foreign = is_foreign(path)
        problems = compare_foreign(expected, actual) if foreign else compare(expected, actual)
        if problems:
            failed += 1
            print(f"FAIL: {label} (project {project}): {len(problems)} mismatches")
            for line in problems[:20]:
                print(f"  {line}")
            if len(problems) > 20:
                print(f"  ... and {len(problems) - 20} more")
            continue
        passed += 1
        if foreign:
            print(f"ok: {label}: {len(actual)} spans in project {project}: names, parents and status as its "
                  f".spans.json expects (read back in {waited:.1f}s)")
            continue
        print(f"ok: {label}: {len(actual)} spans in project {project}: names, parents, trace ids, "
              f"OpenInference kinds and status as derived from the ATOF file (read back in {waited:.1f}s)")

        planted_checked += 1
        accepted = [what for what, wrong in planted_mistakes(expected) if not compare(wrong, actual)]
        if accepted:
            planted_ok = False
            print(f"FAIL: {label}: the comparison accepted planted mistakes: {', '.join(accepted)}")

    leaked = read_project(base, "default") or []
    if leaked:
        failed += 1
        print(f"FAIL: {len(leaked)} spans landed in Phoenix's default project: the project resource attribute was not honoured")
    else:
        passed += 1
        print("ok: no span landed in the default project (openinference.project.name honoured)")
    if planted_ok and planted_checked:
        passed += 1
        print("ok: the comparison rejects planted mistakes for every file read back (a wrong name, parent, "
              "trace id, kind or status; a missing span; an extra span)")
    elif not planted_ok:
        failed += 1
    print(f"e2e-phoenix: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
