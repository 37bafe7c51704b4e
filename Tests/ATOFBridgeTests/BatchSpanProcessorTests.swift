import ATOF
import ATOFThreads
import Glibc
import Synchronization
import Testing

@testable import ATOFBridge

/// An exporter double: records batches, can be held (to fill the queue) and checks that exports
/// never overlap.
final class RecordingExporter: SpanExporter {
    private struct State {
        var batches: [[OTLP.Span]] = []
        var active = 0
        var overlapped = false
        var held = false
        var flushes = 0
        var shutdowns = 0
    }

    private let state = ConditionLock(State())

    var batches: [[OTLP.Span]] { state.withLock { $0.batches } }
    var exportedSpans: [OTLP.Span] { batches.flatMap { $0 } }
    var overlapped: Bool { state.withLock { $0.overlapped } }
    var flushes: Int { state.withLock { $0.flushes } }
    var shutdowns: Int { state.withLock { $0.shutdowns } }

    /// While held, exports wait (the processor's queue fills up).
    func hold(_ held: Bool) {
        state.withLock { $0.held = held }
        state.broadcast()
    }

    /// Waits until `count` spans were exported (at most `seconds`).
    func waitForSpans(_ count: Int, seconds: Double = 5) -> Bool {
        state.withLock(when: { $0.batches.reduce(0) { $0 + $1.count } >= count }, before: .after(.milliseconds(Int64(seconds * 1000)))) {
            _, done in done
        }
    }

    func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        state.withLock { state in
            if state.active > 0 { state.overlapped = true }
            state.active += 1
        }
        state.withLock(when: { !$0.held }, before: .after(.seconds(10))) { _, _ in }
        state.withLock { state in
            state.batches.append(batch.spans)
            state.active -= 1
        }
        state.broadcast()
        return .delivered(batch.spans.count)
    }

    func forceFlush() { state.withLock { $0.flushes += 1 } }
    func shutdown() { state.withLock { $0.shutdowns += 1 } }
}

@Suite("Batch span processor")
struct BatchSpanProcessorTests {
    typealias Support = ExportTestSupport

    private func processor(
        _ exporter: any SpanExporter,
        queue: Int = 2048,
        batch: Int = 4,
        delay: Duration = .seconds(60),
        policy: OverflowPolicy = .spill,
        spill: JSONLinesExporter? = nil
    ) -> BatchSpanProcessor {
        BatchSpanProcessor(
            exporter: exporter,
            resource: OTLP.Resource(),
            configuration: BatchConfiguration(maximumQueueSize: queue, maximumExportBatchSize: batch, scheduleDelay: delay),
            overflowPolicy: policy,
            spillFile: spill,
            logger: CapturedLogs().logger())
    }

    @Test("full batches are exported as soon as they are ready, without waiting for the schedule delay")
    func fullBatchesGoAtOnce() {
        let exporter = RecordingExporter()
        let processor = processor(exporter, batch: 4, delay: .seconds(60))
        defer { processor.shutdown() }
        processor.enqueue(Support.spans(count: 12))
        #expect(exporter.waitForSpans(12, seconds: 5))
        #expect(exporter.batches.map(\.count) == [4, 4, 4])
    }

    @Test("a partial batch goes after the schedule delay")
    func partialBatchAfterDelay() {
        let exporter = RecordingExporter()
        let processor = processor(exporter, batch: 100, delay: .milliseconds(100))
        defer { processor.shutdown() }
        processor.enqueue(Support.spans(count: 3))
        #expect(exporter.waitForSpans(3, seconds: 5))
    }

