import ATOF
import ATOFBridge
import ATOFServiceLifecycle
import ServiceLifecycle
import Testing

@Suite("BridgeService in a ServiceGroup")
struct BridgeServiceTests {
    @Test("triggerGracefulShutdown shuts the bridge down and every span emitted before is exported, open scopes as unended spans")
    func gracefulShutdownExportsEverything() async throws {
        let (bridge, exporter) = Harness.recordingBridge()
        let group = ServiceGroup(services: [BridgeService(bridge, logger: Harness.logger)], logger: Harness.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            Harness.emitScopes(into: bridge, count: 40, name: "graceful")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let names = Set(exporter.spans.map(\.name))
        #expect(exporter.spans.count == 41)
        #expect(names.contains("graceful-0") && names.contains("graceful-39"))
        #expect(names.contains("graceful-open"))
        let statistics = bridge.statistics
        #expect(statistics.spansProduced == 41)
        #expect(statistics.spansExported == 41)
        #expect(statistics.spansQueued == 0)
    }

    @Test("with no collector, graceful shutdown leaves every span emitted before it in the fallback file")
    func gracefulShutdownFillsTheFallbackFile() async throws {
        let path = Harness.temporaryPath("fallback.otlp.jsonl")
        let bridge = try Harness.unreachableBridge(fallbackPath: path)
        let group = ServiceGroup(
            services: [BridgeService(bridge, shutdownTimeout: .seconds(5), logger: Harness.logger)], logger: Harness.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            Harness.emitScopes(into: bridge, count: 25, name: "offline")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let spans = try Harness.spansInFile(path)
        #expect(spans.count == 26)
        #expect(Set(spans.map(\.name)).count == 26)
        #expect(bridge.statistics.spansInFallback == 26)
        #expect(bridge.statistics.spansExported == 0)
    }

    @Test("cancelling the group's task also shuts the bridge down: every span is exported or in the fallback file")
    func cancellationShutsDown() async throws {
        let path = Harness.temporaryPath("cancelled.otlp.jsonl")
        let bridge = try Harness.unreachableBridge(fallbackPath: path)
        let group = ServiceGroup(services: [BridgeService(bridge, logger: Harness.logger)], logger: Harness.logger)
        let (started, signalStarted) = AsyncStream<Void>.makeStream()
        let run = Task {
            signalStarted.yield()
            try await group.run()
        }
        for await _ in started { break }
        Harness.emitScopes(into: bridge, count: 30, name: "cancelled")
        run.cancel()
        _ = await run.result
        let statistics = bridge.statistics
        let inFile = try Harness.spansInFile(path)
        #expect(statistics.spansProduced == 31)
        #expect(statistics.spansQueued == 0)
        #expect(statistics.spansExported + inFile.count == 31)
        #expect(Set(inFile.map(\.name)).contains("cancelled-open"))
    }

    @Test("the bridge service keeps the bridge's shutdown timeout unless given one")
    func shutdownTimeoutDefaultsToTheBridges() throws {
        var configuration = Bridge.Configuration()
        configuration.shutdownTimeout = .seconds(7)
        let bridge = Bridge(configuration: configuration, exporter: RecordingExporter())
        #expect(BridgeService(bridge).shutdownTimeout == .seconds(7))
        #expect(BridgeService(bridge, shutdownTimeout: .seconds(2)).shutdownTimeout == .seconds(2))
        bridge.shutdown()
    }
}
