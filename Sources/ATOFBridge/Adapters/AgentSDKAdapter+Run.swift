import ATOF

extension AgentSDKAdapter {
    /// One run being translated: from its first event (`user_input` or `start`) to its terminal
    /// event (`done`, `cancelled`, `refusal`, a non-recoverable `error`), with its open turn, LLM
    /// attempt and tool calls.
    struct Run: Sendable {
        /// The open `start{turn}`.
        struct Turn: Sendable {
            var number: Int64
            /// `N`, or `N#k` for the k-th start of turn N.
            var key: String
            var scope: ScopeRef
        }

        /// A `tool_call_start` without its `tool_call_end` yet.
        struct OpenTool: Sendable {
            var id: String
            var scope: ScopeRef
        }

        /// The run key R = `agent-sdk:<thread_id>:<event_id of the run's first event>`, the root's uuid.
        let key: String
        let thread: String?
        /// The model named for the LLM attempts (`--model`, or the subagent's), always flagged inferred.
        let model: String?
        let root: ScopeRef
        let rootInferred: [InferredField]
        /// The time of the run's first event.
        var startTime: When?
        var input: JSONValue?
        var lastText: String?
        var turn: Turn?
        /// Starts seen per turn number (a repeated start is a retried turn task).
        var turnStarts: [Int64: Int] = [:]
        var firstTurn: Int64?
        /// LLM attempts made in the current turn (or the run, outside turns).
        var attempts = 0
        var attempt: LLMAttempt?
        var tools: [OpenTool] = []
        var toolKeys: Set<String> = []
        /// The last `subagent_progress` per tool call id.
        var subagents: [String: JSONObject] = [:]
        /// The `tool_requires_confirmation` the run stopped at, while nothing has resumed it.
        var suspension: When?
        var suspensionLine = 0

        /// `inferred` flags the root (its start and end, so the span lists them whichever event's metadata wins).
        init(key: String, thread: String?, model: String?, parent: String?, inferred: [InferredField]) {
            self.key = key
            self.thread = thread
            self.model = model
            root = ScopeRef(uuid: key, parent: parent, name: "invoke_agent", category: "agent")
            rootInferred = inferred
        }

        /// The session key and `extra`: the metadata of every scope of the run.
        func metadata(_ extra: KeyValuePairs<String, JSONValue> = [:]) -> JSONObject {
            var object = JSONObject()
            if let thread { object["thread_id"] = .string(thread) }
            for (key, value) in extra { object[key] = value }
            return object
        }

        func hasOpenTool(_ id: String) -> Bool { tools.contains { $0.id == id } }

        /// The scope new spans and marks of the run nest under: the open turn, else the root.
        var container: ScopeRef { turn?.scope ?? root }

        // MARK: Run

        mutating func begin(_ envelope: Envelope, into output: inout AdapterOutput) {
            startTime = envelope.when
            if envelope.type == "user_input" { input = AgentSDKAdapter.promptText(envelope.value("content")) }
            output.emit(
                AgentSDKAdapter.startEvent(root, at: envelope.time, input: input, metadata: metadata(), inferred: rootInferred),
                line: envelope.line, timeKnown: envelope.when.known)
            if envelope.type == "start" { startTurn(envelope, into: &output) }
        }

        /// Ends the run at a terminal event: every open span closes with `status` (a done run
        /// leaves open tools unended and ends an open turn without a status, flagged).
        mutating func end(
            _ envelope: Envelope, status: Status, error: ErrorInfo?, runOutput: JSONValue?, extra: JSONObject,
            into output: inout AdapterOutput
        ) {
            let isDone = status == .ok
            if var attempt, attempt.isStreaming {
                attempt.endStream(at: envelope.when)
                self.attempt = attempt
                endAttempt(status: isDone ? .ok : status, error: isDone ? nil : error, line: envelope.line, into: &output)
            } else {
                endAttempt(status: .ok, error: nil, line: envelope.line, into: &output)
            }
            if isDone {
                if !tools.isEmpty {
                    output.warn(
                        "agent-sdk done while \(tools.count) tool call(s) had no tool_call_end (\(tools.map(\.id).joined(separator: ", "))); they are left unended",
                        line: envelope.line)
                }
                tools.removeAll()
            } else {
                closeTools(envelope, status: status, error: error, into: &output)
            }
            if let turn {
                output.emit(
                    AgentSDKAdapter.endEvent(
                        turn.scope, at: envelope.time, status: isDone ? nil : status, error: isDone ? nil : error,
                        metadata: metadata(["turn": .number(JSONNumber(turn.number))]), inferred: isDone ? [.end, .endTime] : []),
                    line: envelope.line, timeKnown: envelope.when.known)
                self.turn = nil
            }
            var runMetadata = metadata()
            runMetadata.members.append(contentsOf: extra.members)
            output.emit(
                AgentSDKAdapter.endEvent(
                    root, at: envelope.time, output: runOutput, status: status, error: error, metadata: runMetadata, inferred: rootInferred),
                line: envelope.line, timeKnown: envelope.when.known)
        }

