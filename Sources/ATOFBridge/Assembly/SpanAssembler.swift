import ATOF

/// Pairs a whole input's events into spans (span-mapping.md §1, §2, §6, §7): the offline mode
/// used for files and stdin read to their end.
///
/// The input is judged as a whole: a start and an end pair by uuid wherever they stand, and a
/// parent is known when its uuid appears as a scope anywhere. Events are taken in timestamp order
/// (stable on file order; at equal times starts come before marks before ends), so file order
/// never decides nesting. Parent chains of any depth are followed in linear time and memory
/// (``ParentForest``); a parent cycle is cut at its first scope, with a warning.
///
/// Pairing reads only the compact ``EventIndex`` of the input, never its events: the result is a
/// ``SpanPlan`` whose spans name their events by index.
package struct SpanAssembler: Sendable {
    /// The input's name, for diagnostics.
    package var source: String

    package init(source: String = "<input>") {
        self.source = source
    }

    /// Assembles every span of the input.
    package func assemble(_ events: [SourcedEvent]) -> (items: [AssembledItem], report: AssemblyReport) {
        let (plan, report) = plan(Self.index(of: events), name: { events[$0].event.name })
        let items = plan.spans.compactMap { Self.materialize($0, of: plan, event: { events[$0].event }) }
        return (items, report)
    }

    /// The index of events already in memory (`events[i]` is event i).
    static func index(of events: [SourcedEvent]) -> EventIndex {
        var index = EventIndex()
        for sourced in events { index.append(PairingKey(sourced.event), line: sourced.line) }
        index.finishAdding()
        return index
    }

    /// Pairs the whole input described by `index`: the spans to make, in output order, and the
    /// report. `name(i)` is the name of event i, asked only for the diagnostics that quote it.
    /// The steps follow ``LiveSpanAssembler``'s flow. With `spill`, a plan of more than one run
    /// is written to a spool instead of memory (``PlanSpill``).
    func plan(_ index: EventIndex, name: @escaping (Int) -> String, spill: PlanSpill? = nil) -> (plan: SpanPlan, report: AssemblyReport) {
        var pairing = OfflinePairing(index: index, source: source, name: name, spill: spill)
        pairing.pairPerUUID()
        pairing.releaseOpenStartsAndHeldEnds()
        pairing.linkParents()
        pairing.findSubtreeEndTimes()
        pairing.placeMarks()
        pairing.buildScopes()
        return pairing.finish()
    }

    /// The item planned span `span` of `plan` stands for, its events read with `event` (`nil`
    /// when one of them cannot be read).
    static func materialize(_ span: PlannedSpan, of plan: SpanPlan, event: (Int) -> Event?) -> AssembledItem? {
        let identity = span.identity(traceStates: plan.traceStates)
        if span.isOrphanMark {
            guard let mark = event(Int(span.start)) else { return nil }
            return .orphanMark(OrphanMark(mark: mark, identity: identity))
        }
        var start: Event?
        if span.start >= 0 {
            guard let read = event(Int(span.start)) else { return nil }
            start = read
        }
        var end: Event?
        if span.end >= 0 {
            guard let read = event(Int(span.end)) else { return nil }
            end = read
        }
        var marks: [Event] = []
        marks.reserveCapacity(span.marks.count)
        for mark in plan.marks[span.marks] {
            guard let read = event(Int(mark)) else { return nil }
            marks.append(read)
        }
        return .scope(
            AssembledScope(
                start: start, end: end, marks: marks, identity: identity, startTime: span.startTime, endTime: span.endTime,
                anomalies: span.anomalies))
    }

    /// Indices of the non-header events in stable time order; at equal times starts, then marks,
    /// then ends, then input order.
    static func timeOrder(_ index: EventIndex) -> [Int32] {
        func rank(_ kind: Event.Kind) -> Int {
            switch kind {
            case .streamHeader, .scopeStart: 0
            case .mark: 1
            case .scopeEnd: 2
            }
        }
        let times = index.times
        let kinds = index.kinds
        var ordered: [Int32] = []
        ordered.reserveCapacity(index.count)
        for event in 0..<index.count where kinds[event] != .streamHeader { ordered.append(Int32(event)) }
        // Inputs written as things happened are already in order: then no sort is needed.
        var inOrder = true
        var previous: (Int64, Int)?
        for event in ordered {
            let key = (times[Int(event)], rank(kinds[Int(event)]))
            if let last = previous, last.0 > key.0 || (last.0 == key.0 && last.1 > key.1) {
                inOrder = false
                break
            }
            previous = key
        }
        if inOrder { return ordered }
        ordered.sort { lhs, rhs in
            let l = Int(lhs)
            let r = Int(rhs)
            if times[l] != times[r] { return times[l] < times[r] }
            let lr = rank(kinds[l])
            let rr = rank(kinds[r])
            if lr != rr { return lr < rr }
            return lhs < rhs
        }
        return ordered
    }
}
