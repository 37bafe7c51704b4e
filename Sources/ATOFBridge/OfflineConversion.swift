import ATOF
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything an offline run over one input produced: the spans, and an account of every line.
///
/// The input is read and paired as a whole (the events stay in memory, as pairing judges the
/// whole file), but the spans are made on demand: ``forEachSpanBatch(size:transform:_:)`` maps
/// them batch by batch, in order, on every core, so that a large input never holds all of its
/// spans (or their encodings) at once. ``spans`` maps them all, for small inputs.
public struct OfflineConversion: Sendable {
    /// The events read, in input order.
    private let events: [SourcedEvent]
    /// The spans to make, in start-time order, their events as indices into ``events`` (those of
    /// sampled-out traces removed).
    private var planned: [SpanAssembler.PlannedItem]
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
    /// The number of the last input line read (0 for events given in memory).
    public private(set) var lastLineRead = 0
    /// Whether reading was stopped before the input ended (see ``init(path:mapper:stop:)``).
    public private(set) var stoppedEarly = false

    /// The number of spans (those of sampled-out traces not included).
    public var spanCount: Int { planned.count }
    /// The spans left out because their trace was sampled out (see ``sample(_:)``).
    public private(set) var sampledOutCount = 0

    /// Every span, in start-time order (mapped on each call: for a large input prefer
    /// ``forEachSpanBatch(size:transform:_:)``).
    public var spans: [OTLP.Span] {
        var spans: [OTLP.Span] = []
        spans.reserveCapacity(planned.count)
        forEachSpanBatch(size: 4096) { spans += $0 }
        return spans
    }

    /// The number of warnings among ``diagnostics``.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Reads a whole ATOF JSON-lines input (`-` = standard input), pairs it, and keeps what is
    /// needed to map it. Lines are decoded on every core, in blocks; the result does not depend
    /// on how many.
    ///
    /// Throws ``InputError`` only when the input cannot be read at all; bad lines are skipped and
    /// reported in ``diagnostics``.
    ///
    /// With `stop`, reading ends early when it returns `true` (it is asked before each line and
    /// when a signal interrupts a read): the lines read so far are then judged as a whole, and
    /// ``lastLineRead`` and ``stoppedEarly`` say how far the input was read.
    public init(path: String, mapper: SpanMapper, stop: (() -> Bool)? = nil) throws {
        let reader = try JSONLReader(path: path)
        let source = reader.source
        var events: [SourcedEvent] = []
        var keys: [PairingKey] = []
        var diagnostics: [Diagnostic] = []
        var block = LineBlock()
        func decodeBlock() {
            for decoded in block.decode(source: source) {
                diagnostics += decoded.diagnostics
                if let event = decoded.event, let key = decoded.key {
                    events.append(SourcedEvent(event, line: decoded.line))
                    keys.append(key)
                }
            }
            block.removeAll()
        }
        var lastLine = 0
        var stopped = false
        let shouldStop = stop.map { stop in
            {
                stopped = stop()
                return stopped
            }
        }
        do {
            try reader.forEachLine(stop: shouldStop) { line in
                if let shouldStop, shouldStop() { throw ReadingStopped() }
                block.append(line)
                lastLine = line.number
                if block.isFull { decodeBlock() }
            }
        } catch is ReadingStopped {}
        decodeBlock()
        self.init(events: events, keys: keys, source: source, lineDiagnostics: diagnostics, mapper: mapper)
        lastLineRead = lastLine
        stoppedEarly = stopped
    }

    /// Leaves out the spans of the traces `sampling` drops, judging each trace as a whole: its id,
    /// the sampled flag of the remote parent its root joins (if any), and (with
    /// ``SamplingConfiguration/keepErrors``) whether any of its spans has status ERROR. The spans
    /// left out are counted in ``sampledOutCount``. With a sampler that keeps everything nothing
    /// changes; otherwise every span is mapped once more to learn its status.
    public mutating func sample(_ sampling: SamplingConfiguration) {
        guard !sampling.keepsEverything, !planned.isEmpty else { return }
        struct TraceFacts {
            var remoteParentSampled: Bool?
            var hasError = false
        }
        var traceOfSpan: [OTLP.TraceID] = []
        traceOfSpan.reserveCapacity(planned.count)
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
        let before = planned.count
        planned = planned.indices.compactMap { index in kept[traceOfSpan[index]] == nil ? nil : planned[index] }
        sampledOutCount += before - planned.count
    }

    /// Thrown inside the line loop to end reading when `stop` says so.
    private struct ReadingStopped: Error {}

    /// Pairs events already read.
    public init(events: [SourcedEvent], source: String = "<input>", lineDiagnostics: [Diagnostic] = [], mapper: SpanMapper) {
        self.init(
            events: events, keys: events.map { PairingKey($0.event) }, source: source, lineDiagnostics: lineDiagnostics, mapper: mapper)
    }

