import ATOF

@testable import ATOFBridge

/// Small builders for ATOF 0.1 events in tests: times are seconds after 2026-01-01T00:00:00Z.
enum TestEvents {
    static let base: Int64 = 1_767_225_600_000_000_000

    static func time(_ seconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: base + Int64(seconds * 1_000_000_000))
    }

    static func start(
        _ uuid: String, parent: String? = nil, at seconds: Double, name: String? = nil, category: String = "function",
        metadata: JSONValue? = nil, data: JSONValue? = nil
    ) -> Event {
        Event(
            family: .v0_1, kind: .scopeStart, uuid: uuid, parentUUID: parent, timestamp: time(seconds), name: name ?? uuid,
            category: category, data: data, metadata: metadata)
    }

    static func end(
        _ uuid: String, parent: String? = nil, at seconds: Double, name: String? = nil, category: String = "function",
        metadata: JSONValue? = nil
    ) -> Event {
        Event(
            family: .v0_1, kind: .scopeEnd, uuid: uuid, parentUUID: parent, timestamp: time(seconds), name: name ?? uuid,
            category: category, metadata: metadata)
    }

    static func mark(_ uuid: String, parent: String?, at seconds: Double, name: String = "checkpoint") -> Event {
        Event(family: .v0_1, kind: .mark, uuid: uuid, parentUUID: parent, timestamp: time(seconds), name: name, data: ["step": 1])
    }

    static func sourced(_ events: [Event]) -> [SourcedEvent] {
        events.enumerated().map { SourcedEvent($0.element, line: $0.offset + 1) }
    }

    static func scopes(_ items: [AssembledItem]) -> [AssembledScope] {
        items.compactMap { if case .scope(let scope) = $0 { scope } else { nil } }
    }

    static func orphans(_ items: [AssembledItem]) -> [OrphanMark] {
        items.compactMap { if case .orphanMark(let orphan) = $0 { orphan } else { nil } }
    }
}
