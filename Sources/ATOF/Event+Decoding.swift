#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line is not an ATOF event the bridge can use. The line is skipped and reported.
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do about it.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// The result of decoding one line.
public enum DecodedLine: Sendable, Hashable {
    /// An event, with any warnings about it (it is still used).
    case event(Event, warnings: [String])
    /// A line of a known family that this reader cannot use (e.g. an unknown `kind`): it is
    /// skipped and reported as a warning, not an error.
    case skipped(warning: String)
}

extension Event {
    /// The `kind` values of each family (case-sensitive).
    static let kinds01: [String: Kind] = ["scope": .scopeStart, "mark": .mark]
    static let kinds02: [String: Kind] = [
        "ScopeStart": .scopeStart, "ScopeEnd": .scopeEnd, "Mark": .mark,
        "StreamHeader": .streamHeader, "StreamHeaderEvent": .streamHeader,
    ]

    /// The top-level keys the model holds, per family; everything else is an unknown field.
    static let knownKeys01: Set<String> = [
        "kind", "atof_version", "uuid", "parent_uuid", "timestamp", "name", "data", "data_schema", "metadata",
        "scope_category", "attributes", "category", "category_profile",
    ]
    static let knownKeys02: Set<String> = [
        "kind", "schema_version", "uuid", "parent_uuid", "timestamp", "name", "data", "metadata",
        "scope_type", "flags", "profile", "input", "output", "status", "error",
    ]

