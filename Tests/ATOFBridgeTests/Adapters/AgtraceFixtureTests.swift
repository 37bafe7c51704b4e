import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The agtrace example files (Tests/Fixtures/foreign/agtrace): each translates to its golden ATOF
/// lines, translates the same way twice, and gives exactly the spans its hand-written
/// `<name>.spans.json` lists. (`mixed.jsonl` needs the format router and is checked by
/// scripts/foreign_check.py.)
@Suite struct AgtraceFixtureTests {
    typealias F = AgtraceFixtures

    static let files = ["subagent", "llm-usage", "parallel-tools", "errors", "interrupted", "unknown-type", "e2e"]

    @Test("each example translates to its golden ATOF 0.2 lines", arguments: files)
    func translationMatchesTheGolden(_ name: String) throws {
        let translation = F.translate(try F.objects(inFile: name))
        let actual = translation.events.map { $0.jsonLine + "\n" }.joined()
        let golden = try? String(contentsOf: F.folder.appendingPathComponent("\(name).atof.jsonl"), encoding: .utf8)
        if actual != golden {
            let written = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).atof.jsonl")
            try actual.write(to: written, atomically: true, encoding: .utf8)
            Issue.record("the translation of \(name).jsonl differs from its golden; review: diff \(written.path) \(name).atof.jsonl")
        }
    }

    @Test("translating an example twice gives identical events", arguments: files)
    func translationIsDeterministic(_ name: String) throws {
        let objects = try F.objects(inFile: name)
        #expect(F.translate(objects).events == F.translate(objects).events)
    }

    @Test("each example gives exactly the spans its spans.json lists", arguments: files)
    func spansMatchTheExpectations(_ name: String) throws {
        let spans = F.spans(of: F.translate(try F.objects(inFile: name)))
        let text = try String(contentsOf: F.folder.appendingPathComponent("\(name).spans.json"), encoding: .utf8)
        let entries = try #require(try JSONParser.parse(text)["spans"]?.arrayValue)
        var taken: [String: Int] = [:]
        for entry in entries {
            let key = try #require(entry["key"]?.stringValue)
            let name = try #require(entry["name"]?.stringValue)
            let wanted = entry["attributes"]?.objectValue ?? JSONObject()
            let candidates = spans.indices.filter { index in
                spans[index].name == name && wanted.allSatisfy { Self.attribute($0.key, of: spans[index]) == Self.attributeValue($0.value) }
            }
            #expect(candidates.count == 1, "\(key) (\(name)) matches \(candidates.count) spans")
            if let index = candidates.first { taken[key] = index }
        }
        #expect(spans.count == entries.count, "\(spans.count) spans for \(entries.count) expected: \(spans.map(\.name))")
        for entry in entries {
            guard let key = entry["key"]?.stringValue, let index = taken[key] else { continue }
            let span = spans[index]
            if let parent = entry["parent"]?.stringValue {
                let parentSpan = try #require(taken[parent].map { spans[$0] }, "\(key): parent \(parent) not found")
                #expect(span.parentSpanID == parentSpan.spanID && span.traceID == parentSpan.traceID, "\(key): parent is not \(parent)")
            } else {
                #expect(span.parentSpanID == nil, "\(key): expected a root")
            }
            if let kind = entry["kind"]?.int64Value { #expect(Int64(span.kind.rawValue) == kind, "\(key): kind") }
            if let code = entry["statusCode"]?.int64Value { #expect(Int64(span.status.code.rawValue) == code, "\(key): status") }
            #expect(Self.attribute("atof.source.format", of: span) == "agtrace", "\(key): source format")
            let inferred = (entry["inferred"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
            #expect(Self.inferred(of: span).sorted() == inferred, "\(key): inferred")
        }
    }

    /// A span attribute; `atof.source.format` and `atof.inferred` fall back to the adapter metadata
    /// they are written from (`atof.metadata.adapter.*`) while the mapper does not yet rename them.
    static func attribute(_ key: String, of span: OTLP.Span) -> OTLP.AttributeValue? {
        if let value = span[attribute: key] { return value }
        switch key {
        case "atof.source.format": return span[attribute: "atof.metadata.adapter.format"]
        case "atof.inferred": return inferred(of: span).isEmpty ? nil : .stringArray(inferred(of: span))
        default: return nil
        }
    }

    static func inferred(of span: OTLP.Span) -> [String] {
        if case .stringArray(let values)? = span[attribute: "atof.inferred"] { return values }
        guard let text = span[attribute: "atof.metadata.adapter.inferred"]?.stringValue,
            let values = (try? JSONParser.parse(text))?.arrayValue
        else { return [] }
        return values.compactMap(\.stringValue)
    }

    /// An expected JSON value as the attribute value it stands for.
    static func attributeValue(_ value: JSONValue) -> OTLP.AttributeValue? {
        switch value {
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .number(let number):
            number.isInteger ? number.int64Value.map(OTLP.AttributeValue.int) : number.doubleValue.map(OTLP.AttributeValue.double)
        case .array(let items): .stringArray(items.compactMap(\.stringValue))
        default: nil
        }
    }
}
