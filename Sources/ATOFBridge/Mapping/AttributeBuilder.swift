import ATOF

/// Collects attributes so that each key appears at most once: setting a key that is already there
/// replaces its value in place (the key keeps its first position). Setting `nil` does nothing.
struct AttributeBuilder: Sendable {
    private(set) var attributes: [OTLP.Attribute] = []
    /// A 256-bit filter of the keys set so far (length and last byte): a key whose bit is clear
    /// is new, and needs no scan.
    private var filter: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Creates an empty builder with room for `capacity` attributes (one allocation).
    init(reservingCapacity capacity: Int = 32) {
        attributes.reserveCapacity(capacity)
    }

    /// Sets `key` to `value`, replacing an earlier value; `nil` leaves the builder unchanged.
    ///
    /// A span has a few dozen attributes at most, and almost every key is new: a small bit filter
    /// rules most of them out at once, and the rest are found by a scan comparing keys only
    /// where the UTF-8 length (stored in the string) matches.
    mutating func set(_ key: String, _ value: OTLP.AttributeValue?) {
        guard let value else { return }
        let utf8 = key.utf8
        let length = utf8.count
        let last = length > 0 ? utf8[utf8.index(before: utf8.endIndex)] : 0
        if testAndSetFilter(Self.filterBit(length: length, lastByte: last)) {
            for index in attributes.indices where attributes[index].key.utf8.count == length && attributes[index].key == key {
                attributes[index].value = value
                return
            }
        }
        attributes.append(OTLP.Attribute(key, value))
    }

    /// Sets the fixed key `key` to `value` (see ``set(_:_:)-(String,_)``); the attribute carries
    /// the key's C string for the protobuf encoder.
    @inline(__always)
    mutating func set(_ key: StaticAttributeKey, _ value: OTLP.AttributeValue?) {
        guard let value else { return }
        if testAndSetFilter(key.filterBit) {
            // The same fixed key has the same C string; another key with the same length is
            // compared byte for byte.
            for index in attributes.indices
            where attributes[index].keyCString?.pointer == key.cString.pointer
                || (attributes[index].key.utf8.count == key.length && attributes[index].key == key.name)
            {
                attributes[index].value = value
                return
            }
        }
        attributes.append(OTLP.Attribute(key, value))
    }

    /// The filter bit of a key of `length` UTF-8 bytes ending with `lastByte`.
    @inline(__always)
    static func filterBit(length: Int, lastByte: UInt8) -> Int {
        Int(truncatingIfNeeded: (UInt(truncatingIfNeeded: length) &* 31 &+ UInt(lastByte)) & 255)
    }

    /// Sets `bit` in the filter; returns whether it was set already.
    @inline(__always)
    private mutating func testAndSetFilter(_ bit: Int) -> Bool {
        let mask: UInt64 = 1 << UInt64(bit & 63)
        let seen: Bool
        switch bit >> 6 {
        case 0:
            seen = filter.0 & mask != 0
            filter.0 |= mask
        case 1:
            seen = filter.1 & mask != 0
            filter.1 |= mask
        case 2:
            seen = filter.2 & mask != 0
            filter.2 |= mask
        default:
            seen = filter.3 & mask != 0
            filter.3 |= mask
        }
        return seen
    }

    /// Sets a string attribute under a fixed key.
    @inline(__always)
    mutating func set(_ key: StaticAttributeKey, string value: String?) {
        set(key, value.map(OTLP.AttributeValue.string))
    }

    /// Sets an integer attribute under a fixed key.
    @inline(__always)
    mutating func set(_ key: StaticAttributeKey, int value: Int64?) {
        set(key, value.map(OTLP.AttributeValue.int))
    }

    /// Sets a double attribute under a fixed key.
    @inline(__always)
    mutating func set(_ key: StaticAttributeKey, double value: Double?) {
        set(key, value.map(OTLP.AttributeValue.double))
    }

    /// Sets a bool `true` marker under a fixed key when `condition` holds.
    @inline(__always)
    mutating func mark(_ key: StaticAttributeKey, when condition: Bool) {
        if condition { set(key, .bool(true)) }
    }

    /// Sets a string attribute.
    mutating func set(_ key: String, string value: String?) {
        set(key, value.map(OTLP.AttributeValue.string))
    }

    /// Sets an integer attribute.
    mutating func set(_ key: String, int value: Int64?) {
        set(key, value.map(OTLP.AttributeValue.int))
    }

    /// Sets a double attribute.
    mutating func set(_ key: String, double value: Double?) {
        set(key, value.map(OTLP.AttributeValue.double))
    }

    /// Sets a bool `true` marker when `condition` holds (anomaly markers are never written as `false`).
    mutating func mark(_ key: String, when condition: Bool) {
        if condition { set(key, .bool(true)) }
    }

