/// The text form of a ``StatsReport``: a summary of the input, the per-category table, the
/// anomalies, then one tree per trace shown. Every line fits `width` columns.
struct StatsText {
    let report: StatsReport
    let width: Int

    /// The lines, in order.
    func lines() -> [StyledLine] {
        var lines = summary().map { StyledLine($0) }
        lines.append(StyledLine())
        if report.statistics.total.spanCount == 0 {
            lines.append(StyledLine("no spans"))
        } else {
            lines += CategoryTable(statistics: report.statistics, width: width).lines().map { StyledLine($0) }
        }
        lines.append(StyledLine())
        lines += anomalies()
        for (trace, tree) in report.shownTraces {
            lines.append(StyledLine())
            lines += TraceTreeText(trace: trace, tree: tree, spans: report.input.spans, facts: report.facts).lines(width: width)
        }
        if report.omittedTraceCount > 0 {
            lines.append(StyledLine())
            let count = report.omittedTraceCount
            lines += TextWrapping.lines(
                "\(count) more trace\(count == 1 ? "" : "s") not shown:",
                ["--all-traces shows every tree", "--trace ID shows one"], width: width
            ).map { StyledLine($0) }
        }
        return lines
    }

    /// `FILE: 11 ATOF events, 0 bad lines`, then `5 spans in 1 trace` (or the trace chosen).
    private func summary() -> [String] {
        let input = report.input
        let records: String
        switch input.format {
        case .atof: records = plural(input.recordCount, "ATOF event")
        case .otlpJSON: records = plural(input.recordCount, "OTLP/JSON line")
        }
        let source = DisplayWidth.printable(input.source) + ":"
        var lines = TextWrapping.lines(source, [records, plural(input.badLineCount, "bad line")], width: width)
        if let counts = input.formatCounts, counts.hasNonATOF {
            lines += TextWrapping.lines("lines by format:", [counts.summary], width: width)
        }
        let spans = plural(report.statistics.total.spanCount, "span")
        if let trace = report.selectedTrace {
            let items = [spans + " in trace " + trace.traceID.hex, "the figures cover this trace only"]
            lines += TextWrapping.lines("", items, width: width)
        } else {
            lines += TextWrapping.lines("", [spans + " in " + plural(report.statistics.traceCount, "trace")], width: width)
        }
        return lines
    }

    /// `anomalies: 0 unended, 0 unmatched ends, 0 orphan marks, 0 duplicate starts, 0 clock skews`
    /// (bad lines are on the first line, with the input).
    private func anomalies() -> [StyledLine] {
        let items = report.statistics.anomalies.map { $0.anomaly.counted($0.count) }
        return TextWrapping.lines("anomalies:", items, width: width).map { StyledLine($0) }
    }
}
