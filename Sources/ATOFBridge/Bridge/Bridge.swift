import ATOF
import Logging
import Synchronization

/// The subscriber apps and the command line install: ATOF events in, OTLP spans out.
///
/// Events are paired live (``LiveSpanAssembler``, bounded memory) and queued on a
/// ``BatchSpanProcessor``, which maps and encodes them (``SpanMapper``) on its worker threads
/// and posts them from its export thread, writing what it cannot deliver to the fallback file.
/// ``receive(_:)`` never waits for the network and does not map.
///
/// Sampling (``Configuration/sampling``) is decided as spans are paired, per trace id; with
/// keep-errors, an error span of a sampled-out trace and the later spans of that trace (its open
/// ancestors among them) are kept (see ``SamplingConfiguration``).
///
/// ```swift
/// let bridge = try Bridge(configuration: .fromEnvironment(serviceName: "my-agent"))
/// bridge.receive(event)
/// bridge.shutdown()
/// ```
///
/// Header values (credentials) are never logged.
public final class Bridge: Sendable {
    private struct Intake {
        var assembler: LiveSpanAssembler
        var eventsReceived = 0
        var badLines = 0
        var spansProduced = 0
        var spansSampledOut = 0
        var diagnosticsLogged = 0
        /// `nil` when every trace is kept.
        var sampling: LiveTraceSampling?