    /// Decodes one JSON-lines line (without its line break).
    public static func decode(line: some Collection<UInt8>) throws(EventDecodingError) -> DecodedLine {
        if let result = line.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(EventDecodingError) -> DecodedLine in try decode(line: buffer) }
        }) {
            return try result.get()
        }
        return try decode(line: Array(line))
    }

    /// Decodes one line held in contiguous memory: the concrete entry point (no generic code per line).
    ///
    /// The line is validated by ``JSONScanner`` without building values; the header fields are
    /// decoded from their bytes, `metadata`, profiles and unknown members are parsed, and the
    /// payloads (`data`, `input`, `output`) are copied into one buffer and kept as slices of it. A
    /// line the scanner does not take (not JSON, not an object, an escaped key) goes through
    /// ``JSONParser``, which gives the same event or the error to report.
    ///
    /// With `keepingPayloads` `false` the event has no `data`, `input` or `output` (nothing is
    /// copied for them); everything else, errors and warnings included, is the same. That is the
    /// cheap read for a pass that only needs the envelope (kind, uuid, parent, time, name) and
    /// `metadata` (its `traceparent`).
    public static func decode(
        line: UnsafeBufferPointer<UInt8>, keepingPayloads: Bool = true
    ) throws(EventDecodingError) -> DecodedLine {
        if let members = JSONScanner.objectMembers(of: line) {
            return try decode(FieldSlots(line: line, members: members, keepsPayloads: keepingPayloads))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw EventDecodingError("not JSON (\(error)); each line must be one JSON object")
        }
        return try decode(value, keepsPayloads: keepingPayloads)
    }

    /// Decodes one parsed JSON value.
    public static func decode(_ value: JSONValue) throws(EventDecodingError) -> DecodedLine {
        try decode(value, keepsPayloads: true)
    }

    private static func decode(_ value: JSONValue, keepsPayloads: Bool) throws(EventDecodingError) -> DecodedLine {
        guard case .object(let object) = value else {
            throw EventDecodingError("not a JSON object; each line must be one ATOF event object")
        }
        return try decode(FieldSlots(object, keepsPayloads: keepsPayloads))
    }

    /// Decodes the members of an event object.
    private static func decode(_ slots: FieldSlots) throws(EventDecodingError) -> DecodedLine {
        let hasAtofVersion = slots[.atofVersion] != nil
        let hasSchemaVersion = slots[.schemaVersion] != nil
        let kindValue = slots[.kind]
        guard let kindValue else {
            if hasAtofVersion || hasSchemaVersion {
                throw EventDecodingError("missing required field \"kind\"")
            }
            throw EventDecodingError("not an ATOF event: no \"kind\" and no \"atof_version\" or \"schema_version\"")
        }
        guard case .string(let kind) = kindValue else {
            throw EventDecodingError("field \"kind\" must be a string")
        }
        if hasAtofVersion && hasSchemaVersion {
            throw EventDecodingError("both \"atof_version\" and \"schema_version\" are present; an event has one")
        }
        if let kind01 = kinds01[kind] {
            if hasSchemaVersion {
                throw EventDecodingError("kind \"\(kind)\" is ATOF 0.1 but the line has \"schema_version\"; 0.1 uses \"atof_version\"")
            }
            return try decode01(slots: slots, kind: kind01)
        }
        if let kind02 = kinds02[kind] {
            if hasAtofVersion {
                throw EventDecodingError("kind \"\(kind)\" is ATOF 0.2 but the line has \"atof_version\"; 0.2 uses \"schema_version\"")
            }
            return try decode02(slots: slots, kind: kind02, spelling: kind)
        }
        if hasAtofVersion || hasSchemaVersion {
            let version = hasAtofVersion ? "atof_version" : "schema_version"
            return .skipped(warning: "unknown kind \"\(kind)\" (line has \(version)); skipped")
        }
        throw EventDecodingError("unknown kind \"\(kind)\" and no version field; not an ATOF event")
    }

    private static func decode01(slots: FieldSlots, kind: Kind) throws(EventDecodingError) -> DecodedLine {
        let fields = FieldReader(slots: slots)
        let version = try fields.version(.atofVersion)
        var event = Event(
            family: .v0_1, kind: kind, version: version,
            uuid: try fields.uuid(), parentUUID: try fields.optionalString(.parentUUID),
            timestamp: try fields.timestamp(), name: try fields.requiredString(.name)
        )
        event.dataStorage = fields.payload(.data)
        event.metadata = fields.optional(.metadata)
        if let schema = fields.optional(.dataSchema) {
            guard case .object(let schemaObject) = schema,
                case .string(let name)? = schemaObject["name"], case .string(let schemaVersion)? = schemaObject["version"]
            else {
                throw EventDecodingError("field \"data_schema\" must be null or an object with string \"name\" and \"version\"")
            }
            event.dataSchema = DataSchema(name: name, version: schemaVersion)
        }
        switch kind {
        case .mark:
            event.category = try fields.optionalString(.category)
            event.profile = try fields.optionalObject(.categoryProfile)
        default:
            let phase = try fields.requiredString(.scopeCategory)
            switch phase {
            case "start": event.kind = .scopeStart
            case "end": event.kind = .scopeEnd
            default:
                throw EventDecodingError("field \"scope_category\" is \"\(phase)\"; it must be \"start\" or \"end\"")
            }
            event.category = try fields.requiredString(.category)
            event.flags = try fields.flags(.attributes)
            event.profile = try fields.optionalObject(.categoryProfile)
        }
        if slots.hasUnknown01 { event.unknownFields = slots.unknownMembers(known: Field.known01) }
        return .event(event, warnings: fields.warnings + duplicateKeyWarnings(slots, metadata: event.metadata))
    }

    private static func decode02(slots: FieldSlots, kind: Kind, spelling: String) throws(EventDecodingError) -> DecodedLine {
        var fields = FieldReader(slots: slots)
        let version = try fields.version(.schemaVersion)
        var event = Event(
            family: .v0_2, kind: kind, version: version,
            uuid: try fields.uuid(), parentUUID: try fields.optionalString(.parentUUID),
            timestamp: try fields.timestamp(), name: try fields.requiredString(.name)
        )
        event.headerSpelling = kind == .streamHeader ? spelling : nil
        event.dataStorage = fields.payload(.data)
        event.metadata = fields.optional(.metadata)
        if kind == .scopeStart || kind == .scopeEnd {
            let scopeType = try fields.requiredString(.scopeType)
            if scopeType.isEmpty { fields.warnings.append("\"scope_type\" is empty") }
            event.category = scopeType
            event.flags = try fields.flags(.flags)
            event.profile = try fields.optionalObject(.profile)
        }
        if kind == .scopeStart {
            event.inputStorage = fields.payload(.input)
        }
        if kind == .scopeEnd {
            event.outputStorage = fields.payload(.output)
            if let statusText = try fields.optionalString(.status) {
                event.status = Status(rawValue: statusText)
                if case .other(let unknown) = event.status {
                    fields.warnings.append("unknown status \"\(unknown)\"; expected ok, error or cancelled")
                }
            } else {
                fields.warnings.append("ScopeEnd has no \"status\"; the span status is left unset")
            }
            if let errorValue = fields.optional(.error) {
                event.error = try decodeError(errorValue)
            }
            if event.status == .error && event.error == nil {
                fields.warnings.append("status \"error\" without an \"error\" object")
            }
        }
        if slots.hasUnknown02 { event.unknownFields = slots.unknownMembers(known: Field.known02) }
        return .event(event, warnings: fields.warnings + duplicateKeyWarnings(slots, metadata: event.metadata))
    }

    /// One warning per key repeated in the event object or in its `metadata` object (whose keys
    /// become `atof.metadata.*` attributes). The last value of a repeated key is the one used,
    /// as ``JSONObject``'s subscript reads it; the members themselves are kept as written.
    private static func duplicateKeyWarnings(_ slots: FieldSlots, metadata: JSONValue?) -> [String] {
        var warnings = slots.repeatedKeys.map { "duplicate key \"\($0)\" in the event; the last value is used" }
        if case .object(let object)? = metadata, object.count > 1 {
            warnings += DuplicateKeys.find(in: object.members, at: object.members.indices).map {
                "duplicate key \"\($0)\" in \"metadata\"; the last value is used"
            }
        }
        return warnings
    }

    private static func decodeError(_ value: JSONValue) throws(EventDecodingError) -> ErrorInfo {
        guard case .object(let object) = value else {
            throw EventDecodingError("field \"error\" must be null or an object with \"type\" and \"message\"")
        }
        let type = object["type"]?.stringValue ?? ""
        let message = object["message"]?.stringValue ?? ""
        let stack = object["stack"]?.stringValue
        let rest = object.filtered { !["type", "message", "stack"].contains($0) }
        return ErrorInfo(type: type, message: message, stack: stack, unknownFields: rest)
    }
}

