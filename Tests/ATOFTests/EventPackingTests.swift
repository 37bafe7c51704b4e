import Testing

@testable import ATOF

@Suite("Event packing")
struct EventPackingTests {
    /// Packs and unpacks `event`.
    private func roundTrip(_ event: Event) -> (Event?, PackedEvent?) {
        var scratch: [UInt8] = []
        guard let packed = event.packed(scratch: &scratch) else { return (nil, nil) }
        return (Event(unpacking: packed, uuid: event.uuidKey), packed)
    }

    private func isRaw(_ payload: EventPayload?) -> Bool? {
        switch payload {
        case nil: nil
        case .raw?: true
        case .value?: false
        }
    }

    @Test("an event built in code unpacks equal, every field and value kind included")
    func codeBuiltEventsRoundTrip() throws {
        let nested: JSONValue = [
            "s": "text with \"quotes\" and ünïcode", "n": .number(JSONNumber(text: "1.50e+3")), "i": -42, "t": true, "f": false,
            "z": .null, "a": [1, "two", [], [:]], "o": ["deep": ["deeper": "x"]],
        ]
        let events = [
            Event(
                family: .v0_1, kind: .scopeStart, uuid: "0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f",
                parentUUID: "0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e70", timestamp: try Timestamp(epochMicroseconds: 1_767_225_600_123_456),
                name: "search", category: "tool", profile: ["tool_call_id": "call_1"], data: nested, metadata: ["k": nested]),
            Event(
                family: .v0_2, kind: .scopeStart, uuid: "run-1", parentUUID: "PARENT-Not-Canonical",
                timestamp: try Timestamp(rfc3339: "2026-11-21T12:00:05.172288002+01:00"), name: "", category: nil, input: ["q": 1]),
            Event(
                family: .v0_2, kind: .scopeEnd, uuid: "", timestamp: Timestamp(nanosecondsSinceEpoch: 5), name: "ünï",
                category: "llm"),
            Event(family: .v0_1, kind: .mark, uuid: "m", timestamp: try Timestamp(epochMicroseconds: -3), name: "mark", data: "x"),
        ]
        for event in events {
            let (unpacked, packed) = roundTrip(event)
            #expect(unpacked == event)
            #expect(unpacked?.storage.fields.family == event.storage.fields.family)
            #expect(unpacked?.storage.fields.kind == event.storage.fields.kind)
            #expect(unpacked?.storage.fields.parentUUID == event.storage.fields.parentUUID)
            #expect(unpacked?.storage.fields.timestamp == event.storage.fields.timestamp)
            #expect(unpacked?.storage.fields.name == event.storage.fields.name)
            #expect(unpacked?.storage.fields.category == event.storage.fields.category)
            #expect(unpacked?.storage.fields.profile == event.storage.fields.profile)
            #expect(unpacked?.storage.fields.data == event.storage.fields.data)
            #expect(unpacked?.storage.fields.input == event.storage.fields.input)
            #expect(unpacked?.storage.fields.metadata == event.storage.fields.metadata)
            #expect(unpacked?.storage.fields.rareBox == nil && event.storage.fields.rareBox == nil)
            #expect(unpacked?.uuid == event.uuid)
            #expect(unpacked?.timestamp.wireForm == event.timestamp.wireForm)
            #expect(packed?.parentKey == event.parentKey)
            #expect(isRaw(unpacked?.dataStorage) == isRaw(event.dataStorage))
        }
    }

    @Test("a time whose nanoseconds are not its microseconds × 1000 keeps both")
    func inexactMicrosecondsRoundTrip() throws {
        var event = Event(family: .v0_1, kind: .scopeStart, uuid: "a", timestamp: try Timestamp(epochMicroseconds: 7), name: "x")
        event.timestamp.nanosecondsSinceEpoch = 7_001
        #expect(roundTrip(event).0?.timestamp == event.timestamp)
    }

    @Test("payloads read from a line stay raw bytes, compact or not, and unpack equal")
    func decodedEventsKeepRawPayloads() throws {
        let lines = [
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"u1","parent_uuid":null,"timestamp":"2026-01-01T00:00:00Z","name":"n","category":"llm","attributes":[],"category_profile":{"model_name":"m"},"data":{"messages":[{"role":"user","content":"hi"}]},"metadata":{"a":1}}"#,
            #"{"kind":"ScopeStart","schema_version":"0.2","uuid":"u2","timestamp":1767225600000000,"name":"n","scope_type":"tool","flags":[],"input": { "q" : [1, 2] }}"#,
        ]
        for line in lines {
            let (decoded, _) = EventReader.decode(line: Array(line.utf8), number: 1, source: "test")
            let event = try #require(decoded)
            let unpacked = try #require(roundTrip(event).0)
            #expect(unpacked == event)
            #expect(isRaw(unpacked.payloadStorage) == isRaw(event.payloadStorage))
            #expect(unpacked.payloadStorage?.compactJSON == event.payloadStorage?.compactJSON)
            if case .raw(let before)? = event.payloadStorage, case .raw(let after)? = unpacked.payloadStorage {
                #expect(before.isCompact == after.isCompact)
            }
        }
    }

    @Test("an event with a rare field set is not packed")
    func rareFieldsAreNotPacked() {
        var event = Event(family: .v0_1, kind: .scopeStart, uuid: "a", timestamp: Timestamp(nanosecondsSinceEpoch: 0), name: "x")
        event.flags = ["remote"]
        #expect(roundTrip(event).1 == nil)
    }

    @Test("a small start packs into far fewer bytes than its decoded fields")
    func packedIsSmall() throws {
        let event = Event(
            family: .v0_1, kind: .scopeStart, uuid: "0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f",
            parentUUID: "0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e70", timestamp: try Timestamp(epochMicroseconds: 1_767_225_600_000_001),
            name: "search", category: "tool", profile: ["tool_call_id": "call_99999"], data: ["q": "term 99999"])
        let packed = try #require(roundTrip(event).1)
        #expect(packed.byteCount <= 96)
    }
}
