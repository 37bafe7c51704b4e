import ATOF
import ATOFBridge
import BenchSupport
import Glibc

// bridge-bench: the agent workload fed to Bridge in process, delivered to otlp-sink.
//
//   bridge-bench --endpoint http://127.0.0.1:PORT/v1/traces [--spans 400000]
//                [--queue N] [--batch N] [--policy spill|block|drop] [--fallback PATH]
//   bridge-bench --burst --endpoint URL        1,000,000 spans, default settings
//   bridge-bench --equal-content --endpoint URL [--spans N] [...]
//                                              swift-otel's spans (8 string attributes, one
//                                              event) made as OTLP.Span, Bridge.receive(spans:)
//   bridge-bench --open-scopes N --endpoint URL [--max-open M]
//                                              memory: N scopes started and never ended
//   bridge-bench --dump-events TURNS           print the events as ATOF JSON lines (shape check)

let usage = """
    usage: bridge-bench --endpoint http://127.0.0.1:PORT/v1/traces [--spans N] [--burst]
                        [--queue N] [--batch N] [--policy spill|block|drop] [--fallback PATH]
                        [--shutdown-timeout SECONDS] [--scenario NAME] [--equal-content]
           bridge-bench --open-scopes N --endpoint URL [--max-open M] [--fallback PATH]
           bridge-bench --dump-events TURNS
    """

func main() -> Int32 {
    let arguments: Arguments
    do {
        arguments = try Arguments(
            Array(CommandLine.arguments.dropFirst()),
            options: [
                "endpoint", "spans", "queue", "batch", "policy", "fallback", "shutdown-timeout", "scenario", "dump-events", "open-scopes",
                "max-open",
            ],
            flags: ["burst", "equal-content", "help"])
    } catch {
        printError("bridge-bench: \(error)\n\(usage)")
        return 64
    }
    if arguments.flag("help") {
        printError(usage)
        return 0
    }
    do {
        if arguments.string("dump-events") != nil {
            let factory = TurnEvents()
            var events: [Event] = []
            for turn in 0..<(try arguments.integer("dump-events", default: 1)) {
                factory.make(turn: turn, into: &events)
                for event in events { print(event.jsonLine) }
            }
            return 0
        }
        return try benchmark(arguments)
    } catch {
        printError("bridge-bench: \(error)\n\(usage)")
        return 64
    }
}

