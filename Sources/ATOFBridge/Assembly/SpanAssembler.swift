import ATOF

/// Pairs a whole input's events into spans (span-mapping.md §1, §2, §6, §7): the offline mode
/// used for files and stdin read to their end.
///
/// The input is judged as a whole: a start and an end pair by uuid wherever they stand, and a
/// parent is known when its uuid appears as a scope anywhere. Events are taken in timestamp order
/// (stable on file order; at equal times starts come before marks before ends), so file order
/// never decides nesting. Parent chains of any depth are followed in linear time and memory
/// (``ParentForest``); a parent cycle is cut at its first scope, with a warning.
package struct SpanAssembler: Sendable {
    /// The input's name, for diagnostics.
    package var source: String

    package init(source: String = "<input>") {
        self.source = source
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
    package func assemble(_ events: [SourcedEvent]) -> (items: [AssembledItem], report: AssemblyReport) {
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
    /// rather than the events. The steps follow ``LiveSpanAssembler``'s flow.
    func plan(_ events: [SourcedEvent], keys: [PairingKey]) -> (items: [PlannedItem], report: AssemblyReport) {
        var pairing = OfflinePairing(events: events, keys: keys, source: source)
        pairing.pairPerUUID()
        pairing.releaseOpenStartsAndHeldEnds()
        pairing.linkParents()
        pairing.findSubtreeEndTimes()
        pairing.placeMarks()
        pairing.buildScopes()
        return pairing.finish()
    }

    /// Indices of the non-header events in stable time order; at equal times starts, then marks,
    /// then ends, then input order.
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
            let l = keys[lhs]
            let r = keys[rhs]
            if l.0 != r.0 { return l.0 < r.0 }
            if l.1 != r.1 { return l.1 < r.1 }
            return lhs < rhs
        }
    }
}

/// One offline pairing of a whole input, in the steps of ``LiveSpanAssembler``'s flow: pair per
/// uuid, release open starts and held ends, link parents (roots, traces), find subtree end times,
/// place the marks, build the scopes. Events are indices into the input; every id comes from
/// ``SpanIdentity``.
private struct OfflinePairing {
    /// One scope occurrence being built.
    struct Record {
        /// The uuid's dense id (see ``OfflinePairing/ids``).
        var id: Int
        var occurrence: Int
        var start: Int?
        var end: Int?
        var anomalies: AssembledScope.Anomalies
        var marks: [Int] = []

        var describing: Int? { start ?? end }
    }

    /// What the pairing keeps per scope uuid.
    struct UUIDState {
        var key: UUIDKey
        /// The uuid as written (for diagnostics).
        var text: String
        var pairing = ScopePairing<Int>()
        /// The record of the open start, if any.
        var openRecord: Int?
        /// The record of occurrence 1 (the uuid's plain span id).
        var primary: Int?
    }

    /// `parentOf` values: a uuid whose records name no parent, and a parent that is not a scope here.
    private static let unset = -2, unknown = -1

    let events: [SourcedEvent]
    let keys: [PairingKey]
    let source: String
    /// The non-header events in time order (``SpanAssembler/timeOrder(_:)``).
    let ordered: [Int]
    var report = AssemblyReport()
    /// Each scope uuid's dense id, given in order of first appearance.
    var ids: [UUIDKey: Int] = [:]
    /// Per id: the uuid and its pairing.
    var uuids: [UUIDState] = []
    /// The scope occurrences, in the order they were found.
    var records: [Record] = []
    /// The marks, in time order.
    var marks: [Int] = []
    /// Per id: the parent's id, ``unknown`` or ``unset`` (before cycles are cut).
    var parentOf: [Int] = []
    var forest = ParentForest(parents: [])
    /// Per id: the root of its tree.
    var rootOf: [Int] = []
    /// Per root id: its trace id and W3C context, once found.
    var traces: [(traceID: OTLP.TraceID, context: TraceParent?)?] = []
    /// Per id: the latest event time in its subtree (only when some scope is unended).
    var latestInSubtree: [Int64] = []
    /// The spans made, with what orders them.
    var items: [(time: Int64, line: Int, item: SpanAssembler.PlannedItem)] = []

    init(events: [SourcedEvent], keys: [PairingKey], source: String) {
        self.events = events
        self.keys = keys
        self.source = source
        ordered = SpanAssembler.timeOrder(keys)
        report.streamHeaders = events.count - ordered.count
    }

    /// Pair per uuid: feeds each scope event, in time order, to its uuid's ``ScopePairing`` (one
    /// table lookup per event) and records what it opens, pairs or duplicates. Marks wait.
    mutating func pairPerUUID() {
        for index in ordered {
            let kind = keys[index].kind
            guard kind == .scopeStart || kind == .scopeEnd else {
                marks.append(index)
                continue
            }
            let id = id(for: keys[index].uuid, firstSeenAt: index)
            let outcome = uuids[id].pairing.feed(index, isStart: kind == .scopeStart, time: keys[index].time)
            record(outcome, of: id, at: index)
        }
    }

