/// An event held in one byte buffer instead of its box of decoded fields: what a long-open
/// scope keeps of its start (``Event/init(unpacking:uuid:)`` gives the same event back, field for
/// field and in the same form: a payload read from a line stays raw bytes, a value stays a value).
///
/// The uuid is not stored (the holder keys the event by it). An event with any rare field set
/// (``Event/RareFields``) is not packed.
package struct PackedEvent: Sendable {
    fileprivate let bytes: [UInt8]

    /// The bytes held (for tests).
    package var byteCount: Int { bytes.count }

    /// The parent's uuid, read without unpacking the rest.
    package var parentKey: UUIDKey? {
        var reader = PackReader(bytes: bytes, position: 1)
        return reader.uuid()
    }
}

extension Event {
    /// The event packed into one buffer; `nil` when a rare field is set. `scratch` is a buffer the
    /// caller keeps between calls, so that the packed bytes are copied once into an allocation of
    /// their exact size.
    package func packed(scratch: inout [UInt8]) -> PackedEvent? {
        guard storage.fields.rareBox == nil else { return nil }
        scratch.removeAll(keepingCapacity: true)
        var writer = PackWriter(bytes: scratch)
        scratch = []
        let fields = storage.fields
        writer.byte((fields.family == .v0_1 ? 0 : 1) | Self.kindCode(fields.kind) << 1)
        writer.uuid(fields.parentUUID)
        switch fields.timestamp.wireForm {
        case .epochMicroseconds(let micros):
            // The nanoseconds are written only when they are not the microseconds × 1000.
            let (product, overflow) = micros.multipliedReportingOverflow(by: 1000)
            let exact = !overflow && product == fields.timestamp.nanosecondsSinceEpoch
            writer.byte(exact ? 0 : 2)
            writer.integer(micros)
            if !exact { writer.integer(fields.timestamp.nanosecondsSinceEpoch) }
        case .rfc3339(let text):
            writer.byte(1)
            writer.integer(fields.timestamp.nanosecondsSinceEpoch)
            writer.string(text)
        }
        writer.string(fields.name)
        writer.optionalString(fields.category)
        writer.optionalValue(fields.profile)
        writer.payload(fields.data)
        writer.payload(fields.input)
        writer.optionalValue(fields.metadata)
        scratch = writer.bytes
        return PackedEvent(bytes: Array(scratch))
    }

    /// The event that was packed, with `uuid` its uuid.
    package init(unpacking packed: PackedEvent, uuid: UUIDKey) {
        var reader = PackReader(bytes: packed.bytes)
        let head = reader.byte()
        let family: Family = head & 1 == 0 ? .v0_1 : .v0_2
        let kind = Self.kind(code: head >> 1)
        let parent = reader.uuid()
        let timestamp: Timestamp
        switch reader.byte() {
        case 0:
            let micros = reader.integer()
            timestamp = Timestamp(nanoseconds: micros &* 1000, wireForm: .epochMicroseconds(micros))
        case 2:
            let micros = reader.integer()
            timestamp = Timestamp(nanoseconds: reader.integer(), wireForm: .epochMicroseconds(micros))
        default:
            let nanoseconds = reader.integer()
            timestamp = Timestamp(nanoseconds: nanoseconds, wireForm: .rfc3339(reader.string()))
        }
        let name = reader.string()
        let category = reader.optionalString()
        let profile = reader.optionalValue()
        let data = reader.payload()
        let input = reader.payload()
        let metadata = reader.optionalValue()
        storage = Storage(
            Fields(
                family: family, kind: kind, uuid: uuid, parentUUID: parent, timestamp: timestamp, name: name, category: category,
                profile: profile, data: data, input: input, metadata: metadata, rareBox: nil))
    }

    private static func kindCode(_ kind: Kind) -> UInt8 {
        switch kind {
        case .scopeStart: 0
        case .scopeEnd: 1
        case .mark: 2
        case .streamHeader: 3
        }
    }

    private static func kind(code: UInt8) -> Kind {
        switch code {
        case 0: .scopeStart
        case 1: .scopeEnd
        case 2: .mark
        default: .streamHeader
        }
    }
}

