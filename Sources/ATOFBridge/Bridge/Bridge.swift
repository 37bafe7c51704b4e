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
    /// The reading of JSON lines that are not ATOF: SSE framing and the foreign translators.
    /// Taken before ``intake`` when both are held.
    private let reading: Mutex<ForeignReading>
    /// SSE framing was found off (the first non-blank line is no `data:` line): JSON lines go
    /// straight to the decoder.
    private let framingOff = Atomic<Bool>(false)
    /// A line of a foreign format was read: ATOF lines are then reported to the router (lock-in).
    private let foreignSeen = Atomic<Bool>(false)
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
    public convenience init(
        configuration: Configuration,
        exporter: (any SpanExporter)?,
        fallbackFile: JSONLinesExporter? = nil,
        logger: Logger = Logger(label: "atof-bridge")
    ) {
        self.init(
            configuration: configuration, exporter: exporter, fallbackFile: fallbackFile, logger: logger,
            adapterTypes: ForeignFormat.adapterTypes)
    }

    /// A bridge whose foreign lines are read by `adapterTypes` (tests inject their own).
    init(
        configuration: Configuration,
        exporter: (any SpanExporter)?,
        fallbackFile: JSONLinesExporter?,
        logger: Logger,
        adapterTypes: [any ForeignEventAdapter.Type]
    ) {
        self.configuration = configuration
        self.logger = logger
        for warning in configuration.warnings { logger.warning("\(warning)") }
        mapper = SpanMapper(options: configuration.mapping)
        var limits = configuration.assemblyLimits
        limits.maximumMarksPerScope = configuration.mapping.maximumEventsPerSpan  // hold what the mapper keeps, count the rest
        let sampling = configuration.sampling.keepsEverything ? nil : LiveTraceSampling(configuration: configuration.sampling)
        intake = Mutex(Intake(assembler: LiveSpanAssembler(limits: limits), sampling: sampling))
        reading = Mutex(
            ForeignReading(
                router: ForeignTranslation(
                    source: "<input>", format: configuration.input.format, options: AdapterOptions(model: configuration.input.model),
                    adapterTypes: adapterTypes, liveHold: limits.unmatchedEndGrace)))
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

    /// Takes one JSON line: an ATOF event, or (with ``Configuration/input`` `auto`, the default) a
    /// line of a foreign agent event format, detected per line (adapters.md §1.2) and translated.
    /// Returns `false` (and counts and logs it with its line number) when the line is not a valid
    /// event of any format; blank lines are ignored. A UTF-8 byte order mark is skipped at the
    /// start of the first line (line 1, or the first call when no line is given). When the first
    /// non-blank line starts with `data:`, the lines are read as server-sent events (the `data:`
    /// payloads; `data: [DONE]` ends the stream).
    @discardableResult
    public func receive(jsonLine: some Collection<UInt8>, line: Int? = nil, source: String = "<input>") -> Bool {
        let first = awaitingFirstJSONLine.load(ordering: .relaxed) && awaitingFirstJSONLine.exchange(false, ordering: .relaxed)
        let skipsMark = (line.map { $0 == 1 } ?? first) && ByteOrderMark.isPrefix(of: jsonLine)
        guard configuration.input.format == .atof || framingOff.load(ordering: .relaxed) else {
            // SSE framing is undecided (or on): the line is framed first.
            let bytes = Array(skipsMark ? jsonLine.dropFirst(3) : jsonLine[...])
            return bytes.withUnsafeBufferPointer { receiveFramed($0, line: line, source: source) }
        }
        return skipsMark
            ? receiveLine(jsonLine.dropFirst(3), line: line, source: source) : receiveLine(jsonLine, line: line, source: source)
    }

    /// Takes one JSON line of `format` (no detection): it is translated into ATOF events and paired.
    /// Returns `false` (and counts and logs it) when it is not JSON or not of that format.
    @discardableResult
    public func receive(jsonLine: some Collection<UInt8>, format: ForeignFormat, line: Int? = nil, source: String = "<input>") -> Bool {
        let value: JSONValue
        do {
            value = try JSONParser.parse(jsonLine)
        } catch {
            return reject([Diagnostic(severity: .error, source: source, line: line, message: "\(error); line skipped")])
        }
        return translate(value, line: line, source: source, as: format)
    }

    /// A line after SSE framing (see ``receive(jsonLine:line:source:)``).
    private func receiveFramed(_ bytes: UnsafeBufferPointer<UInt8>, line: Int?, source: String) -> Bool {
        // Where the payload starts in `bytes`, or nil when the line carries none.
        let payloadStart = reading.withLock { reading -> Int? in
            let framed = reading.framing.frame(bytes)
            if reading.framing.isDecided, !reading.framing.isOn { framingOff.store(true, ordering: .relaxed) }
            switch framed {
            case .payload(let payload): return bytes.count - payload.count
            case .skip: return nil
            case .done:
                finishTranslation(&reading)
                return nil
            }
        }
        guard let payloadStart else { return true }
        return receiveLine(UnsafeBufferPointer(rebasing: bytes[payloadStart...]), line: line, source: source)
    }

    /// One JSON line: decoded straight from its bytes when it is ATOF; otherwise parsed, detected
    /// and translated (or reported with what was looked for).
    private func receiveLine(_ jsonLine: some Collection<UInt8>, line: Int?, source: String) -> Bool {
        let format = configuration.input.format
        if format.foreignFormat != nil {
            guard let value = try? JSONParser.parse(jsonLine) else { return receiveATOF(jsonLine, line: line, source: source) }
            return translate(value, line: line, source: source, as: nil)
        }
        let (event, diagnostics) = EventReader.decode(line: jsonLine, number: line, source: source)
        if event == nil, format == .auto, diagnostics.contains(where: { $0.severity == .error }),
            case .object(let object)? = try? JSONParser.parse(jsonLine), !FormatDetector.isATOF(object)
        {
            return translate(.object(object), line: line, source: source, as: nil)
        }
        return receive(decoded: event, diagnostics, line: line, source: source)
    }

    /// An ATOF line, decoded.
    private func receiveATOF(_ jsonLine: some Collection<UInt8>, line: Int?, source: String) -> Bool {
        let (event, diagnostics) = EventReader.decode(line: jsonLine, number: line, source: source)
        return receive(decoded: event, diagnostics, line: line, source: source)
    }

    /// What decoding an ATOF line gave: the event is paired, the diagnostics counted and logged.
    private func receive(decoded event: Event?, _ diagnostics: [Diagnostic], line: Int?, source: String) -> Bool {
        let isBad = diagnostics.contains { $0.severity == .error }
        if !diagnostics.isEmpty {
            let toLog = intake.withLock { intake in
                if isBad { intake.badLines += 1 }
                return Self.admit(diagnostics, to: &intake)
            }
            log(toLog)
        }
        if let event {
            if foreignSeen.load(ordering: .relaxed) {
                let warnings = reading.withLock { reading in
                    reading.router.noteATOF(line: line ?? reading.nextLine())
                    return reading.router.takeDiagnostics()
                }
                if !warnings.isEmpty { log(intake.withLock { Self.admit(warnings, to: &$0) }) }
            }
            receive(SourcedEvent(event, line: line), from: source)
        }
        return !isBad
    }

    /// A parsed line routed to the foreign translators (`format`: forced by the caller); the
    /// events they settle are paired at once, in order.
    private func translate(_ value: JSONValue, line: Int?, source: String, as format: ForeignFormat?) -> Bool {
        let outcome = reading.withLock { reading in
            let number = line ?? reading.nextLine()
            reading.router.source = source
            var items: [AdapterOutput.Item] = []
            let outcome =
                format.map { reading.router.route(value, line: number, as: $0, into: &items) }
                ?? reading.router.route(value, line: number, into: &items)
            if outcome == .translated { foreignSeen.store(true, ordering: .relaxed) }
            deliver(items, source: source)
            let diagnostics = reading.router.takeDiagnostics()
            if outcome == .skipped || !diagnostics.isEmpty {
                log(
                    intake.withLock { intake in
                        if outcome == .skipped { intake.badLines += 1 }
                        return Self.admit(diagnostics, to: &intake)
                    })
            }
            return outcome
        }
        return outcome != .skipped
    }

    /// Counts and logs a line skipped before it could be routed.
    private func reject(_ diagnostics: [Diagnostic]) -> Bool {
        log(
            intake.withLock { intake in
                intake.badLines += 1
                return Self.admit(diagnostics, to: &intake)
            })
        return false
    }

    /// Every translator finishes (end of an SSE stream, shutdown): what it held is paired.
    private func finishTranslation(_ reading: inout ForeignReading) {
        var items: [AdapterOutput.Item] = []
        reading.router.finish(into: &items)
        deliver(items, source: reading.router.source)
        let diagnostics = reading.router.takeDiagnostics()
        if !diagnostics.isEmpty { log(intake.withLock { Self.admit(diagnostics, to: &$0) }) }
    }

    private func deliver(_ items: [AdapterOutput.Item], source: String) {
        for item in items { receive(SourcedEvent(item.event, line: item.line), from: source) }
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
        reading.withLock { finishTranslation(&$0) }
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

    /// The state of reading lines that are not ATOF.
    private struct ForeignReading: Sendable {
        var framing = SSEFraming()
        var router: ForeignTranslation
        /// Lines taken without a line number, for diagnostics.
        var unnumbered = 0

        mutating func nextLine() -> Int {
            unnumbered += 1
            return unnumbered
        }
    }

    private static var processName: String {
        guard let path = CommandLine.arguments.first, let name = path.split(separator: "/").last else { return "" }
        return String(name)
    }
}
