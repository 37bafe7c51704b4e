import ATOFBridge
import BenchSupport

/// One timed equal-content run: `EqualContentSpans` turns made on the fly, each span handed to
/// `bridge.receive(spans:)` from this thread as it ends, then `shutdown()`. The call latency is
/// the leaf span's (made and handed over), as otel-bench's is one leaf `withSpan`.
struct EqualContentRun {
    let bridge: Bridge
    let spans: EqualContentSpans
    let turns: Int
    let shutdownTimeout: Duration

    func run() -> BridgeRun.Outcome {
        var outcome = BridgeRun.Outcome(statistics: bridge.statistics)
        let start = monotonicNanoseconds()
        for turn in 0..<turns {
            let turnStart = monotonicNanoseconds()
            spans.run(
                turn: turn, emit: { bridge.receive(spans: CollectionOfOne($0)) },
                leaf: { outcome.receive.record($0) })
            outcome.turn.record(monotonicNanoseconds() &- turnStart)
        }
        let produced = monotonicNanoseconds()
        outcome.statistics = bridge.shutdown(timeout: shutdownTimeout)
        let drained = monotonicNanoseconds()
        outcome.usage = ResourceUsage.now()
        outcome.turns = turns
        outcome.produceSeconds = seconds(from: start, to: produced)
        outcome.drainSeconds = seconds(from: produced, to: drained)
        return outcome
    }

    /// CPU microseconds spent making `turns` turns' per-turn values (uuids) and nothing else, as
    /// otel-bench calibrates.
    static func generationCost(turns: Int) -> Double {
        let before = ResourceUsage.now()
        var checksum = 0
        for turn in 0..<turns {
            let ids = AgentWorkload.uuids(ofTurn: turn)
            checksum &+= ids.agent.utf8.count + ids.tool2.utf8.count + turn % AgentWorkload.payloadVariants
        }
        let after = ResourceUsage.now()
        precondition(checksum > 0 || turns == 0)
        return Double(after.cpuMicroseconds - before.cpuMicroseconds)
    }
}
