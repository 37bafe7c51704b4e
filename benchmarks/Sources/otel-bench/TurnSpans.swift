import BenchSupport
import Tracing

/// One agent turn through swift-distributed-tracing's `withSpan`, the shape of the ATOF workload:
/// agent → LLM call (one `llm.chunk` span event) → two tool calls, each span with the same 8
/// string attributes the bridge's mapping gives these scopes (ids, category, OpenInference kind,
/// GenAI operation, input, output, name) and status OK. Span kinds as the bridge maps them:
/// agent and tools internal, the LLM call client.
struct TurnSpans: Sendable {
    private struct Variant: Sendable {
        var agentInput, agentOutput, request, response, searchInput: String
    }

    private let variants: [Variant]

    init() {
        variants = (1...AgentWorkload.payloadVariants).map { variant in
            Variant(
                agentInput: "{\"question\":\(variant)}",
                agentOutput: "{\"answer\":\(variant)}",
                request:
                    "{\"headers\":{},\"content\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a planner.\"},{\"role\":\"user\",\"content\":\"question \(variant)\"}],\"temperature\":0.2}}",
                response:
                    "{\"id\":\"chatcmpl-\(variant)\",\"model\":\"gpt-4o-2024\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"answer \(variant)\"}}],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":7,\"total_tokens\":49}}",
                searchInput: "{\"q\":\"term \(variant)\"}")
        }
    }

    /// The per-turn values (fresh uuids), made before the spans so that they can be costed alone.
    func values(ofTurn turn: Int) -> (ids: (agent: String, llm: String, chunk: String, tool1: String, tool2: String), variant: Int) {
        (AgentWorkload.uuids(ofTurn: turn), turn % variants.count)
    }

    /// Runs turn `turn`; `leaf` receives the duration of each leaf `withSpan` (LLM, tool, tool).
    func run(turn: Int, leaf: (UInt64) -> Void) {
        let (ids, index) = values(ofTurn: turn)
        let variant = variants[index]
        withSpan("planner", ofKind: .internal) { agent in
            Self.set(
                agent, ids.agent, AgentWorkload.rootUUID, "agent", "AGENT", "invoke_agent", variant.agentInput, variant.agentOutput,
                ("gen_ai.agent.name", "planner"))
            var start = monotonicNanoseconds()
            withSpan("openai.chat", ofKind: .client) { llm in
                Self.set(
                    llm, ids.llm, ids.agent, "llm", "LLM", "chat", variant.request, variant.response, ("gen_ai.request.model", "gpt-4o"))
                llm.addEvent(SpanEvent(name: "llm.chunk", attributes: ["chunk_index": 0, "provider": "openai"]))
            }
            var end = monotonicNanoseconds()
            leaf(end &- start)
            start = end
            withSpan("search", ofKind: .internal) { tool in
                Self.set(
                    tool, ids.tool1, ids.agent, "tool", "TOOL", "execute_tool", variant.searchInput, "{\"hits\":3}", ("tool.name", "search")
                )
            }
            end = monotonicNanoseconds()
            leaf(end &- start)
            start = end
            withSpan("calculator", ofKind: .internal) { tool in
                Self.set(
                    tool, ids.tool2, ids.agent, "tool", "TOOL", "execute_tool", "{\"expr\":\"6*7\"}", "42", ("tool.name", "calculator"))
            }
            leaf(monotonicNanoseconds() &- start)
        }
    }

    @inline(__always)
    private static func set(
        _ span: any Span, _ uuid: String, _ parent: String, _ category: String, _ kind: String, _ operation: String,
        _ input: String, _ output: String, _ name: (key: String, value: String)
    ) {
        span.updateAttributes { attributes in
            attributes.set("atof.uuid", value: .string(uuid))
            attributes.set("atof.parent_uuid", value: .string(parent))
            attributes.set("atof.category", value: .string(category))
            attributes.set("openinference.span.kind", value: .string(kind))
            attributes.set("gen_ai.operation.name", value: .string(operation))
            attributes.set("input.value", value: .string(input))
            attributes.set("output.value", value: .string(output))
            attributes.set(name.key, value: .string(name.value))
        }
        span.setStatus(SpanStatus(code: .ok))
    }
}
