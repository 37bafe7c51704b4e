// scope-bench: the cost of one scope (start + end) in an app, as the producer sees it.
//
//   scope-bench --impl atof --scopes N --endpoint URL   withScope(name:category:) with a Bridge installed
//   scope-bench --impl otel --scopes N --endpoint URL   withSpan through swift-otel 1.6.0 (defaults)
//
// Each scope is empty and nested in one agent scope / parent span; both export to the same sink.
// Prints one RESULT line: ns per scope (wall over the loop, and p50/p99 of single calls) and the
// process CPU per scope including the export thread.

import ATOF
import ATOFBridge
import ATOFInstrumentation
import BenchSupport
import Glibc
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

struct Measured: Sendable {
    var loopNanoseconds: UInt64 = 0
    var calls = LatencyHistogram()
}

func measure(_ scopes: Int, _ one: () -> Void) -> Measured {
    var measured = Measured()
    let start = monotonicNanoseconds()
    for _ in 0..<scopes {
        let before = monotonicNanoseconds()
        one()
        measured.calls.record(monotonicNanoseconds() &- before)
    }
    measured.loopNanoseconds = monotonicNanoseconds() &- start
    return measured
}

func report(_ implementation: String, scopes: Int, measured: Measured, cpuMicroseconds: Int) {
    var report = Report()
    report.add("implementation", implementation)
    report.add("scopes", scopes)
    report.add("ns_per_scope", Double(measured.loopNanoseconds) / Double(scopes))
    report.add("call_p50_ns", measured.calls.value(atQuantile: 0.50))
    report.add("call_p99_ns", measured.calls.value(atQuantile: 0.99))
    report.add("cpu_ns_per_scope", Double(cpuMicroseconds) * 1000 / Double(scopes))
    report.emit()
}

func runATOF(scopes: Int, endpoint: String) throws -> Int32 {
    var configuration = Bridge.Configuration()
    configuration.exporter.endpoint = endpoint
    configuration.fallbackPath = "/tmp/scope-bench-fallback.jsonl"
    let bridge = try Bridge(configuration: configuration)
    try ATOFInstrumentation.bootstrap(.bridge(bridge))
    let before = ResourceUsage.now()
    let measured = withAgentScope("scope-bench") {
        measure(scopes) { withScope(name: "step", category: .function) {} }
    }
    _ = ATOFInstrumentation.shutdown(timeout: .seconds(60))
    report(
        "atof-bridge withScope (Bridge installed)", scopes: scopes, measured: measured,
        cpuMicroseconds: ResourceUsage.now().cpuMicroseconds - before.cpuMicroseconds)
    return 0
}

func runOTel(scopes: Int, endpoint: String) async throws -> Int32 {
    var configuration = OTel.Configuration.default
    configuration.serviceName = "scope-bench"
    configuration.logs.enabled = false
    configuration.metrics.enabled = false
    configuration.traces.exporter = .otlp
    configuration.traces.otlpExporter.endpoint = endpoint
    configuration.traces.otlpExporter.protocol = .httpProtobuf
    let service = try OTel.bootstrap(configuration: configuration, environment: [:])
    let group = ServiceGroup(services: [service], logger: Logger(label: "scope-bench"))
    let runner = Task.detached { try? await group.run() }
    let before = ResourceUsage.now()
    let measured = withSpan("scope-bench") { _ in
        measure(scopes) { withSpan("step") { _ in } }
    }
    await group.triggerGracefulShutdown()
    _ = await runner.value
    report(
        "swift-otel 1.6.0 withSpan (defaults)", scopes: scopes, measured: measured,
        cpuMicroseconds: ResourceUsage.now().cpuMicroseconds - before.cpuMicroseconds)
    return 0
}

let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), options: ["impl", "scopes", "endpoint"], flags: [])
let scopes = try arguments.integer("scopes", default: 200_000)
guard let endpoint = arguments.string("endpoint") else {
    printError("usage: scope-bench --impl atof|otel --scopes N --endpoint http://127.0.0.1:PORT/v1/traces")
    exit(64)
}
switch arguments.string("impl") {
case "atof": exit(try runATOF(scopes: scopes, endpoint: endpoint))
case "otel": exit(try await runOTel(scopes: scopes, endpoint: endpoint))
default:
    printError("give --impl atof or --impl otel")
    exit(64)
}
