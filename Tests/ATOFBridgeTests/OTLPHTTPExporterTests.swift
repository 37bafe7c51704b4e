import ATOF
import ATOFBridge
import ATOFThreads
import Testing

@testable import ATOFBridge

@Suite("OTLP/HTTP exporter against a local fault server")
struct OTLPHTTPExporterTests {
    typealias Support = ExportTestSupport

    private func exporter(
        _ server: TestOTLPServer, _ adjust: (inout Bridge.Configuration) -> Void = { _ in }, logs: CapturedLogs = CapturedLogs()
    ) throws -> OTLPHTTPExporter {
        var configuration = Support.configuration(url: server.url)
        adjust(&configuration)
        return try OTLPHTTPExporter(configuration: configuration.exporter, logger: logs.logger())
    }

    @Test("a 200 delivers the batch with the exact content type, user agent, empty Expect and user headers")
    func deliversWithHeaders() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let exporter = try exporter(server) {
            $0.exporter.headers = [HTTPHeader(name: "Authorization", value: "Bearer s3cret"), HTTPHeader(name: "X-Tenant", value: "blue")]
        }
        let batch = Support.batch(count: 5)
        let result = exporter.export(batch)
        #expect(result.delivered == 5)
        #expect(result.undelivered.isEmpty && result.failure == nil && result.retries == 0)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == "/v1/traces")
        #expect(request.headerValues("Content-Type") == ["application/x-protobuf"])
        #expect(request.header("User-Agent")?.contains("OTel-OTLP-Exporter-Swift/") == true)
        #expect(request.header("User-Agent")?.hasPrefix("atof-bridge/") == true)
        #expect(request.header("Expect") == nil)
        #expect(request.header("Authorization") == "Bearer s3cret")
        #expect(request.header("X-Tenant") == "blue")
        #expect(request.header("Content-Encoding") == nil)
        #expect(request.spanIDs == Support.ids(batch.spans))
    }

    @Test("503 twice then 200: the spans arrive exactly once after two retries")
    func retriesUntilRecovery() throws {
        let server = try TestOTLPServer(script: [.status(503), .status(503), .ok])
        defer { server.stop() }
        let batch = Support.batch(count: 7)
        let result = try exporter(server).export(batch)
        #expect(result.delivered == 7 && result.retries == 2 && result.undelivered.isEmpty)
        #expect(server.requests.compactMap(\.status) == [503, 503, 200])
        #expect(server.receivedSpanIDs == Support.ids(batch.spans))
    }

    @Test("429 with Retry-After: 1 waits about a second before the retry")
    func honoursRetryAfterSeconds() throws {
        let server = try TestOTLPServer(script: [.status(429, retryAfter: "1"), .ok])
        defer { server.stop() }
        let started = MonotonicInstant.now()
        let result = try exporter(server).export(Support.batch(count: 2))
        let waited = Double(MonotonicInstant.now().nanoseconds - started.nanoseconds) / 1e9
        #expect(result.delivered == 2 && result.retries == 1)
        #expect(waited >= 0.9, "the backoff alone is 20 ms; Retry-After asks for 1 s")
    }

    @Test("a Retry-After longer than the export timeout is not waited for: the batch is undelivered")
    func retryAfterBeyondDeadlineGivesUp() throws {
        let server = try TestOTLPServer(script: [.status(503, retryAfter: "2"), .ok])
        defer { server.stop() }
        let result = try exporter(server) { $0.exporter.exportTimeout = .milliseconds(800) }.export(Support.batch(count: 3))
        #expect(result.delivered == 0 && result.undeliveredCount == 3)
        #expect(result.failure == .httpStatus(503, message: ""))
        #expect(server.requests.count == 1)
    }

    @Test("400 is not retried: the batch comes back undelivered with the server's message, logged once")
    func badRequestIsNotRetried() throws {
        let server = try TestOTLPServer(script: [.status(400, message: "span name is empty")])
        defer { server.stop() }
        let logs = CapturedLogs()
        let exporter = try exporter(server, logs: logs)
        let first = exporter.export(Support.batch(count: 4))
        let second = exporter.export(Support.batch(count: 4, first: 10))
        #expect(first.undeliveredCount == 4 && first.retries == 0)
        #expect(first.failure == .httpStatus(400, message: "span name is empty"))
        #expect(second.undeliveredCount == 4)
        #expect(server.requests.count == 2)
        #expect(logs.all.filter { $0.contains("span name is empty") }.count == 1)
    }

    @Test("413 splits the batch in halves until the parts fit; every span arrives once")
    func payloadTooLargeSplits() throws {
        let server = try TestOTLPServer(script: [.splitAbove(spans: 3)])
        defer { server.stop() }
        let batch = Support.batch(count: 10)
        let result = try exporter(server).export(batch)
        #expect(result.delivered == 10 && result.undelivered.isEmpty)
        #expect(server.requests.filter { $0.status == 200 }.allSatisfy { ($0.spanCount ?? 0) <= 3 })
        #expect(server.receivedSpanIDs.sorted { $0.lexicographicallyPrecedes($1) } == Support.ids(batch.spans))
    }

    @Test("a response slower than the request timeout is retried, then given up within the export timeout")
    func slowServerTimesOut() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 3, then: .ok)])
        defer { server.stop() }
        let started = MonotonicInstant.now()
        let result = try exporter(server) {
            $0.exporter.timeout = .milliseconds(300)
            $0.exporter.exportTimeout = .milliseconds(1_000)
        }.export(Support.batch(count: 2))
        let took = Double(MonotonicInstant.now().nanoseconds - started.nanoseconds) / 1e9
        #expect(result.undeliveredCount == 2)
        if case .timedOut = result.failure {} else { Issue.record("expected a timeout, got \(String(describing: result.failure))") }
        #expect(result.retries >= 1)
        #expect(took < 2.5)
    }

    @Test("a refused connection is retried, then reported; later exports try once until one succeeds")
    func refusedConnection() throws {
        var configuration = Support.configuration(url: "http://127.0.0.1:\(TestOTLPServer.refusedPort())/v1/traces")
        configuration.exporter.exportTimeout = .seconds(2)
        let exporter = try OTLPHTTPExporter(configuration: configuration.exporter, logger: CapturedLogs().logger())
        let first = exporter.export(Support.batch(count: 3))
        #expect(first.undeliveredCount == 3)
        #expect(first.retries >= 2)
        if case .connection = first.failure {
        } else {
            Issue.record("expected a connection failure, got \(String(describing: first.failure))")
        }
        let second = exporter.export(Support.batch(count: 3, first: 4))
        #expect(second.undeliveredCount == 3 && second.retries == 0)
    }

    @Test("after a timed-out export, later batches fail at once without a request until the probe interval passes")
    func hungCollectorCostsOneTimeout() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 3, then: .ok)])
        defer { server.stop() }
        let exporter = try exporter(server) {
            $0.exporter.timeout = .milliseconds(200)
            $0.exporter.exportTimeout = .milliseconds(500)
            $0.exporter.retry.unreachableProbeInterval = .seconds(60)
        }
        let first = exporter.export(Support.batch(count: 2))
        if case .timedOut = first.failure {} else { Issue.record("expected a timeout, got \(String(describing: first.failure))") }
        let attempts = server.requests.count
        #expect(attempts >= 1)
        for index in 0..<4 {
            let later = exporter.export(Support.batch(count: 2, first: 10 + 2 * index))
            #expect(later.undeliveredCount == 2 && later.retries == 0)
            if case .timedOut = later.failure {} else { Issue.record("expected a timeout, got \(String(describing: later.failure))") }
        }
        #expect(server.requests.count == attempts, "no request while the collector is known to hang")
    }

    @Test("with the probe interval passed, the next batch is tried once against the hung collector")
    func hungCollectorIsProbed() throws {
        let server = try TestOTLPServer(script: [.delay(seconds: 3, then: .ok)])
        defer { server.stop() }
        let exporter = try exporter(server) {
            $0.exporter.timeout = .milliseconds(200)
            $0.exporter.exportTimeout = .milliseconds(500)
            $0.exporter.retry.unreachableProbeInterval = .zero
        }
        _ = exporter.export(Support.batch(count: 2))
        let attempts = server.requests.count
        let probe = exporter.export(Support.batch(count: 2, first: 3))
        #expect(probe.undeliveredCount == 2 && probe.retries == 0)
        #expect(server.requests.count == attempts + 1)
    }

    @Test("a connection reset before the response is retried on a new connection")
    func resetIsRetried() throws {
        let server = try TestOTLPServer(script: [.reset, .ok])
        defer { server.stop() }
        let batch = Support.batch(count: 3)
        let result = try exporter(server).export(batch)
        #expect(result.delivered == 3 && result.retries == 1)
        #expect(server.receivedSpanIDs == Support.ids(batch.spans))
    }

    @Test("partial success counts the rejected spans, is not retried, and logs the message once")
    func partialSuccess() throws {
        let server = try TestOTLPServer(script: [.partialSuccess(rejected: 2, message: "2 spans had no name")])
        defer { server.stop() }
        let logs = CapturedLogs()
        let exporter = try exporter(server, logs: logs)
        let result = exporter.export(Support.batch(count: 6))
        _ = exporter.export(Support.batch(count: 6, first: 7))
        #expect(result.delivered == 4 && result.rejected == 2 && result.retries == 0 && result.undelivered.isEmpty)
        #expect(server.requests.count == 2)
        #expect(logs.all.filter { $0.contains("2 spans had no name") }.count == 1)
    }

    @Test("gzip bodies carry Content-Encoding: gzip and decompress to the same request")
    func gzipBodies() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let batch = Support.batch(count: 20)
        let result = try exporter(server) { $0.exporter.compression = .gzip }.export(batch)
        #expect(result.delivered == 20)
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(request.body.count < (request.decodedBody?.count ?? 0))
        #expect(request.decodedBody == ProtobufEncoder().encode(batch))
    }

    @Test("one connection is reused for consecutive exports (keep-alive)")
    func keepAlive() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let exporter = try exporter(server)
        for round in 0..<4 { #expect(exporter.export(Support.batch(count: 2, first: round * 2 + 1)).delivered == 2) }
        #expect(server.requests.count == 4)
        #expect(server.connectionCount == 1)
    }

    @Test("http/json sends OTLP/JSON with Content-Type application/json")
    func jsonProtocol() throws {
        let server = try TestOTLPServer(script: [
            .respond(
                status: 200, headers: [("Content-Type", "application/json")],
                body: Array(#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"late"}}"#.utf8))
        ])
        defer { server.stop() }
        let batch = Support.batch(count: 3)
        let result = try exporter(server) { $0.exporter.protocol = .httpJSON }.export(batch)
        #expect(result.delivered == 2 && result.rejected == 1)
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Type") == "application/json")
        let decoded = try OTLPJSONDecoder().decode(request.body)
        #expect(decoded.batches.first?.spans == batch.spans)
    }

    @Test("the HTTP exporter refuses grpc and names the gRPC exporter; makeExporter picks by protocol")
    func grpcIsRefused() throws {
        var configuration = Bridge.Configuration()
        configuration.exporter.protocol = .grpc
        #expect {
            _ = try OTLPHTTPExporter(configuration: configuration.exporter)
        } throws: { error in
            "\(error)".contains("OTLPGRPCExporter")
        }
        configuration.exporter.endpoint = "http://127.0.0.1:4317"
        let grpc = try configuration.exporter.makeExporter()
        #expect((grpc as? OTLPGRPCExporter)?.endpoint == "http://127.0.0.1:4317/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        configuration.exporter.protocol = .httpJSON
        #expect(try configuration.exporter.makeExporter() is OTLPHTTPExporter)
    }

    @Test("a response body over the cap is not read and the batch is undelivered")
    func responseBodyCap() throws {
        let server = try TestOTLPServer(script: [
            .respond(status: 200, headers: [("Content-Type", "application/x-protobuf")], body: [UInt8](repeating: 0x0A, count: 64 << 10))
        ])
        defer { server.stop() }
        let result = try exporter(server) { $0.exporter.maximumResponseBodySize = 1024 }.export(Support.batch(count: 2))
        #expect(result.undeliveredCount == 2)
        #expect(result.failure == .responseTooLarge(limit: 1024))
    }

    @Test("header values never reach the logs or the errors, even when the server fails")
    func secretsStayOut() throws {
        let server = try TestOTLPServer(script: [.status(401, message: "unauthorized")])
        defer { server.stop() }
        let logs = CapturedLogs()
        let exporter = try exporter(
            server, { $0.exporter.headers = [HTTPHeader(name: "Authorization", value: "Bearer TOPSECRET")] }, logs: logs)
        let result = exporter.export(Support.batch(count: 1))
        #expect(result.undeliveredCount == 1)
        #expect(!"\(String(describing: result.failure))".contains("TOPSECRET"))
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains("TOPSECRET") })
    }

    @Test("an export after shutdown fails at once without a request")
    func exportAfterShutdown() throws {
        let server = try TestOTLPServer(script: [.ok])
        defer { server.stop() }
        let exporter = try exporter(server)
        exporter.shutdown()
        exporter.shutdown()
        let result = exporter.export(Support.batch(count: 2))
        #expect(result.failure == .shutDown && result.undeliveredCount == 2)
        #expect(server.requests.isEmpty)
    }
}