extension JSONObject {
    /// The members whose keys pass `isIncluded`, in order.
    func filtered(_ isIncluded: (String) -> Bool) -> JSONObject {
        JSONObject(members.filter { isIncluded($0.key) })
    }
}

/// Finds keys that appear more than once in an object.
enum DuplicateKeys {
    /// The keys of the members at `indices` of `members` that appear more than once among them,
    /// each once, in order of first repetition. Few members are compared pairwise (nothing is
    /// allocated when no key repeats), many through a set.
    static func find(in members: [JSONObject.Member], at indices: some Collection<Int>) -> [String] {
        var found: [String] = []
        if indices.count <= 16 {
            for (position, index) in indices.enumerated() {
                let key = members[index].key
                guard !found.contains(key) else { continue }
                if indices.prefix(position).contains(where: { members[$0].key == key }) { found.append(key) }
            }
            return found
        }
        var seen = Set<String>()
        for index in indices where !seen.insert(members[index].key).inserted && !found.contains(members[index].key) {
            found.append(members[index].key)
        }
        return found
    }
}

/// The top-level members an event decoder reads, found in one pass over the object.
private enum Field: Int, CaseIterable {
    case kind, atofVersion, schemaVersion, uuid, parentUUID, timestamp, name, data, dataSchema, metadata
    case scopeCategory, attributes, category, categoryProfile
    case scopeType, flags, profile, input, output, status, error

