/// The measurements every delivery run reports, whichever implementation produced the spans.
public struct RunMeasures {
    public var produced: Int
    public var sink: SinkStats
    public var produceSeconds: Double
    public var drainSeconds: Double
    /// Process CPU over the run, in microseconds.
    public var cpuMicroseconds: Double
    public var generationMicrosecondsPerSpan: Double
    public var maximumResidentKiB: Int
    /// Latency of the producer-side call being compared, and what that call is.
    public var call: LatencyHistogram
    public var callKind: String
    public var turn: LatencyHistogram

    public init(
        produced: Int, sink: SinkStats, produceSeconds: Double, drainSeconds: Double, cpuMicroseconds: Double,
        generationMicrosecondsPerSpan: Double, maximumResidentKiB: Int, call: LatencyHistogram, callKind: String,
        turn: LatencyHistogram
    ) {
        self.produced = produced
        self.sink = sink
        self.produceSeconds = produceSeconds
        self.drainSeconds = drainSeconds
        self.cpuMicroseconds = cpuMicroseconds
        self.generationMicrosecondsPerSpan = generationMicrosecondsPerSpan
        self.maximumResidentKiB = maximumResidentKiB
        self.call = call
        self.callKind = callKind
        self.turn = turn
    }

    /// Adds the timing, CPU, memory, latency and sink entries to `report`.
    public func add(to report: inout Report) {
        let wall = produceSeconds + drainSeconds
        report.add("produce_seconds", produceSeconds)
        report.add("drain_seconds", drainSeconds)
        report.add("wall_seconds", wall)
        report.add("produced_spans_per_second", Double(produced) / produceSeconds)
        report.add("delivered_spans_per_second", Double(sink.spans) / wall)
        report.add("cpu_seconds", cpuMicroseconds / 1e6)
        report.add("cpu_us_per_span", produced > 0 ? cpuMicroseconds / Double(produced) : 0)
        report.add("generation_cpu_us_per_span", generationMicrosecondsPerSpan)
        report.add("peak_rss_mib", Double(maximumResidentKiB) / 1024)
        report.add("call_p50_ns", call.value(atQuantile: 0.50))
        report.add("call_p99_ns", call.value(atQuantile: 0.99))
        report.add("call_max_ns", call.maximum)
        report.add("call_kind", callKind)
        report.add("turn_p50_ns", turn.value(atQuantile: 0.50))
        report.add("turn_p99_ns", turn.value(atQuantile: 0.99))
        report.add("sink_requests", sink.requests)
        report.add("sink_bytes", sink.bytes)
        report.add("sink_malformed", sink.malformed)
    }
}
