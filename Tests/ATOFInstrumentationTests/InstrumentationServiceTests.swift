import ATOF
import ATOFBridge
import ATOFServiceLifecycle
import ServiceLifecycle
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("ATOFInstrumentationService in a ServiceGroup")
    struct InstrumentationServiceTests {
        typealias H = Harness

        /// Runs `runs` agents (an agent scope around a tool call), says so on `done`, then
        /// `whileWaiting` until graceful shutdown or cancellation.
        struct AgentWorker: Service {
            let runs: Int
            let done: AsyncStream<Void>.Continuation
            let scopeWhileWaiting: Bool

            func run() async throws {
                for index in 0..<runs {
                    try await withAgentScope("agent-\(index)") {
                        _ = try await withToolCall(name: "lookup", callID: "call-\(index)", arguments: ["index": 1]) {
                            try await Task.sleep(for: .milliseconds(1))
                            return ["ok": true] as JSONValue
                        }
                    }
                }
                done.yield()
                if scopeWhileWaiting {
                    await withAgentScope("waiting") { try? await gracefulShutdown() }
                } else {
                    try? await gracefulShutdown()
                }
            }
        }

        @Test("on graceful shutdown the producers stop first, then every span they emitted is exported and the subscribers are shut down")
        func gracefulShutdownExportsEverything() async throws {
            H.reset()
            defer { H.reset() }
            let (bridge, exporter) = H.bridge()
            let path = H.temporaryPath("run.atof.jsonl")
            let service = try ATOFInstrumentationService(.bridge(bridge), .jsonLines(path: path), shutdownTimeout: .seconds(10))
            let (done, signalDone) = AsyncStream<Void>.makeStream()
            let worker = AgentWorker(runs: 5, done: signalDone, scopeWhileWaiting: true)
            let group = ServiceGroup(services: [service, worker], logger: .init(label: "instrumentation-service-tests"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for await _ in done { break }
                #expect(ATOFInstrumentation.isActive)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(!ATOFInstrumentation.isActive)
            #expect(exporter.spans.count == 11)
            #expect(exporter.span("waiting") != nil)
            #expect(bridge.statistics.unendedScopes == 0)
            #expect(bridge.statistics.spansQueued == 0)
            #expect(try SubscriberTests.readLines(path).count == 22)
        }

        @Test("cancelling the group's task also shuts the subscribers down and exports every span emitted")
        func cancellation() async throws {
            H.reset()
            defer { H.reset() }
            let (bridge, exporter) = H.bridge()
            let service = try ATOFInstrumentationService(.bridge(bridge))
            let (done, signalDone) = AsyncStream<Void>.makeStream()
            let worker = AgentWorker(runs: 4, done: signalDone, scopeWhileWaiting: false)
            let group = ServiceGroup(services: [service, worker], logger: .init(label: "instrumentation-service-tests"))
            let run = Task { try await group.run() }
            for await _ in done { break }
            run.cancel()
            _ = await run.result
            #expect(!ATOFInstrumentation.isActive)
            #expect(exporter.spans.count == 8)
            #expect(bridge.statistics.spansQueued == 0)
        }

        @Test("creating the service bootstraps the subscribers, once per process")
        func bootstrapsOnce() throws {
            H.reset()
            defer { H.reset() }
            let log = EventLog()
            _ = try ATOFInstrumentationService(.closure { log.append($0) })
            #expect(ATOFInstrumentation.isActive)
            #expect(throws: ATOFInstrumentationError.alreadyBootstrapped) { try ATOFInstrumentationService(.closure { _ in }) }
        }
    }
}
