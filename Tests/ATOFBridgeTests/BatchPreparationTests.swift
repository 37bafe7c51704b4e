import ATOFThreads
import Glibc
import Testing

@testable import ATOFBridge

/// An exporter double that prepares: records the thread of each call and checks that sending
/// never overlaps and takes the body its own `prepare` made.
final class PreparingRecorder: BatchPreparingExporter {
    private struct State {
        var sent: [[OTLP.Span]] = []
        var prepareThreads: Set<UInt> = []
        var sendThreads: Set<UInt> = []
        var plainExports = 0
        var foreignBodies = 0
        var active = 0
        var overlapped = false
    }

    private let state = ConditionLock(State())

    var sentSpans: [OTLP.Span] { state.withLock { $0.sent.flatMap { $0 } } }
    var prepareThreads: Set<UInt> { state.withLock { $0.prepareThreads } }
    var sendThreads: Set<UInt> { state.withLock { $0.sendThreads } }
    var plainExports: Int { state.withLock { $0.plainExports } }
    var foreignBodies: Int { state.withLock { $0.foreignBodies } }
    var overlapped: Bool { state.withLock { $0.overlapped } }

    private static func body(of batch: OTLP.SpanBatch) -> [UInt8] {
        Array(batch.spans.map(\.name).joined(separator: "\n").utf8)
    }

    func prepare(_ batch: OTLP.SpanBatch) -> PreparedExport {
        state.withLock { _ = $0.prepareThreads.insert(UInt(bitPattern: Int(pthread_self()))) }
        return PreparedExport(batch: batch, body: Self.body(of: batch))
    }

    func export(prepared: PreparedExport) -> ExportResult {
        state.withLock { state in
            if state.active > 0 { state.overlapped = true }
            state.active += 1
            state.sendThreads.insert(UInt(bitPattern: Int(pthread_self())))
            if prepared.body != Self.body(of: prepared.batch) { state.foreignBodies += 1 }
            state.sent.append(prepared.batch.spans)
            state.active -= 1
        }
        return .delivered(prepared.batch.spans.count)
    }

    func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        state.withLock { state in
            state.plainExports += 1
            state.sent.append(batch.spans)
        }
        return .delivered(batch.spans.count)
    }

    func shutdown() {}
}

@Suite("Batch preparation on worker threads")
struct BatchPreparationTests {
    typealias Support = ExportTestSupport

    private func processor(_ exporter: any SpanExporter, batch: Int, workers: Int, spill: JSONLinesExporter? = nil) -> BatchSpanProcessor {
        BatchSpanProcessor(
            exporter: exporter, resource: OTLP.Resource(), scope: .atofBridge,
            configuration: BatchConfiguration(maximumQueueSize: 100_000, maximumExportBatchSize: batch, scheduleDelay: .seconds(60)),
            overflowPolicy: .block, spillFile: spill, mapper: SpanMapper(), workerThreads: workers, logger: CapturedLogs().logger())
    }

    @Test("with several workers, batches are sent one at a time in the order their spans were queued")
    func batchesKeepTheQueueOrder() {
        let exporter = PreparingRecorder()
        let processor = processor(exporter, batch: 7, workers: 4)
        let spans = Support.spans(count: 2_000)
        for start in stride(from: 0, to: spans.count, by: 50) { processor.enqueue(spans[start..<min(start + 50, spans.count)]) }
        #expect(processor.shutdown(timeout: .seconds(30)))
        #expect(exporter.sentSpans.map(\.spanID) == spans.map(\.spanID))
        #expect(!exporter.overlapped)
        #expect(processor.counters.exported == 2_000 && processor.counters.queued == 0)
    }

    @Test("a preparing exporter encodes on a worker thread and sends what it prepared on the export thread")
    func encodingLeavesTheSendingThread() {
        let exporter = PreparingRecorder()
        let processor = processor(exporter, batch: 10, workers: 1)
        processor.enqueue(Support.spans(count: 100))
        #expect(processor.shutdown(timeout: .seconds(30)))
        #expect(exporter.sentSpans.count == 100)
        #expect(exporter.plainExports == 0)
        #expect(exporter.foreignBodies == 0)
        #expect(exporter.sendThreads.count == 1)
        #expect(!exporter.prepareThreads.isEmpty && exporter.prepareThreads.isDisjoint(with: exporter.sendThreads))
    }

    @Test("with no worker thread, the thread that takes a batch prepares it, in the order submitted")
    func noWorkerPreparesInline() {
        let pool = BatchPreparationPool(threads: 0) { pending in
            BatchPreparationPool.Prepared(batch: OTLP.SpanBatch(resource: OTLP.Resource(), spans: pending.map { $0.span(SpanMapper()) }))
        }
        #expect(pool.threadCount == 0)
        let spans = Support.spans(count: 6)
        let first = pool.submit(spans[0..<3].map(PendingSpan.span))
        let second = pool.submit(spans[3...].map(PendingSpan.span))
        #expect(pool.take(first).batch.spans.map(\.spanID) == spans[0..<3].map(\.spanID))
        #expect(pool.take(second).batch.spans.map(\.spanID) == spans[3...].map(\.spanID))
    }

    @Test("the pool has one worker per core the producer leaves free, at least one")
    func poolSize() {
        #expect(BatchPreparationPool.threadCount(cores: 1) == 1)
        #expect(BatchPreparationPool.threadCount(cores: 2) == 1)
        #expect(BatchPreparationPool.threadCount(cores: 3) == 2)
        #expect(BatchPreparationPool.threadCount(cores: 64) == 4)
    }

    @Test("abandoning the network sends prepared batches to the fallback file, each span counted once")
    func abandonedPreparedBatchesGoToTheFile() {
        let path = Support.temporaryPath("abandoned.jsonl")
        defer { unlink(path) }
        let file = JSONLinesExporter(path: path, logger: CapturedLogs().logger())
        let exporter = PreparingRecorder()
        let processor = processor(exporter, batch: 10, workers: 2, spill: file)
        processor.abandonNetwork()
        processor.enqueue(Support.spans(count: 95))
        #expect(processor.shutdown(timeout: .seconds(30)))
        let counters = processor.counters
        #expect(exporter.sentSpans.isEmpty)
        #expect(counters.writtenToFallback == 95 && counters.exported == 0 && counters.queued == 0 && counters.dropped == 0)
    }
}
