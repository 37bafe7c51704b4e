import ATOF

/// Pairs a whole input's events into spans (span-mapping.md §1, §2, §6, §7): the offline mode
/// used for files and stdin read to their end.
///
/// The input is judged as a whole: a start and an end pair by uuid wherever they stand, and a
/// parent is known when its uuid appears as a scope anywhere. Events are taken in timestamp order
/// (stable on file order; at equal times starts come before marks before ends), so file order
/// never decides nesting. Parent chains of any depth are followed in linear time and memory
/// (``ParentForest``); a parent cycle is cut at its first scope, with a warning.
public struct SpanAssembler: Sendable {
    /// The input's name, for diagnostics.
    public var source: String

    public init(source: String = "<input>") {
        self.source = source
    }

    /// One scope occurrence being built; events are indices into the input.
    private struct Record {
        /// The uuid's id (see `UUIDState.id`); its text is `uuids[id]`.
        var id: Int
        var occurrence: Int
        var start: Int?
        var end: Int?
        var anomalies: AssembledScope.Anomalies
        var marks: [Int] = []

        var describing: Int? { start ?? end }
    }

    /// One span to make, in output order, with its events as indices into the input: cheap to
    /// hold for a whole input; ``materialize(_:events:)`` turns it into an ``AssembledItem``.
    enum PlannedItem: Sendable {
        /// A scope: its start, end and attached marks (indices), ids, times and anomalies.
        case scope(PlannedScope)
        /// An orphan mark (index) and its ids.
        case orphanMark(Int, AssembledScope.Identity)
    }

    /// A scope span, its events by index.
    struct PlannedScope: Sendable {
        var start: Int?
        var end: Int?
        var marks: [Int]
        var identity: AssembledScope.Identity
        var startTime: Int64
        var endTime: Int64
        var anomalies: AssembledScope.Anomalies
    }

    /// Assembles every span of the input.
    public func assemble(_ events: [SourcedEvent]) -> (items: [AssembledItem], report: AssemblyReport) {
        let (planned, report) = plan(events)
        return (planned.map { Self.materialize($0, events: events) }, report)
    }

    /// The item a planned span stands for, its events copied out of `events`.
    static func materialize(_ planned: PlannedItem, events: [SourcedEvent]) -> AssembledItem {
        switch planned {
        case .scope(let scope):
            return .scope(
                AssembledScope(
                    start: scope.start.map { events[$0].event }, end: scope.end.map { events[$0].event },
                    marks: scope.marks.map { events[$0].event }, identity: scope.identity,
                    startTime: scope.startTime, endTime: scope.endTime, anomalies: scope.anomalies))
        case .orphanMark(let index, let identity):
            return .orphanMark(OrphanMark(mark: events[index].event, identity: identity))
        }
    }

    /// Pairs the whole input (exactly as ``assemble(_:)``) without copying any event: the spans
    /// to make, in output order, and the report.
    func plan(_ events: [SourcedEvent]) -> (items: [PlannedItem], report: AssemblyReport) {
        plan(events, keys: events.map { PairingKey($0.event) })
    }

