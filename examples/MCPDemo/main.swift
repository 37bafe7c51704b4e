// MCPDemo: an agent that calls the tools of a real MCP server through TracedMCPClient.
//
// The server is the Model Context Protocol Swift SDK's own `Server`, started in this process and
// connected over the SDK's `InMemoryTransport`. Under an agent scope the client connects (mark
// `mcp.initialize`), lists the tools (mark `mcp.tools.list`) and calls three: one answers, one
// answers with `isError` (an error span, the call goes on), one throws a protocol error. No
// tracing code sits at the calls. Spans go to OTEL_EXPORTER_OTLP_ENDPOINT (default
// http://localhost:4318); when nothing listens they land in DIR/spans.otlp.jsonl, and the raw
// ATOF stream is kept in DIR/run.atof.jsonl (DIR: the first argument, default `out`).
//
//   swift run MCPDemo [DIR]          (or: make mcp-demo)

import ATOF
import ATOFBridge
import ATOFInstrumentation
import ATOFMCP
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SDK's server with a small weather toolbox.
func startServer(on transport: any Transport) async throws -> Server {
    let server = Server(name: "weather-tools", version: "1.2.0", capabilities: .init(tools: .init()))
    await server.withMethodHandler(ListTools.self) { _ in
        .init(tools: [
            Tool(name: "get_forecast", description: "The forecast for a city", inputSchema: ["type": "object"]),
            Tool(name: "get_alerts", description: "Weather alerts for a region", inputSchema: ["type": "object"]),
            Tool(name: "get_history", description: "Past weather (not implemented)", inputSchema: ["type": "object"]),
        ])
    }
    await server.withMethodHandler(CallTool.self) { params in
        let place = params.arguments?["city"]?.stringValue ?? params.arguments?["region"]?.stringValue ?? "?"
        switch params.name {
        case "get_forecast":
            return .init(content: [.text(text: "\(place): sunny, 24 °C", annotations: nil, _meta: nil)], isError: false)
        case "get_alerts":
            return .init(content: [.text(text: "no alert service for region \(place)", annotations: nil, _meta: nil)], isError: true)
        default:
            throw MCPError.methodNotFound("no tool named \(params.name)")
        }
    }
    try await server.start(transport: transport)
    return server
}

@main
struct MCPDemo {
    static func main() async throws {
        let directory = CommandLine.arguments.dropFirst().first ?? "out"
        mkdir(directory, 0o700)
        unlink("\(directory)/run.atof.jsonl")
        unlink("\(directory)/spans.otlp.jsonl")

        // The bridge exports to OTEL_EXPORTER_OTLP_ENDPOINT, waiting at most 3 s for it; the raw
        // ATOF events go to a file as well.
        var configuration = Bridge.Configuration.fromEnvironment(serviceName: "mcp-demo")
        configuration.fallbackPath = "\(directory)/spans.otlp.jsonl"
        configuration.exporter.exportTimeout = .seconds(3)
        let bridge = try Bridge(configuration: configuration)
        try ATOFInstrumentation.bootstrap(.jsonLines(path: "\(directory)/run.atof.jsonl"), .bridge(bridge))

        let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
        let server = try await startServer(on: serverTransport)
        let mcp = TracedMCPClient(Client(name: "mcp-demo", version: "1.0.0"))

        let answer = try await withAgentScope("weather-agent", input: "Is it a good day for a walk in Lyon?") {
            try await mcp.connect(transport: clientTransport)
            let tools = try await mcp.listTools().tools.map(\.name)
            let forecast = try await mcp.callTool(name: "get_forecast", arguments: ["city": "Lyon"], callID: "call_1")
            let alerts = try await mcp.callTool(name: "get_alerts", arguments: ["region": "ARA"], callID: "call_2")
            let history = try? await mcp.callTool(name: "get_history", arguments: ["city": "Lyon"])
            let text = forecast.content.compactMap { content -> String? in
                if case .text(let text, _, _) = content { return text }
                return nil
            }
            return
                "tools \(tools); forecast \(text); alerts failed: \(alerts.isError == true); history: \(history == nil ? "failed" : "ok")"
        }
        print("agent answer: \(answer)")
        await mcp.disconnect()
        await server.stop()

        // Flushes the bridge: what the collector does not take lands in the fallback file.
        _ = ATOFInstrumentation.shutdown(timeout: .seconds(10))
        let statistics = bridge.statistics
        print("spans: \(statistics.spansExported) exported, \(statistics.spansInFallback) in \(directory)/spans.otlp.jsonl")
    }
}
