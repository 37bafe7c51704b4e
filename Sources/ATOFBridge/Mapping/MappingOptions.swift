/// How scopes become spans: which attribute groups are written, what content is captured, size
/// limits and the category profiles (span-mapping.md §3, §4, §6).
///
/// The `atof.*` group is always on. Defaults are those of the contract; ``fromEnvironment(_:)``
/// reads the environment variables named on each property. Code that sets a property after
/// calling it wins over the environment.
///
/// Choices where the contract is silent:
/// - Boolean variables accept `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off`, case-insensitively and
///   ignoring surrounding white space; anything else, and any malformed number, leaves the default
///   (``fromEnvironment(_:warnings:)`` also reports a warning naming the variable for the limits).
/// - Content capture has one master switch (``captureContent``) plus the two OpenInference
///   switches, which hide only the input side (``hideInputs``) or the output side (``hideOutputs``).
///   Input side: `input.value`/`input.mime_type`, `tool.parameters`, `llm.input_messages.*`,
///   `gen_ai.input.messages`. Output side: `output.value`/`output.mime_type`, `llm.output_messages.*`
///   (including tool-call arguments), `gen_ai.output.messages`. A mark's `atof.data` (on span events
///   and orphan-mark spans) is content too and goes only with the master switch. Parameters,
///   models, token counts, finish reasons, metadata and error messages are never treated as content.
public struct MappingOptions: Sendable, Hashable {
    /// Write the OpenInference attributes (`openinference.span.kind`, `input.value`, `llm.*`,
    /// `tool.*`, `session.id`, `metadata`...). Environment: `ATOF_BRIDGE_OPENINFERENCE_ATTRIBUTES`
    /// (boolean). Default `true`.
    public var openInferenceAttributes: Bool
    /// Write the OpenTelemetry GenAI attributes (`gen_ai.*`). Environment:
    /// `ATOF_BRIDGE_GENAI_ATTRIBUTES` (boolean). Default `true`.
    public var genAIAttributes: Bool
    /// Master switch for content: payloads, messages, tool arguments and mark data. Environment:
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (only an explicit false value turns it
    /// off, because the application already chose to record the content in ATOF). Default `true`.
    public var captureContent: Bool
    /// Hide input-side content even when ``captureContent`` is on. Environment:
    /// `OPENINFERENCE_HIDE_INPUTS` (boolean). Default `false`.
    public var hideInputs: Bool
    /// Hide output-side content even when ``captureContent`` is on. Environment:
    /// `OPENINFERENCE_HIDE_OUTPUTS` (boolean). Default `false`.
    public var hideOutputs: Bool
    /// The longest string attribute value, in characters (grapheme clusters), or `nil` for no limit.
    ///
    /// A longer value keeps its first `limit - 12` characters followed by the 12-character marker
    /// ``truncationMarker``, so a cut value is exactly `limit` characters long; limits below 13 are
    /// treated as 13 so that every cut value still ends with the whole marker and is shorter than
    /// the original. Each element of a string array is cut the same way. The limit applies to span
    /// attributes and to span event attributes; the span's int attribute `atof.truncated_attributes`
    /// counts the attributes that were cut (an array counts once), and is written only when some
    /// were. Cutting drops nothing, so it leaves OTLP `dropped_attributes_count` alone. Environment:
    /// `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`
    /// (a non-negative integer). Default `nil`.
    public var maximumAttributeValueLength: Int?
    /// The most mark events one span carries; later marks (in time order) are counted in the span's
    /// `dropped_events_count`. The `exception` event is never counted against it. Negative values
    /// act as 0. Environment: `OTEL_SPAN_EVENT_COUNT_LIMIT` (a non-negative integer). Default 128.
    public var maximumEventsPerSpan: Int
    /// The most attributes one span carries, or `nil` for no limit. The attributes past the limit
    /// (the last ones written, `atof.truncated_attributes` among them) are left out and counted in
    /// the span's OTLP `dropped_attributes_count`. Span event attributes are not limited. Negative
    /// values act as 0. Environment: `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` (a non-negative integer).
    /// Default `nil`: the OpenTelemetry SDKs' default of 128 would cut the flattened
    /// `llm.input_messages.*` attributes of long conversations that the bridge exists to carry.
    public var maximumAttributesPerSpan: Int?
    /// The category profiles. No environment variable; set it in code. Default
    /// ``CategoryProfileTable/standard``.
    public var categoryProfiles: CategoryProfileTable

    /// The text that ends a cut attribute value.
    public static let truncationMarker = "…[truncated]"

    /// Creates options; every parameter defaults to the contract's default.
    public init(
        openInferenceAttributes: Bool = true,
        genAIAttributes: Bool = true,
        captureContent: Bool = true,
        hideInputs: Bool = false,
        hideOutputs: Bool = false,
        maximumAttributeValueLength: Int? = nil,
        maximumEventsPerSpan: Int = 128,
        maximumAttributesPerSpan: Int? = nil,
        categoryProfiles: CategoryProfileTable = .standard
    ) {
        self.openInferenceAttributes = openInferenceAttributes
        self.genAIAttributes = genAIAttributes
        self.captureContent = captureContent
        self.hideInputs = hideInputs
        self.hideOutputs = hideOutputs
        self.maximumAttributeValueLength = maximumAttributeValueLength
        self.maximumEventsPerSpan = maximumEventsPerSpan
        self.maximumAttributesPerSpan = maximumAttributesPerSpan
        self.categoryProfiles = categoryProfiles
    }

    /// The defaults overridden by the environment variables named on each property.
    ///
    /// - Parameter environment: the process environment (pass e.g. `ProcessInfo.processInfo.environment`).
    public static func fromEnvironment(_ environment: [String: String]) -> MappingOptions {
        var options = MappingOptions()
        if let value = EnvironmentValue.bool(environment["ATOF_BRIDGE_OPENINFERENCE_ATTRIBUTES"]) {
            options.openInferenceAttributes = value
        }
        if let value = EnvironmentValue.bool(environment["ATOF_BRIDGE_GENAI_ATTRIBUTES"]) {
            options.genAIAttributes = value
        }
        if EnvironmentValue.bool(environment["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"]) == false {
            options.captureContent = false
        }
        if let value = EnvironmentValue.bool(environment["OPENINFERENCE_HIDE_INPUTS"]) {
            options.hideInputs = value
        }
        if let value = EnvironmentValue.bool(environment["OPENINFERENCE_HIDE_OUTPUTS"]) {
            options.hideOutputs = value
        }
        var reader = EnvironmentReader(environment: environment)
        options.readLimits(&reader)
        return options
    }

    /// The defaults overridden by the environment variables named on each property, as
    /// ``fromEnvironment(_:)``; each invalid limit (`OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`,
    /// `OTEL_SPAN_EVENT_COUNT_LIMIT`) also adds a warning naming the variable to `warnings`.
    public static func fromEnvironment(_ environment: [String: String], warnings: inout [String]) -> MappingOptions {
        var options = fromEnvironment(environment)
        var reader = EnvironmentReader(environment: environment)
        options.readLimits(&reader)
        warnings += reader.warnings
        return options
    }

    /// Reads the span limits through `reader` (which collects a warning per invalid value). The
    /// span-specific value length limit wins over the general one when both are valid.
    mutating func readLimits(_ reader: inout EnvironmentReader) {
        let spanLength = reader.integer(reader.entry("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT"), minimum: 0, shown: "(no limit)")
        let generalLength = reader.integer(reader.entry("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"), minimum: 0, shown: "(no limit)")
        if let limit = spanLength ?? generalLength { maximumAttributeValueLength = limit }
        if let limit = reader.integer(reader.entry("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"), minimum: 0, shown: "(no limit)") {
            maximumAttributesPerSpan = limit
        }
        maximumEventsPerSpan = reader.integer(reader.entry("OTEL_SPAN_EVENT_COUNT_LIMIT"), minimum: 0, default: maximumEventsPerSpan)
    }

    /// `true` when input-side content is written.
    var capturesInputs: Bool { captureContent && !hideInputs }
    /// `true` when output-side content is written.
    var capturesOutputs: Bool { captureContent && !hideOutputs }
}
