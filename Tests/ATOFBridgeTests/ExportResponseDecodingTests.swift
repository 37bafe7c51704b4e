import COTLP
import CProtobufC
import Testing

@testable import ATOFBridge

@Suite struct ExportResponseDecodingTests {
    // MARK: - ExportTraceServiceResponse

    @Test("an empty protobuf response body means full success")
    func emptyResponseBodyMeansFullSuccess() throws {
        let result = try #require(ExportResponseDecoding.partialSuccess(protobuf: []))

        #expect(result.rejectedSpans == 0)
        #expect(result.errorMessage == "")
    }

    @Test("a protobuf partial_success reports the rejected spans and the message")
    func partialSuccessResponseReportsRejectedSpansAndMessage() throws {
        // partial_success (1) { rejected_spans (1) = 3, error_message (2) = "too old" }
        let message = Array("too old".utf8)
        let body: [UInt8] = [0x0A, UInt8(4 + message.count), 0x08, 0x03, 0x12, UInt8(message.count)] + message

        let result = try #require(ExportResponseDecoding.partialSuccess(protobuf: body))

        #expect(result.rejectedSpans == 3)
        #expect(result.errorMessage == "too old")
    }

    @Test("a response packed by protobuf-c decodes")
    func responsePackedByProtobufCDecodes() throws {
        var partial = Opentelemetry__Proto__Collector__Trace__V1__ExportTracePartialSuccess()
        opentelemetry__proto__collector__trace__v1__export_trace_partial_success__init(&partial)
        var response = Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse()
        opentelemetry__proto__collector__trace__v1__export_trace_service_response__init(&response)
        let body = "späte Spans".withCString { text in
            partial.rejected_spans = 42
            partial.error_message = UnsafeMutablePointer(mutating: text)
            return withUnsafeMutablePointer(to: &partial) { partialPointer in
                response.partial_success = partialPointer
                let size = opentelemetry__proto__collector__trace__v1__export_trace_service_response__get_packed_size(&response)
                return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    count = opentelemetry__proto__collector__trace__v1__export_trace_service_response__pack(
                        &response, buffer.baseAddress)
                }
            }
        }

        let result = try #require(ExportResponseDecoding.partialSuccess(protobuf: body))

        #expect(result.rejectedSpans == 42)
        #expect(result.errorMessage == "späte Spans")
    }

    @Test("malformed protobuf response bodies are refused")
    func malformedResponseBodiesAreRejected() {
        #expect(ExportResponseDecoding.partialSuccess(protobuf: [0x0A, 0x05, 0x08]) == nil)  // length runs past the end
        #expect(ExportResponseDecoding.partialSuccess(protobuf: [0x0F]) == nil)  // wire type 7 does not exist
        #expect(ExportResponseDecoding.partialSuccess(protobuf: Array("<html>Bad Gateway</html>".utf8)) == nil)
    }

    @Test("a JSON partialSuccess counts rejectedSpans given as a number or as a decimal string")
    func jsonPartialSuccess() throws {
        let asString = try #require(
            ExportResponseDecoding.partialSuccess(json: Array(#"{"partialSuccess":{"rejectedSpans":"7","errorMessage":"late"}}"#.utf8)))
        let asNumber = try #require(
            ExportResponseDecoding.partialSuccess(json: Array(#"{"partialSuccess":{"rejectedSpans":2}}"#.utf8)))
        let none = try #require(ExportResponseDecoding.partialSuccess(json: Array("{}".utf8)))

        #expect(asString.rejectedSpans == 7)
        #expect(asString.errorMessage == "late")
        #expect(asNumber.rejectedSpans == 2)
        #expect(asNumber.errorMessage == "")
        #expect(none.rejectedSpans == 0)
        #expect(ExportResponseDecoding.partialSuccess(json: Array("<html>".utf8)) == nil)
    }

    // MARK: - google.rpc.Status

    @Test("the message of a google.rpc.Status is read after fields of every other wire type")
    func statusMessageAfterOtherFields() {
        // code (1) = 3, an unknown fixed64 (4) and fixed32 (5), an unknown message (3), then message (2).
        let message = Array("bad span".utf8)
        let body: [UInt8] =
            [0x08, 0x03] + [0x21] + [UInt8](repeating: 0xFF, count: 8) + [0x2D, 0, 0, 0, 0] + [0x1A, 0x02, 0x08, 0x01]
            + [0x12, UInt8(message.count)] + message

        #expect(ExportResponseDecoding.statusMessage(protobuf: body) == "bad span")
        #expect(ExportResponseDecoding.statusMessage(protobuf: [0x08, 0x03]) == nil)
        #expect(ExportResponseDecoding.statusMessage(protobuf: [0x12, 0x09, 0x41]) == nil)  // length runs past the end
    }

    @Test("the message of a JSON google.rpc.Status is read; a body that is not JSON has none")
    func jsonStatusMessage() {
        #expect(ExportResponseDecoding.statusMessage(json: Array(#"{"code":3,"message":"bad span"}"#.utf8)) == "bad span")
        #expect(ExportResponseDecoding.statusMessage(json: Array(#"{"code":3}"#.utf8)) == nil)
        #expect(ExportResponseDecoding.statusMessage(json: Array("oops".utf8)) == nil)
    }
}