        /// Counts `items` as produced and removes those of sampled-out traces (counted).
        mutating func admit(_ items: inout [AssembledItem]) {
            spansProduced += items.count
            guard var sampling, !items.isEmpty else { return }
            self.sampling = nil  // one owner, so the memories are not copied when they change
            // In order: a kept error span rescues the spans of its trace that come after it.
            var kept: [AssembledItem] = []
            kept.reserveCapacity(items.count)
            for item in items where sampling.keeps(item) { kept.append(item) }
            spansSampledOut += items.count - kept.count
            items = kept
            self.sampling = sampling
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    /// Where undelivered spans are written, if anywhere.
    public let fallbackPath: String?
    private let intake: Mutex<Intake>
    /// No JSON line has been received yet (a byte order mark before the first one is skipped).
    private let awaitingFirstJSONLine = Atomic<Bool>(true)
    /// The final statistics have been logged (by the first ``shutdown(timeout:)``).
    private let finishedLogged = Atomic<Bool>(false)
    private let mapper: SpanMapper
    private let processor: BatchSpanProcessor?
    private let logger: Logger

    /// The most diagnostics (bad lines, pairing anomalies) logged one by one; later ones are counted.
    static let maximumLoggedDiagnostics = 50

    /// Creates a bridge exporting over OTLP/HTTP or OTLP/gRPC (by the exporter's protocol) as
    /// `configuration` says, with the fallback file when one is configured. Throws when libcurl
    /// refuses the endpoint or TLS options. Environment problems found by
    /// ``Configuration/fromEnvironment(serviceName:_:)`` are logged as warnings.
    public convenience init(
        configuration: Configuration = .fromEnvironment(), logger: Logger = Logger(label: "atof-bridge")
    ) throws(ExportError) {
        if configuration.isDisabled {
            self.init(configuration: configuration, exporter: nil, logger: logger)
            return
        }
        let network = try configuration.exporter.makeExporter(logger: logger)
        guard let path = configuration.fallbackPath else {
            self.init(configuration: configuration, exporter: network, logger: logger)
            return
        }
        let file = JSONLinesExporter(path: path, logger: logger)
        self.init(
            configuration: configuration, exporter: FallbackExporter(primary: network, fallback: file, logger: logger), fallbackFile: file,
            logger: logger)
    }

    /// Creates a bridge with your own exporter (for example a ``JSONLinesExporter`` alone, or a
    /// test double). `fallbackFile` is where spans go when the queue is full (`spill`) or time
    /// runs out at shutdown; pass the file your exporter falls back to, if any. With `exporter`
    /// `nil` the bridge counts events and exports nothing.
    public init(
        configuration: Configuration,
        exporter: (any SpanExporter)?,
        fallbackFile: JSONLinesExporter? = nil,
        logger: Logger = Logger(label: "atof-bridge")
    ) {
        self.configuration = configuration
        self.logger = logger
        for warning in configuration.warnings { logger.warning("\(warning)") }
        mapper = SpanMapper(options: configuration.mapping)
        var limits = configuration.assemblyLimits
        limits.maximumMarksPerScope = configuration.mapping.maximumEventsPerSpan  // hold what the mapper keeps, count the rest
        let sampling = configuration.sampling.keepsEverything ? nil : LiveTraceSampling(configuration: configuration.sampling)
        intake = Mutex(Intake(assembler: LiveSpanAssembler(limits: limits), sampling: sampling))
        guard let exporter, !configuration.isDisabled else {
            if configuration.isDisabled { logger.info("OTEL_SDK_DISABLED is true: spans are not exported") }
            fallbackPath = nil
            processor = nil
            return
        }
        let detection = configuration.makeResource(processName: Self.processName)
        for warning in detection.warnings { logger.warning("\(warning)") }
        fallbackPath = fallbackFile?.path
        processor = BatchSpanProcessor(
            exporter: exporter,
            resource: detection.resource,
            scope: .atofBridge,
            configuration: configuration.batch,
            overflowPolicy: configuration.overflowPolicy,
            spillFile: fallbackFile,
            mapper: mapper,
            logger: logger)
    }

    /// The counts now.
    public var statistics: Statistics {
        var statistics = intake.withLock { intake in
            var statistics = Statistics()
            statistics.eventsReceived = intake.eventsReceived
            statistics.badLines = intake.badLines
            statistics.spansProduced = intake.spansProduced
            statistics.spansSampledOut = intake.spansSampledOut
            statistics.unendedScopes = intake.assembler.report.unended
            statistics.unmatchedEnds = intake.assembler.report.unmatchedEnds
            return statistics
        }
        if let counters = processor?.counters {
            statistics.spansExported = counters.exported
            statistics.retries = counters.retries
            statistics.spansRejected = counters.rejected
            statistics.spansInFallback = counters.writtenToFallback
            statistics.spansDropped = counters.dropped
            statistics.spansFailed = counters.failed
            statistics.spansQueued = counters.queued
        }
        return statistics
    }

    /// Takes one event. Spans whose scopes are complete are queued for export.
    public func receive(_ event: Event) {
        receive(SourcedEvent(event))
    }

    /// Takes one event with its line number (for diagnostics).
    public func receive(_ event: SourcedEvent) {
        receive(event, from: nil)
    }

    /// Takes one event; `source` (when given) names its input in pairing diagnostics.
    private func receive(_ event: SourcedEvent, from source: String?) {
        guard processor != nil else {
            intake.withLock { $0.eventsReceived += 1 }
            return
        }
        let (items, diagnostics) = intake.withLock { intake in
            if let source, intake.assembler.source != source { intake.assembler.source = source }
            intake.eventsReceived += 1
            intake.sampling?.note(event.event)
            var items: [AssembledItem] = []
            intake.assembler.receive(event, into: &items)
            intake.admit(&items)
            return (items, takeDiagnostics(&intake))
        }
        log(diagnostics)
        enqueue(items)
    }

    /// Takes spans that are already made (for example by ``OfflineConversion``, which judges a
    /// whole file at once, or by an instrumentation layer) and queues them for export. They are
    /// not sampled here: ``OfflineConversion`` samples whole traces before.
    public func receive(spans: some Collection<OTLP.Span>) {
        guard let processor, !spans.isEmpty else { return }
        intake.withLock { $0.spansProduced += spans.count }
        processor.enqueue(spans)
    }

    /// Takes one ATOF JSON line. Returns `false` (and counts and logs it with its line number)
    /// when the line is not a valid event; blank lines are ignored. A UTF-8 byte order mark is
    /// skipped at the start of the first line (line 1, or the first call when no line is given).
    @discardableResult
    public func receive(jsonLine: some Collection<UInt8>, line: Int? = nil, source: String = "<input>") -> Bool {
        let first = awaitingFirstJSONLine.load(ordering: .relaxed) && awaitingFirstJSONLine.exchange(false, ordering: .relaxed)
        let (event, diagnostics) =
            (line.map { $0 == 1 } ?? first) && ByteOrderMark.isPrefix(of: jsonLine)
            ? EventReader.decode(line: jsonLine.dropFirst(3), number: line, source: source)
            : EventReader.decode(line: jsonLine, number: line, source: source)
        let isBad = diagnostics.contains { $0.severity == .error }
        if !diagnostics.isEmpty {
            let toLog = intake.withLock { intake in
                if isBad { intake.badLines += 1 }
                return Self.admit(diagnostics, to: &intake)
            }
            log(toLog)
        }
        if let event { receive(SourcedEvent(event, line: line), from: source) }
        return !isBad
    }

    /// Takes one ATOF JSON line given as text.
    @discardableResult
    public func receive(jsonLine: String, line: Int? = nil) -> Bool {
        receive(jsonLine: Array(jsonLine.utf8), line: line)
    }

    /// Exports everything queued and syncs the fallback file; open scopes stay open. Returns the
    /// counts afterwards (``Statistics/spansQueued`` is non-zero when `timeout` passed first).
    @discardableResult
    public func forceFlush(timeout: Duration = .seconds(30)) -> Statistics {
        processor?.forceFlush(timeout: timeout)
        return statistics
    }

    /// Exports scopes that never ended (as unended spans) and held ends (as unmatched), drains
    /// the queue, syncs the fallback file and stops the export thread. The network part is
    /// bounded by `timeout` (default ``Configuration/shutdownTimeout``, 30 s); what is still
    /// queued then is written to the fallback file (see ``BatchSpanProcessor/shutdown(timeout:)``).
    /// Safe to call twice (the final counts are logged by the first call). Returns the final counts.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Statistics {
        if processor != nil {
            let (items, diagnostics) = intake.withLock { intake in
                var items = intake.assembler.finish()
                intake.admit(&items)
                return (items, takeDiagnostics(&intake))
            }
            log(diagnostics)
            enqueue(items)
            processor?.shutdown(timeout: timeout ?? configuration.shutdownTimeout)
        }
        let final = statistics
        // Logged once: the instrumentation and a BridgeService may both shut the same bridge down.
        if finishedLogged.exchange(true, ordering: .relaxed) {
            logger.debug("atof-bridge already shut down: \(final)")
        } else {
            logger.info("atof-bridge finished: \(final)")
        }
        return final
    }

