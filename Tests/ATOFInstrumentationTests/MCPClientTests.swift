import ATOF
import ATOFBridge
import ATOFMCP
import MCP
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    /// `TracedMCPClient` against the SDK's own `Server` (in process, over `InMemoryTransport`),
    /// through the Bridge into a recording exporter.
    @Suite("MCP tool calls (ATOFMCP)")
    struct MCPClientTests {
        typealias H = Harness

        /// The SDK's server with three tools (`add` answers, `divide` by zero answers `isError`,
        /// `explode` throws), one resource and one prompt, connected to a traced client.
        static func connectedClient() async throws -> (TracedMCPClient, Server) {
            let server = Server(
                name: "test-tools", version: "0.3.0",
                capabilities: .init(prompts: .init(), resources: .init(), tools: .init()))
            await server.withMethodHandler(ListTools.self) { _ in
                .init(tools: ["add", "divide", "explode"].map { Tool(name: $0, description: nil, inputSchema: .object([:])) })
            }
            await server.withMethodHandler(CallTool.self) { params in
                let a = params.arguments?["a"]?.intValue ?? 0
                let b = params.arguments?["b"]?.intValue ?? 0
                switch params.name {
                case "add": return .init(content: [Self.text("\(a + b)")], isError: false)
                case "divide" where b == 0: return .init(content: [Self.text("cannot divide by zero")], isError: true)
                case "divide": return .init(content: [Self.text("\(a / b)")], isError: false)
                default: throw MCPError.internalError("the tool exploded")
                }
            }
            await server.withMethodHandler(ListResources.self) { _ in
                .init(resources: [Resource(name: "notes", uri: "file:///notes.txt")], nextCursor: nil)
            }
            await server.withMethodHandler(ListPrompts.self) { _ in .init(prompts: [Prompt(name: "summarize")], nextCursor: nil) }
            let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
            try await server.start(transport: serverTransport)
            let client = TracedMCPClient(Client(name: "test-agent", version: "1.0.0"))
            try await client.connect(transport: clientTransport)
            return (client, server)
        }

        /// A text part (the SDK's short `.text(_:)` is deprecated).
        static func text(_ text: String) -> Tool.Content { .text(text: text, annotations: nil, _meta: nil) }

        static func eventData(_ event: OTLP.SpanEvent?) -> String? {
            event?.attributes.first { $0.key == "atof.data" }?.value.stringValue
        }

        @Test("tool calls become CLIENT tool spans under the agent, with arguments, result, server and status")
        func toolCallsBecomeToolSpans() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let (client, server) = try await Self.connectedClient()
            let (sum, divided, thrown) = try await withAgentScope("mcp-agent") {
                let sum = try await client.callTool(name: "add", arguments: ["a": 2, "b": 3], callID: "call_7")
                let divided = try await client.callTool(name: "divide", arguments: ["a": 1, "b": 0])
                let thrown = await #expect(throws: MCPError.self) { try await client.callTool(name: "explode") }
                return (sum, divided, thrown)
            }
            await client.disconnect()
            await server.stop()
            bridge.shutdown()

            #expect(sum.content == [Self.text("5")] && sum.isError == false)
            #expect(divided.content == [Self.text("cannot divide by zero")] && divided.isError == true)
            let agent = try #require(exporter.span("mcp-agent"))
            let add = try #require(exporter.span("add"))
            let divide = try #require(exporter.span("divide"))
            let explode = try #require(exporter.span("explode"))
            for span in [add, divide, explode] {
                #expect(span.parentSpanID == agent.spanID && span.traceID == agent.traceID)
                #expect(span.kind == .client)
                #expect(H.attribute(span, "openinference.span.kind") == "TOOL")
                #expect(H.attribute(span, "tool.name") == span.name && H.attribute(span, "gen_ai.tool.name") == span.name)
                #expect(H.attribute(span, "atof.metadata.mcp.server.name") == "test-tools")
                #expect(H.attribute(span, "atof.metadata.mcp.server.version") == "0.3.0")
                #expect(H.attribute(span, "atof.metadata.mcp.method.name") == "tools/call")
                #expect(H.attribute(span, "atof.metadata.mcp.protocol.version") == Version.latest)
            }

            #expect(add.status == .ok)
            #expect(H.attribute(add, "tool.parameters") == #"{"a":2,"b":3}"#)
            #expect(H.attribute(add, "tool_call.id") == "call_7" && H.attribute(add, "gen_ai.tool.call.id") == "call_7")
            #expect(H.attribute(add, "output.value") == #"{"content":[{"text":"5","type":"text"}],"isError":false}"#)

            #expect(divide.status == .error("cannot divide by zero"))
            #expect(H.attribute(divide, "error.type") == "MCPToolError")
            let kept = divide.events.first { $0.name == "mcp.tool.result" }
            #expect(Self.eventData(kept) == #"{"content":[{"text":"cannot divide by zero","type":"text"}],"isError":true}"#)

            #expect(thrown != nil)
            #expect(explode.status.code == .error)
            #expect(explode.status.message.contains("the tool exploded"))
            #expect(H.attribute(explode, "error.type") == "MCPError")
            #expect(H.attribute(explode, "tool.parameters") == nil)
        }

        @Test("initialize and the listings become marks on the current span, with server info, counts and names")
        func initializeAndListingsBecomeMarks() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let (tools, resources, prompts) = try await withAgentScope("mcp-agent") {
                let (client, server) = try await Self.connectedClient()
                let tools = try await client.listTools().tools.map(\.name)
                let resources = try await client.listResources().resources.map(\.uri)
                let prompts = try await client.listPrompts().prompts.map(\.name)
                await client.disconnect()
                await server.stop()
                return (tools, resources, prompts)
            }
            bridge.shutdown()

            #expect(tools == ["add", "divide", "explode"] && resources == ["file:///notes.txt"] && prompts == ["summarize"])
            let agent = try #require(exporter.span("mcp-agent"))
            #expect(agent.events.map(\.name) == ["mcp.initialize", "mcp.tools.list", "mcp.resources.list", "mcp.prompts.list"])
            let initialize = try #require(agent.events.first)
            let result = try JSONParser.parse(try #require(Self.eventData(initialize)))
            #expect(result["serverInfo"]?["name"]?.stringValue == "test-tools")
            #expect(result["protocolVersion"]?.stringValue == Version.latest)
            #expect(Self.eventData(agent.events[1]) == #"{"count":3,"names":["add","divide","explode"]}"#)
            #expect(Self.eventData(agent.events[2]) == #"{"count":1,"names":["file:///notes.txt"]}"#)
            #expect(Self.eventData(agent.events[3]) == #"{"count":1,"names":["summarize"]}"#)
            let method = agent.events[1].attributes.first { $0.key == "atof.metadata.mcp.server.name" }?.value.stringValue
            #expect(method == "test-tools")
        }

        @Test("without subscribers the calls are forwarded and nothing is recorded")
        func forwardsWithoutSubscribers() async throws {
            H.reset()
            let (client, server) = try await Self.connectedClient()
            let result = try await client.callTool(name: "divide", arguments: ["a": 9, "b": 3])
            #expect(result.content == [Self.text("3")] && result.isError == false)
            #expect(await client.initializeResult?.serverInfo.name == "test-tools")
            await client.disconnect()
            await server.stop()
        }
    }
}
