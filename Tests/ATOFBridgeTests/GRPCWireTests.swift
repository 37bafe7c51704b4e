import Testing

@testable import ATOFBridge

@Suite struct GRPCWireTests {
    // MARK: - Framing

    @Test("a message is framed behind a flag byte and a 4-byte big-endian length")
    func framing() {
        let message = [UInt8](repeating: 0xAB, count: 300)
        let framed = GRPCWire.frame(message, compressed: false)
        #expect(Array(framed.prefix(5)) == [0, 0, 0, 1, 44])
        #expect(Array(framed.dropFirst(5)) == message)
        #expect(GRPCWire.frame([1, 2], compressed: true).prefix(5) == [1, 0, 0, 0, 2])
        #expect(GRPCWire.frame([], compressed: false) == [0, 0, 0, 0, 0])
    }

    @Test("the first message of a response is read back; a short or badly flagged body is not")
    func firstMessage() throws {
        let framed = GRPCWire.frame([9, 8, 7], compressed: true) + [0, 0]
        let read = try #require(GRPCWire.firstMessage(framed))
        #expect(read.compressed && read.message == [9, 8, 7])
        #expect(GRPCWire.firstMessage([0, 0, 0, 0, 4, 1, 2]) == nil)
        #expect(GRPCWire.firstMessage([2, 0, 0, 0, 0]) == nil)
        #expect(GRPCWire.firstMessage([]) == nil)
    }

    @Test("gzip'd framed requests decompress to the protobuf body")
    func gzipFraming() throws {
        let body = Array("an ExportTraceServiceRequest".utf8)
        let compressed = try #require(Gzip.compress(body))
        let read = try #require(GRPCWire.firstMessage(GRPCWire.frame(compressed, compressed: true)))
        #expect(read.compressed)
        #expect(Gzip.decompress(read.message) == body)
    }

    // MARK: - grpc-timeout

    @Test("grpc-timeout uses milliseconds while they fit in 8 digits, then coarser units rounded up")
    func timeoutHeader() {
        #expect(GRPCWire.timeoutHeader(.seconds(10)) == "10000m")
        #expect(GRPCWire.timeoutHeader(.milliseconds(1500)) == "1500m")
        #expect(GRPCWire.timeoutHeader(.microseconds(10)) == "1m")
        #expect(GRPCWire.timeoutHeader(.zero) == "1m")
        #expect(GRPCWire.timeoutHeader(.milliseconds(99_999_999)) == "99999999m")
        #expect(GRPCWire.timeoutHeader(.milliseconds(100_000_000)) == "100000S")
        #expect(GRPCWire.timeoutHeader(.seconds(200_000_000)) == "3333334M")
    }

    // MARK: - Status

    @Test("grpc-status and the percent-decoded grpc-message are read; OK is code 0")
    func statusFromTrailers() throws {
        let ok = try #require(GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields(status: "0")))
        #expect(ok.code == 0 && ok.message.isEmpty && ok.retryDelay == nil)
        let invalid = try #require(
            GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields(status: "3", message: "bad%20span%3A 100%25 wrong")))
        #expect(invalid.code == 3 && invalid.message == "bad span: 100% wrong")
        #expect(!invalid.isRetryable)
        // A malformed escape is kept as sent; an unreadable status is UNKNOWN.
        let odd = try #require(GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields(status: "x", message: "50%")))
        #expect(odd.code == 2 && odd.message == "50%")
    }

    @Test("without grpc-status an HTTP 200 has no status and other HTTP statuses map to gRPC codes")
    func statusFromHTTP() {
        #expect(GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields()) == nil)
        #expect(GRPCStatus.of(httpStatus: 503, fields: GRPCStatusFields())?.code == 14)
        #expect(GRPCStatus.of(httpStatus: 404, fields: GRPCStatusFields())?.code == 12)
        #expect(GRPCStatus.of(httpStatus: 401, fields: GRPCStatusFields())?.code == 16)
        #expect(GRPCStatus.of(httpStatus: 500, fields: GRPCStatusFields())?.code == 2)
    }

    @Test("the OTLP retryable codes are retried; RESOURCE_EXHAUSTED only with RetryInfo")
    func retryableCodes() {
        let retryable = (0...16).filter { GRPCStatus(code: $0, message: "", retryDelay: nil).isRetryable }
        #expect(retryable == [1, 4, 10, 11, 14, 15])
        #expect(GRPCStatus(code: 8, message: "", retryDelay: .seconds(1)).isRetryable)
        #expect(ExportError.grpcStatus(14, message: "", retryable: true).isRetryable)
        #expect(!ExportError.grpcStatus(3, message: "", retryable: false).isRetryable)
        #expect(ExportError.grpcStatus(12, message: "", retryable: false).description.contains("4317"))
    }

    // MARK: - RetryInfo

    /// A protobuf length-delimited field.
    private func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [number << 3 | 2, UInt8(payload.count)] + payload
    }

    /// base64 of a google.rpc.Status {code 8, message "slow down", details [Any(RetryInfo{delay})]}
    /// plus a leading unrelated detail.
    private func statusDetails(seconds: UInt8, nanos: [UInt8], typeURL: String = GRPCStatus.retryInfoType) -> String {
        let duration: [UInt8] = [0x08, seconds] + (nanos.isEmpty ? [] : [0x10] + nanos)
        let retryInfo = field(1, duration)
        let other = field(1, Array("type.googleapis.com/google.rpc.DebugInfo".utf8)) + field(2, [0x12, 0x01, 0x41])
        let detail = field(1, Array(typeURL.utf8)) + field(2, retryInfo)
        let status: [UInt8] = [0x08, 0x08] + field(2, Array("slow down".utf8)) + field(3, other) + field(3, detail)
        return base64(status)
    }

    private func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<(chunk.count + 1) { text.append(alphabet[(value >> (18 - 6 * position)) & 63]) }
            text += String(repeating: "=", count: 3 - chunk.count)
            index += 3
        }
        return text
    }

    @Test("RetryInfo's retry_delay is read from grpc-status-details-bin, padded or not")
    func retryInfo() throws {
        // nanos 500,000,000 as a varint.
        let details = statusDetails(seconds: 2, nanos: [0x80, 0xCA, 0xB5, 0xEE, 0x01])
        #expect(GRPCStatus.retryDelay(detailsBinary: details) == .milliseconds(2500))
        let unpadded = String(details.prefix { $0 != "=" })
        #expect(GRPCStatus.retryDelay(detailsBinary: unpadded) == .milliseconds(2500))
        let status = try #require(
            GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields(status: "8", message: "slow", detailsBinary: details)))
        #expect(status.isRetryable && status.retryDelay == .milliseconds(2500))
    }

    @Test("details without RetryInfo, or unreadable ones, give no delay and RESOURCE_EXHAUSTED is final")
    func noRetryInfo() throws {
        let otherType = statusDetails(seconds: 2, nanos: [], typeURL: "type.googleapis.com/google.rpc.QuotaFailure")
        #expect(GRPCStatus.retryDelay(detailsBinary: otherType) == nil)
        #expect(GRPCStatus.retryDelay(detailsBinary: "not base64!") == nil)
        let status = try #require(GRPCStatus.of(httpStatus: 200, fields: GRPCStatusFields(status: "8", detailsBinary: otherType)))
        #expect(!status.isRetryable)
    }
}
