import ATOF
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything an offline run over one input produced: the spans, and an account of every line.
///
/// The input is judged as a whole (span-mapping.md §2) in two passes, in memory that grows with
/// the number of events but not with their size. The first decodes every line (on every core) and keeps of each event only a compact index entry
/// (``EventIndex``: time, kind, uuid and parent ids, line; ``LineLocations``: where its line
/// stands), about 33 bytes per event whatever its payload; pairing, parents, traces and marks are
/// planned from that index (``SpanPlan``). The line locations of a large input wait in a spool
/// file while the index is paired (``LocationSpill``), and a large plan is written there in sorted
/// runs as it is made (``PlanSpill``, merged back by ``PlannedSpanCursor``). The second pass, ``forEachSpanBatch(size:transform:_:)``,
/// makes the spans batch by batch, in order, on every core, reading and decoding again the lines
/// each batch needs. An input that cannot be read twice (standard input, a pipe) is copied into a
/// temporary file as it is read (``SpoolFile``). ``spans`` maps them all, for small inputs.
public struct OfflineConversion: Sendable {
    /// Where the events are read again.
    private let events: OfflineEvents
    /// The spans to make, in start-time order, their events as indices into the input.
    private let plan: SpanPlan
    /// The spans of sampled-out traces: one bit per span of ``plan``, in output order.
    private var sampledOut: [UInt64] = []
    /// The mapper the spans are made with.
    private let mapper: SpanMapper

    /// Events read (good lines).
    public var eventCount: Int
    /// Lines skipped as errors.
    public var badLineCount: Int
    /// Bad lines and anomalies, in line order.
    public var diagnostics: [Diagnostic]
    /// Pairing counts: unended, unmatched, duplicates, orphan marks.
    public var report: AssemblyReport
    /// The lines of each format (ATOF, the foreign formats, unknown).
    public private(set) var formatCounts = InputFormatCounts()
    /// The number of the last input line read (0 for events given in memory).
    public private(set) var lastLineRead = 0
    /// Whether reading was stopped before the input ended (see ``init(path:mapper:stop:)``).
    public private(set) var stoppedEarly = false

    /// The number of spans (those of sampled-out traces not included).
    public var spanCount: Int { plan.count - sampledOutCount }
    /// The spans left out because their trace was sampled out (see ``sample(_:)``).
    public private(set) var sampledOutCount = 0
    /// The spans the second pass could not make because a line read in the first could not be
    /// read again (the input was changed while it was converted). A caller that finds this above
    /// zero after ``forEachSpanBatch(size:transform:_:)`` must report the run as failed.
    public var unreadableSpanCount: Int { unreadable.count.load(ordering: .relaxed) }
    /// Counts the spans left out by the second pass (shared by copies, written by the workers).
    private let unreadable = UnreadableSpans()

    /// Every span, in start-time order (mapped on each call: for a large input prefer
    /// ``forEachSpanBatch(size:transform:_:)``).
    public var spans: [OTLP.Span] {
        var spans: [OTLP.Span] = []
        spans.reserveCapacity(spanCount)
        forEachSpanBatch(size: 4096) { spans += $0 }
        return spans
    }

    /// The number of warnings among ``diagnostics``.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Reads a whole ATOF JSON-lines input (`-` = standard input), pairs it, and keeps what is
    /// needed to map it: the plan and where each event's line stands (the input stays open to be
    /// read again; one that is not a regular file is copied into a ``SpoolFile`` in `TMPDIR`, as
    /// are the line locations and the plan of an input of more than 65,536 lines or spans).
    /// Lines are decoded on every core, in blocks; the result does not depend on how many.
    ///
    /// With `input`'s format `auto` (the default), a line that is not an ATOF event is tested
    /// against the foreign formats (adapters.md §1.2); when one is found (or SSE framing), the
    /// whole input is first translated into ATOF 0.2 lines (``ATOFTranslation``, a temporary file)
    /// and those are read, diagnostics naming the input's own lines. A forced foreign format is
    /// translated at once; `atof` detects nothing.
    ///
    /// Throws ``InputError`` only when the input cannot be read at all (or copied, when it must
    /// be); bad lines are skipped and reported in ``diagnostics``.
    ///
    /// With `stop`, reading ends early when it returns `true` (it is asked before each line and
    /// when a signal interrupts a read): the lines read so far are then judged as a whole, and
    /// ``lastLineRead`` and ``stoppedEarly`` say how far the input was read.
    public init(path: String, mapper: SpanMapper, input: InputOptions = InputOptions(), stop: (() -> Bool)? = nil) throws {
        try self.init(path: path, mapper: mapper, input: input, stop: stop, planRunLength: PlanSpill.defaultRunLength)
    }

