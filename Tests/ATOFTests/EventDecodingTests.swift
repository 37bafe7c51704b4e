import Testing

@testable import ATOF

@Suite struct EventDecodingTests {
    static func decode(_ line: String) throws -> DecodedLine {
        try Event.decode(line: Array(line.utf8))
    }

    static func event(_ line: String) throws -> Event {
        guard case .event(let event, _) = try decode(line) else {
            Issue.record("expected an event")
            throw EventDecodingError("not an event")
        }
        return event
    }

    static let relayStart =
        #"{"atof_version":"0.1","attributes":["parallel"],"category":"agent","category_profile":null,"data":{"question":"hi"},"data_schema":null,"kind":"scope","metadata":{"session":"s1"},"name":"demo-agent","parent_uuid":"01a1fdfa-5a34-7350-b758-60e476203cbd","propagation_root_uuid":"01a1fdfa-5a34-7350-b758-610a8a3b5e4e","scope_category":"start","timestamp":"2026-11-21T12:00:05.172288002+00:00","uuid":"01a1fdfa-5a34-7350-b758-610a8a3b5e4e"}"#

    @Test func decodesARelayScopeStartWithUnknownFieldsKept() throws {
        let event = try Self.event(Self.relayStart)
        #expect(event.family == .v0_1)
        #expect(event.kind == .scopeStart)
        #expect(event.category == "agent")
        #expect(event.flags == ["parallel"])
        #expect(event.payload == ["question": "hi"])
        #expect(event.unknownFields["propagation_root_uuid"] == "01a1fdfa-5a34-7350-b758-610a8a3b5e4e")
        #expect(event.timestamp.nanosecondsSinceEpoch == 1_795_262_405_172_288_002)
    }

    @Test func reEncodingLosesNothing() throws {
        let lines = [
            Self.relayStart,
            #"{"kind":"ScopeEnd","schema_version":"0.2","uuid":"t1","parent_uuid":"a1","timestamp":1767225603000000,"name":"search","scope_type":"tool","flags":["remote"],"profile":{"$schema":"default/tool.v1","$version":"1.0","tool_call_id":"call_9","x":[1.50]},"output":null,"status":"error","error":{"type":"TimeoutError","message":"deadline","stack":null,"code":7},"data":{"http_status":504},"metadata":null,"ts_micros":1}"#,
            #"{"kind":"StreamHeaderEvent","schema_version":"0.2","uuid":"h1","timestamp":"2026-01-01T00:00:00Z","name":"hdr","profile_mode_default":"header","schemas":{}}"#,
            #"{"kind":"mark","atof_version":"0.3","uuid":"m","timestamp":"2026-01-01T00:00:00.5+01:00","name":"n","category":"custom","category_profile":{"subtype":"x.y"},"data":"plain"}"#,
        ]
        for line in lines {
            let original = try JSONParser.parse(line)
            let event = try Self.event(line)
            let reencoded = try JSONParser.parse(event.jsonLine)
            // Every non-null member survives with an equal value (ATOF treats null and absent alike).
            for member in try #require(original.objectValue) where !member.value.isNull {
                #expect(reencoded[member.key].map(Self.withoutNulls) == Self.withoutNulls(member.value), "member \(member.key) of \(line)")
            }
            #expect(try Self.event(event.jsonLine) == event)
        }
    }

    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            .object(JSONObject(object.members.filter { !$0.value.isNull }.map { .init(key: $0.key, value: withoutNulls($0.value)) }))
        case .array(let elements): .array(elements.map(withoutNulls))
        default: value
        }
    }

    @Test func decodesBothZeroTwoHeaderSpellingsWithoutASpan() throws {
        for spelling in ["StreamHeader", "StreamHeaderEvent"] {
            let event = try Self.event(#"{"kind":"\#(spelling)","schema_version":"0.2","uuid":"h","timestamp":1,"name":"h","schemas":{}}"#)
            #expect(event.kind == .streamHeader)
        }
    }

    @Test func warnsAboutAZeroTwoEndWithoutStatus() throws {
        let decoded = try Self.decode(
            #"{"kind":"ScopeEnd","schema_version":"0.2","uuid":"a","timestamp":1,"name":"a","scope_type":"agent","flags":[]}"#)
        guard case .event(let event, let warnings) = decoded else {
            Issue.record("expected an event")
            return
        }
        #expect(event.status == nil)
        #expect(warnings.contains { $0.contains("no \"status\"") })
    }

    @Test func skipsAnUnknownKindOfAKnownFamilyAsAWarning() throws {
        let decoded = try Self.decode(#"{"kind":"LlmStart","schema_version":"0.3","uuid":"a","timestamp":1,"name":"a"}"#)
        guard case .skipped(let warning) = decoded else {
            Issue.record("expected a skip")
            return
        }
        #expect(warning.contains("LlmStart"))
    }

    @Test(arguments: [
        ("[1,2]", "not a JSON object"),
        ("{\"a\":", "not JSON"),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":"2026-01-01T00:00:00","name":"n","scope_category":"start","category":"agent","attributes":[]}"#,
            "no UTC offset"
        ),
        (
            #"{"kind":"scope","atof_version":"1.0","uuid":"a","timestamp":1,"name":"n","scope_category":"start","category":"agent","attributes":[]}"#,
            "major version 1"
        ),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":1,"scope_category":"start","category":"agent","attributes":[]}"#,
            "\"name\""
        ),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":1,"name":"n","scope_category":"begin","category":"agent","attributes":[]}"#,
            "scope_category"
        ),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":7,"timestamp":1,"name":"n","scope_category":"start","category":"agent"}"#,
            "\"uuid\" must be a string"
        ),
        (#"{"kind":"scope","atof_version":"0.1","schema_version":"0.2","uuid":"a","timestamp":1,"name":"n"}"#, "both"),
        (#"{"kind":"ScopeStart","atof_version":"0.1","uuid":"a","timestamp":1,"name":"n","scope_type":"x","flags":[]}"#, "0.2"),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":1.5,"name":"n","scope_category":"start","category":"agent"}"#,
            "not an integer"
        ),
        (
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":1,"name":"n","scope_category":"start","category":"agent","attributes":[1]}"#,
            "only strings"
        ),
        (#"{"hello":"world"}"#, "not an ATOF event"),
    ])
    func rejectsBadLinesWithAReason(_ line: String, _ expected: String) {
        do {
            _ = try Event.decode(line: Array(line.utf8))
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.reason.contains(expected), "\(error.reason)")
        }
    }

    @Test func acceptsRelayCustomCategoryWithoutSubtypeAndUnknownCategories() throws {
        let custom = try Self.event(
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":1,"name":"n","scope_category":"start","category":"custom","attributes":[],"category_profile":null}"#
        )
        #expect(custom.category == "custom")
        let unknown = try Self.event(
            #"{"kind":"scope","atof_version":"0.7","uuid":"a","timestamp":1,"name":"n","scope_category":"end","category":"quantum","attributes":["zeta","alpha"]}"#
        )
        #expect(unknown.category == "quantum")
        #expect(unknown.flags == ["zeta", "alpha"])
        #expect(unknown.kind == .scopeEnd)
    }
}
