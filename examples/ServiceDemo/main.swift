// ServiceDemo: a server-style app that runs the bridge as swift-service-lifecycle services.
//
// A ServiceGroup runs three services: the Bridge (BridgeService), the instrumentation's
// subscribers (ATOFInstrumentationService) and an agent worker that runs one small agent
// (a planner scope with an LLM call and a tool call) every 100 ms until the group shuts down.
// SIGTERM or SIGINT shuts the group down gracefully, in reverse order: the worker finishes the
// agent run in progress, the subscribers are shut down, then the bridge exports what is left,
// within its shutdown timeout (5 s here, ATOF_BRIDGE_SHUTDOWN_TIMEOUT); what the collector does not
// take in time goes to the fallback file.
// Spans go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); when nothing
// listens they land in out/service-spans.otlp.jsonl (or ATOF_BRIDGE_FALLBACK_PATH).
//
//   swift run ServiceDemo        then Ctrl-C (or: kill -TERM <pid>)

import ATOFBridge
import ATOFInstrumentation
import ATOFServiceLifecycle
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one agent after another until graceful shutdown; an agent run in progress finishes.
final class AgentWorker: Service, CustomStringConvertible {
    /// The agent runs completed (each one is three spans: agent, LLM call, tool call).
    let completedRuns = Atomic<Int>(0)
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var description: String { "AgentWorker" }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let number = completedRuns.load(ordering: .relaxed) + 1
            try await withAgentScope("support-agent", input: .string("ticket \(number)")) {
                let request: JSONValue = ["model": "demo-model-1", "messages": [["role": "user", "content": .string("ticket \(number)")]]]
                _ = try await withLLMCall(model: "demo-model-1", provider: "openai", request: request) {
                    try await Task.sleep(for: .milliseconds(10))
                    return ["choices": [["message": ["role": "assistant", "content": "Looking the order up."]]]] as JSONValue
                }
                _ = try await withToolCall(
                    name: "lookup_order", callID: "call_\(number)", arguments: ["ticket": .number(JSONNumber(Int64(number)))]
                ) {
                    try await Task.sleep(for: .milliseconds(5))
                    return ["status": "shipped"] as JSONValue
                }
            }
            completedRuns.add(1, ordering: .relaxed)
            // Sleep between runs; graceful shutdown ends the sleep early.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(100)) }
        }
        logger.info("agent worker stopped after \(completedRuns.load(ordering: .relaxed)) runs")
    }
}

@main
struct ServiceDemo {
    static func main() async throws {
        let logger = Logger(label: "service-demo")
        var configuration = Bridge.Configuration.fromEnvironment(serviceName: "service-demo")
        if ProcessEnvironment.current["ATOF_BRIDGE_FALLBACK_PATH"] == nil {
            mkdir("out", 0o700)
            unlink("out/service-spans.otlp.jsonl")
            configuration.fallbackPath = "out/service-spans.otlp.jsonl"
        }
        // A demo should not wait 30 s for a collector that is not there.
        if ProcessEnvironment.current["OTEL_BSP_EXPORT_TIMEOUT"] == nil { configuration.exporter.exportTimeout = .seconds(3) }
        if ProcessEnvironment.current["ATOF_BRIDGE_SHUTDOWN_TIMEOUT"] == nil { configuration.shutdownTimeout = .seconds(5) }

        let bridge = try Bridge(configuration: configuration, logger: logger)
        let instrumentation = try ATOFInstrumentationService(
            .bridge(bridge), shutdownTimeout: configuration.shutdownTimeout, logger: logger)
        let worker = AgentWorker(logger: logger)
        // Producers last: the group shuts its services down in reverse order.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: BridgeService(bridge, logger: logger)), .init(service: instrumentation), .init(service: worker)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A backstop: should graceful shutdown outlast the bridge's own bound, the group cancels
        // its services and BridgeService writes what is still queued to the fallback file.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout + .seconds(2)
        let group = ServiceGroup(configuration: groupConfiguration)
        print("service-demo running (pid \(getpid())); send SIGTERM or SIGINT to stop")
        try await group.run()

        let statistics = bridge.statistics
        let runs = worker.completedRuns.load(ordering: .relaxed)
        print("agent runs: \(runs)")
        print(
            "spans: \(statistics.spansProduced) produced, \(statistics.spansExported) sent to \(configuration.exporter.endpoint), "
                + "\(statistics.spansInFallback) in \(configuration.fallbackPath ?? "no fallback file")")
        if statistics.spansProduced != 3 * runs || statistics.spansProduced != statistics.spansExported + statistics.spansInFallback {
            print("some spans were neither delivered nor kept: \(statistics)")
            exit(1)
        }
    }
}
