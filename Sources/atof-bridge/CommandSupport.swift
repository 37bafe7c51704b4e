import ATOF
import ATOFBridge
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options shared by the commands that map events to spans.
struct MappingFlags: ParsableArguments {
    @Option(help: "service.name of the resource (default: OTEL_SERVICE_NAME, else unknown_service:atof-bridge).")
    var serviceName: String?

    @Flag(help: "Leave payloads, messages and tool arguments out of the spans.")
    var noContent = false

    @Option(help: "Cut attribute values longer than this many characters (default: no limit).")
    var maxAttributeLength: Int?

    var environment: [String: String] { ProcessEnvironment.current }

    /// The mapping options: the environment's, then these flags.
    var options: MappingOptions {
        var options = MappingOptions.fromEnvironment(environment)
        if noContent { options.captureContent = false }
        if let maxAttributeLength { options.maximumAttributeValueLength = maxAttributeLength }
        return options
    }

    var mapper: SpanMapper { SpanMapper(options: options) }

    func batch(spans: [OTLP.Span]) -> OTLP.SpanBatch {
        let detected = OTLP.Resource.make(serviceName: serviceName, environment: environment, processName: "atof-bridge")
        for warning in detected.warnings { printError("atof-bridge: warning: \(warning)") }
        return OTLP.SpanBatch(resource: detected.resource, spans: spans)
    }
}

func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Opens a JSON-lines input (`-` = standard input); a missing, unreadable or directory input is
/// a ``CommandFailure`` (exit status 1).
func openLines(_ path: String) throws -> JSONLReader {
    do {
        return try JSONLReader(path: path)
    } catch {
        throw CommandFailure(error)
    }
}

/// Reads and converts (until `stop` says so); a missing, unreadable or directory input is a
/// ``CommandFailure`` (exit status 1).
func runConversion(input: String, mapping: MappingFlags, reading: InputFlags, stop: (() -> Bool)? = nil) throws -> OfflineConversion {
    let options = reading.options(mapping.environment)
    return try CommandFailure.reportingInput { try OfflineConversion(path: input, mapper: mapping.mapper, input: options, stop: stop) }
}

/// What the end-of-run summary reports about a conversion (kept once the conversion is let go).
struct ConversionSummary {
    var errors: [Diagnostic]
    var eventCount: Int
    var spanCount: Int
    var badLineCount: Int
    var warningCount: Int
    /// Spans left out because their trace was sampled out; `nil` when no sampler was in force.
    var sampledOutCount: Int?
    /// Spans the second pass could not make (their lines changed under it).
    var unreadableSpanCount: Int

    init(_ conversion: OfflineConversion, sampling: SamplingConfiguration? = nil) {
        errors = conversion.diagnostics.filter { $0.severity == .error }
        eventCount = conversion.eventCount
        spanCount = conversion.spanCount
        badLineCount = conversion.badLineCount
        warningCount = conversion.warningCount
        unreadableSpanCount = conversion.unreadableSpanCount
        if let sampling, !sampling.keepsEverything { sampledOutCount = conversion.sampledOutCount }
    }
}

/// The short summary on stderr; bad lines are listed unless `verbose` already printed them.
func printSummary(_ conversion: OfflineConversion, verbose: Bool) {
    printSummary(ConversionSummary(conversion), verbose: verbose)
}

/// The short summary on stderr; bad lines are listed unless `verbose` already printed them.
func printSummary(_ summary: ConversionSummary, verbose: Bool) {
    if !verbose {
        for diagnostic in summary.errors {
            printError(diagnostic.description)
        }
    }
    let sampled = summary.sampledOutCount.map { " (\($0) more sampled out)" } ?? ""
    printError(
        "atof-bridge: \(summary.eventCount) events, \(summary.spanCount) spans\(sampled), "
            + "\(summary.badLineCount) bad lines, \(summary.warningCount) warnings")
}
