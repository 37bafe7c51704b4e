import ATOF

/// Everything an offline run over one input produced: the spans, and an account of every line.
public struct OfflineConversion: Sendable {
    /// The spans, in start-time order.
    public var spans: [Span]
    /// Events read (good lines).
    public var eventCount: Int
    /// Lines skipped as errors.
    public var badLineCount: Int
    /// Bad lines and anomalies, in line order.
    public var diagnostics: [Diagnostic]
    /// Pairing counts: unended, unmatched, duplicates, orphan marks.
    public var report: AssemblyReport

    /// The number of warnings among ``diagnostics``.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Reads a whole ATOF JSON-lines input (`-` = standard input), pairs and maps it.
    ///
    /// Throws ``InputError`` only when the input cannot be read at all; bad lines are skipped and
    /// reported in ``diagnostics``.
    public init(path: String, mapper: SpanMapper) throws {
        let reader = try EventReader(path: path)
        var events: [SourcedEvent] = []
        var diagnostics: [Diagnostic] = []
        try reader.forEach { item in
            switch item {
            case .event(let event, let line): events.append(SourcedEvent(event, line: line))
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        self.init(events: events, source: reader.source, lineDiagnostics: diagnostics, mapper: mapper)
    }

    /// Pairs and maps events already read.
    public init(events: [SourcedEvent], source: String = "<input>", lineDiagnostics: [Diagnostic] = [], mapper: SpanMapper) {
        let (items, report) = SpanAssembler(source: source).assemble(events)
        spans = items.map { item in
            switch item {
            case .scope(let scope): mapper.span(for: scope)
            case .orphanMark(let orphan): mapper.span(for: orphan)
            }
        }
        eventCount = events.count
        badLineCount = lineDiagnostics.count { $0.severity == .error }
        diagnostics = (lineDiagnostics + report.diagnostics).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        self.report = report
    }
}
