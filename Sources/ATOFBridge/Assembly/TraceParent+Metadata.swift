import ATOF

extension TraceParent {
    /// The W3C trace context a root scope's metadata carries (span-mapping.md §2): `traceparent`
    /// (see ``TraceParent/init(header:traceState:)``), else `trace_id` (32 hex) with `span_id`
    /// (16 hex) and flags `01`; `tracestate` passed on with either. `nil` when there is none or
    /// it is malformed (never an error).
    init?(metadata: JSONValue?) {
        guard let metadata = metadata?.objectValue else { return nil }
        let traceState = metadata["tracestate"]?.stringValue
        if let header = metadata["traceparent"]?.stringValue, let parsed = TraceParent(header: header, traceState: traceState) {
            self = parsed
            return
        }
        if let traceHex = metadata["trace_id"]?.stringValue, let spanHex = metadata["span_id"]?.stringValue,
            let traceID = OTLP.TraceID(hex: traceHex), let spanID = OTLP.SpanID(hex: spanHex)
        {
            self.init(traceHigh: traceID.high, traceLow: traceID.low, parentID: spanID.value, flags: 0x01, traceState: traceState)
            return
        }
        return nil
    }

    /// The trace id, as OTLP's.
    var traceID: OTLP.TraceID { OTLP.TraceID(high: traceHigh, low: traceLow) }

    /// The remote parent's span id, as OTLP's.
    var parentSpanID: OTLP.SpanID { OTLP.SpanID(parentID) }

    /// OTLP span flags for the root that joins this context: its trace flags plus "parent is
    /// remote" (bits 8 and 9).
    var spanFlags: UInt32 { UInt32(flags) | 0x300 }
}
