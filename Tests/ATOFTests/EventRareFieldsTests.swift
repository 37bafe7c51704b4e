import Testing

@testable import ATOF

@Suite("Event rare fields")
struct EventRareFieldsTests {
    private func start(_ uuid: String) -> Event {
        Event(family: .v0_1, kind: .scopeStart, uuid: uuid, timestamp: Timestamp(nanosecondsSinceEpoch: 0), name: "search")
    }

    @Test("an event whose rarely used fields are set back to their defaults equals one that never had them")
    func defaultsCompareEqual() {
        var event = start("0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f")
        event.flags = ["remote"]
        event.version = "0.1.1"
        event.flags = []
        event.version = "0.1"
        #expect(event == start("0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f"))
        #expect(event.hashValue == start("0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f").hashValue)
    }

    @Test("a copy keeps its own rarely used fields when the original changes them")
    func copiesAreIndependent() {
        var original = start("a")
        original.flags = ["remote"]
        let copy = original
        original.flags.append("stateful")
        #expect(copy.flags == ["remote"])
        #expect(original.flags == ["remote", "stateful"])
    }

    @Test("uuids read back exactly as written, canonical or not")
    func uuidsRoundTrip() {
        for text in ["0193d8a8-59ab-7d12-8f3e-1a2b3c4d5e6f", "0193D8A8-59AB-7D12-8F3E-1A2B3C4D5E6F", "run-1", ""] {
            var event = start(text)
            event.parentUUID = text
            #expect(event.uuid == text)
            #expect(event.parentUUID == text)
        }
    }
}
