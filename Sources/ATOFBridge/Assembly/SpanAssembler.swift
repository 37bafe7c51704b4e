import ATOF

/// Pairs a whole input's events into spans (span-mapping.md §1, §2, §6, §7): the offline mode
/// used for files and stdin read to their end.
///
/// The input is judged as a whole: a start and an end pair by uuid wherever they stand, and a
/// parent is known when its uuid appears as a scope anywhere. Events are taken in timestamp order
/// (stable on file order; at equal times starts come before marks before ends), so file order
/// never decides nesting.
public struct SpanAssembler: Sendable {
    /// The input's name, for diagnostics.
    public var source: String

    public init(source: String = "<input>") {
        self.source = source
    }

    /// One scope occurrence being built; events are indices into the input.
    private struct Record {
        var uuid: String
        var occurrence: Int
        var start: Int?
        var end: Int?
        var anomalies: AssembledScope.Anomalies
        var marks: [Int] = []

        var describing: Int? { start ?? end }
    }

    /// Assembles every span of the input.
    public func assemble(_ events: [SourcedEvent]) -> (items: [AssembledItem], report: AssemblyReport) {
        var report = AssemblyReport()
        func event(_ index: Int) -> Event { events[index].event }
        func time(_ index: Int) -> Int64 { events[index].event.timestamp.nanosecondsSinceEpoch }
        let ordered = Self.timeOrder(events)
        report.streamHeaders = events.count - ordered.count

        // Pair per uuid.
        var pairings: [String: ScopePairing<Int>] = [:]
        var records: [Record] = []
        var openRecord: [String: Int] = [:]
        var primary: [String: Int] = [:]
        var marks: [Int] = []

        func add(_ record: Record) {
            records.append(record)
            if record.occurrence == 1 { primary[record.uuid] = records.count - 1 }
        }

        for index in ordered {
            let current = events[index].event
            guard current.isScope else {
                marks.append(index)
                continue
            }
            let uuid = current.uuid
            switch pairings[uuid, default: ScopePairing()].feed(index, isStart: current.kind == .scopeStart, time: time(index)) {
            case .opened(let occurrence):
                openRecord[uuid] = records.count
                add(Record(uuid: uuid, occurrence: occurrence, start: index, end: nil, anomalies: []))
                if occurrence > 1 {
                    report.diagnostics.append(Diagnostic(severity: .warning, source: source, line: events[index].line, message: "uuid \(uuid) is used again for a new scope after its first one ended; exported as a separate span"))
                }
            case .paired(let start, let end, let occurrence, let clockSkew):
                if let recordIndex = openRecord.removeValue(forKey: uuid), records[recordIndex].start == start {
                    records[recordIndex].end = end
                    if clockSkew { records[recordIndex].anomalies.insert(.clockSkew) }
                } else {
                    add(Record(uuid: uuid, occurrence: occurrence, start: start, end: end, anomalies: clockSkew ? .clockSkew : []))
                }
                if clockSkew {
                    report.note(.clockSkew, name: event(end).name, uuid: uuid, source: source, line: events[end].line)
                }
            case .duplicate(let start, let occurrence, let first):
                add(Record(uuid: uuid, occurrence: occurrence, start: start, end: nil, anomalies: .duplicateStart))
                report.note(.duplicateStart, name: event(start).name, uuid: uuid, source: source, line: events[start].line, firstLine: events[first].line)
            case .held:
                break
            }
        }
        for uuid in pairings.keys.sorted() {
            guard var pairing = pairings[uuid] else { continue }
            if let (start, _) = pairing.releaseOpenStart() {
                if let recordIndex = openRecord[uuid] { records[recordIndex].anomalies.insert(.unended) }
                report.note(.unended, name: event(start).name, uuid: uuid, source: source, line: events[start].line)
            }
            for (end, occurrence) in pairing.releaseHeldEnds() {
                add(Record(uuid: uuid, occurrence: occurrence, start: nil, end: end, anomalies: .unmatchedEnd))
                report.note(.unmatchedEnd, name: event(end).name, uuid: uuid, source: source, line: events[end].line)
            }
        }

        // Parents, roots and trace contexts.
        let graph = ScopeGraph(records: records.map { ($0.uuid, $0.start.flatMap { event($0).parentUUID } ?? $0.end.flatMap { event($0).parentUUID }) })
        func traceContext(ofRoot root: String) -> TraceContext? {
            guard let recordIndex = primary[root], let describing = records[recordIndex].describing else { return nil }
            return TraceContext(metadata: records[recordIndex].start.flatMap { event($0).metadata }) ?? TraceContext(metadata: event(describing).metadata)
        }
        // Only unended scopes need the latest time in their subtree.
        var latestInSubtree: [String: Int64] = [:]
        if report.unended > 0 {
            for index in ordered {
                let eventTime = time(index)
                graph.forEachAncestor(of: event(index).parentUUID) { ancestor in
                    latestInSubtree[ancestor] = max(latestInSubtree[ancestor] ?? .min, eventTime)
                }
            }
        }

        func identity(uuid: String, occurrence: Int, parentUUID: String?) -> AssembledScope.Identity {
            let root = graph.root(of: uuid, parent: parentUUID)
            let context = traceContext(ofRoot: root)
            let traceID = context?.traceID ?? SpanIdentity.traceID(uuid: root)
            let spanID = SpanIdentity.spanID(uuid: uuid, occurrence: occurrence)
            if let parentUUID, graph.isKnownParent(parentUUID, of: uuid) {
                return .init(traceID: traceID, spanID: spanID, parentSpanID: SpanIdentity.spanID(uuid: parentUUID), flags: AssembledScope.Identity.localFlags)
            }
            if let context, root == uuid {
                return .init(traceID: traceID, spanID: spanID, parentSpanID: context.parentSpanID, traceState: context.traceState, flags: context.spanFlags)
            }
            return .init(traceID: traceID, spanID: spanID, flags: AssembledScope.Identity.localFlags)
        }

        // Marks: a span event when the parent is open at the mark's time, else a span of its own.
        var items: [(time: Int64, line: Int, item: AssembledItem)] = []
        for index in marks {
            let mark = event(index)
            if let parent = mark.parentUUID, let recordIndex = primary[parent], let opening = records[recordIndex].describing {
                let opens = time(opening)
                let closes = records[recordIndex].end.map { max(time($0), opens) } ?? .max
                if time(index) >= opens && time(index) <= closes {
                    records[recordIndex].marks.append(index)
                    report.attachedMarks += 1
                    continue
                }
            }
            let spanID = SpanIdentity.spanID(uuid: mark.uuid)
            let markIdentity: AssembledScope.Identity
            if let parent = mark.parentUUID, graph.isKnown(parent) {
                let parentIdentity = identity(uuid: parent, occurrence: 1, parentUUID: graph.parent(of: parent))
                markIdentity = .init(traceID: parentIdentity.traceID, spanID: spanID, parentSpanID: parentIdentity.spanID, flags: AssembledScope.Identity.localFlags)
            } else {
                markIdentity = .init(traceID: SpanIdentity.traceID(uuid: mark.uuid), spanID: spanID, flags: AssembledScope.Identity.localFlags)
            }
            items.append((time(index), events[index].line ?? 0, .orphanMark(OrphanMark(mark: mark, identity: markIdentity))))
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
                endTime = max(latestInSubtree[record.uuid] ?? startTime, startTime)
            }
            if record.anomalies.contains(.unended), record.occurrence > 1 { endTime = startTime }
            let scope = AssembledScope(
                start: record.start.map(event), end: record.end.map(event), marks: record.marks.map(event),
                identity: identity(uuid: record.uuid, occurrence: record.occurrence, parentUUID: event(describing).parentUUID),
                startTime: startTime, endTime: endTime, anomalies: record.anomalies)
            items.append((startTime, events[describing].line ?? 0, .scope(scope)))
        }
        items.sort { ($0.time, $0.line) < ($1.time, $1.line) }
        return (items.map(\.item), report)
    }

    /// Indices of the non-header events in stable time order; at equal times starts, then marks,
    /// then ends, then input order.
    static func timeOrder(_ events: [SourcedEvent]) -> [Int] {
        func rank(_ kind: Event.Kind) -> Int {
            switch kind {
            case .streamHeader, .scopeStart: 0
            case .mark: 1
            case .scopeEnd: 2
            }
        }
        let keys = events.map { ($0.event.timestamp.nanosecondsSinceEpoch, rank($0.event.kind), $0.event.kind == .streamHeader) }
        return keys.indices.filter { !keys[$0].2 }.sorted { lhs, rhs in
            let l = keys[lhs], r = keys[rhs]
            if l.0 != r.0 { return l.0 < r.0 }
            if l.1 != r.1 { return l.1 < r.1 }
            return lhs < rhs
        }
    }
}