        /// Closes a run that stopped at `tool_requires_confirmation` and was not resumed: the turn
        /// and the run end at that event with status `awaiting_confirmation` (UNSET), flagged.
        mutating func endAwaitingConfirmation(into output: inout AdapterOutput) {
            guard let suspension else { return }
            let line = suspensionLine
            endAttempt(status: .ok, error: nil, line: line, into: &output)
            if !tools.isEmpty {
                output.warn(
                    "agent-sdk run \(key) awaits confirmation while \(tools.count) tool call(s) have no tool_call_end; they are left unended",
                    line: line)
                tools.removeAll()
            }
            let status = Status.other("awaiting_confirmation")
            if let turn {
                output.emit(
                    AgentSDKAdapter.endEvent(
                        turn.scope, at: suspension.time, status: status, metadata: metadata(["turn": .number(JSONNumber(turn.number))]),
                        inferred: [.end, .endTime]),
                    line: line, timeKnown: suspension.known)
                self.turn = nil
            }
            output.emit(
                AgentSDKAdapter.endEvent(
                    root, at: suspension.time, output: lastText.map(JSONValue.string), status: status, metadata: metadata(),
                    inferred: rootInferred + [.end, .endTime]),
                line: line, timeKnown: suspension.known)
            self.suspension = nil
        }

        /// A run that ends without a terminal event: what is known is emitted (a finished LLM
        /// stream's end; a streaming attempt's start), what is missing stays unended.
        mutating func abandon(line: Int, into output: inout AdapterOutput) {
            if let attempt, attempt.isStreaming {
                startAttemptIfNeeded(line: line, into: &output)
                self.attempt = nil
            } else {
                endAttempt(status: .ok, error: nil, line: line, into: &output)
            }
        }

        // MARK: Turns

        mutating func startTurn(_ envelope: Envelope, into output: inout AdapterOutput) {
            suspension = nil
            let number: Int64
            if let given = envelope.integer("turn") {
                number = given
            } else {
                number = (turn?.number ?? turnStarts.keys.max() ?? 0) + 1
                output.warn("agent-sdk start without an integer turn; taken as turn \(number)", line: envelope.line)
            }
            if let open = turn {
                if open.number == number {
                    let error = ErrorInfo(type: "retried", message: "turn \(number) was started again (a retried turn task)")
                    if var attempt, attempt.isStreaming {
                        attempt.endStream(at: envelope.when)
                        self.attempt = attempt
                    }
                    endAttempt(status: .error, error: error, line: envelope.line, into: &output)
                    closeTools(envelope, status: .error, error: error, into: &output)
                    output.emit(
                        AgentSDKAdapter.endEvent(
                            open.scope, at: envelope.time, status: .error, error: error,
                            metadata: metadata(["turn": .number(JSONNumber(open.number))])),
                        line: envelope.line, timeKnown: envelope.when.known)
                } else {
                    output.warn(
                        "agent-sdk turn \(open.number) has no turn_complete before turn \(number) starts; it is left unended",
                        line: envelope.line)
                    abandon(line: envelope.line, into: &output)
                    tools.removeAll()
                }
                turn = nil
            }
            let count = turnStarts[number, default: 0] + 1
            turnStarts[number] = count
            firstTurn = firstTurn ?? number
            let turnKey = count == 1 ? "\(number)" : "\(number)#\(count)"
            let scope = ScopeRef(uuid: "\(key)/turn/\(turnKey)", parent: root.uuid, name: "agent.turn", category: "function")
            turn = Turn(number: number, key: turnKey, scope: scope)
            attempts = 0
            output.emit(
                AgentSDKAdapter.startEvent(scope, at: envelope.time, metadata: metadata(["turn": .number(JSONNumber(number))])),
                line: envelope.line, timeKnown: envelope.when.known)
            newAttempt(at: envelope.when, inferred: [])
        }

