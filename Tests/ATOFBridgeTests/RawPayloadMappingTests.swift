import ATOF
import Testing

@testable import ATOFBridge

private typealias F = MappingFixtures

/// Payloads read from a line are copied into `input.value`, `output.value`, `tool.parameters` and
/// `atof.data` when their bytes are already compact JSON, and parsed and written when they are not;
/// either way the text is what writing the parsed value gives.
@Suite struct RawPayloadMappingTests {
    /// An event decoded through a parsed tree, so that its payloads are values, not line bytes.
    static func treeEvent(_ line: String) throws -> Event {
        guard case .event(let event, _) = try Event.decode(try JSONParser.parse(line)) else { throw F.NotAnEvent(line: line) }
        return event
    }

    /// The span of a tool scope, from the lines and from the same events decoded through trees.
    static func spans(start: String, end: String, mark: String) throws -> (raw: OTLP.Span, tree: OTLP.Span) {
        let raw = try F.span(start: start, end: end, marks: [mark])
        let startEvent = try treeEvent(start)
        let endEvent = try treeEvent(end)
        let scope = AssembledScope(
            start: startEvent, end: endEvent, marks: [try treeEvent(mark)], identity: F.identity,
            startTime: startEvent.timestamp.nanosecondsSinceEpoch, endTime: endEvent.timestamp.nanosecondsSinceEpoch)
        return (raw, SpanMapper().span(for: scope))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var payload: String
        var json: String
        var plain: String?
        var testDescription: String { payload }
    }

    static let cases: [Case] = [
        Case(payload: #"{"a":1,"b":[true,null]}"#, json: #"{"a":1,"b":[true,null]}"#),
        Case(payload: #"{ "a" : 1,"b":[ true , null ] }"#, json: #"{"a":1,"b":[true,null]}"#),
        Case(payload: #"{"city":"caf\u00e9"}"#, json: "{\"city\":\"caf\u{e9}\"}"),
        Case(payload: #"{"url":"http:\/\/x"}"#, json: #"{"url":"http://x"}"#),
        Case(payload: #"{"emoji":"\ud83d\ude00","ctl":"\u001F"}"#, json: "{\"emoji\":\"\u{1F600}\",\"ctl\":\"\\u001f\"}"),
        Case(payload: #"{"tab":"a\u0009b","nl":"a\nb"}"#, json: #"{"tab":"a\tb","nl":"a\nb"}"#),
        Case(payload: #"[1.5E+3,-0,2e-7,10]"#, json: #"[1.5E+3,-0,2e-7,10]"#),
        Case(payload: #""plain words""#, json: #""plain words""#, plain: "plain words"),
        Case(payload: #""line\none \"q\"""#, json: #""line\none \"q\"""#, plain: "line\none \"q\""),
        Case(payload: #""caf\u00e9 \/""#, json: "\"caf\u{e9} /\"", plain: "caf\u{e9} /"),
        Case(payload: "7", json: "7"),
    ]

    @Test("payload attributes are the compact JSON of the payload, copied or written", arguments: cases)
    func payloadAttributes(payload: Case) throws {
        let start = F.v01("start", category: "tool", data: payload.payload)
        let end = F.v01("end", category: "tool", data: payload.payload)
        let mark = F.mark01(data: payload.payload)
        let (raw, tree) = try Self.spans(start: start, end: end, mark: mark)
        let expectedValue = OTLP.AttributeValue.string(payload.plain ?? payload.json)
        #expect(raw[attribute: "input.value"] == expectedValue)
        #expect(raw[attribute: "output.value"] == expectedValue)
        #expect(raw[attribute: "input.mime_type"] == .string(payload.plain == nil ? "application/json" : "text/plain"))
        #expect(raw[attribute: "tool.parameters"] == .string(payload.json))
        #expect(raw.events.first?.attributes.first { $0.key == "atof.data" }?.value == .string(payload.json))
        #expect(raw == tree)
    }

    @Test("an event read from a line hands its payload to the mapper as line bytes")
    func payloadIsRawForTheMapper() throws {
        let event = try F.event(F.v01("start", data: #"{"a": 1}"#))
        guard case .raw(let raw)? = event.payloadStorage else {
            Issue.record("expected the line's bytes")
            return
        }
        #expect(!raw.isCompact)
        #expect(JSONAttribute.payload(event.payloadStorage)?.value == #"{"a":1}"#)
        #expect(JSONAttribute.compactPayload(.value(.null)) == nil)
    }
}
