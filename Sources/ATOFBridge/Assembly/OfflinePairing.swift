import ATOF

/// One offline pairing of a whole input, in the steps of ``LiveSpanAssembler``'s flow: pair per
/// uuid, release open starts and held ends, link parents (roots, traces), find subtree end times,
/// place the marks, build the scopes. It reads the input's ``EventIndex`` only (events are
/// indices into it, uuids its dense ids); every id comes from ``SpanIdentity``.
struct OfflinePairing {
    /// One scope occurrence being built.
    struct Record {
        /// The scope id (see ``OfflinePairing/uuids``).
        var id: Int32
        var occurrence: Int32
        var start: Int32
        var end: Int32
        var anomalies: AssembledScope.Anomalies
        /// Its attached marks: how many, then where they begin in the flat list.
        var markCount: Int32 = 0
        var marksStart: Int32 = 0

        init(id: Int, occurrence: Int, start: Int?, end: Int?, anomalies: AssembledScope.Anomalies) {
            self.id = Int32(id)
            self.occurrence = Int32(occurrence)
            self.start = Int32(start ?? -1)
            self.end = Int32(end ?? -1)
            self.anomalies = anomalies
        }

        var describing: Int? { start >= 0 ? Int(start) : (end >= 0 ? Int(end) : nil) }
        var startIndex: Int? { start >= 0 ? Int(start) : nil }
        var endIndex: Int? { end >= 0 ? Int(end) : nil }
    }

    /// What the pairing keeps per scope uuid while it pairs.
    struct UUIDState {
        /// The uuid's id in the index.
        var uuid: Int32
        var pairing = ScopePairing<Int32>()
        /// The record of the open start, or -1.
        var openRecord: Int32 = -1
        /// The record of occurrence 1 (the uuid's plain span id), or -1.
        var primary: Int32 = -1

        init(uuid: Int32) { self.uuid = uuid }

        var primaryRecord: Int? { primary >= 0 ? Int(primary) : nil }
    }

    /// What is left of a ``UUIDState`` once every start and end is paired.
    struct ScopeState {
        /// The uuid's id in the index.
        var uuid: Int32
        /// The record of occurrence 1, or -1.
        var primary: Int32
        /// The uses of the uuid so far (see ``ScopePairing/takeOccurrence()``).
        var occurrences: Int32

        var primaryRecord: Int? { primary >= 0 ? Int(primary) : nil }
    }

    /// `parentOf` values: a uuid whose records name no parent, and a parent that is not a scope here.
    private static let unset: Int32 = -2, unknown: Int32 = -1

    let index: EventIndex
    let source: String
    /// The name of an event, for the diagnostics that quote it (read again from the input).
    let name: (Int) -> String
    /// The non-header events in time order (``SpanAssembler/timeOrder(_:)``).
    var ordered: [Int32]
    var report = AssemblyReport()
    /// Per uuid id of the index: its scope id, or -1 when it is no scope's uuid (-2 before it is
    /// given one).
    var scopeOfUUID: [Int32]
    /// Per scope id (given in order of first appearance, in time order): the uuid and its pairing.
    var uuids: [UUIDState] = []
    /// Per scope id, once paired: what placing marks and making ids still need.
    var scopes: [ScopeState] = []
    /// The scope occurrences, in the order they were found.
    var records: [Record] = []
    /// The marks, in time order.
    var marks: [Int32] = []
    /// The attached marks, as (record, mark), in time order.
    var attached: [(record: Int32, mark: Int32)] = []
    /// Per id: the parent's id, ``unknown`` or ``unset`` (before cycles are cut).
    var parentOf: [Int32] = []
    var forest = ParentForest(parents: [])
    /// Per id: the root of its tree.
    var rootOf: [Int32] = []
    /// Per id: the position of its trace in ``traces`` once found (roots only), else -1.
    var traceOfRoot: [Int32] = []
    /// The traces found: trace id and W3C context.
    var traces: [(traceID: OTLP.TraceID, context: TraceParent?)] = []
    /// Per id: the latest event time in its subtree (only when some scope is unended).
    var latestInSubtree: [Int64] = []
    /// The spans made and what they read.
    var plan = SpanPlan()
    /// The `tracestate` values already in ``plan``, by value.
    var traceStateIndex: [String: Int32] = [:]
    /// Where the plan's spans go in sorted runs instead of memory, if anywhere.
    let spill: PlanSpill?

