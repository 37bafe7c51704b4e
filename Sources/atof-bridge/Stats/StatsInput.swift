import ATOF
import ATOFBridge

/// The spans `stats` summarizes, read from ATOF JSON lines or OTLP/JSON lines, and an account of
/// the lines that could not be used.
///
/// The format is decided by the first non-blank line: a JSON object with `resourceSpans` (or
/// `resource_spans`) makes the whole input OTLP/JSON; anything else is read as ATOF. ATOF input is
/// paired and mapped exactly as `convert` does (``OfflineConversion``), so the figures match the
/// spans `convert` writes.
struct StatsInput {
    /// What the input held.
    enum Format: String {
        case atof = "atof"
        case otlpJSON = "otlp-json"
    }

    /// The input's name in messages: the path, or `<stdin>`.
    var source: String
    /// How the input was read.
    var format: Format
    /// Every span, in input order (ATOF: start-time order).
    var spans: [OTLP.Span]
    /// Lines that held something (events for ATOF, requests for OTLP/JSON).
    var recordCount: Int
    /// Lines skipped as errors.
    var badLineCount: Int
    /// One `file:line: error: ...` message per skipped line, in line order.
    var badLineMessages: [String]
    /// The lines of each format, when some were not ATOF (read through the translators).
    var formatCounts: InputFormatCounts?

    /// Reads the whole input (`-` = standard input). Lines of a foreign agent event format (or
    /// a forced one) make the whole input read as `convert` reads it: translated, then paired
    /// (standard input is kept in a temporary file as it is read, so that it can be read again).
    ///
    /// - Throws: ``InputError`` when the input cannot be read at all.
    static func read(path: String, input options: InputOptions = InputOptions()) throws -> StatsInput {
        let source = path == "-" ? "<stdin>" : path
        if options.format.foreignFormat != nil {
            return try translated(OfflineConversion(path: path, mapper: mapper, input: options), source: source)
        }
        let reader = try JSONLReader(path: path)
        let copy = path == "-" ? try SpoolFile(holding: "a temporary copy of standard input", for: source) : nil
        var collector = Collector(source: reader.source)
        try reader.forEachLine { line in
            if let copy {
                try copy.append(line.bytes)
                try copy.append([0x0A])
            }
            collector.take(line)
        }
        guard collector.sawForeign, options.format == .auto else { return collector.finish() }
        let conversion =
            try copy.map { try OfflineConversion(spool: $0, source: source, mapper: mapper, input: options) }
            ?? OfflineConversion(path: path, mapper: mapper, input: options)
        return translated(conversion, source: source)
    }

    /// Captured content plays no part in the figures; leaving it out saves memory.
    private static var mapper: SpanMapper { SpanMapper(options: MappingOptions(captureContent: false)) }

    /// The figures of an input read as `convert` reads it, through the foreign formats' translators.
    private static func translated(_ conversion: OfflineConversion, source: String) -> StatsInput {
        let errors = conversion.diagnostics.filter { $0.severity == .error }.map(\.description)
        return StatsInput(
            source: source, format: .atof, spans: conversion.spans, recordCount: conversion.eventCount,
            badLineCount: conversion.badLineCount, badLineMessages: errors, formatCounts: conversion.formatCounts)
    }

    /// Reads line by line; the first non-blank line decides the format.
    private struct Collector {
        let source: String
        var format: Format?
        var events: [SourcedEvent] = []
        var lineDiagnostics: [Diagnostic] = []
        var spans: [OTLP.Span] = []
        var requests = 0
        var otlpErrors: [String] = []
        /// An ATOF-mode line was of a foreign format (or SSE framing).
        var sawForeign = false
        let decoder = OTLPJSONDecoder()

        init(source: String) {
            self.source = source
        }

        mutating func take(_ line: JSONLReader.Line) {
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            let format = self.format ?? Self.detect(line.bytes)
            self.format = format
            switch format {
            case .atof: takeATOF(line)
            case .otlpJSON: takeOTLP(line)
            }
        }

        /// `.otlpJSON` when the line is an object with `resourceSpans`; else `.atof`.
        static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> Format {
            guard case .object(let object)? = try? JSONParser.parse(bytes) else { return .atof }
            return Self.hasResourceSpans(object) ? .otlpJSON : .atof
        }

        static func hasResourceSpans(_ object: JSONObject) -> Bool {
            object.contains { $0.key == "resourceSpans" || $0.key == "resource_spans" }
        }

        mutating func takeATOF(_ line: JSONLReader.Line) {
            let decoded = EventReader.decode(
                line: line.bytes, number: line.number, isTerminated: line.isTerminated, source: source)
            lineDiagnostics += decoded.diagnostics
            if let event = decoded.event {
                events.append(SourcedEvent(event, line: line.number))
            } else if !sawForeign, !decoded.diagnostics.isEmpty, ForeignFormat.needsTranslation(line.bytes) {
                sawForeign = true
            }
        }

        mutating func takeOTLP(_ line: JSONLReader.Line) {
            let prefix = "\(source):\(line.number): error:"
            let value: JSONValue
            do {
                value = try JSONParser.parse(line.bytes)
            } catch {
                otlpErrors.append("\(prefix) not JSON (\(error)); line skipped")
                return
            }
            guard case .object(let object) = value, Self.hasResourceSpans(object) else {
                otlpErrors.append(
                    "\(prefix) not an OTLP/JSON traces line (no resourceSpans); the input is read as OTLP/JSON "
                        + "because its first line is; line skipped")
                return
            }
            do {
                let decoded = try decoder.decode(value)
                requests += 1
                for batch in decoded.batches { spans += batch.spans }
            } catch {
                otlpErrors.append("\(prefix) \(error); line skipped")
            }
        }

        func finish() -> StatsInput {
            switch format ?? .atof {
            case .atof:
                // Captured content plays no part in the figures; leaving it out saves memory.
                let mapper = SpanMapper(options: MappingOptions(captureContent: false))
                let conversion = OfflineConversion(
                    events: events, source: source, lineDiagnostics: lineDiagnostics, mapper: mapper)
                let errors = conversion.diagnostics.filter { $0.severity == .error }.map(\.description)
                return StatsInput(
                    source: source, format: .atof, spans: conversion.spans, recordCount: conversion.eventCount,
                    badLineCount: conversion.badLineCount, badLineMessages: errors)
            case .otlpJSON:
                return StatsInput(
                    source: source, format: .otlpJSON, spans: spans, recordCount: requests,
                    badLineCount: otlpErrors.count, badLineMessages: otlpErrors)
            }
        }
    }
}
