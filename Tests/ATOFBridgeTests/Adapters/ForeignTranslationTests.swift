import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The routing of foreign lines (adapters.md §1.2) with an injected translator: detection,
/// lock-in, unknown lines, `--from`, SSE framing, `finish`, the offline spool and the live bridge.
@Suite struct ForeignTranslationTests {
    static let atofStart = BridgeInputTests.start
    static let atofEnd = BridgeInputTests.end
    static let stepStart = #"{"type":"data-step-start","step_id":"a","timestamp":1767225600000}"#
    static let childStart = #"{"type":"data-step-start","step_id":"b","parent_id":"a","timestamp":1767225601000}"#
    static let delta = #"{"type":"data-text-delta","id":"t"}"#
    static let childEnd = #"{"type":"data-step-end","step_id":"b","timestamp":1767225602000}"#
    static let stepEnd = #"{"type":"data-step-end","step_id":"a","timestamp":1767225603000}"#

    static func router(_ format: InputFormat = .auto) -> ForeignTranslation {
        ForeignTranslation(
            source: "in.jsonl", format: format, adapterTypes: [TestAdapter.self], fallbackTime: Timestamp(nanosecondsSinceEpoch: 7))
    }

    static func route(_ router: inout ForeignTranslation, _ lines: [String]) -> [AdapterOutput.Item] {
        var items: [AdapterOutput.Item] = []
        for (offset, line) in lines.enumerated() {
            guard let value = try? JSONParser.parse(line) else { continue }
            _ = router.route(value, line: offset + 1, into: &items)
        }
        return items
    }

