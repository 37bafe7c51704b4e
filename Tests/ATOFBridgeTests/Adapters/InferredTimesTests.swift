import ATOF
import Testing

@testable import ATOFBridge

/// `InferredTimes`: times for translated events that have none (adapters.md §1.1 rule 3).
@Suite struct InferredTimesTests {
    static func item(_ kind: Event.Kind, _ uuid: String, at nanoseconds: Int64?) -> AdapterOutput.Item {
        let event = Event(
            family: .v0_2, kind: kind, uuid: uuid, timestamp: Timestamp(nanosecondsSinceEpoch: nanoseconds ?? 0), name: uuid)
        return AdapterOutput.Item(event: event, line: 1, timeKnown: nanoseconds != nil)
    }

    static func run(_ items: [AdapterOutput.Item], fallback: Int64 = 7) -> [(String, Int64, [String])] {
        var times = InferredTimes()
        var settled: [AdapterOutput.Item] = []
        for item in items { times.pass(item, into: &settled) }
        times.finish(fallback: Timestamp(nanosecondsSinceEpoch: fallback), into: &settled)
        return settled.map { item in
            let flags = (item.event.metadata?[AdapterMetadataKey.inferred]?.arrayValue ?? []).compactMap(\.stringValue)
            return (item.event.uuid, item.event.timestamp.nanosecondsSinceEpoch, flags)
        }
    }

    @Test("a start or mark without a time takes the nearest earlier known time, an end the nearest later one; both flagged")
    func startsTakeEarlierEndsLater() {
        let result = Self.run([
            Self.item(.scopeStart, "a", at: 100), Self.item(.scopeStart, "b", at: nil), Self.item(.mark, "m", at: nil),
            Self.item(.scopeEnd, "b", at: nil), Self.item(.scopeEnd, "a", at: 300),
        ])
        #expect(result.map(\.0) == ["a", "b", "m", "b", "a"])
        #expect(result.map(\.1) == [100, 100, 100, 300, 300])
        #expect(result.map(\.2) == [[], ["start_time"], ["start_time"], ["end_time"], []])
    }

    @Test("the nearest earlier time is the last one in input order, even when an earlier line had a later time")
    func nearestIsInInputOrder() {
        let result = Self.run([
            Self.item(.scopeEnd, "old", at: 900), Self.item(.scopeStart, "new", at: 200), Self.item(.scopeStart, "inner", at: nil),
            Self.item(.scopeEnd, "new", at: 400),
        ])
        #expect(result.first { $0.0 == "inner" }?.1 == 200)
    }

    @Test("before any known time a start takes the next one; at the end of input an end takes the last one, or the fallback")
    func edgesOfTheInput() {
        let leading = Self.run([
            Self.item(.scopeStart, "s", at: nil), Self.item(.scopeStart, "t", at: 50), Self.item(.scopeEnd, "t", at: nil),
        ])
        #expect(leading.map(\.1) == [50, 50, 50])
        #expect(Self.run([Self.item(.scopeEnd, "e", at: nil)], fallback: 7).map(\.1) == [7])
    }
}
