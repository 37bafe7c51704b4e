import ATOF

/// Pairs events fed one at a time (in-process, or a followed file) into spans, in bounded memory.
///
/// A span is handed out as soon as its end arrives. What "known" means is judged by what has
/// arrived so far (span-mapping.md §2): a parent is known while it is open or in the bounded index
/// of recently ended scopes. Bounds:
/// - at most ``Limits/maximumOpenScopes`` open scopes; past it the oldest is exported as unended;
/// - the last ``Limits/recentlyEndedCapacity`` ended scopes are remembered for late children and marks;
/// - an end without a start is held until a start arrives, until events ``Limits/unmatchedEndGrace``
///   nanoseconds newer have been seen, or until ``Limits/maximumHeldEnds`` are held (oldest first).
public struct LiveSpanAssembler: Sendable {
    /// Memory bounds of live assembly.
    public struct Limits: Sendable, Hashable {
        /// Open scopes kept before the oldest is exported as unended. Default 65,536.
        public var maximumOpenScopes: Int
        /// Ended scopes remembered for late children and marks. Default 65,536.
        public var recentlyEndedCapacity: Int
        /// Ends without a start held at once. Default 4,096.
        public var maximumHeldEnds: Int
        /// How much newer (event time, ns) the input must get before a held end is given up. Default 5 s.
        public var unmatchedEndGrace: Int64

        public init(maximumOpenScopes: Int = 65_536, recentlyEndedCapacity: Int = 65_536, maximumHeldEnds: Int = 4_096, unmatchedEndGrace: Int64 = 5_000_000_000) {
            self.maximumOpenScopes = max(1, maximumOpenScopes)
            self.recentlyEndedCapacity = max(1, recentlyEndedCapacity)
            self.maximumHeldEnds = max(1, maximumHeldEnds)
            self.unmatchedEndGrace = max(0, unmatchedEndGrace)
        }
    }

    private struct OpenScope: Sendable {
        var start: SourcedEvent
        var occurrence: Int
        var sequence: Int
        var traceID: TraceID
        var traceContext: TraceContext?
        var marks: [Event] = []
        var latest: Int64
    }

    private struct EndedScope: Sendable {
        var spanID: SpanID
        var traceID: TraceID
        var occurrences: Int
    }

    /// The bounds in force.
    public let limits: Limits
    /// The input's name, for diagnostics.
    public let source: String
    /// Counts and diagnostics so far. Diagnostics are kept only until ``takeDiagnostics()``.
    public private(set) var report = AssemblyReport()

    private var open: [String: OpenScope] = [:]
    private var openOrder: [(uuid: String, sequence: Int)] = []
    private var openOrderHead = 0
    private var pairings: [String: ScopePairing<SourcedEvent>] = [:]
    private var heldOrder: [String] = []
    private var ended: [String: EndedScope] = [:]
    private var endedOrder: [String] = []
    private var endedOrderHead = 0
    private var sequence = 0
    private var latestSeen: Int64 = .min

    public init(limits: Limits = Limits(), source: String = "<live>") {
        self.limits = limits
        self.source = source
    }

    /// The number of scopes open now.
    public var openScopeCount: Int { open.count }

    /// Entries of the internal bookkeeping lists (start order, ended order, held ends): what
    /// memory flatness depends on (for tests).
    var bookkeepingCount: Int {
        (openOrder.count - openOrderHead) + (endedOrder.count - endedOrderHead) + heldOrder.count + pairings.count
    }

    /// Takes the diagnostics gathered since the last call.
    public mutating func takeDiagnostics() -> [Diagnostic] {
        defer { report.diagnostics.removeAll() }
        return report.diagnostics
    }

    /// Feeds one event; returns what became ready to export.
    public mutating func receive(_ sourced: SourcedEvent) -> [AssembledItem] {
        let event = sourced.event
        var ready: [AssembledItem] = []
        latestSeen = max(latestSeen, event.timestamp.nanosecondsSinceEpoch)
        noteLatest(in: event.parentUUID, time: event.timestamp.nanosecondsSinceEpoch)
        switch event.kind {
        case .streamHeader:
            report.streamHeaders += 1
        case .mark:
            ready.append(contentsOf: receiveMark(sourced))
        case .scopeStart, .scopeEnd:
            ready.append(contentsOf: receiveScope(sourced))
        }
        ready.append(contentsOf: expireHeldEnds())
        while open.count > limits.maximumOpenScopes, let oldest = oldestOpenUUID() {
            ready.append(contentsOf: exportUnended(oldest))
        }
        return ready
    }

    /// Ends live assembly (shutdown or end of input): open scopes are exported as unended and held
    /// ends as unmatched.
    public mutating func finish() -> [AssembledItem] {
        var ready: [AssembledItem] = []
        while let oldest = oldestOpenUUID() {
            ready.append(contentsOf: exportUnended(oldest))
        }
        for uuid in heldOrder {
            ready.append(contentsOf: releaseHeld(uuid))
        }
        heldOrder.removeAll()
        return ready
    }

