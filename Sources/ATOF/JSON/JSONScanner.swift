/// A validating pass over one line that builds no values: it accepts exactly the text
/// ``JSONParser`` accepts (same grammar, UTF-8 rules, `\u` surrogate rules and nesting limit) and
/// reports the top-level members of an object as byte ranges.
///
/// It never explains a failure: a line it rejects is parsed again by ``JSONParser``, whose error
/// is the one reported. Along the way it notes, per member value, whether the bytes are exactly
/// what ``JSONWriter`` would write for the value (no white space, only the escapes the writer
/// uses), so that such a value can be copied instead of parsed and written again.
package struct JSONScanner {
    /// One top-level `"key": value` member.
    package struct Member: Sendable, Hashable {
        /// The key's bytes, quotes excluded (the key has no escapes).
        package var key: Range<Int>
        /// The value's bytes.
        package var value: Range<Int>
        /// Whether the value's bytes are its compact form, as ``JSONWriter`` writes it.
        package var isCompact: Bool
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// How many departures from compact form were seen so far (white space between tokens,
    /// escapes the writer would not use).
    private var departures = 0
    /// Whether some key of the top-level object has an escape.
    private var keyHasEscape = false

    private init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The members of `line` when it is exactly one valid JSON object whose keys have no
    /// escapes; `nil` otherwise (not JSON, not an object, or an escaped key: parse it instead).
    package static func objectMembers(of line: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var scanner = JSONScanner(buffer: line)
        scanner.skipWhitespace()
        guard scanner.index < line.count, line[scanner.index] == UInt8(ascii: "{") else { return nil }
        guard let members = scanner.scanTopObject() else { return nil }
        scanner.skipWhitespace()
        guard scanner.index == line.count, !scanner.keyHasEscape else { return nil }
        return members
    }

    /// Whether `bytes` is exactly one valid JSON value, nothing around it, written exactly as
    /// ``JSONWriter`` writes it.
    package static func isCompactValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = JSONScanner(buffer: bytes)
        guard scanner.scanValue(depth: 0) else { return false }
        return scanner.index == bytes.count && scanner.departures == 0
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        // Compact JSON (the common case) has none: one comparison.
        if index < buffer.count, buffer[index] > 0x20 { return }
        let start = index
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default:
                if index != start { departures += 1 }
                return
            }
        }
        if index != start { departures += 1 }
    }

    private mutating func scanTopObject() -> [Member]? {
        index += 1
        skipWhitespace()
        var members: [Member] = []
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        members.reserveCapacity(16)
        while true {
            skipWhitespace()
            guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else { return nil }
            let keyStart = index + 1
            let before = departures
            guard scanString() else { return nil }
            let keyEnd = index - 1
            // A key is copied as text only without escapes (any escape, compact or not).
            if departures != before || buffer[keyStart..<keyEnd].contains(UInt8(ascii: "\\")) { keyHasEscape = true }
            skipWhitespace()
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            let valueStart = index
            let valueDepartures = departures
            guard scanValue(depth: 1) else { return nil }
            members.append(Member(key: keyStart..<keyEnd, value: valueStart..<index, isCompact: departures == valueDepartures))
            skipWhitespace()
            guard index < buffer.count else { return nil }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return members
            default: return nil
            }
        }
    }

    private mutating func scanValue(depth: Int) -> Bool {
        guard index < buffer.count else { return false }
        switch buffer[index] {
        case UInt8(ascii: "{"): return scanObject(depth: depth + 1)
        case UInt8(ascii: "["): return scanArray(depth: depth + 1)
        case UInt8(ascii: "\""): return scanString()
        case UInt8(ascii: "t"): return scanLiteral("true")
        case UInt8(ascii: "f"): return scanLiteral("false")
        case UInt8(ascii: "n"): return scanLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return scanNumber()
        default: return false
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= buffer.count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where buffer[index + offset] != start[offset] {
            return false
        }
        index += count
        return true
    }

    private mutating func scanObject(depth: Int) -> Bool {
        guard depth <= JSONParser.maximumDepth else { return false }
        index += 1
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else { return false }
            guard scanString() else { return false }
            skipWhitespace()
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            guard scanValue(depth: depth) else { return false }
            skipWhitespace()
            guard index < buffer.count else { return false }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return true
            default: return false
            }
        }
    }

    private mutating func scanArray(depth: Int) -> Bool {
        guard depth <= JSONParser.maximumDepth else { return false }
        index += 1
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard scanValue(depth: depth) else { return false }
            skipWhitespace()
            guard index < buffer.count else { return false }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return true
            default: return false
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A number, by ``JSONParser``'s grammar (its text is written back verbatim, so it is compact).
    private mutating func scanNumber() -> Bool {
        if buffer[index] == UInt8(ascii: "-") { index += 1 }
        guard index < buffer.count, isDigit(buffer[index]) else { return false }
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
            index += 1
            guard index < buffer.count, isDigit(buffer[index]) else { return false }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            index += 1
            if index < buffer.count, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") { index += 1 }
            guard index < buffer.count, isDigit(buffer[index]) else { return false }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        return true
    }

    /// A string. The decoded text is valid UTF-8 exactly when every run of raw bytes between
    /// escapes is (an escape always decodes to whole characters), so runs are checked one by one.
    private mutating func scanString() -> Bool {
        index += 1
        var runStart = index
        var highBits: UInt8 = 0
        while index < buffer.count {
            skipPlainASCII()
            guard index < buffer.count else { break }
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                guard highBits < 0x80 || UTF8Validation.isValid(UnsafeBufferPointer(rebasing: buffer[runStart..<index])) else {
                    return false
                }
                index += 1
                return true
            }
            if byte == UInt8(ascii: "\\") {
                guard highBits < 0x80 || UTF8Validation.isValid(UnsafeBufferPointer(rebasing: buffer[runStart..<index])) else {
                    return false
                }
                highBits = 0
                guard scanEscape() else { return false }
                runStart = index
                continue
            }
            if byte < 0x20 { return false }
            highBits |= byte
            index += 1
        }
        return false
    }

    /// Moves `index` over whole 8-byte words of string text that need no look: printable ASCII
    /// other than `"` and `\`. (A word with such a byte is left to the byte loop; the bit tricks
    /// may flag bytes after a real hit, never a word without one.)
    @inline(__always)
    private mutating func skipPlainASCII() {
        guard let base = buffer.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= buffer.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
            guard special & highs == 0 else { return }
            index += 8
        }
    }

    /// One escape at `index` (the backslash); notes escapes ``JSONWriter`` would not write.
    private mutating func scanEscape() -> Bool {
        index += 1
        guard index < buffer.count else { return false }
        let escape = buffer[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        case UInt8(ascii: "/"):
            departures += 1
            return true
        case UInt8(ascii: "u"):
            let digitsStart = index
            guard let scalar = readHex4() else { return false }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 2 <= buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") else {
                    return false
                }
                index += 2
                guard let low = readHex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                departures += 1
                return true
            }
            if (0xDC00...0xDFFF).contains(scalar) { return false }
            if !isWriterEscape(scalar, digitsAt: digitsStart) { departures += 1 }
            return true
        default:
            return false
        }
    }

    /// Whether `\uXXXX` at `digitsAt` is the escape ``JSONWriter`` writes for `scalar`: a control
    /// character without a short escape, as `\u00` and two lowercase hex digits.
    private func isWriterEscape(_ scalar: UInt32, digitsAt start: Int) -> Bool {
        guard scalar < 0x20 else { return false }
        switch scalar {
        case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return false
        default:
            let byte = UInt8(scalar)
            return buffer[start] == UInt8(ascii: "0") && buffer[start + 1] == UInt8(ascii: "0")
                && buffer[start + 2] == Hex.digit(byte >> 4) && buffer[start + 3] == Hex.digit(byte & 0xF)
        }
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= buffer.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Hex.value(buffer[index]) else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
