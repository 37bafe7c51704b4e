import ATOF
import Testing

@testable import ATOFBridge

/// The real NeMo Relay files convert to exactly the committed golden OTLP/JSON.
/// (The goldens are also checked independently by scripts/expected_spans.py and verify_otlp.py.)
@Suite struct GoldenFixtureTests {
    static let fixtures = "\(#filePath)".replacingOccurrences(of: "/ATOFBridgeTests/GoldenFixtureTests.swift", with: "/Fixtures")

    static func readAll(_ path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try JSONLReader(path: path).forEachLine { line in
            bytes.append(contentsOf: line.bytes)
            bytes.append(0x0A)
        }
        return bytes
    }

    @Test(arguments: ["nemo-relay-llm-calls", "nemo-relay-scopes-tools-marks", "nemo-relay-streaming-marks"])
    func fixtureConvertsToTheGoldenOTLPJSON(_ name: String) throws {
        let conversion = try OfflineConversion(path: "\(Self.fixtures)/\(name).jsonl", mapper: SpanMapper())
        #expect(conversion.badLineCount == 0)
        #expect(conversion.warningCount == 0)
        let resource = OTLP.Resource.make(environment: [:], processName: "atof-bridge").resource
        var output = OTLPJSONEncoder().encode(OTLP.SpanBatch(resource: resource, spans: conversion.spans))
        output.append(0x0A)
        let golden = try Self.readAll("\(Self.fixtures)/golden/\(name).otlp.jsonl")
        #expect(
            output == golden,
            "regenerate with: atof-bridge convert Tests/Fixtures/\(name).jsonl --to otlp-json -o Tests/Fixtures/golden/\(name).otlp.jsonl, after reviewing the change"
        )
    }

    @Test func relayTopLevelScopesAreRootsAndTheLateMarkIsAChildSpan() throws {
        let conversion = try OfflineConversion(path: "\(Self.fixtures)/nemo-relay-streaming-marks.jsonl", mapper: SpanMapper())
        let roots = conversion.spans.filter { $0.parentSpanID == nil }.map(\.name).sorted()
        #expect(roots == ["failing-fn", "stream-agent"])
        let late = try #require(conversion.spans.first { $0.name == "mark:late-mark" })
        #expect(late[attribute: "atof.mark.orphan"] == .bool(true))
        #expect(late.parentSpanID != nil)
        let llm = try #require(conversion.spans.first { $0[attribute: "openinference.span.kind"] == "LLM" })
        #expect(llm.events.allSatisfy { $0.name == "llm.chunk" })
        #expect(llm[attribute: "atof.chunk_count"]?.intValue == Int64(llm.events.count))
    }

    @Test func protobufAndJSONCarryTheSameSpans() throws {
        let conversion = try OfflineConversion(path: "\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl", mapper: SpanMapper())
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(), spans: conversion.spans)
        let proto = ProtobufEncoder().encode(batch)
        #expect(!proto.isEmpty)
        let json = try JSONParser.parse(OTLPJSONEncoder().encode(batch))
        let spans = json["resourceSpans"]?.arrayValue?.first?["scopeSpans"]?.arrayValue?.first?["spans"]?.arrayValue
        #expect(spans?.count == conversion.spans.count)
    }
}
