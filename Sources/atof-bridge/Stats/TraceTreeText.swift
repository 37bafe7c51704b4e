import ATOFBridge

/// One trace drawn as text: a header line, then one line per span with its tree prefix, name,
/// category, duration, a `✗` for errors and a timeline bar over the trace's window.
///
/// The columns are fitted to the width: the name column takes what it needs and the bar the
/// rest; when that leaves fewer than ``minimumBarCells`` cells, long names are cut (`…`); when
/// even that does not fit, the bar is left out.
struct TraceTreeText {
    /// The narrowest bar worth drawing.
    static let minimumBarCells = 10
    /// The narrowest name column before the bar is dropped instead.
    static let minimumNameColumn = 20

    let trace: TraceSummary
    let tree: TraceTree
    let spans: [OTLP.Span]
    let facts: [SpanFacts]

    /// The lines, each at most `width` columns.
    func lines(width: Int) -> [StyledLine] {
        var lines = header(width: width)
        // Deep trees: a prefix keeps its last levels, so that at least half of the name column
        // is left for names.
        let prefixWidth = max(Self.minimumNameColumn, (width - 30) / 2) / 2
        let prefixes = tree.prefixes.map { $0.count <= prefixWidth ? $0 : "…" + String($0.suffix(prefixWidth - 1)) }
        let names = tree.rows.enumerated().map { position, row in
            prefixes[position] + Self.depthNote(row) + Self.label(spans[row.spanIndex], facts[row.spanIndex])
        }
        let categories = tree.rows.map { DisplayWidth.printable(facts[$0.spanIndex].category) }
        let durations = tree.rows.map { TimeText.human(facts[$0.spanIndex].durationNanos) }
        let categoryColumn = min(categories.map(DisplayWidth.of).max() ?? 0, 16)
        let durationColumn = durations.map(DisplayWidth.of).max() ?? 0
        // A line is: name, 2 spaces, category, 2 spaces, duration, space, ✗ or space; then, when
        // there is a bar, 2 spaces and │bar│. `available` is what the name and the bar share.
        let available = width - (2 + categoryColumn + 2 + durationColumn + 2)
        let barExtra = 4
        let nameWanted = names.map(DisplayWidth.of).max() ?? 0
        var nameColumn = nameWanted
        var cells = available - nameWanted - barExtra
        if cells < Self.minimumBarCells {
            nameColumn = max(available - barExtra - Self.minimumBarCells, Self.minimumNameColumn)
            cells = available - nameColumn - barExtra
            if cells < Self.minimumBarCells {
                cells = 0
                nameColumn = max(available, 1)
            }
        }
        for (position, row) in tree.rows.enumerated() {
            let span = spans[row.spanIndex]
            let isError = facts[row.spanIndex].isError
            var line = StyledLine()
            let prefix = prefixes[position]
            let name = DisplayWidth.padRight(DisplayWidth.truncate(names[position], to: nameColumn), to: nameColumn)
            if isError, name.hasPrefix(prefix) {
                line.append(prefix)
                line.append(String(name.dropFirst(prefix.count)), style: .error)
            } else {
                line.append(name)
            }
            let category = DisplayWidth.truncate(categories[position], to: categoryColumn)
            line.append("  " + DisplayWidth.padRight(category, to: categoryColumn))
            line.append("  " + DisplayWidth.padLeft(durations[position], to: durationColumn) + " ")
            line.append(isError ? "✗" : " ", style: isError ? .error : .plain)
            if cells > 0 {
                let bar = TimelineBar.draw(
                    start: span.startTimeUnixNano, end: span.endTimeUnixNano,
                    windowStart: trace.start, windowEnd: trace.end, cells: cells)
                line.append("  ")
                line.append("│" + DisplayWidth.padRight(bar, to: cells) + "│", style: .dim)
            }
            lines.append(line.fitted(to: width))
        }
        return lines
    }

    /// `trace <id>: 5 spans, 1 error, 4.30 ms from 2026-11-21T12:00:05.172Z`, wrapped to the width.
    private func header(width: Int) -> [StyledLine] {
        let items = [
            plural(trace.spanIndices.count, "span"), plural(trace.errorCount, "error"),
            "\(TimeText.human(trace.windowNanos)) from \(TimeText.utc(trace.start))",
        ]
        return TextWrapping.lines("trace \(trace.traceID.hex):", items, width: width).map { StyledLine($0) }
    }

    /// `[depth 4097] ` for a row drawn shallower than it is (see ``TraceTree/maximumDepth``);
    /// empty otherwise.
    private static func depthNote(_ row: TraceTree.Row) -> String {
        row.depth > TraceTree.maximumDepth ? "[depth \(row.depth)] " : ""
    }

    /// The span's name followed by its anomalies: `never-ends (unended)`.
    private static func label(_ span: OTLP.Span, _ facts: SpanFacts) -> String {
        let name = DisplayWidth.printable(span.name)
        guard !facts.anomalies.isEmpty else { return name }
        return name + " (" + facts.anomalies.map(\.label).joined(separator: ", ") + ")"
    }
}
