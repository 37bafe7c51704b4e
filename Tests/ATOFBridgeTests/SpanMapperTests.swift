import ATOF
import Testing

@testable import ATOFBridge

@Suite struct SpanMapperTests {
    typealias F = MappingFixtures

    struct ProfileRow: Sendable, CustomTestStringConvertible {
        var category: String
        var kind: OTLP.SpanKind
        var operation: String?
        var openInference: String
        var testDescription: String { category }
    }

    static let profileRows: [ProfileRow] = [
        ProfileRow(category: "agent", kind: .internal, operation: "invoke_agent", openInference: "AGENT"),
        ProfileRow(category: "function", kind: .internal, operation: nil, openInference: "CHAIN"),
        ProfileRow(category: "llm", kind: .client, operation: "chat", openInference: "LLM"),
        ProfileRow(category: "tool", kind: .internal, operation: "execute_tool", openInference: "TOOL"),
        ProfileRow(category: "retriever", kind: .client, operation: "retrieval", openInference: "RETRIEVER"),
        ProfileRow(category: "embedder", kind: .client, operation: "embeddings", openInference: "EMBEDDING"),
        ProfileRow(category: "reranker", kind: .client, operation: nil, openInference: "RERANKER"),
        ProfileRow(category: "guardrail", kind: .internal, operation: nil, openInference: "GUARDRAIL"),
        ProfileRow(category: "evaluator", kind: .internal, operation: nil, openInference: "EVALUATOR"),
        ProfileRow(category: "custom", kind: .internal, operation: nil, openInference: "CHAIN"),
        ProfileRow(category: "unknown", kind: .internal, operation: nil, openInference: "CHAIN"),
        ProfileRow(category: "nvidia.tool-bundle", kind: .internal, operation: nil, openInference: "CHAIN"),
    ]

    // MARK: Profiles and kinds

    @Test(arguments: profileRows)
    func eachCategoryGetsTheKindAndOperationOfItsProfileRow(row: ProfileRow) throws {
        let span = try F.span(start: F.v01("start", category: row.category), end: F.v01("end", category: row.category))
        #expect(span.kind == row.kind)
        #expect(span[attribute: "openinference.span.kind"] == .string(row.openInference))
        #expect(span[attribute: "gen_ai.operation.name"] == row.operation.map(OTLP.AttributeValue.string))
        #expect(span[attribute: "atof.category"] == .string(row.category))
    }

    @Test(arguments: profileRows)
    func zeroTwoScopeTypeGetsTheSameProfileRow(row: ProfileRow) throws {
        let span = try F.span(start: F.v02Start(scopeType: row.category), end: F.v02End(scopeType: row.category))
        #expect(span.kind == row.kind)
        #expect(span[attribute: "openinference.span.kind"] == .string(row.openInference))
        #expect(span[attribute: "gen_ai.operation.name"] == row.operation.map(OTLP.AttributeValue.string))
    }

