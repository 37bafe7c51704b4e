import Testing

@testable import ATOF

/// Lines that are valid JSON but not quite what they seem: times before 1970, repeated keys, a
/// byte order mark. Each is a bad line or a warning naming its line, never silently changed.
@Suite struct LineHygieneTests {
    static func line(timestamp: String) -> String {
        #"{"kind":"scope","atof_version":"0.1","uuid":"a","timestamp":"# + timestamp
            + #","name":"n","scope_category":"start","category":"agent","attributes":[]}"#
    }

    @Test(
        "an event time before 1970 is a bad line naming the accepted range, never moved to 1970",
        arguments: [
            "-1", "-1767225600000000", #""1900-01-01T00:00:00Z""#, #""1969-12-31T23:59:59.999999999Z""#,
        ])
    func timesBefore1970AreBadLines(_ timestamp: String) {
        let decoded = EventReader.decode(line: Array(Self.line(timestamp: timestamp).utf8), number: 7, source: "run.jsonl")
        #expect(decoded.event == nil)
        #expect(decoded.diagnostics.count == 1)
        let diagnostic = decoded.diagnostics.first
        #expect(diagnostic?.severity == .error && diagnostic?.line == 7)
        #expect(diagnostic?.message.contains("outside the range an event can have, \(Timestamp.eventRangeText)") == true)
    }

    @Test(
        "the range named in the message is the one accepted, at both edges",
        arguments: [
            (#""1970-01-01T00:00:00Z""#, true), ("0", true), (#""2262-04-11T23:47:16.854775807Z""#, true),
            (#""2262-04-11T23:47:16.854775808Z""#, false), ("9223372036854775", true), ("9223372036854776", false),
            ("99999999999999999999", false),
        ])
    func theStatedRangeIsTheAcceptedOne(_ timestamp: String, _ accepted: Bool) {
        let decoded = EventReader.decode(line: Array(Self.line(timestamp: timestamp).utf8), number: 1, source: "run.jsonl")
        #expect((decoded.event != nil) == accepted)
        if !accepted {
            #expect(decoded.diagnostics.first?.message.contains(Timestamp.eventRangeText) == true)
        }
    }

    @Test("a timestamp value reads the whole signed range its message states")
    func timestampTypeRangeMatchesItsMessage() throws {
        #expect(try Timestamp(rfc3339: "1677-09-21T00:12:43.145224192Z").nanosecondsSinceEpoch == .min)
        #expect(try Timestamp(rfc3339: "2262-04-11T23:47:16.854775807Z").nanosecondsSinceEpoch == .max)
        #expect(throws: TimestampError.outOfRange("1677-09-21T00:12:43.145224191Z")) {
            try Timestamp(rfc3339: "1677-09-21T00:12:43.145224191Z")
        }
        #expect(TimestampError.outOfRange("x").description.contains(Timestamp.representableRange))
    }

    @Test("a repeated key in the event is a warning naming the line; the last value is used")
    func repeatedEventKeysWarn() throws {
        let text =
            #"{"kind":"scope","atof_version":"0.1","uuid":"a","name":"first","timestamp":1,"name":"second","scope_category":"start","category":"agent","attributes":[],"extra":1,"extra":2}"#
        let decoded = EventReader.decode(line: Array(text.utf8), number: 3, source: "run.jsonl")
        let event = try #require(decoded.event)
        #expect(event.name == "second")
        #expect(decoded.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(decoded.diagnostics.allSatisfy { $0.line == 3 })
        #expect(
            decoded.diagnostics.map(\.message) == [
                #"duplicate key "name" in the event; the last value is used"#,
                #"duplicate key "extra" in the event; the last value is used"#,
            ])
    }

    @Test("a repeated metadata key is a warning; the members are kept as written")
    func repeatedMetadataKeysWarn() throws {
        let text = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":1,"name":"n","metadata":{"k":1,"j":0,"k":2}}"#
        let decoded = EventReader.decode(line: Array(text.utf8), number: 9, source: "run.jsonl")
        let event = try #require(decoded.event)
        #expect(event.metadata?["k"] == 2)
        #expect(event.metadata?.objectValue?.count == 3)
        #expect(decoded.diagnostics.map(\.message) == [#"duplicate key "k" in "metadata"; the last value is used"#])
        #expect(decoded.diagnostics.first?.line == 9)
    }

    @Test("a line without repeated keys gives no warning, whatever keys it has")
    func distinctKeysDoNotWarn() {
        let text = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":1,"name":"n","x":1,"y":2,"metadata":{"a":1,"b":2}}"#
        #expect(EventReader.decode(line: Array(text.utf8), number: 1, source: "run.jsonl").diagnostics.isEmpty)
    }

    @Test("a UTF-8 byte order mark at the start of the input is skipped; elsewhere it is a bad line")
    func byteOrderMarkAtTheStartIsSkipped() throws {
        let good = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":1,"name":"n"}"#
        let text = ByteOrderMark.utf8 + Array((good + "\n").utf8) + ByteOrderMark.utf8 + Array((good + "\n").utf8)
        let reader = EventReader(lines: try JSONLReader(path: temporaryFile(text)))
        var lines: [Int] = []
        var errors: [Int?] = []
        try reader.forEach { item in
            switch item {
            case .event(_, let line): lines.append(line)
            case .diagnostic(let diagnostic): errors.append(diagnostic.line)
            }
        }
        #expect(lines == [1])
        #expect(errors == [2])
    }

    @Test("a byte order mark on an otherwise empty first line leaves a blank line")
    func byteOrderMarkAloneOnTheFirstLine() throws {
        let good = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":1,"name":"n"}"#
        let path = temporaryFile(ByteOrderMark.utf8 + Array(("\n" + good + "\n").utf8))
        let reader = try JSONLReader(path: path, chunkSize: 16)
        var firstLine: [UInt8]?
        try reader.forEachLine { line in
            if line.number == 1 { firstLine = Array(line.bytes) }
        }
        #expect(firstLine == [])
    }
}
