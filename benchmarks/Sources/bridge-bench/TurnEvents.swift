import ATOF
import BenchSupport

/// Builds the 9 ATOF events of one agent turn, the shape `generate_atof.py` writes: fresh uuids
/// and timestamps every turn, payloads taken from a ring of pre-built variants (their content is
/// the generator's, numbered by variant) so that making events costs little next to the bridge.
struct TurnEvents {
    private struct Payloads {
        var agentInput, agentOutput, request, response, searchInput, searchProfile: JSONValue
    }

    private static let baseMicroseconds: Int64 = 1_767_225_600_000_000
    private let payloads: [Payloads]
    private let llmProfile: JSONValue = ["model_name": "gpt-4o"]
    private let emptyProfile: JSONValue = .object(JSONObject())
    private let session: JSONValue = ["session_id": "bench"]
    private let statusOK: JSONValue = ["otel.status_code": "OK"]
    private let chunkData: JSONValue = ["chunk_index": 0, "provider": "openai"]
    private let calculatorInput: JSONValue = ["expr": "6*7"]
    private let calculatorOutput: JSONValue = 42
    private let searchOutput: JSONValue = ["hits": 3]
    private let streaming = ["streaming"]

    init() {
        payloads = (1...AgentWorkload.payloadVariants).map { variant in
            let number = JSONValue.number(JSONNumber(Int64(variant)))
            return Payloads(
                agentInput: ["question": number],
                agentOutput: ["answer": number],
                request: [
                    "headers": .object(JSONObject()),
                    "content": [
                        "model": "gpt-4o",
                        "messages": [
                            ["role": "system", "content": "You are a planner."],
                            ["role": "user", "content": .string("question \(variant)")],
                        ],
                        "temperature": 0.2,
                    ],
                ],
                response: [
                    "id": .string("chatcmpl-\(variant)"),
                    "model": "gpt-4o-2024",
                    "choices": [
                        [
                            "index": 0, "finish_reason": "stop",
                            "message": ["role": "assistant", "content": .string("answer \(variant)")],
                        ]
                    ],
                    "usage": ["prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49],
                ],
                searchInput: ["q": .string("term \(variant)")],
                searchProfile: ["tool_call_id": .string("call_\(variant)a")])
        }
    }

    /// Replaces `events` with turn `turn`'s (0-based) nine events, in the generator's order.
    func make(turn: Int, into events: inout [Event]) {
        events.removeAll(keepingCapacity: true)
        let ids = AgentWorkload.uuids(ofTurn: turn)
        let root = AgentWorkload.rootUUID
        let payload = payloads[turn % payloads.count]
        // Eight scope events 150 µs apart; the mark 50 µs after the LLM start.
        let start = Self.baseMicroseconds + Int64(turn) * 8 * 150
        func at(_ step: Int64, plus extra: Int64 = 0) -> Timestamp {
            let micros = start + step * 150 + extra
            return (try? Timestamp(epochMicroseconds: micros)) ?? Timestamp(nanosecondsSinceEpoch: micros * 1000)
        }
        events.append(
            Event(
                family: .v0_1, kind: .scopeStart, uuid: ids.agent, parentUUID: root, timestamp: at(1), name: "planner", category: "agent",
                data: payload.agentInput, metadata: session))
        events.append(
            Event(
                family: .v0_1, kind: .scopeStart, uuid: ids.llm, parentUUID: ids.agent, timestamp: at(2), name: "openai.chat",
                category: "llm", flags: streaming, profile: llmProfile, data: payload.request))
        events.append(
            Event(
                family: .v0_1, kind: .mark, uuid: ids.chunk, parentUUID: ids.llm, timestamp: at(2, plus: 50), name: "llm.chunk",
                data: chunkData))
        events.append(
            Event(
                family: .v0_1, kind: .scopeEnd, uuid: ids.llm, parentUUID: ids.agent, timestamp: at(3), name: "openai.chat",
                category: "llm", flags: streaming, profile: llmProfile, data: payload.response, metadata: statusOK))
        events.append(
            Event(
                family: .v0_1, kind: .scopeStart, uuid: ids.tool1, parentUUID: ids.agent, timestamp: at(4), name: "search",
                category: "tool", profile: payload.searchProfile, data: payload.searchInput))
        events.append(
            Event(
                family: .v0_1, kind: .scopeEnd, uuid: ids.tool1, parentUUID: ids.agent, timestamp: at(5), name: "search", category: "tool",
                profile: payload.searchProfile, data: searchOutput, metadata: statusOK))
        events.append(
            Event(
                family: .v0_1, kind: .scopeStart, uuid: ids.tool2, parentUUID: ids.agent, timestamp: at(6), name: "calculator",
                category: "tool", profile: emptyProfile, data: calculatorInput))
        events.append(
            Event(
                family: .v0_1, kind: .scopeEnd, uuid: ids.tool2, parentUUID: ids.agent, timestamp: at(7), name: "calculator",
                category: "tool", profile: emptyProfile, data: calculatorOutput, metadata: statusOK))
        events.append(
            Event(
                family: .v0_1, kind: .scopeEnd, uuid: ids.agent, parentUUID: root, timestamp: at(8), name: "planner", category: "agent",
                data: payload.agentOutput, metadata: statusOK))
    }
}