func benchmark(_ arguments: Arguments) throws(Arguments.Problem) -> Int32 {
    let burst = arguments.flag("burst")
    guard let endpointText = arguments.string("endpoint"), let endpoint = HTTPEndpoint(endpointText) else {
        throw Arguments.Problem(description: "--endpoint http://127.0.0.1:PORT/v1/traces is required")
    }
    let requestedSpans = try arguments.integer("spans", default: burst ? 1_000_000 : 400_000)
    var configuration = Bridge.Configuration()  // the defaults; the environment is not read
    configuration.exporter.endpoint = endpoint.description
    configuration.serviceName = "bridge-bench"
    let defaults = configuration.batch
    configuration.batch = BatchConfiguration(
        maximumQueueSize: try arguments.integer("queue", default: defaults.maximumQueueSize),
        maximumExportBatchSize: try arguments.integer("batch", default: defaults.maximumExportBatchSize),
        scheduleDelay: defaults.scheduleDelay)
    if let policyText = arguments.string("policy") {
        guard let policy = OverflowPolicy(rawValue: policyText.lowercased()) else {
            throw Arguments.Problem(description: "--policy must be spill, block or drop")
        }
        configuration.overflowPolicy = policy
    }
    let fallbackPath = arguments.string("fallback") ?? "/tmp/bridge-bench-\(getpid()).otlp.jsonl"
    let keepFallback = arguments.string("fallback") != nil
    FallbackFile.remove(fallbackPath)
    configuration.fallbackPath = fallbackPath
    let shutdownTimeout = try arguments.seconds("shutdown-timeout", default: 120)
    if arguments.string("open-scopes") != nil {
        let count = try arguments.integer("open-scopes", default: 0)
        let bound = try arguments.integer("max-open", default: count + 16)
        configuration.assemblyLimits = AssemblyLimits(maximumOpenScopes: bound, recentlyEndedCapacity: bound)
        if arguments.string("policy") == nil { configuration.overflowPolicy = .block }
        return openScopesBenchmark(
            configuration: configuration, endpoint: endpoint, count: count, shutdownTimeout: shutdownTimeout,
            fallbackPath: fallbackPath, keepFallback: keepFallback,
            scenario: arguments.string("scenario") ?? "open scopes \(count), bound \(bound)")
    }

    let equalContent = arguments.flag("equal-content")
    let turns = AgentWorkload.turns(forSpans: requestedSpans)
    let calibrationTurns = min(turns, 50_000)
    let timeout = Duration.milliseconds(Int(shutdownTimeout * 1000))
    let generationMicros: Double
    let measured: (outcome: BridgeRun.Outcome, account: SinkAccount)?
    if equalContent {
        // Calibration: the cost of the per-turn values alone, as otel-bench calibrates.
        generationMicros = EqualContentRun.generationCost(turns: calibrationTurns)
        let spans = EqualContentSpans()
        measured = SinkAccount.measure(
            configuration: configuration, endpoint: endpoint, fallbackPath: fallbackPath, keep: keepFallback,
            { bridge in EqualContentRun(bridge: bridge, spans: spans, turns: turns, shutdownTimeout: timeout).run() })
    } else {
        // Calibration: the cost of making the events alone, before anything is measured.
        let factory = TurnEvents()
        generationMicros = BridgeRun.generationCost(factory: factory, turns: calibrationTurns)
        measured = SinkAccount.measure(
            configuration: configuration, endpoint: endpoint, fallbackPath: fallbackPath, keep: keepFallback,
            { bridge in BridgeRun(bridge: bridge, factory: factory, turns: turns, shutdownTimeout: timeout).run() })
    }
    let generationPerSpan = generationMicros / Double(max(1, calibrationTurns * AgentWorkload.spansPerTurn))
    guard let (outcome, account) = measured else { return 1 }
    let sink = account.sink
    let statistics = outcome.statistics
    let produced = statistics.spansProduced
    let cpu = Double(outcome.usage.cpuMicroseconds - account.usageBefore.cpuMicroseconds)
    let inFile = account.fallbackSpans ?? -1
    let unaccounted = account.unaccounted(statistics)

    var report = Report()
    let defaultName = burst ? "bridge burst" : equalContent ? "bridge equal content" : "bridge steady"
    report.add("scenario", arguments.string("scenario") ?? defaultName)
    report.add("implementation", "atof-bridge")
    report.add("content", equalContent ? "equal" : "full mapping")
    report.add("queue", configuration.batch.maximumQueueSize)
    report.add("batch", configuration.batch.maximumExportBatchSize)
    report.add("policy", configuration.overflowPolicy.rawValue)
    report.add("turns", outcome.turns)
    report.add("events", statistics.eventsReceived)
    report.add("spans_produced", produced)
    report.add("spans_delivered", sink.spans)
    report.add("delivered_fraction", produced > 0 ? Double(sink.spans) / Double(produced) : 0)
    report.add("fallback_file_spans", inFile)
    report.add("unaccounted_spans", unaccounted)
    RunMeasures(
        produced: produced, sink: sink, produceSeconds: outcome.produceSeconds, drainSeconds: outcome.drainSeconds,
        cpuMicroseconds: cpu, generationMicrosecondsPerSpan: generationPerSpan,
        maximumResidentKiB: outcome.usage.maximumResidentKiB, call: outcome.receive,
        callKind: equalContent ? "leaf span made + Bridge.receive(spans:)" : "Bridge.receive(event)", turn: outcome.turn
    ).add(to: &report)
    report.add("bridge_exported", statistics.spansExported)
    report.add("bridge_in_fallback", statistics.spansInFallback)
    report.add("bridge_dropped", statistics.spansDropped)
    report.add("bridge_failed", statistics.spansFailed)
    report.add("bridge_rejected", statistics.spansRejected)
    report.add("bridge_queued", statistics.spansQueued)
    report.add("bridge_retries", statistics.retries)
    report.add("bridge_unended", statistics.unendedScopes)
    report.emit()
    if unaccounted != 0 {
        printError("bridge-bench: \(unaccounted) spans are neither at the sink, in the fallback file nor counted dropped")
    }
    return unaccounted == 0 && account.fallbackSpans != nil ? 0 : 3
}

exit(main())