    /// ``init(path:mapper:input:stop:)`` with the plan and the line locations written to spools in
    /// `environment`'s `TMPDIR` in runs of `planRunLength` spans and `locationRunLength` lines
    /// once there are more, and the translators `adapterTypes`.
    init(
        path: String, mapper: SpanMapper, input options: InputOptions = InputOptions(), stop: (() -> Bool)? = nil, planRunLength: Int,
        locationRunLength: Int = LocationSpill.defaultRunLength, environment: [String: String] = ProcessEnvironment.current,
        adapterTypes: [any ForeignEventAdapter.Type] = ForeignFormat.adapterTypes
    ) throws {
        try self.init(
            lines: InputLines(path: path, environment: environment), mapper: mapper, input: options, stop: stop,
            planRunLength: planRunLength,
            locationRunLength: locationRunLength, environment: environment, adapterTypes: adapterTypes)
    }

    /// Reads the lines already copied into `spool` (standard input a caller has read once, e.g.
    /// `stats`), named `source` in diagnostics, as ``init(path:mapper:input:stop:)`` reads a file.
    package init(spool: SpoolFile, source: String, mapper: SpanMapper, input options: InputOptions = InputOptions()) throws {
        try self.init(
            lines: InputLines(reading: spool, source: source), mapper: mapper, input: options, stop: nil,
            planRunLength: PlanSpill.defaultRunLength, locationRunLength: LocationSpill.defaultRunLength,
            environment: ProcessEnvironment.current, adapterTypes: ForeignFormat.adapterTypes)
    }

    /// Reads `input`'s lines: see ``init(path:mapper:input:stop:)``.
    private init(
        lines input: InputLines, mapper: SpanMapper, input options: InputOptions, stop: (() -> Bool)?, planRunLength: Int,
        locationRunLength: Int, environment: [String: String], adapterTypes: [any ForeignEventAdapter.Type]
    ) throws {
        var first: FirstPass?
        if options.format.foreignFormat == nil {
            first = try FirstPass(
                input: input, detecting: options.format == .auto, stop: stop, locationRunLength: locationRunLength, environment: environment
            )
        }
        guard let read = first, !read.needsTranslation else {
            // An input read once that was stopped while it was copied: its copy ends there, and
            // all of it is translated.
            let copyStopped = first?.stopped ?? false
            first = nil  // its index is let go before the translation is read
            let lines = options.format.foreignFormat == nil ? InputLines(rereading: input) : input
            let translation = try ATOFTranslation(
                lines: lines, options: options, adapterTypes: adapterTypes, stop: copyStopped ? nil : stop, environment: environment)
            let translated = try InputLines(reading: translation.spool, source: input.source)
            var pass = try FirstPass(
                input: translated, detecting: false, stop: nil, locationRunLength: locationRunLength, environment: environment)
            // A translator's event read back can only draw warnings of the round trip (an end
            // with no status: unknown outcomes are left unset on purpose).
            pass.diagnostics.removeAll { $0.severity == .warning && translation.isMadeByTranslator($0.line) }
            try self.init(planning: consume pass, input: translated, mapper: mapper, planRunLength: planRunLength, environment: environment)
            // The translated lines' numbers become the input's own; the translation's diagnostics join them.
            let remapped = diagnostics.map { diagnostic in
                var diagnostic = diagnostic
                diagnostic.line = diagnostic.line.map(translation.inputLine)
                return diagnostic
            }
            diagnostics = (translation.diagnostics + remapped).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            badLineCount = diagnostics.count { $0.severity == .error }
            formatCounts = translation.formatCounts
            lastLineRead = translation.lastLineRead
            stoppedEarly = copyStopped || translation.stoppedEarly
            return
        }
        first = nil
        try self.init(planning: consume read, input: input, mapper: mapper, planRunLength: planRunLength, environment: environment)
    }

