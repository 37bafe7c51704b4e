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

    /// The foreign formats in the order they are tested (rows 3 to 6).
    static let order: [ForeignFormat] = [.enact, .agentSDK, .openResponses, .agtrace]

    /// Rows 1 and 2: a `kind` of ATOF 0.1 (`scope`, `mark`) or 0.2, or a version field.
    static func isATOF(_ object: JSONObject) -> Bool {
        if object["atof_version"] != nil || object["schema_version"] != nil { return true }
        guard case .string(let kind)? = object["kind"] else { return false }
        return atofKinds.contains(kind)
    }

    /// Whether `object` passes `format`'s row of the table.
    static func matches(_ object: JSONObject, _ format: ForeignFormat) -> Bool {
        switch format {
        case .enact:
            guard case .string(let type)? = object["type"], type.hasPrefix("data-") else { return false }
            return enactTypes.contains(type) || object["data"] == nil
        case .agentSDK:
            guard case .string(let eventID)? = object["event_id"], isUUID(eventID),
                case .number(let sequence)? = object["sequence"], sequence.isInteger,
                case .string? = object["timestamp"], case .string? = object["type"]
            else { return false }
            return true
        case .openResponses:
            guard case .string(let type)? = object["type"] else { return false }
            return type.hasPrefix("response.")
        case .agtrace:
            guard object["session_id"] != nil, object["id"] != nil, case .object? = object["content"],
                case .string? = object["type"]
            else { return false }
            if object["parent_id"] != nil { return true }
            guard case .object(let stream)? = object["stream_id"] else { return false }
            return stream["stream_type"] != nil
        }
    }

    private static let atofKinds: Set<String> = ["scope", "mark", "ScopeStart", "ScopeEnd", "Mark", "StreamHeader", "StreamHeaderEvent"]

    /// The 39 `type` names of enact-core's `StreamEvent` (adapters.md §2.1).
    static let enactTypes: Set<String> = [
        "data-text-start", "data-text-delta", "data-text-end",
        "data-start-step", "data-finish-step",
        "data-tool-input-start", "data-tool-input-delta", "data-tool-input-available", "data-tool-output-available",
        "data-permission-request",
        "data-start", "data-finish", "data-error",
        "data-execution-start", "data-execution-end", "data-execution-failed",
        "data-execution-paused", "data-execution-resumed", "data-execution-cancelled",
        "data-step-start", "data-step-end", "data-step-failed", "data-step-discovered",
        "data-artifact-created", "data-state-snapshot", "data-checkpoint-saved", "data-goal-evaluated",
        "data-inbox-message", "data-policy-decision",
        "data-llm-call-start", "data-llm-call-end", "data-llm-call-failed",
        "data-token-usage", "data-memory-recalled", "data-memory-stored", "data-guardrail-evaluated",
        "data-reasoning-trace", "data-context-snapshot", "data-feedback-received",
    ]

    /// A UUID in its text form: 8-4-4-4-12 hexadecimal digits, any case.
    static func isUUID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return false }
            default:
                let isHex =
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
                guard isHex else { return false }
            }
        }
        return true
    }
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
