import ATOF

/// What pairing reads of one event: small, and made where the event is decoded (the event
/// itself is then let go; see ``EventIndex``).
struct PairingKey: Sendable {
    /// The event time, ns since the epoch.
    var time: Int64
    /// The event kind.
    var kind: Event.Kind
    /// The event's uuid.
    var uuid: UUIDKey
    /// The event's parent uuid.
    var parent: UUIDKey?
    /// The W3C trace context in the metadata of a scope event (span-mapping.md §2): honoured
    /// only when the event turns out to describe a root; `nil` for marks and when there is none.
    var traceContext: TraceParent?

    init(_ event: Event) {
        time = event.timestamp.nanosecondsSinceEpoch
        kind = event.kind
        uuid = event.uuidKey
        parent = event.parentKey
        switch event.kind {
        case .scopeStart, .scopeEnd: traceContext = TraceParent(metadata: event.metadata)
        case .mark, .streamHeader: traceContext = nil
        }
    }
}