    /// The first pass over an input's lines: the index of its events and where their lines stand.
    private struct FirstPass {
        var index = EventIndex()
        let locations: LocationSpill
        var diagnostics: [Diagnostic] = []
        var lastLine = 0
        var stopped = false
        /// A line of a foreign format (or SSE framing) was found: the input must be translated
        /// (reading stopped there, or, for an input read once, went on only to copy it).
        var needsTranslation = false
        var counts = InputFormatCounts()

        /// Reads every line of `input`, decoding in parallel blocks; with `detecting`, lines that
        /// give no event are tested for the foreign formats (``LineBlock/decode(source:detecting:)``).
        init(
            input: InputLines, detecting: Bool, stop: (() -> Bool)?, locationRunLength: Int, environment: [String: String]
        ) throws {
            let source = input.source
            let locations = LocationSpill(runLength: locationRunLength, for: source, environment: environment)
            var index = EventIndex()
            var diagnostics: [Diagnostic] = []
            var needsTranslation = false
            var counts = InputFormatCounts()
            var block = LineBlock()
            var reserved = false
            func decodeBlock() throws {
                defer { block.removeAll() }
                guard !needsTranslation else { return }
                let decodedLines = block.decode(source: source, detecting: detecting)
                if !reserved, let fileSize = input.fileSize, let last = decodedLines.last, last.offset > 0 {
                    // The first block tells the size of a line: room for the whole file at once
                    // (growing by doubling would hold up to twice the index).
                    let perLine = Double(last.offset + UInt64(last.length) + 1) / Double(decodedLines.count)
                    let estimate = Int(min(Double(EventIndex.capacity), Double(fileSize) / perLine * 1.02)) + 1024
                    index.reserveCapacity(estimate)
                    reserved = true
                }
                for decoded in decodedLines {
                    switch decoded.format {
                    case .foreign:
                        needsTranslation = true
                        return
                    case .invalid, .unknown:
                        counts.unknown += 1
                    case .atof:
                        if decoded.key != nil || !decoded.diagnostics.isEmpty { counts.atof += 1 }
                    }
                    diagnostics += decoded.diagnostics
                    if let key = decoded.key {
                        guard index.count < EventIndex.capacity else {
                            throw InputError(
                                source: source, reason: "more than \(EventIndex.capacity) events at line \(decoded.line); split the input")
                        }
                        index.append(key, line: decoded.line)
                        try locations.append(offset: decoded.offset, length: decoded.length)
                    }
                }
            }
            var lastLine = 0
            // An input read once is read to its end even once it must be translated: the
            // translation reads its copy.
            let stopsWhenForeign = input.isRegularFile
            let stoppedHere = try input.forEachLine(until: stop) { line in
                lastLine = line.number
                if needsTranslation {
                    if stopsWhenForeign { throw InputLines.EndReading() }
                    return
                }
                block.append(line)
                if block.isFull { try decodeBlock() }
            }
            try decodeBlock()
            if !needsTranslation { index.finishAdding() }
            self.locations = locations
            self.index = index
            self.diagnostics = diagnostics
            self.needsTranslation = needsTranslation
            self.counts = counts
            self.lastLine = lastLine
            stopped = stoppedHere
        }
    }

    /// Plans the events `first` read from `input` (see ``init(path:mapper:input:stop:)``).
    private init(
        planning first: consuming FirstPass, input: InputLines, mapper: SpanMapper, planRunLength: Int, environment: [String: String]
    ) throws {
        Self.releaseFreedMemory()
        let source = input.source
        let spill = PlanSpill(runLength: planRunLength, for: source, environment: environment)
        let file = input.file
        let locations = first.locations
        let index = first.index
        first.index = EventIndex()  // the plan's init lets the index go once planned
        try self.init(
            index: consume index,
            name: { event in
                locations.location(of: event).flatMap { OfflineEvents.file(file, $0, source: source).event(at: 0)?.name } ?? ""
            },
            events: { () throws(InputError) in
                try spill.checkWritten()
                return .file(file, try locations.load(), source: source)
            },
            source: source, lineDiagnostics: first.diagnostics, mapper: mapper, spill: spill)
        Self.releaseFreedMemory()
        lastLineRead = first.lastLine
        stoppedEarly = first.stopped
        formatCounts = first.counts
    }

