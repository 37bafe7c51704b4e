import ATOF
import ATOFThreads
import Glibc
import Testing

@testable import ATOFBridge

@Suite("Bridge: long-open starts compacted off the producer's thread")
struct BridgeCompactionTests {
    typealias E = TestEvents

    private func makeBridge(_ exporter: RecordingExporter) -> Bridge {
        Bridge(
            configuration: ExportTestSupport.configuration(url: "http://127.0.0.1:9/v1/traces"), exporter: exporter,
            logger: CapturedLogs().logger())
    }

    private let root = E.start(
        "0b1c2d3e-4f50-4a61-8b72-8c9daebfc0d1", at: 0, name: "planner", category: "agent",
        metadata: ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], data: ["question": "what is open?"])

    private func rootSpan(_ exporter: RecordingExporter) -> OTLP.Span? {
        exporter.exportedSpans.first { $0.name == "planner" }
    }

    @Test("the compactor thread stores a long-open start compactly and the span is the same as without it")
    func compactedRootGivesTheSameSpan() {
        let churned = RecordingExporter()
        let bridge = makeBridge(churned)
        bridge.receive(root)
        let children = LiveSpanAssembler.compactionDistance + StartCompactor.groupSize + 16
        for index in 0..<children {
            let uuid = "child-\(index)"
            bridge.receive(E.start(uuid, parent: root.uuid, at: 1 + Double(index) / 1_000))
            bridge.receive(E.end(uuid, parent: root.uuid, at: 1.0005 + Double(index) / 1_000))
        }
        // The compactor works in the background: wait (bounded) until it gave the start back.
        let deadline = MonotonicInstant.after(.seconds(10))
        while bridge.compactStartCount == 0, !deadline.hasPassed { usleep(1_000) }
        #expect(bridge.compactStartCount == 1)
        bridge.receive(E.end(root.uuid, at: 100, name: "planner", category: "agent"))
        bridge.shutdown()

        let plain = RecordingExporter()
        let reference = makeBridge(plain)
        reference.receive(root)
        reference.receive(E.end(root.uuid, at: 100, name: "planner", category: "agent"))
        reference.shutdown()

        #expect(churned.exportedSpans.count == children + 1)
        #expect(rootSpan(churned) != nil)
        #expect(rootSpan(churned) == rootSpan(plain))
    }
}
