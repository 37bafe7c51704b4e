import ATOF
import Instrumentation

/// A scope whose start event was emitted: what its end needs.
struct StartedScope: Sendable {
    /// Where its events go (fixed when it started).
    let sinks: SubscriberSet
    /// The start event; the end repeats its name, category, flags, profile and parent.
    let start: Event
    /// Its identity.
    let scope: ScopeContext
    /// The service context to run its body in (the parent's, with this scope current).
    let context: InstrumentationContext
}

/// How a scope ended, as ATOF 0.1 writes it: NeMo Relay's status keys in the end event's
/// metadata (atof-format.md A.10, span-mapping.md §5).
struct ScopeOutcome: Sendable, Hashable {
    /// `otel.status_code`: `OK`, `ERROR`, or `nil` (not written: unknown).
    var statusCode: String?
    /// `otel.status_description` (only with `ERROR`).
    var statusDescription: String?
    /// `error.type`.
    var errorType: String?
    /// `exception.type`, when it says more than `error.type`.
    var exceptionType: String?

    /// Returned normally.
    static let ok = ScopeOutcome(statusCode: "OK")
    /// Nothing said (a tracer span whose status was never set).
    static let unset = ScopeOutcome()

    /// Threw `error`. A `CancellationError`, or any error thrown while the task is cancelled, is a
    /// cancellation, written as Relay writes one (0.1 has no cancelled code): `ERROR` with the
    /// description `cancelled` (`cancelled: <error>` for another error type), `error.type`
    /// `cancelled` and `exception.type` = the Swift type. Other errors: `ERROR` with
    /// `String(describing: error)` and `error.type` = the error's type name.
    static func failure(_ error: any Error, description: String? = nil) -> ScopeOutcome {
        let typeName = String(describing: type(of: error))
        let text = description ?? String(describing: error)
        if error is CancellationError {
            return ScopeOutcome(statusCode: "ERROR", statusDescription: "cancelled", errorType: "cancelled", exceptionType: typeName)
        }
        if Task.isCancelled {
            return ScopeOutcome(
                statusCode: "ERROR", statusDescription: "cancelled: \(text)", errorType: "cancelled", exceptionType: typeName)
        }
        return ScopeOutcome(statusCode: "ERROR", statusDescription: text, errorType: typeName)
    }

    static let statusKeys: Set<String> = [
        "otel.status_code", "otel.status_description", AttributeKey.errorType, AttributeKey.exceptionType, AttributeKey.exceptionMessage,
    ]

    /// The end metadata: the caller's members, then the status keys (which win, as in Relay).
    func metadata(merging caller: JSONValue?) -> JSONValue? {
        var members: [JSONObject.Member] = []
        if let statusCode { members.append(.init(key: "otel.status_code", value: .string(statusCode))) }
        if let statusDescription, statusCode == "ERROR" {
            members.append(.init(key: "otel.status_description", value: .string(statusDescription)))
        }
        if let errorType { members.append(.init(key: AttributeKey.errorType, value: .string(errorType))) }
        if let exceptionType { members.append(.init(key: AttributeKey.exceptionType, value: .string(exceptionType))) }
        if let statusDescription, statusCode != "ERROR", errorType != nil || exceptionType != nil {
            // A recorded error without an ERROR status (a tracer span's `recordError` alone).
            members.append(.init(key: AttributeKey.exceptionMessage, value: .string(statusDescription)))
        }
        guard !members.isEmpty else { return caller }
        var object = JSONObject()
        switch caller {
        case .object(let callerObject)?:
            object.members = callerObject.members.filter { !Self.statusKeys.contains($0.key) }
        case .none, .null?:
            break
        case let other?:
            object.members = [.init(key: "value", value: other)]
        }
        object.members.append(contentsOf: members)
        return .object(object)
    }
}

