import ATOF
import ATOFInstrumentation
import MCP

/// A `tools/call` result as a tool scope records it: MCP's own shape, `{"content": [...],
/// "isError": ...}`.
struct MCPToolResult: ATOFPayloadConvertible, Sendable {
    var content: [Tool.Content]
    var isError: Bool?

    var atofPayload: JSONValue {
        var object = JSONObject()
        object["content"] = MCPJSON.value(content)
        if let isError { object["isError"] = .bool(isError) }
        return .object(object)
    }
}

/// A tool that answered with `isError: true`: thrown inside the tool scope so that it ends with
/// an error status (its `error.type` is `MCPToolError`), then caught so the caller gets the result.
struct MCPToolError: Error, CustomStringConvertible {
    var result: MCPToolResult

    /// The text parts of the content, one per line, or a fixed message when there is none.
    var description: String {
        let texts = result.content.compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }
        return texts.isEmpty ? "the tool reported an error without text content" : texts.joined(separator: "\n")
    }
}
