import ATOF
import ATOFBridge

/// What `stats` needs to know about one span, read from its attributes once.
struct SpanFacts {
    /// `atof.category`, else `openinference.span.kind` lower-cased, else `other`.
    var category: String
    /// End minus start in nanoseconds (0 when the end is before the start).
    var durationNanos: UInt64
    /// The status is ERROR.
    var isError: Bool
    /// `gen_ai.usage.input_tokens`, else `llm.token_count.prompt`.
    var inputTokens: Int64?
    /// `gen_ai.usage.output_tokens`, else `llm.token_count.completion`.
    var outputTokens: Int64?
    /// The anomaly markers the span carries, in ``SpanAnomaly`` order.
    var anomalies: [SpanAnomaly]

    init(_ span: OTLP.Span) {
        if let category = span[attribute: AttributeKey.atofCategory]?.stringValue, !category.isEmpty {
            self.category = category
        } else if let kind = span[attribute: AttributeKey.openInferenceSpanKind]?.stringValue, !kind.isEmpty {
            self.category = kind.lowercased()
        } else {
            self.category = "other"
        }
        durationNanos = span.endTimeUnixNano >= span.startTimeUnixNano ? span.endTimeUnixNano - span.startTimeUnixNano : 0
        isError = span.status.code == .error
        inputTokens = Self.count(span, AttributeKey.genAIUsageInputTokens) ?? Self.count(span, AttributeKey.llmTokenCountPrompt)
        outputTokens = Self.count(span, AttributeKey.genAIUsageOutputTokens) ?? Self.count(span, AttributeKey.llmTokenCountCompletion)
        anomalies = SpanAnomaly.allCases.filter { Self.flag(span, $0.attributeKey) }
    }

    /// A token count: an integer attribute, or a whole double or decimal string (other producers).
    static func count(_ span: OTLP.Span, _ key: String) -> Int64? {
        switch span[attribute: key] {
        case .int(let value)?: return value
        case .double(let value)? where value.rounded() == value && abs(value) < 9e18: return Int64(value)
        case .string(let text)?: return Int64(text)
        default: return nil
        }
    }

    /// `true` when the attribute is the boolean `true` (or the string `"true"`).
    static func flag(_ span: OTLP.Span, _ key: String) -> Bool {
        switch span[attribute: key] {
        case .bool(let value)?: value
        case .string(let text)?: text == "true"
        default: false
        }
    }
}