    /// Leaves out the spans of the traces `sampling` drops, judging each trace as a whole: its id,
    /// the sampled flag of the remote parent its root joins (if any), and (with
    /// ``SamplingConfiguration/keepErrors``) whether any of its spans has status ERROR. The spans
    /// left out are counted in ``sampledOutCount``. With a sampler that keeps everything nothing
    /// changes; otherwise every span is mapped once more to learn its status.
    public mutating func sample(_ sampling: SamplingConfiguration) {
        guard !sampling.keepsEverything, spanCount > 0 else { return }
        struct TraceFacts {
            var remoteParentSampled: Bool?
            var hasError = false
        }
        var traceOfSpan: [OTLP.TraceID] = []
        traceOfSpan.reserveCapacity(spanCount)
        var traces: [OTLP.TraceID: TraceFacts] = [:]
        forEachSpanBatch(
            size: 4096,
            transform: { spans in spans.map { ($0.traceID, $0.flags, $0.status.code == .error) } }
        ) { batch in
            for (traceID, flags, isError) in batch {
                traceOfSpan.append(traceID)
                var facts = traces[traceID] ?? TraceFacts()
                if let remote = SamplingConfiguration.remoteParentSampled(flags: flags) { facts.remoteParentSampled = remote }
                if isError { facts.hasError = true }
                traces[traceID] = facts
            }
        }
        let kept = traces.filter { traceID, facts in
            sampling.keeps(traceID: traceID, remoteParentSampled: facts.remoteParentSampled, hasError: facts.hasError)
        }
        if sampledOut.isEmpty { sampledOut = [UInt64](repeating: 0, count: (plan.count + 63) / 64) }
        var next = 0  // the next span handed out above
        for position in 0..<plan.count where sampledOut[position / 64] & (1 << UInt64(position % 64)) == 0 {
            defer { next += 1 }
            guard next < traceOfSpan.count, kept[traceOfSpan[next]] == nil else { continue }
            sampledOut[position / 64] |= 1 << UInt64(position % 64)
            sampledOutCount += 1
        }
    }

    /// Pairs events already read (an index over them is planned as for a file; the spans are made
    /// from the events given).
    public init(events: [SourcedEvent], source: String = "<input>", lineDiagnostics: [Diagnostic] = [], mapper: SpanMapper) {
        self.init(
            index: SpanAssembler.index(of: events), name: { events[$0].event.name }, events: { .memory(events) }, source: source,
            lineDiagnostics: lineDiagnostics, mapper: mapper, spill: nil)
    }

    /// Plans the input `index` describes (`name(i)`: the name of event i, for diagnostics), then
    /// takes where its events are read again from `events` (asked once planned).
    private init<Failure: Error>(
        index: consuming EventIndex, name: @escaping (Int) -> String, events: () throws(Failure) -> OfflineEvents, source: String,
        lineDiagnostics: [Diagnostic], mapper: SpanMapper, spill: PlanSpill?
    ) throws(Failure) {
        let (plan, report) = SpanAssembler(source: source).plan(index, name: name, spill: spill)
        eventCount = index.count
        _ = consume index  // planned: the index is let go before the line locations are read back
        Self.releaseFreedMemory()
        self.events = try events()
        self.plan = plan
        self.mapper = mapper
        badLineCount = lineDiagnostics.count { $0.severity == .error }
        if report.diagnostics.isEmpty {
            diagnostics = lineDiagnostics  // already in line order
        } else {
            diagnostics = (lineDiagnostics + report.diagnostics).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        }
        self.report = report
    }

