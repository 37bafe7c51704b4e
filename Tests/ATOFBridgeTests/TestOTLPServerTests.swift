import Foundation
import Glibc
import Testing

@testable import ATOFBridge

/// The fault-injecting OTLP/HTTP test server, checked with a raw-socket client (no libcurl), so
/// that exporter tests can trust what it records and answers.
@Suite struct TestOTLPServerTests {
    // MARK: - Answers and records

    @Test("answers .ok with 200, an empty protobuf body, and records method, path, headers and body")
    func okIsAnsweredAndTheRequestRecorded() throws {
        let server = try TestOTLPServer(script: [.ok])
        let body = ProtobufEncoder().encode(Self.batch(ids: 1...3))
        let client = try RawClient(port: server.port)

        try client.send(headers: [("Content-Type", "application/x-protobuf"), ("X-Tenant", "alpha")], body: body)
        let response = try client.response()

        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/x-protobuf")
        #expect(response.body.isEmpty)
        #expect(OTLPRequestDecoding.partialSuccess(inResponse: response.body) == .some(nil))
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/traces")
        #expect(request.header("CONTENT-TYPE") == "application/x-protobuf")
        #expect(request.header("x-tenant") == "alpha")
        #expect(request.body == body)
        #expect(request.decodedBody == body)
        #expect(request.spanCount == 3)
        #expect(request.outcome == .responded(status: 200))
        #expect(server.url == "http://127.0.0.1:\(server.port)/v1/traces")
    }

    @Test("applies the script in order, then repeats its last action")
    func scriptRunsInOrderAndTheLastActionRepeats() throws {
        let server = try TestOTLPServer(script: [
            .status(503, retryAfter: "1"),
            .status(400, message: "bad span"),
            .ok,
        ])
        let client = try RawClient(port: server.port)
        var responses: [RawResponse] = []
        for _ in 0..<4 {
            try client.send(body: [])
            responses.append(try client.response())
        }

        #expect(responses.map(\.status) == [503, 400, 200, 200])
        #expect(responses[0].header("retry-after") == "1")
        #expect(responses[0].body.isEmpty)
        #expect(responses[1].header("retry-after") == nil)
        let status = try #require(OTLPRequestDecoding.rpcStatusFields(responses[1].body))
        #expect(status.code == 3)
        #expect(status.message == "bad span")
        #expect(server.requests.map(\.status) == [503, 400, 200, 200])
    }

    @Test("setScript starts a new script from its first action")
    func setScriptRestartsTheScript() throws {
        let server = try TestOTLPServer(script: [.ok])
        let client = try RawClient(port: server.port)
        try client.send(body: [])
        #expect(try client.response().status == 200)

        server.setScript([.status(429, retryAfter: "2"), .status(502)])
        var statuses: [Int] = []
        for _ in 0..<3 {
            try client.send(body: [])
            statuses.append(try client.response().status)
        }

        #expect(statuses == [429, 502, 502])
    }

    @Test("answers .echoHeaders with the status and every request header as name: value lines, as text, rpc status or JSON")
    func echoHeadersEchoesEveryRequestHeader() throws {
        let server = try TestOTLPServer(script: [
            .echoHeaders(status: 401, format: .text),
            .echoHeaders(status: 401, format: .protobufStatus),
            .echoHeaders(status: 403, format: .jsonStatus),
        ])
        let client = try RawClient(port: server.port)
        var responses: [RawResponse] = []
        for _ in 0..<3 {
            try client.send(headers: [("Authorization", "Bearer abc/123"), ("X-Tenant", "blue")], body: [])
            responses.append(try client.response())
        }

        #expect(responses.map(\.status) == [401, 401, 403])
        #expect(responses[0].header("content-type") == "text/plain; charset=utf-8")
        let text = String(decoding: responses[0].body, as: UTF8.self)
        #expect(text.contains("Authorization: Bearer abc/123\n") && text.contains("X-Tenant: blue") && text.contains("Host: 127.0.0.1"))
        #expect(responses[1].header("content-type") == "application/x-protobuf")
        let status = try #require(OTLPRequestDecoding.rpcStatusFields(responses[1].body))
        #expect(status.code == 16 && status.message == text)
        #expect(responses[2].header("content-type") == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(responses[2].body)) as? [String: Any])
        #expect(json["code"] as? Int == 7 && json["message"] as? String == text)
    }

