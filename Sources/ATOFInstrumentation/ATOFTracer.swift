import ATOF
import Instrumentation
import Tracing

/// A swift-distributed-tracing `Tracer` that turns spans into ATOF scopes, so code instrumented
/// with `withSpan` flows through the same subscribers as ``withAgentScope(_:input:metadata:isolation:_:)``.
///
/// ```swift
/// try ATOFInstrumentation.bootstrap(.bridge(bridge))
/// InstrumentationSystem.bootstrap(ATOFTracer())
/// try await withSpan("retrieve") { span in
///     span.attributes["gen_ai.operation.name"] = "retrieval"
///     ...
/// }
/// ```
///
/// - A span becomes a scope start and end (the start is emitted when the first child, event or
///   the end needs it, so attributes set at the top of the `withSpan` body can still choose the
///   category); its kind and attributes become the category, flags, profile, payloads and
///   metadata as listed in `SpanAttributeReading`.
/// - Parents: spans and ATOF scopes share one task-local (the service context), so `withSpan`
///   inside `withAgentScope` and the reverse nest into one trace.
/// - `setStatus` becomes the end's `otel.status_code` (and `otel.status_description`);
///   `recordError` adds `error.type` and the error's description (alone it leaves the status
///   unset, as in OpenTelemetry; `withSpan` does both when its body throws). A
///   `CancellationError` is written as cancelled.
/// - `addEvent` emits a mark under the span (a span event on it). Links are not recorded.
/// - `extract` reads a W3C `traceparent` (and `tracestate`) into the service context: the next root
///   scope carries it in its start metadata and the bridge puts it in that trace. `inject` writes
///   the current scope's `traceparent` (trace id = root uuid or joined trace, span id = the last
///   8 bytes of the scope's uuid, span-mapping.md §2).
///
/// Without ``ATOFInstrumentation`` subscribers, spans do not record.
public struct ATOFTracer: Tracer {
    /// The span type.
    public typealias Span = ATOFSpan

    /// A tracer emitting to the subscribers installed with ``ATOFInstrumentation``.
    public init() {}

    /// Starts a span (see the type's documentation for what is emitted when).
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: Tracing.SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> ATOFSpan {
        let parentContext = context()
        guard let sinks = Registry.active else { return ATOFSpan(context: parentContext, name: operationName, state: nil) }
        let time = Int64(clamping: instant().nanosecondsSinceEpoch)
        let state = SpanState(sinks: sinks, name: operationName, kind: kind, startTime: time)
        let (scope, parentUUID, joined) = ScopeContext.make(
            uuid: UUIDValue(nanosecondsSinceEpoch: time), in: parentContext, pendingStart: state)
        state.attach(uuid: scope.uuid, parentUUID: parentUUID, joined: joined, parent: parentContext[ScopeKey.self]?.pendingStart)
        return ATOFSpan(context: ScopeContext.binding(scope, in: parentContext), name: operationName, state: state)
    }

    /// The span of `context`'s current scope while it records.
    public func activeSpan(identifiedBy context: InstrumentationContext) -> ATOFSpan? {
        guard let state = context[ScopeKey.self]?.pendingStart, state.isRecording else { return nil }
        return ATOFSpan(context: context, name: state.name, state: state)
    }

    /// Flushes the ATOF subscribers (``ATOFInstrumentation/forceFlush(timeout:)``).
    public func forceFlush() {
        ATOFInstrumentation.forceFlush()
    }

    /// Reads the W3C `traceparent` and `tracestate` from `carrier` into `context`, replacing any
    /// current scope there: the next scope started in `context` is a root joining that trace.
    /// A missing or malformed `traceparent` changes nothing.
    public func extract<Carrier, Extract>(
        _ carrier: Carrier,
        into context: inout InstrumentationContext,
        using extractor: Extract
    ) where Extract: Extractor, Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier),
            let parent = TraceParent(
                header: header[...].trimmingSpaces, traceState: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context[RemoteParentKey.self] = parent
        context[ScopeKey.self] = nil
    }

    /// Writes `traceparent` (and `tracestate` when the trace has one) for `context`'s current
    /// scope, or passes an extracted remote parent on; writes nothing outside any scope.
    public func inject<Carrier, Inject>(
        _ context: InstrumentationContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject: Injector, Inject.Carrier == Carrier {
        guard let parent = ScopeContext.traceParent(in: context) else { return }
        injector.inject(parent.header, forKey: "traceparent", into: &carrier)
        if let state = parent.traceState { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }
}

/// A span of ``ATOFTracer``: one ATOF scope.
public struct ATOFSpan: Tracing.Span {
    /// The service context with this span's scope as the current scope.
    public let context: InstrumentationContext
    private let initialName: String
    let state: SpanState?

    init(context: InstrumentationContext, name: String, state: SpanState?) {
        self.context = context
        self.initialName = name
        self.state = state
    }

    /// The ATOF uuid of the span's scope (`nil` when not recording).
    public var atofUUID: String? { state?.uuid }

    /// The span name; a change after the start event was emitted is not recorded (ATOF repeats
    /// the start's name on the end).
    public var operationName: String {
        get { state?.name ?? initialName }
        nonmutating set { state?.rename(newValue) }
    }

    /// The attributes; see ``ATOFTracer`` for how they are recorded.
    public var attributes: SpanAttributes {
        get { state?.attributes ?? [:] }
        nonmutating set { state?.setAttributes(newValue) }
    }

    /// `true` until the span ends (`false` without subscribers).
    public var isRecording: Bool { state?.isRecording ?? false }

    /// Sets the status written at the end (`OK`, or `ERROR` with the message).
    public func setStatus(_ status: Tracing.SpanStatus) {
        state?.setStatus(status)
    }

    /// Emits a mark under this span (a span event on it), with the attributes as metadata.
    public func addEvent(_ event: Tracing.SpanEvent) {
        state?.addEvent(event)
    }

    /// Records `error` for the end: `error.type` and the description (a `CancellationError`, or an
    /// error while the task is cancelled, as cancelled). The status is still what `setStatus` says
    /// (`withSpan` sets ERROR when its body throws).
    public func recordError<Instant: TracerInstant>(
        _ error: any Error,
        attributes: SpanAttributes,
        at instant: @autoclosure () -> Instant
    ) {
        state?.recordError(error)
    }

    /// Links are not recorded (ATOF has no links).
    public func addLink(_ link: SpanLink) {}

    /// Emits the end (and the start, if not yet emitted). Later calls do nothing.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        state?.end(at: Int64(clamping: instant().nanosecondsSinceEpoch))
    }
}
