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

    /// The stored fields (compared and hashed member by member). What every event has, or
    /// commonly has, is stored inline; the rest lives in ``RareFields``, allocated only when one
    /// of them differs from its default. The uuids are held as ``UUIDKey``s: a canonical uuid as
    /// its 16 bytes, any other text as itself (the `String` accessors give the text back).
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var family: Family
        @usableFromInline var kind: Kind
        var uuid: UUIDKey
        var parentUUID: UUIDKey?
        @usableFromInline var timestamp: Timestamp
        @usableFromInline var name: String
        @usableFromInline var category: String?
        @usableFromInline var profile: JSONValue?
        @usableFromInline var data: EventPayload?
        @usableFromInline var input: EventPayload?
        @usableFromInline var metadata: JSONValue?
        @usableFromInline var rareBox: RareBox?

        @usableFromInline var rare: RareFields { rareBox?.value ?? RareFields.empty }

        @usableFromInline static func == (lhs: Fields, rhs: Fields) -> Bool {
            lhs.family == rhs.family && lhs.kind == rhs.kind && lhs.uuid == rhs.uuid && lhs.parentUUID == rhs.parentUUID
                && lhs.timestamp == rhs.timestamp && lhs.name == rhs.name && lhs.category == rhs.category && lhs.profile == rhs.profile
                && lhs.data == rhs.data && lhs.input == rhs.input && lhs.metadata == rhs.metadata
                && (lhs.rareBox === rhs.rareBox || lhs.rare == rhs.rare)
        }

        @usableFromInline func hash(into hasher: inout Hasher) {
            hasher.combine(family)
            hasher.combine(kind)
            hasher.combine(uuid)
            hasher.combine(parentUUID)
            hasher.combine(timestamp)
            hasher.combine(name)
            hasher.combine(category)
            hasher.combine(profile)
            hasher.combine(data)
            hasher.combine(input)
            hasher.combine(metadata)
            hasher.combine(rare)
        }
    }

    /// The fields most events leave at their defaults (a stream header's spelling, a version
    /// other than the family's, flags, `data_schema`, `output`, status, error, unknown members): kept out
    /// of line so that an event without them (most of them) does not carry their room.
    @usableFromInline struct RareFields: Sendable, Hashable {
        @usableFromInline var headerSpelling: String? = nil
        /// `nil`: the family's own version (`0.1` or `0.2`).
        @usableFromInline var version: String? = nil
        @usableFromInline var flags: [String] = []
        @usableFromInline var dataSchema: DataSchema? = nil
        /// 0.2 `output`: on ends only, which are held only while they wait for their start.
        @usableFromInline var output: EventPayload? = nil
        @usableFromInline var status: Status? = nil
        @usableFromInline var error: ErrorInfo? = nil
        @usableFromInline var unknownFields = JSONObject()

        @usableFromInline static let empty = RareFields()
    }

    /// The box of ``RareFields``, shared copy-on-write like ``Storage``.
    @usableFromInline final class RareBox: @unchecked Sendable {
        // Mutated only through `modifyRare` by the sole owner, so sharing across threads is safe.
        @exclusivity(unchecked) @usableFromInline var value: RareFields

        @usableFromInline init(_ value: RareFields) {
            self.value = value
        }
    }

    /// The fields live in one shared, copy-on-write box, so that copying an event (into the
    /// assembler's tables, the export queue, an assembled scope) costs one retain instead of one
    /// per string and payload.
    @usableFromInline final class Storage: @unchecked Sendable {
        // Mutated only through `makeUnique()` by the sole owner, so sharing across threads is safe.
        @exclusivity(unchecked) @usableFromInline var fields: Fields

        @inlinable init(_ fields: Fields) {
            self.fields = fields
        }
    }

    @usableFromInline var storage: Storage

    /// Gives this value its own storage before a write.
    @inlinable mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(storage.fields)
        }
    }

    /// Writes one rare field: no box is made to store a default value, and a shared box is
    /// copied first.
    @usableFromInline mutating func setRare<Value: Equatable>(_ field: WritableKeyPath<RareFields, Value>, _ value: Value) {
        makeUnique()
        guard storage.fields.rareBox != nil else {
            guard value != RareFields.empty[keyPath: field] else { return }
            var rare = RareFields()
            rare[keyPath: field] = value
            storage.fields.rareBox = RareBox(rare)
            return
        }
        if !isKnownUniquelyReferenced(&storage.fields.rareBox) {
            storage.fields.rareBox = RareBox(storage.fields.rare)
        }
        storage.fields.rareBox?.value[keyPath: field] = value
    }

    /// The version a family writes when none other is given.
    @usableFromInline static func defaultVersion(of family: Family) -> String {
        family == .v0_1 ? "0.1" : "0.2"
    }

    /// The family the event was written in.
    public var family: Family {
        get { storage.fields.family }
        set {
            let version = self.version
            makeUnique()
            storage.fields.family = newValue
            self.version = version
        }
    }
    /// The event kind.
    @inlinable public var kind: Kind {
        get { storage.fields.kind }
        set {
            makeUnique()
            storage.fields.kind = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.kind
        }
    }
    /// The header literal when the kind is ``Kind/streamHeader`` (`StreamHeader` or the older
    /// `StreamHeaderEvent`), so that re-encoding keeps the spelling.
    public var headerSpelling: String? {
        get { storage.fields.rareBox?.value.headerSpelling }
        set { setRare(\.headerSpelling, newValue) }
    }
    /// The wire version string (`atof_version` or `schema_version`), e.g. `0.1`.
    public var version: String {
        get { storage.fields.rareBox?.value.version ?? Self.defaultVersion(of: storage.fields.family) }
        set { setRare(\.version, newValue == Self.defaultVersion(of: storage.fields.family) ? nil : newValue) }
    }
    /// The handle id a start and its end share.
    public var uuid: String {
        get { storage.fields.uuid.text }
        set {
            makeUnique()
            storage.fields.uuid = UUIDKey(newValue)
        }
    }
    /// The enclosing scope's uuid, if any.
    public var parentUUID: String? {
        get { storage.fields.parentUUID?.text }
        set {
            makeUnique()
            storage.fields.parentUUID = newValue.map(UUIDKey.init)
        }
    }
    /// ``uuid`` as a key (no text is made or parsed).
    package var uuidKey: UUIDKey { storage.fields.uuid }
    /// ``parentUUID`` as a key (no text is made or parsed).
    package var parentKey: UUIDKey? { storage.fields.parentUUID }
    /// When the event happened.
    @inlinable public var timestamp: Timestamp {
        get { storage.fields.timestamp }
        set {
            makeUnique()
            storage.fields.timestamp = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.timestamp
        }
    }
    /// The label: scope, tool or mark name (for 0.1 LLM scopes the provider route, e.g. `openai.chat`).
    @inlinable public var name: String {
        get { storage.fields.name }
        set {
            makeUnique()
            storage.fields.name = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.name
        }
    }
    /// The kind of work: 0.1 `category`, 0.2 `scope_type` (open vocabulary, kept verbatim).
    @inlinable public var category: String? {
        get { storage.fields.category }
        set {
            makeUnique()
            storage.fields.category = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.category
        }
    }
    /// Behavioural flags: 0.1 `attributes`, 0.2 `flags` (kept as written).
    public var flags: [String] {
        get { storage.fields.rareBox?.value.flags ?? [] }
        set { setRare(\.flags, newValue) }
    }
    /// Typed, category-dependent fields: 0.1 `category_profile`, 0.2 `profile`.
    @inlinable public var profile: JSONValue? {
        get { storage.fields.profile }
        set {
            makeUnique()
            storage.fields.profile = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.profile
        }
    }
    /// The opaque `data` payload (0.1: input on start, output on end). An event read from a
    /// line holds the payload as the line's bytes; reading this property parses them.
    public var data: JSONValue? {
        get { storage.fields.data?.value }
        set {
            makeUnique()
            storage.fields.data = newValue.map(EventPayload.value)
        }
    }
    /// 0.1 `data_schema`: the name and version of `data`'s shape.
    public var dataSchema: DataSchema? {
        get { storage.fields.rareBox?.value.dataSchema }
        set { setRare(\.dataSchema, newValue) }
    }
    /// 0.2 `input` (on a start); parsed from the line's bytes on each read.
    public var input: JSONValue? {
        get { storage.fields.input?.value }
        set {
            makeUnique()
            storage.fields.input = newValue.map(EventPayload.value)
        }
    }
    /// 0.2 `output` (on an end); parsed from the line's bytes on each read.
    public var output: JSONValue? {
        get { storage.fields.rareBox?.value.output?.value }
        set { setRare(\.output, newValue.map(EventPayload.value)) }
    }
    /// 0.2 `status` on an end.
    public var status: Status? {
        get { storage.fields.rareBox?.value.status }
        set { setRare(\.status, newValue) }
    }
    /// 0.2 `error` on an end.
    public var error: ErrorInfo? {
        get { storage.fields.rareBox?.value.error }
        set { setRare(\.error, newValue) }
    }
    /// The tracing and correlation bag (0.1 Relay also stores status keys here).
    @inlinable public var metadata: JSONValue? {
        get { storage.fields.metadata }
        set {
            makeUnique()
            storage.fields.metadata = newValue
        }
        _modify {
            makeUnique()
            yield &storage.fields.metadata
        }
    }
    /// Every top-level member this model does not know, in source order.
    public var unknownFields: JSONObject {
        get { storage.fields.rareBox?.value.unknownFields ?? JSONObject() }
        set { setRare(\.unknownFields, newValue) }
    }

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
        let rare = RareFields(
            headerSpelling: kind == .streamHeader ? "StreamHeader" : nil,
            version: version.flatMap { $0 == Self.defaultVersion(of: family) ? nil : $0 },
            flags: flags, dataSchema: dataSchema, output: output.map(EventPayload.value), status: status, error: error,
            unknownFields: unknownFields)
        storage = Storage(
            Fields(
                family: family,
                kind: kind,
                uuid: UUIDKey(uuid),
                parentUUID: parentUUID.map(UUIDKey.init),
                timestamp: timestamp,
                name: name,
                category: category,
                profile: profile,
                data: data.map(EventPayload.value),
                input: input.map(EventPayload.value),
                metadata: metadata,
                rareBox: rare == RareFields.empty ? nil : RareBox(rare)))
    }

    /// The work's payload on this event: 0.1 `data`; 0.2 `input` on a start, `output` on an end.
    public var payload: JSONValue? {
        payloadStorage?.value
    }

    /// ``payload`` as the event holds it (the line's bytes for an event read from a line), so
    /// that it is parsed only when a value inside it is needed.
    package var payloadStorage: EventPayload? {
        switch (family, kind) {
        case (.v0_1, _): storage.fields.data
        case (.v0_2, .scopeStart): storage.fields.input
        case (.v0_2, .scopeEnd): storage.fields.rareBox?.value.output
        case (.v0_2, _): storage.fields.data
        }
    }

    /// ``data`` as the event holds it.
    package var dataStorage: EventPayload? {
        get { storage.fields.data }
        set {
            makeUnique()
            storage.fields.data = newValue
        }
    }

    /// ``input`` as the event holds it.
    package var inputStorage: EventPayload? {
        get { storage.fields.input }
        set {
            makeUnique()
            storage.fields.input = newValue
        }
    }

    /// ``output`` as the event holds it.
    package var outputStorage: EventPayload? {
        get { storage.fields.rareBox?.value.output }
        set { setRare(\.output, newValue) }
    }

    /// `true` for scope starts and ends.
    public var isScope: Bool { kind == .scopeStart || kind == .scopeEnd }

    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
    }
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
