import ATOF

/// The sampling decisions of the live path (``Bridge``), where the spans of a trace arrive over
/// time, children (which end first) before their root.
///
/// - The sampler decides per trace id (``SamplingConfiguration/isSampled(traceID:remoteParentSampled:)``),
///   so a trace it keeps is kept whole and one it drops is dropped whole.
/// - Parent-based samplers need the remote parent's sampled flag before the root ends: it is noted
///   when a scope starts with a W3C trace context in its metadata, under that context's trace id.
/// - Keep-errors: when a span of a sampled-out trace has status ERROR, that span and every later
///   span of its trace are kept (its ancestors still open end later, so they are kept too); spans
///   of that trace that ended before the error stay sampled out.
///
/// Both memories (noted contexts, rescued traces) keep the most recent ``memory`` trace ids; an
/// older one is forgotten first.
struct LiveTraceSampling {
    let configuration: SamplingConfiguration
    private var remoteSampled = RecentTraces<Bool>()
    private var rescued = RecentTraces<Bool>()

    /// The most trace ids each memory holds.
    static let memory = 16_384

    init(configuration: SamplingConfiguration) {
        self.configuration = configuration
    }

    /// Notes the remote parent's sampled flag when `event` starts a scope joining a W3C context.
    mutating func note(_ event: Event) {
        guard event.kind == .scopeStart, event.metadata != nil, let context = TraceParent(metadata: event.metadata) else { return }
        remoteSampled[context.traceID] = context.flags & 0x01 == 0x01
    }

    /// Whether the span `item` becomes is exported.
    mutating func keeps(_ item: AssembledItem) -> Bool {
        let identity: AssembledScope.Identity
        switch item {
        case .scope(let scope): identity = scope.identity
        case .orphanMark(let orphan): identity = orphan.identity
        }
        let traceID = identity.traceID
        if rescued[traceID] != nil { return true }
        let remote = SamplingConfiguration.remoteParentSampled(flags: identity.flags) ?? remoteSampled[traceID]
        if configuration.isSampled(traceID: traceID, remoteParentSampled: remote) { return true }
        guard configuration.keepErrors, case .scope(let scope) = item, StatusOutcome(scope: scope).status.code == .error else {
            return false
        }
        rescued[traceID] = true
        return true
    }
}

/// A map from trace id that keeps only the most recently added ``LiveTraceSampling/memory`` ids.
private struct RecentTraces<Value> {
    private var values: [OTLP.TraceID: Value] = [:]
    private var order: [OTLP.TraceID] = []
    private var head = 0

    subscript(traceID: OTLP.TraceID) -> Value? {
        get { values[traceID] }
        set {
            guard let newValue else { return }
            if values.updateValue(newValue, forKey: traceID) == nil { order.append(traceID) }
            if order.count - head > LiveTraceSampling.memory {
                values[order[head]] = nil
                head += 1
                if head >= LiveTraceSampling.memory {
                    order.removeFirst(head)
                    head = 0
                }
            }
        }
    }
}
