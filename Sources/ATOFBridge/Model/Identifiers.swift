import ATOF

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
            guard utf8.count == 32, let high = Hex.parse(utf8[0..<16]), let low = Hex.parse(utf8[16..<32]),
                high != 0 || low != 0
            else { return nil }
            self.init(high: high, low: low)
        }

        /// The 16 bytes in wire order.
        public var bytes: [UInt8] { bigEndianBytes(high) + bigEndianBytes(low) }

        /// 32 lowercase hex digits.
        public var hex: String { Hex.string(high) + Hex.string(low) }

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
            guard utf8.count == 16, let value = Hex.parse(utf8), value != 0 else { return nil }
            self.value = value
        }

        /// The 8 bytes in wire order.
        public var bytes: [UInt8] { bigEndianBytes(value) }

        /// 16 lowercase hex digits.
        public var hex: String { Hex.string(value) }

        public var description: String { hex }
    }
}

/// The 8 bytes of `value`, big-endian (wire order).
private func bigEndianBytes(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
}
