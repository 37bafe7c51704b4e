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
            overridden by the options. When the queue is full, reading waits. \
            Sampling (--sampler, OTEL_TRACES_SAMPLER) keeps or drops each trace whole by its id; \
            spans sampled out are counted in the summary and do not change the exit status.
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

    @Flag(
        help: "Pair events as they are read, in bounded memory, instead of judging the whole file at once (for inputs too large to hold).")
    var live = false

    @Flag(name: .shortAndLong, help: "Also log informational messages.")
    var verbose = false

    @OptionGroup var mapping: MappingFlags

    @OptionGroup var reading: InputFlags

    @OptionGroup var samplingFlags: SamplingFlags

    func run() throws {
        StderrLogHandler.bootstrap(level: verbose ? .info : .warning)
        var configuration = Bridge.Configuration.fromEnvironment(serviceName: mapping.serviceName, mapping.environment)
        try delivery.apply(to: &configuration)
        if let fallback { configuration.fallbackPath = fallback }
        configuration.overflowPolicy = .block
        configuration.mapping = mapping.options
        configuration.input = reading.options(mapping.environment)
        configuration.sampling = samplingFlags.applied(to: configuration.sampling)
        let bridge: Bridge
        do {
            bridge = try Bridge(configuration: configuration)
        } catch {
            throw CommandFailure(configuration.exporter.redactor.redact("\(error)"))
        }
        // First signal: stop reading; what was read is delivered or written to the fallback
        // file within the shutdown bound (the queue stops making us wait). Second: at once.
        StopSignal.install { count in
            if count == 1 { bridge.stopWaiting() } else { bridge.abandonNetwork() }
        }
        var progress = Progress()
        var input = InputAccount(source: self.input == "-" ? "<stdin>" : self.input)
        input.isSampling = !configuration.sampling.keepsEverything
        if follow || live {
            // Live input: judged by what has arrived (span-mapping.md §2).
            let reader = try openLines(self.input)
            var stopped = false
            let stop = {
                stopped = StopSignal.isSet
                return stopped
            }
            do {
                try reader.forEachLine(follow: follow ? { !StopSignal.isSet } : nil, stop: stop) { line in
                    guard !stop() else { throw Interrupted() }
                    bridge.receive(jsonLine: line.bytes, line: line.number, source: reader.source)
                    input.lastLine = line.number
                    progress.update(bridge.statistics)
                }
            } catch is Interrupted {}
            // --follow ends with a signal: that is its normal end, the input is what arrived.
            input.readToEnd = follow || !stopped
        } else {
            // A file or stdin read to its end is judged as a whole, exactly as `convert` does.
            var conversion = try runConversion(input: self.input, mapping: mapping, reading: reading, stop: { StopSignal.isSet })
            conversion.sample(configuration.sampling)
            for diagnostic in conversion.diagnostics where diagnostic.severity == .error {
                printError(diagnostic.description)
            }
            input.record(conversion)
            // Spans are mapped batch by batch (on every core) as the bridge takes them. After a
            // first signal they keep going (to the fallback file once the queue is full); a
            // second signal leaves the rest unsent, counted.
            var handed = 0
            do {
                try conversion.forEachSpanBatch(size: 1024) { spans in
                    guard StopSignal.count < 2 else { throw Interrupted() }
                    bridge.receive(spans: spans)
                    handed += spans.count
                    progress.update(bridge.statistics)
                }
            } catch is Interrupted {
                input.spansNotHanded = conversion.spanCount - handed - conversion.unreadableSpanCount
            }
            input.spansUnreadable = conversion.unreadableSpanCount
        }
        let statistics = bridge.shutdown()
        Progress.clearLine()
        let outcome = ExportOutcome(
            input: input, statistics: statistics, fallbackPath: bridge.fallbackPath, interruption: StopSignal.isSet ? StopSignal.name : nil)
        for line in outcome.summaryLines { printError("atof-bridge: \(line)") }
        if let status = outcome.exitStatus(interruptedStatus: StopSignal.exitStatus) { throw ExitCode(status) }
    }
}

/// Thrown to stop reading or handing spans to the bridge when a signal asks to stop.
private struct Interrupted: Error {}
