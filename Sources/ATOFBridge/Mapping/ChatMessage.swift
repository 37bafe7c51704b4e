import ATOF

/// One tool call requested by a model.
struct ChatToolCall: Sendable, Hashable {
    /// The provider's call id (e.g. `call_…`, `toolu_…`).
    var id: String?
    /// The function name.
    var name: String?
    /// The arguments as JSON text (OpenAI sends text already; objects are written as compact JSON).
    var arguments: String?
}

/// One chat message, normalized from the OpenAI, Anthropic and Relay-annotation shapes.
///
/// Normalization choices (the contract is silent):
/// - Content that is a list of parts keeps the text of its text parts (`text`, `input_text`,
///   `output_text`, or an untyped part with a `text` string) joined with `"\n"`; images and other
///   parts are left out (the whole payload is still in `input.value`/`output.value`).
/// - An Anthropic `system` prompt (string or text blocks) becomes a first message with role `system`.
/// - Anthropic `tool_use` blocks become tool calls (their `input` object as compact JSON arguments);
///   each `tool_result` block becomes its own message with role `tool`, `tool_call_id` = its
///   `tool_use_id` and its text as content, placed before the rest of the message it was in.
/// - A message without a `role` gets `user` in a request and `assistant` in a response.
struct ChatMessage: Sendable, Hashable {
    var role: String
    var content: String?
    var toolCalls: [ChatToolCall] = []
    /// The call a `tool` message answers.
    var toolCallID: String?
    /// Why the model stopped (output messages only), as the provider wrote it.
    var finishReason: String?
}

