import ATOFBridge
import BenchSupport

/// What the sink and the fallback file say about one run: the other half of the account that
/// the bridge's own statistics give.
struct SinkAccount {
    /// The sink's counts over the run.
    var sink: SinkStats
    /// Spans counted in the fallback file; `nil` when it could not be read.
    var fallbackSpans: Int?
    /// The process's usage just before the run.
    var usageBefore: ResourceUsage

    /// Spans neither at the sink, nor in the file, nor counted dropped by the bridge.
    func unaccounted(_ statistics: Bridge.Statistics) -> Int {
        statistics.spansProduced - sink.spans - max(0, fallbackSpans ?? 0) - statistics.spansDropped
    }

    /// Makes a bridge for `configuration` and runs `body` on it between two readings of the
    /// sink's counts; then counts (and unless `keep`, removes) the fallback file. `nil`, after
    /// saying why on standard error, when the sink does not answer or the bridge cannot be made.
    static func measure<Outcome>(
        configuration: Bridge.Configuration, endpoint: HTTPEndpoint, fallbackPath: String, keep: Bool,
        _ body: (Bridge) -> Outcome
    ) -> (outcome: Outcome, account: SinkAccount)? {
        guard let before = SinkStats.fetch(from: endpoint) else {
            printError("bridge-bench: no otlp-sink answering GET /stats at \(endpoint)")
            return nil
        }
        let bridge: Bridge
        do {
            bridge = try Bridge(configuration: configuration)
        } catch {
            printError("bridge-bench: cannot create the bridge: \(error)")
            return nil
        }
        let usageBefore = ResourceUsage.now()
        let outcome = body(bridge)
        guard let after = SinkStats.fetch(from: endpoint) else {
            printError("bridge-bench: the sink stopped answering")
            return nil
        }
        let fallbackSpans = FallbackFile.countSpans(at: fallbackPath)
        if !keep { FallbackFile.remove(fallbackPath) }
        if fallbackSpans == nil { printError("bridge-bench: cannot read the fallback file \(fallbackPath)") }
        return (outcome, SinkAccount(sink: after.since(before), fallbackSpans: fallbackSpans, usageBefore: usageBefore))
    }
}
