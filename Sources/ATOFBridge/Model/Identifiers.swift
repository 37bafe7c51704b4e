extension OTLP {
    /// A 16-byte OTLP trace id, held as two big-endian halves.
    public struct TraceID: Sendable, Hashable, CustomStringConvertible {
        /// The first 8 bytes, big-endian.
        public var high: UInt64
        /// The last 8 bytes, big-endian.
        public var low: UInt64

        public init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }

        /// Parses 32 hex digits (either case); `nil` for anything else or the invalid all-zero id.
        public init?(hex: some StringProtocol) {
            let utf8 = Array(hex.utf8)
            guard utf8.count == 32, let high = HexDigits.parse(utf8[0..<16]), let low = HexDigits.parse(utf8[16..<32]),
                high != 0 || low != 0
            else { return nil }
            self.init(high: high, low: low)
        }

        /// The 16 bytes in wire order.
        public var bytes: [UInt8] { HexDigits.bytes(high) + HexDigits.bytes(low) }

        /// 32 lowercase hex digits.
        public var hex: String { HexDigits.hex(high) + HexDigits.hex(low) }

        public var description: String { hex }
    }
}

extension OTLP {
    /// An 8-byte OTLP span id.
    public struct SpanID: Sendable, Hashable, CustomStringConvertible {
        /// The 8 bytes as a big-endian integer.
        public var value: UInt64

        public init(_ value: UInt64) {
            self.value = value
        }

        /// Parses 16 hex digits (either case); `nil` for anything else or the invalid all-zero id.
        public init?(hex: some StringProtocol) {
            let utf8 = Array(hex.utf8)
            guard utf8.count == 16, let value = HexDigits.parse(utf8[...]), value != 0 else { return nil }
            self.value = value
        }

        /// The 8 bytes in wire order.
        public var bytes: [UInt8] { HexDigits.bytes(value) }

        /// 16 lowercase hex digits.
        public var hex: String { HexDigits.hex(value) }

        public var description: String { hex }
    }
}

enum HexDigits {
    static let alphabet: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one hex digit (either case), or `nil`.
    static func value(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    static func parse(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = Self.value(byte) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func hex(_ value: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 {
            out[index] = alphabet[Int((value >> (60 - 4 * UInt64(index))) & 0xF)]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
