import ATOF

/// An event as the live assembler holds it while pairing: as it came, or, for a scope start
/// that stays open long, as its JSON line (``compacting(_:)``), which takes about a third of
/// the memory of the decoded event and is decoded again when the scope ends.
enum HeldEvent: Sendable {
    case event(SourcedEvent)
    /// The event's ATOF JSON line and its input line number.
    case compact(line: [UInt8], number: Int?)

    /// The event as its JSON line, when decoding that line gives the same event back (re-encoding
    /// is lossless except for payloads that are JSON `null`, which decode as absent); else `nil`.
    static func compacting(_ sourced: SourcedEvent) -> HeldEvent? {
        let line = Array(sourced.event.jsonLine.utf8)
        guard EventReader.decode(line: line, number: nil, source: "").event == sourced.event else { return nil }
        return .compact(line: line, number: sourced.line)
    }

    var isCompact: Bool {
        if case .compact = self { true } else { false }
    }

    /// The event. A compact line was checked to decode when it was made, so decoding it again
    /// cannot fail; `fallback` is only there to avoid a trap.
    func sourced(orElse fallback: @autoclosure () -> SourcedEvent) -> SourcedEvent {
        switch self {
        case .event(let sourced):
            return sourced
        case .compact(let line, let number):
            guard let event = EventReader.decode(line: line, number: number, source: "").event else { return fallback() }
            return SourcedEvent(event, line: number)
        }
    }
}