    /// The member name on the wire.
    var key: String {
        switch self {
        case .kind: "kind"
        case .atofVersion: "atof_version"
        case .schemaVersion: "schema_version"
        case .uuid: "uuid"
        case .parentUUID: "parent_uuid"
        case .timestamp: "timestamp"
        case .name: "name"
        case .data: "data"
        case .dataSchema: "data_schema"
        case .metadata: "metadata"
        case .scopeCategory: "scope_category"
        case .attributes: "attributes"
        case .category: "category"
        case .categoryProfile: "category_profile"
        case .scopeType: "scope_type"
        case .flags: "flags"
        case .profile: "profile"
        case .input: "input"
        case .output: "output"
        case .status: "status"
        case .error: "error"
        }
    }

    /// Fields ATOF 0.1 knows (``Event/knownKeys01``) as a bit set.
    static let known01: UInt32 = [
        Field.kind, .atofVersion, .uuid, .parentUUID, .timestamp, .name, .data, .dataSchema, .metadata,
        .scopeCategory, .attributes, .category, .categoryProfile,
    ].reduce(0) { $0 | 1 << $1.rawValue }
    /// Fields ATOF 0.2 knows (``Event/knownKeys02``) as a bit set.
    static let known02: UInt32 = [
        Field.kind, .schemaVersion, .uuid, .parentUUID, .timestamp, .name, .data, .metadata,
        .scopeType, .flags, .profile, .input, .output, .status, .error,
    ].reduce(0) { $0 | 1 << $1.rawValue }

    /// The field a member name is, by length and bytes (no hashing, no allocation).
    static func named(_ key: String) -> Field? {
        var key = key
        return key.withUTF8 { named(bytes: $0) }
    }

    /// The field a member name given as UTF-8 bytes is.
    static func named(bytes: UnsafeBufferPointer<UInt8>) -> Field? {
        do {
            func matches(_ literal: StaticString) -> Bool {
                guard literal.utf8CodeUnitCount == bytes.count, let base = bytes.baseAddress else { return false }
                return memcmp(literal.utf8Start, base, bytes.count) == 0
            }
            switch bytes.count {
            case 4:
                if matches("kind") { return .kind }
                if matches("uuid") { return .uuid }
                if matches("name") { return .name }
                if matches("data") { return .data }
            case 5:
                if matches("flags") { return .flags }
                if matches("input") { return .input }
                if matches("error") { return .error }
            case 6:
                if matches("output") { return .output }
                if matches("status") { return .status }
            case 7:
                if matches("profile") { return .profile }
            case 8:
                if matches("metadata") { return .metadata }
                if matches("category") { return .category }
            case 9:
                if matches("timestamp") { return .timestamp }
            case 10:
                if matches("scope_type") { return .scopeType }
                if matches("attributes") { return .attributes }
            case 11:
                if matches("parent_uuid") { return .parentUUID }
                if matches("data_schema") { return .dataSchema }
            case 12:
                if matches("atof_version") { return .atofVersion }
            case 14:
                if matches("schema_version") { return .schemaVersion }
                if matches("scope_category") { return .scopeCategory }
            case 16:
                if matches("category_profile") { return .categoryProfile }
            default:
                break
            }
            return nil
        }
    }
}