    init(index: EventIndex, source: String, name: @escaping (Int) -> String, spill: PlanSpill? = nil) {
        self.index = index
        self.spill = spill
        self.source = source
        self.name = name
        ordered = SpanAssembler.timeOrder(index)
        scopeOfUUID = [Int32](repeating: -1, count: index.keys.count)
        report.streamHeaders = index.count - ordered.count
    }

    /// Pair per uuid: feeds each scope event, in time order, to its uuid's ``ScopePairing`` (one
    /// array lookup per event) and records what it opens, pairs or duplicates. Marks wait.
    mutating func pairPerUUID() {
        var scopeCount = 0
        for event in 0..<index.count where index.kinds[event] == .scopeStart || index.kinds[event] == .scopeEnd {
            let uuid = Int(index.uuids[event])
            if scopeOfUUID[uuid] == -1 {
                scopeOfUUID[uuid] = -2
                scopeCount += 1
            }
        }
        uuids.reserveCapacity(scopeCount)
        records.reserveCapacity(scopeCount)  // one record per scope unless uuids are reused
        for event in ordered {
            let kind = index.kinds[Int(event)]
            guard kind == .scopeStart || kind == .scopeEnd else {
                marks.append(event)
                continue
            }
            let id = scopeID(for: index.uuids[Int(event)])
            let outcome = uuids[id].pairing.feed(event, isStart: kind == .scopeStart, time: index.times[Int(event)])
            record(outcome, of: id, at: Int(event))
        }
        ordered = []
    }

    /// Release open starts and held ends: what is still open is unended, what is still held is an
    /// unmatched end (uuids in text order).
    mutating func releaseOpenStartsAndHeldEnds() {
        let pending = uuids.indices.filter { uuids[$0].pairing.openStart != nil || !uuids[$0].pairing.heldEnds.isEmpty }
        let texts = pending.map { (id: $0, text: text(of: $0)) }
        for (id, uuid) in texts.sorted(by: { $0.text < $1.text }) {
            if let (start, _) = uuids[id].pairing.releaseOpenStart() {
                if uuids[id].openRecord >= 0 { records[Int(uuids[id].openRecord)].anomalies.insert(.unended) }
                report.note(.unended, name: name(Int(start)), uuid: uuid, source: source, line: index.line(Int(start)))
            }
            for (end, occurrence) in uuids[id].pairing.releaseHeldEnds() {
                add(Record(id: id, occurrence: occurrence, start: nil, end: Int(end), anomalies: .unmatchedEnd))
                report.note(.unmatchedEnd, name: name(Int(end)), uuid: uuid, source: source, line: index.line(Int(end)))
            }
        }
        scopes = uuids.map { ScopeState(uuid: $0.uuid, primary: $0.primary, occurrences: Int32($0.pairing.occurrences)) }
        uuids = []
    }

