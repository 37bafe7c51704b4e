/// The pairing rule for one uuid, shared by offline and live assembly (span-mapping.md §7).
///
/// Events of one uuid are fed in time order. A start opens the scope; the next end closes it. A
/// start while one is open is a duplicate. An end with nothing open waits: a later start (an end
/// stamped before its start) still pairs with it. Each start, and each end left without a start,
/// is one occurrence; occurrence 1 owns the uuid's plain span id.
///
/// `Handle` is whatever the caller uses to refer to an event (an index, or the event itself).
struct ScopePairing<Handle: Sendable>: Sendable {
    /// An event as the pairing sees it.
    struct Entry: Sendable {
        var handle: Handle
        var time: Int64
    }

    /// What feeding one event produced.
    enum Outcome: Sendable {
        /// The start opened the scope.
        case opened(occurrence: Int)
        /// A start and an end paired (`clockSkew` when the end is stamped before the start).
        case paired(start: Handle, end: Handle, occurrence: Int, clockSkew: Bool)
        /// A duplicate start while `firstStart` is open.
        case duplicate(start: Handle, occurrence: Int, firstStart: Handle)
        /// An end with nothing open: held until a start arrives or the input ends.
        case held
    }

    private(set) var openStart: Entry?
    private(set) var openOccurrence = 0
    private(set) var heldEnds: [Entry] = []
    private(set) var occurrences: Int

    /// Starts counting after `occurrences` earlier uses of the uuid.
    init(occurrences: Int = 0) {
        self.occurrences = occurrences
    }

    mutating func feed(_ handle: Handle, isStart: Bool, time: Int64) -> Outcome {
        let entry = Entry(handle: handle, time: time)
        if isStart {
            occurrences += 1
            if let first = openStart {
                return .duplicate(start: handle, occurrence: occurrences, firstStart: first.handle)
            }
            if !heldEnds.isEmpty {
                let end = heldEnds.removeFirst()
                return .paired(start: handle, end: end.handle, occurrence: occurrences, clockSkew: end.time < time)
            }
            openStart = entry
            openOccurrence = occurrences
            return .opened(occurrence: occurrences)
        }
        if let start = openStart {
            openStart = nil
            return .paired(start: start.handle, end: handle, occurrence: openOccurrence, clockSkew: time < start.time)
        }
        heldEnds.append(entry)
        return .held
    }

    /// Counts one more use of the uuid by something other than a scope event (an orphan mark
    /// with the same uuid) and returns its occurrence number.
    mutating func takeOccurrence() -> Int {
        occurrences += 1
        return occurrences
    }

    /// Gives up on the held ends: each becomes an unmatched-end occurrence.
    mutating func releaseHeldEnds() -> [(end: Handle, occurrence: Int)] {
        defer { heldEnds.removeAll() }
        return heldEnds.map { end in
            occurrences += 1
            return (end.handle, occurrences)
        }
    }

    /// Changes how the open start is held (the live assembler packs a start that stays open).
    mutating func updateOpenStart(_ body: (inout Handle) -> Void) {
        guard var start = openStart else { return }
        openStart = nil  // one owner while it changes
        body(&start.handle)
        openStart = start
    }

    /// Gives up on the open start (it becomes unended).
    mutating func releaseOpenStart() -> (start: Handle, occurrence: Int)? {
        guard let start = openStart else { return nil }
        openStart = nil
        return (start.handle, openOccurrence)
    }
}