        mutating func completeTurn(_ envelope: Envelope, into output: inout AdapterOutput) {
            suspension = nil
            if var attempt {
                attempt.endStream(at: envelope.when)
                self.attempt = attempt
            }
            let usage = AgentSDKAdapter.normalizedUsage(envelope.value("usage"))
            // Without an LLM call (a resumed confirmed tool), the usage stays on the turn.
            var turnMetadata = metadata(["turn": .number(JSONNumber(turn?.number ?? 0))])
            if attempt == nil, let usage { turnMetadata["usage"] = .object(usage) }
            endAttempt(status: .ok, error: nil, usage: usage, line: envelope.line, into: &output)
            guard let turn else {
                output.warn("agent-sdk turn_complete without an open turn; kept as a mark on the run", line: envelope.line)
                mark(envelope, name: "turn_complete", on: root.uuid, into: &output)
                return
            }
            if let number = envelope.integer("turn"), number != turn.number {
                output.warn(
                    "agent-sdk turn_complete for turn \(number) while turn \(turn.number) is open; it ends turn \(turn.number)",
                    line: envelope.line)
            }
            output.emit(
                AgentSDKAdapter.endEvent(turn.scope, at: envelope.time, status: .ok, metadata: turnMetadata),
                line: envelope.line, timeKnown: envelope.when.known)
            self.turn = nil
        }

        // MARK: LLM attempts

        /// Opens the next LLM attempt of the turn at `when`.
        mutating func newAttempt(at when: When, inferred: [InferredField]) {
            attempts += 1
            let name = model.map { "chat \($0)" } ?? "chat"
            let scope = ScopeRef(uuid: "\(key)/llm/\(turn?.key ?? "run").\(attempts)", parent: container.uuid, name: name, category: "llm")
            var input: JSONValue?
            if let prompt = self.input?.stringValue, turn == nil || turn?.number == firstTurn {
                var request = JSONObject()
                if let model { request["model"] = .string(model) }
                request["messages"] = [["role": "user", "content": .string(prompt)]]
                input = .object(request)
            }
            attempt = LLMAttempt(scope: scope, start: when, startInferred: inferred, input: input)
        }

        /// The open attempt, or a new one starting at `when` (flagged) when the turn has none.
        mutating func ensureAttempt(at when: When) {
            if attempt == nil { newAttempt(at: when, inferred: [.startTime]) }
        }

        var modelProfile: JSONObject {
            var profile = JSONObject()
            if let model { profile["model_name"] = .string(model) }
            return profile
        }

        mutating func startAttemptIfNeeded(line: Int, into output: inout AdapterOutput) {
            guard var attempt, !attempt.started else { return }
            let start = attempt.startWhen
            let inferred = attempt.startInferred + (model == nil ? [] : [.model])
            output.emit(
                AgentSDKAdapter.startEvent(
                    attempt.scope, at: start.time, profile: modelProfile, input: attempt.input, metadata: metadata(), inferred: inferred),
                line: line, timeKnown: start.known)
            attempt.started = true
            self.attempt = attempt
        }

        /// Emits the attempt's end (at its stream's end) with `usage` and its output, and forgets it.
        mutating func endAttempt(status: Status?, error: ErrorInfo?, usage: JSONObject? = nil, line: Int, into output: inout AdapterOutput)
        {
            guard attempt != nil else { return }
            startAttemptIfNeeded(line: line, into: &output)
            guard let attempt else { return }
            self.attempt = nil
            let end = attempt.streamEnd ?? attempt.startWhen
            var profile = modelProfile
            if let usage { profile["usage"] = .object(usage) }
            var endMetadata = metadata()
            endMetadata.members.append(contentsOf: attempt.extraMetadata.members)
            output.emit(
                AgentSDKAdapter.endEvent(
                    attempt.scope, at: end.time, profile: profile, output: attempt.output, status: status, error: error,
                    metadata: endMetadata, inferred: attempt.startInferred + (model == nil ? [] : [.model])),
                line: line, timeKnown: end.known)
        }