    /// ``plan(_:)`` with each event's ``PairingKey`` already made (`keys[i]` for `events[i]`),
    /// for example by the threads that decoded the events: pairing then reads the compact keys
    /// rather than the events.
    func plan(_ events: [SourcedEvent], keys: [PairingKey]) -> (items: [PlannedItem], report: AssemblyReport) {
        var report = AssemblyReport()
        func time(_ index: Int) -> Int64 { keys[index].time }
        let ordered = Self.timeOrder(keys)
        report.streamHeaders = events.count - ordered.count

        // Pair per uuid: one table lookup per event.
        var states: [UUIDKey: UUIDState] = [:]
        var records: [Record] = []
        var marks: [Int] = []
        var uuids: [String] = []  // by id

        func add(_ record: Record, to state: inout UUIDState) {
            records.append(record)
            if record.occurrence == 1 { state.primary = records.count - 1 }
        }

        for index in ordered {
            let kind = keys[index].kind
            guard kind == .scopeStart || kind == .scopeEnd else {
                marks.append(index)
                continue
            }
            let eventTime = time(index)
            states[keys[index].uuid, default: UUIDState()].update { state in
            if state.id < 0 {
                state.id = uuids.count
                uuids.append(events[index].event.uuid)
            }
            let id = state.id
            let uuid = uuids[id]
            switch state.pairing.feed(index, isStart: kind == .scopeStart, time: eventTime) {
            case .opened(let occurrence):
                state.openRecord = records.count
                add(Record(id: id, occurrence: occurrence, start: index, end: nil, anomalies: []), to: &state)
                if occurrence > 1 {
                    report.diagnostics.append(Diagnostic(severity: .warning, source: source, line: events[index].line, message: "uuid \(uuid) is used again for a new scope after its first one ended; exported as a separate span"))
                }
            case .paired(let start, let end, let occurrence, let clockSkew):
                let open = state.openRecord
                state.openRecord = nil
                if let recordIndex = open, records[recordIndex].start == start {
                    records[recordIndex].end = end
                    if clockSkew { records[recordIndex].anomalies.insert(.clockSkew) }
                } else {
                    add(Record(id: id, occurrence: occurrence, start: start, end: end, anomalies: clockSkew ? .clockSkew : []), to: &state)
                }
                if clockSkew {
                    report.note(.clockSkew, name: events[end].event.name, uuid: uuid, source: source, line: events[end].line)
                }
            case .duplicate(let start, let occurrence, let first):
                add(Record(id: id, occurrence: occurrence, start: start, end: nil, anomalies: .duplicateStart), to: &state)
                report.note(.duplicateStart, name: events[start].event.name, uuid: uuid, source: source, line: events[start].line, firstLine: events[first].line)
            case .held:
                break
            }
            }
        }
        // Only uuids left with an open start or held ends have anything to release (in uuid order).
        let pending = states.compactMap { $0.value.pairing.openStart != nil || !$0.value.pairing.heldEnds.isEmpty ? (uuids[$0.value.id], $0.key) : nil }
        for (uuid, key) in pending.sorted(by: { $0.0 < $1.0 }) {
            states[key]?.update { state in
                let id = state.id
                if let (start, _) = state.pairing.releaseOpenStart() {
                    if let recordIndex = state.openRecord { records[recordIndex].anomalies.insert(.unended) }
                    report.note(.unended, name: events[start].event.name, uuid: uuid, source: source, line: events[start].line)
                }
                for (end, occurrence) in state.pairing.releaseHeldEnds() {
                    add(Record(id: id, occurrence: occurrence, start: nil, end: end, anomalies: .unmatchedEnd), to: &state)
                    report.note(.unmatchedEnd, name: events[end].event.name, uuid: uuid, source: source, line: events[end].line)
                }
            }
        }
        /// The id of a known scope uuid (every uuid in `states` has a record).
        func id(of uuid: UUIDKey?) -> Int? {
            guard let uuid else { return nil }
            return states[uuid]?.id
        }

        var primaryOf = [Int?](repeating: nil, count: uuids.count)
        for state in states.values { primaryOf[state.id] = state.primary }

        // Parents, roots and trace contexts, by id. A uuid's parent is the first non-nil parent
        // among its records; a parent that is not a known scope ends every walk upward.
        let unset = -2, unknown = -1
        var parentOf = [Int](repeating: unset, count: uuids.count)
        for record in records where parentOf[record.id] == unset {
            guard let parent = record.start.flatMap({ keys[$0].parent }) ?? record.end.flatMap({ keys[$0].parent }) else {
                continue
            }
            parentOf[record.id] = id(of: parent) ?? unknown
        }
        // The parent forest: cycles cut (see `ParentForest`), then every root found once.
        let forest = ParentForest(parents: parentOf.map { $0 >= 0 ? $0 : nil })
        for cut in forest.cuts {
            let recordIndex = primaryOf[cut.node] ?? records.firstIndex { $0.id == cut.node }
            guard let recordIndex, let describing = records[recordIndex].describing else { continue }
            report.noteParentCycle(
                name: events[describing].event.name, uuid: uuids[cut.node], parent: uuids[cut.parent], length: cut.length,
                source: source, line: events[describing].line)
        }
        let rootOf = forest.roots()
        func knownParent(of id: Int) -> Int? { forest.parent(of: id) }
        /// The parent of a record of scope `id` whose event names `parent`: none for itself, and
        /// none across a cut cycle.
        func recordParent(of id: Int, named parent: Int?) -> Int? {
            guard let parent, parent != id else { return nil }
            if parent == parentOf[id], forest.parent(of: id) == nil { return nil }
            return parent
        }
        // Per root: its trace id and W3C context (computed once per root).
        var traces = [(traceID: OTLP.TraceID, context: TraceContext?)?](repeating: nil, count: uuids.count)
        func trace(ofRoot root: Int) -> (traceID: OTLP.TraceID, context: TraceContext?) {
            if let known = traces[root] { return known }
            var context: TraceContext?
            if let recordIndex = primaryOf[root], let describing = records[recordIndex].describing {
                context = TraceContext(metadata: records[recordIndex].start.flatMap { events[$0].event.metadata }) ?? TraceContext(metadata: events[describing].event.metadata)
            }
            let result = (context?.traceID ?? SpanIdentity.traceID(uuid: uuids[root]), context)
            traces[root] = result
            return result
        }
        // Only unended scopes need the latest time in their subtree: each event raises its
        // parent's, then the forest carries the maxima to the roots (children before parents).
        var latestInSubtree = [Int64](repeating: .min, count: uuids.count)
        if report.unended > 0 {
            for index in ordered {
                guard let parent = id(of: keys[index].parent) else { continue }
                latestInSubtree[parent] = max(latestInSubtree[parent], time(index))
            }
            forest.forEachChildBeforeItsParent { child, parent in
                latestInSubtree[parent] = max(latestInSubtree[parent], latestInSubtree[child])
            }
        }

        /// The ids of occurrence `occurrence` of scope `id` whose event names `parent` (a known
        /// scope's id, or nil).
        func identity(id: Int, occurrence: Int, parent: Int?) -> AssembledScope.Identity {
            let parent = recordParent(of: id, named: parent)
            let rootID = parent.map { rootOf[$0] } ?? id
            let (traceID, context) = trace(ofRoot: rootID)
            let spanID = SpanIdentity.spanID(uuid: uuids[id], occurrence: occurrence)
            if let parent {
                return .init(traceID: traceID, spanID: spanID, parentSpanID: SpanIdentity.spanID(uuid: uuids[parent]), flags: AssembledScope.Identity.localFlags)
            }
            if let context, rootID == id {
                return .init(traceID: traceID, spanID: spanID, parentSpanID: context.parentSpanID, traceState: context.traceState, flags: context.spanFlags)
            }
            return .init(traceID: traceID, spanID: spanID, flags: AssembledScope.Identity.localFlags)
        }

        // Marks: a span event when the parent is open at the mark's time, else a span of its own.
        var items: [(time: Int64, line: Int, item: PlannedItem)] = []
        for index in marks {
            let parentState = keys[index].parent.flatMap { states[$0] }
            if let recordIndex = parentState?.primary, let opening = records[recordIndex].describing {
                let opens = time(opening)
                let closes = records[recordIndex].end.map { max(time($0), opens) } ?? .max
                if time(index) >= opens && time(index) <= closes {
                    records[recordIndex].marks.append(index)
                    report.attachedMarks += 1
                    continue
                }
            }
            let markUUID = events[index].event.uuid
            // A mark reusing a scope's uuid is one more use of it (after the scope's occurrences).
            var scopeUse: Int?
            states[keys[index].uuid]?.update { state in
                scopeUse = state.pairing.takeOccurrence()
            }
            if let scopeUse {
                report.noteMarkReusingScopeUUID(name: events[index].event.name, uuid: markUUID, occurrence: scopeUse, source: source, line: events[index].line)
            }
            let spanID = SpanIdentity.markSpanID(uuid: markUUID, scopeUse: scopeUse)
            let markIdentity: AssembledScope.Identity
            if let parentID = parentState?.id {
                let parentIdentity = identity(id: parentID, occurrence: 1, parent: knownParent(of: parentID))
                markIdentity = .init(traceID: parentIdentity.traceID, spanID: spanID, parentSpanID: parentIdentity.spanID, flags: AssembledScope.Identity.localFlags)
            } else {
                markIdentity = .init(traceID: SpanIdentity.traceID(uuid: markUUID), spanID: spanID, flags: AssembledScope.Identity.localFlags)
            }
            items.append((time(index), events[index].line ?? 0, .orphanMark(index, markIdentity)))
            report.orphanMarks += 1
        }

        // Build the scopes.
        for record in records {
            guard let describing = record.describing else { continue }
            let startTime = time(describing)
            var endTime: Int64
            if record.anomalies.contains(.duplicateStart) || record.anomalies.contains(.unmatchedEnd) {
                endTime = startTime
            } else if let end = record.end {
                endTime = max(time(end), startTime)
            } else {
                let latest = latestInSubtree[record.id]
                endTime = max(latest == .min ? startTime : latest, startTime)
            }
            if record.anomalies.contains(.unended), record.occurrence > 1 { endTime = startTime }
            let scope = PlannedScope(
                start: record.start, end: record.end, marks: record.marks,
                identity: identity(id: record.id, occurrence: record.occurrence, parent: id(of: keys[describing].parent)),
                startTime: startTime, endTime: endTime, anomalies: record.anomalies)
            items.append((startTime, events[describing].line ?? 0, .scope(scope)))
        }
        items.sort { ($0.time, $0.line) < ($1.time, $1.line) }
        return (items.map(\.item), report)
    }

