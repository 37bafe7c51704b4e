import ATOF
import ATOFThreads
import Logging

/// The `.jsonLines` subscriber: a bounded queue of events in front of one background thread that
/// encodes them and appends them to the file.
///
/// Producers take a short lock to append to the queue (or count a drop when it is full) and
/// never wait for the disk. The thread swaps the whole queue out, encodes and writes it, and
/// flushes the file's buffer after every batch, so the file only holds complete lines (a flush
/// that fails, on a full disk, is cut back off the file and its events counted as failed). A flush
/// request additionally `fsync`s; shutdown drains, syncs, closes the file and ends the thread.
final class JSONLinesSink: EventSink, @unchecked Sendable {
    private struct State {
        var queue: [Event] = []
        var flushRequested = 0
        var flushCompleted = 0
        var stopping = false
        var stopped = false
        var written = 0
        var dropped = 0
        var droppedReported = 0
        var failed = 0
        var held = false
    }

    /// The file's path, for messages.
    let path: String
    private let capacity: Int
    private let logger: Logger
    private let state: ConditionLock<State>
    /// Touched only by the writer thread once it runs.
    private var writer: JSONLWriter?
    /// Lines written to the writer's buffer since its last successful flush (writer thread only).
    private var buffered = 0
    private var loggedFailure = false

    /// Lines written between buffer flushes within one large batch.
    private static let linesPerWrite = 512

    init(path: String, queueCapacity: Int, logger: Logger) throws(ATOFInstrumentationError) {
        self.path = path
        self.capacity = queueCapacity
        self.logger = logger
        self.state = ConditionLock(State())
        do {
            let opened = try JSONLWriter(path: path, append: true, flushThreshold: .max)
            for warning in opened.warnings { logger.warning("ATOF event log \(warning)") }
            writer = opened
        } catch {
            throw .cannotOpen(path: path, reason: error.reason)
        }
        guard WorkerThread.start({ [self] in run() }) else {
            writer = nil
            throw .cannotStartWriter(path: path)
        }
    }

    func receive(_ event: Event) {
        let wake = state.withLock { state -> Bool in
            guard !state.stopping, state.queue.count < capacity else {
                state.dropped += 1
                return false
            }
            state.queue.append(event)
            return state.queue.count == 1
        }
        if wake { state.broadcast() }
    }

    func forceFlush(deadline: MonotonicInstant) {
        let target = state.withLock { state -> Int in
            state.flushRequested += 1
            return state.flushRequested
        }
        state.broadcast()
        state.withLock(when: { $0.flushCompleted >= target || $0.stopped }, before: deadline) { _, _ in }
        reportDrops()
    }

    func shutdown(deadline: MonotonicInstant) {
        state.withLock { $0.stopping = true }
        state.broadcast()
        let finished = state.withLock(when: { $0.stopped }, before: deadline) { _, stopped in stopped }
        if !finished {
            logger.warning("ATOF event log \(path): shutdown timed out before the queue was written")
        }
        reportDrops()
    }

    /// Tests only: while held, the writer thread takes nothing from the queue (so it fills up).
    func _holdForTesting(_ held: Bool) {
        state.withLock { $0.held = held }
        state.broadcast()
    }

    var counts: ATOFInstrumentation.Statistics {
        state.withLock { ATOFInstrumentation.Statistics(eventsWritten: $0.written, eventsDropped: $0.dropped, eventsFailed: $0.failed) }
    }

    private func reportDrops() {
        let newlyDropped = state.withLock { state -> Int in
            defer { state.droppedReported = state.dropped }
            return state.dropped - state.droppedReported
        }
        if newlyDropped > 0 {
            logger.warning(
                "ATOF event log \(path): \(newlyDropped) events dropped because the queue (\(capacity) events) was full or the log was shut down"
            )
        }
    }

    // MARK: - Writer thread

    private func run() {
        while true {
            let (batch, flushTarget, flushWanted, stopping) = state.withLock(
                when: { !$0.held && (!$0.queue.isEmpty || $0.flushRequested > $0.flushCompleted || $0.stopping) },
                before: nil
            ) { state, _ -> ([Event], Int, Bool, Bool) in
                var batch: [Event] = []
                swap(&batch, &state.queue)
                return (batch, state.flushRequested, state.flushRequested > state.flushCompleted, state.stopping)
            }
            var written = 0
            var failed = 0
            for event in batch {
                write(event, written: &written, failed: &failed)
            }
            flushBuffer(written: &written, failed: &failed)
            let drained = state.withLock { $0.queue.isEmpty }
            if flushWanted || (stopping && drained) {
                sync()
            }
            if stopping && drained {
                writer = nil  // closes the file
            }
            state.withLock { state in
                state.written += written
                state.failed += failed
                state.flushCompleted = max(state.flushCompleted, flushTarget)
                if stopping && drained { state.stopped = true }
            }
            state.broadcast()
            if stopping && drained { return }
        }
    }

    private func write(_ event: Event, written: inout Int, failed: inout Int) {
        guard let writer else {
            failed += 1
            return
        }
        do {
            try writer.writeLine(event.jsonLine.utf8)
            buffered += 1
        } catch {
            failed += 1
            noteFailure(error)
        }
        if buffered >= Self.linesPerWrite { flushBuffer(written: &written, failed: &failed) }
    }

    private func flushBuffer(written: inout Int, failed: inout Int) {
        guard buffered > 0, let writer else { return }
        do {
            try writer.flush()
            written += buffered
        } catch {
            failed += buffered
            noteFailure(error)
        }
        buffered = 0
    }

    private func sync() {
        do {
            try writer?.sync()
        } catch {
            noteFailure(error)
        }
    }

    private func noteFailure(_ error: InputError) {
        guard !loggedFailure else { return }
        loggedFailure = true
        logger.error("ATOF event log \(error.description); later failures are counted, not logged")
    }
}
