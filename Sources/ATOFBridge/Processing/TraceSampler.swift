/// The OpenTelemetry samplers, named as `OTEL_TRACES_SAMPLER` names them.
///
/// A decision is made per trace, never per span, so a trace is kept or dropped whole (see
/// ``SamplingConfiguration``).
public enum TraceSampler: String, Sendable, Hashable, CaseIterable {
    /// Every trace is kept.
    case alwaysOn = "always_on"
    /// No trace is kept (except error traces while ``SamplingConfiguration/keepErrors`` is on).
    case alwaysOff = "always_off"
    /// A trace is kept by the trace id ratio rule (``SamplingConfiguration/isSampledByRatio(_:)``).
    case traceIDRatio = "traceidratio"
    /// A trace joining a remote parent (W3C `traceparent` on its root) follows the parent's
    /// sampled flag; any other trace is kept.
    case parentBasedAlwaysOn = "parentbased_always_on"
    /// A trace joining a remote parent follows the parent's sampled flag; any other is dropped.
    case parentBasedAlwaysOff = "parentbased_always_off"
    /// A trace joining a remote parent follows the parent's sampled flag; any other is decided by
    /// the trace id ratio rule.
    case parentBasedTraceIDRatio = "parentbased_traceidratio"
}
