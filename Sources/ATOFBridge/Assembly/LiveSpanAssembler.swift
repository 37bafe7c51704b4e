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
///   (``AssembledScope/droppedMarks``: the span's `dropped_events_count` and `atof.chunk_count`);
/// - an open scope's start is held as its ``Event`` while fewer than ``defaultUnpackedStartsKept``
///   younger scopes are open, then packed (``PackedEvent``) and unpacked, the same, at its end.
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

    /// What a scope keeps while it is open, next to its pairing (which holds the start).
    private struct OpenScope: Sendable {
        var sequence: Int
        var traceID: OTLP.TraceID
        /// This occurrence's span id (what children see as their parent).
        var spanID: OTLP.SpanID
        /// The W3C trace a root joins, boxed: rare, and 48 bytes inline.
        var context: TraceContextBox?
        /// The root of its tree as far as parent links go (see ``LiveSpanAssembler/treeRoot(of:)``).
        var treeRoot: UUIDKey
        /// The parent was not known when the start arrived: the scope began as a trace root.
        /// (After `treeRoot`, whose last 7 bytes would otherwise be padding.)
        var rootAtOpen: Bool
        var marks: [Event] = []
        /// The latest event time seen in its subtree so far (its own events and what ended
        /// descendants reported).
        var latest: Int64

        var traceContext: TraceParent? { context?.value }
    }

    /// Everything known of one uuid that is open or has ends held: one table entry.
    private struct LiveScope: Sendable {
        var pairing: ScopePairing<HeldEvent>
        /// Set while a start is open (exactly when `pairing` holds an open start).
        var open: OpenScope?
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

    /// The open scopes and the uuids with held ends.
    private var scopes = ScopeTable<LiveScope>()
    private var openScopes = 0
    private var openOrder: [(key: UUIDKey, sequence: Int)] = []
    private var openOrderHead = 0
    /// The marks counted but not held, of the open scopes that had more than the bound (few).
    private var droppedMarksOfOpen = ScopeTable<DroppedMarks>()
    private var heldOrder: [UUIDKey] = []
    /// Open starts held as events beyond this many (the youngest) are packed, oldest first.
    let unpackedStartsKept: Int
    /// The open scopes up to this sequence number have been packed (or could not be).
    private var packedThrough = 0
    /// Open scopes after ``packedThrough``.
    private var unpackedStarts = 0
    /// Where packing resumes in `openOrder` (checked against ``packedThrough`` before use).
    private var packPosition = 0
    private var packScratch: [UInt8] = []
    private var ended = ScopeDictionary<EndedScope>()
    private var endedOrder: [UUIDKey] = []
    private var endedOrderHead = 0
    private var sequence = 0
    private var latestSeen: Int64 = .min

    /// Open scopes keep their start as an event until this many younger ones are open; then it
    /// is packed (``PackedEvent``), and unpacked when the scope ends.
    static let defaultUnpackedStartsKept = 1_024

    package init(limits: Limits = Limits(), source: String = "<live>") {
        self.init(limits: limits, source: source, unpackedStartsKept: Self.defaultUnpackedStartsKept)
    }

    init(limits: Limits, source: String = "<live>", unpackedStartsKept: Int) {
        self.limits = limits
        self.source = source
        self.unpackedStartsKept = max(0, unpackedStartsKept)
    }

    /// The number of scopes open now.
    package var openScopeCount: Int { openScopes }

    /// Open starts held packed now (for tests).
    var packedStartCount: Int {
        scopes.values.reduce(0) { count, scope in
            guard case .packed = scope.pairing.openStart?.handle.form else { return count }
            return count + 1
        }
    }

    /// Entries of the internal bookkeeping lists (start order, ended order, held ends): what
    /// memory flatness depends on (for tests).
    var bookkeepingCount: Int {
        (openOrder.count - openOrderHead) + (endedOrder.count - endedOrderHead) + heldOrder.count + scopes.count
    }

    /// Marks held by the open scopes now (each at most ``Limits/maximumMarksPerScope``; for tests).
    var heldMarkCount: Int {
        scopes.values.reduce(0) { $0 + ($1.open?.marks.count ?? 0) }
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
        while openScopes > limits.maximumOpenScopes, let oldest = oldestOpenKey() {
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
        let held = HeldEvent(sourced)
        let index = scopes.index(forKey: key)
        // A new uuid's pairing (stored below if it opens or holds); a known one is fed in place.
        var pairing = ScopePairing<HeldEvent>(occurrences: index == nil ? ended[key]?.occurrences ?? 0 : 0)
        let outcome =
            if let index {
                scopes[at: index].pairing.feed(held, isStart: isStart, time: time)
            } else {
                pairing.feed(held, isStart: isStart, time: time)
            }
        switch outcome {
        case .opened(let occurrence):
            let state = openState(of: sourced, key: key, parentKey: parentKey, occurrence: occurrence, time: time)
            if let index {
                scopes[at: index].open = state
            } else {
                scopes[key] = LiveScope(pairing: pairing, open: state)
            }
            openScopes += 1
            unpackedStarts += 1
            openOrder.append((key, state.sequence))
            compactOpenOrder()
            if unpackedStarts > unpackedStartsKept { packOldestStart() }
        case .paired(let start, let end, let occurrence, let clockSkew):
            // The pairing fed in place: a new pairing can only open or hold.
            guard let index else { return }
            let opened = scopes[at: index].open
            let occurrences = scopes[at: index].pairing.occurrences
            if scopes[at: index].pairing.openStart == nil, scopes[at: index].pairing.heldEnds.isEmpty {
                scopes.remove(at: index)
            } else {
                scopes[at: index].open = nil
            }
            let startEvent = start.event(uuid: key)
            let droppedMarks = opened.flatMap { closeOpen($0, key: key, parentKey: startEvent.parentKey) }
            let startTime = startEvent.timestamp.nanosecondsSinceEpoch
            let endEvent = end.event(uuid: key)
            var anomalies: AssembledScope.Anomalies = []
            if clockSkew {
                anomalies.insert(.clockSkew)
                report.note(.clockSkew, name: endEvent.name, uuid: endEvent.uuid, source: source, line: end.line)
            }
            let (identity, treeRoot) = resolveIdentity(
                key: key, occurrence: occurrence, event: startEvent, line: start.line, parentKey: startEvent.parentKey, opened: opened)
            ready.append(
                .scope(
                    AssembledScope(
                        start: startEvent, end: endEvent, marks: opened?.marks ?? [], droppedMarks: droppedMarks ?? DroppedMarks(),
                        identity: identity, startTime: startTime, endTime: max(startTime, endEvent.timestamp.nanosecondsSinceEpoch),
                        anomalies: anomalies)))
            remember(key, identity: identity, occurrences: occurrences, treeRoot: treeRoot)
        case .duplicate(let start, let occurrence, let first):
            report.note(
                .duplicateStart, name: event.name, uuid: event.uuid, source: source, line: start.line, firstLine: first.line)
            let (identity, _) = resolveIdentity(
                key: key, occurrence: occurrence, event: event, line: start.line, parentKey: parentKey, opened: nil)
            ready.append(
                .scope(
                    AssembledScope(start: event, end: nil, identity: identity, startTime: time, endTime: time, anomalies: .duplicateStart)))
        case .held:
            if index == nil { scopes[key] = LiveScope(pairing: pairing, open: nil) }
            heldOrder.append(key)
        }
    }

    /// What an opening scope keeps: its ids, its tree's root, its order.
    private mutating func openState(
        of sourced: SourcedEvent, key: UUIDKey, parentKey: UUIDKey?, occurrence: Int, time: Int64
    ) -> OpenScope {
        let event = sourced.event
        if parentKey == key, let parent = event.parentUUID {
            report.noteParentCycle(name: event.name, uuid: event.uuid, parent: parent, length: 1, source: source, line: sourced.line)
        }
        // Its known parent's trace, else its own (or a joined W3C trace).
        let linkedParent = parentKey.flatMap { $0 != key ? $0 : nil }.flatMap { parent in knownIdentity(of: parent).map { (parent, $0) } }
        let (traceID, context) =
            linkedParent.map { ($0.1.traceID, nil) } ?? SpanIdentity.rootTrace(of: key, metadata: event.metadata)
        let root = linkedParent.map { treeRoot(of: $0.0) } ?? key
        sequence += 1
        return OpenScope(
            sequence: sequence, traceID: traceID, spanID: SpanIdentity.spanID(of: key, occurrence: occurrence),
            context: context.map(TraceContextBox.init), treeRoot: root, rootAtOpen: linkedParent == nil, latest: time)
    }

    /// Counts a scope that is no longer open (its state already taken out of the table), reports
    /// its subtree time to its parent and returns the marks it counted but did not hold.
    private mutating func closeOpen(_ opened: OpenScope, key: UUIDKey, parentKey: UUIDKey?) -> DroppedMarks? {
        openScopes -= 1
        if opened.sequence > packedThrough { unpackedStarts -= 1 }
        reportSubtreeTime(opened, parentKey: parentKey)
        return droppedMarksOfOpen.removeValue(forKey: key)
    }

    private mutating func exportUnended(_ key: UUIDKey, into ready: inout [AssembledItem]) {
        guard let index = scopes.index(forKey: key), let opened = scopes[at: index].open,
            let (start, occurrence) = scopes[at: index].pairing.releaseOpenStart()
        else {
            if let index = scopes.index(forKey: key), let opened = scopes[at: index].open {
                scopes[at: index].open = nil
                _ = closeOpen(opened, key: key, parentKey: nil)
            }
            return
        }
        let occurrences = scopes[at: index].pairing.occurrences
        if scopes[at: index].pairing.heldEnds.isEmpty {
            scopes.remove(at: index)
        } else {
            scopes[at: index].open = nil
        }
        let startEvent = start.event(uuid: key)
        let droppedMarks = closeOpen(opened, key: key, parentKey: startEvent.parentKey) ?? DroppedMarks()
        report.note(.unended, name: startEvent.name, uuid: startEvent.uuid, source: source, line: start.line)
        let (identity, treeRoot) = resolveIdentity(
            key: key, occurrence: occurrence, event: startEvent, line: start.line, parentKey: startEvent.parentKey, opened: opened)
        let startTime = startEvent.timestamp.nanosecondsSinceEpoch
        remember(key, identity: identity, occurrences: occurrences, treeRoot: treeRoot)
        ready.append(
            .scope(
                AssembledScope(
                    start: startEvent, end: nil, marks: opened.marks, droppedMarks: droppedMarks, identity: identity,
                    startTime: startTime, endTime: max(startTime, opened.latest), anomalies: .unended)))
    }

    private mutating func expireHeldEnds(into ready: inout [AssembledItem]) {
        while let first = heldOrder.first {
            let held = scopes.index(forKey: first).flatMap { scopes[at: $0].pairing.heldEnds.first }
            let tooOld = held.map { latestSeen - $0.time > limits.unmatchedEndGrace } ?? true
            guard tooOld || heldOrder.count > limits.maximumHeldEnds else { break }
            heldOrder.removeFirst()
            releaseHeld(first, into: &ready)
        }
    }

    private mutating func releaseHeld(_ key: UUIDKey, into ready: inout [AssembledItem]) {
        guard let index = scopes.index(forKey: key) else { return }
        let released = scopes[at: index].pairing.releaseHeldEnds()
        let occurrences = scopes[at: index].pairing.occurrences
        if scopes[at: index].pairing.openStart == nil {
            scopes.remove(at: index)
        }
        for (end, occurrence) in released {
            let event = end.event(uuid: key)
            report.note(.unmatchedEnd, name: event.name, uuid: event.uuid, source: source, line: end.line)
            let (identity, treeRoot) = resolveIdentity(
                key: key, occurrence: occurrence, event: event, line: end.line, parentKey: event.parentKey, opened: nil)
            let time = event.timestamp.nanosecondsSinceEpoch
            ready.append(
                .scope(AssembledScope(start: nil, end: event, identity: identity, startTime: time, endTime: time, anomalies: .unmatchedEnd))
            )
            remember(key, identity: identity, occurrences: occurrences, treeRoot: treeRoot)
        }
    }

    /// Packs the start of the oldest open scope not yet packed (one per new open scope past
    /// ``unpackedStartsKept``: the work stays constant per event).
    private mutating func packOldestStart() {
        if packPosition > openOrder.count || (packPosition > 0 && openOrder[packPosition - 1].sequence > packedThrough) {
            packPosition = openOrder.firstPosition(after: packedThrough)
        }
        packPosition = max(packPosition, openOrderHead)
        while packPosition < openOrder.count {
            let entry = openOrder[packPosition]
            packPosition += 1
            guard entry.sequence > packedThrough else { continue }
            packedThrough = entry.sequence
            guard let index = scopes.index(forKey: entry.key), scopes[at: index].open?.sequence == entry.sequence else { continue }
            unpackedStarts -= 1
            var scratch = packScratch
            packScratch = []
            scopes[at: index].pairing.updateOpenStart { $0.pack(scratch: &scratch) }
            packScratch = scratch
            return
        }
    }

    // MARK: - Marks

    private mutating func receiveMark(_ sourced: SourcedEvent, parentKey: UUIDKey?, into ready: inout [AssembledItem]) {
        let mark = sourced.event
        let time = mark.timestamp.nanosecondsSinceEpoch
        if let parentKey, let index = scopes.index(forKey: parentKey), let held = scopes[at: index].open?.marks.count,
            let startTime = scopes[at: index].pairing.openStart?.time, time >= startTime
        {
            if held < max(0, limits.maximumMarksPerScope) {
                scopes[at: index].open?.marks.append(mark)
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
        if let index = scopes.index(forKey: key) {
            let use = scopes[at: index].pairing.takeOccurrence()
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

    private func knownIdentity(of key: UUIDKey) -> (traceID: OTLP.TraceID, spanID: OTLP.SpanID)? {
        if let index = scopes.index(forKey: key), let traceID = scopes[at: index].open?.traceID,
            let spanID = scopes[at: index].open?.spanID
        {
            return (traceID, spanID)
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
        key: UUIDKey, occurrence: Int, event: Event, line: Int?, parentKey: UUIDKey?, opened: OpenScope?
    ) -> (AssembledScope.Identity, UUIDKey) {
        // The open scope's span id is that of its start's occurrence (`occurrence` here).
        let spanID = opened?.spanID ?? SpanIdentity.spanID(of: key, occurrence: occurrence)
        if let parentKey, parentKey != key, let known = knownIdentity(of: parentKey) {
            let parentRoot = treeRoot(of: parentKey)
            if opened?.rootAtOpen != true || parentRoot != key {
                return (SpanIdentity.scope(traceID: known.traceID, spanID: spanID, parentSpanID: known.spanID, joining: nil), parentRoot)
            }
            report.noteParentCycle(
                name: event.name, uuid: event.uuid, parent: event.parentUUID ?? "", length: nil, source: source, line: line)
        }
        let (traceID, context) = opened.map { ($0.traceID, $0.traceContext) } ?? SpanIdentity.rootTrace(of: key, metadata: event.metadata)
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
        if let index = scopes.index(forKey: key), let root = scopes[at: index].open?.treeRoot { return root }
        return ended[key]?.treeRoot
    }

    private mutating func setRecordedRoot(of key: UUIDKey, to root: UUIDKey) {
        if let index = scopes.index(forKey: key), scopes[at: index].open != nil {
            scopes[at: index].open?.treeRoot = root
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
        guard let parent, let index = scopes.index(forKey: parent), let latest = scopes[at: index].open?.latest, time > latest else {
            return
        }
        scopes[at: index].open?.latest = time
    }

    /// A scope that ends (or is exported unended) reports the latest time of its subtree to its
    /// parent, if that is open and older (started before it: so reports never go round a cycle).
    private mutating func reportSubtreeTime(_ scope: OpenScope, parentKey: UUIDKey?) {
        guard let parentKey, let index = scopes.index(forKey: parentKey), let sequence = scopes[at: index].open?.sequence,
            let latest = scopes[at: index].open?.latest, sequence < scope.sequence, latest < scope.latest
        else {
            return
        }
        scopes[at: index].open?.latest = scope.latest
    }

    /// Before the open scopes are exported at the end: each reports to its open parent, the
    /// youngest first, so that every subtree time is complete. Linear in the open scopes.
    private mutating func reportOpenSubtrees() {
        for entry in openOrder[openOrderHead...].reversed() {
            guard let index = scopes.index(forKey: entry.key), let scope = scopes[at: index].open, scope.sequence == entry.sequence
            else { continue }
            reportSubtreeTime(scope, parentKey: scopes[at: index].pairing.openStart?.handle.parentKey)
        }
    }

    // MARK: - Bookkeeping

    private mutating func oldestOpenKey() -> UUIDKey? {
        while openOrderHead < openOrder.count {
            let entry = openOrder[openOrderHead]
            if openSequence(of: entry.key) == entry.sequence {
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
        guard openOrder.count - openOrderHead > 2 * openScopes + 1_024 else { return }
        openOrder = openOrder[openOrderHead...].filter { openSequence(of: $0.key) == $0.sequence }
        openOrderHead = 0
    }

    /// The start-order number of `key`'s open scope, if one is open.
    private func openSequence(of key: UUIDKey) -> Int? {
        scopes.index(forKey: key).flatMap { scopes[at: $0].open?.sequence }
    }
}

/// An event as the live pairing holds it: the event, or (a start that stays open) packed.
private struct HeldEvent: Sendable {
    enum Form: Sendable {
        case event(Event)
        case packed(PackedEvent)
    }

    var form: Form
    /// Its 1-based line number, when it came from a file.
    var line: Int?

    init(_ sourced: SourcedEvent) {
        form = .event(sourced.event)
        line = sourced.line
    }

    /// The event (unpacked if packed); `uuid` is its uuid.
    func event(uuid: UUIDKey) -> Event {
        switch form {
        case .event(let event): event
        case .packed(let packed): Event(unpacking: packed, uuid: uuid)
        }
    }

    var parentKey: UUIDKey? {
        switch form {
        case .event(let event): event.parentKey
        case .packed(let packed): packed.parentKey
        }
    }

    /// Packs the event, unless it has rare fields (it is then kept as it is).
    mutating func pack(scratch: inout [UInt8]) {
        guard case .event(let event) = form, let packed = event.packed(scratch: &scratch) else { return }
        form = .packed(packed)
    }
}

extension Array where Element == (key: UUIDKey, sequence: Int) {
    /// The position of the first entry whose sequence is above `sequence` (the entries are in
    /// sequence order).
    fileprivate func firstPosition(after sequence: Int) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].sequence > sequence { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
