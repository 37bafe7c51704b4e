import ATOF
import Testing

@testable import ATOFBridge

@Suite struct MappingOptionsTests {
    typealias F = MappingFixtures

    // MARK: Defaults and environment

    @Test func defaultsAreTheContractDefaults() {
        let options = MappingOptions()
        #expect(options.openInferenceAttributes)
        #expect(options.genAIAttributes)
        #expect(options.captureContent)
        #expect(!options.hideInputs)
        #expect(!options.hideOutputs)
        #expect(options.maximumAttributeValueLength == nil)
        #expect(options.maximumEventsPerSpan == 128)
        #expect(options.categoryProfiles == .standard)
        #expect(MappingOptions.fromEnvironment([:]) == options)
    }

    @Test func environmentVariablesOverrideTheDefaults() {
        let options = MappingOptions.fromEnvironment([
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "false",
            "OPENINFERENCE_HIDE_INPUTS": "true",
            "OPENINFERENCE_HIDE_OUTPUTS": "TRUE",
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "2048",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "10",
            "OTEL_SPAN_EVENT_COUNT_LIMIT": " 16 ",
            "ATOF_BRIDGE_OPENINFERENCE_ATTRIBUTES": "false",
            "ATOF_BRIDGE_GENAI_ATTRIBUTES": "0",
        ])
        #expect(!options.captureContent)
        #expect(options.hideInputs)
        #expect(options.hideOutputs)
        #expect(options.maximumAttributeValueLength == 2048)
        #expect(options.maximumEventsPerSpan == 16)
        #expect(!options.openInferenceAttributes)
        #expect(!options.genAIAttributes)
    }

    @Test func generalAttributeLengthLimitIsUsedWhenTheSpanOneIsAbsent() {
        #expect(MappingOptions.fromEnvironment(["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "10"]).maximumAttributeValueLength == 10)
    }

    @Test(arguments: ["true", "TRUE", "1", "", "maybe"])
    func contentCaptureStaysOnUnlessTheVariableSaysFalse(value: String) {
        #expect(MappingOptions.fromEnvironment(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": value]).captureContent)
    }

    @Test func malformedValuesLeaveTheDefaults() {
        let options = MappingOptions.fromEnvironment([
            "OTEL_SPAN_EVENT_COUNT_LIMIT": "-3",
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "lots",
            "OPENINFERENCE_HIDE_INPUTS": "perhaps",
            "ATOF_BRIDGE_GENAI_ATTRIBUTES": "nope",
        ])
        #expect(options == MappingOptions())
    }

    // MARK: Content capture

    @Test func contentCaptureOffRemovesPayloadsAndToolArguments() throws {
        let span = try F.span(
            start: F.v01("start", name: "search", category: "tool", profile: #"{"tool_call_id":"c"}"#, data: #"{"q":"secret"}"#),
            end: F.v01("end", name: "search", category: "tool", data: #"{"r":"secret"}"#, metadata: #"{"session_id":"s"}"#),
            options: MappingOptions(captureContent: false))
        for key in ["input.value", "input.mime_type", "output.value", "output.mime_type", "tool.parameters"] {
            #expect(span[attribute: key] == nil, "\(key)")
        }
        #expect(span[attribute: "tool.name"] == "search")
        #expect(span[attribute: "tool_call.id"] == "c")
        #expect(span[attribute: "session.id"] == "s")
        #expect(!span.attributes.contains { $0.value.stringValue?.contains("secret") == true })
    }

    @Test func environmentContentSwitchReachesTheMapper() throws {
        let options = MappingOptions.fromEnvironment(["OPENINFERENCE_HIDE_INPUTS": "true"])
        let span = try F.span(start: F.v02Start(input: #""in""#), end: F.v02End(output: #""out""#), options: options)
        #expect(span[attribute: "input.value"] == nil)
        #expect(span[attribute: "output.value"] == "out")
    }

    // MARK: Length limit

    @Test func longValuesAreCutWithAMarkerAndCounted() throws {
        let long = String(repeating: "é", count: 50)
        let span = try F.span(
            start: F.v02Start(input: #""\#(long)""#, metadata: #"{"short":"ok","long":"\#(long)"}"#),
            end: F.v02End(), options: MappingOptions(maximumAttributeValueLength: 20))
        let cut = String(repeating: "é", count: 8) + "…[truncated]"
        #expect(cut.count == 20)
        #expect(span[attribute: "input.value"] == .string(cut))
        #expect(span[attribute: "atof.metadata.long"] == .string(cut))
        #expect(span[attribute: "atof.metadata.short"] == "ok")
        // input.value, atof.metadata.long and the OpenInference metadata JSON.
        #expect(span[attribute: "atof.truncated_attributes"] == .int(3))
        #expect(span.droppedAttributesCount == 0)
    }

    @Test func valuesWithinTheLimitAreUntouchedAndNoCountIsWritten() throws {
        let span = try F.span(
            start: F.v02Start(input: #""0123456789""#), end: F.v02End(), options: MappingOptions(maximumAttributeValueLength: 13))
        #expect(span[attribute: "input.value"] == "0123456789")
        #expect(span[attribute: "atof.truncated_attributes"] == nil)
    }

    @Test func limitsBelowTheMarkerLengthStillEndWithTheWholeMarker() throws {
        let span = try F.span(
            start: F.v02Start(input: #""abcdefghijklmnopqrstuvwxyz""#), end: F.v02End(),
            options: MappingOptions(maximumAttributeValueLength: 1))
        #expect(span[attribute: "input.value"] == "a…[truncated]")
    }

    @Test func cutsInStringArraysAndEventsAreCounted() throws {
        let longFlag = String(repeating: "f", count: 40)
        let span = try F.span(
            start: F.v01("start", attributes: #"["\#(longFlag)","ok"]"#), end: F.v01("end", attributes: #"["\#(longFlag)","ok"]"#),
            marks: [F.mark01(data: #""\#(String(repeating: "d", count: 40))""#)],
            options: MappingOptions(maximumAttributeValueLength: 15))
        #expect(span[attribute: "atof.flags"] == .stringArray(["fff…[truncated]", "ok"]))
        #expect(span.events.first?[attribute: "atof.data"] == #""dd…[truncated]"#)
        #expect(span[attribute: "atof.truncated_attributes"] == .int(2))
    }

    @Test func exceptionAttributesAreCutToo() throws {
        let message = String(repeating: "m", count: 30)
        let span = try F.span(
            start: F.v02Start(), end: F.v02End(status: #""error""#, error: #"{"type":"E","message":"\#(message)"}"#),
            options: MappingOptions(maximumAttributeValueLength: 14))
        #expect(span.events.first?[attribute: "exception.message"] == "mm…[truncated]")
        #expect(span[attribute: "atof.truncated_attributes"] == .int(1))
        #expect(span.status.message == "E: " + message)
    }
}