    /// Writes the members of a metadata value as `<prefix>.<key>` (span-mapping.md §4.1): scalars
    /// keep their type, objects and arrays become compact JSON, `null` members are left out. A
    /// metadata value that is not an object (and not null) is written whole under `prefix`.
    mutating func setMetadata(_ metadata: JSONValue?, prefix: String = AttributeKey.atofMetadata) {
        guard let metadata else { return }
        switch metadata {
        case .null:
            return
        case .object(let object):
            for member in object {
                guard let value = JSONAttribute.typedValue(member.value) else { continue }
                set(Self.joinedKey(prefix, member.key), value)
            }
        default:
            set(prefix, JSONAttribute.typedValue(metadata))
        }
    }
}

extension AttributeBuilder {
    /// `prefix + "." + name`, written in one go into the new string's storage (an interpolation
    /// or a series of appends costs several times more per metadata member).
    static func joinedKey(_ prefix: String, _ name: String) -> String {
        var prefix = prefix
        var name = name
        let prefixCount = prefix.utf8.count
        let count = prefixCount + 1 + name.utf8.count
        return prefix.withUTF8 { prefixBytes in
            name.withUTF8 { nameBytes in
                String(unsafeUninitializedCapacity: count) { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    if let source = prefixBytes.baseAddress { base.initialize(from: source, count: prefixCount) }
                    base[prefixCount] = UInt8(ascii: ".")
                    if let source = nameBytes.baseAddress { (base + prefixCount + 1).initialize(from: source, count: nameBytes.count) }
                    return count
                }
            }
        }
    }
}

/// Conversions from JSON values to attribute values.
enum JSONAttribute {
    /// The value with its JSON type kept: string, bool, int (an integer that fits 64 bits), double
    /// (any other number), and compact JSON text for objects and arrays. `nil` for `null`.
    static func typedValue(_ value: JSONValue) -> OTLP.AttributeValue? {
        switch value {
        case .null: return nil
        case .bool(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .number(let number):
            if number.isInteger, let integer = number.int64Value { return .int(integer) }
            if let double = number.doubleValue { return .double(double) }
            return .string(number.text)
        case .array, .object: return .string(value.compactJSON)
        }
    }

    /// A payload as OpenInference writes it (§4.2): a JSON string as the plain string with
    /// `text/plain`, anything else as compact JSON with `application/json`; `nil` for null or absent.
    static func payload(_ value: JSONValue?) -> (value: String, mimeType: String)? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return (text, "text/plain")
        default: return (value.compactJSON, "application/json")
        }
    }

    /// ``payload(_:)-(JSONValue?)`` for a payload as the event holds it: the line's bytes are
    /// copied when they are already compact JSON (or a string without escapes), and parsed only
    /// when they are not.
    static func payload(_ payload: EventPayload?) -> (value: String, mimeType: String)? {
        guard let payload, !payload.isNull else { return nil }
        if let text = payload.stringValue { return (text, "text/plain") }
        return (payload.compactJSON, "application/json")
    }

    /// The payload as compact JSON text (a string payload quoted); `nil` for null or absent.
    static func compactPayload(_ payload: EventPayload?) -> String? {
        guard let payload, !payload.isNull else { return nil }
        return payload.compactJSON
    }
}

/// Cuts long string attribute values (``MappingOptions/maximumAttributeValueLength``) and counts
/// the attributes it cut.
struct AttributeValueLimiter: Sendable {
    /// The effective limit in characters, at least the marker length + 1; `nil` for no limit.
    let limit: Int?
    /// How many attributes were cut so far.
    private(set) var cutCount: Int64 = 0

    init(maximumLength: Int?) {
        limit = maximumLength.map { max($0, MappingOptions.truncationMarker.count + 1) }
    }

    /// The attributes with long values cut.
    mutating func apply(_ attributes: [OTLP.Attribute]) -> [OTLP.Attribute] {
        var attributes = attributes
        apply(to: &attributes)
        return attributes
    }

    /// `true` when ``apply(to:)`` would cut something in `attributes`.
    func cuts(_ attributes: [OTLP.Attribute]) -> Bool {
        guard limit != nil else { return false }
        for attribute in attributes {
            switch attribute.value {
            case .string(let text):
                if cut(text) != nil { return true }
            case .stringArray(let texts):
                if texts.contains(where: { cut($0) != nil }) { return true }
            case .bool, .int, .double:
                break
            }
        }
        return false
    }

    /// Cuts long values in place.
    mutating func apply(to attributes: inout [OTLP.Attribute]) {
        guard limit != nil else { return }
        for index in attributes.indices {
            switch attributes[index].value {
            case .string(let text):
                if let cut = cut(text) {
                    attributes[index].value = .string(cut)
                    cutCount += 1
                }
            case .stringArray(let texts):
                var wasCut = false
                let values = texts.map { text -> String in
                    guard let cut = cut(text) else { return text }
                    wasCut = true
                    return cut
                }
                if wasCut {
                    attributes[index].value = .stringArray(values)
                    cutCount += 1
                }
            case .bool, .int, .double:
                break
            }
        }
    }

    /// The cut text, or `nil` when it fits.
    private func cut(_ text: String) -> String? {
        guard let limit, text.utf8.count > limit, text.count > limit else { return nil }
        let marker = MappingOptions.truncationMarker
        return String(text.prefix(limit - marker.count)) + marker
    }
}
