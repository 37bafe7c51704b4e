import ATOF

/// The identity rule (span-mapping.md §2, §6, §7): every id decision of both assemblers, offline
/// (``SpanAssembler``) and live (``LiveSpanAssembler``). Ids are never random, so the same events
/// always give the same ids and replays are idempotent.
///
/// - span id: the last 8 bytes of a canonical UUID (`8-4-4-4-12` hex, either case), matching
///   NeMo Relay's own exporter; otherwise, or when those bytes are all zero, the first 8 bytes of
///   the 128-bit MurmurHash3 (x64, seed 0) of the uuid's UTF-8 bytes.
/// - trace id: the 16 bytes of the root scope's UUID, or the same hash; a W3C trace context in
///   the root scope's metadata puts the root in that trace instead.
/// - a repeated use of a uuid (a duplicate start, a second pair, an unmatched extra end, an
///   orphan mark reusing a scope's uuid) is occurrence n ≥ 2 and takes the hash of `<uuid>#<n>`,
///   so it cannot collide.
enum SpanIdentity {
    /// OTLP span flags for a span whose parent (if any) is local: sampled, "is-remote known", not remote.
    static let localFlags: UInt32 = 0x101

    /// The span id of occurrence `occurrence` of the uuid `key` (occurrence 1 owns the plain id).
    static func spanID(of key: UUIDKey, occurrence: Int = 1) -> OTLP.SpanID {
        if occurrence > 1 {
            return hashedSpanID("\(key.text)#\(occurrence)")
        }
        if let value = key.value, value.low != 0 {
            return OTLP.SpanID(value.low)
        }
        return hashedSpanID(key.text)
    }

    /// The span id of an orphan mark (span-mapping.md §6, §7): the plain id of its uuid, unless
    /// that uuid is also a scope's. Then the mark is one more use of the uuid, occurrence
    /// `scopeUse` (≥ 2, numbered after the scope's own occurrences), and takes the hash of
    /// `<uuid>#<n>` like any other reuse, so that no two spans share (trace id, span id).
    static func markSpanID(of key: UUIDKey, scopeUse: Int?) -> OTLP.SpanID {
        spanID(of: key, occurrence: scopeUse ?? 1)
    }

    /// The trace id a root scope (or a parentless orphan mark) with uuid `key` starts.
    static func traceID(of key: UUIDKey) -> OTLP.TraceID {
        if let value = key.value, value.high != 0 || value.low != 0 {
            return OTLP.TraceID(high: value.high, low: value.low)
        }
        let (h1, h2) = murmur3(Array(key.text.utf8))
        return OTLP.TraceID(high: h1, low: h2 == 0 && h1 == 0 ? 1 : h2)
    }

    /// The trace of a root scope: the W3C trace context its describing event's `metadata`
    /// carries (see ``TraceParent/init(metadata:)``), else its own (``traceID(of:)``).
    static func rootTrace(of key: UUIDKey, metadata: JSONValue?) -> (traceID: OTLP.TraceID, context: TraceParent?) {
        if let context = TraceParent(metadata: metadata) {
            return (context.traceID, context)
        }
        return (traceID(of: key), nil)
    }

    /// A scope's ids: a child of `parentSpanID` (a known local parent) in `traceID`; else a root
    /// that joins the remote trace `context`, if any, or a root of its own trace.
    static func scope(
        traceID: OTLP.TraceID, spanID: OTLP.SpanID, parentSpanID: OTLP.SpanID?, joining context: TraceParent?
    ) -> AssembledScope.Identity {
        if let parentSpanID {
            return .init(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, flags: localFlags)
        }
        if let context {
            return .init(
                traceID: traceID, spanID: spanID, parentSpanID: context.parentSpanID, traceState: context.traceState,
                flags: context.spanFlags)
        }
        return .init(traceID: traceID, spanID: spanID, flags: localFlags)
    }

    /// An orphan mark's ids: a child of its parent scope when that is known (`parent`: the
    /// parent's trace id and span id), else a root of the trace its own uuid names.
    static func orphanMark(
        of key: UUIDKey, scopeUse: Int?, parent: (traceID: OTLP.TraceID, spanID: OTLP.SpanID)?
    ) -> AssembledScope.Identity {
        let spanID = markSpanID(of: key, scopeUse: scopeUse)
        if let parent {
            return .init(traceID: parent.traceID, spanID: spanID, parentSpanID: parent.spanID, flags: localFlags)
        }
        return .init(traceID: traceID(of: key), spanID: spanID, flags: localFlags)
    }

    private static func hashedSpanID(_ text: String) -> OTLP.SpanID {
        let (h1, h2) = murmur3(Array(text.utf8))
        return OTLP.SpanID(h1 != 0 ? h1 : (h2 != 0 ? h2 : 1))
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
