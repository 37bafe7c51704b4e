import ATOF
import ATOFThreads
import Glibc
import Testing

@testable import ATOFBridge

@Suite("Fallback file and the Bridge end to end against the local server")
struct FallbackAndBridgeTests {
    typealias Support = ExportTestSupport

    @Test("the JSON-lines exporter writes owner-only OTLP/JSON lines that decode to the same spans")
    func jsonLinesFile() throws {
        let path = Support.temporaryPath("spans.jsonl")
        defer { unlink(path) }
        let exporter = JSONLinesExporter(path: path)
        let batch = Support.batch(count: 9)
        #expect(exporter.export(batch).delivered == 9)
        exporter.shutdown()
        exporter.shutdown()
        #expect(FallbackFile.mode(path) == 0o600)
        #expect(try FallbackFile.batches(path) == [batch])
        #expect(exporter.export(batch).failure == .shutDown)
    }

    @Test("a line that would pass 1 MiB is split over several lines")
    func longLinesSplit() throws {
        let path = Support.temporaryPath("big.jsonl")
        defer { unlink(path) }
        var batch = Support.batch(count: 8)
        for index in batch.spans.indices {
            batch.spans[index].attributes.append(OTLP.Attribute("output.value", .string(String(repeating: "x", count: 300_000))))
        }
        let exporter = JSONLinesExporter(path: path)
        #expect(exporter.export(batch).delivered == 8)
        exporter.shutdown()
        let lines = try FallbackFile.batches(path)
        #expect(lines.count > 1)
        #expect(lines.flatMap(\.spans) == batch.spans)
    }

    @Test("with the collector never answering, every span lands in the fallback file, and replaying it delivers all")
    func neverRecoversThenReplay() throws {
        let path = Support.temporaryPath("fallback.jsonl")
        defer { unlink(path) }
        let down = try TestOTLPServer(script: [.status(503)])
        defer { down.stop() }
        var configuration = Support.configuration(url: down.url)
        configuration.exporter.exportTimeout = .milliseconds(300)
        configuration.batch.maximumExportBatchSize = 16
        configuration.fallbackPath = path
        let bridge = try Bridge(configuration: configuration, logger: CapturedLogs().logger())
        let lines = try Self.fixtureLines("nemo-relay-scopes-tools-marks.jsonl") + Self.fixtureLines("nemo-relay-llm-calls.jsonl")
        for (number, line) in lines.enumerated() { bridge.receive(jsonLine: line, line: number + 1) }
        let statistics = bridge.shutdown(timeout: .seconds(10))
        #expect(statistics.spansProduced > 0)
        #expect(statistics.spansInFallback == statistics.spansProduced)
        #expect(statistics.spansExported == 0 && statistics.spansDropped == 0 && statistics.spansFailed == 0)
        #expect(FallbackFile.mode(path) == 0o600)

        let up = try TestOTLPServer(script: [.ok])
        defer { up.stop() }
        let replay = try OTLPHTTPExporter(configuration: Support.configuration(url: up.url).exporter)
        var delivered = 0
        for batch in try FallbackFile.batches(path) { delivered += replay.export(batch).delivered }
        #expect(delivered == statistics.spansProduced)
        #expect(Set(up.receivedSpanIDs).count == statistics.spansProduced)
    }

    @Test("a collector that recovers after 503s gets every span exactly once, and the live spans equal the offline conversion")
    func recoversExactlyOnce() throws {
        let server = try TestOTLPServer(script: [.status(503), .status(503), .ok])
        defer { server.stop() }
        var configuration = Support.configuration(url: server.url)
        configuration.fallbackPath = Support.temporaryPath("unused.jsonl")
        let bridge = try Bridge(configuration: configuration, logger: CapturedLogs().logger())
        let name = "nemo-relay-scopes-tools-marks.jsonl"
        for (number, line) in try Self.fixtureLines(name).enumerated() { bridge.receive(jsonLine: line, line: number + 1) }
        let statistics = bridge.shutdown(timeout: .seconds(10))
        let offline = try OfflineConversion(path: Self.fixturePath(name), mapper: SpanMapper(options: configuration.mapping))
        #expect(statistics.spansExported == offline.spans.count)
        #expect(statistics.retries == 2 && statistics.spansInFallback == 0)
        #expect(
            server.receivedSpanIDs.sorted { $0.lexicographicallyPrecedes($1) }
                == offline.spans.map(\.spanID.bytes).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(access(configuration.fallbackPath ?? "", F_OK) != 0, "no fallback file when nothing failed")
    }