    /// Stops making callers wait for room in the queue (the `block` policy): spans that do not
    /// fit go to the fallback file. The command line calls this on the first SIGINT/SIGTERM.
    package func stopWaiting() {
        processor?.stopWaiting()
    }

    /// Gives up the network at once: the request in progress is cancelled and everything queued
    /// goes to the fallback file. The command line calls this on a second signal.
    package func abandonNetwork() {
        processor?.abandonNetwork()
    }

    // MARK: - Internals

    /// Hands paired scopes to the processor, which maps them on its worker threads: the
    /// producer's call stays short.
    private func enqueue(_ items: [AssembledItem]) {
        guard let processor, !items.isEmpty else { return }
        processor.enqueue(assembled: items)
    }

    private func takeDiagnostics(_ intake: inout Intake) -> [Diagnostic] {
        guard !intake.assembler.report.diagnostics.isEmpty else { return [] }
        return Self.admit(intake.assembler.takeDiagnostics(), to: &intake)
    }

    /// The diagnostics still within the logging bound; the rest are only counted.
    private static func admit(_ diagnostics: [Diagnostic], to intake: inout Intake) -> [Diagnostic] {
        let room = max(0, maximumLoggedDiagnostics - intake.diagnosticsLogged)
        intake.diagnosticsLogged += diagnostics.count
        return Array(diagnostics.prefix(room))
    }

    private func log(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error: logger.error("\(diagnostic.description)")
            default: logger.warning("\(diagnostic.description)")
            }
        }
    }

    private static var processName: String {
        guard let path = CommandLine.arguments.first, let name = path.split(separator: "/").last else { return "" }
        return String(name)
    }
}
