import BenchSupport
import Glibc
import Logging
import OTel
import ServiceLifecycle

// otel-bench: the same agent workload through swift-otel 1.6.0 (withSpan → OTLP/HTTP protobuf)
// to the same otlp-sink.
//
//   otel-bench --endpoint URL [--spans 400000] --defaults     the specification's BSP defaults
//   otel-bench --endpoint URL [--spans 400000] --tuned        queue 1,000,000, batch 131,072
//   otel-bench --endpoint URL --burst                          1,000,000 spans, defaults

let usage = """
    usage: otel-bench --endpoint http://127.0.0.1:PORT/v1/traces (--defaults | --tuned | --burst)
                      [--spans N] [--queue N] [--batch N] [--drain-timeout SECONDS] [--scenario NAME]
    """

func main() async -> Int32 {
    let arguments: Arguments
    do {
        arguments = try Arguments(
            Array(CommandLine.arguments.dropFirst()),
            options: ["endpoint", "spans", "queue", "batch", "drain-timeout", "scenario"],
            flags: ["defaults", "tuned", "burst", "help"])
    } catch {
        printError("otel-bench: \(error)\n\(usage)")
        return 64
    }
    if arguments.flag("help") {
        printError(usage)
        return 0
    }
    do {
        return try await benchmark(arguments)
    } catch {
        printError("otel-bench: \(error)\n\(usage)")
        return 64
    }
}

func benchmark(_ arguments: Arguments) async throws(Arguments.Problem) -> Int32 {
    let modes = ["defaults", "tuned", "burst"].filter { arguments.flag($0) }
    guard modes.count == 1, let mode = modes.first else {
        throw Arguments.Problem(description: "give exactly one of --defaults, --tuned, --burst")
    }
    guard let endpointText = arguments.string("endpoint"), let endpoint = HTTPEndpoint(endpointText) else {
        throw Arguments.Problem(description: "--endpoint http://127.0.0.1:PORT/v1/traces is required")
    }
    let requestedSpans = try arguments.integer("spans", default: mode == "burst" ? 1_000_000 : 400_000)
    let counter = DiagnosticCounter()
    var configuration = OTel.Configuration.default
    configuration.serviceName = "otel-bench"
    configuration.logs.enabled = false
    configuration.metrics.enabled = false
    configuration.diagnosticLogger = .custom(counter.logger)
    configuration.diagnosticLogLevel = .warning
    configuration.traces.exporter = .otlp
    configuration.traces.otlpExporter.endpoint = endpoint.description
    configuration.traces.otlpExporter.protocol = .httpProtobuf
    if mode == "tuned" {
        configuration.traces.batchSpanProcessor.maxQueueSize = 1_000_000
        configuration.traces.batchSpanProcessor.maxExportBatchSize = 131_072
    }
    let bsp = configuration.traces.batchSpanProcessor
    configuration.traces.batchSpanProcessor.maxQueueSize = try arguments.integer("queue", default: bsp.maxQueueSize)
    configuration.traces.batchSpanProcessor.maxExportBatchSize = try arguments.integer("batch", default: bsp.maxExportBatchSize)
    let drainTimeout = try arguments.seconds("drain-timeout", default: 120)

    let spans = TurnSpans()
    let turns = AgentWorkload.turns(forSpans: requestedSpans)
    let generationMicros = OTelRun.generationCost(spans: spans, turns: min(turns, 50_000))
    let generationPerSpan = generationMicros / Double(max(1, min(turns, 50_000) * AgentWorkload.spansPerTurn))

    guard let sinkBefore = SinkStats.fetch(from: endpoint) else {
        printError("otel-bench: no otlp-sink answering GET /stats at \(endpoint)")
        return 1
    }
    let observability: any Service
    do {
        // An empty environment: OTEL_* variables must not change what is measured.
        observability = try OTel.bootstrap(configuration: configuration, environment: [:])
    } catch {
        printError("otel-bench: OTel.bootstrap failed: \(error)")
        return 1
    }
    let usageBefore = ResourceUsage.now()
    let outcome = await OTelRun(service: observability, spans: spans, turns: turns, drainTimeout: drainTimeout).run()
    guard let sinkAfter = SinkStats.fetch(from: endpoint) else {
        printError("otel-bench: the sink stopped answering")
        return 1
    }
    let sink = sinkAfter.since(sinkBefore)
    let produced = outcome.turns * AgentWorkload.spansPerTurn
    let cpu = Double(outcome.usage.cpuMicroseconds - usageBefore.cpuMicroseconds)
    let lost = produced - sink.spans
    let loggedDropped = counter.loggedDropped.load(ordering: .relaxed)

    var report = Report()
    report.add("scenario", arguments.string("scenario") ?? "swift-otel \(mode)")
    report.add("implementation", "swift-otel 1.6.0")
    report.add("queue", configuration.traces.batchSpanProcessor.maxQueueSize)
    report.add("batch", configuration.traces.batchSpanProcessor.maxExportBatchSize)
    report.add("policy", "drop (swift-otel)")
    report.add("turns", outcome.turns)
    report.add("spans_produced", produced)
    report.add("spans_delivered", sink.spans)
    report.add("delivered_fraction", produced > 0 ? Double(sink.spans) / Double(produced) : 0)
    report.add("spans_lost", lost)
    report.add("otel_logged_dropped", loggedDropped)
    report.add("otel_failed_exports", counter.failedExports.load(ordering: .relaxed))
    report.add("drain_timed_out", outcome.drainTimedOut ? 1 : 0)
    RunMeasures(
        produced: produced, sink: sink, produceSeconds: outcome.produceSeconds, drainSeconds: outcome.drainSeconds,
        cpuMicroseconds: cpu, generationMicrosecondsPerSpan: generationPerSpan,
        maximumResidentKiB: outcome.usage.maximumResidentKiB, call: outcome.leaf,
        callKind: "leaf withSpan (start, 8 attributes, status, end)", turn: outcome.turn
    ).add(to: &report)
    report.emit()
    return outcome.drainTimedOut ? 4 : 0
}

exit(await main())
