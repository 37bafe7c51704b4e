import ATOF

/// What pairing knows of every event of a whole input, in columns of small integers: the time,
/// the kind, the uuid and parent as dense ids (each uuid's text is kept once), the line, and the
/// trace context of the few scope events whose metadata carries one. About 21 bytes per event
/// plus one ``UUIDKey`` per distinct uuid; no event is kept (``OfflineConversion`` reads an
/// event's line again when a span or a diagnostic needs it).
struct EventIndex: Sendable {
    /// The ``lines`` value of an event that has no line.
    static let noLine = UInt32.max
    /// The ``parents`` value of an event that names no parent.
    static let noParent: Int32 = -1

    /// Per event: its time, ns since the epoch.
    private(set) var times: [Int64] = []
    /// Per event: its kind.
    private(set) var kinds: [Event.Kind] = []
    /// Per event: its uuid's id (an index into ``keys``).
    private(set) var uuids: [Int32] = []
    /// Per event: its parent uuid's id, or ``noParent``.
    private(set) var parents: [Int32] = []
    /// Per event: its 1-based line number, or ``noLine``.
    private(set) var lines: [UInt32] = []
    /// Per uuid id, in order of first appearance in the input: the uuid.
    var keys: [UUIDKey] { uuidIDs.keys }
    /// The trace context of a scope event's metadata, by event index, only where there is one.
    private(set) var traceContexts: [Int32: TraceParent] = [:]
    /// Each uuid's id (the table is dropped by ``finishAdding()``).
    private var uuidIDs = UUIDInterner()

    /// The most events an index holds (ids are 32-bit).
    static let capacity = Int(Int32.max) - 1

    /// The number of events.
    var count: Int { times.count }

    /// Adds the event whose key is `key`, read from line `line`.
    mutating func append(_ key: PairingKey, line: Int?) {
        let index = Int32(times.count)
        times.append(key.time)
        kinds.append(key.kind)
        uuids.append(uuidIDs.id(of: key.uuid))
        parents.append(key.parent.map { uuidIDs.id(of: $0) } ?? Self.noParent)
        lines.append(line.map { UInt32(clamping: max(0, $0)) } ?? Self.noLine)
        if let context = key.traceContext { traceContexts[index] = context }
    }

    /// Ends adding: the table that gave each uuid its id is let go (pairing works on the ids).
    mutating func finishAdding() {
        uuidIDs.dropTable()
    }

    /// Makes room for `count` events in all.
    mutating func reserveCapacity(_ count: Int) {
        times.reserveCapacity(count)
        kinds.reserveCapacity(count)
        uuids.reserveCapacity(count)
        parents.reserveCapacity(count)
        lines.reserveCapacity(count)
    }

    /// The line of event `index`, as ``SourcedEvent/line``.
    func line(_ index: Int) -> Int? {
        let line = lines[index]
        return line == Self.noLine ? nil : Int(line)
    }
}
