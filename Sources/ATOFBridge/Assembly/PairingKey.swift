import ATOF

/// What pairing reads of one event: small, and made where the event is decoded.
struct PairingKey: Sendable {
    /// The event time, ns since the epoch.
    var time: Int64
    /// The event kind.
    var kind: Event.Kind
    /// The event's uuid.
    var uuid: UUIDKey
    /// The event's parent uuid.
    var parent: UUIDKey?

    init(_ event: Event) {
        time = event.timestamp.nanosecondsSinceEpoch
        kind = event.kind
        uuid = UUIDKey(event.uuid)
        parent = event.parentUUID.map(UUIDKey.init)
    }
}
