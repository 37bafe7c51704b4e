import ATOF
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
/// however deep the tree is, and readable by any JSON parser (no nesting limit to hit). It is
/// written with two spaces of indentation per level (``JSONValue/prettyJSON(indentation:)``).
struct StatsJSON {
    let report: StatsReport

    /// The whole report as one JSON value.
    func value() -> JSONValue {
        let statistics = report.statistics
        var input = JSONObject([
            "source": .string(report.input.source),
            "format": .string(report.input.format.rawValue),
            "goodLines": .count(report.input.recordCount),
            "badLines": .count(report.input.badLineCount),
        ])
        if let counts = report.input.formatCounts, counts.hasNonATOF {
            var lines = JSONObject(["atof": .count(counts.atof)])
            for format in ForeignFormat.allCases { lines[format.rawValue] = .count(counts.foreign[format] ?? 0) }
            lines["unknown"] = .count(counts.unknown)
            input["linesByFormat"] = .object(lines)
        }
        let anomalies = statistics.anomalies.map { JSONObject.Member(key: $0.anomaly.jsonCountKey, value: .count($0.count)) }
        let selected: JSONValue = report.selectedTrace.map { .string($0.traceID.hex) } ?? .null
        let categories = statistics.categories.map { figures($0, category: $0.name) }
        let traces = report.shownTraces.map { trace($0.summary, $0.tree) }
        return .members([
            "input": .object(input),
            "selectedTrace": selected,
            "totals": figures(statistics.total, traceCount: statistics.traceCount),
            "categories": .array(categories),
            "anomalies": .object(JSONObject(anomalies)),
            "traces": .array(traces),
            "tracesShown": .count(report.shownTraces.count),
            "tracesOmitted": .count(report.omittedTraceCount),
        ])
    }

    /// A category's figures (with its name) or the totals (with the trace count).
    private func figures(_ figures: CategoryFigures, category: String? = nil, traceCount: Int? = nil) -> JSONValue {
        var members: [JSONObject.Member] = []
        if let category { members.append(JSONObject.Member(key: "category", value: .string(category))) }
        members.append(JSONObject.Member(key: "spans", value: .count(figures.spanCount)))
        if let traceCount { members.append(JSONObject.Member(key: "traces", value: .count(traceCount))) }
        let durations = JSONValue.members([
            "p50": .milliseconds(figures.durations.p50),
            "p95": .milliseconds(figures.durations.p95),
            "max": .milliseconds(figures.durations.max),
        ])
        members += [
            JSONObject.Member(key: "errors", value: .count(figures.errorCount)),
            JSONObject.Member(key: "durationMs", value: durations),
            JSONObject.Member(key: "inputTokens", value: .integer(figures.inputTokens)),
            JSONObject.Member(key: "outputTokens", value: .integer(figures.outputTokens)),
        ]
        return .object(JSONObject(members))
    }

    private func trace(_ summary: TraceSummary, _ tree: TraceTree) -> JSONValue {
        .members([
            "traceId": .string(summary.traceID.hex),
            "startTimeUnixNano": .string(String(summary.start)),
            "endTimeUnixNano": .string(String(summary.end)),
            "durationMs": .milliseconds(summary.windowNanos),
            "spanCount": .count(summary.spanIndices.count),
            "errors": .count(summary.errorCount),
            "spans": .array(tree.rows.map { span($0.spanIndex, depth: $0.depth, traceStart: summary.start) }),
        ])
    }

    /// One span.
    private func span(_ index: Int, depth: Int, traceStart: UInt64) -> JSONValue {
        let span = report.input.spans[index]
        let facts = report.facts[index]
        let offset = span.startTimeUnixNano >= traceStart ? span.startTimeUnixNano - traceStart : 0
        let parent: JSONValue = span.parentSpanID.map { .string($0.hex) } ?? .null
        let inputTokens: JSONValue = facts.inputTokens.map { .integer($0) } ?? .null
        let outputTokens: JSONValue = facts.outputTokens.map { .integer($0) } ?? .null
        let anomalies = facts.anomalies.map { JSONValue.string($0.jsonKey) }
        return .members([
            "spanId": .string(span.spanID.hex),
            "parentSpanId": parent,
            "depth": .count(depth),
            "name": .string(span.name),
            "category": .string(facts.category),
            "kind": .string(Self.name(of: span.kind)),
            "startTimeUnixNano": .string(String(span.startTimeUnixNano)),
            "startOffsetMs": .milliseconds(offset),
            "durationMs": .milliseconds(facts.durationNanos),
            "status": .string(Self.name(of: span.status.code)),
            "statusMessage": .string(span.status.message),
            "inputTokens": inputTokens,
            "outputTokens": outputTokens,
            "anomalies": .array(anomalies),
        ])
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

/// Shorthands for the report's objects and numbers.
extension JSONValue {
    /// An object with `pairs` in the order written.
    fileprivate static func members(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(pairs))
    }

    /// A count.
    fileprivate static func count(_ value: Int) -> JSONValue {
        .number(JSONNumber(Int64(value)))
    }

    /// An integer such as a token count.
    fileprivate static func integer(_ value: Int64) -> JSONValue {
        .number(JSONNumber(value))
    }

    /// Milliseconds with every digit of `nanos` kept (``TimeText/exactMilliseconds(_:)``).
    fileprivate static func milliseconds(_ nanos: UInt64) -> JSONValue {
        .number(JSONNumber(text: TimeText.exactMilliseconds(nanos)))
    }
}
