import ATOF

@testable import ATOFBridge

/// The shapes of `scripts/generate_pathological.py`, as events (the same uuids, names and 1 µs
/// steps): a deep chain of nested scopes and one scope holding many marks.
enum PathologicalInput {
    static let base: Int64 = 1_767_225_600_000_000_000
    /// The implicit root the top scope names as its parent (never emitted).
    static let root = uuid(0xFFFF_FFFF)

    static func uuid(_ number: Int) -> String {
        let hex = String(number, radix: 16)
        return "0197a000-0000-7000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    static func time(_ step: Int) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: base + Int64(step) * 1_000)
    }

    /// The uuid of level `level` (1 is the top).
    static func level(_ level: Int) -> String { uuid(level) }

    /// `deep N`: N nested starts (level i + 1 is a child of level i), then the ends innermost first.
    static func deepChain(depth: Int, withEnds: Bool = true) -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(2 * depth)
        var step = 0
        for index in 1...depth {
            events.append(scope(.scopeStart, level: index, at: step))
            step += 1
        }
        guard withEnds else { return events }
        for index in stride(from: depth, through: 1, by: -1) {
            events.append(scope(.scopeEnd, level: index, at: step))
            step += 1
        }
        return events
    }

    static func scope(_ kind: Event.Kind, level: Int, at step: Int) -> Event {
        Event(
            family: .v0_1, kind: kind, uuid: uuid(level), parentUUID: level > 1 ? uuid(level - 1) : root, timestamp: time(step),
            name: "level-\(level)", category: "function")
    }

    /// A mark of `marks N` (an `llm.chunk` under scope 1).
    static func mark(_ index: Int) -> Event {
        Event(
            family: .v0_1, kind: .mark, uuid: uuid(index + 2), parentUUID: uuid(1), timestamp: time(index + 1), name: "llm.chunk",
            data: ["chunk_index": .number(JSONNumber(Int64(index)))])
    }
}