extension ChatMessage {
    /// The messages of a request body: OpenAI chat (`messages`), Anthropic (`system` + `messages`)
    /// or a Relay `annotated_request` (`messages`).
    static func requestMessages(_ body: JSONObject) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system = JSONRead.present(body["system"]), let text = text(of: system) {
            messages.append(ChatMessage(role: "system", content: text))
        }
        let items = JSONRead.array(body["messages"]) ?? []
        messages.reserveCapacity(messages.count + items.count)
        for item in items {
            guard let object = JSONRead.object(item) else { continue }
            parse(object, defaultRole: "user", into: &messages)
        }
        return messages
    }

    /// The messages of a raw response: an OpenAI chat completion (`choices[]`), an Anthropic message
    /// (`content` blocks) or a plain string (one assistant message). Empty for other shapes.
    static func responseMessages(_ payload: JSONValue) -> [ChatMessage] {
        switch payload {
        case .string(let text):
            return [ChatMessage(role: "assistant", content: text)]
        case .object(let body):
            if let choices = JSONRead.array(body["choices"]) {
                return choices.compactMap { choice -> ChatMessage? in
                    guard let choice = JSONRead.object(choice) else { return nil }
                    let finish = JSONRead.nonEmptyString(choice["finish_reason"])
                    if let message = JSONRead.object(choice["message"]) {
                        var parsed = parse(message, defaultRole: "assistant")
                        guard !parsed.isEmpty else { return nil }
                        parsed[parsed.count - 1].finishReason = finish
                        return parsed[parsed.count - 1]
                    }
                    if let text = JSONRead.string(choice["text"]) {
                        return ChatMessage(role: "assistant", content: text, finishReason: finish)
                    }
                    return nil
                }
            }
            if JSONRead.array(body["content"]) != nil {
                var message = parse(body, defaultRole: "assistant")
                if !message.isEmpty {
                    message[message.count - 1].finishReason = JSONRead.nonEmptyString(body["stop_reason"])
                }
                return message
            }
            return []
        default:
            return []
        }
    }

    /// The output message of a Relay `annotated_response` (`message` + `tool_calls`), if any.
    static func annotatedResponseMessages(_ annotation: JSONObject) -> [ChatMessage] {
        var message: ChatMessage
        switch JSONRead.present(annotation["message"]) {
        case .object(let object)?:
            guard let parsed = parse(object, defaultRole: "assistant").last else { return [] }
            message = parsed
        case let value?:
            message = ChatMessage(role: "assistant", content: text(of: value))
        case nil:
            message = ChatMessage(role: "assistant")
        }
        if message.toolCalls.isEmpty {
            message.toolCalls = toolCalls(annotation["tool_calls"])
        }
        guard message.content != nil || !message.toolCalls.isEmpty else { return [] }
        return [message]
    }

    /// One message object (possibly several messages, for Anthropic `tool_result` blocks).
    private static func parse(_ object: JSONObject, defaultRole: String) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        parse(object, defaultRole: defaultRole, into: &messages)
        return messages
    }

    /// Appends the messages of one message object to `messages` (no temporary arrays).
    private static func parse(_ object: JSONObject, defaultRole: String, into messages: inout [ChatMessage]) {
        let role = JSONRead.nonEmptyString(object["role"]) ?? defaultRole
        var message = ChatMessage(role: role, toolCallID: JSONRead.identifier(object["tool_call_id"]))
        var results: [ChatMessage] = []
        switch JSONRead.present(object["content"]) {
        case .array(let parts)?:
            var texts: [String] = []
            for part in parts {
                if case .string(let text) = part {
                    texts.append(text)
                    continue
                }
                guard let block = JSONRead.object(part) else { continue }
                switch JSONRead.string(block["type"]) {
                case "tool_use":
                    message.toolCalls.append(
                        ChatToolCall(
                            id: JSONRead.identifier(block["id"]),
                            name: JSONRead.string(block["name"]),
                            arguments: arguments(block["input"])
                        ))
                case "tool_result":
                    results.append(
                        ChatMessage(
                            role: "tool",
                            content: JSONRead.present(block["content"]).flatMap(text(of:)),
                            toolCallID: JSONRead.identifier(block["tool_use_id"])
                        ))
                case "text", "input_text", "output_text", nil:
                    if let text = JSONRead.string(block["text"]) { texts.append(text) }
                default:
                    continue
                }
            }
            message.content = texts.isEmpty ? nil : texts.joined(separator: "\n")
        case let value?:
            message.content = text(of: value)
        case nil:
            break
        }
        let calls = toolCalls(object["tool_calls"])
        if !calls.isEmpty { message.toolCalls.append(contentsOf: calls) }
        if !results.isEmpty {
            messages.append(contentsOf: results)
            if message.content == nil, message.toolCalls.isEmpty { return }
        }
        messages.append(message)
    }

    /// Tool calls in the OpenAI shape `{id, function: {name, arguments}}` or the annotated shape
    /// `{id, name, arguments}`.
    private static func toolCalls(_ value: JSONValue?) -> [ChatToolCall] {
        (JSONRead.array(value) ?? []).compactMap { item in
            guard let call = JSONRead.object(item) else { return nil }
            let function = JSONRead.object(call["function"])
            return ChatToolCall(
                id: JSONRead.identifier(call["id"]),
                name: JSONRead.string(function?["name"]) ?? JSONRead.string(call["name"]),
                arguments: arguments(function?["arguments"] ?? call["arguments"])
            )
        }
    }

    /// Arguments as JSON text: a string is taken as the JSON text itself, anything else is encoded.
    private static func arguments(_ value: JSONValue?) -> String? {
        guard let value = JSONRead.present(value) else { return nil }
        if case .string(let text) = value { return text }
        return value.compactJSON
    }

    /// The text of a content value: a string, the text parts of a list, or an object's `text`.
    static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text):
            return text
        case .array(let parts):
            let texts = parts.compactMap { part -> String? in
                if case .string(let text) = part { return text }
                return JSONRead.string(part["text"])
            }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        case .object(let object):
            return JSONRead.string(object["text"])
        default:
            return nil
        }
    }
}

extension ChatMessage {
    /// Writes messages as flattened OpenInference attributes under `prefix`
    /// (`llm.input_messages` or `llm.output_messages`).
    static func writeOpenInference(_ messages: [ChatMessage], prefix: String, into builder: inout AttributeBuilder) {
        let cached: [MessageKeys] =
            switch prefix {
            case MessageKeys.inputPrefix: MessageKeys.input
            case MessageKeys.outputPrefix: MessageKeys.output
            default: []
            }
        for (index, message) in messages.enumerated() {
            let base: String
            if index < cached.count {
                let keys = cached[index]
                base = keys.base
                builder.set(keys.role, string: message.role)
                builder.set(keys.content, string: message.content)
                builder.set(keys.toolCallID, string: message.toolCallID)
            } else {
                base = "\(prefix).\(index).message"
                builder.set("\(base).role", string: message.role)
                builder.set("\(base).content", string: message.content)
                builder.set("\(base).tool_call_id", string: message.toolCallID)
            }
            for (callIndex, call) in message.toolCalls.enumerated() {
                let callBase = "\(base).tool_calls.\(callIndex).tool_call"
                builder.set("\(callBase).id", string: call.id)
                builder.set("\(callBase).function.name", string: call.name)
                builder.set("\(callBase).function.arguments", string: call.arguments)
            }
        }
    }