    /// Pairs events already read, whose pairing keys are made (`keys[i]` for `events[i]`).
    init(events: [SourcedEvent], keys: [PairingKey], source: String, lineDiagnostics: [Diagnostic], mapper: SpanMapper) {
        let (planned, report) = SpanAssembler(source: source).plan(events, keys: keys)
        self.events = events
        self.planned = planned
        self.mapper = mapper
        eventCount = events.count
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
        let batchCount = (planned.count + size - 1) / size
        let workers = Self.workerCount
        guard workers > 1 else {
            for batch in 0..<batchCount { try body(transform(mapBatch(batch, size: size))) }
            return
        }
        // Rounds of batches: while the calling thread hands round r to `body`, the workers
        // make round r + 1.
        let perRound = max(2 * workers, (1 << 13) / size)
        @Sendable func makeRound(_ first: Int) -> SlotArray<Output> {
            let count = min(perRound, batchCount - first)
            let outputs = SlotArray<Output>(count: count)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                outputs.set(offset, transform(mapBatch(first + offset, size: size)))
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

    /// The spans of batch `batch` (of `size` each), mapped.
    private func mapBatch(_ batch: Int, size: Int) -> [OTLP.Span] {
        let lower = batch * size
        let upper = min(lower + size, planned.count)
        var spans: [OTLP.Span] = []
        spans.reserveCapacity(max(0, upper - lower))
        for index in lower..<upper {
            switch SpanAssembler.materialize(planned[index], events: events) {
            case .scope(let scope): spans.append(mapper.span(for: scope))
            case .orphanMark(let orphan): spans.append(mapper.span(for: orphan))
            }
        }
        return spans
    }

    /// Hands the spans to `body` in batches of `size`, in order; they are mapped on every core
    /// (see ``forEachSpanBatch(size:transform:_:)``).
    public func forEachSpanBatch(size: Int, _ body: ([OTLP.Span]) throws -> Void) rethrows {
        try forEachSpanBatch(size: size, transform: { $0 }, body)
    }

    /// Threads to map and decode on: the online processors.
    static let workerCount: Int = {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(16, Int(online)))
    }()
}

/// One round of batches being made on a background thread.
private final class RoundInFlight<Output: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: SlotArray<Output>?
    private var started = false

    /// Starts `make` on a global queue (the thread that calls ``wait()`` then reads the result:
    /// the group orders the write before the read).
    func start(_ make: @escaping @Sendable () -> SlotArray<Output>) {
        started = true
        DispatchQueue.global().async(group: group) { self.result = make() }
    }

    /// Waits for the round (if one was started) and hands it over once.
    @discardableResult
    func wait() -> SlotArray<Output>? {
        guard started else { return nil }
        group.wait()
        let value = result
        result = nil
        return value
    }
}

/// Results written by concurrent workers, one slot each, then read on one thread once they have
/// all finished (`DispatchQueue.concurrentPerform` returns only then).
private final class SlotArray<Element>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Element?>
    /// The number of slots.
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Sets slot `index`; each slot is written by one worker only.
    func set(_ index: Int, _ value: Element) {
        slots[index] = value
    }

    /// Moves slot `index` out.
    func take(_ index: Int) -> Element? {
        let value = slots[index]
        slots[index] = nil
        return value
    }
}

/// Lines read but not yet decoded: their bytes packed in one buffer.
private struct LineBlock {
    struct Entry: Sendable {
        var start: Int
        var count: Int
        var number: Int
        var isTerminated: Bool
    }

    /// What decoding one line gave.
    struct Decoded: Sendable {
        var line: Int
        var event: Event?
        /// The event's pairing key, made here (in parallel) rather than when pairing.
        var key: PairingKey?
        var diagnostics: [Diagnostic]
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []

    /// Blocks this large are decoded at once (the lines are split among the workers).
    static let byteLimit = 4 << 20
    static let lineLimit = 16_384

    var isFull: Bool { bytes.count >= Self.byteLimit || entries.count >= Self.lineLimit }

    mutating func append(_ line: JSONLReader.Line) {
        entries.append(Entry(start: bytes.count, count: line.bytes.count, number: line.number, isTerminated: line.isTerminated))
        bytes.append(contentsOf: line.bytes)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Decodes every line, in parallel, and returns the results in line order.
    func decode(source: String) -> [Decoded] {
        guard !entries.isEmpty else { return [] }
        let workers = OfflineConversion.workerCount
        let parts = workers > 1 ? min(entries.count, 4 * workers) : 1
        let results = SlotArray<[Decoded]>(count: parts)
        let entries = self.entries
        let perPart = (entries.count + parts - 1) / parts
        bytes.withUnsafeBufferPointer { all in
            let shared = SharedBytes(buffer: all)
            let work: @Sendable (Int) -> Void = { part in
                let lower = part * perPart
                let upper = min(lower + perPart, entries.count)
                var decoded: [Decoded] = []
                decoded.reserveCapacity(max(0, upper - lower))
                if lower < upper {
                    for entry in entries[lower..<upper] {
                        let line = UnsafeBufferPointer(rebasing: shared.buffer[entry.start..<(entry.start + entry.count)])
                        let result = EventReader.decode(line: line, number: entry.number, isTerminated: entry.isTerminated, source: source)
                        decoded.append(
                            Decoded(
                                line: entry.number, event: result.event, key: result.event.map(PairingKey.init),
                                diagnostics: result.diagnostics))
                    }
                }
                results.set(part, decoded)
            }
            if parts > 1 {
                DispatchQueue.concurrentPerform(iterations: parts, execute: work)
            } else {
                work(0)
            }
        }
        var all: [Decoded] = []
        all.reserveCapacity(entries.count)
        for part in 0..<parts {
            if let decoded = results.take(part) { all += decoded }
        }
        return all
    }
}

/// A read-only view of bytes that outlive the concurrent work reading them.
private struct SharedBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}
