/// A W3C trace context (`traceparent` and `tracestate` headers).
struct TraceParent: Sendable, Hashable {
    /// The trace id's first 8 bytes.
    var traceHigh: UInt64
    /// The trace id's last 8 bytes.
    var traceLow: UInt64
    /// The parent span id.
    var spanID: UInt64
    /// The trace flags (bit 0: sampled).
    var flags: UInt8
    /// The `tracestate` header, passed on unchanged.
    var traceState: String?

    init(traceHigh: UInt64, traceLow: UInt64, spanID: UInt64, flags: UInt8, traceState: String? = nil) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.spanID = spanID
        self.flags = flags
        self.traceState = traceState
    }

    /// Parses `00-<32 hex>-<16 hex>-<2 hex>` (later versions may append fields). `nil` for
    /// anything malformed: version `ff`, all-zero ids, wrong lengths or non-hex digits.
    init?(header: String, traceState: String? = nil) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].utf8.count == 2, let version = Self.hex(parts[0]), version != 0xFF,
            version != 0 || parts.count == 4,
            parts[1].utf8.count == 32, let high = Self.hex(parts[1].prefix(16)), let low = Self.hex(parts[1].dropFirst(16)),
            high != 0 || low != 0,
            parts[2].utf8.count == 16, let span = Self.hex(parts[2]), span != 0,
            parts[3].utf8.count == 2, let flags = Self.hex(parts[3])
        else { return nil }
        self.init(traceHigh: high, traceLow: low, spanID: span, flags: UInt8(truncatingIfNeeded: flags), traceState: traceState)
    }

    /// The `traceparent` header value (version 00, lowercase).
    var header: String {
        "00-\(Self.hex(traceHigh, digits: 16))\(Self.hex(traceLow, digits: 16))-\(Self.hex(spanID, digits: 16))-\(Self.hex(UInt64(flags), digits: 2))"
    }

    /// The trace id as 32 lowercase hex digits.
    var traceIDHex: String { Self.hex(traceHigh, digits: 16) + Self.hex(traceLow, digits: 16) }

    static func hex(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let alphabet: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: digits) { buffer in
            for index in 0..<digits {
                buffer[index] = alphabet.utf8Start[Int((value >> UInt64(4 * (digits - 1 - index))) & 0xF)]
            }
            return digits
        }
    }
}
