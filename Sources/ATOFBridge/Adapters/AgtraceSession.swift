import ATOF

/// What the agtrace adapter remembers of one session while it reads it (adapters.md §5.2).
struct AgtraceSession: Sendable {
    /// An instant and whether the input gave it (false: a placeholder the time pass replaces).
    struct When: Sendable, Hashable {
        var time: Timestamp
        var known: Bool
    }

    /// The open main-stream turn: from a `user` event to the next one (or a `turn_end`).
    struct Turn: Sendable {
        var uuid: String
        var startKnown: Bool
        /// The last `message` text of the turn: its output.
        var lastMessage: String?
    }

    /// An LLM generation being collected: a run of assistant-side events of one stream.
    struct Generation: Sendable {
        var uuid: String
        var parent: String
        /// The request trigger's time (else the first event's own): always an inference.
        var start: When
        var end: When
        var line: Int
        var messageID: String?
        var requestID: String?
        var model: String?
        var texts: [String] = []
        var reasoning: [String] = []
        var toolCalls: [JSONValue] = []
        /// The messages added to the conversation since the stream's previous generation.
        var inputs: [JSONValue]
        var usage: JSONObject?
        var usageKey: String?
        var usageIsPartial = false
    }

    /// A tool call waiting for its result.
    struct Tool: Sendable {
        var name: String
        var parent: String
        var providerCallID: String?
        var startKnown: Bool
    }

    /// A sidechain or subagent stream: one agent scope over all its events.
    struct StreamAgent: Sendable {
        var uuid: String
        var name: String
        var first: When
        var line: Int
        /// The parent scope: the spawning tool named by `tool_result.agent_id` (exact), else the
        /// agent-spawning tool open when the stream began (inferred); nil while neither is known.
        var parent: String?
        /// Whether `parent` was stated by a `tool_result.agent_id`.
        var parentIsExact = false
        var input: String?
        var lastMessage: String?
        var started = false
        var ended = false
    }

    /// What one stream of the session is doing.
    struct StreamState: Sendable {
        var lastEventID: String?
        var lastEvent: When?
        var last: When?
        var lastLine = 0
        /// The open generation (its run not yet broken).
        var current: Generation?
        /// The generation whose run was broken, kept for a late usage sidecar until the next one starts.
        var pending: Generation?
        var inputs: [JSONValue] = []
        var agent: StreamAgent?
    }

    let id: String
    /// Whether the first event's time was given (the root's start).
    let startKnown: Bool
    /// The latest known time of the session.
    var last: When
    var lastLine: Int
    var turn: Turn?
    var streams: [AgtraceRecord.Stream: StreamState] = [:]
    var streamOrder: [AgtraceRecord.Stream] = []
    var openTools: [String: Tool] = [:]
    /// Open agent-spawning tool calls, latest last.
    var openSpawners: [String] = []
    /// `tool_result.agent_id` → the tool call that spawned that agent.
    var spawnedBy: [String: String] = [:]

    init(id: String, first: When, line: Int) {
        self.id = id
        self.startKnown = first.known
        self.last = first
        self.lastLine = line
    }

    /// The metadata every event of the session carries.
    var metadata: JSONObject { JSONObject(["session_id": .string(id)]) }

    /// The scope new work of `stream` belongs to: the open turn (main), the stream's agent, else the session.
    func parent(in stream: AgtraceRecord.Stream) -> String {
        if stream.isMain { return turn?.uuid ?? id }
        return streams[stream]?.agent?.uuid ?? id
    }
}
