import Testing

@testable import ATOF

@Suite struct RawPayloadDecodingTests {
    static let lines: [String] = [
        #"{"atof_version":"0.1","kind":"scope","scope_category":"start","uuid":"u","parent_uuid":null,"timestamp":"2026-01-01T00:00:01Z","name":"n","category":"tool","attributes":[],"category_profile":{"subtype":"x"},"data":{"a": [1, 2.5e3]},"data_schema":{"name":"s","version":"1"},"metadata":{"k":1,"k":2},"extra":"\u00e9"}"#,
        #"{"kind":"ScopeEnd","schema_version":"0.2","uuid":"t1","timestamp":1767225603000000,"name":"search","scope_type":"tool","flags":["remote"],"output":"caf\u00e9","status":"error","error":{"type":"T","message":"m","code":7},"data":{"x":"\/"},"metadata":null,"flags":[],"z":1,"z":2}"#,
        #"{"kind":"ScopeStart","schema_version":"0.2","uuid":"s1","timestamp":"2026-01-01T00:00:01Z","name":"n","scope_type":"llm","input":{"messages":[{"role":"user","content":"hi"}]},"data":null}"#,
        #"{"kind":"Mark","schema_version":"0.2","uuid":"m1","timestamp":"2026-01-01T00:00:01Z","name":"n","data":"plain","metadata":{"traceparent":"00-0102030405060708090a0b0c0d0e0f10-1112131415161718-01"}}"#,
        #"{"kind":"scope","atof_version":"0.1","uuid":"u","timestamp":"2026-01-01T00:00:01Z","name":"n","scope_category":"middle","category":"x"}"#,
        #"{"kind":"scope","atof_version":"0.1","uuid":"","timestamp":"2026-01-01T00:00:01Z","name":"n","scope_category":"start","category":"x"}"#,
        #"{"kind":"Weird","schema_version":"0.2","uuid":"u","timestamp":"2026-01-01T00:00:01Z","name":"n"}"#,
        #"{"kind":"Mark","schema_version":"0.2","uuid":"u","timestamp":"1969-12-31T23:59:59Z","name":"n"}"#,
        #"{"kind":"Mark","schema_version":"0.2","uuid":"u","timestamp":"2026-01-01T00:00:01Z","name":"n","data":{"a":1}"#,
        #"{"ki\u006ed":"Mark","schema_version":"0.2","uuid":"u","timestamp":"2026-01-01T00:00:01Z","name":"n","data":[ 1 ]}"#,
        #"[1,2]"#,
    ]

    /// The outcome of decoding through the tree: parse the whole line, then read the object.
    static func treeDecode(_ line: String) -> Result<DecodedLine, EventDecodingError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(EventDecodingError("not JSON (\(error)); each line must be one JSON object"))
        }
        return Result { () throws(EventDecodingError) -> DecodedLine in try Event.decode(value) }
    }

    @Test("decoding over the line's bytes gives the event, warnings and errors of decoding a parsed tree", arguments: lines)
    func scannedDecodingMatchesTreeDecoding(line: String) {
        let scanned = Result { () throws(EventDecodingError) -> DecodedLine in try Event.decode(line: Array(line.utf8)) }
        #expect(scanned == Self.treeDecode(line))
    }

    @Test("an event read from a line keeps its payloads as slices of the line and parses them on demand")
    func payloadsStayRaw() throws {
        guard case .event(let event, _) = try Event.decode(line: Array(Self.lines[0].utf8)) else {
            Issue.record("expected an event")
            return
        }
        guard case .raw(let raw)? = event.dataStorage else {
            Issue.record("expected a raw payload")
            return
        }
        #expect(!raw.isCompact)
        #expect(raw.compactJSON == #"{"a":[1,2.5e3]}"#)
        #expect(event.data == ["a": [1, .number(JSONNumber(text: "2.5e3"))]])
        #expect(event.payload == event.data)
    }

    @Test("a null payload keeps no bytes and an event built in code holds its values")
    func nullPayloadsAndBuiltEvents() throws {
        guard case .event(let event, _) = try Event.decode(line: Array(Self.lines[2].utf8)) else {
            Issue.record("expected an event")
            return
        }
        #expect(event.dataStorage == nil)
        #expect(event.data == nil)
        let built = Event(
            family: .v0_2, kind: .scopeStart, uuid: "s", timestamp: Timestamp(nanosecondsSinceEpoch: 0), name: "n", input: "x")
        #expect(built.payloadStorage == .value("x"))
        var changed = event
        changed.input = ["replaced": true]
        #expect(changed.input == ["replaced": true])
        #expect(event.input == ["messages": [["role": "user", "content": "hi"]]])
    }
}

extension RawPayloadDecodingTests {
    @Test("decoding without payloads gives the same event minus data, input and output, and the same diagnostics", arguments: lines)
    func decodingWithoutPayloads(line: String) {
        let full = Array(line.utf8).withUnsafeBufferPointer { EventReader.decode(line: $0, number: 3, source: "in") }
        let envelope = Array(line.utf8).withUnsafeBufferPointer {
            EventReader.decode(line: $0, number: 3, source: "in", keepingPayloads: false)
        }
        #expect(envelope.diagnostics == full.diagnostics)
        var stripped = full.event
        stripped?.data = nil
        stripped?.input = nil
        stripped?.output = nil
        #expect(envelope.event == stripped)
        #expect(envelope.event?.metadata == full.event?.metadata)
    }
}