extension Timestamp {
    /// A time with its wire form as given (both already consistent: they come from a timestamp).
    fileprivate init(nanoseconds: Int64, wireForm: WireForm) {
        self.nanosecondsSinceEpoch = nanoseconds
        self.wireForm = wireForm
    }
}

/// Writes the packed form: lengths and integers as LEB128 varints, strings as their UTF-8 bytes.
private struct PackWriter {
    var bytes: [UInt8]

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Zigzag, so that small negative numbers stay short.
    mutating func integer(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            unsigned(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optionalString(_ text: String?) {
        guard let text else { return byte(0) }
        byte(1)
        string(text)
    }

    mutating func uuid(_ key: UUIDKey?) {
        switch key {
        case nil:
            byte(0)
        case .canonical(let value)?:
            byte(1)
            withUnsafeBytes(of: value.high.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: value.low.littleEndian) { bytes.append(contentsOf: $0) }
        case .text(let text)?:
            byte(2)
            string(text)
        }
    }

    mutating func optionalValue(_ value: JSONValue?) {
        guard let value else { return byte(0) }
        byte(1)
        self.value(value)
    }

    mutating func payload(_ payload: EventPayload?) {
        switch payload {
        case nil:
            byte(0)
        case .value(let value)?:
            byte(1)
            self.value(value)
        case .raw(let raw)?:
            byte(raw.isCompact ? 3 : 2)
            raw.withBytes { raw in
                unsigned(UInt64(raw.count))
                bytes.append(contentsOf: raw)
            }
        }
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            byte(0)
        case .bool(let flag):
            byte(flag ? 2 : 1)
        case .number(let number):
            byte(3)
            string(number.text)
        case .string(let text):
            byte(4)
            string(text)
        case .array(let elements):
            byte(5)
            unsigned(UInt64(elements.count))
            for element in elements { self.value(element) }
        case .object(let object):
            byte(6)
            unsigned(UInt64(object.members.count))
            for member in object.members {
                string(member.key)
                self.value(member.value)
            }
        }
    }
}

/// Reads what ``PackWriter`` wrote (only ever its own output, so it trusts the bytes).
private struct PackReader {
    let bytes: [UInt8]
    var position = 0

    mutating func byte() -> UInt8 {
        defer { position += 1 }
        return bytes[position]
    }

    mutating func unsigned() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = byte()
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func integer() -> Int64 {
        let raw = unsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func count() -> Int { Int(unsigned()) }

    /// Eight bytes, little-endian.
    mutating func word() -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(byte()) << UInt64(shift) }
        return value
    }

    mutating func string() -> String {
        let length = count()
        defer { position += length }
        return bytes.withUnsafeBufferPointer { String(decoding: $0[position..<(position + length)], as: UTF8.self) }
    }

    mutating func optionalString() -> String? {
        byte() == 0 ? nil : string()
    }

    mutating func uuid() -> UUIDKey? {
        switch byte() {
        case 0:
            return nil
        case 1:
            let high = word()
            return .canonical(UUIDValue(high: high, low: word()))
        default:
            return .text(string())
        }
    }

    mutating func optionalValue() -> JSONValue? {
        // (Not `?:`: a `nil` there would be read as JSON `null`.)
        guard byte() != 0 else { return Optional.none }
        return value()
    }

    mutating func payload() -> EventPayload? {
        switch byte() {
        case 0:
            return nil
        case 1:
            return .value(value())
        case let form:
            let length = count()
            defer { position += length }
            let line = Array(bytes[position..<(position + length)])
            return .raw(RawJSON(line: line, range: 0..<length, isCompact: form == 3))
        }
    }

    mutating func value() -> JSONValue {
        switch byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(JSONNumber(text: string()))
        case 4: return .string(string())
        case 5:
            let count = count()
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(value()) }
            return .array(elements)
        default:
            let count = count()
            var members: [JSONObject.Member] = []
            members.reserveCapacity(count)
            for _ in 0..<count {
                let key = string()
                members.append(JSONObject.Member(key: key, value: value()))
            }
            return .object(JSONObject(members))
        }
    }
}
