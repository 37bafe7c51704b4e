import ATOF
import ATOFBridge
import Testing
import Tracing

@testable import ATOFInstrumentation

/// A carrier of HTTP-like headers for extract and inject.
struct HeaderCarrier: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

extension InstrumentationSuite {
    @Suite("swift-distributed-tracing interop")
    struct TracerTests {
        typealias H = Harness

        @Test("withSpan inside withAgentScope and an ATOF scope inside that span form one trace with the right parents")
        func spanInsideAgentScope() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            await withTracer(ATOFTracer()) {
                await withAgentScope("agent") {
                    await withSpan("plan-step") { span in
                        _ = await withLLMCall(model: "m", provider: "openai") {
                            await Task.yield()
                            return ["model": "m"] as JSONValue
                        }
                    }
                }
            }
            bridge.shutdown()
            let agent = try #require(exporter.span("agent"))
            let step = try #require(exporter.span("plan-step"))
            let llm = try #require(exporter.span("openai.chat"))
            #expect(agent.parentSpanID == nil)
            #expect(step.parentSpanID == agent.spanID && llm.parentSpanID == step.spanID)
            #expect(Set([agent.traceID, step.traceID, llm.traceID]).count == 1)
            #expect(H.attribute(step, "atof.category") == "function" && step.status == .unset)
        }

