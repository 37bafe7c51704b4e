import ATOFBridge
import BenchSupport

/// The swift-otel scenario's spans (otel-bench's `TurnSpans`), made as `OTLP.Span` values for
/// `Bridge.receive(spans:)`: per turn an agent span holding an LLM call (one `llm.chunk` span
/// event) and two tool calls, each with the same 8 string attributes, status OK, the same names
/// and kinds, random ids and wall-clock times, like a tracer's. What is measured is the same work
/// as swift-otel's: make the spans, queue them, batch, encode and post them; the bridge's ATOF
/// mapping is not involved (the full-mapping scenario measures that).
struct EqualContentSpans {
    private struct Variant {
        var agentInput, agentOutput, request, response, searchInput: String
    }

    private let variants: [Variant]
    private let chunkAttributes: [OTLP.Attribute] = [
        OTLP.Attribute("chunk_index", .int(0)), OTLP.Attribute("provider", .string("openai")),
    ]

    init() {
        // The same strings as otel-bench's TurnSpans (kept in step by hand: they are two executables).
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

    /// Runs turn `turn`: each span is made when its work ends and handed to `emit` at once (as a
    /// tracer ends a span); `leaf` receives how long each leaf took, making and handing over
    /// included (LLM, tool, tool).
    func run(turn: Int, emit: (OTLP.Span) -> Void, leaf: (UInt64) -> Void) {
        let ids = AgentWorkload.uuids(ofTurn: turn)
        let variant = variants[turn % variants.count]
        var random = SystemRandomNumberGenerator()
        let traceID = OTLP.TraceID(high: random.next(), low: random.next())
        let agentID = OTLP.SpanID(random.next())
        let agentStart = wallClockNanoseconds()

        var start = monotonicNanoseconds()
        let llmStart = wallClockNanoseconds()
        var llm = Self.span(
            traceID, OTLP.SpanID(random.next()), agentID, "openai.chat", .client, llmStart,
            [
                ids.llm, ids.agent, "llm", "LLM", "chat", variant.request, variant.response,
            ], ("gen_ai.request.model", "gpt-4o"))
        llm.events = [OTLP.SpanEvent(name: "llm.chunk", timeUnixNano: wallClockNanoseconds(), attributes: chunkAttributes)]
        llm.endTimeUnixNano = wallClockNanoseconds()
        emit(llm)
        var end = monotonicNanoseconds()
        leaf(end &- start)

        start = end
        var search = Self.span(
            traceID, OTLP.SpanID(random.next()), agentID, "search", .internal, wallClockNanoseconds(),
            [ids.tool1, ids.agent, "tool", "TOOL", "execute_tool", variant.searchInput, "{\"hits\":3}"], ("tool.name", "search"))
        search.endTimeUnixNano = wallClockNanoseconds()
        emit(search)
        end = monotonicNanoseconds()
        leaf(end &- start)

        start = end
        var calculator = Self.span(
            traceID, OTLP.SpanID(random.next()), agentID, "calculator", .internal, wallClockNanoseconds(),
            [ids.tool2, ids.agent, "tool", "TOOL", "execute_tool", "{\"expr\":\"6*7\"}", "42"], ("tool.name", "calculator"))
        calculator.endTimeUnixNano = wallClockNanoseconds()
        emit(calculator)
        leaf(monotonicNanoseconds() &- start)

        var agent = Self.span(
            traceID, agentID, nil, "planner", .internal, agentStart,
            [ids.agent, AgentWorkload.rootUUID, "agent", "AGENT", "invoke_agent", variant.agentInput, variant.agentOutput],
            ("gen_ai.agent.name", "planner"))
        agent.endTimeUnixNano = wallClockNanoseconds()
        emit(agent)
    }

    /// The keys of the first seven attributes, in swift-otel's order; the eighth names the span.
    private static let keys = [
        "atof.uuid", "atof.parent_uuid", "atof.category", "openinference.span.kind", "gen_ai.operation.name", "input.value",
        "output.value",
    ]

    @inline(__always)
    private static func span(
        _ traceID: OTLP.TraceID, _ spanID: OTLP.SpanID, _ parent: OTLP.SpanID?, _ name: String, _ kind: OTLP.SpanKind,
        _ start: UInt64, _ values: [String], _ named: (key: String, value: String)
    ) -> OTLP.Span {
        var attributes: [OTLP.Attribute] = []
        attributes.reserveCapacity(8)
        for (key, value) in zip(keys, values) { attributes.append(OTLP.Attribute(key, .string(value))) }
        attributes.append(OTLP.Attribute(named.key, .string(named.value)))
        return OTLP.Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, name: name, kind: kind, startTimeUnixNano: start,
            endTimeUnixNano: start, attributes: attributes, status: .ok)
    }
}