    // MARK: - Scopes

    private mutating func receiveScope(_ sourced: SourcedEvent) -> [AssembledItem] {
        let uuid = sourced.event.uuid
        var pairing = pairings[uuid] ?? ScopePairing(occurrences: ended[uuid]?.occurrences ?? 0)
        let outcome = pairing.feed(sourced, isStart: sourced.event.kind == .scopeStart, time: sourced.event.timestamp.nanosecondsSinceEpoch)
        pairings[uuid] = pairing
        var ready: [AssembledItem] = []
        switch outcome {
        case .opened(let occurrence):
            let (traceID, context) = traceOrigin(for: sourced.event)
            sequence += 1
            open[uuid] = OpenScope(
                start: sourced, occurrence: occurrence, sequence: sequence, traceID: traceID, traceContext: context,
                latest: sourced.event.timestamp.nanosecondsSinceEpoch)
            openOrder.append((uuid, sequence))
            compactOpenOrder()
        case .paired(let start, let end, let occurrence, let clockSkew):
            let opened = open.removeValue(forKey: uuid)
            let startTime = start.event.timestamp.nanosecondsSinceEpoch
            var anomalies: AssembledScope.Anomalies = []
            if clockSkew {
                anomalies.insert(.clockSkew)
                report.note(.clockSkew, name: end.event.name, uuid: uuid, source: source, line: end.line)
            }
            let identity = resolveIdentity(uuid: uuid, occurrence: occurrence, event: start.event, opened: opened)
            ready.append(.scope(AssembledScope(
                start: start.event, end: end.event, marks: opened?.marks ?? [], identity: identity,
                startTime: startTime, endTime: max(startTime, end.event.timestamp.nanosecondsSinceEpoch), anomalies: anomalies)))
            remember(uuid, identity: identity, occurrences: pairing.occurrences)
            dropPairingIfIdle(uuid)
        case .duplicate(let start, let occurrence, let first):
            report.note(.duplicateStart, name: start.event.name, uuid: uuid, source: source, line: start.line, firstLine: first.line)
            let identity = resolveIdentity(uuid: uuid, occurrence: occurrence, event: start.event, opened: nil)
            let time = start.event.timestamp.nanosecondsSinceEpoch
            ready.append(.scope(AssembledScope(start: start.event, end: nil, identity: identity, startTime: time, endTime: time, anomalies: .duplicateStart)))
        case .held:
            heldOrder.append(uuid)
        }
        return ready
    }

    private mutating func exportUnended(_ uuid: String) -> [AssembledItem] {
        guard var pairing = pairings[uuid], let (start, occurrence) = pairing.releaseOpenStart(), let opened = open.removeValue(forKey: uuid) else {
            open.removeValue(forKey: uuid)
            return []
        }
        pairings[uuid] = pairing
        report.note(.unended, name: start.event.name, uuid: uuid, source: source, line: start.line)
        let identity = resolveIdentity(uuid: uuid, occurrence: occurrence, event: start.event, opened: opened)
        let startTime = start.event.timestamp.nanosecondsSinceEpoch
        remember(uuid, identity: identity, occurrences: pairing.occurrences)
        dropPairingIfIdle(uuid)
        return [.scope(AssembledScope(
            start: start.event, end: nil, marks: opened.marks, identity: identity,
            startTime: startTime, endTime: max(startTime, opened.latest), anomalies: .unended))]
    }

    private mutating func expireHeldEnds() -> [AssembledItem] {
        var ready: [AssembledItem] = []
        while let first = heldOrder.first {
            let held = pairings[first]?.heldEnds.first
            let tooOld = held.map { latestSeen - $0.time > limits.unmatchedEndGrace } ?? true
            guard tooOld || heldOrder.count > limits.maximumHeldEnds else { break }
            heldOrder.removeFirst()
            ready.append(contentsOf: releaseHeld(first))
        }
        return ready
    }

    private mutating func releaseHeld(_ uuid: String) -> [AssembledItem] {
        guard var pairing = pairings[uuid] else { return [] }
        let released = pairing.releaseHeldEnds()
        pairings[uuid] = pairing
        var ready: [AssembledItem] = []
        for (end, occurrence) in released {
            report.note(.unmatchedEnd, name: end.event.name, uuid: uuid, source: source, line: end.line)
            let identity = resolveIdentity(uuid: uuid, occurrence: occurrence, event: end.event, opened: nil)
            let time = end.event.timestamp.nanosecondsSinceEpoch
            ready.append(.scope(AssembledScope(start: nil, end: end.event, identity: identity, startTime: time, endTime: time, anomalies: .unmatchedEnd)))
            remember(uuid, identity: identity, occurrences: pairing.occurrences)
        }
        dropPairingIfIdle(uuid)
        return ready
    }

    private mutating func dropPairingIfIdle(_ uuid: String) {
        if let pairing = pairings[uuid], pairing.openStart == nil, pairing.heldEnds.isEmpty {
            pairings.removeValue(forKey: uuid)
        }
    }

    // MARK: - Marks