    /// Parents, roots and traces: a uuid's parent is the first parent named among its records (one
    /// that is not a scope here ends every walk upward); cycles are cut with a warning
    /// (``ParentForest``), then every root is found once.
    mutating func linkParents() {
        parentOf = [Int32](repeating: Self.unset, count: scopes.count)
        for record in records where parentOf[Int(record.id)] == Self.unset {
            guard let parent = parentUUID(of: record.startIndex) ?? parentUUID(of: record.endIndex) else { continue }
            parentOf[Int(record.id)] = scopeID(ofUUID: parent).map { Int32($0) } ?? Self.unknown
        }
        forest = ParentForest(parentIDs: parentOf.map { max($0, -1) })
        for cut in forest.cuts {
            let recordIndex = scopes[cut.node].primaryRecord ?? records.firstIndex { $0.id == cut.node }
            guard let recordIndex, let describing = records[recordIndex].describing else { continue }
            report.noteParentCycle(
                name: name(describing), uuid: text(of: cut.node), parent: text(of: cut.parent), length: cut.length,
                source: source, line: index.line(describing))
        }
        rootOf = forest.roots()
        traceOfRoot = [Int32](repeating: -1, count: scopes.count)
    }

    /// Subtree end times, needed only by unended scopes: each event raises its parent's latest
    /// time, then the forest carries the maxima to the roots (children before parents).
    mutating func findSubtreeEndTimes() {
        guard report.unended > 0 else { return }
        latestInSubtree = [Int64](repeating: .min, count: scopes.count)
        for event in 0..<index.count where index.kinds[event] != .streamHeader {
            guard let parent = scopeID(ofUUID: index.parents[event]) else { continue }
            latestInSubtree[parent] = max(latestInSubtree[parent], index.times[event])
        }
        let forest = forest
        forest.forEachChildBeforeItsParent { child, parent in
            latestInSubtree[parent] = max(latestInSubtree[parent], latestInSubtree[child])
        }
    }

    /// Marks: a span event of the parent when the parent scope is open at the mark's time, else an
    /// orphan mark, a span of its own.
    mutating func placeMarks() {
        for mark in marks {
            let event = Int(mark)
            let time = index.times[event]
            let parentID = scopeID(ofUUID: index.parents[event])
            if let parentID, let recordIndex = scopes[parentID].primaryRecord, let opening = records[recordIndex].describing {
                let opens = index.times[opening]
                let closes = records[recordIndex].endIndex.map { max(index.times[$0], opens) } ?? .max
                if time >= opens && time <= closes {
                    records[recordIndex].markCount += 1
                    attached.append((Int32(recordIndex), mark))
                    report.attachedMarks += 1
                    continue
                }
            }
            // A mark reusing a scope's uuid is one more use of it (after the scope's occurrences).
            let uuid = index.uuids[event]
            let key = index.keys[Int(uuid)]
            var scopeUse: Int?
            if let id = scopeID(ofUUID: uuid) {
                scopes[id].occurrences += 1
                scopeUse = Int(scopes[id].occurrences)
            }
            if let scopeUse {
                report.noteMarkReusingScopeUUID(
                    name: name(event), uuid: key.text, occurrence: scopeUse, source: source, line: index.line(event))
            }
            var parent: (traceID: OTLP.TraceID, spanID: OTLP.SpanID)?
            if let parentID {
                let parentIdentity = identity(id: parentID, occurrence: 1, parent: forest.parent(of: parentID))
                parent = (parentIdentity.traceID, parentIdentity.spanID)
            }
            let identity = SpanIdentity.orphanMark(of: key, scopeUse: scopeUse, parent: parent)
            append(PlannedSpan(orphanMark: event, time: time, identity: identity, traceState: traceState(identity)), describing: event)
            report.orphanMarks += 1
        }
        marks = []
    }

