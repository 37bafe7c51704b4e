import ATOF
import Testing

@testable import ATOFBridge

/// What the Bridge does with its input lines before pairing: a byte order mark on the first line,
/// and the per-scope mark bound of its live assembler.
@Suite struct BridgeInputTests {
    static let start =
        #"{"kind":"scope","atof_version":"0.1","uuid":"0190a000-0000-7000-8000-000000000001","timestamp":"2026-01-01T00:00:00Z","name":"planner","scope_category":"start","category":"agent"}"#
    static let end =
        #"{"kind":"scope","atof_version":"0.1","uuid":"0190a000-0000-7000-8000-000000000001","timestamp":"2026-01-01T00:00:09Z","name":"planner","scope_category":"end","category":"agent"}"#

    static func bridge(_ configure: (inout Bridge.Configuration) -> Void = { _ in }) -> (Bridge, RecordingExporter) {
        var configuration = ExportTestSupport.configuration(url: "http://127.0.0.1:9/v1/traces")
        configure(&configuration)
        let exporter = RecordingExporter()
        return (Bridge(configuration: configuration, exporter: exporter, logger: CapturedLogs().logger()), exporter)
    }

    @Test("a byte order mark before the first line is skipped; before a later line it makes a bad line")
    func byteOrderMarkOnTheFirstLineOnly() {
        let (bridge, _) = Self.bridge()
        #expect(bridge.receive(jsonLine: ByteOrderMark.utf8 + Array(Self.start.utf8)))
        #expect(!bridge.receive(jsonLine: ByteOrderMark.utf8 + Array(Self.end.utf8)))
        #expect(bridge.shutdown(timeout: .seconds(5)).badLines == 1)
    }

    @Test("a byte order mark on line 1 is skipped when line numbers are given")
    func byteOrderMarkOnLineOne() {
        let (bridge, _) = Self.bridge()
        #expect(bridge.receive(jsonLine: ByteOrderMark.utf8 + Array(Self.start.utf8), line: 1))
        #expect(!bridge.receive(jsonLine: ByteOrderMark.utf8 + Array(Self.end.utf8), line: 2))
        bridge.shutdown(timeout: .seconds(5))
    }

    @Test("pairing diagnostics name the input the lines came from, not a placeholder")
    func diagnosticsNameTheInput() {
        let logs = CapturedLogs()
        var configuration = ExportTestSupport.configuration(url: "http://127.0.0.1:9/v1/traces")
        configuration.fallbackPath = nil
        let bridge = Bridge(configuration: configuration, exporter: RecordingExporter(), logger: logs.logger())
        bridge.receive(jsonLine: Array(Self.start.utf8), line: 7, source: "run.jsonl")
        bridge.shutdown(timeout: .seconds(5))
        #expect(logs.all.contains { $0.contains("run.jsonl:7") && $0.contains("never ended") })
        #expect(!logs.all.contains { $0.contains("<live>") })
    }

    @Test("the live assembler holds as many marks per scope as the mapping's event cap, and counts the rest")
    func markBoundFollowsTheEventCap() throws {
        let (bridge, exporter) = Self.bridge { $0.mapping.maximumEventsPerSpan = 200 }
        bridge.receive(jsonLine: Self.start, line: 1)
        for index in 0..<300 {
            let mark =
                #"{"kind":"mark","atof_version":"0.1","uuid":"m-\#(index)","parent_uuid":"0190a000-0000-7000-8000-000000000001","timestamp":"2026-01-01T00:00:01Z","name":"llm.chunk"}"#
            #expect(bridge.receive(jsonLine: mark, line: index + 2))
        }
        bridge.receive(jsonLine: Self.end, line: 302)
        bridge.shutdown(timeout: .seconds(5))
        let span = try #require(exporter.exportedSpans.first)
        #expect(span.events.count == 200)
        #expect(span.droppedEventsCount == 100)
        #expect(span[attribute: "atof.chunk_count"] == .int(300))
    }
}
