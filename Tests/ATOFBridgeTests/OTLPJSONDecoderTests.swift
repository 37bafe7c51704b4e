import ATOF
import Foundation
import Testing

@testable import ATOFBridge

@Suite struct OTLPJSONDecoderTests {
    // MARK: Fixtures

    static let traceID = OTLP.TraceID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
    static let rootID = OTLP.SpanID(0x00AA_BBCC_DDEE_FF01)
    static let childID = OTLP.SpanID(0x1122_3344_5566_7788)

    /// A span with every field set and every attribute kind, including the doubles JSON numbers
    /// cannot hold.
    static let everyField = OTLP.Span(
        traceID: traceID,
        spanID: childID,
        parentSpanID: rootID,
        traceState: "vendor=abc,other=\"q\"",
        name: "llm call \u{1F680} \"quoted\"\n",
        kind: .client,
        startTimeUnixNano: 1_700_000_000_100_000_000,
        endTimeUnixNano: 18_446_744_073_709_551_615,
        attributes: [
            OTLP.Attribute("s", "text with \\ and \u{7}"),
            OTLP.Attribute("", "empty key"),
            OTLP.Attribute("empty string", ""),
            OTLP.Attribute("b", true),
            OTLP.Attribute("f", false),
            OTLP.Attribute("zero", 0),
            OTLP.Attribute("i", 42),
            OTLP.Attribute("max", .int(.max)),
            OTLP.Attribute("min", .int(.min)),
            OTLP.Attribute("d", 2.5),
            OTLP.Attribute("tiny", .double(.leastNonzeroMagnitude)),
            OTLP.Attribute("huge", .double(.greatestFiniteMagnitude)),
            OTLP.Attribute("negative zero", .double(-0.0)),
            OTLP.Attribute("whole", .double(3.0)),
            OTLP.Attribute("nan", .double(.nan)),
            OTLP.Attribute("inf", .double(.infinity)),
            OTLP.Attribute("-inf", .double(-.infinity)),
            OTLP.Attribute("a", .stringArray(["x", "", "z\u{0}"])),
            OTLP.Attribute("empty array", .stringArray([])),
        ],
        droppedAttributesCount: 3,
        events: [
            OTLP.SpanEvent(name: "first token", timeUnixNano: 1_700_000_000_200_000_000, attributes: [OTLP.Attribute("n", 1)]),
            OTLP.SpanEvent(name: "exception", timeUnixNano: 1_700_000_000_300_000_000),
            OTLP.SpanEvent(name: "", timeUnixNano: 0, attributes: [OTLP.Attribute("nan", .double(.nan))]),
        ],
        droppedEventsCount: 7,
        status: .error("rate limited"),
        flags: 0x301
    )

    static let root = OTLP.Span(
        traceID: traceID, spanID: rootID, name: "agent turn", startTimeUnixNano: 1_700_000_000_000_000_000,
        endTimeUnixNano: 1_700_000_001_500_000_000, attributes: [OTLP.Attribute("atof.category", "agent")],
        status: .ok)

