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

    /// The format of `object`: the ATOF rows, then each of `adapterTypes` in order (rows 3 to 6;
    /// a translator's `recognizes` is its row).
    static func detect(
        _ object: JSONObject, among adapterTypes: [any ForeignEventAdapter.Type] = ForeignFormat.adapterTypes
    ) -> DetectedFormat {
        if isATOF(object) { return .atof }
        return translator(for: object, among: adapterTypes).map { .foreign($0.format) } ?? .unknown
    }

    /// The first of `adapterTypes` whose row `object` passes (for an object that is not ATOF).
    static func translator(
        for object: JSONObject, among adapterTypes: [any ForeignEventAdapter.Type]
    ) -> (any ForeignEventAdapter.Type)? {
        adapterTypes.first { $0.recognizes(object) }
    }

    /// Rows 1 and 2: a `kind` of ATOF 0.1 (`scope`, `mark`) or 0.2, or a version field.
    static func isATOF(_ object: JSONObject) -> Bool {
        if object["atof_version"] != nil || object["schema_version"] != nil { return true }
        guard case .string(let kind)? = object["kind"] else { return false }
        return atofKinds.contains(kind)
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
