/// A W3C trace context (Trace Context Level 1): the `traceparent` header's trace id, parent id
/// and flags, with the `tracestate` header passed on unchanged. The instrumentation extracts and
/// injects it; the bridge reads it from a root scope's metadata (span-mapping.md §2).
package struct TraceParent: Sendable, Hashable {
    /// The trace id's first 8 bytes, big-endian.
    package var traceHigh: UInt64
    /// The trace id's last 8 bytes, big-endian.
    package var traceLow: UInt64
    /// The parent span's id (`parent-id`).
    package var parentID: UInt64
    /// The trace flags (bit 0: sampled).
    package var flags: UInt8
    /// The `tracestate` header, passed on unchanged.
    package var traceState: String?

    package init(traceHigh: UInt64, traceLow: UInt64, parentID: UInt64, flags: UInt8, traceState: String? = nil) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.parentID = parentID
        self.flags = flags
        self.traceState = traceState
    }

    /// Parses `<version>-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, hex digits in
    /// either case. Version `00` has exactly these four fields; a later version may append more
    /// (`-…`), which are ignored. `nil` for anything else: version `ff`, an all-zero trace or
    /// parent id, a wrong length or a non-hex digit.
    package init?(header: some StringProtocol, traceState: String? = nil) {
        let fields = header.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4,
            fields[0].utf8.count == 2, let version = Hex.parse(fields[0].utf8), version != 0xFF, version != 0 || fields.count == 4,
            fields[1].utf8.count == 32, let high = Hex.parse(fields[1].utf8.prefix(16)), let low = Hex.parse(fields[1].utf8.dropFirst(16)),
            high != 0 || low != 0,
            fields[2].utf8.count == 16, let parent = Hex.parse(fields[2].utf8), parent != 0,
            fields[3].utf8.count == 2, let flags = Hex.parse(fields[3].utf8)
        else { return nil }
        self.init(traceHigh: high, traceLow: low, parentID: parent, flags: UInt8(truncatingIfNeeded: flags), traceState: traceState)
    }

    /// The `traceparent` header value: version `00`, lowercase.
    package var header: String {
        "00-" + Hex.string(traceHigh) + Hex.string(traceLow) + "-" + Hex.string(parentID) + "-" + Hex.string(UInt64(flags), digits: 2)
    }
}