    /// The messages as the GenAI JSON message shape (`[{role, parts: [...], finish_reason}]`), as
    /// compact JSON text. Parts: `text` (`content`), `tool_call` (`id`, `name`, `arguments` parsed
    /// back to JSON when the text is valid JSON, else kept as a string) and `tool_call_response`
    /// (`id`, `response`) for messages that answer a tool call. `finish_reason` is written on
    /// output messages when known.
    static func genAIJSON(_ messages: [ChatMessage], output: Bool) -> String {
        // Written straight to the writer, member for member what the JSONValue tree
        // `[{role, parts: [...], finish_reason}]` would encode to, without building the tree.
        var writer = JSONWriter(reservingCapacity: 128 * max(1, messages.count))
        writer.raw("[")
        for (index, message) in messages.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"role\":")
            writer.writeString(message.role)
            writer.raw(",\"parts\":[")
            var partCount = 0
            if let callID = message.toolCallID {
                writer.raw("{\"type\":\"tool_call_response\",\"id\":")
                writer.writeString(callID)
                writer.raw(",\"response\":")
                if let content = message.content { writer.writeString(content) } else { writer.raw("null") }
                writer.raw("}")
                partCount += 1
            } else if let content = message.content {
                writer.raw("{\"type\":\"text\",\"content\":")
                writer.writeString(content)
                writer.raw("}")
                partCount += 1
            }
            for call in message.toolCalls {
                if partCount > 0 { writer.raw(",") }
                partCount += 1
                writer.raw("{\"type\":\"tool_call\"")
                if let id = call.id {
                    writer.raw(",\"id\":")
                    writer.writeString(id)
                }
                writer.raw(",\"name\":")
                writer.writeString(call.name ?? "")
                if let arguments = call.arguments {
                    writer.raw(",\"arguments\":")
                    writer.write((try? JSONParser.parse(arguments)) ?? .string(arguments))
                }
                writer.raw("}")
            }
            writer.raw("]")
            if output, let finish = message.finishReason {
                writer.raw(",\"finish_reason\":")
                writer.writeString(finish)
            }
            writer.raw("}")
        }
        writer.raw("]")
        return writer.string
    }
}

/// The flattened OpenInference keys of one message, made once (as ``StaticAttributeKey``s) for
/// the first messages of the input and output lists (string interpolation per span and message
/// is measurable); later messages' keys are built where they are written.
struct MessageKeys: Sendable {
    static let inputPrefix = AttributeKey.llmInputMessages
    static let outputPrefix = AttributeKey.llmOutputMessages
    static let cachedCount = 16
    static let input = (0..<cachedCount).map { MessageKeys(base: "\(inputPrefix).\($0).message") }
    static let output = (0..<cachedCount).map { MessageKeys(base: "\(outputPrefix).\($0).message") }

    let base: String
    let role: StaticAttributeKey
    let content: StaticAttributeKey
    let toolCallID: StaticAttributeKey

    /// Makes the fixed keys under `base` (process-lifetime C strings: only for the cached lists).
    private init(base: String) {
        self.base = base
        role = StaticAttributeKey("\(base).role")
        content = StaticAttributeKey("\(base).content")
        toolCallID = StaticAttributeKey("\(base).tool_call_id")
    }
}

extension JSONWriter {
    /// Writes literal JSON text: a string literal here is a `StaticString`, whose bytes are
    /// appended as they are (the `String` overload of `writeRaw` goes through a string copy).
    @inline(__always)
    fileprivate mutating func raw(_ text: StaticString) {
        writeRaw(text)
    }
}
