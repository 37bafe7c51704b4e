/// Hexadecimal digits: the one place the package reads hex text into numbers and writes numbers
/// as hex (ids, UUIDs, `traceparent`, JSON `\u` escapes, `%XX` escapes).
package enum Hex {
    /// The value of one hex digit, either case; `nil` for any other byte.
    @inlinable @inline(__always)
    package static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// The lowercase hex digit of `nibble` (its low 4 bits).
    @inlinable @inline(__always)
    package static func digit(_ nibble: UInt8) -> UInt8 {
        let nibble = nibble & 0xF
        return nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
    }

    /// The number 1 to 16 hex digits (either case) spell, big-endian; `nil` for no digits, more
    /// than 16, or any byte that is not a hex digit.
    @inlinable
    package static func parse(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = Self.value(byte) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// `value`'s last `digits` hex digits (at most 16), lowercase, zero-padded.
    @inlinable
    package static func string(_ value: UInt64, digits: Int = 16) -> String {
        let count = min(max(digits, 0), 16)
        return String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = digit(UInt8(truncatingIfNeeded: value >> UInt64(4 * (count - 1 - index))))
            }
            return count
        }
    }
}
