/// Compact JSON output into a byte buffer: no white space, non-ASCII written raw as UTF-8,
/// control characters escaped, numbers written as their source text.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The output as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes one value.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): writeRaw(flag ? "true" : "false")
        case .number(let number): bytes.append(contentsOf: number.text.utf8)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes bytes verbatim (the caller guarantees they are valid JSON in context).
    public mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes bytes verbatim (the caller guarantees they are valid JSON in context).
    public mutating func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Writes a JSON string literal with the escapes JSON requires.
    public mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Hex.digit(byte >> 4), Hex.digit(byte & 0xF),
                    ])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The value as compact JSON text (the same text ``JSONWriter`` writes).
    ///
    /// Small values (most payloads) are written in one pass into a stack buffer and copied into
    /// the string; larger ones are measured first, then written straight into the string's own
    /// buffer: one allocation and no intermediate byte array either way.
    public var compactJSON: String {
        let small = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: CompactJSON.stackCapacity) {
            buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            guard CompactJSON.write(self, to: base, capacity: buffer.count, at: &offset) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: base, count: offset), as: UTF8.self)
        }
        if let small { return small }
        let length = CompactJSON.length(of: self)
        return String(unsafeUninitializedCapacity: length) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            _ = CompactJSON.write(self, to: base, capacity: length, at: &offset)
            return offset
        }
    }
}

/// The passes of ``JSONValue/compactJSON``: the exact length, and the bytes (into a buffer of a
/// given capacity, stopping when they do not fit). The escapes are ``JSONWriter/writeString(_:)``'s.
enum CompactJSON {
    /// Bytes of the stack buffer tried first.
    static let stackCapacity = 512

    static func length(of value: JSONValue) -> Int {
        switch value {
        case .null: return 4
        case .bool(let flag): return flag ? 4 : 5
        case .number(let number): return number.text.utf8.count
        case .string(let text): return stringLength(text)
        case .array(let elements):
            var total = 2 + max(0, elements.count - 1)
            for element in elements { total += length(of: element) }
            return total
        case .object(let object):
            let members = object.members
            var total = 2 + max(0, members.count - 1)
            for member in members { total += stringLength(member.key) + 1 + length(of: member.value) }
            return total
        }
    }

    /// The length of `text` as a JSON string literal, quotes included.
    static func stringLength(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            var total = utf8.count + 2
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: total += 1
                default: total += 5
                }
            }
            return total
        }
    }

    /// Writes `value` at `out + offset`, advancing `offset`, as long as it stays within
    /// `capacity` bytes; returns `false` (with some bytes written) when the value does not fit.
    static func write(
        _ value: JSONValue, to out: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: inout Int
    ) -> Bool {
        switch value {
        case .null: return writeASCII("null", to: out, capacity: capacity, at: &offset)
        case .bool(let flag): return writeASCII(flag ? "true" : "false", to: out, capacity: capacity, at: &offset)
        case .number(let number): return copy(number.text, to: out, capacity: capacity, at: &offset)
        case .string(let text): return writeString(text, to: out, capacity: capacity, at: &offset)
        case .array(let elements):
            guard offset < capacity else { return false }
            out[offset] = UInt8(ascii: "[")
            offset += 1
            var first = true
            for element in elements {
                if !first {
                    guard offset < capacity else { return false }
                    out[offset] = UInt8(ascii: ",")
                    offset += 1
                }
                first = false
                guard write(element, to: out, capacity: capacity, at: &offset) else { return false }
            }
            guard offset < capacity else { return false }
            out[offset] = UInt8(ascii: "]")
            offset += 1
            return true
        case .object(let object):
            guard offset < capacity else { return false }
            out[offset] = UInt8(ascii: "{")
            offset += 1
            var first = true
            for member in object.members {
                if !first {
                    guard offset < capacity else { return false }
                    out[offset] = UInt8(ascii: ",")
                    offset += 1
                }
                first = false
                guard writeString(member.key, to: out, capacity: capacity, at: &offset), offset < capacity else {
                    return false
                }
                out[offset] = UInt8(ascii: ":")
                offset += 1
                guard write(member.value, to: out, capacity: capacity, at: &offset) else { return false }
            }
            guard offset < capacity else { return false }
            out[offset] = UInt8(ascii: "}")
            offset += 1
            return true
        }
    }

    private static func writeASCII(
        _ text: StaticString, to out: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: inout Int
    ) -> Bool {
        text.withUTF8Buffer { copy($0, to: out, capacity: capacity, at: &offset) }
    }

    private static func copy(
        _ text: String, to out: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: inout Int
    ) -> Bool {
        var text = text
        return text.withUTF8 { copy($0, to: out, capacity: capacity, at: &offset) }
    }

    /// Copies `bytes` when they fit in what is left of `capacity`.
    private static func copy(
        _ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: inout Int
    ) -> Bool {
        guard bytes.count <= capacity - offset else { return false }
        if let base = bytes.baseAddress { (out + offset).update(from: base, count: bytes.count) }
        offset += bytes.count
        return true
    }

    /// Writes `text` as a JSON string literal. Room is checked once for the worst case (every
    /// byte escaped as `\u00XX`) and, only when that does not fit, byte by byte.
    private static func writeString(
        _ text: String, to out: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: inout Int
    ) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            let count = utf8.count
            let room = capacity - offset
            // Quotes plus at most 6 bytes per input byte.
            if room >= 2, count <= (room - 2) / 6 {
                writeStringUnchecked(utf8, to: out, at: &offset)
                return true
            }
            guard stringLengthFits(utf8, room: room) else { return false }
            writeStringUnchecked(utf8, to: out, at: &offset)
            return true
        }
    }

    /// Whether `utf8` as a JSON string literal takes at most `room` bytes.
    private static func stringLengthFits(_ utf8: UnsafeBufferPointer<UInt8>, room: Int) -> Bool {
        var total = utf8.count + 2
        guard total <= room else { return false }
        for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: total += 1
            default: total += 5
            }
        }
        return total <= room
    }

    /// Writes `utf8` as a JSON string literal; the caller has checked the room.
    @inline(__always)
    private static func writeStringUnchecked(
        _ utf8: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, at offset: inout Int
    ) {
        out[offset] = UInt8(ascii: "\"")
        offset += 1
        if let base = utf8.baseAddress {
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    (out + offset).update(from: base + runStart, count: index - runStart)
                    offset += index - runStart
                }
                runStart = index + 1
                out[offset] = UInt8(ascii: "\\")
                offset += 1
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x09: escape = UInt8(ascii: "t")
                case 0x08: escape = UInt8(ascii: "b")
                case 0x0C: escape = UInt8(ascii: "f")
                default:
                    out[offset] = UInt8(ascii: "u")
                    out[offset + 1] = UInt8(ascii: "0")
                    out[offset + 2] = UInt8(ascii: "0")
                    out[offset + 3] = Hex.digit(byte >> 4)
                    out[offset + 4] = Hex.digit(byte & 0xF)
                    offset += 5
                    continue
                }
                out[offset] = escape
                offset += 1
            }
            if runStart < utf8.count {
                (out + offset).update(from: base + runStart, count: utf8.count - runStart)
                offset += utf8.count - runStart
            }
        }
        out[offset] = UInt8(ascii: "\"")
        offset += 1
    }
}
