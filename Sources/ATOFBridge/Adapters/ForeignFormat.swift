/// An agent event stream other than ATOF that atof-bridge reads by translating each line into ATOF
/// 0.2 events before assembly (README, "Other agent event streams"; docs/formats/).
public enum ForeignFormat: String, Sendable, Hashable, CaseIterable {
    /// enact-core `StreamEvent` objects (`"type": "data-…"`), usually as an SSE stream.
    case enact
    /// agent-sdk `AgentEventEnvelope` lines (`event_id`, `sequence`, `timestamp`, `type`).
    case agentSDK = "agent-sdk"
    /// Open Responses stream events (`"type": "response.…"`), as vtcode writes them.
    case openResponses = "open-responses"
    /// agtrace normalized session events (`session_id`, `stream_id`, `content`).
    case agtrace
}
