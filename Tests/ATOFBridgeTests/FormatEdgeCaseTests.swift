import ATOF
import Testing

@testable import ATOFBridge

/// atof-format.md part D cases that cross the reader, the assembler and the mapper.
@Suite struct FormatEdgeCaseTests {
    static func convert(_ lines: [String]) throws -> OfflineConversion {
        var events: [SourcedEvent] = []
        for (offset, line) in lines.enumerated() {
            if case .event(let event, _) = try Event.decode(line: Array(line.utf8)) {
                events.append(SourcedEvent(event, line: offset + 1))
            }
        }
        return OfflineConversion(events: events, mapper: SpanMapper())
    }

    @Test func mixedVersionsInOneStreamNestAndMapTogether() throws {
        let conversion = try Self.convert([
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"p","timestamp":"2026-01-01T00:00:00Z","name":"agent","category":"agent","attributes":[]}"#,
            #"{"kind":"ScopeStart","schema_version":"0.2","uuid":"c","parent_uuid":"p","timestamp":1767225601000000,"name":"search","scope_type":"tool","flags":[]}"#,
            #"{"kind":"ScopeEnd","schema_version":"0.2","uuid":"c","parent_uuid":"p","timestamp":1767225602000000,"name":"search","scope_type":"tool","flags":[],"status":"ok"}"#,
            #"{"kind":"scope","atof_version":"0.1","scope_category":"end","uuid":"p","timestamp":"2026-01-01T00:00:03Z","name":"agent","category":"agent","attributes":[],"metadata":{"otel.status_code":"OK"}}"#,
        ])
        #expect(conversion.spans.count == 2)
        let parent = try #require(conversion.spans.first { $0.name == "agent" })
        let child = try #require(conversion.spans.first { $0.name == "search" })
        #expect(child.parentSpanID == parent.spanID && child.traceID == parent.traceID)
        #expect(child[attribute: "atof.version"] == "0.2" && parent[attribute: "atof.version"] == "0.1")
        #expect(child.status == .ok && parent.status == .ok)
        #expect(conversion.warningCount == 0)
    }

    @Test func tiedTimestampsPutTheStartBeforeMarksBeforeTheEnd() throws {
        let conversion = try Self.convert([
            #"{"kind":"scope","atof_version":"0.1","scope_category":"end","uuid":"s","timestamp":5,"name":"s","category":"function","attributes":[]}"#,
            #"{"kind":"mark","atof_version":"0.1","uuid":"m","parent_uuid":"s","timestamp":5,"name":"tick"}"#,
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"s","timestamp":5,"name":"s","category":"function","attributes":[]}"#,
        ])
        #expect(conversion.spans.count == 1)
        #expect(conversion.spans[0].events.map(\.name) == ["tick"])
        #expect(conversion.spans[0][attribute: "atof.clock_skew"] == nil)
    }

    @Test func nullAndAbsentOptionalFieldsAreTheSame() throws {
        let withNulls = try Self.convert([
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"s","parent_uuid":null,"timestamp":1,"name":"s","category":"function","attributes":[],"data":null,"metadata":null,"category_profile":null,"data_schema":null}"#,
            #"{"kind":"scope","atof_version":"0.1","scope_category":"end","uuid":"s","parent_uuid":null,"timestamp":2,"name":"s","category":"function","attributes":[],"data":null,"metadata":null}"#,
        ])
        let without = try Self.convert([
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"s","timestamp":1,"name":"s","category":"function","attributes":[]}"#,
            #"{"kind":"scope","atof_version":"0.1","scope_category":"end","uuid":"s","timestamp":2,"name":"s","category":"function","attributes":[]}"#,
        ])
        #expect(withNulls.spans == without.spans)
    }

    @Test func aTwoMegabytePayloadSurvivesIntact() throws {
        let big = String(repeating: "a", count: 2_000_000)
        let conversion = try Self.convert([
            #"{"kind":"scope","atof_version":"0.1","scope_category":"start","uuid":"s","timestamp":1,"name":"s","category":"function","attributes":[],"data":"\#(big)"}"#,
            #"{"kind":"scope","atof_version":"0.1","scope_category":"end","uuid":"s","timestamp":2,"name":"s","category":"function","attributes":[]}"#,
        ])
        #expect(conversion.spans[0][attribute: "input.value"]?.stringValue?.count == 2_000_000)
    }
}
