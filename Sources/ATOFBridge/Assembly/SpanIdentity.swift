import ATOF

/// Derives span and trace ids from ATOF uuids (span-mapping.md §2). Ids are never random, so the
/// same events always give the same ids and replays are idempotent.
///
/// - span id: the last 8 bytes of a canonical UUID (`8-4-4-4-12` hex), matching NeMo Relay's own
///   exporter; otherwise, or when those bytes are all zero, the first 8 bytes of the 128-bit
///   MurmurHash3 (x64, seed 0) of the uuid's UTF-8 bytes.
/// - trace id: the 16 bytes of the root scope's UUID, or the same hash.
/// - a repeated use of a uuid (a duplicate start, a second pair, an unmatched extra end) is
///   occurrence n ≥ 2 and takes the hash of `<uuid>#<n>`, so it cannot collide.
enum SpanIdentity {
    static func spanID(uuid: String, occurrence: Int = 1) -> OTLP.SpanID {
        if occurrence > 1 {
            return hashedSpanID("\(uuid)#\(occurrence)")
        }
        if let (_, low) = parseUUID(uuid), low != 0 {
            return OTLP.SpanID(low)
        }
        return hashedSpanID(uuid)
    }

    /// The span id of an orphan mark (span-mapping.md §6, §7): the plain id of its uuid, unless
    /// that uuid is also a scope's. Then the mark is one more use of the uuid, occurrence
    /// `scopeUse` (≥ 2, numbered after the scope's own occurrences), and takes the hash of
    /// `<uuid>#<n>` like any other reuse, so that no two spans share (trace id, span id). Both
    /// assemblers number the uses of a uuid this way.
    static func markSpanID(uuid: String, scopeUse: Int?) -> OTLP.SpanID {
        spanID(uuid: uuid, occurrence: scopeUse ?? 1)
    }

    static func traceID(uuid: String) -> OTLP.TraceID {
        if let (high, low) = parseUUID(uuid), high != 0 || low != 0 {
            return OTLP.TraceID(high: high, low: low)
        }
        let (h1, h2) = murmur3(Array(uuid.utf8))
        return OTLP.TraceID(high: h1, low: h2 == 0 && h1 == 0 ? 1 : h2)
    }

    private static func hashedSpanID(_ text: String) -> OTLP.SpanID {
        let (h1, h2) = murmur3(Array(text.utf8))
        return OTLP.SpanID(h1 != 0 ? h1 : (h2 != 0 ? h2 : 1))
    }

    /// Parses the canonical `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form (either case), without allocating.
    static func parseUUID(_ text: String) -> (UInt64, UInt64)? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = 0
        var digits = 0
        for byte in text.utf8 {
            defer { index += 1 }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let digit = HexDigits.value(byte) else { return nil }
            if digits < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
            digits += 1
        }
        guard index == 36, digits == 32 else { return nil }
        return (high, low)
    }

    /// MurmurHash3 x64 128-bit, seed 0: a stable, well-known hash (same result on every platform).
    static func murmur3(_ data: [UInt8]) -> (UInt64, UInt64) {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        var h1: UInt64 = 0
        var h2: UInt64 = 0
        let blockCount = data.count / 16

        func load(_ offset: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in stride(from: count - 1, through: 0, by: -1) {
                value = value << 8 | UInt64(data[offset + index])
            }
            return value
        }
        func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
        func fmix(_ value: UInt64) -> UInt64 {
            var k = value
            k ^= k >> 33
            k = k &* 0xff51_afd7_ed55_8ccd
            k ^= k >> 33
            k = k &* 0xc4ce_b9fe_1a85_ec53
            k ^= k >> 33
            return k
        }

        for block in 0..<blockCount {
            var k1 = load(block * 16, 8)
            var k2 = load(block * 16 + 8, 8)
            k1 = rotl(k1 &* c1, 31) &* c2
            h1 ^= k1
            h1 = rotl(h1, 27) &+ h2
            h1 = h1 &* 5 &+ 0x52dc_e729
            k2 = rotl(k2 &* c2, 33) &* c1
            h2 ^= k2
            h2 = rotl(h2, 31) &+ h1
            h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blockCount * 16
        let remaining = data.count - tail
        if remaining > 8 {
            var k2 = load(tail + 8, remaining - 8)
            k2 = rotl(k2 &* c2, 33) &* c1
            h2 ^= k2
        }
        if remaining > 0 {
            var k1 = load(tail, min(remaining, 8))
            k1 = rotl(k1 &* c1, 31) &* c2
            h1 ^= k1
        }
        h1 ^= UInt64(data.count)
        h2 ^= UInt64(data.count)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        return (h1, h2)
    }
}

/// A W3C trace context found in a root scope's metadata (span-mapping.md §2).
struct TraceContext: Sendable, Hashable {
    var traceID: OTLP.TraceID
    var parentSpanID: OTLP.SpanID
    var traceFlags: UInt8
    var traceState: String?

    /// Reads `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`), else `trace_id` + `span_id`, from a
    /// metadata object. Anything malformed is ignored (never an error).
    init?(metadata: JSONValue?) {
        guard let metadata = metadata?.objectValue else { return nil }
        let traceState = metadata["tracestate"]?.stringValue
        if let header = metadata["traceparent"]?.stringValue {
            let parts = header.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count >= 4, parts[0].count == 2, parts[0] != "ff", HexDigits.parse(Array(parts[0].utf8)[...]) != nil,
                let traceID = OTLP.TraceID(hex: parts[1]), let spanID = OTLP.SpanID(hex: parts[2]), parts[3].count == 2,
                let flags = HexDigits.parse(Array(parts[3].utf8)[...]), parts[0] != "00" || parts.count == 4
            {
                self.init(traceID: traceID, parentSpanID: spanID, traceFlags: UInt8(flags), traceState: traceState)
                return
            }
        }
        if let traceHex = metadata["trace_id"]?.stringValue, let spanHex = metadata["span_id"]?.stringValue,
            let traceID = OTLP.TraceID(hex: traceHex), let spanID = OTLP.SpanID(hex: spanHex)
        {
            self.init(traceID: traceID, parentSpanID: spanID, traceFlags: 0x01, traceState: traceState)
            return
        }
        return nil
    }

    init(traceID: OTLP.TraceID, parentSpanID: OTLP.SpanID, traceFlags: UInt8, traceState: String?) {
        self.traceID = traceID
        self.parentSpanID = parentSpanID
        self.traceFlags = traceFlags
        self.traceState = traceState
    }

    /// OTLP span flags for the root that joins this context: its trace flags plus
    /// "parent is remote" (bits 8 and 9).
    var spanFlags: UInt32 { UInt32(traceFlags) | 0x300 }
}

extension AssembledScope.Identity {
    /// OTLP span flags for a span whose parent (if any) is local: sampled, "is-remote known", not remote.
    static let localFlags: UInt32 = 0x101
}
