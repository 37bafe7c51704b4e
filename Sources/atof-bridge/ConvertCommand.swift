import ATOF
import ATOFBridge
import ArgumentParser
import Logging

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an ATOF (or foreign agent event) JSON-lines file into OTLP spans, or into ATOF 0.2 lines.",
        discussion: """
            otlp-json writes OTLP/JSON lines: one ExportTraceServiceRequest per line, the format the \
            OpenTelemetry Collector's otlpjsonfile receiver reads. otlp-proto writes one binary \
            ExportTraceServiceRequest holding every span: a body you can POST to /v1/traces. \
            atof writes the input as ATOF 0.2 lines: foreign agent events (enact, agent-sdk, Open \
            Responses, agtrace; --from) translated, ATOF lines as they are, so you can keep a \
            standard file.
            Exit status: 0 when every line was used, 1 when some lines were bad (the good ones are \
            still converted) or the output could not be written (a full disk: an otlp-json file \
            keeps its whole lines, an otlp-proto file is left empty).
            Sampling (--sampler, OTEL_TRACES_SAMPLER) applies as for export: the file is judged \
            as a whole, so each trace is kept or left out whole; the summary counts the spans \
            sampled out.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case otlpJSON = "otlp-json"
        case otlpProto = "otlp-proto"
        case atof
    }

    @Argument(help: "The ATOF JSON-lines file, or - for standard input.")
    var input: String

    @Option(name: .customLong("to"), help: "Output format: otlp-json, otlp-proto or atof.")
    var format: Format

    @Option(name: .shortAndLong, help: "Where to write (default: standard output).")
    var output: String = "-"

    @Option(help: "Spans per OTLP/JSON line.")
    var batchSize: Int = 512

    @OptionGroup var mapping: MappingFlags

    @OptionGroup var reading: InputFlags

    @OptionGroup var samplingFlags: SamplingFlags

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        StderrLogHandler.bootstrap(level: .warning)
        var warnings: [String] = []
        _ = MappingOptions.fromEnvironment(mapping.environment, warnings: &warnings)
        let sampling = samplingFlags.applied(to: .fromEnvironment(mapping.environment, warnings: &warnings))
        for warning in warnings { printError("atof-bridge: warning: \(warning)") }
        let summary: ConversionSummary
        switch format {
        case .otlpJSON:
            var conversion = try runConversion(input: input, mapping: mapping, reading: reading)
            conversion.sample(sampling)
            let template = mapping.batch(spans: [])
            let writer = try openOutput()
            // Batches are mapped and encoded on every core, a few at a time, and written in order:
            // only the batches in flight are in memory.
            let encoder = OTLPJSONEncoder()
            let resource = template.resource
            let scope = template.scope
            do {
                try conversion.forEachSpanBatch(
                    size: batchSize,
                    transform: { spans in
                        // Agent spans run to about 2 KB of OTLP/JSON each: reserve once instead of
                        // growing a megabyte buffer by doubling.
                        var line: [UInt8] = []
                        line.reserveCapacity(4096 + spans.count * 2560)
                        encoder.encode(OTLP.SpanBatch(resource: resource, scope: scope, spans: spans), appendingTo: &line)
                        return line
                    }
                ) { line in
                    try writer.writeLine(line)
                }
                try writer.flush()
            } catch let error as InputError {
                // The writer cut the file back to its last whole line.
                printError("atof-bridge: error: \(error.description); \(writer.destination) holds only the lines written before")
                throw ExitCode(1)
            }
            summary = ConversionSummary(conversion, sampling: sampling)
        case .otlpProto:
            // One request holds every span. The span entries are encoded batch by batch on every
            // core and appended to a temporary file (so that memory does not grow with the
            // output); the request's head, which needs their total length, is written before them.
            var conversion = try runConversion(input: input, mapping: mapping, reading: reading)
            conversion.sample(sampling)
            let template = mapping.batch(spans: [])
            let writer = try openOutput()
            let encoder = ProtobufEncoder()
            do {
                let spanEntries = try SpoolFile(holding: "a temporary file for the request's spans", for: writer.destination)
                try conversion.forEachSpanBatch(size: 1024, transform: { encoder.encodeSpanEntries($0) }) { entries in
                    try spanEntries.append(entries)
                }
                try writer.writeRaw(
                    encoder.requestHead(
                        resource: template.resource, scope: template.scope, spanEntriesByteCount: Int(spanEntries.size)))
                try spanEntries.forEachChunk { try writer.writeRaw($0) }
                try writer.flush()
            } catch let error as InputError {
                // Part of one request is of no use to anyone: leave nothing rather than a body
                // that might still parse.
                var outcome = "\(writer.destination) was left empty"
                do throws(InputError) { try writer.discardWritten() } catch let cut { outcome = cut.description }
                printError("atof-bridge: error: \(error.description); \(outcome)")
                throw ExitCode(1)
            }
            summary = ConversionSummary(conversion, sampling: sampling)
        case .atof:
            try writeTranslation()
            return
        }
        printSummary(summary, verbose: false)
        if summary.unreadableSpanCount > 0 {
            printError(
                "atof-bridge: error: \(summary.unreadableSpanCount) spans are missing from the output: lines of \(input) changed "
                    + "while it was converted; convert it again once nothing writes to it")
            throw ExitCode(1)
        }
        if summary.badLineCount > 0 { throw ExitCode(1) }
    }

    /// `--to atof`: the input translated into ATOF 0.2 lines, written as they are.
    private func writeTranslation() throws {
        let options = reading.options(mapping.environment)
        let translation = try CommandFailure.reportingInput { try ATOFTranslation(path: input, input: options) }
        let writer = try openOutput()
        do {
            try translation.forEachChunk { try writer.writeRaw($0) }
            try writer.flush()
        } catch let error as InputError {
            printError("atof-bridge: error: \(error.description); \(writer.destination) holds only the lines written before")
            throw ExitCode(1)
        }
        let errors = translation.diagnostics.filter { $0.severity == .error }
        for diagnostic in errors { printError(diagnostic.description) }
        printError(
            "atof-bridge: \(translation.lineCount) ATOF lines (\(translation.formatCounts.summary)), \(errors.count) bad lines, "
                + "\(translation.diagnostics.count - errors.count) warnings")
        if !errors.isEmpty { throw ExitCode(1) }
    }

    /// Opens the output (a symbolic link, another user's file or a directory is refused) and
    /// logs what opening found, such as a mode tightened to 0600.
    private func openOutput() throws -> JSONLWriter {
        let writer: JSONLWriter
        do {
            writer = try JSONLWriter(path: output)
        } catch {
            printError("atof-bridge: error: \(error.description)")
            throw ExitCode(1)
        }
        let logger = Logger(label: "atof-bridge.convert")
        for warning in writer.warnings { logger.warning("\(warning)") }
        return writer
    }
}