/// Emits scope starts, ends and marks to the installed subscribers.
enum ScopeRecorder {
    /// Starts a scope under the current service context: emits its start event and returns what
    /// its end needs, or `nil` when nothing is installed (then nothing is emitted).
    static func begin(
        in sinks: SubscriberSet? = Registry.active,
        name: String,
        category: String,
        flags: [String],
        profile: JSONValue?,
        data: JSONValue?,
        metadata: JSONValue?
    ) -> StartedScope? {
        guard let sinks else { return nil }
        let parentContext = InstrumentationContext.current
        parentContext?[ScopeKey.self]?.pendingStart?.emitStartIfNeeded()
        let now = Timestamp.wallClockNanoseconds()
        let (scope, parentUUID, joined) = ScopeContext.make(uuid: UUIDValue(nanosecondsSinceEpoch: now), in: parentContext)
        let start = Event(
            family: .v0_1, kind: .scopeStart, uuid: scope.uuid, parentUUID: parentUUID,
            timestamp: Timestamp(nanosecondsSinceEpoch: now), name: name, category: category, flags: flags,
            profile: profile, data: data, metadata: joined.map { joining($0, into: metadata) } ?? metadata)
        sinks.emit(start)
        return StartedScope(sinks: sinks, start: start, scope: scope, context: ScopeContext.binding(scope, in: parentContext))
    }

    /// Emits the end event of `started`.
    /// `profile` replaces the start's `category_profile` when given.
    static func end(
        _ started: StartedScope, outcome: ScopeOutcome, data: JSONValue?, metadata: JSONValue?, profile: JSONValue? = nil,
        at time: Int64? = nil
    ) {
        let start = started.start
        var end = start
        end.kind = .scopeEnd
        if let profile { end.profile = profile }
        end.timestamp = Timestamp(
            nanosecondsSinceEpoch: endTime(start: start.timestamp.nanosecondsSinceEpoch, now: time ?? Timestamp.wallClockNanoseconds()))
        end.data = data
        end.metadata = outcome.metadata(merging: metadata)
        started.sinks.emit(end)
    }

    /// Emits a mark under the current scope (or with no parent outside any scope).
    static func mark(name: String, data: JSONValue?, metadata: JSONValue?, category: String? = nil) {
        guard let sinks = Registry.active else { return }
        let parent = InstrumentationContext.current?[ScopeKey.self]
        parent?.pendingStart?.emitStartIfNeeded()
        mark(in: sinks, parentUUID: parent?.uuid, name: name, data: data, metadata: metadata, category: category)
    }

    /// Emits a mark under the scope `parentUUID` (whatever scope is current), at `now`.
    static func mark(
        in sinks: SubscriberSet, parentUUID: String?, name: String, data: JSONValue?, metadata: JSONValue?, category: String? = nil,
        time now: Int64 = Timestamp.wallClockNanoseconds()
    ) {
        sinks.emit(
            Event(
                family: .v0_1, kind: .mark, uuid: UUIDValue(nanosecondsSinceEpoch: now).string, parentUUID: parentUUID,
                timestamp: Timestamp(nanosecondsSinceEpoch: now), name: name, category: category, data: data, metadata: metadata))
    }

    /// The end time: `now`, but at least one microsecond after the start (ATOF 0.1 requires the end
    /// to be strictly later in microseconds).
    static func endTime(start: Int64, now: Int64) -> Int64 {
        let startMicroseconds = start >= 0 ? start / 1000 : (start - 999) / 1000
        let (earliest, overflow) = (startMicroseconds &+ 1).multipliedReportingOverflow(by: 1000)
        return overflow ? now : max(now, earliest)
    }

    /// A root scope's start metadata with the joined trace's `traceparent` (and `tracestate`),
    /// which the bridge reads to put the scope in that trace (span-mapping.md §2).
    static func joining(_ remote: TraceParent, into metadata: JSONValue?) -> JSONValue {
        var object: JSONObject
        switch metadata {
        case .object(let callerObject)?: object = callerObject
        case .none, .null?: object = JSONObject()
        case let other?: object = JSONObject([.init(key: "value", value: other)])
        }
        object["traceparent"] = .string(remote.header)
        if let state = remote.traceState { object["tracestate"] = .string(state) }
        return .object(object)
    }
}
