import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The agent-sdk example files (Tests/Fixtures/foreign/agent-sdk): each translates to its golden
/// ATOF lines, and its events pair and map into the spans its hand-written `.spans.json` lists.
@Suite struct AgentSDKFixtureTests {
    typealias F = AgentSDKFixtures

    @Test("each example file translates to its golden ATOF 0.2 lines", arguments: F.translatedFiles)
    func translationMatchesTheGolden(_ name: String) throws {
        let lines = try F.translate(file: name).events.map(\.jsonLine)
        let path = "\(F.directory)/\(name).atof.jsonl"
        if ProcessInfo.processInfo.environment["ATOF_BRIDGE_UPDATE_GOLDENS"] == "1" {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let golden = try F.lines(of: name, extension: "atof.jsonl")
        #expect(lines.count == golden.count)
        for (index, (line, expected)) in zip(lines, golden).enumerated() {
            #expect(
                line == expected,
                "\(name).atof.jsonl:\(index + 1) differs; after reviewing the change, regenerate with ATOF_BRIDGE_UPDATE_GOLDENS=1 swift test --filter AgentSDKFixtureTests"
            )
        }
    }

    /// One entry of a `.spans.json` file.
    struct ExpectedSpan {
        var key: String
        var name: String
        var parent: String?
        var kind: Int64
        var statusCode: Int64
        var attributes: JSONObject
        var inferred: [String]

        init(_ value: JSONValue) throws {
            key = try #require(value["key"]?.stringValue)
            name = try #require(value["name"]?.stringValue)
            parent = value["parent"]?.stringValue
            kind = try #require(value["kind"]?.int64Value)
            statusCode = try #require(value["statusCode"]?.int64Value)
            attributes = value["attributes"]?.objectValue ?? JSONObject()
            inferred = value["inferred"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
    }

    /// The spans of an example file: agent-sdk lines through the adapter, the time pass, the
    /// assembler and the mapper; a line of another format (`mixed.jsonl`) is decoded as ATOF.
    static func spans(of name: String) throws -> [OTLP.Span] {
        var agentLines: [String] = []
        var events: [SourcedEvent] = []
        for (offset, line) in try F.lines(of: name).enumerated() {
            let object = try #require(try JSONParser.parse(line).objectValue)
            if AgentSDKAdapter.recognizes(object) {
                agentLines.append(line)
            } else if case .event(let event, _) = try Event.decode(line: Array(line.utf8)) {
                events.append(SourcedEvent(event, line: offset + 1))
            }
        }
        events += try F.translate(agentLines).items.map { SourcedEvent($0.event, line: $0.line) }
        return SpanAssembler().assemble(events).items.map(span)
    }

    /// The span of an assembled scope or orphan mark.
    static func span(_ item: AssembledItem) -> OTLP.Span {
        switch item {
        case .scope(let scope): SpanMapper().span(for: scope)
        case .orphanMark(let orphan): SpanMapper().span(for: orphan)
        }
    }

    /// What must agree between the live and the offline spans of an input.
    struct SpanShape: Hashable {
        var name: String
        var spanID: OTLP.SpanID
        var parentSpanID: OTLP.SpanID?
        var traceID: OTLP.TraceID
        var status: OTLP.SpanStatus
        var eventNames: [String]

        init(_ span: OTLP.Span) {
            name = span.name
            spanID = span.spanID
            parentSpanID = span.parentSpanID
            traceID = span.traceID
            status = span.status
            eventNames = span.events.map(\.name)
        }
    }

    @Test(
        "events fed in emission order to the live assembler give the offline spans (ids, parents, traces, status, events)",
        arguments: F.translatedFiles)
    func liveAssemblyGivesTheOfflineSpans(_ name: String) throws {
        let items = try F.translate(file: name).items
        var live = LiveSpanAssembler()
        var liveSpans = items.flatMap { live.receive(SourcedEvent($0.event, line: $0.line)) }.map(Self.span)
        liveSpans += live.finish().map(Self.span)
        let offline = try Self.spans(of: name)
        #expect(Set(liveSpans.map(SpanShape.init)) == Set(offline.map(SpanShape.init)))
        #expect(liveSpans.count == offline.count)
    }

    /// An attribute of `span`. Until the mapper writes the contract's `atof.source.format` and
    /// `atof.inferred` (adapters.md §7), they are read from `atof.metadata.adapter.*`.
    static func attribute(_ key: String, of span: OTLP.Span) -> OTLP.AttributeValue? {
        if let value = span[attribute: key] { return value }
        switch key {
        case "atof.source.format":
            return span[attribute: "atof.metadata.\(AdapterMetadataKey.format)"]
        case "atof.inferred":
            guard case .string(let text)? = span[attribute: "atof.metadata.\(AdapterMetadataKey.inferred)"],
                let values = (try? JSONParser.parse(text))?.arrayValue
            else { return nil }
            return .stringArray(values.compactMap(\.stringValue))
        default:
            return nil
        }
    }

    static func matches(_ value: OTLP.AttributeValue?, _ expected: JSONValue) -> Bool {
        switch (value, expected) {
        case (.string(let actual)?, .string(let wanted)): actual == wanted
        case (.int(let actual)?, .number(let wanted)): wanted.int64Value == actual
        case (.double(let actual)?, .number(let wanted)): wanted.doubleValue == actual
        case (.bool(let actual)?, .bool(let wanted)): actual == wanted
        case (.stringArray(let actual)?, .array(let wanted)): actual == wanted.compactMap(\.stringValue) && actual.count == wanted.count
        case (nil, .null): true
        default: false
        }
    }

    @Test(
        "each example file gives the spans its hand-written expectations list: names, parents, kinds, status, attributes, inferred fields",
        arguments: F.translatedFiles + ["mixed"])
    func spansMatchTheExpectations(_ name: String) throws {
        let spans = try Self.spans(of: name)
        let document = try JSONParser.parse(String(contentsOfFile: "\(F.directory)/\(name).spans.json", encoding: .utf8))
        let expected = try (document["spans"]?.arrayValue ?? []).map(ExpectedSpan.init)
        #expect(spans.count == expected.count, "\(name): \(spans.map(\.name))")
        var matched: [String: OTLP.Span] = [:]
        for entry in expected {
            let candidates = spans.filter { span in
                span.name == entry.name && entry.attributes.allSatisfy { Self.matches(Self.attribute($0.key, of: span), $0.value) }
            }
            #expect(candidates.count == 1, "\(name): \(entry.key) matches \(candidates.count) spans")
            if let span = candidates.first { matched[entry.key] = span }
        }
        for entry in expected {
            guard let span = matched[entry.key] else { continue }
            #expect(Int64(span.kind.rawValue) == entry.kind, "\(name): \(entry.key) kind")
            #expect(Int64(span.status.code.rawValue) == entry.statusCode, "\(name): \(entry.key) status \(span.status)")
            if let parent = entry.parent {
                #expect(span.parentSpanID != nil && span.parentSpanID == matched[parent]?.spanID, "\(name): \(entry.key) parent")
                #expect(span.traceID == matched[parent]?.traceID, "\(name): \(entry.key) trace")
            } else {
                #expect(span.parentSpanID == nil, "\(name): \(entry.key) is a root")
            }
            let inferred = Self.attribute("atof.inferred", of: span)
            if case .stringArray(let fields)? = inferred {
                #expect(Set(fields) == Set(entry.inferred), "\(name): \(entry.key) inferred")
            } else {
                #expect(entry.inferred.isEmpty, "\(name): \(entry.key) inferred")
            }
        }
    }
}
