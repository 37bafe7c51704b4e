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

    /// One scope occurrence being built.
    private struct Record {
        var uuid: String
        var occurrence: Int
        var start: SourcedEvent?
        var end: SourcedEvent?
        var anomalies: AssembledScope.Anomalies
        var marks: [Event] = []

        var describing: SourcedEvent? { start ?? end }
        var parentUUID: String? { start?.event.parentUUID ?? end?.event.parentUUID }
    }

    /// Assembles every span of the input.
    public func assemble(_ events: [SourcedEvent]) -> (items: [AssembledItem], report: AssemblyReport) {
        var report = AssemblyReport()
        let ordered = Self.timeOrdered(events.filter { $0.event.kind != .streamHeader })
        report.streamHeaders = events.count - ordered.count

        // Pair per uuid.
        var pairings: [String: ScopePairing] = [:]
        var records: [Record] = []
        var openRecord: [String: Int] = [:]
        var primary: [String: Int] = [:]
        var marks: [SourcedEvent] = []

        func add(_ record: Record) {
            records.append(record)
            if record.occurrence == 1 { primary[record.uuid] = records.count - 1 }
        }

        for sourced in ordered {
            let event = sourced.event
            guard event.isScope else {
                marks.append(sourced)
                continue
            }
            switch pairings[event.uuid, default: ScopePairing()].feed(sourced) {
            case .opened(let occurrence):
                openRecord[event.uuid] = records.count
                add(Record(uuid: event.uuid, occurrence: occurrence, start: sourced, end: nil, anomalies: []))
                if occurrence > 1 {
                    report.diagnostics.append(warning(sourced, "uuid \(event.uuid) is used again for a new scope after its first one ended; exported as a separate span"))
                }
            case .paired(let start, let end, let occurrence, let clockSkew):
                if let index = openRecord.removeValue(forKey: event.uuid), records[index].start == start {
                    records[index].end = end
                    if clockSkew { records[index].anomalies.insert(.clockSkew) }
                } else {
                    add(Record(uuid: event.uuid, occurrence: occurrence, start: start, end: end, anomalies: clockSkew ? .clockSkew : []))
                }
                if clockSkew {
                    report.clockSkews += 1
                    report.diagnostics.append(warning(end, "end of \"\(end.event.name)\" (\(event.uuid)) is stamped before its start; end time set to the start time (atof.clock_skew)"))
                }
            case .duplicate(let start, let occurrence, let first):
                add(Record(uuid: event.uuid, occurrence: occurrence, start: start, end: nil, anomalies: .duplicateStart))
                report.duplicateStarts += 1
                let firstLine = first.line.map { " (line \($0))" } ?? ""
                report.diagnostics.append(warning(start, "second start for uuid \(event.uuid) while the first\(firstLine) is still open; exported as a separate zero-duration span (atof.duplicate_start)"))
            case .held:
                break
            }
        }
        for uuid in pairings.keys.sorted() {
            guard var pairing = pairings[uuid] else { continue }
            if let (start, _) = pairing.releaseOpenStart() {
                if let index = openRecord[uuid] { records[index].anomalies.insert(.unended) }
                report.unended += 1
                report.diagnostics.append(warning(start, "scope \"\(start.event.name)\" (\(uuid)) never ended; exported with status ERROR and atof.unended"))
            }
            for (end, occurrence) in pairing.releaseHeldEnds() {
                add(Record(uuid: uuid, occurrence: occurrence, start: nil, end: end, anomalies: .unmatchedEnd))
                report.unmatchedEnds += 1
                report.diagnostics.append(warning(end, "end of \"\(end.event.name)\" (\(uuid)) has no start; exported as a zero-duration span (atof.unmatched_end)"))
            }
            pairings[uuid] = pairing
        }

        // Parents, roots and trace contexts.
        let graph = ScopeGraph(records: records.map { ($0.uuid, $0.parentUUID) })
        func traceContext(ofRoot root: String) -> TraceContext? {
            guard let index = primary[root], let describing = records[index].describing else { return nil }
            return TraceContext(metadata: records[index].start?.event.metadata) ?? TraceContext(metadata: describing.event.metadata)
        }
        var latestInSubtree: [String: Int64] = [:]
        for sourced in ordered {
            graph.forEachAncestor(of: sourced.event.parentUUID) { ancestor in
                latestInSubtree[ancestor] = max(latestInSubtree[ancestor] ?? .min, sourced.event.timestamp.nanosecondsSinceEpoch)
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
        var orphans: [(SourcedEvent, OrphanMark)] = []
        for sourced in marks {
            let mark = sourced.event
            if let parent = mark.parentUUID, let index = primary[parent], let start = records[index].start ?? records[index].end {
                let opens = start.event.timestamp.nanosecondsSinceEpoch
                let closes = records[index].end.map { max($0.event.timestamp.nanosecondsSinceEpoch, opens) } ?? .max
                let time = mark.timestamp.nanosecondsSinceEpoch
                if time >= opens && time <= closes {
                    records[index].marks.append(mark)
                    report.attachedMarks += 1
                    continue
                }
            }
            let known = mark.parentUUID.map { graph.isKnown($0) } ?? false
            let markIdentity: AssembledScope.Identity
            if known, let parent = mark.parentUUID {
                let parentIdentity = identity(uuid: parent, occurrence: 1, parentUUID: graph.parent(of: parent))
                markIdentity = .init(
                    traceID: parentIdentity.traceID, spanID: SpanIdentity.spanID(uuid: mark.uuid),
                    parentSpanID: parentIdentity.spanID, flags: AssembledScope.Identity.localFlags)
            } else {
                markIdentity = .init(traceID: SpanIdentity.traceID(uuid: mark.uuid), spanID: SpanIdentity.spanID(uuid: mark.uuid), flags: AssembledScope.Identity.localFlags)
            }
            orphans.append((sourced, OrphanMark(mark: mark, identity: markIdentity)))
            report.orphanMarks += 1
        }

        // Build the scopes.
        var items: [(time: Int64, line: Int, item: AssembledItem)] = []
        for record in records {
            guard let describing = record.describing else { continue }
            let startTime = describing.event.timestamp.nanosecondsSinceEpoch
            var endTime: Int64
            if record.anomalies.contains(.duplicateStart) || record.anomalies.contains(.unmatchedEnd) {
                endTime = startTime
            } else if let end = record.end {
                endTime = max(end.event.timestamp.nanosecondsSinceEpoch, startTime)
            } else {
                endTime = max(latestInSubtree[record.uuid] ?? startTime, startTime)
            }
            if record.anomalies.contains(.unended), record.occurrence > 1 { endTime = startTime }
            let scope = AssembledScope(
                start: record.start?.event, end: record.end?.event, marks: record.marks,
                identity: identity(uuid: record.uuid, occurrence: record.occurrence, parentUUID: record.parentUUID),
                startTime: startTime, endTime: endTime, anomalies: record.anomalies)
            items.append((startTime, describing.line ?? 0, .scope(scope)))
        }
        for (sourced, orphan) in orphans {
            items.append((sourced.event.timestamp.nanosecondsSinceEpoch, sourced.line ?? 0, .orphanMark(orphan)))
        }
        items.sort { ($0.time, $0.line) < ($1.time, $1.line) }
        return (items.map(\.item), report)
    }

    private func warning(_ sourced: SourcedEvent, _ message: String) -> Diagnostic {
        Diagnostic(severity: .warning, source: source, line: sourced.line, message: message)
    }

    /// Stable time order; at equal times starts, then marks, then ends, then input order.
    static func timeOrdered(_ events: [SourcedEvent]) -> [SourcedEvent] {
        func rank(_ kind: Event.Kind) -> Int {
            switch kind {
            case .streamHeader: 0
            case .scopeStart: 1
            case .mark: 2
            case .scopeEnd: 3
            }
        }
        return events.enumerated().sorted { lhs, rhs in
            let l = lhs.element.event, r = rhs.element.event
            if l.timestamp.nanosecondsSinceEpoch != r.timestamp.nanosecondsSinceEpoch {
                return l.timestamp.nanosecondsSinceEpoch < r.timestamp.nanosecondsSinceEpoch
            }
            if rank(l.kind) != rank(r.kind) { return rank(l.kind) < rank(r.kind) }
            return lhs.offset < rhs.offset
        }.map(\.element)
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
        parent != uuid && known.contains(parent) && root(of: uuid, parent: parent) != uuid
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
