import ATOF
import ATOFInstrumentation
import MCP

/// An MCP client whose calls are traced: use it where you would use `MCP.Client`, with the same
/// method names, and every tool call becomes a tool scope without code at the call site.
///
/// ```swift
/// let mcp = TracedMCPClient(Client(name: "my-agent", version: "1.0.0"))
/// try await mcp.connect(transport: StdioTransport())       // mark `mcp.initialize`
/// let (tools, _) = try await mcp.listTools()                // mark `mcp.tools.list`
/// let (content, isError) = try await mcp.callTool(name: "weather", arguments: ["city": "Lyon"])
/// ```
///
/// - `callTool` runs as a tool scope (``ATOFInstrumentation/withToolCall(name:callID:arguments:flags:metadata:isolation:_:)``)
///   named after the tool, flagged `remote` (a CLIENT span), under the caller's current scope.
///   Its input is the arguments as JSON, its output the MCP result `{"content": [...], "isError": ...}`.
///   A result with `isError: true` ends the scope with an error status (type `MCPToolError`, the
///   text content as the message) and its content is kept as the mark `mcp.tool.result` on the
///   tool's span; the call still returns the result. A thrown error (a protocol or transport
///   error) ends the scope with an error status and is rethrown.
/// - `connect` and the listings (`listTools`, `listResources`, `listPrompts`) record marks under
///   the current scope: `mcp.initialize` (the server's initialize result), `mcp.tools.list`,
///   `mcp.resources.list`, `mcp.prompts.list` (counts and names).
/// - Scopes and marks carry the metadata `mcp.method.name` and, once connected through this type,
///   `mcp.server.name`, `mcp.server.version` and `mcp.protocol.version`.
///
/// Other requests go through ``client`` untraced. Without ATOF subscribers installed nothing is
/// recorded and the calls are forwarded as they are.
public actor TracedMCPClient {
    /// The wrapped client, for the requests this type does not forward.
    public let client: Client

    /// The server's answer to `initialize`, once connected through ``connect(transport:)``.
    public private(set) var initializeResult: Initialize.Result?

    /// Wraps `client`; connect it with ``connect(transport:)`` so that its spans name the server.
    public init(_ client: Client) {
        self.client = client
    }

    /// Connects and initializes (`Client.connect(transport:)`), and records the mark
    /// `mcp.initialize` whose data is the server's initialize result (or `{"error": ...}`).
    @discardableResult
    public func connect(transport: any Transport) async throws -> Initialize.Result {
        let result: Initialize.Result
        do {
            result = try await client.connect(transport: transport)
        } catch {
            mark(name: "mcp.initialize", data: MCPJSON.failure(error), metadata: metadata(method: Initialize.name))
            throw error
        }
        initializeResult = result
        if ATOFInstrumentation.isActive {
            mark(name: "mcp.initialize", data: MCPJSON.value(result), metadata: metadata(method: Initialize.name))
        }
        return result
    }

    /// Disconnects the wrapped client.
    public func disconnect() async {
        await client.disconnect()
    }

    /// Calls the tool `name` (`Client.callTool(name:arguments:meta:)`) as a tool scope.
    ///
    /// - Parameters:
    ///   - name: the tool (the span name, `tool.name`).
    ///   - arguments: its arguments (the span's input and `tool.parameters`).
    ///   - meta: the request's `_meta`, passed on.
    ///   - callID: the model's id for this tool call (`tool_call.id`), when an LLM asked for it.
    /// - Returns: the tool's content and `isError` flag, as `MCP.Client` returns them.
    public func callTool(
        name: String,
        arguments: [String: Value]? = nil,
        meta: Metadata? = nil,
        callID: String? = nil
    ) async throws -> (content: [Tool.Content], isError: Bool?) {
        let client = self.client
        do {
            let result = try await withToolCall(
                name: name, callID: callID, arguments: ATOFInstrumentation.isActive ? arguments.map(MCPJSON.value) : nil, flags: [.remote],
                metadata: metadata(method: CallTool.name)
            ) {
                let (content, isError): ([Tool.Content], Bool?) = try await client.callTool(name: name, arguments: arguments, meta: meta)
                let result = MCPToolResult(content: content, isError: isError)
                if isError == true {
                    mark(name: "mcp.tool.result", data: result.atofPayload)
                    throw MCPToolError(result: result)
                }
                return result
            }
            return (result.content, result.isError)
        } catch let error as MCPToolError {
            return (error.result.content, error.result.isError)
        }
    }

    /// Lists the server's tools (`Client.listTools(cursor:)`) and records the mark `mcp.tools.list`.
    public func listTools(cursor: String? = nil) async throws -> (tools: [Tool], nextCursor: String?) {
        try await listing(ListTools.name) {
            let listed: (tools: [Tool], nextCursor: String?) = try await client.listTools(cursor: cursor)
            return (listed, listed.tools.map(\.name), listed.nextCursor)
        }
    }

    /// Lists the server's resources (`Client.listResources(cursor:)`) and records the mark
    /// `mcp.resources.list` (the names are the resources' URIs).
    public func listResources(cursor: String? = nil) async throws -> (resources: [Resource], nextCursor: String?) {
        try await listing(ListResources.name) {
            let listed = try await client.listResources(cursor: cursor)
            return (listed, listed.resources.map(\.uri), listed.nextCursor)
        }
    }

    /// Lists the server's prompts (`Client.listPrompts(cursor:)`) and records the mark `mcp.prompts.list`.
    public func listPrompts(cursor: String? = nil) async throws -> (prompts: [Prompt], nextCursor: String?) {
        try await listing(ListPrompts.name) {
            let listed = try await client.listPrompts(cursor: cursor)
            return (listed, listed.prompts.map(\.name), listed.nextCursor)
        }
    }

    /// Runs a listing request and records its mark: `mcp.<kind>.list` with `{"count", "names",
    /// "nextCursor"}`, or `{"error": ...}` when it throws.
    private func listing<Listed>(
        _ method: String,
        _ request: () async throws -> (Listed, names: [String], nextCursor: String?)
    ) async throws -> Listed {
        let markName = "mcp." + method.split(separator: "/").joined(separator: ".")
        do {
            let (listed, names, nextCursor) = try await request()
            var data = JSONObject()
            data["count"] = .number(JSONNumber(Int64(names.count)))
            data["names"] = .array(names.map { .string($0) })
            if let nextCursor { data["nextCursor"] = .string(nextCursor) }
            mark(name: markName, data: .object(data), metadata: metadata(method: method))
            return listed
        } catch {
            mark(name: markName, data: MCPJSON.failure(error), metadata: metadata(method: method))
            throw error
        }
    }

    /// The metadata of a scope or mark: the MCP method and what is known of the server.
    private func metadata(method: String) -> JSONValue {
        var object = JSONObject()
        object["mcp.method.name"] = .string(method)
        if let initializeResult {
            object["mcp.server.name"] = .string(initializeResult.serverInfo.name)
            object["mcp.server.version"] = .string(initializeResult.serverInfo.version)
            object["mcp.protocol.version"] = .string(initializeResult.protocolVersion)
        }
        return .object(object)
    }
}
