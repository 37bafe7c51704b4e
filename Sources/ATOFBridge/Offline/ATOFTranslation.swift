import ATOF

/// An input read through the foreign-format translators into ATOF 0.2 lines (`convert --to atof`,
/// and the first step of every offline run over an input that is not all ATOF).
///
/// Each line is framed (``SSEFraming``), parsed and routed (``ForeignTranslation``): ATOF lines and
/// lines that are not JSON are kept as they are (the ATOF decoder judges them later), foreign
/// lines become their translators' events (through ``InferredTimes``), one compact line each, and
/// lines of no known format are errors, skipped. The lines go to a ``SpoolFile`` (0600 in
/// `TMPDIR`, unlinked at once), each with the input line it comes from, so that diagnostics name
/// the input's own lines.
public struct ATOFTranslation {
    /// The translated lines.
    let spool: SpoolFile
    /// For each translated line (0-based), the input line it comes from: bitwise negated (`~`,
    /// so always negative) when a translator made it, positive when it is the input's own line (ATOF, or not JSON: kept for
    /// the decoder to judge). 4 bytes per line.
    private let origins: [Int32]
    /// The translators' warnings and the lines skipped, in line order.
    public let diagnostics: [Diagnostic]
    /// The lines of each format.
    public let formatCounts: InputFormatCounts
    /// The number of lines written.
    public var lineCount: Int { origins.count }
    /// The number of the last input line read.
    public let lastLineRead: Int
    /// Whether reading was stopped before the input ended.
    public let stoppedEarly: Bool

    /// Reads and translates a whole input (`-` = standard input). Throws ``InputError`` only when
    /// the input cannot be read, or the temporary file cannot be written.
    ///
    /// ATOF lines are checked here (they are written only when they are usable events), so the
    /// translation holds only good lines and ``diagnostics`` lists every line skipped.
    public init(path: String, input options: InputOptions = InputOptions()) throws {
        try self.init(lines: InputLines(path: path), options: options, judgingATOF: true)
    }

    /// Translates `lines` from their start.
    init(
        lines: InputLines, options: InputOptions, adapterTypes: [any ForeignEventAdapter.Type] = ForeignFormat.adapterTypes,
        stop: (() -> Bool)? = nil, environment: [String: String] = ProcessEnvironment.current, judgingATOF: Bool = false
    ) throws {
        let spool = try SpoolFile(holding: "the ATOF translation of the input", for: lines.source, environment: environment)
        var router = ForeignTranslation(
            source: lines.source, format: options.format, options: AdapterOptions(model: options.model),
            adapterTypes: adapterTypes)
        var framing = SSEFraming()
        var origins: [Int32] = []
        var items: [AdapterOutput.Item] = []
        func write() throws {
            for item in items {
                var text = item.event.jsonLine
                _ = try text.withUTF8 { try spool.appendLine($0) }
                origins.append(~Int32(clamping: item.line))
            }
            items.removeAll(keepingCapacity: true)
        }
        var judged: [Diagnostic] = []
        var lastLine = 0
        let stopped = try lines.forEachLine(until: stop) { line in
            lastLine = line.number
            switch framing.frame(line.bytes) {
            case .skip:
                return
            case .done:
                router.finish(into: &items)
            case .payload(let bytes):
                guard !SSEFraming.isBlank(bytes) else { return }
                let outcome: ForeignTranslation.Outcome
                do {
                    outcome = router.route(try JSONParser.parse(bytes), line: line.number, into: &items)
                } catch {
                    router.noteInvalid()
                    outcome = .atof  // kept: the ATOF decoder reports it as it would anyway
                }
                if outcome == .atof {
                    if judgingATOF {
                        let decoded = EventReader.decode(
                            line: bytes, number: line.number, isTerminated: line.isTerminated, source: lines.source,
                            keepingPayloads: false)
                        judged += decoded.diagnostics
                        guard decoded.event != nil else { return }
                    }
                    try spool.appendLine(bytes)
                    origins.append(Int32(clamping: line.number))
                }
            }
            try write()
        }
        router.finish(into: &items)
        try write()
        try spool.flush()
        self.spool = spool
        self.origins = origins
        diagnostics = (router.diagnostics + judged).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        formatCounts = router.counts
        lastLineRead = lastLine
        stoppedEarly = stopped
    }

    /// Hands the translated lines to `body` in order, in chunks of whole lines (each ends with a
    /// line break; about 1 MiB, longer only for a longer line), so that a writer that flushes per
    /// chunk never leaves half a line in its file.
    public func forEachChunk(_ body: ([UInt8]) throws -> Void) throws {
        var carry: [UInt8] = []
        try spool.forEachChunk { chunk in
            guard let lastBreak = chunk.lastIndex(of: 0x0A) else {
                carry += chunk
                return
            }
            carry += chunk[...lastBreak]
            try body(carry)
            carry = Array(chunk[(lastBreak + 1)...])
        }
        if !carry.isEmpty { try body(carry) }
    }

    /// The input line translated line `line` (1-based) comes from.
    func inputLine(_ line: Int) -> Int {
        line >= 1 && line <= origins.count ? Int(origins[line - 1] < 0 ? ~origins[line - 1] : origins[line - 1]) : line
    }

    /// Whether translated line `line` (1-based) was made by a translator.
    func isMadeByTranslator(_ line: Int?) -> Bool {
        guard let line, line >= 1, line <= origins.count else { return false }
        return origins[line - 1] < 0
    }
}
