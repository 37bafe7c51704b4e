import ATOF
import Testing

@testable import ATOFBridge

@Suite("The standard span limits: environment, dropped counts, and the encoders writing them")
struct SpanLimitsTests {
    typealias F = MappingFixtures

    static let limitVariables = [
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
    ]

    @Test("the four limit variables are read onto the mapping options")
    func environment() {
        var warnings: [String] = []
        let options = MappingOptions.fromEnvironment(
            ["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "40", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": " 5 ", "OTEL_SPAN_EVENT_COUNT_LIMIT": "2"],
            warnings: &warnings)
        #expect(options.maximumAttributeValueLength == 40)
        #expect(options.maximumAttributesPerSpan == 5)
        #expect(options.maximumEventsPerSpan == 2)
        #expect(warnings.isEmpty)
        #expect(MappingOptions().maximumAttributesPerSpan == nil)
        let both = MappingOptions.fromEnvironment([
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "40", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "30",
        ])
        #expect(both.maximumAttributeValueLength == 30)
    }

    @Test("each invalid limit warns naming its variable and leaves the default", arguments: limitVariables)
    func invalidLimitWarns(variable: String) {
        for bad in ["-1", "lots", "1.5"] {
            var warnings: [String] = []
            let options = MappingOptions.fromEnvironment([variable: bad], warnings: &warnings)
            #expect(options == MappingOptions())
            #expect(warnings.count == 1)
            #expect(warnings.first?.hasPrefix("\(variable)=\"\(bad)\" is not a non-negative integer; using the default") == true)
            let configuration = Bridge.Configuration.fromEnvironment([variable: bad])
            #expect(configuration.mapping == MappingOptions())
            #expect(configuration.warnings.contains { $0.hasPrefix("\(variable)=") })
        }
    }

    /// A tool span with many attributes (metadata, input and output, profile).
    static func toolSpan(_ options: MappingOptions) throws -> OTLP.Span {
        try F.span(
            start: F.v01("start", category: "tool", data: #"{"q":"term"}"#, metadata: #"{"session_id":"s-1","user_id":"u-9"}"#),
            end: F.v01("end", category: "tool", data: #"{"hits":3}"#, metadata: #"{"otel.status_code":"OK"}"#),
            options: options)
    }

    @Test("attributes past the count limit are left out and counted in droppedAttributesCount")
    func attributeCountLimit() throws {
        let all = try Self.toolSpan(MappingOptions())
        #expect(all.attributes.count > 6)
        #expect(all.droppedAttributesCount == 0)
        let limited = try Self.toolSpan(MappingOptions(maximumAttributesPerSpan: 4))
        #expect(limited.attributes == Array(all.attributes.prefix(4)))
        #expect(limited.droppedAttributesCount == UInt32(all.attributes.count - 4))
        let none = try Self.toolSpan(MappingOptions(maximumAttributesPerSpan: 0))
        #expect(none.attributes.isEmpty)
        #expect(none.droppedAttributesCount == UInt32(all.attributes.count))
    }

    @Test("the protobuf and OTLP/JSON encoders write the dropped counts")
    func encodersWriteDroppedCounts() throws {
        var span = try Self.toolSpan(MappingOptions(maximumAttributesPerSpan: 3))
        span.droppedEventsCount = 7
        let dropped = span.droppedAttributesCount
        #expect(dropped > 0)
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(attributes: []), spans: [span])
        let summary = try #require(OTLPRequestDecoding.spanSummary(ProtobufEncoder().encode(batch)))
        #expect(summary.droppedAttributesCounts == [dropped])
        #expect(summary.droppedEventsCounts == [7])
        let json = String(decoding: OTLPJSONEncoder().encode(batch), as: UTF8.self)
        #expect(json.contains(#""droppedAttributesCount":\#(dropped)"#))
        #expect(json.contains(#""droppedEventsCount":7"#))
        let decoded = try OTLPJSONDecoder().decode(json)
        #expect(decoded.batches.first?.spans.first?.droppedAttributesCount == dropped)
    }
}