    @Test("exports never overlap, with several producers")
    func exportsAreSerial() async {
        let exporter = RecordingExporter()
        let processor = processor(exporter, batch: 8)
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<4 {
                group.addTask { processor.enqueue(Support.spans(count: 200, first: producer * 1000)) }
            }
        }
        processor.shutdown()
        #expect(exporter.exportedSpans.count == 800)
        #expect(!exporter.overlapped)
    }

    @Test("forceFlush drains a partial batch and flushes the exporter")
    func forceFlushDrains() {
        let exporter = RecordingExporter()
        let processor = processor(exporter, batch: 100)
        defer { processor.shutdown() }
        processor.enqueue(Support.spans(count: 5))
        #expect(processor.forceFlush(timeout: .seconds(5)))
        #expect(exporter.exportedSpans.count == 5)
        #expect(exporter.flushes == 1)
        #expect(processor.counters.exported == 5 && processor.counters.queued == 0)
    }

    @Test("shutdown drains, shuts the exporter down once, is safe to call twice and ignores later spans (counted)")
    func shutdownTwice() {
        let exporter = RecordingExporter()
        let processor = processor(exporter, batch: 100)
        processor.enqueue(Support.spans(count: 7))
        #expect(processor.shutdown(timeout: .seconds(5)))
        #expect(processor.shutdown(timeout: .seconds(1)))
        processor.enqueue(Support.spans(count: 2, first: 100))
        #expect(exporter.exportedSpans.count == 7)
        #expect(exporter.shutdowns == 1)
        #expect(processor.counters.dropped == 2)
    }

    @Test("spill: with the queue full, spans go to the fallback file, none is dropped, memory stays bounded")
    func spillWhenFull() throws {
        let path = Support.temporaryPath("spill.jsonl")
        defer { unlink(path) }
        let exporter = RecordingExporter()
        exporter.hold(true)
        let spill = JSONLinesExporter(path: path)
        let processor = processor(exporter, queue: 16, batch: 4, policy: .spill, spill: spill)
        let spans = Support.spans(count: 200)
        processor.enqueue(spans)
        let during = processor.counters
        let taken = BatchPreparationPool.threadCount(cores: OfflineConversion.workerCount) + 1
        #expect(
            during.queued <= 16 + (taken + 1) * 4,
            "the queue, the batches taken for the workers and the exporter, and a partial spill batch")
        #expect(during.spilled > 150)
        exporter.hold(false)
        processor.shutdown(timeout: .seconds(5))
        let counters = processor.counters
        #expect(counters.dropped == 0)
        #expect(counters.exported + counters.writtenToFallback == 200)
        #expect(counters.spilled == counters.writtenToFallback)
        let inFile = try FallbackFile.spanIDs(path)
        let delivered = exporter.exportedSpans.map(\.spanID)
        #expect(Set(inFile + delivered) == Set(spans.map(\.spanID)))
        #expect(inFile.count + delivered.count == 200)
    }

    @Test("drop: with the queue full, spans are dropped and counted")
    func dropWhenFull() {
        let exporter = RecordingExporter()
        exporter.hold(true)
        let processor = processor(exporter, queue: 8, batch: 4, policy: .drop)
        processor.enqueue(Support.spans(count: 50))
        exporter.hold(false)
        processor.shutdown(timeout: .seconds(5))
        let counters = processor.counters
        #expect(counters.dropped > 0)
        #expect(counters.exported + counters.dropped == 50)
    }

    @Test("block: the producer waits for room and every span is exported")
    func blockWhenFull() async {
        let exporter = RecordingExporter()
        let processor = processor(exporter, queue: 8, batch: 4, policy: .block)
        processor.enqueue(Support.spans(count: 500))
        processor.shutdown(timeout: .seconds(5))
        #expect(exporter.exportedSpans.count == 500)
        #expect(processor.counters.dropped == 0 && processor.counters.writtenToFallback == 0)
    }
}

/// An exporter double for a hung collector: every export waits until ``cancel()``.
final class HungExporter: SpanExporter {
    private let cancelled = ConditionLock(false)
    private let started = Atomic<Int>(0)

    var exportsStarted: Int { started.load(ordering: .relaxed) }

    func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        started.add(1, ordering: .relaxed)
        cancelled.withLock(when: { $0 }, before: .after(.seconds(60))) { _, _ in }
        return .failed(batch, .shutDown)
    }

    func cancel() {
        cancelled.withLock { $0 = true }
        cancelled.broadcast()
    }

    func shutdown() {}
}

@Suite("Batch span processor when the run must stop")
struct BatchSpanProcessorStoppingTests {
    typealias Support = ExportTestSupport

    private func processor(_ exporter: any SpanExporter, spill: JSONLinesExporter, policy: OverflowPolicy = .block) -> BatchSpanProcessor {
        BatchSpanProcessor(
            exporter: FallbackExporter(primary: exporter, fallback: spill, logger: CapturedLogs().logger()),
            resource: OTLP.Resource(),
            configuration: BatchConfiguration(maximumQueueSize: 8, maximumExportBatchSize: 4, scheduleDelay: .seconds(60)),
            overflowPolicy: policy,
            spillFile: spill,
            logger: CapturedLogs().logger())
    }