    private mutating func receiveMark(_ sourced: SourcedEvent) -> [AssembledItem] {
        let mark = sourced.event
        let time = mark.timestamp.nanosecondsSinceEpoch
        if let parent = mark.parentUUID, let scope = open[parent], time >= scope.start.event.timestamp.nanosecondsSinceEpoch {
            open[parent]?.marks.append(mark)
            report.attachedMarks += 1
            return []
        }
        report.orphanMarks += 1
        let spanID = SpanIdentity.spanID(uuid: mark.uuid)
        if let parent = mark.parentUUID, let parentIDs = knownIdentity(of: parent) {
            return [.orphanMark(OrphanMark(mark: mark, identity: .init(traceID: parentIDs.traceID, spanID: spanID, parentSpanID: parentIDs.spanID, flags: AssembledScope.Identity.localFlags)))]
        }
        return [.orphanMark(OrphanMark(mark: mark, identity: .init(traceID: SpanIdentity.traceID(uuid: mark.uuid), spanID: spanID, flags: AssembledScope.Identity.localFlags)))]
    }

    // MARK: - Identity

    /// The trace a new scope belongs to: its known parent's, else its own (or a joined W3C trace).
    private func traceOrigin(for event: Event) -> (TraceID, TraceContext?) {
        if let parent = event.parentUUID, parent != event.uuid, let known = knownIdentity(of: parent) {
            return (known.traceID, nil)
        }
        if let context = TraceContext(metadata: event.metadata) {
            return (context.traceID, context)
        }
        return (SpanIdentity.traceID(uuid: event.uuid), nil)
    }

    private func knownIdentity(of uuid: String) -> (traceID: TraceID, spanID: SpanID)? {
        if let scope = open[uuid] {
            return (scope.traceID, SpanIdentity.spanID(uuid: uuid, occurrence: scope.occurrence))
        }
        if let scope = ended[uuid] {
            return (scope.traceID, scope.spanID)
        }
        return nil
    }

    private func resolveIdentity(uuid: String, occurrence: Int, event: Event, opened: OpenScope?) -> AssembledScope.Identity {
        let spanID = SpanIdentity.spanID(uuid: uuid, occurrence: occurrence)
        if let parent = event.parentUUID, parent != uuid, let known = knownIdentity(of: parent) {
            return .init(traceID: known.traceID, spanID: spanID, parentSpanID: known.spanID, flags: AssembledScope.Identity.localFlags)
        }
        let (traceID, context) = opened.map { ($0.traceID, $0.traceContext) } ?? traceOrigin(for: event)
        if let context {
            return .init(traceID: traceID, spanID: spanID, parentSpanID: context.parentSpanID, traceState: context.traceState, flags: context.spanFlags)
        }
        return .init(traceID: traceID, spanID: spanID, flags: AssembledScope.Identity.localFlags)
    }

    private mutating func remember(_ uuid: String, identity: AssembledScope.Identity, occurrences: Int) {
        if ended[uuid] == nil { endedOrder.append(uuid) }
        let primarySpanID = ended[uuid]?.spanID ?? (occurrences <= 1 ? identity.spanID : SpanIdentity.spanID(uuid: uuid))
        ended[uuid] = EndedScope(spanID: primarySpanID, traceID: identity.traceID, occurrences: occurrences)
        while ended.count > limits.recentlyEndedCapacity, endedOrderHead < endedOrder.count {
            ended.removeValue(forKey: endedOrder[endedOrderHead])
            endedOrderHead += 1
        }
        if endedOrderHead > 4096, endedOrderHead * 2 > endedOrder.count {
            endedOrder.removeFirst(endedOrderHead)
            endedOrderHead = 0
        }
    }

    // MARK: - Bookkeeping

    private mutating func oldestOpenUUID() -> String? {
        while openOrderHead < openOrder.count {
            let entry = openOrder[openOrderHead]
            if let scope = open[entry.uuid], scope.sequence == entry.sequence {
                return entry.uuid
            }
            openOrderHead += 1
            if openOrderHead > 4096, openOrderHead * 2 > openOrder.count {
                openOrder.removeFirst(openOrderHead)
                openOrderHead = 0
            }
        }
        return nil
    }

    /// Drops the entries of scopes that have ended from the start-order list, once they outnumber
    /// the open scopes (amortized O(1); without it the list would grow with every scope ever seen).
    private mutating func compactOpenOrder() {
        guard openOrder.count - openOrderHead > 2 * open.count + 1_024 else { return }
        openOrder = openOrder[openOrderHead...].filter { open[$0.uuid]?.sequence == $0.sequence }
        openOrderHead = 0
    }

    /// Raises the subtree end time of every open ancestor (for unended scopes).
    private mutating func noteLatest(in parent: String?, time: Int64) {
        var next = parent
        var hops = 0
        while let uuid = next, hops < ScopeGraph.maximumDepth, let scope = open[uuid] {
            if scope.latest >= time { break }
            open[uuid]?.latest = time
            next = scope.start.event.parentUUID
            hops += 1
        }
    }
}
