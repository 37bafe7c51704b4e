/// Which format an input's lines are read as: detected per line (`auto`), or forced (`--from`).
public enum InputFormat: String, Sendable, Hashable, CaseIterable {
    /// Each line's format is detected (adapters.md §1.2): ATOF, or one of the ``ForeignFormat``s.
    case auto
    /// ATOF only: every line is decoded as an ATOF event, nothing is detected.
    case atof
    /// enact-core `StreamEvent` objects only.
    case enact
    /// agent-sdk `AgentEventEnvelope` lines only.
    case agentSDK = "agent-sdk"
    /// Open Responses stream events only.
    case openResponses = "open-responses"
    /// agtrace session events only.
    case agtrace

    /// The foreign format forced, if this is one.
    public var foreignFormat: ForeignFormat? { ForeignFormat(rawValue: rawValue) }
}

/// How an input is read: its format and what the foreign formats leave out.
public struct InputOptions: Sendable, Hashable {
    /// The lines' format: `auto` detects it per line. Environment: `ATOF_BRIDGE_INPUT_FORMAT`
    /// (`auto`, `atof`, `enact`, `agent-sdk`, `open-responses`, `agtrace`). Default `auto`.
    public var format: InputFormat
    /// The model named on the LLM spans of a format that never names one (agent-sdk); the spans
    /// then list `model` in `atof.inferred`. Environment: `ATOF_BRIDGE_MODEL`. Default `nil`.
    public var model: String?

    /// Options with the given values (by default: detect, no model).
    public init(format: InputFormat = .auto, model: String? = nil) {
        self.format = format
        self.model = model
    }
}