@Suite("Retry-After and response parsing")
struct RetryAfterTests {
    @Test("delta-seconds and IMF-fixdate both give the wait; garbage gives none")
    func parsesBothForms() {
        let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.delay("120", now: now) == .seconds(120))
        #expect(RetryAfter.delay(" 3 ", now: now) == .seconds(3))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.httpDate("Tue, 29 Feb 2028 12:00:00 GMT") == 1_835_438_400)
        #expect(RetryAfter.delay("-5", now: now) == nil)
        #expect(RetryAfter.delay("soon", now: now) == nil)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 25:00:00 GMT", now: now) == nil)
    }

    @Test("the message of a protobuf google.rpc.Status is read from a failure body")
    func statusMessage() {
        let body = OTLPRequestDecoding.rpcStatus(code: 3, message: "bad span")
        let response = HTTPResponse(status: 400, body: body, contentType: "application/x-protobuf", retryAfter: nil)
        #expect(ExportResponse.failureMessage(response, redactor: SecretRedactor(secrets: [])) == "bad span")
        let text = HTTPResponse(status: 500, body: Array("oops\nline two".utf8), contentType: "text/plain", retryAfter: nil)
        #expect(ExportResponse.failureMessage(text, redactor: SecretRedactor(secrets: [])) == "oops line two")
    }

    @Test("backoff grows by the multiplier, stays under the cap and varies within the jitter")
    func backoffSchedule() throws {
        var configuration = Bridge.Configuration()
        configuration.exporter.retry = RetryPolicy(initialBackoff: .seconds(1), multiplier: 2, maximumBackoff: .seconds(5), jitter: 0.2)
        let exporter = try OTLPHTTPExporter(configuration: configuration.exporter)
        for (attempt, base) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)] {
            let delay = exporter.backoff(afterAttempt: attempt).secondsValue
            #expect(delay >= base * 0.8 - 1e-9 && delay <= base * 1.2 + 1e-9, "attempt \(attempt): \(delay)")
        }
    }
}
