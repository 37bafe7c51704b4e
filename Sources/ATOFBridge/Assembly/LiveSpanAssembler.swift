import ATOF

/// Pairs events fed one at a time (in-process, or a followed file) into spans, in bounded memory
/// and in time linear in the events, at any nesting depth.
///
/// A span is handed out as soon as its end arrives. What "known" means is judged by what has
/// arrived so far (span-mapping.md §2): a parent is known while it is open or in the bounded index
/// of recently ended scopes. Bounds:
/// - at most ``Limits/maximumOpenScopes`` open scopes; past it the oldest is exported as unended;
/// - the last ``Limits/recentlyEndedCapacity`` ended scopes are remembered for late children and marks;
/// - an end without a start is held until a start arrives, until events ``Limits/unmatchedEndGrace``
///   nanoseconds newer have been seen, or until ``Limits/maximumHeldEnds`` are held (oldest first);
/// - an open scope holds at most ``Limits/maximumMarksPerScope`` marks; later ones are only counted
///   (``AssembledScope/droppedMarks``: the span's `dropped_events_count` and `atof.chunk_count`).
///
/// An unended scope ends at the latest time seen in its subtree: its own events (marks, its
/// children's starts and ends), and what each descendant reports when it ends. At ``finish()``
/// descendants still open report first; a scope forced out by the open-scope bound does not wait
/// for its still-open descendants (it ends at the latest time reported so far).
///
/// A parent link that would close a cycle (a scope naming a parent inside its own subtree, or
/// itself) is cut: that scope is exported as a trace root and a warning names its line.
package struct LiveSpanAssembler: Sendable {
    /// Memory bounds of live assembly (``AssemblyLimits``).
    package typealias Limits = AssemblyLimits

    private struct OpenScope: Sendable {
        /// The start's time, ns since the epoch (the start itself is held by its pairing).
        var startTime: Int64
        /// The start's parent, parsed once.
        var parentKey: UUIDKey?
        var occurrence: Int
        var sequence: Int
        var traceID: OTLP.TraceID
        /// This occurrence's span id (what children see as their parent).
        var spanID: OTLP.SpanID
        /// The W3C trace a root joins, boxed: rare, and 48 bytes inline.
        var context: TraceContextBox?
        /// The parent was not known when the start arrived: the scope began as a trace root.
        var rootAtOpen: Bool
        /// The root of its tree as far as parent links go (see ``LiveSpanAssembler/treeRoot(of:)``).
        var treeRoot: UUIDKey
        var marks: [Event] = []
        /// The latest event time seen in its subtree so far (its own events and what ended
        /// descendants reported).
        var latest: Int64

        var traceContext: TraceParent? { context?.value }
    }

    private final class TraceContextBox: Sendable {
        let value: TraceParent
        init(_ value: TraceParent) { self.value = value }
    }

    private struct EndedScope: Sendable {
        var spanID: OTLP.SpanID
        var traceID: OTLP.TraceID
        var occurrences: Int
        /// The root of its tree as far as parent links go.
        var treeRoot: UUIDKey
    }

    /// The bounds in force.
    package let limits: Limits
    /// The input's name, for diagnostics (``Bridge/receive(jsonLine:line:source:)`` sets it to
    /// the name of the input its lines come from).
    package var source: String
    /// Counts and diagnostics so far. Diagnostics are kept only until ``takeDiagnostics()``.
    package private(set) var report = AssemblyReport()

    private var open = ScopeTable<OpenScope>()
    private var openOrder: [(key: UUIDKey, sequence: Int)] = []
    private var openOrderHead = 0
    /// The marks counted but not held, of the open scopes that had more than the bound (few).
    private var droppedMarksOfOpen = ScopeTable<DroppedMarks>()
    private var pairings = ScopeTable<ScopePairing<SourcedEvent>>()
    private var heldOrder: [UUIDKey] = []
    private var ended = ScopeDictionary<EndedScope>()
    private var endedOrder: [UUIDKey] = []
    private var endedOrderHead = 0
    private var sequence = 0
    private var latestSeen: Int64 = .min

    package init(limits: Limits = Limits(), source: String = "<live>") {
        self.limits = limits
        self.source = source
    }

    /// The number of scopes open now.
    package var openScopeCount: Int { open.count }

    /// Entries of the internal bookkeeping lists (start order, ended order, held ends): what
    /// memory flatness depends on (for tests).
    var bookkeepingCount: Int {
        (openOrder.count - openOrderHead) + (endedOrder.count - endedOrderHead) + heldOrder.count + pairings.count
    }

    /// Marks held by the open scopes now (each at most ``Limits/maximumMarksPerScope``; for tests).
    var heldMarkCount: Int {
        open.values.reduce(0) { $0 + $1.marks.count }
    }

    /// Takes the diagnostics gathered since the last call.
    package mutating func takeDiagnostics() -> [Diagnostic] {
        defer { report.diagnostics.removeAll() }
        return report.diagnostics
    }

    /// Feeds one event; returns what became ready to export.
    package mutating func receive(_ sourced: SourcedEvent) -> [AssembledItem] {
        var ready: [AssembledItem] = []
        receive(sourced, into: &ready)
        return ready
    }

    /// Feeds one event; appends what became ready to export to `ready` (no array per call).
    mutating func receive(_ sourced: SourcedEvent, into ready: inout [AssembledItem]) {
        let event = sourced.event
        let time = event.timestamp.nanosecondsSinceEpoch
        let parentKey = event.parentKey
        latestSeen = max(latestSeen, time)
        noteTime(in: parentKey, time: time)
        switch event.kind {
        case .streamHeader:
            report.streamHeaders += 1
        case .mark:
            receiveMark(sourced, parentKey: parentKey, into: &ready)
        case .scopeStart, .scopeEnd:
            receiveScope(sourced, parentKey: parentKey, into: &ready)
        }
        if !heldOrder.isEmpty { expireHeldEnds(into: &ready) }
        while open.count > limits.maximumOpenScopes, let oldest = oldestOpenKey() {
            exportUnended(oldest, into: &ready)
        }
    }

    /// Ends live assembly (shutdown or end of input): open scopes are exported as unended and held
    /// ends as unmatched.
    package mutating func finish() -> [AssembledItem] {
        var ready: [AssembledItem] = []
        reportOpenSubtrees()
        while let oldest = oldestOpenKey() {
            exportUnended(oldest, into: &ready)
        }
        for key in heldOrder {
            releaseHeld(key, into: &ready)
        }
        heldOrder.removeAll()
        return ready
    }

    // MARK: - Scopes

    private mutating func receiveScope(_ sourced: SourcedEvent, parentKey: UUIDKey?, into ready: inout [AssembledItem]) {
        let event = sourced.event
        let key = event.uuidKey
        let time = event.timestamp.nanosecondsSinceEpoch
        let isStart = event.kind == .scopeStart
        let outcome: ScopePairing<SourcedEvent>.Outcome
        let occurrences: Int
        let idle: Bool
        if let index = pairings.index(forKey: key) {
            outcome = pairings[at: index].feed(sourced, isStart: isStart, time: time)
            let pairing = pairings[at: index]
            occurrences = pairing.occurrences
            idle = pairing.openStart == nil && pairing.heldEnds.isEmpty
        } else {
            var pairing = ScopePairing<SourcedEvent>(occurrences: ended[key]?.occurrences ?? 0)
            outcome = pairing.feed(sourced, isStart: isStart, time: time)
            occurrences = pairing.occurrences
            idle = pairing.openStart == nil && pairing.heldEnds.isEmpty
            if !idle { pairings[key] = pairing }
        }
        switch outcome {
        case .opened(let occurrence):
            if parentKey == key, let parent = event.parentUUID {
                report.noteParentCycle(name: event.name, uuid: event.uuid, parent: parent, length: 1, source: source, line: sourced.line)
            }
            let (traceID, context) = traceOrigin(for: event, key: key, parentKey: parentKey)
            let linkedParent = parentKey.flatMap { $0 != key && knownIdentity(of: $0) != nil ? $0 : nil }
            let root = linkedParent.map { treeRoot(of: $0) } ?? key
            sequence += 1
            open[key] = OpenScope(
                startTime: time, parentKey: parentKey, occurrence: occurrence, sequence: sequence, traceID: traceID,
                spanID: SpanIdentity.spanID(of: key, occurrence: occurrence), context: context.map(TraceContextBox.init),
                rootAtOpen: linkedParent == nil,
                treeRoot: root, latest: time)
            openOrder.append((key, sequence))
            compactOpenOrder()
        case .paired(let start, let end, let occurrence, let clockSkew):
            let opened = open.removeValue(forKey: key)
            let droppedMarks = opened == nil ? nil : droppedMarksOfOpen.removeValue(forKey: key)
            let startTime = start.event.timestamp.nanosecondsSinceEpoch
            var anomalies: AssembledScope.Anomalies = []
            if clockSkew {
                anomalies.insert(.clockSkew)
                report.note(.clockSkew, name: end.event.name, uuid: end.event.uuid, source: source, line: end.line)
            }
            if let opened { reportSubtreeTime(opened) }
            let startParentKey = opened.map(\.parentKey) ?? start.event.parentKey
            let (identity, treeRoot) = resolveIdentity(
                key: key, occurrence: occurrence, sourced: start, parentKey: startParentKey, opened: opened)
            ready.append(
                .scope(
                    AssembledScope(
                        start: start.event, end: end.event, marks: opened?.marks ?? [],
                        droppedMarks: droppedMarks ?? DroppedMarks(),
                        identity: identity, startTime: startTime, endTime: max(startTime, end.event.timestamp.nanosecondsSinceEpoch),
                        anomalies: anomalies)))
            remember(key, identity: identity, occurrences: occurrences, treeRoot: treeRoot)
            if idle { pairings.removeValue(forKey: key) }
        case .duplicate(let start, let occurrence, let first):
            report.note(
                .duplicateStart, name: start.event.name, uuid: start.event.uuid, source: source, line: start.line, firstLine: first.line)
            let (identity, _) = resolveIdentity(
                key: key, occurrence: occurrence, sourced: start, parentKey: parentKey, opened: nil)
            let time = start.event.timestamp.nanosecondsSinceEpoch
            ready.append(
                .scope(
                    AssembledScope(
                        start: start.event, end: nil, identity: identity, startTime: time, endTime: time, anomalies: .duplicateStart)))
        case .held:
            heldOrder.append(key)
        }
    }

    private mutating func exportUnended(_ key: UUIDKey, into ready: inout [AssembledItem]) {
        guard let index = pairings.index(forKey: key), pairings[at: index].openStart != nil, let opened = open.removeValue(forKey: key),
            let (start, occurrence) = pairings[at: index].releaseOpenStart()
        else {
            open.removeValue(forKey: key)
            droppedMarksOfOpen.removeValue(forKey: key)
            return
        }
        let droppedMarks = droppedMarksOfOpen.removeValue(forKey: key) ?? DroppedMarks()
        let occurrences = pairings[at: index].occurrences
        if pairings[at: index].heldEnds.isEmpty { pairings.remove(at: index) }
        let uuid = start.event.uuid
        report.note(.unended, name: start.event.name, uuid: uuid, source: source, line: start.line)
        reportSubtreeTime(opened)
        let (identity, treeRoot) = resolveIdentity(
            key: key, occurrence: occurrence, sourced: start, parentKey: opened.parentKey, opened: opened)
        let startTime = start.event.timestamp.nanosecondsSinceEpoch
        remember(key, identity: identity, occurrences: occurrences, treeRoot: treeRoot)
        ready.append(
            .scope(
                AssembledScope(
                    start: start.event, end: nil, marks: opened.marks, droppedMarks: droppedMarks, identity: identity,
                    startTime: startTime, endTime: max(startTime, opened.latest), anomalies: .unended)))
    }

    private mutating func expireHeldEnds(into ready: inout [AssembledItem]) {
        while let first = heldOrder.first {
            let held = pairings[first]?.heldEnds.first
            let tooOld = held.map { latestSeen - $0.time > limits.unmatchedEndGrace } ?? true
            guard tooOld || heldOrder.count > limits.maximumHeldEnds else { break }
            heldOrder.removeFirst()
            releaseHeld(first, into: &ready)
        }
    }

    private mutating func releaseHeld(_ key: UUIDKey, into ready: inout [AssembledItem]) {
        guard let index = pairings.index(forKey: key) else { return }
        let released = pairings[at: index].releaseHeldEnds()
        let pairing = pairings[at: index]
        for (end, occurrence) in released {
            let uuid = end.event.uuid
            report.note(.unmatchedEnd, name: end.event.name, uuid: uuid, source: source, line: end.line)
            let (identity, treeRoot) = resolveIdentity(
                key: key, occurrence: occurrence, sourced: end, parentKey: end.event.parentKey,
                opened: nil)
            let time = end.event.timestamp.nanosecondsSinceEpoch
            ready.append(
                .scope(
                    AssembledScope(start: nil, end: end.event, identity: identity, startTime: time, endTime: time, anomalies: .unmatchedEnd)
                ))
            remember(key, identity: identity, occurrences: pairing.occurrences, treeRoot: treeRoot)
        }
        if pairing.openStart == nil, pairing.heldEnds.isEmpty, let index = pairings.index(forKey: key) {
            pairings.remove(at: index)
        }
    }

    // MARK: - Marks

    private mutating func receiveMark(_ sourced: SourcedEvent, parentKey: UUIDKey?, into ready: inout [AssembledItem]) {
        let mark = sourced.event
        let time = mark.timestamp.nanosecondsSinceEpoch
        if let parentKey, let index = open.index(forKey: parentKey), time >= open[at: index].startTime {
            if open[at: index].marks.count < max(0, limits.maximumMarksPerScope) {
                open[at: index].marks.append(mark)
            } else {
                droppedMarksOfOpen[parentKey, default: DroppedMarks()].count(mark)
            }
            report.attachedMarks += 1
            return
        }
        report.orphanMarks += 1
        let key = mark.uuidKey
        let scopeUse = takeScopeUse(of: key)
        if let scopeUse {
            report.noteMarkReusingScopeUUID(name: mark.name, uuid: mark.uuid, occurrence: scopeUse, source: source, line: sourced.line)
        }
        let parent = parentKey.flatMap { knownIdentity(of: $0) }
        ready.append(.orphanMark(OrphanMark(mark: mark, identity: SpanIdentity.orphanMark(of: key, scopeUse: scopeUse, parent: parent))))
    }

    /// When `key` is also the uuid of a scope known now (open, held or recently ended), counts one
    /// more use of it and returns its number; `nil` otherwise.
    private mutating func takeScopeUse(of key: UUIDKey) -> Int? {
        if let index = pairings.index(forKey: key) {
            let use = pairings[at: index].takeOccurrence()
            if let endedIndex = ended.index(forKey: key) { ended[at: endedIndex].occurrences = use }
            return use
        }
        if let index = ended.index(forKey: key) {
            ended[at: index].occurrences += 1
            return ended[at: index].occurrences
        }
        return nil
    }

    // MARK: - Identity

    /// The trace a new scope belongs to: its known parent's, else its own (or a joined W3C trace).
    private func traceOrigin(for event: Event, key: UUIDKey, parentKey: UUIDKey?) -> (traceID: OTLP.TraceID, context: TraceParent?) {
        if let parentKey, parentKey != key, let known = knownIdentity(of: parentKey) {
            return (known.traceID, nil)
        }
        return SpanIdentity.rootTrace(of: key, metadata: event.metadata)
    }

    private func knownIdentity(of key: UUIDKey) -> (traceID: OTLP.TraceID, spanID: OTLP.SpanID)? {
        if let scope = open[key] {
            return (scope.traceID, scope.spanID)
        }
        if let scope = ended[key] {
            return (scope.traceID, scope.spanID)
        }
        return nil
    }

    /// The ids of a span, and the root of its tree once linked (the parent's root, else itself).
    ///
    /// A scope that began as a trace root and whose parent became known later is linked to it
    /// now, unless that parent lies in its own subtree (its tree's root is the scope itself):
    /// that link would close a cycle, so it is cut and the scope stays a root.
    private mutating func resolveIdentity(
        key: UUIDKey, occurrence: Int, sourced: SourcedEvent, parentKey: UUIDKey?, opened: OpenScope?
    ) -> (AssembledScope.Identity, UUIDKey) {
        let event = sourced.event
        let spanID =
            opened.flatMap { $0.occurrence == occurrence ? $0.spanID : nil } ?? SpanIdentity.spanID(of: key, occurrence: occurrence)
        if let parentKey, parentKey != key, let known = knownIdentity(of: parentKey) {
            let parentRoot = treeRoot(of: parentKey)
            if opened?.rootAtOpen != true || parentRoot != key {
                return (SpanIdentity.scope(traceID: known.traceID, spanID: spanID, parentSpanID: known.spanID, joining: nil), parentRoot)
            }
            report.noteParentCycle(
                name: event.name, uuid: event.uuid, parent: event.parentUUID ?? "", length: nil, source: source, line: sourced.line)
        }
        let (traceID, context) = opened.map { ($0.traceID, $0.traceContext) } ?? traceOrigin(for: event, key: key, parentKey: nil)
        return (SpanIdentity.scope(traceID: traceID, spanID: spanID, parentSpanID: nil, joining: context), key)
    }

    /// The root of `key`'s tree: follows the tree roots recorded for open and remembered scopes
    /// (each points at its tree's root when it was linked, or at itself), compressing the path
    /// it walks, so that lookups stay cheap at any depth. A scope no longer remembered ends the walk.
    private mutating func treeRoot(of key: UUIDKey) -> UUIDKey {
        var root = key
        while let next = recordedRoot(of: root), next != root { root = next }
        var member = key
        while let next = recordedRoot(of: member), next != root, next != member {
            setRecordedRoot(of: member, to: root)
            member = next
        }
        return root
    }

    private func recordedRoot(of key: UUIDKey) -> UUIDKey? {
        open[key]?.treeRoot ?? ended[key]?.treeRoot
    }

    private mutating func setRecordedRoot(of key: UUIDKey, to root: UUIDKey) {
        if let index = open.index(forKey: key) {
            open[at: index].treeRoot = root
        } else if let index = ended.index(forKey: key) {
            ended[at: index].treeRoot = root
        }
    }

    private mutating func remember(_ key: UUIDKey, identity: AssembledScope.Identity, occurrences: Int, treeRoot: UUIDKey) {
        if let index = ended.index(forKey: key) {
            ended[at: index].traceID = identity.traceID
            ended[at: index].occurrences = occurrences
            ended[at: index].treeRoot = treeRoot
        } else {
            endedOrder.append(key)
            let primarySpanID = occurrences <= 1 ? identity.spanID : SpanIdentity.spanID(of: key)
            ended[key] = EndedScope(spanID: primarySpanID, traceID: identity.traceID, occurrences: occurrences, treeRoot: treeRoot)
        }
        while ended.count > limits.recentlyEndedCapacity, endedOrderHead < endedOrder.count {
            ended.removeValue(forKey: endedOrder[endedOrderHead])
            endedOrderHead += 1
        }
        if endedOrderHead > 4096, endedOrderHead * 2 > endedOrder.count {
            endedOrder.removeFirst(endedOrderHead)
            endedOrderHead = 0
        }
    }

    // MARK: - Subtree times

    /// Raises the latest time of the event's parent, if it is open. Ancestors further up learn
    /// it when the parent ends (``reportSubtreeTime(_:)``): constant work per event at any depth.
    private mutating func noteTime(in parent: UUIDKey?, time: Int64) {
        guard let parent, let index = open.index(forKey: parent) else { return }
        open[at: index].latest = max(open[at: index].latest, time)
    }

    /// A scope that ends (or is exported unended) reports the latest time of its subtree to its
    /// parent, if that is open and older (started before it: so reports never go round a cycle).
    private mutating func reportSubtreeTime(_ scope: OpenScope) {
        guard let parent = scope.parentKey, let index = open.index(forKey: parent), open[at: index].sequence < scope.sequence else {
            return
        }
        open[at: index].latest = max(open[at: index].latest, scope.latest)
    }

    /// Before the open scopes are exported at the end: each reports to its open parent, the
    /// youngest first, so that every subtree time is complete. Linear in the open scopes.
    private mutating func reportOpenSubtrees() {
        for entry in openOrder[openOrderHead...].reversed() {
            guard let scope = open[entry.key], scope.sequence == entry.sequence else { continue }
            reportSubtreeTime(scope)
        }
    }

    // MARK: - Bookkeeping

    private mutating func oldestOpenKey() -> UUIDKey? {
        while openOrderHead < openOrder.count {
            let entry = openOrder[openOrderHead]
            if let scope = open[entry.key], scope.sequence == entry.sequence {
                return entry.key
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
        openOrder = openOrder[openOrderHead...].filter { open[$0.key]?.sequence == $0.sequence }
        openOrderHead = 0
    }
}