    /// Release open starts and held ends: what is still open is unended, what is still held is an
    /// unmatched end (uuids in text order).
    mutating func releaseOpenStartsAndHeldEnds() {
        let pending = uuids.indices.filter { uuids[$0].pairing.openStart != nil || !uuids[$0].pairing.heldEnds.isEmpty }
        for id in pending.sorted(by: { uuids[$0].text < uuids[$1].text }) {
            let uuid = uuids[id].text
            if let (start, _) = uuids[id].pairing.releaseOpenStart() {
                if let recordIndex = uuids[id].openRecord { records[recordIndex].anomalies.insert(.unended) }
                report.note(.unended, name: events[start].event.name, uuid: uuid, source: source, line: events[start].line)
            }
            for (end, occurrence) in uuids[id].pairing.releaseHeldEnds() {
                add(Record(id: id, occurrence: occurrence, start: nil, end: end, anomalies: .unmatchedEnd))
                report.note(.unmatchedEnd, name: events[end].event.name, uuid: uuid, source: source, line: events[end].line)
            }
        }
    }

    /// Parents, roots and traces: a uuid's parent is the first parent named among its records (one
    /// that is not a scope here ends every walk upward); cycles are cut with a warning
    /// (``ParentForest``), then every root is found once.
    mutating func linkParents() {
        parentOf = [Int](repeating: Self.unset, count: uuids.count)
        for record in records where parentOf[record.id] == Self.unset {
            guard let parent = record.start.flatMap({ keys[$0].parent }) ?? record.end.flatMap({ keys[$0].parent }) else {
                continue
            }
            parentOf[record.id] = id(of: parent) ?? Self.unknown
        }
        forest = ParentForest(parents: parentOf.map { $0 >= 0 ? $0 : nil })
        for cut in forest.cuts {
            let recordIndex = uuids[cut.node].primary ?? records.firstIndex { $0.id == cut.node }
            guard let recordIndex, let describing = records[recordIndex].describing else { continue }
            report.noteParentCycle(
                name: events[describing].event.name, uuid: uuids[cut.node].text, parent: uuids[cut.parent].text, length: cut.length,
                source: source, line: events[describing].line)
        }
        rootOf = forest.roots()
        traces = Array(repeating: nil, count: uuids.count)
    }

    /// Subtree end times, needed only by unended scopes: each event raises its parent's latest
    /// time, then the forest carries the maxima to the roots (children before parents).
    mutating func findSubtreeEndTimes() {
        latestInSubtree = [Int64](repeating: .min, count: uuids.count)
        guard report.unended > 0 else { return }
        for index in ordered {
            guard let parent = id(of: keys[index].parent) else { continue }
            latestInSubtree[parent] = max(latestInSubtree[parent], keys[index].time)
        }
        let forest = forest
        forest.forEachChildBeforeItsParent { child, parent in
            latestInSubtree[parent] = max(latestInSubtree[parent], latestInSubtree[child])
        }
    }

    /// Marks: a span event of the parent when the parent scope is open at the mark's time, else an
    /// orphan mark, a span of its own.
    mutating func placeMarks() {
        for index in marks {
            let parentID = id(of: keys[index].parent)
            if let parentID, let recordIndex = uuids[parentID].primary, let opening = records[recordIndex].describing {
                let opens = keys[opening].time
                let closes = records[recordIndex].end.map { max(keys[$0].time, opens) } ?? .max
                if keys[index].time >= opens && keys[index].time <= closes {
                    records[recordIndex].marks.append(index)
                    report.attachedMarks += 1
                    continue
                }
            }
            // A mark reusing a scope's uuid is one more use of it (after the scope's occurrences).
            let key = keys[index].uuid
            var scopeUse: Int?
            if let id = ids[key] {
                scopeUse = uuids[id].pairing.takeOccurrence()
            }
            if let scopeUse {
                report.noteMarkReusingScopeUUID(
                    name: events[index].event.name, uuid: events[index].event.uuid, occurrence: scopeUse, source: source,
                    line: events[index].line)
            }
            var parent: (traceID: OTLP.TraceID, spanID: OTLP.SpanID)?
            if let parentID {
                let parentIdentity = identity(id: parentID, occurrence: 1, parent: forest.parent(of: parentID))
                parent = (parentIdentity.traceID, parentIdentity.spanID)
            }
            let identity = SpanIdentity.orphanMark(of: key, scopeUse: scopeUse, parent: parent)
            items.append((keys[index].time, events[index].line ?? 0, .orphanMark(index, identity)))
            report.orphanMarks += 1
        }
    }