/// The value of each ``Field`` in an event object: the last member with that name, as
/// ``JSONObject``'s subscript gives it. The members are either parsed values or, for a line read
/// through ``JSONScanner``, byte ranges of the line, parsed only when read.
private struct FieldSlots {
    /// Whether `data`, `input` and `output` are kept.
    private let keepsPayloads: Bool
    /// The members as parsed values (empty for a scanned line).
    private let members: [JSONObject.Member]
    /// The line's members as byte ranges (empty for parsed values).
    private let scanned: [JSONScanner.Member]
    /// The scanned line (empty for parsed values); valid while the slots are used.
    private let line: UnsafeBufferPointer<UInt8>
    /// The bytes of the scanned line's non-null payloads, one after the other: one buffer shared
    /// by their slices (nothing else of the line is kept).
    private var payloadBytes: [UInt8] = []
    /// Per payload field, where its bytes start in ``payloadBytes``.
    private var payloadOffsets = SIMD32<Int32>()
    /// Per field, 1 + the index of its last member (0: absent); inline, no allocation.
    private var positions = SIMD32<Int32>()
    /// Which fields are present, as a bit set.
    private var present: UInt32 = 0
    /// Which fields appear more than once, as a bit set.
    private var repeated: UInt32 = 0
    /// Whether some member is not a ``Field`` at all.
    private var hasOther = false
    /// Whether two members are not ``Field``s (only then can such a key repeat).
    private var hasOthers = false

    /// The slots of a parsed object; its payloads are left out unless `keepsPayloads`.
    init(_ object: JSONObject, keepsPayloads: Bool) {
        self.keepsPayloads = keepsPayloads
        members = object.members
        scanned = []
        line = UnsafeBufferPointer(start: nil, count: 0)
        for (index, member) in members.enumerated() {
            note(Field.named(member.key), at: index)
        }
    }

    /// The slots of a line validated by ``JSONScanner``, whose top-level members are `members`.
    /// Its payloads are neither copied nor kept unless `keepsPayloads`.
    init(line: UnsafeBufferPointer<UInt8>, members scannedMembers: [JSONScanner.Member], keepsPayloads: Bool) {
        self.keepsPayloads = keepsPayloads
        members = []
        scanned = scannedMembers
        self.line = line
        for (index, member) in scannedMembers.enumerated() {
            note(Field.named(bytes: UnsafeBufferPointer(rebasing: line[member.key])), at: index)
        }
        let payloads: UInt32 = 1 << Field.data.rawValue | 1 << Field.input.rawValue | 1 << Field.output.rawValue
        guard keepsPayloads, present & payloads != 0 else { return }
        // The non-null payloads' bytes, one after the other, in one buffer shared by their slices.
        var total = 0
        for field in [Field.data, .input, .output] where positions[field.rawValue] > 0 {
            let range = scannedMembers[Int(positions[field.rawValue]) - 1].value
            if line[range.lowerBound] != UInt8(ascii: "n") { total += range.count }
        }
        guard total > 0 else { return }
        var owned: [UInt8] = []
        owned.reserveCapacity(total)
        for field in [Field.data, .input, .output] where positions[field.rawValue] > 0 {
            let range = scannedMembers[Int(positions[field.rawValue]) - 1].value
            guard line[range.lowerBound] != UInt8(ascii: "n") else { continue }
            payloadOffsets[field.rawValue] = Int32(truncatingIfNeeded: owned.count)
            owned.append(contentsOf: UnsafeBufferPointer(rebasing: line[range]))
        }
        payloadBytes = owned
    }

    private mutating func note(_ field: Field?, at index: Int) {
        if let field {
            positions[field.rawValue] = Int32(truncatingIfNeeded: index + 1)
            repeated |= present & 1 << field.rawValue
            present |= 1 << field.rawValue
        } else {
            hasOthers = hasOther
            hasOther = true
        }
    }

    /// The number of members.
    private var count: Int { scanned.isEmpty ? members.count : scanned.count }

    /// The key of the member at `index`.
    private func key(at index: Int) -> String {
        guard !scanned.isEmpty else { return members[index].key }
        return String(decoding: UnsafeBufferPointer(rebasing: line[scanned[index].key]), as: UTF8.self)
    }