    @Test("bad lines are counted and skipped; the good lines around them are exported")
    func badLinesCounted() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let logs = CapturedLogs()
        let bridge = try Bridge(configuration: Support.configuration(url: server.url), logger: logs.logger())
        let lines = try Self.fixtureLines("nemo-relay-llm-calls.jsonl")
        bridge.receive(jsonLine: "{not json", line: 1)
        for (number, line) in lines.enumerated() { bridge.receive(jsonLine: line, line: number + 2) }
        let statistics = bridge.shutdown(timeout: .seconds(10))
        #expect(statistics.badLines == 1)
        #expect(statistics.eventsReceived == lines.count)
        #expect(statistics.spansExported == statistics.spansProduced && statistics.spansProduced > 0)
        #expect(logs.all.contains { $0.contains(":1: error:") })
    }

    @Test("shutdown exports scopes that never ended as unended spans")
    func unendedAtShutdown() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let bridge = try Bridge(configuration: Support.configuration(url: server.url), logger: CapturedLogs().logger())
        let start =
            #"{"kind":"scope","atof_version":"0.1","uuid":"0190a000-0000-7000-8000-000000000001","timestamp":"2026-01-01T00:00:00Z","name":"planner","scope_category":"start","category":"agent"}"#
        #expect(bridge.receive(jsonLine: start))
        #expect(bridge.forceFlush(timeout: .seconds(5)).spansExported == 0)
        let statistics = bridge.shutdown(timeout: .seconds(5))
        #expect(statistics.unendedScopes == 1 && statistics.spansExported == 1)
        #expect(server.requests.last?.spans?.names == ["planner"])
    }

    @Test("shutdown is bounded: a hanging collector is cancelled and the spans go to the fallback file")
    func shutdownIsBounded() throws {
        let path = Support.temporaryPath("bounded.jsonl")
        defer { unlink(path) }
        let server = try TestOTLPServer(script: [.delay(seconds: 8, then: .ok)])
        defer { server.stop() }
        var configuration = Support.configuration(url: server.url)
        configuration.exporter.timeout = .seconds(20)
        configuration.exporter.exportTimeout = .seconds(20)
        configuration.fallbackPath = path
        let bridge = try Bridge(configuration: configuration, logger: CapturedLogs().logger())
        for (number, line) in try Self.fixtureLines("nemo-relay-llm-calls.jsonl").enumerated() {
            bridge.receive(jsonLine: line, line: number + 1)
        }
        let started = MonotonicInstant.now()
        let statistics = bridge.shutdown(timeout: .milliseconds(500))
        let took = Double(MonotonicInstant.now().nanoseconds - started.nanoseconds) / 1e9
        #expect(took < 3)
        #expect(statistics.spansInFallback == statistics.spansProduced && statistics.spansProduced > 0)
        #expect(try FallbackFile.spanIDs(path).count == statistics.spansProduced)
    }

    @Test("OTEL_SDK_DISABLED makes the bridge a counting no-op")
    func disabled() throws {
        var configuration = Support.configuration(url: "http://127.0.0.1:9/v1/traces")
        configuration.isDisabled = true
        let bridge = try Bridge(configuration: configuration, logger: CapturedLogs().logger())
        for line in try Self.fixtureLines("nemo-relay-llm-calls.jsonl") { bridge.receive(jsonLine: line) }
        let statistics = bridge.shutdown()
        #expect(statistics.eventsReceived > 0 && statistics.spansProduced == 0 && statistics.spansExported == 0)
    }

    // MARK: - Fixtures

    static func fixturePath(_ name: String) -> String {
        let testsDirectory = #filePath.split(separator: "/").dropLast(2).joined(separator: "/")
        return "/\(testsDirectory)/Fixtures/\(name)"
    }

    static func fixtureLines(_ name: String) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        let reader = try JSONLReader(path: fixturePath(name))
        try reader.forEachLine { lines.append(Array($0.bytes)) }
        return lines
    }
}