    @Test("stopWaiting releases a producer blocked on a full queue, and what does not fit goes to the fallback file")
    func stopWaitingReleasesTheProducer() throws {
        let path = Support.temporaryPath("stop-waiting.jsonl")
        defer { unlink(path) }
        let exporter = RecordingExporter()
        exporter.hold(true)
        let processor = processor(exporter, spill: JSONLinesExporter(path: path))
        let done = ConditionLock(false)
        WorkerThread.start {
            processor.enqueue(Support.spans(count: 100))
            done.withLock { $0 = true }
            done.broadcast()
        }
        let blocked = !done.withLock(when: { $0 }, before: .after(.milliseconds(300))) { _, finished in finished }
        #expect(blocked, "block makes the producer wait while the exporter is held")
        processor.stopWaiting()
        let released = done.withLock(when: { $0 }, before: .after(.seconds(10))) { _, finished in finished }
        #expect(released)
        exporter.hold(false)
        #expect(processor.shutdown(timeout: .seconds(5)))
        let counters = processor.counters
        #expect(counters.exported + counters.writtenToFallback == 100)
        #expect(counters.writtenToFallback > 0 && counters.dropped == 0 && counters.failed == 0 && counters.queued == 0)
        #expect(try FallbackFile.spanIDs(path).count == counters.writtenToFallback)
    }

    @Test("shutdown against a hung exporter returns after the timeout with every span in the fallback file")
    func shutdownIsBoundedByItsTimeout() throws {
        let path = Support.temporaryPath("hung.jsonl")
        defer { unlink(path) }
        let hung = HungExporter()
        let processor = processor(hung, spill: JSONLinesExporter(path: path), policy: .spill)
        processor.enqueue(Support.spans(count: 30))
        #expect(!processor.shutdown(timeout: .milliseconds(300)), "the drain cannot finish: the exporter hangs")
        let counters = processor.counters
        #expect(hung.exportsStarted >= 1)
        #expect(counters.writtenToFallback == 30 && counters.exported == 0 && counters.queued == 0 && counters.failed == 0)
        #expect(try FallbackFile.spanIDs(path).count == 30)
    }

    @Test("abandonNetwork cancels the export in progress and sends everything queued to the fallback file")
    func abandonNetworkWritesTheQueue() throws {
        let path = Support.temporaryPath("abandon.jsonl")
        defer { unlink(path) }
        let hung = HungExporter()
        let processor = processor(hung, spill: JSONLinesExporter(path: path), policy: .spill)
        processor.enqueue(Support.spans(count: 8))
        processor.abandonNetwork()
        #expect(processor.shutdown(timeout: .seconds(5)))
        #expect(processor.counters.writtenToFallback == 8 && processor.counters.queued == 0)
    }

    @Test("spans handed over while shutdown drains go to the fallback file, not lost")
    func lateSpansGoToTheFile() throws {
        let path = Support.temporaryPath("late.jsonl")
        defer { unlink(path) }
        let exporter = RecordingExporter()
        exporter.hold(true)
        let processor = processor(exporter, spill: JSONLinesExporter(path: path), policy: .spill)
        processor.enqueue(Support.spans(count: 4))
        let finished = ConditionLock(false)
        WorkerThread.start {
            processor.shutdown(timeout: .seconds(10))
            finished.withLock { $0 = true }
            finished.broadcast()
        }
        // The shutdown is under way (the exporter is held): late spans arrive.
        _ = finished.withLock(when: { $0 }, before: .after(.milliseconds(200))) { _, _ in }
        processor.enqueue(Support.spans(count: 3, first: 50))
        exporter.hold(false)
        #expect(finished.withLock(when: { $0 }, before: .after(.seconds(10))) { _, done in done })
        #expect(processor.counters.exported == 4 && processor.counters.writtenToFallback == 3 && processor.counters.dropped == 0)
    }
}

/// Reading a fallback file back in the tests.
enum FallbackFile {
    static func spanIDs(_ path: String) throws -> [OTLP.SpanID] {
        try batches(path).flatMap { $0.spans.map(\.spanID) }
    }

    static func batches(_ path: String) throws -> [OTLP.SpanBatch] {
        var batches: [OTLP.SpanBatch] = []
        let reader = try JSONLReader(path: path)
        try reader.forEachLine { line in
            batches += try OTLPJSONDecoder().decode(line.bytes).batches
        }
        return batches
    }

    /// The file's permission bits.
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }
}