    @Test(arguments: ["agent", "function", "tool", "guardrail", "custom", "whatever"])
    func remoteFlagMakesAnyCategoryClient(category: String) throws {
        let span01 = try F.span(
            start: F.v01("start", category: category, attributes: #"["parallel","remote"]"#),
            end: F.v01("end", category: category, attributes: #"["parallel","remote"]"#))
        #expect(span01.kind == .client)
        let span02 = try F.span(
            start: F.v02Start(scopeType: category, flags: #"["remote"]"#), end: F.v02End(scopeType: category, flags: #"["remote"]"#))
        #expect(span02.kind == .client)
    }

    @Test func profileTableResolvesSubtypeBeforeCategoryAndRemoteAfterLookup() {
        var table = CategoryProfileTable.standard
        table["custom:nvidia.speculative_decode"] = CategoryProfile(
            spanKind: .internal, genAIOperationName: "chat", openInferenceSpanKind: "LLM")
        #expect(table.profile(category: "custom", subtype: "nvidia.speculative_decode", flags: []).openInferenceSpanKind == "LLM")
        #expect(table.profile(category: "custom", subtype: "other", flags: []) == table.fallback)
        #expect(table.profile(category: nil, subtype: nil, flags: []) == table.fallback)
        #expect(table.profile(category: "custom", subtype: "nvidia.speculative_decode", flags: ["remote"]).spanKind == .client)
        table["custom:nvidia.speculative_decode"] = nil
        #expect(table.profile(category: "custom", subtype: "nvidia.speculative_decode", flags: []) == table.fallback)
    }

    @Test func customSubtypeProfileIsUsedAndSubtypeIsRecorded() throws {
        var options = MappingOptions()
        options.categoryProfiles["custom:nvidia.speculative_decode"] = CategoryProfile(
            spanKind: .client, genAIOperationName: "generate_content", openInferenceSpanKind: "LLM")
        let profile = #"{"subtype":"nvidia.speculative_decode","model_name":"m-1"}"#
        let span = try F.span(
            start: F.v01("start", category: "custom", profile: profile), end: F.v01("end", category: "custom", profile: profile),
            options: options)
        #expect(span.kind == .client)
        #expect(span[attribute: "gen_ai.operation.name"] == "generate_content")
        #expect(span[attribute: "openinference.span.kind"] == "LLM")
        #expect(span[attribute: "atof.subtype"] == "nvidia.speculative_decode")
        #expect(span[attribute: "gen_ai.request.model"] == "m-1")
    }

    @Test func replacedCategoryAndFallbackProfilesAreUsed() throws {
        var options = MappingOptions()
        options.categoryProfiles["function"] = CategoryProfile(
            spanKind: .server, genAIOperationName: "invoke_workflow", openInferenceSpanKind: "CHAIN")
        options.categoryProfiles.fallback = CategoryProfile(spanKind: .producer, genAIOperationName: nil, openInferenceSpanKind: "PROMPT")
        let function = try F.span(start: F.v01("start"), end: F.v01("end"), options: options)
        #expect(function.kind == .server)
        #expect(function[attribute: "gen_ai.operation.name"] == "invoke_workflow")
        let other = try F.span(start: F.v01("start", category: "mystery"), end: F.v01("end", category: "mystery"), options: options)
        #expect(other.kind == .producer)
        #expect(other[attribute: "openinference.span.kind"] == "PROMPT")
    }

    // MARK: Name, times, ids

    @Test func spanTakesNameTimesAndIdsFromTheScope() throws {
        let identity = AssembledScope.Identity(
            traceID: F.traceID, spanID: F.spanID, parentSpanID: F.parentSpanID, traceState: "vendor=1", flags: 0x301)
        let scope = try F.scope(
            start: F.v01("start", name: "openai.chat plan", timestamp: "2026-11-21T12:00:05.172288002+00:00"),
            end: F.v01("end", name: "openai.chat plan", timestamp: "2026-11-21T12:00:05.176583385+00:00"),
            identity: identity)
        let span = SpanMapper().span(for: scope)
        #expect(span.name == "openai.chat plan")
        #expect(span.startTimeUnixNano == 1_795_262_405_172_288_002)
        #expect(span.endTimeUnixNano == 1_795_262_405_176_583_385)
        #expect(span.traceID == F.traceID)
        #expect(span.spanID == F.spanID)
        #expect(span.parentSpanID == F.parentSpanID)
        #expect(span.traceState == "vendor=1")
        #expect(span.flags == 0x301)
    }

    @Test func unmatchedEndTakesNameCategoryAndFlagsFromTheEnd() throws {
        let span = try F.span(
            start: nil, end: F.v01("end", name: "late", category: "tool", attributes: #"["remote"]"#), anomalies: .unmatchedEnd)
        #expect(span.name == "late")
        #expect(span.kind == .client)
        #expect(span[attribute: "atof.category"] == "tool")
        #expect(span[attribute: "atof.flags"] == .stringArray(["remote"]))
        #expect(span[attribute: "atof.unmatched_end"] == .bool(true))
        #expect(span.startTimeUnixNano == span.endTimeUnixNano)
    }

    // MARK: atof.*

    @Test func atofAttributesLinkBackToTheEvents() throws {
        let span = try F.span(
            start: F.v01(
                "start", uuid: "01a1fdfa-5a34-7350-b758-610a8a3b5e4e", parent: #""01a1fdfa-5a34-7350-b758-60e476203cbd""#,
                attributes: #"["parallel","relocatable"]"#, dataSchema: #"{"name":"demo.step","version":"1"}"#),
            end: F.v01("end", uuid: "01a1fdfa-5a34-7350-b758-610a8a3b5e4e", parent: #""01a1fdfa-5a34-7350-b758-60e476203cbd""#))
        #expect(span[attribute: "atof.uuid"] == "01a1fdfa-5a34-7350-b758-610a8a3b5e4e")
        #expect(span[attribute: "atof.parent_uuid"] == "01a1fdfa-5a34-7350-b758-60e476203cbd")
        #expect(span[attribute: "atof.category"] == "function")
        #expect(span[attribute: "atof.flags"] == .stringArray(["parallel", "relocatable"]))
        #expect(span[attribute: "atof.version"] == "0.1")
        #expect(span[attribute: "atof.data_schema.name"] == "demo.step")
        #expect(span[attribute: "atof.data_schema.version"] == "1")
    }

    @Test func optionalAtofAttributesAndAnomalyMarkersAreLeftOutWhenAbsent() throws {
        let span = try F.span(start: F.v02Start(), end: F.v02End())
        #expect(span[attribute: "atof.version"] == "0.2")
        for key in [
            "atof.parent_uuid", "atof.flags", "atof.subtype", "atof.data_schema.name", "atof.unended", "atof.unmatched_end",
            "atof.duplicate_start", "atof.clock_skew", "atof.mark.orphan", "atof.chunk_count", "atof.status", "atof.truncated_attributes",
            "metadata",
        ] {
            #expect(span[attribute: key] == nil, "\(key)")
        }
        #expect(!span.hasAttribute(prefixed: "atof.metadata"))
    }

    @Test(arguments: [
        (AssembledScope.Anomalies.unended, "atof.unended"),
        (.unmatchedEnd, "atof.unmatched_end"),
        (.duplicateStart, "atof.duplicate_start"),
        (.clockSkew, "atof.clock_skew"),
    ])
    func anomalyMarkerIsTrueWhenItApplies(anomaly: AssembledScope.Anomalies, key: String) throws {
        let span = try F.span(
            start: anomaly == .unmatchedEnd ? nil : F.v01("start"),
            end: anomaly == .unended || anomaly == .duplicateStart ? nil : F.v01("end"),
            anomalies: anomaly)
        #expect(span[attribute: key] == .bool(true))
        let others = ["atof.unended", "atof.unmatched_end", "atof.duplicate_start", "atof.clock_skew"].filter { $0 != key }
        for other in others { #expect(span[attribute: other] == nil) }
    }

    @Test func metadataIsMergedWithEndWinningAndScalarsKeepTheirType() throws {
        let span = try F.span(
            start: F.v01("start", metadata: #"{"a":1,"b":"x","c":true,"keep":1.5,"gone":"start","dup":1,"dup":2}"#),
            end: F.v01("end", metadata: #"{"a":2,"obj":{"k":[1,"2"]},"arr":[1,2],"gone":null,"exp":1e3,"huge":123456789012345678901234}"#))
        #expect(span[attribute: "atof.metadata.a"] == .int(2))
        #expect(span[attribute: "atof.metadata.b"] == .string("x"))
        #expect(span[attribute: "atof.metadata.c"] == .bool(true))
        #expect(span[attribute: "atof.metadata.keep"] == .double(1.5))
        #expect(span[attribute: "atof.metadata.obj"] == .string(#"{"k":[1,"2"]}"#))
        #expect(span[attribute: "atof.metadata.arr"] == .string("[1,2]"))
        #expect(span[attribute: "atof.metadata.exp"] == .double(1000))
        #expect(span[attribute: "atof.metadata.huge"] == .double(1.2345678901234568e23))
        #expect(span[attribute: "atof.metadata.gone"] == nil)
        #expect(span[attribute: "atof.metadata.dup"] == .int(2))
        #expect(
            span[attribute: "metadata"]
                == .string(
                    #"{"a":2,"b":"x","c":true,"keep":1.5,"gone":null,"dup":2,"obj":{"k":[1,"2"]},"arr":[1,2],"exp":1e3,"huge":123456789012345678901234}"#
                ))
        #expect(span.attributeKeys.filter { $0 == "metadata" }.count == 1)
    }

    @Test func nonObjectMetadataIsKeptWhole() throws {
        let span = try F.span(start: F.v01("start", metadata: #"{"a":1}"#), end: F.v01("end", metadata: #"["x"]"#))
        #expect(span[attribute: "atof.metadata"] == .string(#"["x"]"#))
        #expect(span[attribute: "atof.metadata.a"] == nil)
        #expect(span[attribute: "metadata"] == nil)
    }

    // MARK: OpenInference payloads, tools, agents, sessions

    @Test func stringPayloadIsPlainTextAndOtherPayloadsAreCompactJSON() throws {
        let span = try F.span(start: F.v02Start(input: #""what is 2+2?""#), end: F.v02End(output: #"{"answer": 4, "ok": true}"#))
        #expect(span[attribute: "input.value"] == "what is 2+2?")
        #expect(span[attribute: "input.mime_type"] == "text/plain")
        #expect(span[attribute: "output.value"] == #"{"answer":4,"ok":true}"#)
        #expect(span[attribute: "output.mime_type"] == "application/json")

        let zeroOne = try F.span(start: F.v01("start", data: "7"), end: F.v01("end", data: "null"))
        #expect(zeroOne[attribute: "input.value"] == "7")
        #expect(zeroOne[attribute: "input.mime_type"] == "application/json")
        #expect(zeroOne[attribute: "output.value"] == nil)
        #expect(zeroOne[attribute: "output.mime_type"] == nil)
    }

    @Test func toolSpanCarriesToolNameParametersAndCallID() throws {
        let span = try F.span(
            start: F.v01("start", name: "manual_tool", category: "tool", profile: #"{"tool_call_id":"call_123"}"#, data: #"{"a": 1}"#),
            end: F.v01("end", name: "manual_tool", category: "tool", profile: #"{"tool_call_id":"call_123"}"#, data: #"{"ok":true}"#))
        #expect(span[attribute: "tool.name"] == "manual_tool")
        #expect(span[attribute: "tool.parameters"] == #"{"a":1}"#)
        #expect(span[attribute: "tool_call.id"] == "call_123")
        #expect(span[attribute: "gen_ai.tool.name"] == "manual_tool")
        #expect(span[attribute: "gen_ai.tool.call.id"] == "call_123")
        #expect(span[attribute: "gen_ai.agent.name"] == nil)
    }

    @Test func zeroTwoToolProfileGivesCallIDAndArgumentsWhenInputIsAbsent() throws {
        let profile =
            #"{"$schema":"nvidia/tools.v1","$version":"1.0","tool_call_id":"call_9","function_name":"search","arguments":{"q":"x"}}"#
        let span = try F.span(
            start: F.v02Start(name: "search", scopeType: "tool", profile: profile),
            end: F.v02End(name: "search", scopeType: "tool", profile: profile))
        #expect(span[attribute: "tool.parameters"] == #"{"q":"x"}"#)
        #expect(span[attribute: "tool_call.id"] == "call_9")
        #expect(span[attribute: "gen_ai.tool.call.id"] == "call_9")
    }

    @Test func agentSpanCarriesAgentNameAndID() throws {
        let span = try F.span(
            start: F.v01("start", uuid: "agent-7", name: "planner", category: "agent"),
            end: F.v01("end", uuid: "agent-7", name: "planner", category: "agent"))
        #expect(span[attribute: "gen_ai.agent.name"] == "planner")
        #expect(span[attribute: "gen_ai.agent.id"] == "agent-7")
        #expect(span[attribute: "tool.name"] == nil)
    }

    @Test func sessionAndUserIDsComeFromTheFirstMetadataKeyFound() throws {
        let span = try F.span(
            start: F.v01("start", metadata: #"{"thread_id":"t-1","sessionId":"s-2","userId":"u-2","user.id":"u-1"}"#),
            end: F.v01("end", metadata: #"{"session_id":"s-1"}"#))
        #expect(span[attribute: "session.id"] == "s-1")
        #expect(span[attribute: "gen_ai.conversation.id"] == "s-1")
        #expect(span[attribute: "user.id"] == "u-1")

        let numeric = try F.span(start: F.v01("start", metadata: #"{"conversation_id":42}"#), end: F.v01("end"))
        #expect(numeric[attribute: "session.id"] == "42")
        let none = try F.span(start: F.v01("start", metadata: #"{"session":"s1"}"#), end: F.v01("end"))
        #expect(none[attribute: "session.id"] == nil)
        #expect(none[attribute: "gen_ai.conversation.id"] == nil)
    }

    // MARK: Group switches

    static let richLLMStart = F.v01(
        "start", name: "openai.chat", category: "llm",
        profile:
            #"{"model_name":"gpt-4o","annotated_request":{"api_specific":{"api":"openai_chat"},"messages":[{"role":"user","content":"hi"}],"params":{"temperature":0.2}}}"#,
        data: #"{"headers":{},"content":{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}}"#,
        metadata: #"{"session_id":"s-1","user_id":"u-1"}"#)
    static let richLLMEnd = F.v01(
        "end", name: "openai.chat", category: "llm",
        profile:
            #"{"model_name":"gpt-4o","annotated_response":{"id":"c-1","model":"gpt-4o-2024","message":"hello","finish_reason":"complete","usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}}"#,
        data: #"{"id":"c-1","model":"gpt-4o-2024","choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"hello"}}]}"#,
        metadata: #"{"otel.status_code":"OK"}"#)

    @Test func openInferenceGroupCanBeSwitchedOff() throws {
        let span = try F.span(
            start: Self.richLLMStart, end: Self.richLLMEnd, options: MappingOptions(openInferenceAttributes: false))
        let openInferencePrefixes = ["openinference.", "input.", "output.", "llm.", "tool.", "tool_call.", "session.", "user.", "metadata"]
        for prefix in openInferencePrefixes {
            #expect(!span.hasAttribute(prefixed: prefix), "\(prefix)")
        }
        #expect(span[attribute: "gen_ai.request.model"] == "gpt-4o")
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(5))
        #expect(span[attribute: "atof.uuid"] == "u-1")
        #expect(span[attribute: "atof.metadata.session_id"] == "s-1")
        #expect(span.status == .ok)
    }

    @Test func genAIGroupCanBeSwitchedOff() throws {
        let span = try F.span(start: Self.richLLMStart, end: Self.richLLMEnd, options: MappingOptions(genAIAttributes: false))
        #expect(!span.hasAttribute(prefixed: "gen_ai."))
        #expect(span[attribute: "llm.model_name"] == "gpt-4o-2024")
        #expect(span[attribute: "llm.token_count.total"] == .int(7))
        #expect(span[attribute: "atof.uuid"] == "u-1")
    }

    @Test func bothGroupsOffLeaveOnlyAtofAttributes() throws {
        let span = try F.span(
            start: Self.richLLMStart, end: Self.richLLMEnd,
            options: MappingOptions(openInferenceAttributes: false, genAIAttributes: false))
        #expect(span.attributeKeys.allSatisfy { $0.hasPrefix("atof.") }, "\(span.attributeKeys)")
        #expect(span.kind == .client)
    }

    @Test func everyAttributeKeyAppearsAtMostOnce() throws {
        let span = try F.span(start: Self.richLLMStart, end: Self.richLLMEnd, marks: [F.mark01(name: "llm.chunk")])
        #expect(Set(span.attributeKeys).count == span.attributeKeys.count)
        for event in span.events {
            #expect(Set(event.attributes.map(\.key)).count == event.attributes.count)
        }
    }

    @Test func attributeBuilderReplacesARepeatedKeyInPlace() {
        var builder = AttributeBuilder()
        builder.set("a", .int(1))
        builder.set("b", .int(2))
        builder.set("a", .string("again"))
        builder.set("c", nil)
        #expect(builder.attributes == [OTLP.Attribute("a", "again"), OTLP.Attribute("b", 2)])
    }

    @Test func endBeforeStartNeverGivesAnEndBeforeTheStart() {
        let scope = AssembledScope(
            start: nil, end: nil, identity: F.identity, startTime: F.t2, endTime: F.t1, anomalies: .clockSkew)
        let span = SpanMapper().span(for: scope)
        #expect(span.endTimeUnixNano == span.startTimeUnixNano)
        #expect(span.name == "")
        #expect(span[attribute: "atof.clock_skew"] == .bool(true))
    }
}
