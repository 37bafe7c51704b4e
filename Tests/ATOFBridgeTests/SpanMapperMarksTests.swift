import ATOF
import Testing

@testable import ATOFBridge

@Suite struct SpanMapperMarksTests {
    typealias F = MappingFixtures

    @Test func markBecomesASpanEventWithItsAttributes() throws {
        let span = try F.span(
            start: F.v01("start"), end: F.v01("end"),
            marks: [
                F.mark01(
                    name: "checkpoint", uuid: "m-7", category: #""custom""#, data: #"{"step": 1}"#,
                    metadata: #"{"note":"mark under agent","n":2}"#, dataSchema: #"{"name":"demo.step","version":"1"}"#,
                    timestamp: "2026-01-01T00:00:01.123456789Z")
            ])
        let event = try #require(span.events.first)
        #expect(span.events.count == 1)
        #expect(event.name == "checkpoint")
        #expect(event.timeUnixNano == UInt64(F.t1) + 123_456_789)
        #expect(event[attribute: "atof.uuid"] == "m-7")
        #expect(event[attribute: "atof.category"] == "custom")
        #expect(event[attribute: "atof.data"] == #"{"step":1}"#)
        #expect(event[attribute: "atof.data_schema.name"] == "demo.step")
        #expect(event[attribute: "atof.metadata.note"] == "mark under agent")
        #expect(event[attribute: "atof.metadata.n"] == .int(2))
        #expect(span.droppedEventsCount == 0)
    }

