import ATOF
import Testing

@testable import ATOFBridge

@Suite("Trace sampling: the sampler rule, the environment, offline and live")
struct SamplingTests {
    typealias E = TestEvents

    /// Pseudo-random trace ids from a fixed seed (SplitMix64), the same on every run.
    static func traceIDs(_ count: Int, seed: UInt64 = 13) -> [OTLP.TraceID] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<count).map { _ in OTLP.TraceID(high: next(), low: next()) }
    }

    /// The canonical UUID text whose 16 bytes are `id` (a root with this uuid starts trace `id`).
    static func uuid(_ id: OTLP.TraceID) -> String {
        let hex = [id.high, id.low].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        let cuts = [8, 12, 16, 20]
        var text = ""
        for (offset, character) in hex.enumerated() {
            if cuts.contains(offset) { text.append("-") }
            text.append(character)
        }
        return text
    }

    static func ratio(_ value: Double) -> SamplingConfiguration {
        SamplingConfiguration(sampler: .traceIDRatio, ratio: value)
    }

    // MARK: The ratio rule

    @Test("ratio 0 keeps no trace, ratio 1 every trace, 0.5 about half, the same way on every call")
    func ratioDecisions() {
        let ids = Self.traceIDs(10_000)
        #expect(ids.allSatisfy { !Self.ratio(0).isSampled(traceID: $0, remoteParentSampled: nil) })
        #expect(ids.allSatisfy { Self.ratio(1).isSampled(traceID: $0, remoteParentSampled: nil) })
        let half = ids.map { Self.ratio(0.5).isSampled(traceID: $0, remoteParentSampled: nil) }
        let kept = half.count { $0 }
        #expect(kept > 4_700 && kept < 5_300)
        #expect(Self.traceIDs(10_000).map { Self.ratio(0.5).isSampled(traceID: $0, remoteParentSampled: nil) } == half)
    }

    @Test("a trace kept at one ratio is kept at every larger ratio")
    func ratioIsMonotone() {
        for id in Self.traceIDs(2_000) where Self.ratio(0.3).isSampledByRatio(id) {
            #expect(Self.ratio(0.5).isSampledByRatio(id))
        }
    }

    @Test("the rule compares the trace id's lowest 56 bits with 2^56 - ratio x 2^56; the higher bits do not count")
    func exactRule() {
        let half = Self.ratio(0.5)
        #expect(half.isSampledByRatio(OTLP.TraceID(high: 0, low: 1 << 55)))
        #expect(!half.isSampledByRatio(OTLP.TraceID(high: .max, low: (1 << 55) - 1)))
        #expect(!half.isSampledByRatio(OTLP.TraceID(high: 0, low: 0xFF00_0000_0000_0001)))
        #expect(Self.ratio(0.25).threshold == 3 << 54)
    }

    @Test("parent-based samplers follow the remote parent's flag and otherwise the root sampler")
    func parentBased() {
        let id = OTLP.TraceID(high: 1, low: 1)  // sampled out by any ratio below 1
        let on = SamplingConfiguration(sampler: .parentBasedAlwaysOn)
        let off = SamplingConfiguration(sampler: .parentBasedAlwaysOff)
        let ratio = SamplingConfiguration(sampler: .parentBasedTraceIDRatio, ratio: 0.5)
        #expect(on.isSampled(traceID: id, remoteParentSampled: nil))
        #expect(!on.isSampled(traceID: id, remoteParentSampled: false))
        #expect(!off.isSampled(traceID: id, remoteParentSampled: nil))
        #expect(off.isSampled(traceID: id, remoteParentSampled: true))
        #expect(!ratio.isSampled(traceID: id, remoteParentSampled: nil))
        #expect(ratio.isSampled(traceID: id, remoteParentSampled: true))
        #expect(SamplingConfiguration.remoteParentSampled(flags: 0x301) == true)
        #expect(SamplingConfiguration.remoteParentSampled(flags: 0x300) == false)
        #expect(SamplingConfiguration.remoteParentSampled(flags: 0x101) == nil)
    }

    // MARK: Environment

    @Test("the sampler variables are read, any case, and the default keeps everything")
    func environment() {
        var warnings: [String] = []
        let read = SamplingConfiguration.fromEnvironment(
            ["OTEL_TRACES_SAMPLER": "ParentBased_TraceIdRatio", "OTEL_TRACES_SAMPLER_ARG": " 0.25 ", "ATOF_BRIDGE_KEEP_ERRORS": "off"],
            warnings: &warnings)
        #expect(read == SamplingConfiguration(sampler: .parentBasedTraceIDRatio, ratio: 0.25, keepErrors: false))
        #expect(warnings.isEmpty)
        #expect(SamplingConfiguration.fromEnvironment([:], warnings: &warnings) == SamplingConfiguration())
        #expect(SamplingConfiguration().keepsEverything)
        #expect(Bridge.Configuration().sampling == SamplingConfiguration(sampler: .alwaysOn, ratio: 1, keepErrors: true))
    }

    @Test("invalid sampler values warn, naming the variable, and leave the defaults")
    func environmentWarnings() {
        let configuration = Bridge.Configuration.fromEnvironment([
            "OTEL_TRACES_SAMPLER": "sometimes", "OTEL_TRACES_SAMPLER_ARG": "1.5", "ATOF_BRIDGE_KEEP_ERRORS": "maybe",
        ])
        #expect(configuration.sampling == SamplingConfiguration())
        #expect(configuration.warnings.contains { $0.hasPrefix("OTEL_TRACES_SAMPLER=\"sometimes\" is not one of always_on, always_off") })
        #expect(configuration.warnings.contains("OTEL_TRACES_SAMPLER_ARG=\"1.5\" is not a number from 0 to 1; using the default 1.0"))
        #expect(configuration.warnings.contains { $0.hasPrefix("ATOF_BRIDGE_KEEP_ERRORS=\"maybe\"") })
        var warnings: [String] = []
        _ = SamplingConfiguration.fromEnvironment(["OTEL_TRACES_SAMPLER_ARG": "nan"], warnings: &warnings)
        #expect(warnings.count == 1)
    }

    // MARK: Offline: a whole file

    /// Two traces: "ok" (root + child) and "bad" (root + a child that fails); `context` goes on
    /// the "ok" root's metadata.
    static func twoTraces(context: JSONValue? = nil) -> [Event] {
        [
            E.start("ok", at: 0, metadata: context), E.start("ok-child", parent: "ok", at: 1), E.end("ok-child", parent: "ok", at: 2),
            E.end("ok", at: 3),
            E.start("bad", at: 4), E.start("bad-child", parent: "bad", at: 5),
            E.end("bad-child", parent: "bad", at: 6, metadata: ["otel.status_code": "ERROR"]), E.end("bad", at: 7),
        ]
    }

    static func offline(_ events: [Event], _ sampling: SamplingConfiguration) -> (names: Set<String>, sampledOut: Int) {
        var conversion = OfflineConversion(events: E.sourced(events), mapper: SpanMapper())
        conversion.sample(sampling)
        return (Set(conversion.spans.map(\.name)), conversion.sampledOutCount)
    }

    @Test("offline, a sampled-out trace is left out whole and counted; an error trace is kept whole")
    func offlineKeepErrors() {
        let kept = Self.offline(Self.twoTraces(), SamplingConfiguration(sampler: .alwaysOff))
        #expect(kept.names == ["bad", "bad-child"])
        #expect(kept.sampledOut == 2)
        let none = Self.offline(Self.twoTraces(), SamplingConfiguration(sampler: .alwaysOff, keepErrors: false))
        #expect(none.names.isEmpty)
        #expect(none.sampledOut == 4)
        let all = Self.offline(Self.twoTraces(), SamplingConfiguration())
        #expect(all.names.count == 4 && all.sampledOut == 0)
    }

    @Test("offline, a root's traceparent decides its whole trace under parent-based samplers")
    func offlineParentBased() {
        let unsampled: JSONValue = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"]
        let sampled: JSONValue = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
        let noErrors = { (sampler: TraceSampler) in SamplingConfiguration(sampler: sampler, keepErrors: false) }
        #expect(Self.offline(Self.twoTraces(context: unsampled), noErrors(.parentBasedAlwaysOn)).names == ["bad", "bad-child"])
        #expect(Self.offline(Self.twoTraces(context: sampled), noErrors(.parentBasedAlwaysOff)).names == ["ok", "ok-child"])
        #expect(Self.offline(Self.twoTraces(), noErrors(.parentBasedAlwaysOff)).names.isEmpty)
    }

    @Test("offline sampling at ratio 0.5 keeps the same whole traces on every run")
    func offlineRatioIsStable() {
        var events: [Event] = []
        for (index, id) in Self.traceIDs(200).enumerated() {
            let root = Self.uuid(id)
            let child = "child-\(index)"
            events += [
                E.start(root, at: Double(index)), E.start(child, parent: root, at: Double(index) + 0.1),
                E.end(child, parent: root, at: Double(index) + 0.2), E.end(root, at: Double(index) + 0.3),
            ]
        }
        let first = Self.offline(events, Self.ratio(0.5))
        #expect(first == Self.offline(events, Self.ratio(0.5)))
        #expect(first.sampledOut > 100 && first.sampledOut < 300)
        #expect(first.sampledOut % 2 == 0)
        for (index, id) in Self.traceIDs(200).enumerated() {
            #expect(first.names.contains("child-\(index)") == first.names.contains(Self.uuid(id)))
            #expect(first.names.contains(Self.uuid(id)) == Self.ratio(0.5).isSampledByRatio(id))
        }
    }

    // MARK: Live: the Bridge

    static func live(_ events: [Event], _ sampling: SamplingConfiguration) -> (names: [String], statistics: Bridge.Statistics) {
        var configuration = Bridge.Configuration()
        configuration.sampling = sampling
        let exporter = RecordingExporter()
        let bridge = Bridge(configuration: configuration, exporter: exporter)
        for event in events { bridge.receive(event) }
        let statistics = bridge.shutdown()
        return (exporter.exportedSpans.map(\.name).sorted(), statistics)
    }

    @Test("live, an error span of a sampled-out trace and the later spans of its trace are kept, the rest counted")
    func liveKeepErrors() {
        let events: [Event] = [
            E.start("root", at: 0), E.start("early", parent: "root", at: 1), E.end("early", parent: "root", at: 2),
            E.start("failing", parent: "root", at: 3), E.end("failing", parent: "root", at: 4, metadata: ["otel.status_code": "ERROR"]),
            E.start("late", parent: "root", at: 5), E.end("late", parent: "root", at: 6), E.end("root", at: 7),
        ]
        let kept = Self.live(events, SamplingConfiguration(sampler: .alwaysOff))
        #expect(kept.names == ["failing", "late", "root"])
        #expect(kept.statistics.spansSampledOut == 1)
        #expect(kept.statistics.spansProduced == 4)
        #expect(kept.statistics.spansExported == 3)
        let none = Self.live(events, SamplingConfiguration(sampler: .alwaysOff, keepErrors: false))
        #expect(none.names.isEmpty)
        #expect(none.statistics.spansSampledOut == 4)
        #expect(none.statistics.description.contains("4 sampled out"))
    }

    @Test("live, a root's traceparent decides the children that end before it")
    func liveParentBased() {
        for flags in ["00", "01"] {
            let context: JSONValue = ["traceparent": .string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\(flags)")]
            let events = [
                E.start("root", at: 0, metadata: context), E.start("child", parent: "root", at: 1), E.end("child", parent: "root", at: 2),
                E.end("root", at: 3),
            ]
            let kept = Self.live(events, SamplingConfiguration(sampler: .parentBasedAlwaysOn))
            #expect(kept.names == (flags == "01" ? ["child", "root"] : []))
            #expect(kept.statistics.spansSampledOut == (flags == "01" ? 0 : 2))
        }
    }

    @Test("live and offline agree on which traces a ratio keeps")
    func liveMatchesOffline() {
        var events: [Event] = []
        for (index, id) in Self.traceIDs(100, seed: 7).enumerated() {
            let root = Self.uuid(id)
            events += [E.start(root, at: Double(index)), E.end(root, at: Double(index) + 0.5)]
        }
        let live = Self.live(events, Self.ratio(0.5))
        let offline = Self.offline(events, Self.ratio(0.5))
        #expect(Set(live.names) == offline.names)
        #expect(live.statistics.spansSampledOut == offline.sampledOut)
    }
}