    static let batch = OTLP.SpanBatch(
        resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "svc"), OTLP.Attribute("pid", 7)]),
        scope: OTLP.InstrumentationScope(name: "atof-bridge", version: "0.1.0"),
        spans: [root, everyField]
    )

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A foreign line (Collector style) with two spans, used as the base of the error cases.
    static let foreignLine = #"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
         "scopeSpans":[{"scope":{"name":"lib","version":"1"},"spans":[
          {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B173","name":"root","kind":2,
           "startTimeUnixNano":"10","endTimeUnixNano":"20","status":{}},
          {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
           "name":"child","kind":3,"startTimeUnixNano":"11","endTimeUnixNano":"19",
           "attributes":[{"key":"i","value":{"intValue":"1"}},{"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"}]}}}],
           "events":[{"timeUnixNano":"12","name":"e","attributes":[{"key":"d","value":{"doubleValue":1.5}}]}],
           "status":{"code":2,"message":"boom"},"flags":1}]}]}]}
        """#

    // MARK: Helpers

    static func decode(_ text: String) throws -> OTLPJSONDecodedLine {
        try OTLPJSONDecoder().decode(text)
    }

    /// The error decoding `text` throws, or `nil` when it decodes.
    static func error(_ text: String) -> OTLPJSONDecodingError? {
        do {
            _ = try OTLPJSONDecoder().decode(text)
            return nil
        } catch {
            return error
        }
    }

    /// `foreignLine` with one replacement, which must apply.
    static func foreign(replacing target: String, with replacement: String) -> String {
        #expect(foreignLine.contains(target), "the test's replacement target \(target) is not in the base line")
        return foreignLine.replacingOccurrences(of: target, with: replacement)
    }

    /// The batch with each double replaced by its bit pattern, so that NaN compares equal to NaN
    /// and -0.0 differs from 0.0.
    static func bitExact(_ batch: OTLP.SpanBatch) -> OTLP.SpanBatch {
        func exact(_ attributes: [OTLP.Attribute]) -> [OTLP.Attribute] {
            attributes.map { attribute in
                guard case .double(let number) = attribute.value else { return attribute }
                return OTLP.Attribute(attribute.key, .string("double bits \(number.bitPattern)"))
            }
        }
        var copy = batch
        copy.resource.attributes = exact(copy.resource.attributes)
        for index in copy.spans.indices {
            copy.spans[index].attributes = exact(copy.spans[index].attributes)
            for event in copy.spans[index].events.indices {
                copy.spans[index].events[event].attributes = exact(copy.spans[index].events[event].attributes)
            }
        }
        return copy
    }

    static func goldenLines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("golden/\(name).otlp.jsonl"))
        return Array(data).split(separator: 0x0A, omittingEmptySubsequences: true).map(Array.init)
    }

    // MARK: Round trips

    @Test("every span field and attribute kind survives encode then decode, NaN and -0.0 included")
    func roundTripEveryField() throws {
        let bytes = OTLPJSONEncoder().encode(Self.batch)
        let decoded = try OTLPJSONDecoder().decode(bytes)
        #expect(decoded.warnings.isEmpty)
        #expect(decoded.batches.count == 1)
        let batch = try #require(decoded.batches.first)
        #expect(Self.bitExact(batch) == Self.bitExact(Self.batch))
        // The bit-exact comparison must itself notice a changed double.
        var changed = Self.batch
        changed.spans[1].attributes[13] = OTLP.Attribute("whole", .double(3.0000000000000004))
        #expect(Self.bitExact(batch) != Self.bitExact(changed))
        // And re-encoding gives the same bytes.
        #expect(OTLPJSONEncoder().encode(batch) == bytes)
        #expect(decoded.spanCount == 2)
    }

    @Test("a span with only ids decodes with every other field at its default, and encodes back the same")
    func bareSpanDefaults() throws {
        let bare = OTLP.Span(
            traceID: Self.traceID, spanID: Self.rootID, name: "", kind: .unspecified, startTimeUnixNano: 0,
            endTimeUnixNano: 0, flags: 0)
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(), scope: OTLP.InstrumentationScope(name: "", version: ""), spans: [bare])
        let bytes = OTLPJSONEncoder().encode(batch)
        let decoded = try OTLPJSONDecoder().decode(bytes)
        #expect(decoded.batches == [batch])
        #expect(decoded.batches.first?.spans.first?.traceState == nil)
        #expect(decoded.batches.first?.spans.first?.flags == 0)
        #expect(OTLPJSONEncoder().encode(try #require(decoded.batches.first)) == bytes)
    }

    @Test(
        "each golden OTLP/JSON line decodes without warnings and re-encodes to the same bytes",
        arguments: ["nemo-relay-llm-calls", "nemo-relay-scopes-tools-marks", "nemo-relay-streaming-marks"])
    func goldenFilesRoundTrip(_ name: String) throws {
        let lines = try Self.goldenLines(name)
        #expect(!lines.isEmpty)
        for line in lines {
            let decoded = try OTLPJSONDecoder().decode(line)
            #expect(decoded.warnings.isEmpty)
            #expect(decoded.batches.count == 1)
            #expect(decoded.spanCount > 0)
            let batch = try #require(decoded.batches.first)
            #expect(OTLPJSONEncoder().encode(batch) == line)
        }
    }

    @Test("the String, bytes and JSONValue entry points agree")
    func entryPointsAgree() throws {
        let fromText = try Self.decode(Self.foreignLine)
        let fromBytes = try OTLPJSONDecoder().decode(Array(Self.foreignLine.utf8))
        let fromValue = try OTLPJSONDecoder().decode(try JSONParser.parse(Self.foreignLine))
        #expect(fromText == fromBytes)
        #expect(fromText == fromValue)
        #expect(fromText.spanCount == 2)
    }

    // MARK: Foreign producers

    @Test("a Collector-style line: uppercase hex ids, resource and scope kept, every field read")
    func foreignLineFields() throws {
        let decoded = try Self.decode(Self.foreignLine)
        #expect(decoded.warnings.isEmpty)
        let batch = try #require(decoded.batches.first)
        #expect(batch.resource == OTLP.Resource(attributes: [OTLP.Attribute("service.name", "svc")]))
        #expect(batch.scope == OTLP.InstrumentationScope(name: "lib", version: "1"))
        let trace = try #require(OTLP.TraceID(hex: "5b8efff798038103d269b633813fc60c"))
        let expected = [
            OTLP.Span(
                traceID: trace, spanID: OTLP.SpanID(0xEEE1_9B7E_C3C1_B173), name: "root", kind: .server,
                startTimeUnixNano: 10, endTimeUnixNano: 20, flags: 0),
            OTLP.Span(
                traceID: trace, spanID: OTLP.SpanID(0xEEE1_9B7E_C3C1_B174), parentSpanID: OTLP.SpanID(0xEEE1_9B7E_C3C1_B173),
                name: "child", kind: .client, startTimeUnixNano: 11, endTimeUnixNano: 19,
                attributes: [OTLP.Attribute("i", 1), OTLP.Attribute("a", .stringArray(["x"]))],
                events: [OTLP.SpanEvent(name: "e", timeUnixNano: 12, attributes: [OTLP.Attribute("d", 1.5)])],
                status: .error("boom"), flags: 1),
        ]
        #expect(batch.spans == expected)
    }

    @Test("64-bit integers as JSON numbers, 32-bit ones as strings, doubles as integers or quoted numbers")
    func numbersInEitherForm() throws {
        let line = Self.foreign(
            replacing: #""startTimeUnixNano":"11","endTimeUnixNano":"19""#,
            with:
                #""startTimeUnixNano":1795262405318869451,"endTimeUnixNano":18446744073709551615,"droppedAttributesCount":"4","droppedEventsCount":5"#
        )
        .replacingOccurrences(of: #"{"intValue":"1"}"#, with: #"{"intValue":-9223372036854775808}"#)
        .replacingOccurrences(
            of: #"{"key":"d","value":{"doubleValue":1.5}}"#,
            with: #"{"key":"d","value":{"doubleValue":"-2.5e3"}},{"key":"n","value":{"doubleValue":7}}"#
        )
        .replacingOccurrences(of: #""flags":1"#, with: #""flags":"4294967295""#)
        .replacingOccurrences(of: #""timeUnixNano":"12""#, with: #""timeUnixNano":12"#)
        let span = try #require(try Self.decode(line).batches.first?.spans.last)
        #expect(span.startTimeUnixNano == 1_795_262_405_318_869_451)
        #expect(span.endTimeUnixNano == .max)
        #expect(span.droppedAttributesCount == 4)
        #expect(span.droppedEventsCount == 5)
        #expect(span.flags == .max)
        #expect(span[attribute: "i"] == .int(.min))
        #expect(span.events.first?.timeUnixNano == 12)
        #expect(span.events.first?.attributes == [OTLP.Attribute("d", -2500.0), OTLP.Attribute("n", 7.0)])
    }

    @Test("enums may be written as their names")
    func enumNames() throws {
        let line = Self.foreign(replacing: #""kind":2"#, with: #""kind":"SPAN_KIND_SERVER""#)
            .replacingOccurrences(of: #""kind":3"#, with: #""kind":"SPAN_KIND_CONSUMER""#)
            .replacingOccurrences(of: #""code":2"#, with: #""code":"STATUS_CODE_OK""#)
        let spans = try #require(try Self.decode(line).batches.first?.spans)
        #expect(spans.map(\.kind) == [.server, .consumer])
        #expect(spans.last?.status == OTLP.SpanStatus(code: .ok, message: "boom"))
    }

    @Test("unknown members, schemaUrl and null members are ignored at every level")
    func unknownAndNullMembers() throws {
        let plain = try Self.decode(Self.foreignLine)
        let noisy = Self.foreignLine
            .replacingOccurrences(of: #"{"resourceSpans":["#, with: #"{"extra":{"deep":[1]},"resourceSpans":["#)
            .replacingOccurrences(of: #""resource":{"#, with: #""schemaUrl":"https://x","resource":{"future":1,"#)
            .replacingOccurrences(of: #""scope":{"#, with: #""schemaUrl":"s","scope":{"other":"x","#)
            .replacingOccurrences(of: #""name":"root","#, with: #""name":"root","newField":[{}],"traceState":null,"links":null,"#)
            .replacingOccurrences(of: #""message":"boom""#, with: #""message":"boom","deprecatedCode":1"#)
            .replacingOccurrences(of: #"{"key":"i","#, with: #"{"keyStrindex":3,"key":"i","#)
        #expect(noisy != Self.foreignLine)
        #expect(try Self.decode(noisy) == plain)
    }

    @Test("proto field names (snake_case) are read like the JSON names")
    func snakeCaseNames() throws {
        let plain = try Self.decode(Self.foreignLine)
        var snake = Self.foreignLine
        for (camel, proto) in [
            ("resourceSpans", "resource_spans"), ("scopeSpans", "scope_spans"), ("traceId", "trace_id"),
            ("spanId", "span_id"), ("parentSpanId", "parent_span_id"), ("startTimeUnixNano", "start_time_unix_nano"),
            ("endTimeUnixNano", "end_time_unix_nano"), ("timeUnixNano", "time_unix_nano"), ("intValue", "int_value"),
            ("stringValue", "string_value"), ("arrayValue", "array_value"), ("doubleValue", "double_value"),
        ] {
            snake = snake.replacingOccurrences(of: "\"\(camel)\"", with: "\"\(proto)\"")
        }
        #expect(!snake.contains("Id\""))
        #expect(try Self.decode(snake) == plain)
    }

    @Test("several resourceSpans and scopeSpans give one batch each, in order, with their own resource and scope")
    func multipleResourcesAndScopes() throws {
        func span(_ id: String, _ name: String) -> String {
            #"{"traceId":"0123456789abcdef0123456789abcdef","spanId":"\#(id)","name":"\#(name)"}"#
        }
        let line = """
            {"resourceSpans":[
             {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[
               {"scope":{"name":"s1"},"spans":[\(span("0000000000000001", "a1")),\(span("0000000000000002", "a2"))]},
               {"scope":{"name":"empty"},"spans":[]},
               {"scope":{"name":"s2","version":"2"},"spans":[\(span("0000000000000003", "a3"))]}]},
             {"resource":{},"scopeSpans":[]},
             {"scopeSpans":[{"spans":[\(span("0000000000000004", "b1"))]}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"b"}}]}}
            ]}
            """
        let decoded = try Self.decode(line)
        #expect(
            decoded.batches.map(\.scope) == [
                OTLP.InstrumentationScope(name: "s1", version: ""), OTLP.InstrumentationScope(name: "s2", version: "2"),
                OTLP.InstrumentationScope(name: "", version: ""),
            ])
        #expect(decoded.batches.map { $0.resource.attributes.first?.value.stringValue } == ["a", "a", "b"])
        #expect(decoded.batches.map { $0.spans.map(\.name) } == [["a1", "a2"], ["a3"], ["b1"]])
        #expect(decoded.spanCount == 4)
    }

    @Test(
        "a line with zero spans decodes to no batches",
        arguments: [
            "{}", #"{"resourceSpans":[]}"#, #"{"resourceSpans":null}"#,
            #"{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{"name":"x"}}]}]}"#,
        ])
    func zeroSpans(_ line: String) throws {
        let decoded = try Self.decode(line)
        #expect(decoded.batches.isEmpty)
        #expect(decoded.warnings.isEmpty)
    }

    @Test("an empty batch written by the encoder decodes to no batches")
    func encodedEmptyBatch() throws {
        let empty = OTLP.SpanBatch(resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "svc")]), spans: [])
        #expect(try OTLPJSONDecoder().decode(OTLPJSONEncoder().encode(empty)).batches.isEmpty)
    }

    // MARK: What the model cannot hold

    static func attributeLine(_ values: String) -> String {
        #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0000000000000001","droppedAttributesCount":2,"attributes":["#
            + values + "]}]}]}]}"
    }

    @Test("kvlist, bytes and non-string arrays become string attributes holding their JSON text, with a warning each")
    func unrepresentableValuesBecomeJSONText() throws {
        let line = Self.attributeLine(
            #"""
            {"key":"map","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v\"q"}},{"key":"n","value":{"intValue":"1"}},{"key":"e"}]}}},
            {"key":"bytes","value":{"bytesValue":"AAEC/w=="}},
            {"key":"ints","value":{"arrayValue":{"values":[{"intValue":"1"},{"intValue":-2}]}}},
            {"key":"mixed","value":{"arrayValue":{"values":[{"stringValue":"x"},{"doubleValue":"NaN"},{"doubleValue":0.5},{"boolValue":true},{},{"bytesValue":"AA"},{"arrayValue":{}},{"kvlistValue":{}}]}}},
            {"key":"strings","value":{"arrayValue":{"values":[{"stringValue":"x"}]}}}
            """#)
        let decoded = try Self.decode(line)
        let span = try #require(decoded.batches.first?.spans.first)
        #expect(
            span.attributes == [
                OTLP.Attribute("map", .string(#"{"k":"v\"q","n":1,"e":null}"#)),
                OTLP.Attribute("bytes", .string("AAEC/w==")),
                OTLP.Attribute("ints", .string("[1,-2]")),
                OTLP.Attribute("mixed", .string(#"["x","NaN",0.5,true,null,"AA",[],{}]"#)),
                OTLP.Attribute("strings", .stringArray(["x"])),
            ])
        #expect(span.droppedAttributesCount == 2)
        #expect(decoded.warnings.map(\.kind) == Array(repeating: .valueConvertedToString, count: 4))
        #expect(
            decoded.warnings.map(\.path)
                == (0..<4).map {
                    "resourceSpans[0].scopeSpans[0].spans[0].attributes[\($0)].value"
                })
        #expect(decoded.warnings.first?.message.contains(#"attribute "map""#) == true)
    }

    @Test("an attribute without a value is dropped, counted on the span and reported")
    func emptyValuesAreDroppedAndCounted() throws {
        let line = Self.attributeLine(
            #"{"key":"a","value":{}},{"key":"b"},{"key":"c","value":{"stringValue":"kept"}},{"key":"d","value":null}"#)
        let decoded = try Self.decode(line)
        let span = try #require(decoded.batches.first?.spans.first)
        #expect(span.attributes == [OTLP.Attribute("c", "kept")])
        #expect(span.droppedAttributesCount == 2 + 3)
        #expect(decoded.warnings.map(\.kind) == [.emptyValueDropped, .emptyValueDropped, .emptyValueDropped])
        #expect(decoded.warnings.map(\.path) == [0, 1, 3].map { "resourceSpans[0].scopeSpans[0].spans[0].attributes[\($0)]" })
        // Events and resources have no counter: the attribute is still dropped and reported.
        let onEvent = Self.foreign(replacing: #"{"key":"d","value":{"doubleValue":1.5}}"#, with: #"{"key":"d","value":{}}"#)
        let eventDecoded = try Self.decode(onEvent)
        #expect(eventDecoded.batches.first?.spans.last?.events.first?.attributes == [])
        #expect(eventDecoded.warnings.map(\.path) == ["resourceSpans[0].scopeSpans[0].spans[1].events[0].attributes[0]"])
    }

    @Test("links, dropped-link counts and other fields the model lacks are dropped with a warning naming the field")
    func droppedFieldsAreReported() throws {
        let line = Self.foreign(
            replacing: #""status":{"code":2,"message":"boom"}"#,
            with:
                #""links":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B173"},{}],"droppedLinksCount":4,"status":{"code":2,"message":"boom"}"#
        )
        .replacingOccurrences(of: #""name":"e","#, with: #""name":"e","droppedAttributesCount":6,"#)
        .replacingOccurrences(
            of: #""scope":{"name":"lib","#,
            with: #""scope":{"attributes":[{"key":"x","value":{"intValue":"1"}}],"droppedAttributesCount":1,"name":"lib","#
        )
        .replacingOccurrences(of: #""resource":{"#, with: #""resource":{"droppedAttributesCount":8,"entityRefs":[{"type":"service"}],"#)
        let decoded = try Self.decode(line)
        #expect(decoded.spanCount == 2)
        let summary = decoded.warnings.map { "\($0.kind.rawValue) \($0.path) \($0.count)" }
        #expect(
            summary == [
                "fieldIgnored resourceSpans[0].resource.droppedAttributesCount 8",
                "fieldIgnored resourceSpans[0].resource.entityRefs 1",
                "fieldIgnored resourceSpans[0].scopeSpans[0].scope.attributes 1",
                "fieldIgnored resourceSpans[0].scopeSpans[0].scope.droppedAttributesCount 1",
                "fieldIgnored resourceSpans[0].scopeSpans[0].spans[1].events[0].droppedAttributesCount 6",
                "linksDropped resourceSpans[0].scopeSpans[0].spans[1].links 2",
                "fieldIgnored resourceSpans[0].scopeSpans[0].spans[1].droppedLinksCount 4",
            ])
        // Zero counts and empty lists lose nothing and say nothing.
        let quiet = Self.foreign(replacing: #""flags":1"#, with: #""flags":1,"links":[],"droppedLinksCount":0"#)
        #expect(try Self.decode(quiet).warnings.isEmpty)
    }

    @Test("an all-zero parentSpanId means no parent, with a warning; an empty one means no parent silently")
    func zeroAndEmptyParent() throws {
        let zero = Self.foreign(replacing: #""parentSpanId":"EEE19B7EC3C1B173""#, with: #""parentSpanId":"0000000000000000""#)
        let decoded = try Self.decode(zero)
        #expect(decoded.batches.first?.spans.last?.parentSpanID == nil)
        #expect(decoded.warnings.map(\.kind) == [.zeroParentSpanID])
        #expect(decoded.warnings.first?.path == "resourceSpans[0].scopeSpans[0].spans[1].parentSpanId")
        let empty = Self.foreign(replacing: #""parentSpanId":"EEE19B7EC3C1B173""#, with: #""parentSpanId":"""#)
        let emptyDecoded = try Self.decode(empty)
        #expect(emptyDecoded.batches.first?.spans.last?.parentSpanID == nil)
        #expect(emptyDecoded.warnings.isEmpty)
    }

    // MARK: Errors

    @Test("a malformed trace id is reported with its full field path and what was expected")
    func traceIDErrorMessage() {
        let error = Self.error(
            Self.foreign(
                replacing: #""traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174""#,
                with: #""traceId":"xyz","spanId":"EEE19B7EC3C1B174""#))
        #expect(error?.kind == .invalidValue)
        #expect(error?.description == #"resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex digits, got "xyz""#)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var label: String
        var target: String
        var replacement: String
        var path: String
        var kind: OTLPJSONDecodingError.Kind = .invalidValue
        var expected: String
        var testDescription: String { label }
    }

    static let spans0 = "resourceSpans[0].scopeSpans[0].spans[0]"
    static let spans1 = "resourceSpans[0].scopeSpans[0].spans[1]"

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            label: "short span id", target: #""spanId":"EEE19B7EC3C1B173""#, replacement: #""spanId":"EEE19B7EC3C1B17""#,
            path: "\(spans0).spanId", expected: #"expected 16 hex digits, got "EEE19B7EC3C1B17""#),
        ErrorCase(
            label: "span id as a number", target: #""spanId":"EEE19B7EC3C1B173""#, replacement: #""spanId":12"#,
            path: "\(spans0).spanId", expected: "expected 16 hex digits, got 12"),
        ErrorCase(
            label: "all-zero span id", target: #""spanId":"EEE19B7EC3C1B173""#, replacement: #""spanId":"0000000000000000""#,
            path: "\(spans0).spanId", expected: "not all zero"),
        ErrorCase(
            label: "all-zero trace id", target: #""traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B173""#,
            replacement: #""traceId":"00000000000000000000000000000000","spanId":"EEE19B7EC3C1B173""#,
            path: "\(spans0).traceId", expected: "not all zero"),
        ErrorCase(
            label: "base64 parent id", target: #""parentSpanId":"EEE19B7EC3C1B173""#, replacement: #""parentSpanId":"7uGbfsPBsXM=""#,
            path: "\(spans1).parentSpanId", expected: #"expected 16 hex digits, got "7uGbfsPBsXM=""#),
        ErrorCase(
            label: "missing trace id", target: #""traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B173","#,
            replacement: #""spanId":"EEE19B7EC3C1B173","#, path: "\(spans0).traceId", kind: .missingField, expected: "missing"),
        ErrorCase(
            label: "empty span id", target: #""spanId":"EEE19B7EC3C1B174""#, replacement: #""spanId":"""#,
            path: "\(spans1).spanId", kind: .missingField, expected: "missing"),
        ErrorCase(
            label: "unknown kind number", target: #""kind":2"#, replacement: #""kind":9"#,
            path: "\(spans0).kind", expected: "expected a SpanKind: an integer 0...5 or a name such as \"SPAN_KIND_SERVER\", got 9"),
        ErrorCase(
            label: "unknown kind name", target: #""kind":2"#, replacement: #""kind":"SERVER""#,
            path: "\(spans0).kind", expected: #"got "SERVER""#),
        ErrorCase(
            label: "unknown status code", target: #""code":2"#, replacement: #""code":5"#,
            path: "\(spans1).status.code", expected: "expected a StatusCode"),
        ErrorCase(
            label: "negative time", target: #""startTimeUnixNano":"10""#, replacement: #""startTimeUnixNano":"-10""#,
            path: "\(spans0).startTimeUnixNano", expected: #"expected an unsigned 64-bit integer"#),
        ErrorCase(
            label: "fractional time", target: #""endTimeUnixNano":"20""#, replacement: #""endTimeUnixNano":20.5"#,
            path: "\(spans0).endTimeUnixNano", expected: "got 20.5"),
        ErrorCase(
            label: "time over 64 bits", target: #""endTimeUnixNano":"20""#, replacement: #""endTimeUnixNano":"18446744073709551616""#,
            path: "\(spans0).endTimeUnixNano", expected: "expected an unsigned 64-bit integer"),
        ErrorCase(
            label: "flags over 32 bits", target: #""flags":1"#, replacement: #""flags":4294967296"#,
            path: "\(spans1).flags", expected: "expected an unsigned 32-bit integer, got 4294967296"),
        ErrorCase(
            label: "int attribute not a number", target: #"{"intValue":"1"}"#, replacement: #"{"intValue":"forty-two"}"#,
            path: "\(spans1).attributes[0].value.intValue", expected: #"got "forty-two""#),
        ErrorCase(
            label: "double attribute as text", target: #"{"doubleValue":1.5}"#, replacement: #"{"doubleValue":"fast"}"#,
            path: "\(spans1).events[0].attributes[0].value.doubleValue", expected: #"got "fast""#),
        ErrorCase(
            label: "Swift-only double spelling", target: #"{"doubleValue":1.5}"#, replacement: #"{"doubleValue":"inf"}"#,
            path: "\(spans1).events[0].attributes[0].value.doubleValue", expected: #"got "inf""#),
        ErrorCase(
            label: "bad array element", target: #"{"stringValue":"x"}"#, replacement: #"{"stringValue":"x"},{"boolValue":"yes"}"#,
            path: "\(spans1).attributes[1].value.arrayValue.values[1].boolValue", expected: #"expected true or false, got "yes""#),
        ErrorCase(
            label: "two oneof members", target: #"{"intValue":"1"}"#, replacement: #"{"intValue":"1","stringValue":"1"}"#,
            path: "\(spans1).attributes[0].value", expected: "expected at most one of"),
        ErrorCase(
            label: "bytes not base64", target: #"{"intValue":"1"}"#, replacement: #"{"bytesValue":"@@"}"#,
            path: "\(spans1).attributes[0].value.bytesValue", expected: "expected base64 text"),
        ErrorCase(
            label: "attributes not an array", target: #""resource":{"attributes":["#, replacement: #""resource":{"attributes":{},"x":["#,
            path: "resourceSpans[0].resource.attributes", expected: "expected an array, got {}"),
        ErrorCase(
            label: "attribute not an object", target: #"{"key":"i","value":{"intValue":"1"}}"#, replacement: "[]",
            path: "\(spans1).attributes[0]", expected: "expected a KeyValue object, got []"),
        ErrorCase(
            label: "scope name a number", target: #""name":"lib""#, replacement: #""name":7"#,
            path: "resourceSpans[0].scopeSpans[0].scope.name", expected: "expected a string, got 7"),
        ErrorCase(
            label: "span not an object", target: #""spans":["#, replacement: #""spans":["root","#,
            path: "resourceSpans[0].scopeSpans[0].spans[0]", expected: #"expected a Span object, got "root""#),
        ErrorCase(
            label: "event name a number", target: #""name":"e""#, replacement: #""name":1"#,
            path: "\(spans1).events[0].name", expected: "expected a string"),
        ErrorCase(
            label: "status not an object", target: #""status":{}"#, replacement: #""status":2"#,
            path: "\(spans0).status", expected: "expected a Status object, got 2"),
        ErrorCase(
            label: "links not an array", target: #""flags":1"#, replacement: #""flags":1,"links":{}"#,
            path: "\(spans1).links", expected: "expected an array"),
        ErrorCase(
            label: "resourceSpans not an array", target: #"{"resourceSpans":["#, replacement: #"{"resourceSpans":{},"x":["#,
            path: "resourceSpans", expected: "expected an array, got {}"),
    ]

    @Test("each malformed field is an error naming its path and what was expected", arguments: errorCases)
    func fieldErrors(_ errorCase: ErrorCase) throws {
        let line = Self.foreign(replacing: errorCase.target, with: errorCase.replacement)
        let error = try #require(Self.error(line), "\(errorCase.label) was accepted")
        #expect(error.path == errorCase.path)
        #expect(error.kind == errorCase.kind)
        #expect(error.message.contains(errorCase.expected), "message: \(error.message)")
        #expect(error.description == "\(errorCase.path): \(error.message)")
    }

    @Test("a line that is not a JSON object, or not JSON, is rejected as a whole")
    func wholeLineErrors() throws {
        let array = try #require(Self.error("[]"))
        #expect(array.kind == .invalidValue)
        #expect(array.path == "")
        #expect(array.description == "expected a JSON object (an ExportTraceServiceRequest or TracesData), got []")
        let truncated = try #require(Self.error(String(Self.foreignLine.dropLast(2))))
        #expect(truncated.kind == .invalidJSON)
        #expect(truncated.description.hasPrefix("invalid JSON at byte"))
        let bare = try #require(
            Self.error(
                #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"01","attributes":[{"key":"d","value":{"doubleValue":NaN}}]}]}]}]}"#
            ))
        #expect(bare.kind == .invalidJSON)
    }
}
