import ATOF
import Testing

@testable import ATOFBridge

@Suite struct SpanMapperStatusTests {
    typealias F = MappingFixtures

    static func zeroTwo(status: String?, error: String = "null") throws -> OTLP.Span {
        try F.span(start: F.v02Start(), end: F.v02End(status: status, error: error))
    }

    static func zeroOne(endMetadata: String) throws -> OTLP.Span {
        try F.span(start: F.v01("start"), end: F.v01("end", metadata: endMetadata))
    }

    // MARK: 0.2

    @Test func zeroTwoOkIsOK() throws {
        let span = try Self.zeroTwo(status: #""ok""#)
        #expect(span.status == .ok)
        #expect(span[attribute: "error.type"] == nil)
        #expect(span[attribute: "atof.status"] == nil)
        #expect(span.events.isEmpty)
    }

    @Test func zeroTwoErrorIsErrorWithTypeMessageAndExceptionEvent() throws {
        let span = try Self.zeroTwo(
            status: #""error""#, error: #"{"type":"TimeoutError","message":"deadline exceeded","stack":"at a\nat b"}"#)
        #expect(span.status == .error("TimeoutError: deadline exceeded"))
        #expect(span[attribute: "error.type"] == "TimeoutError")
        #expect(span[attribute: "atof.status"] == nil)
        let exception = try #require(span.events.last)
        #expect(exception.name == "exception")
        #expect(exception.timeUnixNano == span.endTimeUnixNano)
        #expect(exception[attribute: "exception.type"] == "TimeoutError")
        #expect(exception[attribute: "exception.message"] == "deadline exceeded")
        #expect(exception[attribute: "exception.stacktrace"] == "at a\nat b")
    }

    @Test func nullStackGivesNoStacktraceAttribute() throws {
        let span = try Self.zeroTwo(status: #""error""#, error: #"{"type":"ValueError","message":"bad","stack":null}"#)
        let exception = try #require(span.events.first { $0.name == "exception" })
        #expect(exception.attributes.map(\.key) == ["exception.type", "exception.message"])
    }

    @Test func zeroTwoErrorWithoutAnErrorObjectIsErrorWithoutType() throws {
        let span = try Self.zeroTwo(status: #""error""#)
        #expect(span.status == .error(""))
        #expect(span[attribute: "error.type"] == nil)
        #expect(span.events.isEmpty)
    }

    @Test func cancelledWithoutErrorIsErrorCancelled() throws {
        let span = try Self.zeroTwo(status: #""cancelled""#)
        #expect(span.status == .error("cancelled"))
        #expect(span[attribute: "atof.status"] == "cancelled")
        #expect(span[attribute: "error.type"] == nil)
        #expect(span.events.isEmpty)
    }

    @Test func cancelledWithErrorNamesTheErrorAndRecordsTheException() throws {
        let span = try Self.zeroTwo(status: #""cancelled""#, error: #"{"type":"CancelledError","message":"parent cancelled"}"#)
        #expect(span.status == .error("cancelled: CancelledError: parent cancelled"))
        #expect(span[attribute: "atof.status"] == "cancelled")
        #expect(span[attribute: "error.type"] == "CancelledError")
        #expect(span.events.map(\.name) == ["exception"])
    }

    @Test func missingZeroTwoStatusIsUnset() throws {
        let span = try Self.zeroTwo(status: nil)
        #expect(span.status == .unset)
        #expect(span[attribute: "atof.status"] == nil)
    }

    @Test func unknownZeroTwoStatusIsUnsetAndKeptInAtofStatus() throws {
        let span = try Self.zeroTwo(status: #""timeout""#)
        #expect(span.status == .unset)
        #expect(span[attribute: "atof.status"] == "timeout")
    }

    // MARK: 0.1

    struct ZeroOneCase: Sendable, CustomTestStringConvertible {
        var metadata: String
        var status: OTLP.SpanStatus
        var testDescription: String { metadata }
    }

    @Test(arguments: [
        ZeroOneCase(metadata: #"{"otel.status_code":"OK"}"#, status: .ok),
        ZeroOneCase(metadata: #"{"otel.status_code":"ERROR","otel.status_description":"boom"}"#, status: .error("boom")),
        ZeroOneCase(metadata: #"{"otel.status_code":"ERROR"}"#, status: .error("")),
        ZeroOneCase(metadata: #"{"otel.status_code":"UNSET"}"#, status: .unset),
        ZeroOneCase(metadata: #"{"otel.status_code":"MAYBE"}"#, status: .unset),
        ZeroOneCase(metadata: #"{"otel.status_code":7}"#, status: .unset),
        ZeroOneCase(metadata: #"{"other":"x"}"#, status: .unset),
        ZeroOneCase(metadata: "null", status: .unset),
        ZeroOneCase(metadata: #"{"otel_status_code":"ERROR","otel_status_description":"dots replaced"}"#, status: .error("dots replaced")),
        ZeroOneCase(metadata: #"{"otel_status_code":"OK"}"#, status: .ok),
        ZeroOneCase(metadata: #"{"otel.status_code":"ok"}"#, status: .ok),
    ])
    func zeroOneStatusComesFromEndMetadata(testCase: ZeroOneCase) throws {
        let span = try Self.zeroOne(endMetadata: testCase.metadata)
        #expect(span.status == testCase.status)
        #expect(span[attribute: "error.type"] == nil)
        #expect(span.events.isEmpty)
    }

    @Test func zeroOneStatusIsReadFromTheEndNotTheStart() throws {
        let span = try F.span(start: F.v01("start", metadata: #"{"otel.status_code":"ERROR"}"#), end: F.v01("end"))
        #expect(span.status == .unset)
    }

    @Test func relayErrorMetadataGivesErrorTypeAndExceptionEvent() throws {
        let span = try Self.zeroOne(
            endMetadata:
                #"{"error.type":"internal_error","exception.type":"RuntimeError","otel.status_code":"ERROR","otel.status_description":"internal error: RuntimeError: tool exploded"}"#
        )
        #expect(span.status == .error("internal error: RuntimeError: tool exploded"))
        #expect(span[attribute: "error.type"] == "internal_error")
        let exception = try #require(span.events.first)
        #expect(exception.name == "exception")
        #expect(exception.timeUnixNano == span.endTimeUnixNano)
        #expect(exception[attribute: "exception.type"] == "RuntimeError")
        #expect(exception[attribute: "exception.message"] == "internal error: RuntimeError: tool exploded")
        #expect(exception[attribute: "exception.stacktrace"] == nil)
    }

    @Test func onlyExceptionTypeFillsBothErrorTypeAndExceptionType() throws {
        let span = try Self.zeroOne(endMetadata: #"{"exception.type":"ValueError","otel.status_code":"ERROR"}"#)
        #expect(span[attribute: "error.type"] == "ValueError")
        #expect(span.events.first?[attribute: "exception.type"] == "ValueError")
        #expect(span.events.first?[attribute: "exception.message"] == nil)
    }

    @Test func onlyErrorTypeFillsBothErrorTypeAndExceptionType() throws {
        let span = try Self.zeroOne(
            endMetadata: #"{"error_type":"internal_error","otel_status_code":"ERROR","otel_status_description":"d"}"#)
        #expect(span.status == .error("d"))
        #expect(span[attribute: "error.type"] == "internal_error")
        #expect(span.events.first?[attribute: "exception.type"] == "internal_error")
        #expect(span.events.first?[attribute: "exception.message"] == "d")
    }

    // MARK: Pairing anomalies

    @Test func unendedScopeIsErrorScopeDidNotEnd() throws {
        let span = try F.span(start: F.v02Start(), end: nil, anomalies: .unended)
        #expect(span.status == .error("scope did not end"))
        #expect(span[attribute: "atof.unended"] == .bool(true))
    }

    @Test func duplicateStartIsUnset() throws {
        let span = try F.span(start: F.v01("start"), end: nil, anomalies: .duplicateStart)
        #expect(span.status == .unset)
        #expect(span[attribute: "atof.duplicate_start"] == .bool(true))
    }

    @Test func unmatchedEndTakesItsStatusFromItsOwnEnd() throws {
        let span = try F.span(
            start: nil, end: F.v02End(status: #""error""#, error: #"{"type":"E","message":"m"}"#), anomalies: .unmatchedEnd)
        #expect(span.status == .error("E: m"))
        #expect(span[attribute: "error.type"] == "E")
    }

    @Test func exceptionEventDoesNotCountAgainstTheEventCap() throws {
        let marks = (0..<3).map { F.mark01(name: "m\($0)", uuid: "m-\($0)") }
        let span = try F.span(
            start: F.v02Start(), end: F.v02End(status: #""error""#, error: #"{"type":"E","message":"m"}"#), marks: marks,
            options: MappingOptions(maximumEventsPerSpan: 1))
        #expect(span.events.map(\.name) == ["m0", "exception"])
        #expect(span.droppedEventsCount == 2)
    }
}