        @Test("withAgentScope inside withSpan, and a span inside that, form one trace rooted at the span")
        func agentScopeInsideSpan() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let tracer = ATOFTracer()
            await withTracer(tracer) {
                await withSpan("request", ofKind: .server) { _ in
                    await withAgentScope("agent") {
                        await Task.yield()
                        withSpan("inner") { span in span.attributes["gen_ai.operation.name"] = "execute_tool" }
                    }
                }
            }
            bridge.shutdown()
            let request = try #require(exporter.span("request"))
            let agent = try #require(exporter.span("agent"))
            let inner = try #require(exporter.span("inner"))
            #expect(request.parentSpanID == nil && agent.parentSpanID == request.spanID && inner.parentSpanID == agent.spanID)
            #expect(Set([request.traceID, agent.traceID, inner.traceID]).count == 1)
            #expect(H.attribute(inner, "atof.category") == "tool" && H.attribute(inner, "gen_ai.operation.name") == "execute_tool")
        }

        @Test("span attributes choose the category and fill the LLM profile, payloads and token counts")
        func attributesBecomeLLMCall() async throws {
            let log = EventLog()
            let (bridge, exporter) = try H.bridged(.closure { log.append($0) })
            defer { H.reset() }
            let tracer = ATOFTracer()
            tracer.withSpan("chat gpt-4o", ofKind: .client) { span in
                span.attributes["gen_ai.operation.name"] = "chat"
                span.attributes["gen_ai.request.model"] = "gpt-4o"
                span.attributes["gen_ai.provider.name"] = "openai"
                span.attributes["input.value"] = #"{"messages":[{"role":"user","content":"hi"}]}"#
                span.attributes["input.mime_type"] = "application/json"
                span.attributes["app.tenant"] = "acme"
                span.addEvent(SpanEvent(name: "llm.chunk", attributes: ["index": 0]))
                span.attributes["gen_ai.response.model"] = "gpt-4o-2024-08-06"
                span.attributes["gen_ai.usage.input_tokens"] = 7
                span.attributes["gen_ai.usage.output_tokens"] = 2
                span.setStatus(SpanStatus(code: .ok))
            }
            bridge.shutdown()
            let start = try #require(log.start("chat gpt-4o"))
            #expect(start.category == "llm" && start.flags == ["remote"])
            #expect(start.profile == ["model_name": "gpt-4o", "provider": "openai"])
            #expect(start.data == ["messages": [["role": "user", "content": "hi"]]])
            #expect(start.metadata == ["app.tenant": "acme"])
            let end = try #require(log.scope("chat gpt-4o")?.end)
            #expect(end.data == ["model": "gpt-4o-2024-08-06", "usage": ["prompt_tokens": 7, "completion_tokens": 2]])
            #expect(end.metadata == ["app.tenant": "acme", "otel.status_code": "OK"])

            let span = try #require(exporter.span("chat gpt-4o"))
            #expect(span.kind == .client && span.status == .ok)
            #expect(H.intAttribute(span, "gen_ai.usage.input_tokens") == 7 && H.intAttribute(span, "gen_ai.usage.output_tokens") == 2)
            #expect(H.attribute(span, "gen_ai.response.model") == "gpt-4o-2024-08-06")
            #expect(H.attribute(span, "llm.input_messages.0.message.content") == "hi")
            #expect(H.attribute(span, "atof.metadata.app.tenant") == "acme")
            #expect(span.events.map(\.name) == ["llm.chunk"])
            #expect(H.intAttribute(span, "atof.chunk_count") == 1)
        }

        @Test(
            "an error thrown in withSpan ends the span with ERROR and error.type; a cancellation as cancelled; recordError alone keeps the status"
        )
        func spanErrors() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let tracer = ATOFTracer()
            #expect(throws: ToolFailure.self) {
                try tracer.withSpan("failing") { _ in throw ToolFailure(reason: "bad") }
            }
            await #expect(throws: CancellationError.self) {
                try await tracer.withSpan("cancelled") { _ in
                    await Task.yield()
                    throw CancellationError()
                }
            }
            tracer.withSpan("explicit") { span in span.setStatus(SpanStatus(code: .error, message: "quota exceeded")) }
            tracer.withSpan("handled") { span in span.recordError(ToolFailure(reason: "retried")) }
            bridge.shutdown()
            let failing = try #require(exporter.span("failing"))
            #expect(failing.status == .error("tool failed: bad") && H.attribute(failing, "error.type") == "ToolFailure")
            let cancelled = try #require(exporter.span("cancelled"))
            #expect(cancelled.status == .error("cancelled") && H.attribute(cancelled, "error.type") == "cancelled")
            #expect(exporter.span("explicit")?.status == .error("quota exceeded"))
            let handled = try #require(exporter.span("handled"))
            #expect(handled.status == .unset, "recordError alone does not set the status (OpenTelemetry semantics)")
            let exception = try #require(handled.events.first { $0.name == "exception" })
            #expect(exception.attributes.contains(OTLP.Attribute("exception.message", .string("tool failed: retried"))))
        }

        @Test("an extracted traceparent makes the next root scope join the external trace; inject writes the current scope")
        func traceparentExtractAndInject() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let tracer = ATOFTracer()
            let externalTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
            let externalSpan = "00f067aa0ba902b7"
            var context = InstrumentationContext.topLevel
            tracer.extract(
                ["traceparent": "00-\(externalTrace)-\(externalSpan)-01", "tracestate": "vendor=1"], into: &context, using: HeaderCarrier())
            var passedOn: [String: String] = [:]
            tracer.inject(context, into: &passedOn, using: HeaderCarrier())
            #expect(passedOn == ["traceparent": "00-\(externalTrace)-\(externalSpan)-01", "tracestate": "vendor=1"])

            var outgoing: [String: String] = [:]
            await InstrumentationContext.withValue(context) {
                await withAgentScope("handler") {
                    _ = await withToolCall(name: "call-downstream") {
                        await Task.yield()
                        tracer.inject(InstrumentationContext.current ?? .topLevel, into: &outgoing, using: HeaderCarrier())
                        return "ok"
                    }
                }
            }
            bridge.shutdown()
            let handler = try #require(exporter.span("handler"))
            let downstream = try #require(exporter.span("call-downstream"))
            #expect(handler.traceID.hex == externalTrace)
            #expect(handler.parentSpanID?.hex == externalSpan)
            #expect(handler.traceState == "vendor=1")
            #expect(downstream.traceID.hex == externalTrace && downstream.parentSpanID == handler.spanID)
            #expect(outgoing == ["traceparent": "00-\(externalTrace)-\(downstream.spanID.hex)-01", "tracestate": "vendor=1"])
        }

        @Test("a malformed traceparent is ignored and the scope starts its own trace")
        func malformedTraceparentIgnored() async throws {
            let log = try H.capture()
            defer { H.reset() }
            var context = InstrumentationContext.topLevel
            ATOFTracer().extract(
                ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"], into: &context, using: HeaderCarrier())
            InstrumentationContext.withValue(context) { withAgentScope("alone") {} }
            #expect(log.start("alone")?.metadata == nil)
        }

        @Test("without subscribers the tracer's spans do not record and keep the caller's context")
        func tracerWithoutSubscribers() {
            H.reset()
            let span = ATOFTracer().startSpan("idle")
            #expect(!span.isRecording && span.atofUUID == nil && span.context[ScopeKey.self] == nil)
            span.end()
        }
    }
}