    @Test func stringMarkDataIsQuotedJSONAndAbsentPartsAreLeftOut() throws {
        let span = try F.span(
            start: F.v01("start"), end: F.v01("end"),
            marks: [F.mark01(uuid: "m-1", data: #""plain string""#), F.mark01(uuid: "m-2")])
        #expect(span.events[0][attribute: "atof.data"] == #""plain string""#)
        #expect(span.events[1][attribute: "atof.data"] == nil)
        #expect(span.events[1][attribute: "atof.category"] == nil)
        #expect(span.events[1].attributes.map(\.key) == ["atof.uuid"])
    }

    @Test func zeroTwoMarkDataBecomesAtofData() throws {
        let mark =
            #"{"kind":"Mark","schema_version":"0.2","uuid":"mk","parent_uuid":"u-1","timestamp":"2026-01-01T00:00:01.5Z","name":"note","data":[1,2],"metadata":null}"#
        let span = try F.span(start: F.v02Start(), end: F.v02End(), marks: [mark])
        #expect(span.events.first?[attribute: "atof.data"] == "[1,2]")
    }

    @Test func eventsBeyondTheCapAreCountedAsDropped() throws {
        let marks = (0..<5).map { F.mark01(name: "m\($0)", uuid: "m-\($0)") }
        let span = try F.span(start: F.v01("start"), end: F.v01("end"), marks: marks, options: MappingOptions(maximumEventsPerSpan: 3))
        #expect(span.events.map(\.name) == ["m0", "m1", "m2"])
        #expect(span.droppedEventsCount == 2)

        let none = try F.span(start: F.v01("start"), end: F.v01("end"), marks: marks, options: MappingOptions(maximumEventsPerSpan: -1))
        #expect(none.events.isEmpty)
        #expect(none.droppedEventsCount == 5)
    }

    @Test func defaultCapIs128Events() throws {
        let marks = (0..<130).map { F.mark01(name: "m", uuid: "m-\($0)") }
        let span = try F.span(start: F.v01("start"), end: F.v01("end"), marks: marks)
        #expect(span.events.count == 128)
        #expect(span.droppedEventsCount == 2)
    }

    @Test func chunkCountIncludesChunksPastTheCap() throws {
        let marks =
            (0..<4).map { F.mark01(name: "llm.chunk", uuid: "c-\($0)", data: #"{"chunk_index":\#($0)}"#) }
            + [F.mark01(name: "other", uuid: "o")]
        let span = try F.span(
            start: F.v01("start", category: "llm"), end: F.v01("end", category: "llm"), marks: marks,
            options: MappingOptions(maximumEventsPerSpan: 2))
        #expect(span[attribute: "atof.chunk_count"] == .int(4))
        #expect(span.events.count == 2)
        #expect(span.droppedEventsCount == 3)
    }

    @Test("marks the live assembler counted without holding add to the dropped events, chunk count and first chunk")
    func marksCountedByTheAssemblerAreDropped() throws {
        var scope = try F.scope(
            start: F.v01("start", category: "llm"), end: F.v01("end", category: "llm"),
            marks: [F.mark01(name: "llm.chunk", uuid: "c-0", timestamp: "2026-01-01T00:00:01.5Z")])
        scope.droppedMarks = DroppedMarks(
            count: 7, chunkCount: 5, earliestChunkTime: try Timestamp(rfc3339: "2026-01-01T00:00:01.25Z").nanosecondsSinceEpoch)
        let span = SpanMapper().span(for: scope)
        #expect(span.events.count == 1)
        #expect(span.droppedEventsCount == 7)
        #expect(span[attribute: "atof.chunk_count"] == .int(6))
        #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(0.25))
    }

    @Test func contentCaptureOffRemovesMarkData() throws {
        let span = try F.span(
            start: F.v01("start"), end: F.v01("end"), marks: [F.mark01(data: #"{"secret":1}"#, metadata: #"{"k":"v"}"#)],
            options: MappingOptions(captureContent: false))
        #expect(span.events.first?[attribute: "atof.data"] == nil)
        #expect(span.events.first?[attribute: "atof.metadata.k"] == "v")
    }

    // MARK: Orphan marks

    @Test func orphanMarkBecomesAZeroDurationInternalChainSpan() throws {
        let mark = try F.event(
            F.mark01(
                name: "late-mark", uuid: "01a1fdfc-8a27-7d22-9b79-34074c5268ce", parent: #""01a1fdfc-8a22-75b0-af5b-695897310010""#,
                category: #""custom""#, data: #"{"note":"explicit old timestamp"}"#, metadata: #"{"k":true}"#,
                timestamp: "2020-01-01T00:00:00+00:00"))
        let span = SpanMapper().span(for: OrphanMark(mark: mark, identity: F.identity))
        #expect(span.name == "mark:late-mark")
        #expect(span.kind == .internal)
        #expect(span.startTimeUnixNano == 1_577_836_800_000_000_000)
        #expect(span.endTimeUnixNano == span.startTimeUnixNano)
        #expect(span.traceID == F.traceID)
        #expect(span.spanID == F.spanID)
        #expect(span.parentSpanID == F.parentSpanID)
        #expect(span.status == .unset)
        #expect(span.events.isEmpty)
        #expect(span[attribute: "atof.uuid"] == "01a1fdfc-8a27-7d22-9b79-34074c5268ce")
        #expect(span[attribute: "atof.parent_uuid"] == "01a1fdfc-8a22-75b0-af5b-695897310010")
        #expect(span[attribute: "atof.category"] == "custom")
        #expect(span[attribute: "atof.data"] == #"{"note":"explicit old timestamp"}"#)
        #expect(span[attribute: "atof.metadata.k"] == .bool(true))
        #expect(span[attribute: "atof.mark.orphan"] == .bool(true))
        #expect(span[attribute: "openinference.span.kind"] == "CHAIN")
        #expect(!span.hasAttribute(prefixed: "gen_ai."))
    }

    @Test func orphanMarkWithoutParentHasNoParentAttributes() throws {
        let mark = try F.event(F.mark01(name: "alone", parent: "null"))
        let identity = AssembledScope.Identity(traceID: F.traceID, spanID: F.spanID)
        let span = SpanMapper(options: MappingOptions(openInferenceAttributes: false)).span(for: OrphanMark(mark: mark, identity: identity))
        #expect(span.parentSpanID == nil)
        #expect(span[attribute: "atof.parent_uuid"] == nil)
        #expect(span[attribute: "openinference.span.kind"] == nil)
        #expect(span[attribute: "atof.mark.orphan"] == .bool(true))
    }
}
