import ATOF
import ATOFBridge
import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Send an ATOF JSON-lines file to an OTLP/HTTP collector.",
        discussion: """
            A file (or standard input) is read to its end and judged as a whole, exactly as \
            `convert` does; with --follow or --live, events are paired as they arrive (bounded \
            memory; a mark is then judged when it arrives). \
            Spans are sent in batches. \
            What cannot be delivered (collector down, retries used up, rejected requests) is \
            written to the fallback file as OTLP/JSON lines; send it later with \
            `atof-bridge replay`. The configuration comes from the OTEL_* environment variables, \
            overridden by the options. When the queue is full, reading waits.
            Exit status: 0 when every span was delivered, 2 when some are only in the fallback \
            file, 1 on errors (unreadable input, bad lines, spans rejected or lost).
            """
    )

    @Argument(help: "The ATOF JSON-lines file, or - for standard input.")
    var input: String

    @OptionGroup var delivery: ExportFlags

    @Option(help: "Where undelivered spans go (default: ATOF_BRIDGE_FALLBACK_PATH, else atof-bridge-fallback.otlp.jsonl).")
    var fallback: String?

    @Flag(help: "Keep reading as the file grows (like tail -f) until interrupted (Ctrl-C), exporting live.")
    var follow = false

    @Flag(help: "Pair events as they are read, in bounded memory, instead of judging the whole file at once (for inputs too large to hold).")
    var live = false

    @Flag(name: .shortAndLong, help: "Also log informational messages.")
    var verbose = false

    @OptionGroup var mapping: MappingFlags

    func run() throws {
        StderrLogHandler.bootstrap(level: verbose ? .info : .warning)
        StopSignal.install()
        var configuration = Configuration.fromEnvironment(serviceName: mapping.serviceName, mapping.environment)
        try delivery.apply(to: &configuration)
        if let fallback { configuration.fallbackPath = fallback }
        configuration.overflowPolicy = .block
        configuration.mapping = mapping.options
        let bridge: Bridge
        do {
            bridge = try Bridge(configuration: configuration)
        } catch {
            throw CommandFailure(SecretRedactor(configuration: configuration).redact("\(error)"))
        }
        var progress = Progress()
        var badLines = 0
        if follow || live {
            // Live input: judged by what has arrived (span-mapping.md §2).
            let reader = try openLines(input)
            let source = reader.source
            try reader.forEachLine(follow: follow ? { !StopSignal.isSet } : nil) { line in
                guard !StopSignal.isSet else { return }
                bridge.receive(jsonLine: line.bytes, line: line.number, source: source)
                progress.update(bridge.statistics)
            }
        } else {
            // A file or stdin read to its end is judged as a whole, exactly as `convert` does.
            let conversion = try runConversion(input: input, mapping: mapping)
            for diagnostic in conversion.diagnostics where diagnostic.severity == .error {
                printError(diagnostic.description)
            }
            badLines = conversion.badLineCount
            // Spans are mapped batch by batch (on every core) as the bridge takes them.
            do {
                try conversion.forEachSpanBatch(size: 1024) { spans in
                    guard !StopSignal.isSet else { throw Interrupted() }
                    bridge.receive(spans: spans)
                    progress.update(bridge.statistics)
                }
            } catch is Interrupted {
                // Stopped by a signal: what was handed over is still delivered below.
            }
            printError("atof-bridge: read \(conversion.eventCount) events, \(badLines) bad lines, \(conversion.warningCount) warnings")
        }
        let statistics = bridge.shutdown()
        Progress.clearLine()
        printError("atof-bridge: \(statistics)")
        if statistics.spansInFallback > 0, let path = bridge.fallbackPath {
            printError("atof-bridge: \(statistics.spansInFallback) spans are in \(path); send them later with: atof-bridge replay \(path)")
        }
        let lost = statistics.spansRejected + statistics.spansDropped + statistics.spansFailed + statistics.spansQueued
        if statistics.badLines + badLines > 0 || lost > 0 { throw ExitCode(1) }
        if statistics.spansInFallback > 0 { throw ExitCode(2) }
    }
}

/// Thrown to stop handing spans to the bridge when a signal asks to stop.
private struct Interrupted: Error {}
