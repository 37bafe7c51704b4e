/// Which traces are exported: an OpenTelemetry sampler, its ratio, and whether error traces are
/// kept anyway.
///
/// Span and trace ids are deterministic, so each decision depends only on the trace id (and the
/// remote parent's sampled flag, for the `parentbased_*` samplers): the same input is sampled the
/// same way on every run and every replay.
///
/// The ratio rule (the OpenTelemetry specification's `TraceIdRatioBased` with the W3C
/// randomness of the trace id's lowest 56 bits): let `R` be the trace id's last 7 bytes read as a
/// big-endian integer (0 ..< 2^56) and `T = 2^56 - round(ratio × 2^56)`; the trace is sampled
/// when `R >= T`. Ratio 1 keeps every trace, ratio 0 none, and a trace kept at some ratio is kept
/// at every larger one. (A trace id made from a UUID v4 or v7 has random bits there.)
///
/// Parent-based samplers: a trace whose root joins a W3C trace context (a `traceparent` in the
/// root scope's metadata) follows that context's sampled flag; the bridge's other traces have no
/// sampled parent and are decided by the root sampler (`always_on`, `always_off` or the ratio).
///
/// The bridge's default sampler is `always_on` (not the SDKs' `parentbased_always_on`), so that
/// without sampling variables every recorded span is exported, whatever flags a `traceparent`
/// carries.
public struct SamplingConfiguration: Sendable, Hashable {
    /// The sampler. Environment: `OTEL_TRACES_SAMPLER` (its names, any case); an unknown name
    /// warns and leaves the default. Default ``TraceSampler/alwaysOn``.
    public var sampler: TraceSampler
    /// The ratio of traces the `traceidratio` samplers keep, from 0 to 1 (values outside are
    /// clamped). Environment: `OTEL_TRACES_SAMPLER_ARG` (a number from 0 to 1; anything else warns
    /// and leaves the default; the other samplers do not use it). Default 1.0.
    public var ratio: Double
    /// Keep a trace that holds a span with status ERROR even when it is sampled out. Offline (a
    /// file judged as a whole) the whole trace is kept; live, see ``Bridge``: the error span and
    /// every later span of its trace are kept. Environment: `ATOF_BRIDGE_KEEP_ERRORS` (boolean:
    /// `true`/`1`/`yes`/`on`, `false`/`0`/`no`/`off`). Default `true`.
    public var keepErrors: Bool

    /// Creates a configuration; every parameter defaults to the bridge's default.
    public init(sampler: TraceSampler = .alwaysOn, ratio: Double = 1.0, keepErrors: Bool = true) {
        self.sampler = sampler
        self.ratio = ratio
        self.keepErrors = keepErrors
    }

    /// `true` when every trace is kept whatever it holds (no decision to make).
    public var keepsEverything: Bool {
        switch sampler {
        case .alwaysOn: true
        case .traceIDRatio: ratio >= 1
        default: false
        }
    }

    /// The sampler's decision for a trace.
    ///
    /// - Parameters:
    ///   - traceID: the trace's id.
    ///   - remoteParentSampled: the sampled flag of the remote parent the trace's root joins, or
    ///     `nil` when the root has no remote parent.
    public func isSampled(traceID: OTLP.TraceID, remoteParentSampled: Bool?) -> Bool {
        switch sampler {
        case .alwaysOn: return true
        case .alwaysOff: return false
        case .traceIDRatio: return isSampledByRatio(traceID)
        case .parentBasedAlwaysOn: return remoteParentSampled ?? true
        case .parentBasedAlwaysOff: return remoteParentSampled ?? false
        case .parentBasedTraceIDRatio: return remoteParentSampled ?? isSampledByRatio(traceID)
        }
    }

    /// The ratio rule alone: `R >= T` (see the type's description).
    public func isSampledByRatio(_ traceID: OTLP.TraceID) -> Bool {
        let randomness = traceID.low & Self.randomnessMask
        return randomness >= threshold
    }

    /// Whether a trace is exported: sampled, or (with ``keepErrors``) holding an error span.
    public func keeps(traceID: OTLP.TraceID, remoteParentSampled: Bool?, hasError: Bool) -> Bool {
        (keepErrors && hasError) || isSampled(traceID: traceID, remoteParentSampled: remoteParentSampled)
    }

    /// The lowest 56 bits.
    static let randomnessMask: UInt64 = (1 << 56) - 1

    /// `T = 2^56 - round(ratio × 2^56)`, the ratio clamped to 0...1 (NaN counts as 0).
    var threshold: UInt64 {
        let clamped = ratio.isNaN ? 0 : min(1, max(0, ratio))
        let scaled = UInt64((clamped * 72_057_594_037_927_936).rounded())  // 2^56
        return (1 << 56) - min(scaled, 1 << 56)
    }

    /// The sampled flag of the W3C context a span's root joins, from OTLP span flags: `nil` unless
    /// the parent is remote (bits 8 and 9 set).
    static func remoteParentSampled(flags: UInt32) -> Bool? {
        flags & 0x300 == 0x300 ? flags & 0x01 == 0x01 : nil
    }
}

extension SamplingConfiguration {
    /// The defaults overridden by `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and
    /// `ATOF_BRIDGE_KEEP_ERRORS`; each invalid value adds a warning naming the variable to
    /// `warnings` and leaves the default.
    public static func fromEnvironment(_ environment: [String: String], warnings: inout [String]) -> SamplingConfiguration {
        var reader = EnvironmentReader(environment: environment)
        var configuration = SamplingConfiguration()
        configuration.read(&reader)
        warnings += reader.warnings
        return configuration
    }

    /// Reads the sampling variables through `reader` (which collects the warnings).
    mutating func read(_ reader: inout EnvironmentReader) {
        sampler = reader.choice(reader.entry("OTEL_TRACES_SAMPLER"), default: sampler)
        // Read (and checked) whatever the sampler: the command line's --sampler may pick a ratio one.
        ratio =
            reader.value(reader.entry("OTEL_TRACES_SAMPLER_ARG"), expected: "a number from 0 to 1", shown: "\(ratio)") { text in
                Double(text).flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil }
            } ?? ratio
        keepErrors =
            reader.value(reader.entry("ATOF_BRIDGE_KEEP_ERRORS"), expected: "a boolean (true or false)", shown: "\(keepErrors)") {
                EnvironmentValue.bool($0)
            } ?? keepErrors
    }
}
