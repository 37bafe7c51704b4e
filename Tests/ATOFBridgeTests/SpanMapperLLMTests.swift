import ATOF
import Testing

@testable import ATOFBridge

@Suite struct SpanMapperLLMTests {
    typealias F = MappingFixtures

    static func llm(
        startProfile: String = "null", input: String = "null", endProfile: String = "null", output: String = "null",
        name: String = "llm-call",
        marks: [String] = [], options: MappingOptions = MappingOptions()
    ) throws -> OTLP.Span {
        try F.span(
            start: F.v02Start(name: name, scopeType: "llm", profile: startProfile, input: input),
            end: F.v02End(name: name, scopeType: "llm", profile: endProfile, output: output), marks: marks, options: options)
    }

    static let openAIRequest = #"""
        {"model":"gpt-4o","temperature":0.3,"max_tokens":256,"top_p":0.9,"stream":false,
         "messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"weather?"},{"type":"image_url","image_url":{"url":"x"}}]},
                     {"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]},
                     {"role":"tool","tool_call_id":"call_0","content":"sunny"}]}
        """#.replacingOccurrences(of: "\n", with: "")
    static let openAIResponse = #"""
        {"id":"chatcmpl-9","model":"gpt-4o-2024-08-06","object":"chat.completion",
         "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"checking",
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}],
         "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25,"prompt_tokens_details":{"cached_tokens":8}}}
        """#.replacingOccurrences(of: "\n", with: "")

    // MARK: OpenAI shapes

    @Test func openAIChatShapesGiveModelsParametersMessagesAndFinishReasons() throws {
        let span = try Self.llm(input: Self.openAIRequest, output: Self.openAIResponse, name: "openai.chat")
        #expect(span.kind == .client)
        #expect(span[attribute: "gen_ai.provider.name"] == "openai")
        #expect(span[attribute: "gen_ai.request.model"] == "gpt-4o")
        #expect(span[attribute: "gen_ai.response.model"] == "gpt-4o-2024-08-06")
        #expect(span[attribute: "llm.model_name"] == "gpt-4o-2024-08-06")
        #expect(span[attribute: "gen_ai.response.id"] == "chatcmpl-9")
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["tool_calls"]))
        #expect(span[attribute: "gen_ai.request.temperature"] == .double(0.3))
        #expect(span[attribute: "gen_ai.request.max_tokens"] == .int(256))
        #expect(span[attribute: "gen_ai.request.top_p"] == .double(0.9))
        #expect(
            span[attribute: "llm.invocation_parameters"]
                == #"{"model":"gpt-4o","temperature":0.3,"max_tokens":256,"top_p":0.9,"stream":false}"#)

        #expect(span[attribute: "llm.input_messages.0.message.role"] == "system")
        #expect(span[attribute: "llm.input_messages.0.message.content"] == "be brief")
        #expect(span[attribute: "llm.input_messages.1.message.role"] == "user")
        #expect(span[attribute: "llm.input_messages.1.message.content"] == "weather?")
        #expect(span[attribute: "llm.input_messages.2.message.role"] == "assistant")
        #expect(span[attribute: "llm.input_messages.2.message.content"] == nil)
        #expect(span[attribute: "llm.input_messages.2.message.tool_calls.0.tool_call.function.name"] == "lookup")
        #expect(span[attribute: "llm.input_messages.3.message.role"] == "tool")
        #expect(span[attribute: "llm.input_messages.3.message.tool_call_id"] == "call_0")
        #expect(span[attribute: "llm.input_messages.3.message.content"] == "sunny")

        #expect(span[attribute: "llm.output_messages.0.message.role"] == "assistant")
        #expect(span[attribute: "llm.output_messages.0.message.content"] == "checking")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.id"] == "call_1")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.function.name"] == "get_weather")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"] == #"{"city":"Paris"}"#)

        #expect(
            span[attribute: "gen_ai.input.messages"]
                == .string(
                    #"[{"role":"system","parts":[{"type":"text","content":"be brief"}]},{"role":"user","parts":[{"type":"text","content":"weather?"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"call_0","name":"lookup","arguments":{"q":1}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"call_0","response":"sunny"}]}]"#
                ))
        #expect(
            span[attribute: "gen_ai.output.messages"]
                == .string(
                    #"[{"role":"assistant","parts":[{"type":"text","content":"checking"},{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_calls"}]"#
                ))

        // OpenAI prompt counts already include cached tokens.
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(20))
        #expect(span[attribute: "llm.token_count.prompt"] == .int(20))
        #expect(span[attribute: "gen_ai.usage.output_tokens"] == .int(5))
        #expect(span[attribute: "llm.token_count.completion"] == .int(5))
        #expect(span[attribute: "llm.token_count.total"] == .int(25))
        #expect(span[attribute: "gen_ai.usage.cache_read.input_tokens"] == .int(8))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_read"] == .int(8))
        #expect(span[attribute: "gen_ai.usage.cache_creation.input_tokens"] == nil)
    }

    @Test func relayRequestWrapperIsUnwrapped() throws {
        let span = try F.span(
            start: F.v01(
                "start", name: "demo-provider", category: "llm",
                data: #"{"content":{"messages":[{"content":"hi","role":"user"}],"model":"demo-model","stream":true},"headers":{"x":"y"}}"#),
            end: F.v01("end", name: "demo-provider", category: "llm", data: #"{"text":"hello"}"#))
        #expect(span[attribute: "gen_ai.request.model"] == "demo-model")
        #expect(span[attribute: "llm.input_messages.0.message.content"] == "hi")
        #expect(span[attribute: "llm.invocation_parameters"] == #"{"model":"demo-model","stream":true}"#)
        #expect(span[attribute: "gen_ai.provider.name"] == nil)
        #expect(!span.hasAttribute(prefixed: "llm.output_messages"))
        #expect(
            span[attribute: "input.value"]
                == .string(
                    #"{"content":{"messages":[{"content":"hi","role":"user"}],"model":"demo-model","stream":true},"headers":{"x":"y"}}"#))
    }

    @Test func plainStringOutputIsOneAssistantMessage() throws {
        let span = try Self.llm(output: #""the answer""#)
        #expect(span[attribute: "llm.output_messages.0.message.role"] == "assistant")
        #expect(span[attribute: "llm.output_messages.0.message.content"] == "the answer")
    }

    // MARK: Anthropic shapes

    static let anthropicRequest = #"""
        {"model":"claude-sonnet-4","max_tokens":1024,"system":[{"type":"text","text":"you are terse"}],
         "messages":[{"role":"user","content":"weather in Paris?"},
                     {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                     {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"text","text":"and tomorrow?"}]}]}
        """#.replacingOccurrences(of: "\n", with: "")
    static let anthropicResponse = #"""
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
         "content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Paris","day":1}}],
         "stop_reason":"tool_use","usage":{"input_tokens":100,"output_tokens":20,"cache_read_input_tokens":30,"cache_creation_input_tokens":5}}
        """#.replacingOccurrences(of: "\n", with: "")

    @Test func anthropicShapesGiveMessagesToolUseStopReasonAndCacheAwareTokens() throws {
        let span = try Self.llm(input: Self.anthropicRequest, output: Self.anthropicResponse, name: "anthropic.messages")
        #expect(span[attribute: "gen_ai.provider.name"] == "anthropic")
        #expect(span[attribute: "gen_ai.request.model"] == "claude-sonnet-4")
        #expect(span[attribute: "gen_ai.response.model"] == "claude-sonnet-4-20250514")
        #expect(span[attribute: "gen_ai.response.id"] == "msg_1")
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["tool_use"]))
        #expect(span[attribute: "gen_ai.request.max_tokens"] == .int(1024))

        #expect(span[attribute: "llm.input_messages.0.message.role"] == "system")
        #expect(span[attribute: "llm.input_messages.0.message.content"] == "you are terse")
        #expect(span[attribute: "llm.input_messages.1.message.content"] == "weather in Paris?")
        #expect(span[attribute: "llm.input_messages.2.message.tool_calls.0.tool_call.id"] == "toolu_1")
        #expect(span[attribute: "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments"] == #"{"city":"Paris"}"#)
        #expect(span[attribute: "llm.input_messages.3.message.role"] == "tool")
        #expect(span[attribute: "llm.input_messages.3.message.tool_call_id"] == "toolu_1")
        #expect(span[attribute: "llm.input_messages.3.message.content"] == "sunny")
        #expect(span[attribute: "llm.input_messages.4.message.role"] == "user")
        #expect(span[attribute: "llm.input_messages.4.message.content"] == "and tomorrow?")

        #expect(span[attribute: "llm.output_messages.0.message.content"] == "Let me check.")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.id"] == "toolu_2")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.function.name"] == "get_weather")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"] == #"{"city":"Paris","day":1}"#)

        // Anthropic counts cached tokens apart from input_tokens: 100 + 30 + 5.
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(135))
        #expect(span[attribute: "llm.token_count.prompt"] == .int(135))
        #expect(span[attribute: "gen_ai.usage.output_tokens"] == .int(20))
        #expect(span[attribute: "llm.token_count.total"] == .int(155))
        #expect(span[attribute: "gen_ai.usage.cache_read.input_tokens"] == .int(30))
        #expect(span[attribute: "gen_ai.usage.cache_creation.input_tokens"] == .int(5))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_write"] == .int(5))
    }

    @Test func anthropicAnnotationTagAddsCacheTokensToPromptTokens() throws {
        let endProfile =
            #"{"annotated_response":{"api_specific":{"api":"anthropic_messages"},"usage":{"prompt_tokens":10,"completion_tokens":4,"cache_read_tokens":6,"cache_write_tokens":2,"total_tokens":14}}}"#
        let span = try F.span(
            start: F.v01("start", name: "x", category: "llm"), end: F.v01("end", name: "x", category: "llm", profile: endProfile))
        #expect(span[attribute: "gen_ai.provider.name"] == "anthropic")
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(18))
        #expect(span[attribute: "llm.token_count.total"] == .int(22))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_read"] == .int(6))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_write"] == .int(2))
    }

    @Test func openAITaggedAnnotationDoesNotAddCacheTokens() throws {
        let endProfile =
            #"{"annotated_response":{"api_specific":{"api":"openai_chat"},"usage":{"prompt_tokens":10,"completion_tokens":4,"cache_read_tokens":6}}}"#
        let span = try F.span(
            start: F.v01("start", name: "x", category: "llm"), end: F.v01("end", name: "x", category: "llm", profile: endProfile))
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(10))
        #expect(span[attribute: "llm.token_count.total"] == .int(14))
    }

    // MARK: Token precedence and totals

    @Test func eachTokenFieldComesFromTheFirstSourceThatHasIt() throws {
        let endProfile = #"{"annotated_response":{"usage":{"prompt_tokens":11}},"usage":{"prompt_tokens":99,"completion_tokens":7}}"#
        let output =
            #"{"usage":{"prompt_tokens":98,"completion_tokens":97,"total_tokens":40,"cache_read_tokens":3,"cache_write_tokens":1}}"#
        let span = try F.span(
            start: F.v01("start", category: "llm"), end: F.v01("end", category: "llm", profile: endProfile, data: output))
        #expect(span[attribute: "llm.token_count.prompt"] == .int(11))
        #expect(span[attribute: "llm.token_count.completion"] == .int(7))
        #expect(span[attribute: "llm.token_count.total"] == .int(40))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_read"] == .int(3))
        #expect(span[attribute: "llm.token_count.prompt_details.cache_write"] == .int(1))
    }

    @Test func rawTokenUsageKeyIsAlsoRead() throws {
        let span = try Self.llm(output: #"{"token_usage":{"prompt_tokens":3,"completion_tokens":2}}"#)
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(3))
        #expect(span[attribute: "llm.token_count.total"] == .int(5))
    }

    struct TotalCase: Sendable, CustomTestStringConvertible {
        var usage: String
        var total: Int64?
        var testDescription: String { usage }
    }

    @Test(arguments: [
        TotalCase(usage: #"{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}"#, total: 15),
        TotalCase(usage: #"{"prompt_tokens":12,"completion_tokens":3,"total_tokens":20}"#, total: 20),
        TotalCase(usage: #"{"prompt_tokens":12,"completion_tokens":3,"total_tokens":10}"#, total: 15),
        TotalCase(usage: #"{"prompt_tokens":12,"completion_tokens":3}"#, total: 15),
        TotalCase(usage: #"{"total_tokens":9}"#, total: 9),
        TotalCase(usage: #"{"input_tokens":10,"output_tokens":2,"cache_read_input_tokens":5,"total_tokens":12}"#, total: 17),
        TotalCase(usage: #"{"cache_read_tokens":4}"#, total: nil),
        TotalCase(usage: #"{"prompt_tokens":-1,"completion_tokens":"3"}"#, total: nil),
    ])
    func totalIsTheReportedTotalOnlyWhenItCoversInputAndCompletion(testCase: TotalCase) throws {
        let span = try Self.llm(output: #"{"usage":\#(testCase.usage)}"#)
        #expect(span[attribute: "llm.token_count.total"] == testCase.total.map(OTLP.AttributeValue.int))
    }

    @Test func tokenUsageInputTotalNeedsAPromptCount() {
        let usage = TokenUsage(
            sources: [TokenUsage.Source(usage: JSONObject(["cache_read_input_tokens": 4, "output_tokens": 2]), isRawPayload: true)],
            anthropicTagged: false)
        #expect(usage.inputTotal == nil)
        #expect(usage.total == 2)
    }

    // MARK: Annotations and vendor profiles

    @Test func annotatedRequestAndResponseAreReadBeforeRawPayloads() throws {
        let startProfile =
            #"{"model_name":"asked","annotated_request":{"api_specific":{"api":"openai_chat"},"model":"req-model","messages":[{"role":"user","content":"from annotation"}],"params":{"temperature":0.5,"max_tokens":10},"stream":true}}"#
        let endProfile =
            #"{"annotated_response":{"id":"ann-id","model":"ann-model","message":"annotated answer","finish_reason":"complete","tool_calls":[{"id":"call_a","name":"f","arguments":{"x":1}}]}}"#
        let span = try F.span(
            start: F.v01(
                "start", name: "route", category: "llm", profile: startProfile,
                data: #"{"model":"raw","messages":[{"role":"user","content":"raw"}],"temperature":0.9}"#),
            end: F.v01(
                "end", name: "route", category: "llm", profile: endProfile,
                data:
                    #"{"id":"raw-id","model":"raw-model","choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"raw answer"}}]}"#
            ))
        #expect(span[attribute: "gen_ai.provider.name"] == "openai")
        #expect(span[attribute: "gen_ai.request.model"] == "asked")
        #expect(span[attribute: "gen_ai.response.model"] == "ann-model")
        #expect(span[attribute: "gen_ai.response.id"] == "ann-id")
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
        #expect(span[attribute: "gen_ai.request.temperature"] == .double(0.5))
        #expect(span[attribute: "gen_ai.request.max_tokens"] == .int(10))
        #expect(span[attribute: "llm.invocation_parameters"] == #"{"temperature":0.5,"max_tokens":10,"stream":true}"#)
        #expect(span[attribute: "llm.input_messages.0.message.content"] == "from annotation")
        #expect(span[attribute: "llm.output_messages.0.message.content"] == "annotated answer")
        #expect(span[attribute: "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"] == #"{"x":1}"#)
    }

    @Test(arguments: [
        (#"{"finish_reason":"complete"}"#, "complete"),
        (#"{"finish_reason":{"unknown":"pause_turn"}}"#, "pause_turn"),
    ])
    func annotatedFinishReasonIsUsedWhenTheRawResponseHasNone(annotation: String, expected: String) throws {
        let span = try F.span(
            start: F.v01("start", category: "llm"),
            end: F.v01("end", category: "llm", profile: #"{"annotated_response":\#(annotation)}"#, data: #"{"text":"x"}"#))
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray([expected]))
    }

    @Test func nvidiaLLMProfileVendorFieldsAreRead() throws {
        let startProfile =
            #"{"$schema":"nvidia/llm.v1","$version":"1.0","model_name":"meta/llama-3.1-70b","provider":"nvidia_nim","request":{"temperature":0.1,"top_p":0.5,"max_completion_tokens":77,"seed":3}}"#
        let endProfile =
            #"{"$schema":"nvidia/llm.v1","$version":"1.0","model_name":"meta/llama-3.1-70b","completion_id":"cmpl-5","finish_reason":"length","ttft_ms":250,"usage":{"prompt_tokens":40,"completion_tokens":77,"total_tokens":117,"prompt_tokens_details":{"cached_tokens":16}}}"#
        let span = try Self.llm(startProfile: startProfile, endProfile: endProfile, name: "openai.chat")
        #expect(span[attribute: "gen_ai.provider.name"] == "nvidia_nim")
        #expect(span[attribute: "gen_ai.request.model"] == "meta/llama-3.1-70b")
        #expect(span[attribute: "gen_ai.response.model"] == nil)
        #expect(span[attribute: "llm.model_name"] == "meta/llama-3.1-70b")
        #expect(span[attribute: "gen_ai.response.id"] == "cmpl-5")
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["length"]))
        #expect(span[attribute: "gen_ai.request.temperature"] == .double(0.1))
        #expect(span[attribute: "gen_ai.request.top_p"] == .double(0.5))
        #expect(span[attribute: "gen_ai.request.max_tokens"] == .int(77))
        #expect(span[attribute: "llm.invocation_parameters"] == #"{"temperature":0.1,"top_p":0.5,"max_completion_tokens":77,"seed":3}"#)
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(40))
        #expect(span[attribute: "gen_ai.usage.cache_read.input_tokens"] == .int(16))
        #expect(span[attribute: "llm.token_count.total"] == .int(117))
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(0.25))
    }

    @Test func endModelNameIsTheResponseModelOnlyWhenRoutingChangedIt() throws {
        let routed = try Self.llm(startProfile: #"{"model_name":"auto"}"#, endProfile: #"{"model_name":"gpt-4o-mini"}"#)
        #expect(routed[attribute: "gen_ai.request.model"] == "auto")
        #expect(routed[attribute: "gen_ai.response.model"] == "gpt-4o-mini")
        #expect(routed[attribute: "llm.model_name"] == "gpt-4o-mini")

        let unchanged = try Self.llm(startProfile: #"{"model_name":"gpt-4o"}"#, endProfile: #"{"model_name":"gpt-4o"}"#)
        #expect(unchanged[attribute: "gen_ai.response.model"] == nil)
        #expect(unchanged[attribute: "llm.model_name"] == "gpt-4o")

        let unmatched = try F.span(
            start: nil, end: F.v02End(scopeType: "llm", profile: #"{"model_name":"m"}"#), anomalies: .unmatchedEnd)
        #expect(unmatched[attribute: "gen_ai.request.model"] == "m")
        #expect(unmatched[attribute: "gen_ai.response.model"] == "m")
    }

    @Test func toolCallIDAndModelNameOfDefaultProfilesAreRead() throws {
        let span = try Self.llm(startProfile: #"{"$schema":"default/llm.v1","$version":"1.0","model_name":"m"}"#)
        #expect(span[attribute: "gen_ai.request.model"] == "m")
        #expect(span[attribute: "llm.model_name"] == "m")
    }

    struct ProviderCase: Sendable, CustomTestStringConvertible {
        var name: String
        var startProfile: String
        var provider: String?
        var testDescription: String { "\(name) \(startProfile)" }
    }

    @Test(arguments: [
        ProviderCase(name: "openai.chat", startProfile: "null", provider: "openai"),
        ProviderCase(name: "anthropic.messages", startProfile: "null", provider: "anthropic"),
        ProviderCase(name: "bedrock.converse", startProfile: "null", provider: "aws.bedrock"),
        ProviderCase(name: "demo-provider", startProfile: "null", provider: nil),
        ProviderCase(name: "search.web", startProfile: "null", provider: nil),
        ProviderCase(
            name: "x", startProfile: #"{"annotated_request":{"api_specific":{"api":"anthropic_messages"},"messages":[]}}"#,
            provider: "anthropic"),
        ProviderCase(
            name: "x", startProfile: #"{"annotated_request":{"api_specific":{"api":"openai_responses"},"messages":[]}}"#, provider: "openai"
        ),
        ProviderCase(
            name: "anthropic.x", startProfile: #"{"annotated_request":{"api_specific":{"api":"openai_chat"},"messages":[]}}"#,
            provider: "openai"),
        ProviderCase(name: "openai.chat", startProfile: #"{"provider":"azure.ai.openai"}"#, provider: "azure.ai.openai"),
    ])
    func providerComesFromVendorFieldThenAPITagThenNamePrefix(testCase: ProviderCase) throws {
        let span = try F.span(
            start: F.v01("start", name: testCase.name, category: "llm", profile: testCase.startProfile),
            end: F.v01("end", name: testCase.name, category: "llm"))
        #expect(span[attribute: "gen_ai.provider.name"] == testCase.provider.map(OTLP.AttributeValue.string))
    }

    @Test func providerIsNotInferredOnNonLLMSpans() throws {
        let span = try F.span(
            start: F.v01("start", name: "openai.search", category: "tool"), end: F.v01("end", name: "openai.search", category: "tool"))
        #expect(span[attribute: "gen_ai.provider.name"] == nil)
    }

    // MARK: Time to first chunk

    @Test func timeToFirstChunkComesFromTheProfileFirst() throws {
        let span = try F.span(
            start: F.v01("start", category: "llm"),
            end: F.v01("end", category: "llm", profile: #"{"model_name":"demo-model","time_to_first_chunk":0.003762018}"#),
            marks: [F.mark01(name: "llm.chunk", timestamp: "2026-01-01T00:00:01.5Z")])
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(0.003762018))
    }

    @Test func timeToFirstChunkFallsBackToTheFirstChunkMark() throws {
        let span = try F.span(
            start: F.v01("start", category: "llm"), end: F.v01("end", category: "llm"),
            marks: [
                F.mark01(name: "other", uuid: "m-0", timestamp: "2026-01-01T00:00:01.1Z"),
                F.mark01(name: "llm.chunk", uuid: "m-1", timestamp: "2026-01-01T00:00:01.25Z"),
                F.mark01(name: "llm.chunk", uuid: "m-2", timestamp: "2026-01-01T00:00:01.5Z"),
            ])
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(0.25))
        #expect(span[attribute: "atof.chunk_count"] == .int(2))
    }

    @Test func noChunksAndNoProfileValueGiveNoTimeToFirstChunk() throws {
        let span = try F.span(start: F.v01("start", category: "llm"), end: F.v01("end", category: "llm"))
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == nil)
    }

    // MARK: Content capture

    @Test func contentCaptureOffRemovesMessagesButKeepsModelsAndTokens() throws {
        let span = try Self.llm(
            input: Self.openAIRequest, output: Self.openAIResponse, name: "openai.chat", options: MappingOptions(captureContent: false))
        #expect(!span.hasAttribute(prefixed: "llm.input_messages"))
        #expect(!span.hasAttribute(prefixed: "llm.output_messages"))
        #expect(span[attribute: "gen_ai.input.messages"] == nil)
        #expect(span[attribute: "gen_ai.output.messages"] == nil)
        #expect(span[attribute: "input.value"] == nil)
        #expect(span[attribute: "output.value"] == nil)
        #expect(span[attribute: "gen_ai.request.model"] == "gpt-4o")
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(20))
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["tool_calls"]))
        #expect(span[attribute: "llm.invocation_parameters"] != nil)
    }

    @Test func hidingInputsKeepsOutputsAndHidingOutputsKeepsInputs() throws {
        let noInputs = try Self.llm(input: Self.openAIRequest, output: Self.openAIResponse, options: MappingOptions(hideInputs: true))
        #expect(!noInputs.hasAttribute(prefixed: "llm.input_messages"))
        #expect(noInputs[attribute: "gen_ai.input.messages"] == nil)
        #expect(noInputs[attribute: "input.value"] == nil)
        #expect(noInputs.hasAttribute(prefixed: "llm.output_messages"))
        #expect(noInputs[attribute: "gen_ai.output.messages"] != nil)
        #expect(noInputs[attribute: "output.value"] != nil)

        let noOutputs = try Self.llm(input: Self.openAIRequest, output: Self.openAIResponse, options: MappingOptions(hideOutputs: true))
        #expect(noOutputs.hasAttribute(prefixed: "llm.input_messages"))
        #expect(noOutputs[attribute: "input.value"] != nil)
        #expect(!noOutputs.hasAttribute(prefixed: "llm.output_messages"))
        #expect(noOutputs[attribute: "gen_ai.output.messages"] == nil)
        #expect(noOutputs[attribute: "output.value"] == nil)
    }

    // MARK: The NeMo Relay fixture

    @Test func relayLLMFixtureMapsModelProviderTokensFinishReasonAndMessages() throws {
        let events = try MappingFixtures.fixtureLines("nemo-relay-llm-calls.jsonl").map(F.event)
        let starts = events.filter { $0.kind == .scopeStart && $0.category == "llm" }
        let start = try #require(starts.first { $0.name == "openai.chat" })
        let end = try #require(events.first { $0.kind == .scopeEnd && $0.uuid == start.uuid })
        let scope = AssembledScope(
            start: start, end: end, identity: F.identity,
            startTime: start.timestamp.nanosecondsSinceEpoch, endTime: end.timestamp.nanosecondsSinceEpoch)
        let span = SpanMapper().span(for: scope)

        #expect(span.name == "openai.chat")
        #expect(span.kind == .client)
        #expect(span.status == .ok)
        #expect(span[attribute: "openinference.span.kind"] == "LLM")
        #expect(span[attribute: "gen_ai.operation.name"] == "chat")
        #expect(span[attribute: "gen_ai.provider.name"] == "openai")
        #expect(span[attribute: "gen_ai.request.model"] == "demo-model")
        #expect(span[attribute: "gen_ai.response.model"] == "demo-model-2026")
        #expect(span[attribute: "llm.model_name"] == "demo-model-2026")
        #expect(span[attribute: "gen_ai.response.id"] == "chatcmpl-1")
        #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
        #expect(span[attribute: "gen_ai.usage.input_tokens"] == .int(12))
        #expect(span[attribute: "llm.token_count.prompt"] == .int(12))
        #expect(span[attribute: "gen_ai.usage.output_tokens"] == .int(3))
        #expect(span[attribute: "llm.token_count.completion"] == .int(3))
        #expect(span[attribute: "llm.token_count.total"] == .int(15))
        #expect(span[attribute: "llm.input_messages.0.message.role"] == "user")
        #expect(span[attribute: "llm.input_messages.0.message.content"] == "hello")
        #expect(span[attribute: "llm.output_messages.0.message.role"] == "assistant")
        #expect(span[attribute: "llm.output_messages.0.message.content"] == "héllo ✓")
        #expect(span[attribute: "gen_ai.input.messages"] == #"[{"role":"user","parts":[{"type":"text","content":"hello"}]}]"#)
        #expect(
            span[attribute: "gen_ai.output.messages"]
                == #"[{"role":"assistant","parts":[{"type":"text","content":"héllo ✓"}],"finish_reason":"stop"}]"#)
        #expect(span[attribute: "atof.metadata.otel.status_code"] == "OK")
        #expect(span.startTimeUnixNano == UInt64(start.timestamp.nanosecondsSinceEpoch))
    }

    @Test func relayStreamingFixtureCountsChunksAndTakesTimeToFirstChunkFromTheProfile() throws {
        let events = try MappingFixtures.fixtureLines("nemo-relay-streaming-marks.jsonl").map(F.event)
        let start = try #require(events.first { $0.kind == .scopeStart && $0.category == "llm" })
        let end = try #require(events.first { $0.kind == .scopeEnd && $0.uuid == start.uuid })
        let marks = events.filter { $0.kind == .mark && $0.parentUUID == start.uuid }
        let scope = AssembledScope(
            start: start, end: end, marks: marks, identity: F.identity,
            startTime: start.timestamp.nanosecondsSinceEpoch, endTime: end.timestamp.nanosecondsSinceEpoch)
        let span = SpanMapper().span(for: scope)
        #expect(span[attribute: "atof.chunk_count"] == .int(2))
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(0.003762018))
        #expect(span.events.map(\.name) == ["llm.chunk", "llm.chunk"])
        #expect(span.events.first?[attribute: "atof.data"] == #"{"chunk_index":0,"provider":"unknown"}"#)
        #expect(span[attribute: "gen_ai.request.model"] == "demo-model")
        #expect(span[attribute: "gen_ai.provider.name"] == nil)
    }
}