    /// Build the scopes: each record's times (an unended scope ends at the latest time in its
    /// subtree, a repeated one at its start) and ids.
    mutating func buildScopes() {
        for record in records {
            guard let describing = record.describing else { continue }
            let startTime = keys[describing].time
            var endTime: Int64
            if record.anomalies.contains(.duplicateStart) || record.anomalies.contains(.unmatchedEnd) {
                endTime = startTime
            } else if let end = record.end {
                endTime = max(keys[end].time, startTime)
            } else {
                let latest = latestInSubtree[record.id]
                endTime = max(latest == .min ? startTime : latest, startTime)
            }
            if record.anomalies.contains(.unended), record.occurrence > 1 { endTime = startTime }
            let scope = SpanAssembler.PlannedScope(
                start: record.start, end: record.end, marks: record.marks,
                identity: identity(id: record.id, occurrence: record.occurrence, parent: id(of: keys[describing].parent)),
                startTime: startTime, endTime: endTime, anomalies: record.anomalies)
            items.append((startTime, events[describing].line ?? 0, .scope(scope)))
        }
    }

    /// The spans in output order (start time, then line) and the report.
    mutating func finish() -> (items: [SpanAssembler.PlannedItem], report: AssemblyReport) {
        items.sort { ($0.time, $0.line) < ($1.time, $1.line) }
        return (items.map(\.item), report)
    }

    // MARK: - Helpers

    /// The dense id of the uuid `key`, given when it first appears (at event `index`).
    private mutating func id(for key: UUIDKey, firstSeenAt index: Int) -> Int {
        let next = uuids.count
        let id = Self.read(&ids[key, default: next])
        if id == next {
            uuids.append(UUIDState(key: key, text: events[index].event.uuid))
        }
        return id
    }

    /// A value read through `inout`: `read(&table[key, default: new])` looks `key` up once and
    /// stores `new` when it is missing.
    private static func read(_ value: inout Int) -> Int { value }

    /// The id of a scope uuid of this input; `nil` for any other uuid (or none).
    private func id(of uuid: UUIDKey?) -> Int? {
        guard let uuid else { return nil }
        return ids[uuid]
    }

    /// Turns what the pairing said about event `index` of uuid `id` into records and notes.
    private mutating func record(_ outcome: ScopePairing<Int>.Outcome, of id: Int, at index: Int) {
        let uuid = uuids[id].text
        switch outcome {
        case .opened(let occurrence):
            uuids[id].openRecord = records.count
            add(Record(id: id, occurrence: occurrence, start: index, end: nil, anomalies: []))
            if occurrence > 1 {
                report.diagnostics.append(
                    Diagnostic(
                        severity: .warning, source: source, line: events[index].line,
                        message: "uuid \(uuid) is used again for a new scope after its first one ended; exported as a separate span"))
            }
        case .paired(let start, let end, let occurrence, let clockSkew):
            let open = uuids[id].openRecord
            uuids[id].openRecord = nil
            if let recordIndex = open, records[recordIndex].start == start {
                records[recordIndex].end = end
                if clockSkew { records[recordIndex].anomalies.insert(.clockSkew) }
            } else {
                add(Record(id: id, occurrence: occurrence, start: start, end: end, anomalies: clockSkew ? .clockSkew : []))
            }
            if clockSkew {
                report.note(.clockSkew, name: events[end].event.name, uuid: uuid, source: source, line: events[end].line)
            }
        case .duplicate(let start, let occurrence, let first):
            add(Record(id: id, occurrence: occurrence, start: start, end: nil, anomalies: .duplicateStart))
            report.note(
                .duplicateStart, name: events[start].event.name, uuid: uuid, source: source, line: events[start].line,
                firstLine: events[first].line)
        case .held:
            break
        }
    }

    /// Keeps `record`; occurrence 1 is its uuid's primary record.
    private mutating func add(_ record: Record) {
        records.append(record)
        if record.occurrence == 1 { uuids[record.id].primary = records.count - 1 }
    }

    /// The parent of a record of scope `id` whose event names `parent`: none for itself, and
    /// none across a cut cycle.
    private func recordParent(of id: Int, named parent: Int?) -> Int? {
        guard let parent, parent != id else { return nil }
        if parent == parentOf[id], forest.parent(of: id) == nil { return nil }
        return parent
    }

    /// The trace of the root `root` (found once per root): a W3C context in the metadata of its
    /// describing event, else its own.
    private mutating func trace(ofRoot root: Int) -> (traceID: OTLP.TraceID, context: TraceParent?) {
        if let known = traces[root] { return known }
        let describing = uuids[root].primary.flatMap { records[$0].describing }
        let result = SpanIdentity.rootTrace(of: uuids[root].key, metadata: describing.flatMap { events[$0].event.metadata })
        traces[root] = result
        return result
    }

    /// The ids of occurrence `occurrence` of scope `id` whose event names `parent` (a scope id
    /// of this input, or nil).
    private mutating func identity(id: Int, occurrence: Int, parent: Int?) -> AssembledScope.Identity {
        let parent = recordParent(of: id, named: parent)
        let (traceID, context) = trace(ofRoot: parent.map { rootOf[$0] } ?? id)
        return SpanIdentity.scope(
            traceID: traceID, spanID: SpanIdentity.spanID(of: uuids[id].key, occurrence: occurrence),
            parentSpanID: parent.map { SpanIdentity.spanID(of: uuids[$0].key) }, joining: context)
    }
}
