/// The figures of one category (or of all spans): counts, durations, errors and tokens.
struct CategoryFigures {
    /// The category, or `total` for all spans.
    var name: String
    /// How many spans.
    var spanCount = 0
    /// How many have status ERROR.
    var errorCount = 0
    /// Duration p50 / p95 / max.
    var durations = DurationSummary.zero
    /// Sum of the input (prompt) tokens of the spans that report them.
    var inputTokens: Int64 = 0
    /// Sum of the output (completion) tokens of the spans that report them.
    var outputTokens: Int64 = 0

    /// The figures of the spans `indices` of `facts`.
    init(name: String, facts: [SpanFacts], indices: [Int]) {
        self.name = name
        spanCount = indices.count
        var durations: [UInt64] = []
        durations.reserveCapacity(indices.count)
        for index in indices {
            let fact = facts[index]
            durations.append(fact.durationNanos)
            if fact.isError { errorCount += 1 }
            inputTokens &+= fact.inputTokens ?? 0
            outputTokens &+= fact.outputTokens ?? 0
        }
        self.durations = DurationSummary(durations)
    }
}

/// Everything `stats` reports about a set of spans, apart from the trace trees.
struct RunStatistics {
    /// One entry per category, in alphabetical order.
    var categories: [CategoryFigures]
    /// All spans together.
    var total: CategoryFigures
    /// How many spans carry each anomaly marker, in ``SpanAnomaly`` order.
    var anomalies: [(anomaly: SpanAnomaly, count: Int)]
    /// How many traces the spans belong to.
    var traceCount: Int

    /// The figures of the spans `indices` of `facts`, which belong to `traceCount` traces.
    init(facts: [SpanFacts], indices: [Int], traceCount: Int) {
        var byCategory: [String: [Int]] = [:]
        var counts = [Int](repeating: 0, count: SpanAnomaly.allCases.count)
        for index in indices {
            byCategory[facts[index].category, default: []].append(index)
            for anomaly in facts[index].anomalies {
                if let position = SpanAnomaly.allCases.firstIndex(of: anomaly) { counts[position] += 1 }
            }
        }
        categories = byCategory.keys.sorted().map { name in
            CategoryFigures(name: name, facts: facts, indices: byCategory[name] ?? [])
        }
        total = CategoryFigures(name: "total", facts: facts, indices: indices)
        anomalies = zip(SpanAnomaly.allCases, counts).map { (anomaly: $0, count: $1) }
        self.traceCount = traceCount
    }
}