    @Test("answers .respond with exactly the given status, headers and body")
    func respondSendsWhatItIsGiven() throws {
        let server = try TestOTLPServer(script: [
            .respond(status: 415, headers: [("Content-Type", "text/plain"), ("X-Why", "json")], body: Array("no".utf8))
        ])
        let client = try RawClient(port: server.port)
        try client.send(body: [1, 2, 3])
        let response = try client.response()

        #expect(response.status == 415)
        #expect(response.header("content-type") == "text/plain")
        #expect(response.header("x-why") == "json")
        #expect(response.body == Array("no".utf8))
        #expect(server.requests.first?.spanCount == nil)  // [1, 2, 3] is not a request
    }

    // MARK: - Connections

    @Test("keeps one connection alive for several requests and counts new connections")
    func keepAliveReusesOneConnection() throws {
        let server = try TestOTLPServer(script: [.ok])
        let first = try RawClient(port: server.port)
        for _ in 0..<3 {
            try first.send(body: ProtobufEncoder().encode(Self.batch(ids: 1...1)))
            #expect(try first.response().status == 200)
        }
        #expect(server.connectionCount == 1)

        let second = try RawClient(port: server.port)
        try second.send(body: [])
        #expect(try second.response().status == 200)

        #expect(server.connectionCount == 2)
        #expect(server.requests.map(\.connection) == [1, 1, 1, 2])
        #expect(server.requests.map(\.indexOnConnection) == [1, 2, 3, 1])
    }

    @Test("closes the connection after answering a request that says Connection: close")
    func connectionCloseIsHonoured() throws {
        let server = try TestOTLPServer(script: [.ok])
        let client = try RawClient(port: server.port)
        try client.send(headers: [("Connection", "close")], body: [])
        let response = try client.response()

        #expect(response.status == 200)
        #expect(response.header("connection") == "close")
        #expect(client.reply() == .endOfFile)
    }

    @Test(".reset resets the connection without a response")
    func resetIsSeenAsAReset() throws {
        let server = try TestOTLPServer(script: [.reset, .ok])
        let client = try RawClient(port: server.port)
        try client.send(body: [])

        #expect(client.reply() == .reset)
        #expect(server.waitForOutcomes(count: 1))
        #expect(server.requests.first?.outcome == .reset)

        let next = try RawClient(port: server.port)
        try next.send(body: [])
        #expect(try next.response().status == 200)
        #expect(server.connectionCount == 2)
    }

    @Test(".closeWithoutResponse closes the connection cleanly without a response")
    func closeWithoutResponseIsSeenAsEndOfFile() throws {
        let server = try TestOTLPServer(script: [.closeWithoutResponse])
        let client = try RawClient(port: server.port)
        try client.send(body: [])

        #expect(client.reply() == .endOfFile)
        #expect(server.waitForOutcomes(count: 1))
        #expect(server.requests.first?.outcome == .closedWithoutResponse)
        #expect(server.receivedSpanIDs.isEmpty)
    }

    // MARK: - Bodies

    @Test("inflates a gzip body and counts the spans inside it")
    func gzipBodyIsInflated() throws {
        let server = try TestOTLPServer(script: [.ok])
        let plain = ProtobufEncoder().encode(Self.batch(ids: 1...20))
        let compressed = Gzip.compress(plain, level: 6) ?? []
        let client = try RawClient(port: server.port)

        try client.send(headers: [("Content-Encoding", "gzip")], body: compressed)
        #expect(try client.response().status == 200)

        let request = try #require(server.requests.first)
        #expect(request.body == compressed)
        #expect(request.body != plain)
        #expect(request.decodedBody == plain)
        #expect(request.spanCount == 20)
    }

    @Test("receives a 3 MiB body intact and keeps the connection for the next request")
    func largeBodyArrivesIntact() throws {
        let server = try TestOTLPServer(script: [.ok])
        let big = [UInt8](unsafeUninitializedCapacity: 3 << 20) { buffer, count in
            for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
            count = buffer.count
        }
        let client = try RawClient(port: server.port)

        try client.send(body: big)
        #expect(try client.response().status == 200)
        try client.send(body: [])
        #expect(try client.response().status == 200)

        #expect(server.requests.first?.body == big)
        #expect(server.connectionCount == 1)
    }

    @Test("records a malformed gzip body with no decoded body")
    func malformedGzipHasNoDecodedBody() throws {
        let server = try TestOTLPServer(script: [.ok])
        let truncated = Array((Gzip.compress(Array(repeating: 7, count: 1000), level: 6) ?? []).dropLast(6))
        let client = try RawClient(port: server.port)

        try client.send(headers: [("Content-Encoding", "gzip")], body: truncated)
        _ = try client.response()

        let request = try #require(server.requests.first)
        #expect(request.decodedBody == nil)
        #expect(request.spans == nil)
    }

