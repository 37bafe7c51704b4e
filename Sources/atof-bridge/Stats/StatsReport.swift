import ATOFBridge

/// Everything `stats` prints, in either form: the input's account, the figures, and the trees of
/// the traces shown.
struct StatsReport {
    /// How many trees are shown unless `--all-traces` is given.
    static let defaultTraceLimit = 20

    /// The input and its lines.
    let input: StatsInput
    /// Per-span facts, index for index with `input.spans`.
    let facts: [SpanFacts]
    /// The trace `--trace` chose, if any: the figures then cover it alone.
    let selectedTrace: TraceSummary?
    /// The figures of the spans covered.
    let statistics: RunStatistics
    /// The traces whose trees are shown, in start-time order.
    let shownTraces: [(summary: TraceSummary, tree: TraceTree)]
    /// Traces covered but not shown (over the limit).
    let omittedTraceCount: Int

    /// Summarizes `input`: all of it, or only the trace `traceID` names (an id or a unique
    /// prefix); trees for the first ``defaultTraceLimit`` traces unless `allTraces`.
    init(input: StatsInput, traceID: String?, allTraces: Bool, inputName: String) throws(TraceLookup.Failure) {
        self.input = input
        let facts = input.spans.map(SpanFacts.init)
        self.facts = facts
        var traces = TraceSummary.group(input.spans, facts: facts)
        if let traceID {
            let trace = try TraceLookup.find(traceID, in: traces, source: inputName)
            selectedTrace = trace
            traces = [trace]
        } else {
            selectedTrace = nil
        }
        let indices = selectedTrace?.spanIndices ?? Array(input.spans.indices)
        statistics = RunStatistics(facts: facts, indices: indices, traceCount: traces.count)
        let shown = allTraces ? traces[...] : traces.prefix(Self.defaultTraceLimit)
        shownTraces = shown.map { ($0, TraceTree(trace: $0, spans: input.spans)) }
        omittedTraceCount = traces.count - shown.count
    }
}