    /// The value of the member at `index`, parsed when scanned.
    private func value(at index: Int) -> JSONValue {
        guard !scanned.isEmpty else { return members[index].value }
        let bytes = UnsafeBufferPointer(rebasing: line[scanned[index].value])
        // The common small values straight from the bytes (they were validated).
        switch bytes.first {
        case UInt8(ascii: "\""):
            if !bytes.contains(UInt8(ascii: "\\")) {
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]), as: UTF8.self))
            }
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "["): if bytes.count == 2 { return .array([]) }
        case UInt8(ascii: "{"): if bytes.count == 2 { return .object(JSONObject()) }
        default: break
        }
        // The scanner validated the bytes, so this cannot fail; should it, the value reads as null.
        return (try? JSONParser.parse(bytes)) ?? .null
    }

    /// The field of the member at `index`, if its key is one.
    private func field(at index: Int) -> Field? {
        guard !scanned.isEmpty else { return Field.named(members[index].key) }
        return Field.named(bytes: UnsafeBufferPointer(rebasing: line[scanned[index].key]))
    }

    /// The keys that appear more than once in the event object: repeated fields, then other
    /// repeated keys (empty in the common case, without allocating).
    var repeatedKeys: [String] {
        guard repeated != 0 || hasOthers else { return [] }
        var keys = Field.allCases.filter { repeated & 1 << $0.rawValue != 0 }.map(\.key)
        if hasOthers {
            let others = (0..<count).filter { field(at: $0) == nil }
            let named = others.map { JSONObject.Member(key: key(at: $0), value: .null) }
            keys += DuplicateKeys.find(in: named, at: named.indices)
        }
        return keys
    }

    subscript(field: Field) -> JSONValue? {
        let position = Int(positions[field.rawValue])
        // (Not a `?:` with `nil`: JSONValue is ExpressibleByNilLiteral, so that would give `.null`.)
        guard position > 0 else { return Optional<JSONValue>.none }
        return value(at: position - 1)
    }

    /// A present, non-null payload: a slice of the line when scanned.
    func payload(_ field: Field) -> EventPayload? {
        let position = Int(positions[field.rawValue])
        guard keepsPayloads, position > 0 else { return nil }
        guard !scanned.isEmpty else {
            let value = members[position - 1].value
            return value.isNull ? nil : .value(value)
        }
        let member = scanned[position - 1]
        guard line[member.value.lowerBound] != UInt8(ascii: "n") else { return nil }
        let start = Int(payloadOffsets[field.rawValue])
        return .raw(RawJSON(line: payloadBytes, range: start..<(start + member.value.count), isCompact: member.isCompact))
    }

    /// The members whose fields are not in `known` (a bit set of ``Field``s), in source order.
    func unknownMembers(known: UInt32) -> JSONObject {
        var unknown: [JSONObject.Member] = []
        for index in 0..<count {
            if let field = field(at: index), known & 1 << field.rawValue != 0 { continue }
            unknown.append(JSONObject.Member(key: key(at: index), value: value(at: index)))
        }
        return JSONObject(unknown)
    }

    /// Whether the object has members ATOF 0.1 does not know.
    var hasUnknown01: Bool { hasOther || present & ~Field.known01 != 0 }
    /// Whether the object has members ATOF 0.2 does not know.
    var hasUnknown02: Bool { hasOther || present & ~Field.known02 != 0 }
}

/// Reads typed fields from an event object, collecting warnings.
private struct FieldReader {
    let slots: FieldSlots
    var warnings: [String] = []

    /// A present, non-null payload, kept as the line's bytes when the line was scanned.
    func payload(_ field: Field) -> EventPayload? {
        slots.payload(field)
    }

    /// A present, non-null value.
    func optional(_ field: Field) -> JSONValue? {
        guard let value = slots[field], !value.isNull else { return nil }
        return value
    }

    func requiredString(_ field: Field) throws(EventDecodingError) -> String {
        let key = field.key
        guard let value = optional(field) else { throw EventDecodingError("missing required field \"\(key)\"") }
        guard case .string(let text) = value else { throw EventDecodingError("field \"\(key)\" must be a string") }
        return text
    }