    /// Build the scopes: each record's times (an unended scope ends at the latest time in its
    /// subtree, a repeated one at its start), ids and marks (one run each in the plan's flat list).
    mutating func buildScopes() {
        var next: Int32 = 0
        for recordIndex in records.indices {
            records[recordIndex].marksStart = next
            next += records[recordIndex].markCount
        }
        plan.marks = [Int32](repeating: 0, count: Int(next))
        var filled = [Int32](repeating: 0, count: records.count)
        for (record, mark) in attached {
            plan.marks[Int(records[Int(record)].marksStart + filled[Int(record)])] = mark
            filled[Int(record)] += 1
        }
        attached = []
        filled = []
        plan.spans.reserveCapacity(min(plan.spans.count + records.count, spill?.runLength ?? .max))
        for record in records {
            guard let describing = record.describing else { continue }
            let startTime = index.times[describing]
            var endTime: Int64
            if record.anomalies.contains(.duplicateStart) || record.anomalies.contains(.unmatchedEnd) {
                endTime = startTime
            } else if let end = record.endIndex {
                endTime = max(index.times[end], startTime)
            } else {
                let latest = latestInSubtree.isEmpty ? .min : latestInSubtree[Int(record.id)]
                endTime = max(latest == .min ? startTime : latest, startTime)
            }
            if record.anomalies.contains(.unended), record.occurrence > 1 { endTime = startTime }
            let identity = identity(
                id: Int(record.id), occurrence: Int(record.occurrence), parent: scopeID(ofUUID: index.parents[describing]))
            let marks = Int(record.marksStart)..<Int(record.marksStart + record.markCount)
            append(
                PlannedSpan(
                    start: record.startIndex, end: record.endIndex, marks: marks, identity: identity,
                    traceState: traceState(identity), startTime: startTime, endTime: endTime, anomalies: record.anomalies),
                describing: describing)
        }
        records = []
    }

    /// The spans in output order (start time, then line, then the order they were made in) and
    /// the report. With a ``spill``, the last run is written and the plan names the spool (a
    /// failed write is kept by the spill, see ``PlanSpill/checkWritten()``).
    mutating func finish() -> (plan: SpanPlan, report: AssemblyReport) {
        if let spill {
            spill.write(&plan.spans)
            plan.spooled = spill.finish()
        }
        if plan.spooled == nil { plan.spans.sortInOutputOrder() }
        return (plan, report)
    }

    /// Adds a span to the plan (with a ``spill``, a full run is written out).
    private mutating func append(_ span: PlannedSpan, describing: Int) {
        var span = span
        span.sortLine = Self.sortLine(index.lines[describing])
        plan.spans.append(span)
        if let spill, plan.spans.count >= spill.runLength { spill.write(&plan.spans) }
    }

    // MARK: - Helpers

    /// A line as the output order counts it (none counts as 0).
    private static func sortLine(_ line: UInt32) -> UInt32 {
        line == EventIndex.noLine ? 0 : line
    }

    /// The uuid of scope `id`, as written.
    private func text(of id: Int) -> String {
        index.keys[Int(uuids.isEmpty ? scopes[id].uuid : uuids[id].uuid)].text
    }

    /// The parent uuid's id of event `event` (if any, and if it names one).
    private func parentUUID(of event: Int?) -> Int32? {
        guard let event, index.parents[event] != EventIndex.noParent else { return nil }
        return index.parents[event]
    }

    /// The scope id of the uuid with id `uuid`, given when it is first seen as a scope's.
    private mutating func scopeID(for uuid: Int32) -> Int {
        let known = scopeOfUUID[Int(uuid)]
        if known >= 0 { return Int(known) }  // else -2: a scope's uuid not seen yet
        scopeOfUUID[Int(uuid)] = Int32(uuids.count)
        uuids.append(UUIDState(uuid: uuid))
        return uuids.count - 1
    }

    /// The scope id of the uuid with id `uuid`; `nil` for a uuid that is no scope's (or none).
    private func scopeID(ofUUID uuid: Int32) -> Int? {
        guard uuid >= 0 else { return nil }
        let id = scopeOfUUID[Int(uuid)]
        return id >= 0 ? Int(id) : nil
    }

    /// The index of `identity`'s `tracestate` in the plan (-1 for none), each value kept once.
    private mutating func traceState(_ identity: AssembledScope.Identity) -> Int32 {
        guard let traceState = identity.traceState else { return -1 }
        if let known = traceStateIndex[traceState] { return known }
        let position = Int32(plan.traceStates.count)
        plan.traceStates.append(traceState)
        traceStateIndex[traceState] = position
        return position
    }

