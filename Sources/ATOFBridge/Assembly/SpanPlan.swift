import ATOF

/// The spans of a whole input to make, in output order, each with its events as indices into
/// the input and its ids resolved: 80 bytes per span plus 4 per attached mark, whatever the
/// events' size. ``SpanAssembler/materialize(_:of:event:)`` turns one into an ``AssembledItem``
/// once its events are read again. A large plan is not kept in memory: its spans are written to
/// a spool file in sorted runs as they are planned, and merged back in output order
/// (``PlanSpill``, ``SpooledSpans``).
struct SpanPlan: Sendable {
    /// The spans, in output order (empty when they are in ``spooled``).
    var spans: [PlannedSpan] = []
    /// The spans, when they were written to a spool file.
    var spooled: SpooledSpans?
    /// The attached marks of every scope, one run per scope (``PlannedSpan/marks``), in time order.
    var marks: [Int32] = []
    /// The `tracestate` values of joined W3C traces (``PlannedSpan/traceState``).
    var traceStates: [String] = []

    /// The number of spans.
    var count: Int { spooled?.count ?? spans.count }

    /// Calls `body` with each event index span `span` reads: start, end, marks (an orphan mark: the mark).
    func forEachEvent(of span: PlannedSpan, _ body: (Int) -> Void) {
        if span.start >= 0 { body(Int(span.start)) }
        if span.end >= 0 { body(Int(span.end)) }
        for mark in marks[span.marks] { body(Int(mark)) }
    }
}

/// One span to make: a scope (its start, end and marks) or an orphan mark, with its ids, times
/// and anomalies. Plain integers only: a spool file holds it as its bytes.
struct PlannedSpan: Sendable {
    /// The start event (a scope), or the mark (an orphan mark); -1 for none.
    var start: Int32
    /// The end event; -1 for none.
    var end: Int32
    /// Where its attached marks begin in ``SpanPlan/marks``, and how many there are.
    var marksStart: Int32
    var marksCount: Int32
    /// Index of the joined trace's `tracestate` in ``SpanPlan/traceStates``; -1 for none.
    var traceState: Int32
    /// OTLP span flags.
    var flags: UInt32
    /// Span start and end time, ns since the epoch.
    var startTime: Int64
    var endTime: Int64
    var traceID: OTLP.TraceID
    var spanID: OTLP.SpanID
    /// The parent span id, meaningful when ``hasParent``.
    var parentSpanID: OTLP.SpanID
    var anomalies: AssembledScope.Anomalies
    /// ``isOrphanMark`` and ``hasParent`` bits.
    private var shape: UInt8
    /// The line of the describing event (0 for none): with ``startTime``, the output order.
    var sortLine: UInt32 = 0

    /// The marks' range in ``SpanPlan/marks``.
    var marks: Range<Int> { Int(marksStart)..<Int(marksStart + marksCount) }
    var isOrphanMark: Bool { shape & 1 != 0 }
    var hasParent: Bool { shape & 2 != 0 }
    /// The event that describes the span (its start, else its end; an orphan mark's mark).
    var describing: Int { Int(start >= 0 ? start : end) }

    /// A scope's span.
    init(
        start: Int?, end: Int?, marks: Range<Int>, identity: AssembledScope.Identity, traceState: Int32, startTime: Int64,
        endTime: Int64, anomalies: AssembledScope.Anomalies
    ) {
        self.start = Int32(start ?? -1)
        self.end = Int32(end ?? -1)
        marksStart = Int32(marks.lowerBound)
        marksCount = Int32(marks.count)
        self.traceState = traceState
        flags = identity.flags
        self.startTime = startTime
        self.endTime = endTime
        traceID = identity.traceID
        spanID = identity.spanID
        parentSpanID = identity.parentSpanID ?? OTLP.SpanID(0)
        self.anomalies = anomalies
        shape = identity.parentSpanID == nil ? 0 : 2
    }

    /// An orphan mark's span.
    init(orphanMark mark: Int, time: Int64, identity: AssembledScope.Identity, traceState: Int32) {
        self.init(
            start: mark, end: nil, marks: 0..<0, identity: identity, traceState: traceState, startTime: time, endTime: time, anomalies: [])
        shape |= 1
    }

    /// The span's ids (`traceStates`: the plan's).
    func identity(traceStates: [String]) -> AssembledScope.Identity {
        AssembledScope.Identity(
            traceID: traceID, spanID: spanID, parentSpanID: hasParent ? parentSpanID : nil,
            traceState: traceState >= 0 ? traceStates[Int(traceState)] : nil, flags: flags)
    }
}

extension [PlannedSpan] {
    /// Sorts the spans into output order: start time, then line, then the order they are in
    /// (stable). A permutation of 32-bit positions is sorted, then applied in place: sorting the
    /// spans themselves would take a scratch buffer of half of them.
    mutating func sortInOutputOrder() {
        var order: [Int32] = []
        do {
            let spans = self
            order = [Int32](0..<Int32(spans.count))
            order.sort { lhs, rhs in
                let l = spans[Int(lhs)]
                let r = spans[Int(rhs)]
                if l.startTime != r.startTime { return l.startTime < r.startTime }
                if l.sortLine != r.sortLine { return l.sortLine < r.sortLine }
                return lhs < rhs
            }
        }
        // Position k takes the span at order[k]: follow each cycle once, marking what is placed.
        for first in order.indices where order[first] >= 0 {
            let saved = self[first]
            var current = first
            while true {
                let next = Int(order[current])
                order[current] = -1
                if next == first {
                    self[current] = saved
                    break
                }
                self[current] = self[next]
                current = next
            }
        }
    }
}
