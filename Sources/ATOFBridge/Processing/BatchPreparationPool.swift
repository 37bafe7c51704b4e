import ATOFThreads

/// The worker threads of a ``BatchSpanProcessor``: they map paired scopes into spans and, when
/// the exporter can (``BatchPreparingExporter``), encode the request, so that the export thread
/// only sends. Batches are numbered as they are submitted and taken back in that order, so the
/// output keeps the order of the queue.
///
/// With no worker thread (the system refused them), ``take(_:)`` prepares the batch on the
/// calling thread: the processor works as with one export thread.
final class BatchPreparationPool: Sendable {
    /// A batch made ready to send.
    struct Prepared: Sendable {
        /// The mapped spans.
        var batch: OTLP.SpanBatch
        /// The exporter's prepared request, when it prepares.
        var export: PreparedExport?
    }

    private struct Job: Sendable {
        var number: UInt64
        var pending: [PendingSpan]
    }

    private struct State: Sendable {
        /// Submitted, not yet taken by a worker; oldest first (at most a few).
        var waiting: [Job] = []
        var done: [UInt64: Prepared] = [:]
        /// Sent batches, released by a worker (see ``BatchPreparationPool/recycle(_:)``).
        var sent: [Prepared] = []
        var submitted: UInt64 = 0
        var stopped = false
    }

    private let state: ConditionLock<State>
    private let prepare: @Sendable ([PendingSpan]) -> Prepared
    /// The worker threads running.
    let threadCount: Int

    /// The worker threads for a machine with `cores` cores: one per core the producer leaves
    /// free, at least one, at most four.
    static func threadCount(cores: Int) -> Int {
        min(4, max(1, cores - 1))
    }

    /// Starts `threads` workers that turn pending spans into prepared batches with `prepare`.
    init(threads: Int, prepare: @escaping @Sendable ([PendingSpan]) -> Prepared) {
        let state = ConditionLock(State())
        var started = 0
        for _ in 0..<max(0, threads) {
            guard WorkerThread.start({ Self.work(state, prepare) }) else { break }
            started += 1
        }
        self.state = state
        self.prepare = prepare
        threadCount = started
    }

    /// Hands a batch to the workers; returns its number for ``take(_:)``.
    func submit(_ pending: [PendingSpan]) -> UInt64 {
        let number = state.withLock { state in
            state.submitted += 1
            state.waiting.append(Job(number: state.submitted, pending: pending))
            return state.submitted
        }
        if threadCount > 0 { state.broadcast() }
        return number
    }

    /// Waits for batch `number` to be ready and returns it. Batches are taken in the order they
    /// were submitted, each once.
    func take(_ number: UInt64) -> Prepared {
        if threadCount == 0 {
            let job = state.withLock { state in
                state.waiting.firstIndex { $0.number == number }.map { state.waiting.remove(at: $0) }
            }
            return prepare(job?.pending ?? [])
        }
        return state.withLock(when: { $0.done[number] != nil }, before: nil) { state, _ in
            state.done.removeValue(forKey: number) ?? Prepared(batch: OTLP.SpanBatch(resource: OTLP.Resource(), spans: []))
        }
    }

    /// Hands a sent batch back so that a worker releases it: its spans and body were allocated
    /// on that worker, and freeing them there keeps the threads from contending for the
    /// allocator's locks.
    func recycle(_ prepared: Prepared) {
        guard threadCount > 0 else { return }
        state.withLock { $0.sent.append(prepared) }
    }

    /// Lets the workers end once the batches submitted are prepared.
    func stop() {
        state.withLock { $0.stopped = true }
        state.broadcast()
    }

    private static func work(_ state: ConditionLock<State>, _ prepare: @Sendable ([PendingSpan]) -> Prepared) {
        while true {
            var sent: [Prepared] = []
            let job = state.withLock(when: { !$0.waiting.isEmpty || $0.stopped }, before: nil) { state, _ in
                swap(&sent, &state.sent)
                return state.waiting.isEmpty ? nil : state.waiting.removeFirst()
            }
            sent.removeAll()
            guard let job else { return }
            let prepared = prepare(job.pending)
            state.withLock { $0.done[job.number] = prepared }
            state.broadcast()
        }
    }
}
