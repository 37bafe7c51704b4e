import ATOF
import Synchronization
import Tracing

/// The mutable state of one ``ATOFSpan``, shared by its copies and by its children (through
/// ``ScopeContext/pendingStart``), which make it emit its start event before theirs.
final class SpanState: Sendable {
    private struct State {
        var name: String
        var attributes: SpanAttributes = [:]
        var status: Tracing.SpanStatus?
        var recordedError: ScopeOutcome?
        var start: Event?
        var ended = false
        var uuid = ""
        var parentUUID: String?
        var joined: TraceParent?
        var parent: SpanState?
    }

    private let sinks: SubscriberSet
    private let kind: Tracing.SpanKind
    private let startTime: Int64
    private let state: Mutex<State>

    init(sinks: SubscriberSet, name: String, kind: Tracing.SpanKind, startTime: Int64) {
        self.sinks = sinks
        self.kind = kind
        self.startTime = startTime
        self.state = Mutex(State(name: name))
    }

    /// Sets the identity (once, right after creation, before the span is shared).
    func attach(uuid: String, parentUUID: String?, joined: TraceParent?, parent: SpanState?) {
        state.withLock { state in
            state.uuid = uuid
            state.parentUUID = parentUUID
            state.joined = joined
            state.parent = parent
        }
    }

    var uuid: String { state.withLock { $0.uuid } }
    var name: String { state.withLock { $0.name } }
    var attributes: SpanAttributes { state.withLock { $0.attributes } }
    var isRecording: Bool { state.withLock { !$0.ended } }

    func rename(_ name: String) {
        state.withLock { state in
            if state.start == nil { state.name = name }
        }
    }

    func setAttributes(_ attributes: SpanAttributes) {
        state.withLock { state in
            if !state.ended { state.attributes = attributes }
        }
    }

    func setStatus(_ status: Tracing.SpanStatus) {
        state.withLock { state in
            if !state.ended { state.status = status }
        }
    }

    func recordError(_ error: any Error) {
        let outcome = ScopeOutcome.failure(error)
        state.withLock { state in
            if !state.ended { state.recordedError = outcome }
        }
    }

    /// Emits the start event unless it was emitted (the parent span's first). Emitting under the
    /// lock keeps the start ahead of any child's event.
    func emitStartIfNeeded() {
        let parent = state.withLock { $0.start == nil ? $0.parent : nil }
        parent?.emitStartIfNeeded()
        state.withLock { state in
            guard state.start == nil else { return }
            emitStart(&state)
        }
    }

    func addEvent(_ event: Tracing.SpanEvent) {
        emitStartIfNeeded()
        state.withLock { state in
            guard !state.ended else { return }
            var metadata: [JSONObject.Member] = []
            event.attributes.forEach { key, value in
                if let json = SpanAttributeReading.json(value) { metadata.append(.init(key: key, value: json)) }
            }
            metadata.sort { $0.key < $1.key }
            let time = Int64(clamping: event.nanosecondsSinceEpoch)
            sinks.emit(
                Event(
                    family: .v0_1, kind: .mark, uuid: UUIDValue(nanosecondsSinceEpoch: time).string, parentUUID: state.uuid,
                    timestamp: Timestamp(nanosecondsSinceEpoch: time), name: event.name,
                    metadata: metadata.isEmpty ? nil : .object(JSONObject(metadata))))
        }
    }

    func end(at time: Int64) {
        emitStartIfNeeded()
        state.withLock { state in
            guard !state.ended, let start = state.start else { return }
            state.ended = true
            var reading = SpanAttributeReading(state.attributes)
            let category = start.category ?? "function"
            _ = reading.profile(category: category)
            _ = reading.startData(category: category)
            var end = start
            end.kind = .scopeEnd
            end.timestamp = Timestamp(nanosecondsSinceEpoch: ScopeRecorder.endTime(start: startTime, now: time))
            end.data = reading.endData(category: category)
            end.metadata = outcome(state).metadata(merging: reading.metadata())
            sinks.emit(end)
        }
    }

    private func emitStart(_ state: inout State) {
        var reading = SpanAttributeReading(state.attributes)
        let category = reading.category()
        let profile = reading.profile(category: category)
        let data = reading.startData(category: category)
        let metadata = reading.metadata()
        let start = Event(
            family: .v0_1, kind: .scopeStart, uuid: state.uuid, parentUUID: state.parentUUID,
            timestamp: Timestamp(nanosecondsSinceEpoch: startTime), name: state.name, category: category,
            flags: reading.flags(kind: kind), profile: profile, data: data,
            metadata: state.joined.map { ScopeRecorder.joining($0, into: metadata) } ?? metadata)
        state.start = start
        state.parent = nil
        sinks.emit(start)
    }

    /// The end status from `setStatus` and `recordError`.
    private func outcome(_ state: State) -> ScopeOutcome {
        switch state.status?.code {
        case .ok?:
            return .ok
        case .error?:
            var outcome = state.recordedError ?? ScopeOutcome(statusCode: "ERROR", statusDescription: "")
            if let message = state.status?.message, !message.isEmpty { outcome.statusDescription = message }
            return outcome
        case nil:
            guard var outcome = state.recordedError else { return .unset }
            outcome.statusCode = nil
            return outcome
        }
    }
}