    /// What the pairing keeps per uuid.
    private struct UUIDState {
        var pairing = ScopePairing<Int>()
        /// A dense number for the uuid, in order of first appearance (-1 until assigned).
        var id = -1
        /// The record of the open start, if any.
        var openRecord: Int?
        /// The record of occurrence 1 (the uuid's plain span id).
        var primary: Int?

        /// Runs `body` on this state in place.
        mutating func update(_ body: (inout UUIDState) -> Void) { body(&self) }
    }

    /// Indices of the non-header events in stable time order; at equal times starts, then marks,
    /// then ends, then input order.
    static func timeOrder(_ events: [SourcedEvent]) -> [Int] {
        timeOrder(events.map { PairingKey($0.event) })
    }

    /// ``timeOrder(_:)`` over the events' keys.
    static func timeOrder(_ pairingKeys: [PairingKey]) -> [Int] {
        func rank(_ kind: Event.Kind) -> Int {
            switch kind {
            case .streamHeader, .scopeStart: 0
            case .mark: 1
            case .scopeEnd: 2
            }
        }
        let keys = pairingKeys.map { ($0.time, rank($0.kind), $0.kind == .streamHeader) }
        // Inputs written as things happened are already in order: then no sort is needed.
        var inOrder = true
        var previous: (Int64, Int)?
        for key in keys where !key.2 {
            if let last = previous, last.0 > key.0 || (last.0 == key.0 && last.1 > key.1) {
                inOrder = false
                break
            }
            previous = (key.0, key.1)
        }
        if inOrder { return keys.indices.filter { !keys[$0].2 } }
        return keys.indices.filter { !keys[$0].2 }.sorted { lhs, rhs in
            let l = keys[lhs], r = keys[rhs]
            if l.0 != r.0 { return l.0 < r.0 }
            if l.1 != r.1 { return l.1 < r.1 }
            return lhs < rhs
        }
    }
}

