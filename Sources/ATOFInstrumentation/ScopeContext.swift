import ATOF
import Instrumentation

/// The active ATOF scope, carried in the task-local `InstrumentationContext.current` (the
/// swift-distributed-tracing service context) under ``ScopeKey``.
///
/// One task-local serves both APIs: the `with…` scope functions and ``ATOFTracer`` spans read
/// their parent from it and bind their own scope in it, so ATOF scopes and `withSpan` spans nest
/// in either order into one trace. Task-locals are inherited by `async let`, task groups and
/// `Task { }` child tasks, so their scopes get the enclosing scope as parent. `Task.detached`
/// inherits nothing: a scope started there is a new root (a new trace).
struct ScopeContext: Sendable {
    /// The scope's uuid (canonical UUIDv7 text): the children's `parent_uuid`.
    let uuid: String
    /// The span id the bridge derives: the uuid's last 8 bytes.
    let spanID: UInt64
    /// The trace id: the root scope's uuid, or the joined remote trace.
    let traceHigh: UInt64
    let traceLow: UInt64
    /// W3C trace flags for outgoing headers (sampled, or the joined trace's flags).
    let traceFlags: UInt8
    /// The joined trace's `tracestate`, passed on unchanged.
    let traceState: String?
    /// For an ``ATOFTracer`` span: its state, whose start event is emitted lazily (so attributes
    /// set right after `startSpan` can still choose the category). Children make it emit first.
    let pendingStart: SpanState?

    /// The identity of a new scope with id `uuid` under `parent` (the context it starts in):
    /// the scope, its `parent_uuid`, and the remote trace it joins when it is a root.
    static func make(
        uuid: UUIDValue,
        in parent: InstrumentationContext?,
        pendingStart: SpanState? = nil
    ) -> (scope: ScopeContext, parentUUID: String?, joined: TraceParent?) {
        let text = uuid.string
        if let enclosing = parent?[ScopeKey.self] {
            let scope = ScopeContext(
                uuid: text, spanID: uuid.low, traceHigh: enclosing.traceHigh, traceLow: enclosing.traceLow,
                traceFlags: enclosing.traceFlags, traceState: enclosing.traceState, pendingStart: pendingStart)
            return (scope, enclosing.uuid, nil)
        }
        if let remote = parent?[RemoteParentKey.self] {
            let scope = ScopeContext(
                uuid: text, spanID: uuid.low, traceHigh: remote.traceHigh, traceLow: remote.traceLow,
                traceFlags: remote.flags, traceState: remote.traceState, pendingStart: pendingStart)
            return (scope, nil, remote)
        }
        let scope = ScopeContext(
            uuid: text, spanID: uuid.low, traceHigh: uuid.high, traceLow: uuid.low, traceFlags: 0x01, traceState: nil,
            pendingStart: pendingStart)
        return (scope, nil, nil)
    }

    /// This scope as the parent in an outgoing `traceparent`.
    var traceParent: TraceParent {
        TraceParent(traceHigh: traceHigh, traceLow: traceLow, parentID: spanID, flags: traceFlags, traceState: traceState)
    }

    /// The trace context to propagate from `context`: its scope, else a remote parent it carries.
    static func traceParent(in context: InstrumentationContext) -> TraceParent? {
        if let scope = context[ScopeKey.self] { return scope.traceParent }
        return context[RemoteParentKey.self]
    }

    /// `context` with `scope` as the current scope.
    static func binding(_ scope: ScopeContext, in context: InstrumentationContext?) -> InstrumentationContext {
        var context = context ?? .topLevel
        context[ScopeKey.self] = scope
        return context
    }
}

/// The service-context key of the current ATOF scope.
enum ScopeKey: InstrumentationContextKey {
    typealias Value = ScopeContext
    static var nameOverride: String? { "atof.scope" }
}

/// The service-context key of an extracted W3C trace context, which the next root scope joins.
enum RemoteParentKey: InstrumentationContextKey {
    typealias Value = TraceParent
    static var nameOverride: String? { "traceparent" }
}