        /// Live input: emits a finished attempt that has waited longer than `hold` for its usage
        /// (which then stays on the turn, see `completeTurn`).
        mutating func releaseHeldAttempt(at time: Timestamp, after hold: Int64, line: Int, into output: inout AdapterOutput) {
            guard let end = attempt?.streamEnd, end.known else { return }
            let (waited, overflow) = time.nanosecondsSinceEpoch.subtractingReportingOverflow(end.time.nanosecondsSinceEpoch)
            if !overflow, waited > hold { endAttempt(status: .ok, error: nil, line: line, into: &output) }
        }

        /// A streamed chunk: an `llm.chunk` mark on the attempt.
        mutating func chunk(_ envelope: Envelope, messageID: String, delta: String, thinking: Bool, into output: inout AdapterOutput) {
            ensureAttempt(at: envelope.when)
            guard var attempt else { return }
            if attempt.firstChunk == nil { attempt.firstChunk = envelope.when }
            let block = LLMAttempt.Block(messageID: messageID, text: delta)
            if thinking { attempt.thinkingDeltas.append(block) } else { attempt.textDeltas.append(block) }
            self.attempt = attempt
            startAttemptIfNeeded(line: envelope.line, into: &output)
            mark(
                envelope, name: "llm.chunk", on: attempt.scope.uuid, data: envelope.payload,
                metadata: JSONObject(["stream": .string(thinking ? "thinking" : "text")]), into: &output)
        }

        /// `thinking` or `text` after the stream: content of the attempt's response.
        mutating func content(_ envelope: Envelope, messageID: String, text: String, thinking: Bool) {
            if !thinking { lastText = text }
            ensureAttempt(at: envelope.when)
            attempt?.endStream(at: envelope.when)
            let block = LLMAttempt.Block(messageID: messageID, text: text)
            if thinking { attempt?.thinking.append(block) } else { attempt?.texts.append(block) }
        }

        /// `refusal`: the model refused; the attempt ends `error` `refusal` with the text as its response.
        mutating func refuse(_ envelope: Envelope, text: String?, error: ErrorInfo, into output: inout AdapterOutput) {
            ensureAttempt(at: envelope.when)
            attempt?.endStream(at: envelope.when)
            attempt?.refusal = text
            endAttempt(status: .error, error: error, line: envelope.line, into: &output)
        }

        /// `auto_retry_start`: the attempt failed; the next one starts after the backoff (flagged).
        mutating func retryStart(_ envelope: Envelope, into output: inout AdapterOutput) {
            let message = envelope.string("error_message") ?? "retryable error"
            if attempt != nil {
                attempt?.endStream(at: envelope.when)
                for key in ["attempt", "max_attempts", "delay_ms"] {
                    if let value = envelope.value(key) { attempt?.extraMetadata["retry.\(key)"] = value }
                }
                endAttempt(
                    status: .error, error: ErrorInfo(type: "retryable_error", message: message), line: envelope.line, into: &output)
            }
            newAttempt(at: envelope.when(after: envelope.integer("delay_ms") ?? 0), inferred: [.startTime])
        }

        /// `auto_retry_end`: the stream of the attempt in flight is over; when the budget ran out it failed.
        mutating func retryEnd(_ envelope: Envelope, into output: inout AdapterOutput) {
            ensureAttempt(at: envelope.when)
            attempt?.endStream(at: envelope.when)
            if let value = envelope.value("attempt") { attempt?.extraMetadata["retry.attempts"] = value }
            if envelope.bool("success") == false {
                let message = envelope.string("final_error") ?? "the retry budget ran out"
                endAttempt(
                    status: .error, error: ErrorInfo(type: "retries_exhausted", message: message), line: envelope.line, into: &output)
            }
        }

        // MARK: Tools

        mutating func startTool(_ envelope: Envelope, id: String, name: String, resumed: Bool, into output: inout AdapterOutput) {
            suspension = nil
            if resumed, let attempt, attempt.isEmpty, !attempt.started {
                // A confirmed tool that a new run executes: no model call of this run led to it.
                self.attempt = nil
            } else if attempt != nil {
                attempt?.endStream(at: envelope.when)
                attempt?.toolCalls.append(LLMAttempt.toolCall(id: id, name: name, input: envelope.value("input")))
            }
            var toolKey = id
            var occurrence = 1
            while toolKeys.contains(toolKey) {
                occurrence += 1
                toolKey = "\(id)#\(occurrence)"
            }
            toolKeys.insert(toolKey)
            let scope = ScopeRef(uuid: "\(key)/tool/\(toolKey)", parent: container.uuid, name: name, category: "tool")
            tools.append(OpenTool(id: id, scope: scope))
            output.emit(
                AgentSDKAdapter.startEvent(
                    scope, at: envelope.time, profile: JSONObject(["tool_call_id": .string(id)]),
                    input: envelope.value("input"), metadata: toolMetadata(envelope)),
                line: envelope.line, timeKnown: envelope.when.known)
        }

