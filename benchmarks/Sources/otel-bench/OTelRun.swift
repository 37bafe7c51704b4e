import BenchSupport
import Logging
import ServiceLifecycle
import Synchronization

/// One timed run: swift-otel's service running in a `ServiceGroup`, the turns produced from one
/// dedicated thread with `withSpan`, then a graceful shutdown whose drain is waited for (bounded).
struct OTelRun {
    struct Outcome: Sendable {
        var turns = 0
        var produceSeconds = 0.0
        var drainSeconds = 0.0
        var drainTimedOut = false
        var leaf = LatencyHistogram()
        var turn = LatencyHistogram()
        var usage = ResourceUsage.now()
    }

    let service: any Service
    let spans: TurnSpans
    let turns: Int
    let drainTimeout: Double

    func run() async -> Outcome {
        let group = ServiceGroup(services: [service], logger: Logger(label: "otel-bench"))
        let finished = Atomic<Bool>(false)
        let runner = Task.detached {
            do {
                try await group.run()
            } catch {
                printError("otel-bench: the service group ended with \(error)")
            }
            finished.store(true, ordering: .releasing)
        }
        var outcome = await produce()
        let produced = monotonicNanoseconds()
        await group.triggerGracefulShutdown()
        let deadline = produced + UInt64(drainTimeout * 1e9)
        while !finished.load(ordering: .acquiring) {
            if monotonicNanoseconds() > deadline {
                outcome.drainTimedOut = true
                break
            }
            try? await Task.sleep(for: .milliseconds(1))
        }
        let drained = monotonicNanoseconds()
        outcome.usage = ResourceUsage.now()
        outcome.drainSeconds = seconds(from: produced, to: drained)
        if !outcome.drainTimedOut { _ = await runner.value }
        return outcome
    }

    /// Runs every turn on a new thread (the producer), like the bridge benchmark's producer.
    private func produce() async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let started = startDetachedThread { [spans, turns] in
                var outcome = Outcome()
                let start = monotonicNanoseconds()
                for turn in 0..<turns {
                    let turnStart = monotonicNanoseconds()
                    spans.run(turn: turn) { outcome.leaf.record($0) }
                    outcome.turn.record(monotonicNanoseconds() &- turnStart)
                }
                outcome.turns = turns
                outcome.produceSeconds = seconds(from: start, to: monotonicNanoseconds())
                continuation.resume(returning: outcome)
            }
            if !started {
                printError("otel-bench: cannot start the producer thread")
                continuation.resume(returning: Outcome())
            }
        }
    }

    /// CPU microseconds spent making `turns` turns' per-turn values (uuids) and nothing else.
    static func generationCost(spans: TurnSpans, turns: Int) -> Double {
        let before = ResourceUsage.now()
        var checksum = 0
        for turn in 0..<turns {
            let values = spans.values(ofTurn: turn)
            checksum &+= values.ids.agent.utf8.count + values.ids.tool2.utf8.count + values.variant
        }
        let after = ResourceUsage.now()
        precondition(checksum > 0 || turns == 0)
        return Double(after.cpuMicroseconds - before.cpuMicroseconds)
    }
}