    @Test("reads a chunked body and answers 100 Continue when asked")
    func chunkedBodyAndExpectContinue() throws {
        let server = try TestOTLPServer(script: [.ok])
        let body = ProtobufEncoder().encode(Self.batch(ids: 1...4))
        let split = body.count / 2
        var wire = Array(
            "POST /v1/traces HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n".utf8)
        wire += Array(String(split, radix: 16).utf8) + [13, 10] + body[..<split] + [13, 10]
        wire += Array("\(String(body.count - split, radix: 16));ext=1\r\n".utf8) + body[split...] + [13, 10]
        wire += Array("0\r\nX-Trailer: t\r\n\r\n".utf8)
        let client = try RawClient(port: server.port)

        try client.sendRaw(wire)
        let response = try client.response()

        #expect(response.status == 200)
        #expect(response.sawContinue)
        let request = try #require(server.requests.first)
        #expect(request.wasChunked)
        #expect(request.body == body)
        #expect(request.spanCount == 4)
    }

    // MARK: - Protobuf answers and span accounting

    @Test(".partialSuccess sends an ExportTraceServiceResponse that protobuf-c decodes")
    func partialSuccessDecodes() throws {
        let server = try TestOTLPServer(script: [
            .partialSuccess(rejected: 2, message: "two spans were too old"),
            .partialSuccess(rejected: 0, message: "just a warning"),
        ])
        let client = try RawClient(port: server.port)

        try client.send(body: [])
        let first = try client.response()
        try client.send(body: [])
        let second = try client.response()

        #expect(first.status == 200)
        #expect(first.header("content-type") == "application/x-protobuf")
        #expect(
            OTLPRequestDecoding.partialSuccess(inResponse: first.body)
                == OTLPPartialSuccess(rejectedSpans: 2, errorMessage: "two spans were too old"))
        #expect(
            OTLPRequestDecoding.partialSuccess(inResponse: second.body)
                == OTLPPartialSuccess(rejectedSpans: 0, errorMessage: "just a warning"))
        #expect(
            OTLPRequestDecoding.partialSuccess(
                inResponse: OTLPRequestDecoding.partialSuccessResponse(
                    rejected: Int64.max, message: "")) == OTLPPartialSuccess(rejectedSpans: Int64.max, errorMessage: ""))
    }

    @Test("counts the spans of an encoded batch and keeps the span ids of 2xx answers only")
    func spanIDsOfSuccessfulRequestsOnly() throws {
        let server = try TestOTLPServer(script: [.status(503), .ok, .partialSuccess(rejected: 1, message: "x")])
        let batchA = Self.batch(ids: 1...3)
        let batchB = Self.batch(ids: 10...11)
        let client = try RawClient(port: server.port)

        for batch in [batchA, batchA, batchB] {
            try client.send(body: ProtobufEncoder().encode(batch))
            _ = try client.response()
        }

        #expect(server.requests.map(\.spanCount) == [3, 3, 2])
        #expect(server.requests.first?.spans?.names == ["span-1", "span-2", "span-3"])
        #expect(server.requests.first?.spans?.traceIDs.first == Self.traceID.bytes)
        #expect(server.receivedSpanIDs == (batchA.spans + batchB.spans).map(\.spanID.bytes))
    }

    @Test(".splitAbove answers 413 to a request over the span limit and 200 otherwise")
    func splitAboveLimitsSpansPerRequest() throws {
        let server = try TestOTLPServer(script: [.splitAbove(spans: 3)])
        let client = try RawClient(port: server.port)
        var statuses: [Int] = []
        for ids in [1...5, 1...3, 4...5] as [ClosedRange<UInt64>] {
            try client.send(body: ProtobufEncoder().encode(Self.batch(ids: ids)))
            statuses.append(try client.response().status)
        }
        try client.send(body: [0xFF, 0xFF])
        statuses.append(try client.response().status)

        #expect(statuses == [413, 200, 200, 400])
        #expect(server.receivedSpanIDs == (1...5).map { OTLP.SpanID($0).bytes })
    }

    // MARK: - Timing

    @Test(".delay holds the answer back for the given time")
    func delayHoldsTheAnswer() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 0.3, then: .status(504))])
        let client = try RawClient(port: server.port)
        let start = Date()

        try client.send(body: [])
        let response = try client.response()

        #expect(response.status == 504)
        #expect(Date().timeIntervalSince(start) >= 0.29)
    }

    @Test("a client that gives up during .delay gets nothing and its spans do not count as received")
    func clientGoneDuringDelay() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 0.3, then: .ok)])
        do {
            let client = try RawClient(port: server.port)
            try client.send(body: ProtobufEncoder().encode(Self.batch(ids: 1...2)))
            #expect(server.waitForRequests(count: 1))
        }  // the client closes here, as a timed-out exporter would

        #expect(server.waitForOutcomes(count: 1))
        #expect(server.requests.first?.outcome == .clientGone)
        #expect(server.receivedSpanIDs.isEmpty)
    }

    @Test("stop closes the port promptly even during a delay, and is idempotent")
    func stopClosesEverything() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 30, then: .ok)])
        let client = try RawClient(port: server.port)
        try client.send(body: [])
        #expect(server.waitForRequests(count: 1))
        let start = Date()

        server.stop()
        server.stop()

        #expect(Date().timeIntervalSince(start) < 3)
        #expect(client.reply() == .endOfFile)
        #expect(server.requests.first?.outcome == .abandoned)
        #expect(RawClient.connectError(port: server.port) == ECONNREFUSED)
    }

    @Test("refusedPort is a port where connecting is refused")
    func refusedPortRefuses() {
        let port = TestOTLPServer.refusedPort()
        #expect((1...65535).contains(port))
        #expect(RawClient.connectError(port: port) == ECONNREFUSED)
    }

    // MARK: - Fixtures

    static let traceID = OTLP.TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)

    static func batch(ids: ClosedRange<UInt64>) -> OTLP.SpanBatch {
        OTLP.SpanBatch(
            resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "server-tests")]),
            spans: ids.map {
                OTLP.Span(traceID: traceID, spanID: OTLP.SpanID($0), name: "span-\($0)", startTimeUnixNano: 1, endTimeUnixNano: 2)
            })
    }
}

