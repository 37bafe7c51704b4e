import ATOF
import ATOFBridge
import BenchSupport

/// One timed run: turns made on the fly and fed to `bridge.receive` from this thread, then
/// `shutdown()`; latencies, CPU, RSS and the sink's count around it.
struct BridgeRun {
    struct Outcome {
        var turns = 0
        var produceSeconds = 0.0
        var drainSeconds = 0.0
        var usage = ResourceUsage.now()
        var receive = LatencyHistogram()
        var turn = LatencyHistogram()
        var statistics: Bridge.Statistics
    }

    let bridge: Bridge
    let factory: TurnEvents
    let turns: Int
    let shutdownTimeout: Duration

    func run() -> Outcome {
        var outcome = Outcome(statistics: bridge.statistics)
        var events: [Event] = []
        events.reserveCapacity(AgentWorkload.eventsPerTurn)
        let start = monotonicNanoseconds()
        for turn in 0..<turns {
            factory.make(turn: turn, into: &events)
            let turnStart = monotonicNanoseconds()
            var before = turnStart
            for event in events {
                bridge.receive(event)
                let after = monotonicNanoseconds()
                outcome.receive.record(after &- before)
                before = after
            }
            outcome.turn.record(before &- turnStart)
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

    /// CPU microseconds spent making `turns` turns of events and nothing else (subtracting it is
    /// left to the reader; it is reported next to the totals).
    static func generationCost(factory: TurnEvents, turns: Int) -> Double {
        var events: [Event] = []
        events.reserveCapacity(AgentWorkload.eventsPerTurn)
        let before = ResourceUsage.now()
        var checksum = 0
        for turn in 0..<turns {
            factory.make(turn: turn, into: &events)
            checksum &+= events.count
        }
        let after = ResourceUsage.now()
        precondition(checksum == turns * AgentWorkload.eventsPerTurn)
        return Double(after.cpuMicroseconds - before.cpuMicroseconds)
    }
}
