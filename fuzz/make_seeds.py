#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (committed) from the ATOF fixtures.

corpus-seed/lines/: one line per file (every distinct line of Tests/Fixtures/*.jsonl and
/work/shared/fixtures/atof/*.jsonl, plus a few hand-made edge lines), for the JSON parser and the
event decoder. corpus-seed/files/: whole small files for the line reader, whose first byte picks
the reader's chunk size (see Sources/fuzz-line-reader): framing cases (CR LF, a byte-order mark,
no final line break, NUL bytes, a line far longer than a read, blank lines) and the fixtures.

Usage: fuzz/make_seeds.py [FIXTURE_DIR...]   (run from anywhere; rewrites corpus-seed/)"""
import hashlib
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DIRS = [ROOT / "Tests" / "Fixtures", pathlib.Path("/work/shared/fixtures/atof")]

MARK = (b'{"kind":"mark","atof_version":"0.1","uuid":"m1","parent_uuid":null,'
        b'"timestamp":"2026-01-01T00:00:00Z","name":"n","data":{"k":[1,2.5e-3,true,null]}}')
EDGE_LINES = [
    b"",
    b" \t\r",
    b"[]",
    b'"\\u00e9\\ud83d\\ude00\\n"',
    b"-0.0e+10",
    b"[" * 40 + b"]" * 40,
    b'{"a":1,"a":2}',
    MARK.replace(b'"2026-01-01T00:00:00Z"', b"1767225600000000"),
    MARK.replace(b'"2026-01-01T00:00:00Z"', b'"2026-01-01T00:00:00.123456789123+05:30"'),
    b'{"kind":"ScopeEnd","schema_version":"0.2","uuid":"s","timestamp":"2026-01-01T00:00:00Z","name":"x",'
    b'"scope_type":"tool","flags":["a"],"status":"error","error":{"type":"T","message":"m","stack":"s","extra":1}}',
]


def main(dirs):
    lines, files = [], []
    seen = set()
    for directory in dirs:
        for path in sorted(pathlib.Path(directory).glob("*.jsonl")):
            content = path.read_bytes()
            if content in seen:
                continue
            seen.add(content)
            files.append((path.stem, b"\xff" + content))
            lines.extend(content.split(b"\n"))
    lines.extend(EDGE_LINES)

    long_payload = b"x" * 9000 + "\u00e9\u2028".encode() + b"\\\"" * 50
    files += [
        ("crlf", b"\x10" + MARK + b"\r\n" + MARK + b"\r\n"),
        ("bom", b"\x20" + b"\xef\xbb\xbf" + MARK + b"\n" + MARK + b"\n"),
        ("no-final-newline", b"\x05" + MARK + b"\n" + MARK[:60]),
        ("nul-bytes", b"\x00" + MARK[:30] + b"\x00\x00" + MARK[30:] + b"\n\x00\n"),
        ("long-line", b"\x00" + MARK.replace(b'"n"', b'"' + long_payload + b'"') + b"\n" + MARK + b"\n"),
        ("blank-lines", b"\x03\n\n \t\r\n\r\n" + MARK),
        ("lone-cr", b"\x07" + MARK + b"\r\r\n\r"),
    ]

    for name in ("lines", "files"):
        target = HERE / "corpus-seed" / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
    written = set()
    for line in lines:
        digest = hashlib.sha1(line).hexdigest()[:16]
        if digest not in written:
            written.add(digest)
            (HERE / "corpus-seed" / "lines" / digest).write_bytes(line)
    for name, content in files:
        (HERE / "corpus-seed" / "files" / name).write_bytes(content)
    print(f"{len(written)} line seeds, {len(files)} file seeds")


if __name__ == "__main__":
    main([pathlib.Path(d) for d in sys.argv[1:]] or [d for d in DEFAULT_DIRS if d.is_dir()])