/// A uuid as a dictionary key: the canonical text form (lowercase 8-4-4-4-12 hex) as its 128-bit
/// value (hashed and compared inline, without touching the string), any other text as itself.
/// Two uuids are equal keys exactly when their texts are equal.
enum UUIDKey: Hashable, Sendable {
    case canonical(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        var copy = text
        if let value = copy.withUTF8({ Self.parseCanonical($0) }) {
            self = .canonical(value.0, value.1)
        } else {
            self = .text(text)
        }
    }

    /// The value of a canonical lowercase uuid text; `nil` for any other text.
    private static func parseCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            if digits < 16 {
                high = high << 4 | UInt64(nibble)
            } else {
                low = low << 4 | UInt64(nibble)
            }
            digits += 1
        }
        return (high, low)
    }
}

/// What pairing reads of one event: small, and made where the event is decoded.
struct PairingKey: Sendable {
    /// The event time, ns since the epoch.
    var time: Int64
    /// The event kind.
    var kind: Event.Kind
    /// The event's uuid.
    var uuid: UUIDKey
    /// The event's parent uuid.
    var parent: UUIDKey?

    init(_ event: Event) {
        time = event.timestamp.nanosecondsSinceEpoch
        kind = event.kind
        uuid = UUIDKey(event.uuid)
        parent = event.parentUUID.map(UUIDKey.init)
    }
}