        func toolMetadata(_ envelope: Envelope) -> JSONObject {
            var object = metadata()
            for key in ["display_name", "tier"] {
                if let value = envelope.value(key) { object[key] = value }
            }
            return object
        }

        mutating func endTool(_ envelope: Envelope, id: String, into output: inout AdapterOutput) {
            let result = envelope.value("result")
            let status: Status?
            var error: ErrorInfo?
            switch result?["success"]?.boolValue {
            case true?:
                status = .ok
            case false?:
                status = .error
                error = ErrorInfo(type: "tool_error", message: AgentSDKAdapter.text(of: result?["output"]) ?? "the tool failed")
            case nil:
                status = nil
                output.warn(
                    "agent-sdk tool_call_end for \(id) without a boolean result.success; its status is left unset", line: envelope.line)
            }
            let scope: ScopeRef
            if let index = tools.firstIndex(where: { $0.id == id }) {
                scope = tools.remove(at: index).scope
            } else {
                output.warn(
                    "agent-sdk tool_call_end for \(id), which did not start in this run; kept as an end without a start",
                    line: envelope.line)
                scope = ScopeRef(
                    uuid: "\(key)/tool/\(id)", parent: container.uuid, name: envelope.string("name") ?? "tool", category: "tool")
            }
            var endMetadata = toolMetadata(envelope)
            for member in subagents[id] ?? JSONObject() where !member.value.isNull {
                let field = member.key.hasPrefix("subagent_") ? String(member.key.dropFirst("subagent_".count)) : member.key
                endMetadata["subagent.\(field)"] = member.value
            }
            output.emit(
                AgentSDKAdapter.endEvent(
                    scope, at: envelope.time, profile: JSONObject(["tool_call_id": .string(id)]),
                    output: result, status: status, error: error, metadata: endMetadata),
                line: envelope.line, timeKnown: envelope.when.known)
        }

        /// Ends every open tool call with `status` at the envelope's time.
        mutating func closeTools(_ envelope: Envelope, status: Status, error: ErrorInfo?, into output: inout AdapterOutput) {
            for tool in tools {
                output.emit(
                    AgentSDKAdapter.endEvent(
                        tool.scope, at: envelope.time,
                        profile: JSONObject(["tool_call_id": .string(tool.id)]),
                        status: status, error: error, metadata: metadata()),
                    line: envelope.line, timeKnown: envelope.when.known)
            }
            tools.removeAll()
        }

        /// `tool_requires_confirmation`: a tool call the model asked for that waits for the user.
        mutating func requireConfirmation(_ envelope: Envelope, id: String, name: String, into output: inout AdapterOutput) {
            if attempt != nil {
                attempt?.endStream(at: envelope.when)
                attempt?.toolCalls.append(LLMAttempt.toolCall(id: id, name: name, input: envelope.value("input")))
            }
            mark(envelope, name: "tool.requires_confirmation", on: container.uuid, category: "guardrail", into: &output)
            suspension = envelope.when
            suspensionLine = envelope.line
        }

        // MARK: Marks

        /// The innermost open span: the last open tool, else a streaming attempt (whose start is
        /// emitted), else the turn, else the root.
        mutating func innermost(line: Int, into output: inout AdapterOutput) -> String {
            if let tool = tools.last { return tool.scope.uuid }
            if let attempt, attempt.isStreaming {
                startAttemptIfNeeded(line: line, into: &output)
                return attempt.scope.uuid
            }
            return container.uuid
        }

        /// A mark made from the envelope (uuid `R/mark/<event_id>`), on `parent`.
        func mark(
            _ envelope: Envelope, name: String, on parent: String, category: String? = nil, data: JSONValue? = nil,
            metadata: JSONObject = JSONObject(), into output: inout AdapterOutput
        ) {
            output.emit(
                AgentSDKAdapter.markEvent(
                    uuid: "\(key)/mark/\(envelope.eventID)", parent: parent, at: envelope.time, name: name, category: category,
                    data: data ?? envelope.payload, metadata: metadata),
                line: envelope.line, timeKnown: envelope.when.known)
        }
    }
}
