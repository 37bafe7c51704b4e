# atof-bridge: `make demo` and `make test` are the whole set-up on a fresh Debian machine.
SHELL := /bin/bash
SWIFT_FLAGS ?=
BIN := .build/debug/atof-bridge
OUT := out

.PHONY: deps build demo mcp-demo mcp-check service-check link-check quickstart-check test proto-check format format-check swift-test cli-test export-test e2e-phoenix bench-smoke bench fuzz-smoke fuzz clean

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build $(SWIFT_FLAGS)

# The main job on an embedded default: an instrumented agent app (AgentDemo) exports its spans to
# OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318), or to out/spans.otlp.jsonl when
# nothing listens, keeps its raw ATOF in out/run.atof.jsonl, and `stats` shows the run.
demo: build
	@mkdir -p $(OUT)
	.build/debug/AgentDemo
	$(BIN) stats $(OUT)/run.atof.jsonl

# An agent calling the tools of a real MCP server (the SDK's, in process) through ATOFMCP's
# TracedMCPClient; mcp-check runs it into a temporary folder and checks its spans.
mcp-demo: build
	.build/debug/MCPDemo $(OUT)

mcp-check: build
	bash scripts/mcp-demo-test.sh .build/debug/MCPDemo $(BIN)

# The server-style example (examples/ServiceDemo: a ServiceGroup with the bridge, the
# instrumentation and an agent worker) under SIGTERM/SIGINT: exit 0 within the shutdown bound, every
# span in the fallback file or at a local OTLP sink.
service-check: build
	bash scripts/service-demo-test.sh .build/debug/ServiceDemo $(BIN)

# An app that imports only ATOFInstrumentation (examples/JSONLOnlyDemo) links neither libcurl,
# libprotobuf-c nor zlib (ldd), and its run writes the expected ATOF file (`atof-bridge validate`).
link-check: build
	bash scripts/link-check.sh .build/debug/JSONLOnlyDemo $(BIN) .build/debug/AgentDemo

# README.md's quick start is Tests/QuickStart/main.swift line for line, and it compiles.
quickstart-check: deps
	bash scripts/quickstart-check.sh
	swift build $(SWIFT_FLAGS) --product QuickStart

# The tree is formatted with the toolchain's swift-format and the project's .swift-format rules;
# `make format` rewrites the files, format-check fails when one is not formatted.
FORMAT_PATHS := Sources Tests examples benchmarks/Sources fuzz/Sources

format:
	swift format format --in-place --recursive --parallel $(FORMAT_PATHS)

format-check:
	swift format lint --strict --recursive --parallel $(FORMAT_PATHS)

proto-check: deps
	bash scripts/generate-proto.sh --check

# The Swift suites; the OTLP/JSON sample they write is then decoded by opentelemetry-proto.
swift-test: deps
	@rm -rf $(OUT)/otlp-sample
	ATOF_BRIDGE_OTLP_SAMPLE_DIR=$(CURDIR)/$(OUT)/otlp-sample swift test $(SWIFT_FLAGS)
	"$$(bash scripts/python-env.sh)" scripts/verify_otlp.py json --expect $(OUT)/otlp-sample/otlp-json-sample.expect.json $(OUT)/otlp-sample/otlp-json-sample.jsonl

cli-test: build
	bash scripts/cli-test.sh $(BIN)
	bash scripts/stats-test.sh $(BIN)
	bash scripts/foreign-check.sh $(BIN)

# export/replay against a local OTLP receiver with fault modes (decodes with opentelemetry-proto);
# then the files we write under a full disk (ulimit -f), symbolic links, loose modes, other owners.
export-test: build
	ATOF_BRIDGE=$(BIN) bash scripts/otlp_sink_selftest.sh
	bash scripts/export-test.sh $(BIN)
	bash scripts/grpc-test.sh $(BIN)
	bash scripts/fault-signals-test.sh $(BIN)
	bash scripts/fault-files-test.sh $(BIN)

# End to end against a real receiver: Arize Phoenix from PyPI, on 127.0.0.1.
e2e-phoenix: build
	bash scripts/e2e-phoenix.sh $(BIN)

# The benchmark harness (benchmarks/run.sh) with tiny counts and one round, so that it cannot rot;
# swift-otel's peer runs only in the full benchmark (its first release build takes ~8 minutes).
bench-smoke: deps
	bash benchmarks/run.sh --smoke

# The full benchmark: release builds, 5 rounds, rewrites BENCHMARKS.md (about 20 minutes once built).
bench: deps
	bash benchmarks/run.sh

# libFuzzer with AddressSanitizer on the line reader, the JSON parser and the event decoder (the
# fuzz/ package; scripts/fuzz.sh): 20 s per fuzzer in make test, 300 s per fuzzer in make fuzz.
# A crash fails the target and keeps its input under out/fuzz/artifacts/.
fuzz-smoke: deps
	bash scripts/fuzz.sh --seconds 20

fuzz: deps
	bash scripts/fuzz.sh --seconds 300

test: proto-check format-check quickstart-check swift-test cli-test link-check export-test e2e-phoenix bench-smoke fuzz-smoke demo service-check mcp-check

clean:
	rm -rf .build $(OUT)