/// The scope parent graph of a whole input: which uuids are known scopes, and their roots.
struct ScopeGraph {
    private var parents: [String: String] = [:]
    private var known: Set<String> = []

    init(records: [(uuid: String, parent: String?)]) {
        for (uuid, parent) in records {
            known.insert(uuid)
            if let parent, parents[uuid] == nil { parents[uuid] = parent }
        }
    }

    func isKnown(_ uuid: String) -> Bool { known.contains(uuid) }

    func parent(of uuid: String) -> String? { parents[uuid] }

    /// A parent counts when it is a known scope other than the child itself.
    func isKnownParent(_ parent: String, of uuid: String) -> Bool {
        parent != uuid && known.contains(parent)
    }

    /// Parent chains longer than this are taken to be cycles and cut there.
    static let maximumDepth = 4096

    /// Follows known parents upward; a cycle stops where it returns to `uuid` or at the depth limit.
    func root(of uuid: String, parent: String?) -> String {
        var current = uuid
        var next = parent
        var hops = 0
        while let candidate = next, candidate != uuid, known.contains(candidate), hops < Self.maximumDepth {
            current = candidate
            next = parents[candidate]
            hops += 1
        }
        return current
    }

    /// Calls `body` for `start` and each known ancestor above it (bounded by the depth limit).
    func forEachAncestor(of start: String?, _ body: (String) -> Void) {
        var next = start
        var hops = 0
        while let candidate = next, known.contains(candidate), hops < Self.maximumDepth {
            body(candidate)
            next = parents[candidate]
            hops += 1
            if next == start { break }
        }
    }
}