    /// Turns what the pairing said about event `event` of scope `id` into records and notes.
    private mutating func record(_ outcome: ScopePairing<Int32>.Outcome, of id: Int, at event: Int) {
        switch outcome {
        case .opened(let occurrence):
            uuids[id].openRecord = Int32(records.count)
            add(Record(id: id, occurrence: occurrence, start: event, end: nil, anomalies: []))
            if occurrence > 1 {
                report.diagnostics.append(
                    Diagnostic(
                        severity: .warning, source: source, line: index.line(event),
                        message:
                            "uuid \(text(of: id)) is used again for a new scope after its first one ended; exported as a separate span"))
            }
        case .paired(let start, let end, let occurrence, let clockSkew):
            let open = uuids[id].openRecord
            uuids[id].openRecord = -1
            if open >= 0, records[Int(open)].start == start {
                records[Int(open)].end = end
                if clockSkew { records[Int(open)].anomalies.insert(.clockSkew) }
            } else {
                add(Record(id: id, occurrence: occurrence, start: Int(start), end: Int(end), anomalies: clockSkew ? .clockSkew : []))
            }
            if clockSkew {
                report.note(.clockSkew, name: name(Int(end)), uuid: text(of: id), source: source, line: index.line(Int(end)))
            }
        case .duplicate(let start, let occurrence, let first):
            add(Record(id: id, occurrence: occurrence, start: Int(start), end: nil, anomalies: .duplicateStart))
            report.note(
                .duplicateStart, name: name(Int(start)), uuid: text(of: id), source: source, line: index.line(Int(start)),
                firstLine: index.line(Int(first)))
        case .held:
            break
        }
    }

    /// Keeps `record`; occurrence 1 is its uuid's primary record.
    private mutating func add(_ record: Record) {
        records.append(record)
        if record.occurrence == 1 { uuids[Int(record.id)].primary = Int32(records.count - 1) }
    }

    /// The parent of a record of scope `id` whose event names `parent`: none for itself, and
    /// none across a cut cycle.
    private func recordParent(of id: Int, named parent: Int?) -> Int? {
        guard let parent, parent != id else { return nil }
        if parent == Int(parentOf[id]), forest.parent(of: id) == nil { return nil }
        return parent
    }

    /// The trace of the root `root` (found once per root): the W3C context in the metadata of
    /// its describing event, else its own.
    private mutating func trace(ofRoot root: Int) -> (traceID: OTLP.TraceID, context: TraceParent?) {
        if traceOfRoot[root] >= 0 { return traces[Int(traceOfRoot[root])] }
        let describing = scopes[root].primaryRecord.flatMap { records[$0].describing }
        let result: (traceID: OTLP.TraceID, context: TraceParent?)
        if let describing, let context = index.traceContexts[Int32(describing)] {
            result = (context.traceID, context)
        } else {
            result = (SpanIdentity.traceID(of: index.keys[Int(scopes[root].uuid)]), nil)
        }
        traceOfRoot[root] = Int32(traces.count)
        traces.append(result)
        return result
    }

    /// The ids of occurrence `occurrence` of scope `id` whose event names `parent` (a scope id
    /// of this input, or nil).
    private mutating func identity(id: Int, occurrence: Int, parent: Int?) -> AssembledScope.Identity {
        let parent = recordParent(of: id, named: parent)
        let (traceID, context) = trace(ofRoot: parent.map { Int(rootOf[$0]) } ?? id)
        return SpanIdentity.scope(
            traceID: traceID, spanID: SpanIdentity.spanID(of: index.keys[Int(scopes[id].uuid)], occurrence: occurrence),
            parentSpanID: parent.map { SpanIdentity.spanID(of: index.keys[Int(scopes[$0].uuid)]) }, joining: context)
    }
}
