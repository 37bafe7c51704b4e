import ATOFBridge

/// One trace: which spans belong to it and the time window they cover.
struct TraceSummary {
    /// The trace id.
    var traceID: OTLP.TraceID
    /// Indices of its spans in the input, in input order.
    var spanIndices: [Int]
    /// The earliest span start, in nanoseconds since the epoch.
    var start: UInt64
    /// The latest span end, in nanoseconds since the epoch.
    var end: UInt64
    /// How many of its spans have status ERROR.
    var errorCount: Int

    /// The window from the first start to the last end, in nanoseconds.
    var windowNanos: UInt64 { end >= start ? end - start : 0 }

    /// Groups `spans` by trace id, ordered by start time (ties: by trace id).
    static func group(_ spans: [OTLP.Span], facts: [SpanFacts]) -> [TraceSummary] {
        var traces: [TraceSummary] = []
        var position: [OTLP.TraceID: Int] = [:]
        for (index, span) in spans.enumerated() {
            let end = max(span.startTimeUnixNano, span.endTimeUnixNano)
            let errors = facts[index].isError ? 1 : 0
            if let at = position[span.traceID] {
                traces[at].spanIndices.append(index)
                traces[at].start = min(traces[at].start, span.startTimeUnixNano)
                traces[at].end = max(traces[at].end, end)
                traces[at].errorCount += errors
            } else {
                position[span.traceID] = traces.count
                let trace = TraceSummary(
                    traceID: span.traceID, spanIndices: [index], start: span.startTimeUnixNano, end: end, errorCount: errors)
                traces.append(trace)
            }
        }
        return traces.sorted { a, b in
            if a.start != b.start { return a.start < b.start }
            return (a.traceID.high, a.traceID.low) < (b.traceID.high, b.traceID.low)
        }
    }
}
