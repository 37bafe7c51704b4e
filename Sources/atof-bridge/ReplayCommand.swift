import ATOF
import ATOFBridge
import ATOFThreads
import ArgumentParser
import Logging

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send a fallback file (OTLP/JSON lines) to an OTLP/HTTP collector.",
        discussion: """
            Each line is one ExportTraceServiceRequest, as written by `export` and by apps when the \
            collector was away (or by the OpenTelemetry Collector's file exporter). Spans that \
            still cannot be delivered are appended to a new fallback file; the input file is \
            never changed or deleted. Replaying twice is harmless: span ids are deterministic, \
            so receivers see the same spans again, not new ones.
            Exit status: 0 when every span was delivered, 2 when some are only in the new \
            fallback file, 1 on errors (unreadable input, lines that are not OTLP/JSON, spans \
            rejected or lost).
            """
    )

    @Argument(help: "The fallback file (OTLP/JSON lines).")
    var input: String

    @OptionGroup var delivery: ExportFlags

    @Option(help: "Where spans that still fail go (default: the input's name with .undelivered.jsonl).")
    var fallback: String?

    @Flag(name: .shortAndLong, help: "Also log informational messages.")
    var verbose = false

    func run() throws {
        StderrLogHandler.bootstrap(level: verbose ? .info : .warning)
        var configuration = Bridge.Configuration.fromEnvironment(ProcessEnvironment.current)
        try delivery.apply(to: &configuration)
        let retryPath = fallback ?? Self.undeliveredPath(for: input)
        // The summary below says where undelivered spans went and how to send them: the
        // fallback exporter's one-time warning would say it again.
        var fallbackLogger = Logger(label: "atof-bridge.fallback")
        fallbackLogger.logLevel = .error
        let exporter: FallbackExporter
        do {
            exporter = FallbackExporter(
                primary: try configuration.exporter.makeExporter(),
                fallback: JSONLinesExporter(path: retryPath), logger: fallbackLogger)
        } catch {
            throw CommandFailure(configuration.exporter.redactor.redact("\(error)"))
        }
        // First signal: nothing more is sent (the rest goes to the new file) and the request in
        // progress gets the shutdown bound; a second signal cancels it at once.
        let bound = configuration.shutdownTimeout
        StopSignal.install { count in
            guard count == 1 else { return exporter.cancel() }
            WorkerThread.start {
                ConditionLock(false).withLock(when: { $0 }, before: .after(bound)) { _, _ in }
                exporter.cancel()
            }
        }
        let reader = try openLines(input)
        let source = reader.source
        var tally = Tally()
        let decoder = OTLPJSONDecoder()
        try reader.forEachLine { line in
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            let decoded: OTLPJSONDecodedLine
            do {
                decoded = try decoder.decode(line.bytes)
            } catch {
                tally.badLines += 1
                printError("\(source):\(line.number): error: \(error); the line stays in \(source)")
                return
            }
            for warning in decoded.warnings {
                printError("\(source):\(line.number): warning: \(warning)")
            }
            for batch in decoded.batches {
                tally.spans += batch.spans.count
                // After an interrupt nothing more is sent: the rest goes to the new file.
                tally.add(StopSignal.isSet ? Self.keep(batch, in: exporter.fallback) : exporter.export(batch))
            }
        }
        exporter.shutdown()
        printError(
            "atof-bridge: \(tally.spans) spans read: \(tally.delivered) delivered, \(tally.kept) written to \(retryPath), "
                + "\(tally.rejected) rejected, \(tally.lost) lost; \(tally.badLines) bad lines, \(tally.retries) retries")
        if tally.badLines > 0 || tally.rejected > 0 || tally.lost > 0 { throw ExitCode(1) }
        if tally.kept > 0 {
            printError("atof-bridge: replay \(retryPath) later to send the rest")
            throw ExitCode(2)
        }
    }

    /// `spans.otlp.jsonl` → `spans.otlp.undelivered.jsonl`.
    static func undeliveredPath(for input: String) -> String {
        let base = input.hasSuffix(".jsonl") ? String(input.dropLast(".jsonl".count)) : input
        return base + ".undelivered.jsonl"
    }

    /// Writes `batch` to the new fallback file without sending it.
    private static func keep(_ batch: OTLP.SpanBatch, in file: JSONLinesExporter) -> ExportResult {
        let written = file.export(batch)
        return ExportResult(writtenToFallback: written.delivered, undelivered: written.undelivered, failure: written.failure)
    }

    private struct Tally {
        var spans = 0
        var delivered = 0
        var kept = 0
        var rejected = 0
        var lost = 0
        var retries = 0
        var badLines = 0

        mutating func add(_ result: ExportResult) {
            delivered += result.delivered
            rejected += result.rejected
            retries += result.retries
            kept += result.writtenToFallback
            lost += result.undeliveredCount
        }
    }
}
