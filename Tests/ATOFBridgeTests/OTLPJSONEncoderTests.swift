import ATOF
import Foundation
import Testing

@testable import ATOFBridge

@Suite struct OTLPJSONEncoderTests {
    // MARK: Fixtures

    static let traceID = OTLP.TraceID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
    static let rootID = OTLP.SpanID(0x00AA_BBCC_DDEE_FF01)
    static let childID = OTLP.SpanID(0x1122_3344_5566_7788)

    static let root = OTLP.Span(
        traceID: traceID,
        spanID: rootID,
        name: "agent turn",
        kind: .internal,
        startTimeUnixNano: 1_700_000_000_000_000_000,
        endTimeUnixNano: 1_700_000_001_500_000_000,
        attributes: [OTLP.Attribute("atof.category", "agent")]
    )

    static let child = OTLP.Span(
        traceID: traceID,
        spanID: childID,
        parentSpanID: rootID,
        traceState: "vendor=abc",
        name: "llm call",
        kind: .client,
        startTimeUnixNano: 1_700_000_000_100_000_000,
        endTimeUnixNano: 18_446_744_073_709_551_615,
        attributes: [
            OTLP.Attribute("s", "text"),
            OTLP.Attribute("b", true),
            OTLP.Attribute("f", false),
            OTLP.Attribute("i", 42),
            OTLP.Attribute("neg", .int(-9_223_372_036_854_775_808)),
            OTLP.Attribute("d", 2.5),
            OTLP.Attribute("a", .stringArray(["x", "y"])),
            OTLP.Attribute("empty", .stringArray([])),
        ],
        droppedAttributesCount: 3,
        events: [
            OTLP.SpanEvent(name: "first token", timeUnixNano: 1_700_000_000_200_000_000, attributes: [OTLP.Attribute("n", 1)]),
            OTLP.SpanEvent(name: "exception", timeUnixNano: 1_700_000_000_300_000_000),
        ],
        droppedEventsCount: 7,
        status: .error("rate limited"),
        flags: 0x301
    )