// MARK: - A raw-socket HTTP/1.1 client

private struct RawResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// A `100 Continue` interim response came first.
    var sawContinue: Bool

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

private enum RawReply: Equatable {
    case response(status: Int)
    case endOfFile
    case reset
    case failed(errno: Int32)
}

private struct ClientFailure: Error, CustomStringConvertible {
    var description: String
}

/// One keep-alive connection, written and read by hand.
private final class RawClient {
    let fd: Int32
    private var reader: TestSockets.Reader
    private var lastResponse: RawResponse?

    init(port: Int) throws {
        fd = try TestSockets.connectLoopback(port: port, timeout: 5)
        reader = TestSockets.Reader(fd: fd)
    }

    deinit { close(fd) }

    /// The errno of connecting to 127.0.0.1:`port`, 0 when it connects.
    static func connectError(port: Int) -> Int32 {
        do {
            close(try TestSockets.connectLoopback(port: port, timeout: 2))
            return 0
        } catch let failure as TestSockets.Failure {
            return failure.code
        } catch {
            return -1
        }
    }

    func send(
        method: String = "POST", path: String = "/v1/traces", headers: [(String, String)] = [], body: [UInt8]
    ) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        try sendRaw(Array(head.utf8) + body)
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        guard TestSockets.sendAll(fd, bytes) else { throw ClientFailure(description: "send failed: errno \(errno)") }
    }

    /// Reads the next final response (skipping 100 Continue), or says how the connection ended.
    func reply() -> RawReply {
        var sawContinue = false
        while true {
            guard let head = reader.readHead(limit: 64 * 1024) else {
                switch reader.lastError {
                case 0: return .endOfFile
                case ECONNRESET: return .reset
                default: return .failed(errno: reader.lastError)
                }
            }
            let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            let statusLine = lines[0].split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return .failed(errno: -1) }
            if status == 100 {
                sawContinue = true
                continue
            }
            let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var response = RawResponse(status: status, headers: headers, body: [], sawContinue: sawContinue)
            let length = response.header("content-length").flatMap { Int($0) } ?? 0
            guard let body = reader.readExactly(length) else { return .failed(errno: reader.lastError) }
            response.body = body
            lastResponse = response
            return .response(status: status)
        }
    }

    /// The next final response; throws when the connection ends instead.
    func response() throws -> RawResponse {
        let reply = reply()
        guard case .response = reply, let response = lastResponse else {
            throw ClientFailure(description: "no response: \(reply)")
        }
        return response
    }
}