    static func write(_ lines: [String], name: String) throws -> String {
        let path = ExportTestSupport.temporaryPath(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func convert(_ path: String, format: InputFormat = .auto) throws -> OfflineConversion {
        try OfflineConversion(
            path: path, mapper: SpanMapper(), input: InputOptions(format: format), planRunLength: 1 << 16, adapterTypes: [TestAdapter.self])
    }

    @Test("the detection table: ATOF first, then enact, agent-sdk, Open Responses and agtrace by their keys")
    func detection() throws {
        func detect(_ text: String) throws -> DetectedFormat { FormatDetector.detect(try JSONParser.parse(text)) }
        #expect(try detect(Self.atofStart) == .atof)
        #expect(try detect(#"{"kind":"ScopeStart","type":"data-step-start"}"#) == .atof)
        #expect(try detect(Self.stepStart) == .foreign(.enact))
        #expect(try detect(#"{"type":"data-custom","data":{}}"#) == .unknown)
        #expect(try detect(#"{"type":"data-error","data":{}}"#) == .foreign(.enact))
        #expect(
            try detect(#"{"event_id":"0190a000-0000-7000-8000-000000000001","sequence":0,"timestamp":"t","type":"start"}"#)
                == .foreign(.agentSDK))
        #expect(try detect(#"{"event_id":"x","sequence":0,"timestamp":"t","type":"start"}"#) == .unknown)
        #expect(try detect(#"{"type":"response.created"}"#) == .foreign(.openResponses))
        #expect(
            try detect(#"{"id":"1","session_id":"s","type":"user","content":{},"stream_id":{"stream_type":"main"}}"#) == .foreign(.agtrace))
        #expect(try detect(#"{"id":"1","session_id":"s","type":"user","content":{}}"#) == .unknown)
        #expect(try detect(#"{"type":"start"}"#) == .unknown)
        #expect(try detect("[1]") == .unknown)
        #expect(EnactAdapter.knownTypes.count == 39)
    }

    @Test("foreign lines are translated with their own state; ATOF lines go back to the caller; formats are counted")
    func routing() throws {
        var router = Self.router()
        var items: [AdapterOutput.Item] = []
        #expect(router.route(try JSONParser.parse(Self.stepStart), line: 1, into: &items) == .translated)
        #expect(router.route(try JSONParser.parse(Self.atofStart), line: 2, into: &items) == .atof)
        #expect(router.route(try JSONParser.parse(#"{"hello":1}"#), line: 3, into: &items) == .skipped)
        #expect(items.map(\.event.uuid) == ["test:a"])
        #expect(router.counts.foreign[.enact] == 1 && router.counts.atof == 1 && router.counts.unknown == 1)
        let messages = router.diagnostics.map(\.description)
        #expect(
            messages == [
                "in.jsonl:2: warning: ATOF line in an input that started as enact (line 1); both are read separately",
                "in.jsonl:3: error: " + FormatDetector.unknownLineMessage,
            ])
    }

    @Test("the switch warning comes once per format, at its first line")
    func oneSwitchWarning() throws {
        var router = Self.router()
        _ = Self.route(&router, [Self.atofStart, Self.stepStart, Self.childStart, Self.atofEnd])
        #expect(router.diagnostics.count == 1)
        #expect(router.diagnostics.first?.line == 2)
        #expect(router.diagnostics.first?.message.hasPrefix("enact line in an input that started as ATOF (line 1)") == true)
    }

    @Test("--from forces a format: other lines are errors saying so")
    func forcedFormat() throws {
        var router = Self.router(.enact)
        var items: [AdapterOutput.Item] = []
        #expect(router.route(try JSONParser.parse(Self.atofStart), line: 1, into: &items) == .skipped)
        #expect(router.diagnostics.first?.message == "expected enact event (set by --from); line skipped")
        #expect(router.route(try JSONParser.parse(Self.stepStart), line: 2, into: &items) == .translated)
    }

    @Test("a line of no known format has no translator: detected, reported, skipped")
    func formatWithoutTranslator() throws {
        var router = ForeignTranslation(source: "in", adapterTypes: [])
        var items: [AdapterOutput.Item] = []
        #expect(router.route(try JSONParser.parse(Self.stepStart), line: 1, into: &items) == .skipped)
        #expect(router.diagnostics.first?.severity == .error)
    }

    @Test("times: an event without one takes the nearest known time and is flagged; finish closes what is open")
    func finishAndInferredTimes() throws {
        var router = Self.router()
        var items = Self.route(&router, [Self.stepStart, Self.delta, Self.childStart])
        router.finish(into: &items)
        let mark = try #require(items.first { $0.event.kind == .mark })
        #expect(mark.event.timestamp.nanosecondsSinceEpoch == 1_767_225_600_000_000_000)
        #expect(mark.event.metadata?["adapter.inferred"] == ["start_time"])
        let ends = items.filter { $0.event.kind == .scopeEnd }
        #expect(ends.map(\.event.uuid) == ["test:b", "test:a"])
        #expect(ends.allSatisfy { $0.event.metadata?["adapter.inferred"] == ["end", "end_time"] })
    }

    @Test("SSE framing: data: stripped, other fields and comments skipped, [DONE] ends the stream")
    func sseFraming() {
        var framing = SSEFraming()
        func frame(_ line: String) -> String {
            Array(line.utf8).withUnsafeBufferPointer { bytes in
                switch framing.frame(bytes) {
                case .payload(let payload): String(decoding: payload, as: UTF8.self)
                case .skip: "<skip>"
                case .done: "<done>"
                }
            }
        }
        #expect(frame("") == "")
        #expect(frame("data: {\"a\":1}") == "{\"a\":1}")
        #expect(framing.isOn)
        #expect(frame("event: step") == "<skip>")
        #expect(frame("id: 4") == "<skip>")
        #expect(frame("retry: 10") == "<skip>")
        #expect(frame(": keep-alive") == "<skip>")
        #expect(frame("") == "<skip>")
        #expect(frame("data:{}") == "{}")
        #expect(frame("data: [DONE]") == "<done>")
        var plain = SSEFraming()
        let line = Array(#"{"kind":"mark"}"#.utf8)
        line.withUnsafeBufferPointer { bytes in
            if case .payload(let payload) = plain.frame(bytes) {
                #expect(payload.count == bytes.count)
            } else {
                Issue.record("not passed through")
            }
        }
        #expect(plain.isDecided && !plain.isOn)
    }

    @Test("offline: an SSE stream is translated, its spans carry the source format, diagnostics name the file's lines")
    func offlineSSE() throws {
        let lines = [
            "data: " + Self.stepStart, "", "event: x", "data: " + Self.childStart, "", "data: " + Self.delta, "",
            "data: {\"hello\":1}", "", "data: " + Self.childEnd, "", "data: " + Self.stepEnd, "", "data: [DONE]",
        ]
        let path = try Self.write(lines, name: "stream.sse")
        defer { unlink(path) }
        let conversion = try Self.convert(path)
        let spans = conversion.spans
        #expect(spans.map(\.name).sorted() == ["step a", "step b"])
        #expect(spans.allSatisfy { $0[attribute: "atof.source.format"] == .string("enact") })
        #expect(spans.allSatisfy { span in !span.attributes.contains { $0.key.hasPrefix("atof.metadata.adapter") } })
        let child = try #require(spans.first { $0.name == "step b" })
        let parent = try #require(spans.first { $0.name == "step a" })
        #expect(child.parentSpanID == parent.spanID)
        #expect(conversion.badLineCount == 1)
        #expect(conversion.diagnostics.map(\.line) == [8])
        #expect(conversion.diagnostics.first?.source == path)
        #expect(conversion.formatCounts.foreign[.enact] == 5 && conversion.formatCounts.unknown == 1)
        #expect(conversion.lastLineRead == lines.count)
    }

    @Test("the translation is handed over in whole lines: every chunk ends with a line break, together they are the lines")
    func translationChunksAreWholeLines() throws {
        let count = 3 * 1_048_576 / (Self.atofStart.utf8.count + 1) + 1  // about 3 MiB: several spool chunks
        let path = try Self.write(Array(repeating: Self.atofStart, count: count), name: "many.jsonl")
        defer { unlink(path) }
        var chunks: [[UInt8]] = []
        try ATOFTranslation(path: path).forEachChunk { chunks.append($0) }
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.last == 0x0A })
        #expect(Array(chunks.joined()) == Array(String(repeating: Self.atofStart + "\n", count: count).utf8))
    }

    @Test("offline: scopes implied but never closed end at the end of input, flagged; --from atof detects nothing")
    func offlineFinishAndForcedATOF() throws {
        let path = try Self.write([Self.stepStart, Self.childStart, Self.childEnd], name: "open.jsonl")
        defer { unlink(path) }
        let spans = try Self.convert(path).spans
        let root = try #require(spans.first { $0.name == "step a" })
        #expect(root[attribute: "atof.inferred"] == .stringArray(["end", "end_time"]))
        #expect(root.endTimeUnixNano == 1_767_225_602_000_000_000)
        let forced = try Self.convert(path, format: .atof)
        #expect(forced.spanCount == 0 && forced.badLineCount == 3)
        #expect(forced.formatCounts.atof == 3)
    }

    @Test("offline: ATOF and foreign lines in one file are both read, the ATOF lines unchanged")
    func offlineMixed() throws {
        let path = try Self.write([Self.atofStart, Self.stepStart, Self.stepEnd, Self.atofEnd], name: "mixed.jsonl")
        defer { unlink(path) }
        let conversion = try Self.convert(path)
        let spans = conversion.spans
        #expect(spans.count == 2)
        let atof = try #require(spans.first { $0.name == "planner" })
        #expect(atof[attribute: "atof.source.format"] == nil)
        #expect(conversion.warningCount == 1)
        #expect(conversion.diagnostics.first?.line == 2)
        #expect(conversion.formatCounts.atof == 2 && conversion.formatCounts.foreign[.enact] == 2)
    }

    @Test("the live bridge gives the spans the offline conversion gives, and finishes at shutdown")
    func liveEqualsOffline() throws {
        let lines = [Self.stepStart, Self.childStart, Self.delta, Self.childEnd]
        let path = try Self.write(lines, name: "live.jsonl")
        defer { unlink(path) }
        let offline = try Self.convert(path).spans
        let exporter = RecordingExporter()
        let bridge = Bridge(
            configuration: ExportTestSupport.configuration(url: "http://127.0.0.1:9/v1/traces"), exporter: exporter, fallbackFile: nil,
            logger: CapturedLogs().logger(), adapterTypes: [TestAdapter.self])
        for (offset, line) in lines.enumerated() { #expect(bridge.receive(jsonLine: Array(line.utf8), line: offset + 1, source: path)) }
        #expect(!bridge.receive(jsonLine: Array(Self.atofStart.utf8), format: .enact, line: 5, source: path))
        bridge.shutdown(timeout: .seconds(5))
        func key(_ span: OTLP.Span) -> String {
            "\(span.name) \(span.spanID) \(span.parentSpanID.map { "\($0)" } ?? "-") \(span.startTimeUnixNano) \(span.endTimeUnixNano) \(span.events.count)"
        }
        #expect(exporter.exportedSpans.map(key).sorted() == offline.map(key).sorted())
        #expect(offline.count == 2)
    }

    @Test("the bridge reads an SSE stream line by line; [DONE] finishes the stream's translators")
    func liveSSE() {
        let exporter = RecordingExporter()
        let bridge = Bridge(
            configuration: ExportTestSupport.configuration(url: "http://127.0.0.1:9/v1/traces"), exporter: exporter, fallbackFile: nil,
            logger: CapturedLogs().logger(), adapterTypes: [TestAdapter.self])
        for line in ["data: " + Self.stepStart, "", "event: x", "data: [DONE]"] { #expect(bridge.receive(jsonLine: Array(line.utf8))) }
        bridge.forceFlush(timeout: .seconds(5))
        #expect(exporter.exportedSpans.map(\.name) == ["step a"])
        bridge.shutdown(timeout: .seconds(5))
    }

    @Test("mapping: the translators' metadata keys become atof.source.format and atof.inferred (start and end joined)")
    func mapping() {
        var builder = AttributeBuilder()
        let start: JSONValue = ["adapter.format": "agtrace", "adapter.inferred": ["start_time"], "session_id": "s"]
        let end: JSONValue = ["adapter.format": "agtrace", "adapter.inferred": ["end_time"]]
        var metadata = SpanMapper.mergedMetadata(start: start, end: end)
        SpanMapper.writeSourceFormat(start: start, end: end, metadata: &metadata, into: &builder)
        #expect(metadata == ["session_id": "s"])
        var untouched: JSONValue? = ["session_id": "s"]
        SpanMapper.writeSourceFormat(start: untouched, end: nil, metadata: &untouched, into: &builder)
        #expect(untouched == ["session_id": "s"])
    }
}
