#!/usr/bin/env bash
# Coverage-guided fuzzing of the ATOF reading path with the toolchain's libFuzzer and
# AddressSanitizer (the fuzz/ package): the JSON parser, the event decoder and the line reader.
#
#   scripts/fuzz.sh                    each fuzzer for 60 s
#   scripts/fuzz.sh --seconds 300      each fuzzer for 300 s (make fuzz); make fuzz-smoke: 20 s
#   scripts/fuzz.sh --seconds 20 json-parser event-decoder   only those fuzzers
#
# Builds fuzz/ in release with -sanitize=fuzzer,address, then runs each fuzzer on its own work
# corpus under out/fuzz/corpus/NAME (kept between runs, not committed), seeded from
# fuzz/corpus-seed/, with the dictionary fuzz/atof.dict. Prints executions and libFuzzer's
# coverage (cov:) per fuzzer. Any crash, sanitizer report, broken property, timeout (> 10 s for
# one input) or memory limit (2 GiB) makes the script exit 1 after the other fuzzers have run;
# the input is kept as
# out/fuzz/artifacts/NAME-crash-* (or -timeout-, -oom-, -leak-) and reproduces with
#   fuzz/.build/release/fuzz-NAME out/fuzz/artifacts/NAME-crash-...
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=60
FUZZERS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) SECONDS_EACH=${2:?--seconds needs a number}; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        json-parser|event-decoder|line-reader) FUZZERS+=("$1") ;;
        *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
    shift
done
[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --seconds needs a positive number" >&2; exit 64; }
[[ ${#FUZZERS[@]} -gt 0 ]] || FUZZERS=(json-parser event-decoder line-reader)

OUT="$ROOT/out/fuzz"
mkdir -p "$OUT/artifacts" "$OUT/logs"

# SwiftPM's -sanitize flags do not combine: `--sanitize fuzzer --sanitize address` compiles with
# the last one only (no coverage instrumentation). `--sanitize fuzzer` makes SwiftPM link the
# executables with libFuzzer's main (no main of their own); -Xswiftc -sanitize=fuzzer,address,
# being last, is what the compiler uses for every module (ATOF included).
echo "== building fuzz/ (release, -sanitize=fuzzer,address)"
rm -f "$ROOT/fuzz/.build/release.yaml"  # (an old build plan can miss files added to the main package)
if ! swift build -c release --package-path "$ROOT/fuzz" --sanitize fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library > "$OUT/logs/build.log" 2>&1; then
    grep -v 'ld.gold: warning' "$OUT/logs/build.log" | tail -30
    exit 1
fi
BIN="$(swift build -c release --package-path "$ROOT/fuzz" --show-bin-path 2> /dev/null)"

# The Swift runtime's crash backtracer would hold libFuzzer's output open after a crash.
export SWIFT_BACKTRACE=enable=no
failed=0
printf '%-15s %12s %10s %8s %8s  %s\n' fuzzer executions exec/s cov ft result
for name in "${FUZZERS[@]}"; do
    corpus="$OUT/corpus/$name"
    mkdir -p "$corpus"
    seeds=("$ROOT/fuzz/corpus-seed/lines")
    [[ $name == line-reader ]] && seeds=("$ROOT/fuzz/corpus-seed/files" "$ROOT/fuzz/corpus-seed/lines")
    log="$OUT/logs/$name.log"
    code=0
    # (The outer timeout only guards against a fuzzer that never stops; libFuzzer stops itself.)
    timeout --kill-after=10 $((SECONDS_EACH + 300)) "$BIN/fuzz-$name" \
        -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -dict="$ROOT/fuzz/atof.dict" -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$name-" \
        "$corpus" "${seeds[@]}" > "$log" 2>&1 || code=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [[ -n $runs ]] || runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    cov=$(sed -n 's/^#[0-9]*.* cov: \([0-9]*\).*/\1/p' "$log" | tail -1)
    ft=$(sed -n 's/^#[0-9]*.* ft: \([0-9]*\).*/\1/p' "$log" | tail -1)
    result=ok
    if [[ $code != 0 ]]; then
        failed=1
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        result="FAILED (exit $code) ${artifact:+input: $artifact}; log: $log"
    fi
    printf '%-15s %12s %10s %8s %8s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
    if [[ $code != 0 ]]; then
        { grep -E 'ERROR|error|property violated|Fatal error|SUMMARY|==[0-9]+==' "$log" || tail -3 "$log"; } \
            | head -8 | sed 's/^/    /'
    fi
done
exit "$failed"
