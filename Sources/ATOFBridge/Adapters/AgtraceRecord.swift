import ATOF

/// One agtrace `AgentEvent` line, read leniently: the envelope (`id`, `session_id`, `parent_id`,
/// `timestamp`, `stream_id`), the payload (`type`, `content`) and the few members of the raw
/// provider `metadata` the translation uses (`model`, `message.model`, `message.id`, `requestId`).
struct AgtraceRecord: Sendable {
    /// The stream an event belongs to: `main`, or a sidechain or subagent with its label.
    struct Stream: Sendable, Hashable {
        /// `main`, `sidechain`, `subagent`, or a newer value kept as written.
        var type: String
        /// `stream_data.agent_id` or `stream_data.name`; nil for the main stream.
        var label: String?
        /// `stream_data.agent_id`, the key a spawning tool's `tool_result.agent_id` names.
        var agentID: String?

        static let main = Stream(type: "main", label: nil, agentID: nil)

        var isMain: Bool { type == "main" }
    }

    var id: String
    var sessionID: String
    var parentID: String?
    /// The event time; nil when the line's `timestamp` is missing or not RFC 3339.
    var time: Timestamp?
    var stream: Stream
    var type: String
    var content: JSONObject
    /// The model named in the raw metadata (Codex `model`, Claude `message.model`).
    var model: String?
    /// Claude's `message.id`: the blocks of one response share it.
    var messageID: String?
    /// Claude's `requestId`.
    var requestID: String?
    /// The whole line.
    var object: JSONObject

    /// Reads one line's object; the problems found go to `problems` (the line is still used when
    /// it can be). Nil when the line has no `type` or no `content` object.
    init?(_ object: JSONObject, line: Int, problems: inout [String]) {
        guard let type = JSONRead.nonEmptyString(object["type"]) else {
            problems.append("agtrace event without a \"type\" string; line skipped")
            return nil
        }
        guard let content = JSONRead.object(object["content"]) else {
            problems.append("agtrace \"\(type)\" event without a \"content\" object; line skipped")
            return nil
        }
        self.type = type
        self.content = content
        self.object = object
        sessionID = JSONRead.nonEmptyString(object["session_id"]) ?? "agtrace:session:unknown"
        if JSONRead.nonEmptyString(object["session_id"]) == nil {
            problems.append("agtrace event without a \"session_id\"; read as part of the session \(sessionID)")
        }
        if let id = JSONRead.nonEmptyString(object["id"]) {
            self.id = id
        } else {
            id = "agtrace:\(sessionID)/line/\(line)"
            problems.append("agtrace event without an \"id\"; named \(id)")
        }
        parentID = JSONRead.nonEmptyString(object["parent_id"])
        if let text = JSONRead.string(object["timestamp"]), let time = try? Timestamp(rfc3339: text) {
            self.time = time
        } else {
            time = nil
            problems.append("agtrace event without an RFC 3339 \"timestamp\"; its time is inferred from the lines around it")
        }
        stream = Self.stream(object["stream_id"])
        let metadata = JSONRead.object(object["metadata"])
        let message = JSONRead.object(metadata?["message"])
        model = JSONRead.nonEmptyString(metadata?["model"]) ?? JSONRead.nonEmptyString(message?["model"])
        messageID = JSONRead.nonEmptyString(message?["id"])
        requestID = JSONRead.nonEmptyString(metadata?["requestId"])
    }

    /// `stream_id`: absent means main (a serde default).
    private static func stream(_ value: JSONValue?) -> Stream {
        guard let object = JSONRead.object(value), let type = JSONRead.nonEmptyString(object["stream_type"]), type != "main" else {
            return .main
        }
        let data = JSONRead.object(object["stream_data"])
        let agentID = JSONRead.identifier(data?["agent_id"])
        return Stream(type: type, label: agentID ?? JSONRead.nonEmptyString(data?["name"]), agentID: agentID)
    }

    /// The `content` member `key` as text (a string, or any other value as compact JSON).
    func text(_ key: String) -> String? {
        switch JSONRead.present(content[key]) {
        case .string(let text)?: text
        case let value?: value.compactJSON
        case nil: nil
        }
    }
}
