import Synchronization

/// Hands out a plan's spans in output order, some at a time, leaving out those sampled out: from
/// memory, or merged from the sorted runs of a ``SpooledSpans`` (a few thousand spans of each run
/// in memory at a time; equal spans come from the earlier run, so the merge gives the order one
/// sort of the whole plan would).
final class PlannedSpanCursor: Sendable {
    private let state: Mutex<State>

    /// A cursor at the first span of `plan`; the spans at positions whose bit is set in `dropped`
    /// (one bit per span in output order, empty for none) are skipped.
    init(plan: SpanPlan, dropped: [UInt64] = []) {
        var state = State(spans: plan.spans, dropped: dropped)
        if let spooled = plan.spooled { state.merge = RunMerge(spooled) }
        self.state = Mutex(state)
    }

    /// The next `count` spans (fewer at the end), and how many could not be read from the spool
    /// (each left out).
    func next(_ count: Int) -> (spans: [PlannedSpan], unreadable: Int) {
        state.withLock { $0.next(count) }
    }

    private struct State: Sendable {
        var spans: [PlannedSpan]
        let dropped: [UInt64]
        var merge: RunMerge?
        /// The output position of the next span.
        var position = 0

        mutating func next(_ count: Int) -> (spans: [PlannedSpan], unreadable: Int) {
            var taken: [PlannedSpan] = []
            taken.reserveCapacity(count)
            var unreadable = 0
            while taken.count < count {
                let span: PlannedSpan?
                if merge != nil {
                    span = merge?.next(unreadable: &unreadable)
                } else {
                    span = position < spans.count ? spans[position] : nil
                }
                guard let span else { break }
                let at = position
                position += 1
                if at / 64 < dropped.count, dropped[at / 64] & (1 << UInt64(at % 64)) != 0 { continue }
                taken.append(span)
            }
            return (taken, unreadable)
        }
    }
}

/// The k-way merge of a spooled plan's runs: a min-heap of runs by their next span.
private struct RunMerge: Sendable {
    struct Run: Sendable {
        var buffer: [PlannedSpan] = []
        var position = 0
        /// The next span to read from the file, and the end of the run.
        var next: Int
        let end: Int
        var head: PlannedSpan { buffer[position] }
    }

    let file: InputFile
    var runs: [Run]
    /// Run indices, a binary min-heap by head span (then run index).
    var heap: [Int] = []
    /// Spans read from a run at once.
    let chunk: Int

    init(_ spooled: SpooledSpans) {
        file = spooled.file
        runs = spooled.runs.map { Run(next: $0.lowerBound, end: $0.upperBound) }
        chunk = max(64, (4 << 20) / MemoryLayout<PlannedSpan>.stride / max(1, runs.count))
        var ignored = 0
        for run in runs.indices where refill(run, unreadable: &ignored) { push(run) }
    }

    /// The next span in output order, `nil` at the end.
    mutating func next(unreadable: inout Int) -> PlannedSpan? {
        guard let run = heap.first else { return nil }
        let span = runs[run].head
        runs[run].position += 1
        if runs[run].position == runs[run].buffer.count, !refill(run, unreadable: &unreadable) {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        } else {
            siftDown(0)
        }
        return span
    }

    /// Reads the next chunk of run `run`; `false` when it has ended (or cannot be read: its
    /// remaining spans are counted in `unreadable`).
    private mutating func refill(_ run: Int, unreadable: inout Int) -> Bool {
        let count = min(chunk, runs[run].end - runs[run].next)
        guard count > 0 else { return false }
        let offset = UInt64(runs[run].next * MemoryLayout<PlannedSpan>.stride)
        let file = file
        let buffer = [PlannedSpan](unsafeUninitializedCapacity: count) { spans, initialized in
            initialized = file.read(into: UnsafeMutableRawBufferPointer(spans), at: offset) ? count : 0
        }
        guard buffer.count == count else {
            unreadable += runs[run].end - runs[run].next
            runs[run].next = runs[run].end
            return false
        }
        runs[run].buffer = buffer
        runs[run].position = 0
        runs[run].next += count
        return true
    }

    /// Whether run `a`'s head comes before run `b`'s.
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let l = runs[a].head
        let r = runs[b].head
        if l.startTime != r.startTime { return l.startTime < r.startTime }
        if l.sortLine != r.sortLine { return l.sortLine < r.sortLine }
        return a < b
    }

    private mutating func push(_ run: Int) {
        heap.append(run)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var first = left
            if left + 1 < heap.count, precedes(heap[left + 1], heap[left]) { first = left + 1 }
            guard precedes(heap[first], heap[parent]) else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
