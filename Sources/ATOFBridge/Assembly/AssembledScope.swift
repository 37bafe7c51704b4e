import ATOF

/// What the assembler hands to the mapper for one span: the paired events, the marks that fall
/// inside it, the resolved ids and the anomalies found while pairing.
package struct AssembledScope: Sendable, Hashable {
    /// Pairing anomalies, written as `atof.*` markers (only when they apply).
    package struct Anomalies: OptionSet, Sendable, Hashable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }

        /// No end was seen; the end was synthesized (`atof.unended`).
        package static let unended = Anomalies(rawValue: 1 << 0)
        /// An end without a start (`atof.unmatched_end`).
        package static let unmatchedEnd = Anomalies(rawValue: 1 << 1)
        /// A second start for a uuid whose first start was still unpaired (`atof.duplicate_start`).
        package static let duplicateStart = Anomalies(rawValue: 1 << 2)
        /// The end was stamped before the start; end := start (`atof.clock_skew`).
        package static let clockSkew = Anomalies(rawValue: 1 << 3)
    }

    /// The span's ids.
    package struct Identity: Sendable, Hashable {
        package var traceID: OTLP.TraceID
        package var spanID: OTLP.SpanID
        /// The parent span when the parent scope is known (or joined through `traceparent`).
        package var parentSpanID: OTLP.SpanID?
        /// The `tracestate` of a joined W3C trace.
        package var traceState: String?
        /// W3C trace flags (bit 0 = sampled) and the remote-parent bits, as OTLP `Span.flags`.
        package var flags: UInt32

        package init(
            traceID: OTLP.TraceID, spanID: OTLP.SpanID, parentSpanID: OTLP.SpanID? = nil, traceState: String? = nil, flags: UInt32 = 0x01
        ) {
            self.traceID = traceID
            self.spanID = spanID
            self.parentSpanID = parentSpanID
            self.traceState = traceState
            self.flags = flags
        }
    }

    /// The start event; `nil` for an unmatched end.
    package var start: Event?
    /// The end event; `nil` when the scope never ended (or for a duplicate start).
    package var end: Event?
    /// Marks whose parent is this scope and whose time lies inside it, in time order (live: in
    /// arrival order, at most ``LiveSpanAssembler/Limits/maximumMarksPerScope``).
    package var marks: [Event]
    /// Marks of this scope that were counted but not held (live assembly's bound); none offline.
    package var droppedMarks: DroppedMarks
    /// The resolved ids.
    package var identity: Identity
    /// Span start time, ns since the epoch.
    package var startTime: Int64
    /// Span end time, ns since the epoch (never before ``startTime``).
    package var endTime: Int64
    /// Anomalies found while pairing.
    package var anomalies: Anomalies

    package init(
        start: Event?, end: Event?, marks: [Event] = [], droppedMarks: DroppedMarks = DroppedMarks(), identity: Identity, startTime: Int64,
        endTime: Int64, anomalies: Anomalies = []
    ) {
        self.start = start
        self.end = end
        self.marks = marks
        self.droppedMarks = droppedMarks
        self.identity = identity
        self.startTime = startTime
        self.endTime = endTime
        self.anomalies = anomalies
    }

    /// The event that describes the scope: the start, or the end when there is no start.
    package var describingEvent: Event? { start ?? end }
}

/// A mark that does not fall inside an open parent scope: it becomes a zero-duration span
/// `mark:<name>` with `atof.mark.orphan = true`.
package struct OrphanMark: Sendable, Hashable {
    /// The mark event.
    package var mark: Event
    /// Its ids: in the parent's trace as its child when the parent scope is known, else a root.
    package var identity: AssembledScope.Identity

    package init(mark: Event, identity: AssembledScope.Identity) {
        self.mark = mark
        self.identity = identity
    }
}
