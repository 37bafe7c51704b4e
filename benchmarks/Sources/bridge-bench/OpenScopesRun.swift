import ATOF
import ATOFBridge
import BenchSupport

/// The memory scenario: `count` tool scopes are started under one agent scope and none of them
/// ends, as when an agent hangs or a log is cut. The resident set is read as the scopes open; at
/// the end `shutdown()` exports every scope still open as unended, so each one is accounted for.
///
/// With the open-scope bound above `count`, memory grows with the open scopes (that is the cost of
/// holding them); with the bound set low the oldest scopes are exported as unended as new ones
/// arrive, and memory must stay flat.
struct OpenScopesRun {
    struct Outcome {
        /// Resident KiB before the first event, and after 10 %, 50 % and 100 % of the starts.
        var residentKiB: (baseline: Int, tenth: Int, half: Int, end: Int) = (0, 0, 0, 0)
        var produceSeconds = 0.0
        var drainSeconds = 0.0
        var usage = ResourceUsage.now()
        var receive = LatencyHistogram()
        var statistics: Bridge.Statistics
    }

    let bridge: Bridge
    let count: Int
    let shutdownTimeout: Duration

    func run() -> Outcome {
        var outcome = Outcome(statistics: bridge.statistics)
        let base: Int64 = 1_767_225_600_000_000
        func at(_ step: Int) -> Timestamp {
            let micros = base + Int64(step)
            return (try? Timestamp(epochMicroseconds: micros)) ?? Timestamp(nanosecondsSinceEpoch: micros * 1000)
        }
        let agent = AgentWorkload.uuid(0xFFFF_FFFE)
        let input: JSONValue = ["question": "what is open?"]
        outcome.residentKiB.baseline = ResourceUsage.currentResidentKiB()
        let start = monotonicNanoseconds()
        bridge.receive(
            Event(family: .v0_1, kind: .scopeStart, uuid: agent, timestamp: at(0), name: "planner", category: "agent", data: input))
        var before = monotonicNanoseconds()
        for index in 0..<count {
            let event = Event(
                family: .v0_1, kind: .scopeStart, uuid: AgentWorkload.uuid(UInt64(index) + 1), parentUUID: agent,
                timestamp: at(index + 1), name: "search", category: "tool",
                profile: ["tool_call_id": .string("call_\(index)")], data: ["q": .string("term \(index)")])
            bridge.receive(event)
            let after = monotonicNanoseconds()
            outcome.receive.record(after &- before)
            before = after
            if index + 1 == count / 10 { outcome.residentKiB.tenth = ResourceUsage.currentResidentKiB() }
            if index + 1 == count / 2 { outcome.residentKiB.half = ResourceUsage.currentResidentKiB() }
        }
        outcome.residentKiB.end = ResourceUsage.currentResidentKiB()
        let produced = monotonicNanoseconds()
        outcome.statistics = bridge.shutdown(timeout: shutdownTimeout)
        outcome.drainSeconds = seconds(from: produced, to: monotonicNanoseconds())
        outcome.produceSeconds = seconds(from: start, to: produced)
        outcome.usage = ResourceUsage.now()
        return outcome
    }
}

/// Runs ``OpenScopesRun`` and prints its RESULT: resident memory as the scopes open, and the
/// account of every scope once shutdown has exported them as unended.
func openScopesBenchmark(
    configuration: Bridge.Configuration, endpoint: HTTPEndpoint, count: Int, shutdownTimeout: Double,
    fallbackPath: String, keepFallback: Bool, scenario: String
) -> Int32 {
    guard
        let (outcome, account) = SinkAccount.measure(
            configuration: configuration, endpoint: endpoint, fallbackPath: fallbackPath, keep: keepFallback,
            { bridge in
                OpenScopesRun(bridge: bridge, count: count, shutdownTimeout: .milliseconds(Int(shutdownTimeout * 1000))).run()
            })
    else { return 1 }
    let sink = account.sink
    let statistics = outcome.statistics
    let produced = statistics.spansProduced
    let inFile = account.fallbackSpans ?? -1
    let unaccounted = account.unaccounted(statistics)
    let resident = outcome.residentKiB
    func mebibytes(_ kib: Int) -> Double { Double(kib) / 1024 }

    var report = Report()
    report.add("scenario", scenario)
    report.add("implementation", "atof-bridge")
    report.add("open_scopes", count)
    report.add("maximum_open_scopes", configuration.assemblyLimits.maximumOpenScopes)
    report.add("policy", configuration.overflowPolicy.rawValue)
    report.add("rss_baseline_mib", mebibytes(resident.baseline))
    report.add("rss_at_10_percent_mib", mebibytes(resident.tenth))
    report.add("rss_at_50_percent_mib", mebibytes(resident.half))
    report.add("rss_at_end_mib", mebibytes(resident.end))
    report.add("rss_growth_mib", mebibytes(resident.end - resident.baseline))
    // Flat means the second half of the starts added (next to) nothing.
    report.add("rss_growth_second_half_mib", mebibytes(resident.end - resident.half))
    report.add("bytes_per_open_scope", count > 0 ? Double((resident.end - resident.baseline) * 1024) / Double(count) : 0)
    report.add("spans_produced", produced)
    report.add("spans_delivered", sink.spans)
    report.add("delivered_fraction", produced > 0 ? Double(sink.spans) / Double(produced) : 0)
    report.add("fallback_file_spans", inFile)
    report.add("unaccounted_spans", unaccounted)
    report.add("bridge_unended", statistics.unendedScopes)
    report.add("produce_seconds", outcome.produceSeconds)
    report.add("drain_seconds", outcome.drainSeconds)
    report.add(
        "cpu_us_per_span", produced > 0 ? Double(outcome.usage.cpuMicroseconds - account.usageBefore.cpuMicroseconds) / Double(produced) : 0
    )
    report.add("peak_rss_mib", mebibytes(outcome.usage.maximumResidentKiB))
    report.add("call_p50_ns", outcome.receive.value(atQuantile: 0.50))
    report.add("call_p99_ns", outcome.receive.value(atQuantile: 0.99))
    report.emit()
    if unaccounted != 0 {
        printError("bridge-bench: \(unaccounted) spans are neither at the sink, in the fallback file nor counted dropped")
    }
    return unaccounted == 0 && account.fallbackSpans != nil ? 0 : 3
}