    /// Maps the spans in batches of `size` (the last may be smaller), in start-time order, and
    /// hands each batch's `transform` to `body`, in order.
    ///
    /// `transform` (mapping a batch into what `body` needs, e.g. its encoding) runs on several
    /// threads at once, a few batches ahead; `body` runs on the calling thread, one batch at a
    /// time, in order. Memory holds only the batches in flight.
    public func forEachSpanBatch<Output: Sendable>(
        size: Int,
        transform: @escaping @Sendable ([OTLP.Span]) -> Output,
        _ body: (Output) throws -> Void
    ) rethrows {
        let size = max(1, size)
        let batchCount = (spanCount + size - 1) / size
        let cursor = PlannedSpanCursor(plan: plan, dropped: sampledOut)
        let unreadable = unreadable
        @Sendable func take(_ count: Int) -> [PlannedSpan] {
            let (spans, missing) = cursor.next(count)
            if missing > 0 {
                unreadable.count.add(missing, ordering: .relaxed)
                Self.logger.error(
                    "the span plan could not be read back from its temporary file; its spans are left out (check TMPDIR)",
                    metadata: ["spans": "\(missing)"])
            }
            return spans
        }
        let workers = Self.workerCount
        guard workers > 1 else {
            for _ in 0..<batchCount { try body(transform(mapBatch(take(size)[...]))) }
            return
        }
        // Rounds of batches (about 4,096 spans, at least one batch per worker): while the calling
        // thread hands round r to `body`, the workers make round r + 1.
        let perRound = max(workers, (1 << 12) / size)
        @Sendable func makeRound(_ first: Int) -> SlotArray<Output> {
            let count = min(perRound, batchCount - first)
            let spans = take(count * size)
            let outputs = SlotArray<Output>(count: count)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                let lower = min(offset * size, spans.count)
                outputs.set(offset, transform(mapBatch(spans[lower..<min(lower + size, spans.count)])))
            }
            return outputs
        }
        var first = 0
        var current: SlotArray<Output>? = batchCount > 0 ? makeRound(0) : nil
        while let round = current {
            let next = first + round.count
            let ahead = RoundInFlight<Output>()
            if next < batchCount {
                ahead.start { makeRound(next) }
            }
            defer { ahead.wait() }  // also when `body` throws: no work outlives the call
            for offset in 0..<round.count {
                if let output = round.take(offset) { try body(output) }
            }
            current = ahead.wait()
            first = next
        }
    }

    /// The spans `planned`, mapped, their events read again.
    private func mapBatch(_ planned: ArraySlice<PlannedSpan>) -> [OTLP.Span] {
        guard !planned.isEmpty else { return [] }
        var spans: [OTLP.Span] = []
        spans.reserveCapacity(planned.count)
        func make(_ read: (Int) -> Event?) {
            for span in planned {
                switch SpanAssembler.materialize(span, of: plan, event: read) {
                case .scope(let scope): spans.append(mapper.span(for: scope))
                case .orphanMark(let orphan): spans.append(mapper.span(for: orphan))
                case nil:
                    unreadable.count.add(1, ordering: .relaxed)
                    Self.logger.error(
                        "a line read in the first pass could not be read again; its span is left out (was the input changed while it was converted?)",
                        metadata: ["line": "\(span.describing)"])
                }
            }
        }
        switch events {
        case .memory(let events):
            make { events[$0].event }
        case .file(let file, let locations, let source):
            var needed: [Int] = []
            needed.reserveCapacity(3 * planned.count)
            for span in planned { plan.forEachEvent(of: span) { needed.append($0) } }
            let read = locations.read(needed, from: file, source: source)
            make(read.event)
        }
        return spans
    }

    /// Where a line that cannot be read again is reported.
    private static let logger = Logger(label: "atof-bridge.offline")

    /// Hands the spans to `body` in batches of `size`, in order; they are mapped on every core
    /// (see ``forEachSpanBatch(size:transform:_:)``).
    public func forEachSpanBatch(size: Int, _ body: ([OTLP.Span]) throws -> Void) rethrows {
        try forEachSpanBatch(size: size, transform: { $0 }, body)
    }

    /// Hands memory freed by the threads that decoded events (or by planning) back to the system:
    /// glibc keeps it in per-thread arenas otherwise, and the next pass would run on top of it.
    private static func releaseFreedMemory() {
        mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, when the C library has it (looked up: Swift's Glibc module does not
    /// export `malloc.h`).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Threads to map and decode on: the online processors.
    static let workerCount: Int = {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(16, Int(online)))
    }()
}

/// The count behind ``OfflineConversion/unreadableSpanCount``.
private final class UnreadableSpans: Sendable {
    let count = Atomic<Int>(0)
}
