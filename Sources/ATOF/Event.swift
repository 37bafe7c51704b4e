/// One ATOF event of either format family, in one model.
///
/// Version 0.1 (NeMo Relay: `kind` `scope`/`mark`, `scope_category`, `category`, `attributes`,
/// `category_profile`, `data`) and version 0.2 (NeMo Agent Toolkit draft: `ScopeStart`,
/// `ScopeEnd`, `Mark`, `StreamHeader`, `scope_type`, `flags`, `profile`, `input`, `output`,
/// `status`, `error`) both decode into this type. Fields a family does not have stay `nil`;
/// fields this model does not know are kept in ``unknownFields`` and written back on encoding.
public struct Event: Sendable, Hashable {
    /// The format family a line belongs to, decided by its `kind` and key names.
    public enum Family: Sendable, Hashable {
        /// ATOF 0.1: `kind` is `scope` or `mark`; the version is in `atof_version`.
        case v0_1
        /// ATOF 0.2: `kind` is `ScopeStart`, `ScopeEnd`, `Mark` or `StreamHeader`; the version is in
        /// `schema_version`.
        case v0_2
    }

    /// What the event marks.
    public enum Kind: Sendable, Hashable {
        /// A unit of work started.
        case scopeStart
        /// A unit of work ended.
        case scopeEnd
        /// A point-in-time checkpoint.
        case mark
        /// A 0.2 stream header (schema registry); it makes no span.
        case streamHeader
    }

    /// The family the event was written in.
    public var family: Family
    /// The event kind.
    public var kind: Kind
    /// The header literal when the kind is ``Kind/streamHeader`` (`StreamHeader` or the older
    /// `StreamHeaderEvent`), so that re-encoding keeps the spelling.
    public var headerSpelling: String?
    /// The wire version string (`atof_version` or `schema_version`), e.g. `0.1`.
    public var version: String
    /// The handle id a start and its end share.
    public var uuid: String
    /// The enclosing scope's uuid, if any.
    public var parentUUID: String?
    /// When the event happened.
    public var timestamp: Timestamp
    /// The label: scope, tool or mark name (for 0.1 LLM scopes the provider route, e.g. `openai.chat`).
    public var name: String
    /// The kind of work: 0.1 `category`, 0.2 `scope_type` (open vocabulary, kept verbatim).
    public var category: String?
    /// Behavioural flags: 0.1 `attributes`, 0.2 `flags` (kept as written).
    public var flags: [String]
    /// Typed, category-dependent fields: 0.1 `category_profile`, 0.2 `profile`.
    public var profile: JSONValue?
    /// The opaque `data` payload (0.1: input on start, output on end).
    public var data: JSONValue?
    /// 0.1 `data_schema`: the name and version of `data`'s shape.
    public var dataSchema: DataSchema?
    /// 0.2 `input` (on a start).
    public var input: JSONValue?
    /// 0.2 `output` (on an end).
    public var output: JSONValue?
    /// 0.2 `status` on an end.
    public var status: Status?
    /// 0.2 `error` on an end.
    public var error: ErrorInfo?
    /// The tracing and correlation bag (0.1 Relay also stores status keys here).
    public var metadata: JSONValue?
    /// Every top-level member this model does not know, in source order.
    public var unknownFields: JSONObject

    /// Creates an event; only the envelope is required.
    public init(
        family: Family,
        kind: Kind,
        version: String? = nil,
        uuid: String,
        parentUUID: String? = nil,
        timestamp: Timestamp,
        name: String,
        category: String? = nil,
        flags: [String] = [],
        profile: JSONValue? = nil,
        data: JSONValue? = nil,
        dataSchema: DataSchema? = nil,
        input: JSONValue? = nil,
        output: JSONValue? = nil,
        status: Status? = nil,
        error: ErrorInfo? = nil,
        metadata: JSONValue? = nil,
        unknownFields: JSONObject = JSONObject()
    ) {
        self.family = family
        self.kind = kind
        self.headerSpelling = kind == .streamHeader ? "StreamHeader" : nil
        self.version = version ?? (family == .v0_1 ? "0.1" : "0.2")
        self.uuid = uuid
        self.parentUUID = parentUUID
        self.timestamp = timestamp
        self.name = name
        self.category = category
        self.flags = flags
        self.profile = profile
        self.data = data
        self.dataSchema = dataSchema
        self.input = input
        self.output = output
        self.status = status
        self.error = error
        self.metadata = metadata
        self.unknownFields = unknownFields
    }

    /// The work's payload on this event: 0.1 `data`; 0.2 `input` on a start, `output` on an end.
    public var payload: JSONValue? {
        switch (family, kind) {
        case (.v0_1, _): data
        case (.v0_2, .scopeStart): input
        case (.v0_2, .scopeEnd): output
        case (.v0_2, _): data
        }
    }

    /// `true` for scope starts and ends.
    public var isScope: Bool { kind == .scopeStart || kind == .scopeEnd }
}

/// The 0.1 `data_schema` object.
public struct DataSchema: Sendable, Hashable {
    /// The schema name.
    public var name: String
    /// The schema version.
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// The 0.2 scope outcome.
public enum Status: Sendable, Hashable {
    /// Returned normally.
    case ok
    /// Raised an error.
    case error
    /// Ended early (timeout, parent cancellation, explicit cancel).
    case cancelled
    /// A value this reader does not know, kept verbatim.
    case other(String)

    /// Reads the wire value.
    public init(rawValue: String) {
        switch rawValue {
        case "ok": self = .ok
        case "error": self = .error
        case "cancelled": self = .cancelled
        default: self = .other(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: String {
        switch self {
        case .ok: "ok"
        case .error: "error"
        case .cancelled: "cancelled"
        case .other(let value): value
        }
    }
}

/// The 0.2 `error` object.
public struct ErrorInfo: Sendable, Hashable {
    /// The native error type, e.g. `TimeoutError`.
    public var type: String
    /// The message.
    public var message: String
    /// One multi-line stack string, if recorded.
    public var stack: String?
    /// Members beyond `type`, `message` and `stack`, kept verbatim.
    public var unknownFields: JSONObject

    public init(type: String, message: String, stack: String? = nil, unknownFields: JSONObject = JSONObject()) {
        self.type = type
        self.message = message
        self.stack = stack
        self.unknownFields = unknownFields
    }
}