    func optionalString(_ field: Field) throws(EventDecodingError) -> String? {
        let key = field.key
        guard let value = optional(field) else { return nil }
        guard case .string(let text) = value else { throw EventDecodingError("field \"\(key)\" must be a string or null") }
        return text
    }

    func optionalObject(_ field: Field) throws(EventDecodingError) -> JSONValue? {
        let key = field.key
        guard let value = optional(field) else { return nil }
        guard case .object = value else { throw EventDecodingError("field \"\(key)\" must be an object or null") }
        return value
    }

    func uuid() throws(EventDecodingError) -> String {
        let uuid = try requiredString(.uuid)
        guard !uuid.isEmpty else { throw EventDecodingError("field \"uuid\" is empty") }
        return uuid
    }

    func version(_ field: Field) throws(EventDecodingError) -> String {
        let key = field.key
        let version = try requiredString(field)
        if version == "0.1" || version == "0.2" { return version }  // the common case, checked below too
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), Int(parts[1]) != nil else {
            throw EventDecodingError("field \"\(key)\" is \"\(version)\"; it must be MAJOR.MINOR such as \"0.1\"")
        }
        guard major == 0 else {
            throw EventDecodingError("unsupported major version \(major) in \"\(key)\": \"\(version)\"; this reader supports 0.x")
        }
        return version
    }

    /// The event time; one outside ``Timestamp/eventRange`` (before 1970, which OTLP cannot
    /// carry, or past 2262) is an error, never moved into range.
    func timestamp() throws(EventDecodingError) -> Timestamp {
        guard let value = optional(.timestamp) else { throw EventDecodingError("missing required field \"timestamp\"") }
        let timestamp = try parseTimestamp(value)
        guard Timestamp.eventRange.contains(timestamp.nanosecondsSinceEpoch) else {
            switch timestamp.wireForm {
            case .rfc3339(let text): throw Self.outOfEventRange(text)
            case .epochMicroseconds(let micros): throw Self.outOfEventRange("\(micros) (epoch microseconds)")
            }
        }
        return timestamp
    }

    /// The error for a time outside ``Timestamp/eventRange``.
    static func outOfEventRange(_ text: String) -> EventDecodingError {
        EventDecodingError(
            "timestamp \(text) is outside the range an event can have, \(Timestamp.eventRangeText) "
                + "(OTLP times are nanoseconds since 1970); correct the producer's clock or the value")
    }

    private func parseTimestamp(_ value: JSONValue) throws(EventDecodingError) -> Timestamp {
        do {
            switch value {
            case .string(let text):
                return try Timestamp(rfc3339: text)
            case .number(let number):
                guard number.isInteger else {
                    throw EventDecodingError("timestamp \(number.text) is not an integer; use integer epoch microseconds or RFC 3339")
                }
                guard let micros = number.int64Value else { throw Self.outOfEventRange("\(number.text) (epoch microseconds)") }
                return try Timestamp(epochMicroseconds: micros)
            default:
                throw EventDecodingError("field \"timestamp\" must be an RFC 3339 string or integer epoch microseconds")
            }
        } catch let error as EventDecodingError {
            throw error
        } catch TimestampError.outOfRange(let text) {
            throw Self.outOfEventRange(text)
        } catch let error as TimestampError {
            throw EventDecodingError(error.description)
        } catch {
            throw EventDecodingError("invalid timestamp")
        }
    }

    func flags(_ field: Field) throws(EventDecodingError) -> [String] {
        let key = field.key
        guard let value = optional(field) else { return [] }
        guard case .array(let elements) = value else { throw EventDecodingError("field \"\(key)\" must be an array of strings") }
        var flags: [String] = []
        flags.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let flag) = element else { throw EventDecodingError("field \"\(key)\" must contain only strings") }
            flags.append(flag)
        }
        return flags
    }
}
