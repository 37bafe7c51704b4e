import ATOFBridge

/// The `--json` form of a ``StatsReport``: the same figures as the text, for scripts. Keys are
/// always present and always in the same order; durations are milliseconds with every digit
/// kept (`durationMs`), instants nanosecond strings as in OTLP/JSON (`startTimeUnixNano`).
///
/// ```
/// { "input": {source, format, goodLines, badLines}, "selectedTrace",
///   "totals": {spans, traces, errors, durationMs: {p50, p95, max}, inputTokens, outputTokens},
///   "categories": [{category, spans, errors, durationMs, inputTokens, outputTokens}],
///   "anomalies": {unended, unmatchedEnds, orphanMarks, duplicateStarts, clockSkews},
///   "traces": [{traceId, startTimeUnixNano, endTimeUnixNano, durationMs, spanCount, errors,
///               spans: [{spanId, parentSpanId, depth, name, category, kind, startTimeUnixNano,
///                        startOffsetMs, durationMs, status, statusMessage, inputTokens,
///                        outputTokens, anomalies}]}],
///   "tracesShown", "tracesOmitted" }
/// ```
///
/// A trace's `spans` are one flat list in tree order (depth first, siblings by start time, as
/// the text draws them): `depth` is 1 for a root, 2 for its children, and so on, and
/// `parentSpanId` names the parent. A flat list keeps the output linear in the number of spans
/// however deep the tree is, and readable by any JSON parser (no nesting limit to hit).
struct StatsJSON {
    let report: StatsReport

    /// The whole report as one JSON value.
    func value() -> ReportJSON {
        let statistics = report.statistics
        let input = ReportJSON.members([
            "source": .string(report.input.source),
            "format": .string(report.input.format.rawValue),
            "goodLines": .count(report.input.recordCount),
            "badLines": .count(report.input.badLineCount),
        ])
        let anomalies = statistics.anomalies.map { ReportJSONMember($0.anomaly.jsonCountKey, .count($0.count)) }
        let selected: ReportJSON = report.selectedTrace.map { .string($0.traceID.hex) } ?? .null
        let categories = statistics.categories.map { figures($0, category: $0.name) }
        let traces = report.shownTraces.map { trace($0.summary, $0.tree) }
        return .members([
            "input": input,
            "selectedTrace": selected,
            "totals": figures(statistics.total, traceCount: statistics.traceCount),
            "categories": .array(categories),
            "anomalies": .object(anomalies),
            "traces": .array(traces),
            "tracesShown": .count(report.shownTraces.count),
            "tracesOmitted": .count(report.omittedTraceCount),
        ])
    }

    /// A category's figures (with its name) or the totals (with the trace count).
    private func figures(_ figures: CategoryFigures, category: String? = nil, traceCount: Int? = nil) -> ReportJSON {
        var members: [ReportJSONMember] = []
        if let category { members.append(ReportJSONMember("category", .string(category))) }
        members.append(ReportJSONMember("spans", .count(figures.spanCount)))
        if let traceCount { members.append(ReportJSONMember("traces", .count(traceCount))) }
        let durations = ReportJSON.members([
            "p50": .milliseconds(figures.durations.p50),
            "p95": .milliseconds(figures.durations.p95),
            "max": .milliseconds(figures.durations.max),
        ])
        members += [
            ReportJSONMember("errors", .count(figures.errorCount)),
            ReportJSONMember("durationMs", durations),
            ReportJSONMember("inputTokens", .integer(figures.inputTokens)),
            ReportJSONMember("outputTokens", .integer(figures.outputTokens)),
        ]
        return .object(members)
    }

    private func trace(_ summary: TraceSummary, _ tree: TraceTree) -> ReportJSON {
        .members([
            "traceId": .string(summary.traceID.hex),
            "startTimeUnixNano": .string(String(summary.start)),
            "endTimeUnixNano": .string(String(summary.end)),
            "durationMs": .milliseconds(summary.windowNanos),
            "spanCount": .count(summary.spanIndices.count),
            "errors": .count(summary.errorCount),
            "spans": .array(tree.rows.map { .object(span($0.spanIndex, depth: $0.depth, traceStart: summary.start)) }),
        ])
    }

    /// One span's members.
    private func span(_ index: Int, depth: Int, traceStart: UInt64) -> [ReportJSONMember] {
        let span = report.input.spans[index]
        let facts = report.facts[index]
        let offset = span.startTimeUnixNano >= traceStart ? span.startTimeUnixNano - traceStart : 0
        let parent: ReportJSON = span.parentSpanID.map { .string($0.hex) } ?? .null
        let inputTokens: ReportJSON = facts.inputTokens.map { .integer($0) } ?? .null
        let outputTokens: ReportJSON = facts.outputTokens.map { .integer($0) } ?? .null
        let anomalies = facts.anomalies.map { ReportJSON.string($0.jsonKey) }
        return [
            ReportJSONMember("spanId", .string(span.spanID.hex)),
            ReportJSONMember("parentSpanId", parent),
            ReportJSONMember("depth", .count(depth)),
            ReportJSONMember("name", .string(span.name)),
            ReportJSONMember("category", .string(facts.category)),
            ReportJSONMember("kind", .string(Self.name(of: span.kind))),
            ReportJSONMember("startTimeUnixNano", .string(String(span.startTimeUnixNano))),
            ReportJSONMember("startOffsetMs", .milliseconds(offset)),
            ReportJSONMember("durationMs", .milliseconds(facts.durationNanos)),
            ReportJSONMember("status", .string(Self.name(of: span.status.code))),
            ReportJSONMember("statusMessage", .string(span.status.message)),
            ReportJSONMember("inputTokens", inputTokens),
            ReportJSONMember("outputTokens", outputTokens),
            ReportJSONMember("anomalies", .array(anomalies)),
        ]
    }

    private static func name(of kind: OTLP.SpanKind) -> String {
        switch kind {
        case .unspecified: "UNSPECIFIED"
        case .internal: "INTERNAL"
        case .server: "SERVER"
        case .client: "CLIENT"
        case .producer: "PRODUCER"
        case .consumer: "CONSUMER"
        }
    }

    private static func name(of code: OTLP.SpanStatus.Code) -> String {
        switch code {
        case .unset: "UNSET"
        case .ok: "OK"
        case .error: "ERROR"
        }
    }
}
