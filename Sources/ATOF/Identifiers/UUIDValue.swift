/// A UUID as its 128 bits (RFC 9562), in two big-endian halves.
///
/// ATOF uuids may be any text; the ones written in the canonical `8-4-4-4-12` hex form have this
/// value, from which the bridge takes span and trace ids (span-mapping.md §2) and the
/// instrumentation makes its UUIDv7 ids.
package struct UUIDValue: Sendable, Hashable {
    /// Bytes 0-7, big-endian.
    package var high: UInt64
    /// Bytes 8-15, big-endian.
    package var low: UInt64

    @inlinable
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`: lowercase hex digits only, or either case
    /// with `acceptingUppercase`. `nil` for any other text.
    @inlinable
    package init?(canonical text: String, acceptingUppercase: Bool) {
        guard text.utf8.count == 36 else { return nil }
        var text = text
        guard let value = text.withUTF8({ Self.parse($0, acceptingUppercase: acceptingUppercase) }) else { return nil }
        self = value
    }

    /// The parser behind ``init(canonical:acceptingUppercase:)``, over the text's UTF-8 bytes.
    @inlinable
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, acceptingUppercase: Bool) -> UUIDValue? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let digit = Hex.value(byte), acceptingUppercase || byte < UInt8(ascii: "A") || byte > UInt8(ascii: "F") else {
                return nil
            }
            // 8-4-4 digits make the high half, 4-12 the low half.
            if digits < 16 {
                high = high << 4 | UInt64(digit)
            } else {
                low = low << 4 | UInt64(digit)
            }
            digits += 1
        }
        return UUIDValue(high: high, low: low)
    }

    /// The canonical lowercase `8-4-4-4-12` form.
    package var string: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: ClosedRange<Int>) {
                for nibble in nibbles.reversed() {
                    buffer[index] = Hex.digit(UInt8(truncatingIfNeeded: value >> UInt64(4 * nibble)))
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high, nibbles: 8...15)
            dash()
            put(high, nibbles: 4...7)
            dash()
            put(high, nibbles: 0...3)
            dash()
            put(low, nibbles: 12...15)
            dash()
            put(low, nibbles: 0...11)
            return index
        }
    }
}
