import ATOF

/// What one parsed line is, by the detection table of adapters.md §1.2 (first match wins; each
/// test is a few key lookups).
enum DetectedFormat: Sendable, Hashable {
    /// ATOF 0.1 or 0.2 (a `kind` of either family, or a version field).
    case atof
    /// One of the foreign formats.
    case foreign(ForeignFormat)
    /// None of them.
    case unknown
}

/// Detects the format of a parsed line, in the order of adapters.md §1.2.
///
/// Generic `type` values (`start`, `error`, `message`, `user`) never decide alone: agent-sdk
/// needs its envelope (`event_id`, `sequence`, `timestamp`), agtrace its `session_id`, `id`,
/// `content` and `stream_id` or `parent_id`, and a `data-*` object that carries a `data` member
/// (the Vercel AI SDK UI stream's custom parts) is enact only under one of enact's own names.
enum FormatDetector {
    /// The message of a line that is none of the formats (the line is skipped).
    static let unknownLineMessage =
        "not an ATOF event and not a known agent event format (looked for ATOF kind/atof_version/schema_version, "
        + "enact \"data-*\" type, agent-sdk event_id+sequence+type, Open Responses \"response.*\" type, "
        + "agtrace session_id+stream_id+content); line skipped"

    /// The format of `value` (anything but an object is unknown).
    static func detect(_ value: JSONValue) -> DetectedFormat {
        guard case .object(let object) = value else { return .unknown }
        return detect(object)
    }

    /// The format of `object`.
    static func detect(_ object: JSONObject) -> DetectedFormat {
        if isATOF(object) { return .atof }
        for format in order where matches(object, format) { return .foreign(format) }
        return .unknown
    }

    /// The foreign formats in the order they are tested (rows 3 to 6): the registry's order.
    static let order: [ForeignFormat] = ForeignFormat.adapterTypes.map { $0.format }

    /// Rows 1 and 2: a `kind` of ATOF 0.1 (`scope`, `mark`) or 0.2, or a version field.
    static func isATOF(_ object: JSONObject) -> Bool {
        if object["atof_version"] != nil || object["schema_version"] != nil { return true }
        guard case .string(let kind)? = object["kind"] else { return false }
        return atofKinds.contains(kind)
    }

    /// Whether `object` passes `format`'s row of the table: the row is the translator's
    /// `recognizes` (one source of truth; called statically, no lookup per line).
    static func matches(_ object: JSONObject, _ format: ForeignFormat) -> Bool {
        switch format {
        case .enact: EnactAdapter.recognizes(object)
        case .agentSDK: AgentSDKAdapter.recognizes(object)
        case .openResponses: OpenResponsesAdapter.recognizes(object)
        case .agtrace: AgtraceAdapter.recognizes(object)
        }
    }

    private static let atofKinds: Set<String> = ["scope", "mark", "ScopeStart", "ScopeEnd", "Mark", "StreamHeader", "StreamHeaderEvent"]
}

extension ForeignFormat {
    /// The foreign format of one JSON line (adapters.md §1.2), or `nil` when it is ATOF, of no
    /// known format, or not JSON.
    public init?(detecting line: some Collection<UInt8>) {
        guard let value = try? JSONParser.parse(line), case .foreign(let format) = FormatDetector.detect(value) else { return nil }
        self = format
    }

    /// Whether a line that is not an ATOF event means the input must be translated: a line of a
    /// foreign format, or SSE framing (`data:` or `event:` first).
    public static func needsTranslation(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        SSEFraming.startsSSE(line) || ForeignFormat(detecting: line) != nil
    }
}
