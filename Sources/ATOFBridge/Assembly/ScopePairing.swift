import ATOF

/// The pairing rule for one uuid, shared by offline and live assembly (span-mapping.md §7).
///
/// Events of one uuid are fed in time order. A start opens the scope; the next end closes it. A
/// start while one is open is a duplicate. An end with nothing open waits: a later start (an end
/// stamped before its start) still pairs with it. Each start, and each end left without a start,
/// is one occurrence; occurrence 1 owns the uuid's plain span id.
struct ScopePairing: Sendable {
    /// What feeding one event produced.
    enum Outcome: Sendable {
        /// The start opened the scope.
        case opened(occurrence: Int)
        /// A start and an end paired (`clockSkew` when the end is stamped before the start).
        case paired(start: SourcedEvent, end: SourcedEvent, occurrence: Int, clockSkew: Bool)
        /// A duplicate start while `firstStart` is open.
        case duplicate(start: SourcedEvent, occurrence: Int, firstStart: SourcedEvent)
        /// An end with nothing open: held until a start arrives or the input ends.
        case held
    }

    private(set) var openStart: SourcedEvent?
    private(set) var openOccurrence = 0
    private(set) var heldEnds: [SourcedEvent] = []
    private(set) var occurrences: Int

    /// Starts counting after `occurrences` earlier uses of the uuid.
    init(occurrences: Int = 0) {
        self.occurrences = occurrences
    }

    mutating func feed(_ sourced: SourcedEvent) -> Outcome {
        switch sourced.event.kind {
        case .scopeStart:
            if let first = openStart {
                occurrences += 1
                return .duplicate(start: sourced, occurrence: occurrences, firstStart: first)
            }
            occurrences += 1
            if !heldEnds.isEmpty {
                let end = heldEnds.removeFirst()
                return .paired(start: sourced, end: end, occurrence: occurrences, clockSkew: end.event.timestamp < sourced.event.timestamp)
            }
            openStart = sourced
            openOccurrence = occurrences
            return .opened(occurrence: occurrences)
        default:
            if let start = openStart {
                openStart = nil
                return .paired(start: start, end: sourced, occurrence: openOccurrence, clockSkew: sourced.event.timestamp < start.event.timestamp)
            }
            heldEnds.append(sourced)
            return .held
        }
    }

    /// Gives up on the held ends: each becomes an unmatched-end occurrence.
    mutating func releaseHeldEnds() -> [(end: SourcedEvent, occurrence: Int)] {
        defer { heldEnds.removeAll() }
        return heldEnds.map { end in
            occurrences += 1
            return (end, occurrences)
        }
    }

    /// Gives up on the open start (it becomes unended).
    mutating func releaseOpenStart() -> (start: SourcedEvent, occurrence: Int)? {
        guard let start = openStart else { return nil }
        openStart = nil
        return (start, openOccurrence)
    }
}
