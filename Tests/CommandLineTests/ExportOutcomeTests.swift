import ATOFBridge
import Testing

@testable import atof_bridge

@Suite("export's closing summary and exit status")
struct ExportOutcomeTests {
    private func outcome(
        exported: Int = 0,
        inFallback: Int = 0,
        failed: Int = 0,
        queued: Int = 0,
        notHanded: Int = 0,
        readToEnd: Bool = true,
        interruption: String? = nil
    ) -> ExportOutcome {
        var statistics = Bridge.Statistics()
        statistics.spansExported = exported
        statistics.spansInFallback = inFallback
        statistics.spansFailed = failed
        statistics.spansQueued = queued
        statistics.spansProduced = exported + inFallback + failed + queued
        var input = InputAccount(source: "run.jsonl")
        input.events = 40
        input.lastLine = 40
        input.readToEnd = readToEnd
        input.spansNotHanded = notHanded
        return ExportOutcome(input: input, statistics: statistics, fallbackPath: "fb.jsonl", interruption: interruption)
    }

    @Test("every span delivered: exit 0")
    func allDelivered() {
        #expect(outcome(exported: 10).exitStatus(interruptedStatus: 130) == nil)
    }

    @Test("spans sampled out are counted in the summary and leave exit 0 when the rest was delivered")
    func sampledOut() {
        var offline = outcome(exported: 6)
        offline.input.isSampling = true
        offline.input.spansSampledOut = 4
        #expect(offline.spans == 10)
        #expect(offline.exitStatus(interruptedStatus: 130) == nil)
        #expect(offline.summaryLines.contains { $0.hasPrefix("10 spans: 6 exported,") && $0.contains("0 lost, 4 sampled out;") })
        var live = outcome(exported: 6)
        live.input.isSampling = true
        live.statistics.spansSampledOut = 3
        live.statistics.spansProduced = 9
        #expect(live.exitStatus(interruptedStatus: 130) == nil)
        #expect(live.summaryLines.contains { $0.hasPrefix("9 spans:") && $0.contains("3 sampled out") })
        #expect(!outcome(exported: 6).summaryLines.contains { $0.contains("sampled out") })
    }

    @Test("the rest in the fallback file: exit 2 and the replay hint")
    func restInTheFile() {
        let result = outcome(exported: 6, inFallback: 4)
        #expect(result.exitStatus(interruptedStatus: 130) == 2)
        #expect(result.summaryLines.contains { $0.contains("atof-bridge replay fb.jsonl") })
    }

    @Test("spans still queued or never handed over count as lost: exit 1, even when interrupted")
    func lostSpans() {
        let result = outcome(exported: 6, inFallback: 2, queued: 1, notHanded: 3, interruption: "SIGINT")
        #expect(result.lost == 4)
        #expect(result.spans == 12)
        #expect(result.exitStatus(interruptedStatus: 130) == 1)
        #expect(result.summaryLines.contains { $0.hasPrefix("12 spans: 6 exported, 2 in the fallback file") && $0.contains("4 lost") })
    }

    @Test("a signal before the input ended: 128 + the signal, and the line reached is named")
    func interruptedReading() {
        let result = outcome(exported: 3, readToEnd: false, interruption: "SIGTERM")
        #expect(result.exitStatus(interruptedStatus: 143) == 143)
        #expect(result.summaryLines.first?.contains("interrupted by SIGTERM after line 40 of run.jsonl") == true)
    }

    @Test("a signal after the whole input was read: the usual status, and the stop is said")
    func interruptedAfterReading() {
        let result = outcome(exported: 3, inFallback: 5, interruption: "SIGINT")
        #expect(result.exitStatus(interruptedStatus: 130) == 2)
        #expect(result.summaryLines.first?.hasPrefix("stopped by SIGINT") == true)
    }
}