    static func batch(_ spans: [OTLP.Span]) -> OTLP.SpanBatch {
        OTLP.SpanBatch(
            resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "svc")]),
            scope: OTLP.InstrumentationScope(name: "atof-bridge", version: "0.1.0"),
            spans: spans
        )
    }

    // MARK: Helpers

    /// Encodes and parses back, checking the output is one line of valid JSON.
    static func roundTrip(_ batch: OTLP.SpanBatch) throws -> JSONValue {
        let bytes = OTLPJSONEncoder().encode(batch)
        #expect(!bytes.contains(0x0A))
        #expect(!bytes.contains { $0 < 0x20 })
        return try JSONParser.parse(bytes)
    }

    static func keys(_ value: JSONValue?) -> [String] {
        value?.objectValue?.members.map(\.key) ?? []
    }

    /// The spans of a single-resource, single-scope request.
    static func spans(_ request: JSONValue) -> [JSONValue] {
        request["resourceSpans"]?.arrayValue?.first?["scopeSpans"]?.arrayValue?.first?["spans"]?.arrayValue ?? []
    }

    /// The `value` of the attribute `key` in an attribute array.
    static func attribute(_ key: String, in attributes: JSONValue?) -> JSONValue? {
        attributes?.arrayValue?.first { $0["key"]?.stringValue == key }?["value"]
    }

    // MARK: Tests

    @Test func requestStructureAndKeys() throws {
        let request = try Self.roundTrip(Self.batch([Self.root, Self.child]))
        #expect(Self.keys(request) == ["resourceSpans"])
        let resourceSpans = try #require(request["resourceSpans"]?.arrayValue)
        #expect(resourceSpans.count == 1)
        #expect(Self.keys(resourceSpans[0]) == ["resource", "scopeSpans"])
        #expect(Self.keys(resourceSpans[0]["resource"]) == ["attributes"])
        #expect(Self.attribute("service.name", in: resourceSpans[0]["resource"]?["attributes"]) == ["stringValue": "svc"])
        let scopeSpans = try #require(resourceSpans[0]["scopeSpans"]?.arrayValue)
        #expect(scopeSpans.count == 1)
        #expect(Self.keys(scopeSpans[0]) == ["scope", "spans"])
        #expect(scopeSpans[0]["scope"] == ["name": "atof-bridge", "version": "0.1.0"])
        #expect(Self.spans(request).count == 2)
    }

    @Test func rootSpanOmitsDefaults() throws {
        let span = try #require(Self.spans(try Self.roundTrip(Self.batch([Self.root]))).first)
        #expect(
            Self.keys(span) == [
                "traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "flags",
            ])
        #expect(span["traceId"] == "0123456789abcdeffedcba9876543210")
        #expect(span["spanId"] == "00aabbccddeeff01")
        #expect(span["name"] == "agent turn")
        #expect(span["kind"] == 1)
        #expect(span["startTimeUnixNano"] == "1700000000000000000")
        #expect(span["endTimeUnixNano"] == "1700000001500000000")
        #expect(span["flags"] == 1)
    }

    @Test func childSpanHasEveryField() throws {
        let span = try #require(Self.spans(try Self.roundTrip(Self.batch([Self.root, Self.child]))).last)
        #expect(
            Self.keys(span) == [
                "traceId", "spanId", "traceState", "parentSpanId", "name", "kind", "startTimeUnixNano",
                "endTimeUnixNano", "attributes", "droppedAttributesCount", "events", "droppedEventsCount", "status",
                "flags",
            ])
        #expect(span["spanId"] == "1122334455667788")
        #expect(span["parentSpanId"] == "00aabbccddeeff01")
        #expect(span["traceState"] == "vendor=abc")
        #expect(span["kind"] == 3)
        #expect(span["endTimeUnixNano"] == "18446744073709551615")
        #expect(span["droppedAttributesCount"] == 3)
        #expect(span["droppedEventsCount"] == 7)
        #expect(span["flags"] == 769)
        #expect(span["status"] == ["message": "rate limited", "code": 2])
        #expect(Self.keys(span["status"]) == ["message", "code"])
    }

    @Test func attributeValueKinds() throws {
        let span = try #require(Self.spans(try Self.roundTrip(Self.batch([Self.child]))).first)
        let attributes = try #require(span["attributes"]?.arrayValue)
        #expect(attributes.allSatisfy { Self.keys($0) == ["key", "value"] })
        let values = span["attributes"]
        #expect(Self.attribute("s", in: values) == ["stringValue": "text"])
        #expect(Self.attribute("b", in: values) == ["boolValue": true])
        #expect(Self.attribute("f", in: values) == ["boolValue": false])
        #expect(Self.attribute("i", in: values) == ["intValue": "42"])
        #expect(Self.attribute("neg", in: values) == ["intValue": "-9223372036854775808"])
        #expect(Self.attribute("d", in: values)?["doubleValue"]?.doubleValue == 2.5)
        #expect(
            Self.attribute("a", in: values) == [
                "arrayValue": ["values": [["stringValue": "x"], ["stringValue": "y"]]]
            ])
        #expect(Self.attribute("empty", in: values) == ["arrayValue": [:]])
    }

    @Test func events() throws {
        let span = try #require(Self.spans(try Self.roundTrip(Self.batch([Self.child]))).first)
        let events = try #require(span["events"]?.arrayValue)
        #expect(events.count == 2)
        #expect(Self.keys(events[0]) == ["timeUnixNano", "name", "attributes"])
        #expect(events[0]["timeUnixNano"] == "1700000000200000000")
        #expect(events[0]["name"] == "first token")
        #expect(Self.attribute("n", in: events[0]["attributes"]) == ["intValue": "1"])
        #expect(Self.keys(events[1]) == ["timeUnixNano", "name"])
    }

    @Test func statusVariants() throws {
        func status(_ status: OTLP.SpanStatus) throws -> JSONValue? {
            var span = Self.root
            span.status = status
            return Self.spans(try Self.roundTrip(Self.batch([span]))).first?["status"]
        }
        #expect(try status(.unset) == nil)
        #expect(try status(.ok) == ["code": 1])
        #expect(try status(OTLP.SpanStatus(code: .unset, message: "note")) == ["message": "note"])
        #expect(try status(OTLP.SpanStatus(code: .error)) == ["code": 2])
    }

    @Test func zeroAndEmptyFieldsAreOmitted() throws {
        let bare = OTLP.Span(
            traceID: Self.traceID, spanID: Self.rootID, traceState: "", name: "", kind: .unspecified,
            startTimeUnixNano: 0, endTimeUnixNano: 0, flags: 0)
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(), scope: OTLP.InstrumentationScope(name: "", version: ""), spans: [bare])
        let request = try Self.roundTrip(batch)
        let resourceSpans = request["resourceSpans"]?.arrayValue?.first
        #expect(resourceSpans?["resource"] == [:])
        #expect(resourceSpans?["scopeSpans"]?.arrayValue?.first?["scope"] == [:])
        let span = try #require(Self.spans(request).first)
        #expect(Self.keys(span) == ["traceId", "spanId"])
    }

    @Test func emptyBatch() throws {
        let bytes = OTLPJSONEncoder().encode(Self.batch([]))
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"atof-bridge","version":"0.1.0"}}]}]}"#
        )
    }

    @Test func exactBytesForASmallSpan() throws {
        let span = OTLP.Span(
            traceID: Self.traceID, spanID: Self.childID, parentSpanID: Self.rootID, name: "t", kind: .server,
            startTimeUnixNano: 10, endTimeUnixNano: 20, attributes: [OTLP.Attribute("k", 0)], status: .ok)
        let text = String(decoding: OTLPJSONEncoder().encode(Self.batch([span])), as: UTF8.self)
        let expectedSpan =
            #"{"traceId":"0123456789abcdeffedcba9876543210","spanId":"1122334455667788","parentSpanId":"00aabbccddeeff01","name":"t","kind":2,"startTimeUnixNano":"10","endTimeUnixNano":"20","attributes":[{"key":"k","value":{"intValue":"0"}}],"status":{"code":1},"flags":1}"#
        #expect(text.contains(#""spans":["# + expectedSpan + "]"))
    }

    @Test(arguments: [
        (Double.nan, "NaN"), (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"),
        (Double.signalingNaN, "NaN"), (-Double.nan, "NaN"),
    ])
    func nonFiniteDoubles(value: Double, expected: String) throws {
        var span = Self.root
        span.attributes = [OTLP.Attribute("d", .double(value))]
        let request = try Self.roundTrip(Self.batch([span]))
        let encoded = Self.attribute("d", in: Self.spans(request).first?["attributes"])
        #expect(encoded == ["doubleValue": .string(expected)])
    }

    @Test(arguments: [
        0.0, -0.0, 1.0, 0.1, 1e-5, 1e21, -123.456, Double.greatestFiniteMagnitude,
        Double.leastNonzeroMagnitude, Double.ulpOfOne,
    ])
    func finiteDoublesRoundTrip(value: Double) throws {
        var span = Self.root
        span.attributes = [OTLP.Attribute("d", .double(value))]
        let request = try Self.roundTrip(Self.batch([span]))
        let number = Self.attribute("d", in: Self.spans(request).first?["attributes"])?["doubleValue"]
        let decoded = try #require(number?.doubleValue)
        #expect(decoded == value)
        #expect(decoded.sign == value.sign)
    }

    @Test func int64Extremes() throws {
        var span = Self.root
        span.attributes = [OTLP.Attribute("max", .int(.max)), OTLP.Attribute("min", .int(.min)), OTLP.Attribute("m1", -1)]
        let attributes = Self.spans(try Self.roundTrip(Self.batch([span]))).first?["attributes"]
        #expect(Self.attribute("max", in: attributes) == ["intValue": "9223372036854775807"])
        #expect(Self.attribute("min", in: attributes) == ["intValue": "-9223372036854775808"])
        #expect(Self.attribute("m1", in: attributes) == ["intValue": "-1"])
    }

    @Test func awkwardStringsRoundTrip() throws {
        let strings = [
            #"say "hi" \ back\slash"#, "line1\nline2\r\n\ttab", "nul\u{0}byte", "\u{1}\u{1F}\u{7F}",
            "héllo wörld — 日本語 🚀", "\u{2028}\u{2029}", "",
        ]
        var span = Self.root
        span.name = strings[0]
        span.traceState = strings[1]
        span.status = .error(strings[2])
        span.attributes = strings.enumerated().map { OTLP.Attribute("k\($0.offset)\n\"", .string($0.element)) }
        span.attributes.append(OTLP.Attribute("arr", .stringArray(strings)))
        span.events = [OTLP.SpanEvent(name: strings[4], timeUnixNano: 5)]
        let bytes = OTLPJSONEncoder().encode(Self.batch([span]))
        #expect(!bytes.contains(0x0A))
        #expect(!bytes.contains(0x0D))
        #expect(!bytes.contains(0x00))
        #expect(String(validating: bytes, as: UTF8.self) != nil)
        let decoded = try #require(Self.spans(try JSONParser.parse(bytes)).first)
        #expect(decoded["name"]?.stringValue == strings[0])
        #expect(decoded["traceState"]?.stringValue == strings[1])
        #expect(decoded["status"]?["message"]?.stringValue == strings[2])
        #expect(decoded["events"]?.arrayValue?.first?["name"]?.stringValue == strings[4])
        for (index, string) in strings.enumerated() {
            #expect(Self.attribute("k\(index)\n\"", in: decoded["attributes"]) == ["stringValue": .string(string)])
        }
        let array = Self.attribute("arr", in: decoded["attributes"])?["arrayValue"]?["values"]?.arrayValue
        #expect(array?.compactMap { $0["stringValue"]?.stringValue } == strings)
    }

    @Test func appendsToAnExistingBuffer() throws {
        let batch = Self.batch([Self.root, Self.child])
        let encoder = OTLPJSONEncoder()
        var buffer = Array("previous line\n".utf8)
        encoder.encode(batch, appendingTo: &buffer)
        buffer.append(0x0A)
        encoder.encode(batch, appendingTo: &buffer)
        buffer.append(0x0A)
        let single = encoder.encode(batch)
        #expect(buffer == Array("previous line\n".utf8) + single + [0x0A] + single + [0x0A])
    }

    @Test func manySpansStayOneLine() throws {
        var spans: [OTLP.Span] = []
        for index: UInt64 in 1...500 {
            let parent: OTLP.SpanID? = index == 1 ? nil : Self.rootID
            let attribute = OTLP.Attribute("index", .int(Int64(index)))
            spans.append(
                OTLP.Span(
                    traceID: Self.traceID, spanID: OTLP.SpanID(index), parentSpanID: parent, name: "span \(index)",
                    startTimeUnixNano: index, endTimeUnixNano: index + 1, attributes: [attribute]))
        }
        let request = try Self.roundTrip(Self.batch(spans))
        let decoded = Self.spans(request)
        #expect(decoded.count == 500)
        #expect(decoded[9]["spanId"] == "000000000000000a")
        #expect(decoded[0]["parentSpanId"] == nil)
        #expect(decoded[499]["startTimeUnixNano"] == "500")
    }

    /// With `ATOF_BRIDGE_OTLP_SAMPLE_DIR` set, writes `otlp-json-sample.jsonl` (two requests, one
    /// per line) and `otlp-json-sample.expect.json` there for `scripts/verify_otlp.py json --expect`,
    /// so that an independent decoder checks this encoder's output.
    @Test func writesSampleForIndependentDecoder() throws {
        guard let directory = ProcessInfo.processInfo.environment["ATOF_BRIDGE_OTLP_SAMPLE_DIR"], !directory.isEmpty
        else { return }
        var odd = Self.child
        odd.spanID = OTLP.SpanID(0x0FED_CBA9_8765_4321)
        odd.name = "quote \" nl \n nul \u{0} 日本 🚀"
        odd.kind = .unspecified
        odd.status = OTLP.SpanStatus(code: .ok)
        odd.attributes += [
            OTLP.Attribute("nan", .double(.nan)), OTLP.Attribute("inf", .double(.infinity)),
            OTLP.Attribute("-inf", .double(-.infinity)), OTLP.Attribute("tiny", .double(.leastNonzeroMagnitude)),
        ]
        let batches = [Self.batch([Self.root, Self.child]), Self.batch([odd])]
        var lines: [UInt8] = []
        for batch in batches {
            OTLPJSONEncoder().encode(batch, appendingTo: &lines)
            lines.append(0x0A)
        }
        let url = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(lines).write(to: url.appendingPathComponent("otlp-json-sample.jsonl"))

        var expected: [JSONValue] = []
        for span in batches.flatMap(\.spans) {
            expected.append([
                "name": .string(span.name), "spanId": .string(span.spanID.hex), "traceId": .string(span.traceID.hex),
                "parentSpanId": span.parentSpanID.map { .string($0.hex) } ?? .null,
                "kind": .number(JSONNumber(Int64(span.kind.rawValue))),
                "statusCode": .number(JSONNumber(Int64(span.status.code.rawValue))),
            ])
        }
        try Data(JSONValue.array(expected).compactJSON.utf8).write(to: url.appendingPathComponent("otlp-json-sample.expect.json"))
    }
}
