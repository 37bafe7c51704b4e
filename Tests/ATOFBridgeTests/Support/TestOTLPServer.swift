import Foundation
import Glibc

@testable import ATOFBridge

/// A scripted OTLP/HTTP receiver on 127.0.0.1 for the exporter's fault tests.
///
/// Plain POSIX sockets: one accept thread, one thread per connection, HTTP/1.1 with keep-alive
/// (bodies by `Content-Length` or chunked, `Expect: 100-continue` answered). Each request takes the
/// next `Action` of the script, the last one repeating. Every request is recorded, its body
/// gunzipped when it says `Content-Encoding: gzip` and its spans read with protobuf-c.
///
/// Everything is bounded: sockets time out on receive and send, `stop()` (also run by `deinit`)
/// wakes every thread and waits for them a few seconds at most.
///
/// ```swift
/// let server = try TestOTLPServer(script: [.status(503, retryAfter: "1"), .ok])
/// // ... export to server.url ...
/// #expect(server.waitForRequests(count: 2))
/// #expect(server.requests.map(\.status) == [503, 200])
/// ```
final class TestOTLPServer: @unchecked Sendable {
    /// What the server does with one request.
    indirect enum Action: Sendable {
        /// Exactly this status, these headers and this body (`Content-Length` is added unless
        /// given, `Connection: close` when the connection will close).
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// 200 with an empty `ExportTraceServiceResponse`: empty body, `Content-Type: application/x-protobuf`.
        case ok
        /// 200 with an `ExportTraceServiceResponse` whose `partial_success` holds these values.
        case partialSuccess(rejected: Int64, message: String)
        /// This status with `Content-Type: application/x-protobuf`, an optional `Retry-After`, and a
        /// `google.rpc.Status` body carrying `message` (no body when it is empty).
        case status(Int, retryAfter: String? = nil, message: String = "")
        /// Sleeps, then does `then`. If the client has gone meanwhile nothing is sent and the
        /// request's outcome is `.clientGone`. `stop()` cuts the sleep short.
        case delay(seconds: Double, then: Action)
        /// Closes with `SO_LINGER {1, 0}` without answering: the client sees a connection reset.
        case reset
        /// Closes the connection normally without answering: the client sees end of file.
        case closeWithoutResponse
        /// 413 when the request carries more than `spans` spans, `.ok` otherwise (400 when the
        /// body is not an `ExportTraceServiceRequest`).
        case splitAbove(spans: Int)
        /// This status (e.g. 401) with a body that echoes every request header as `name: value`
        /// lines, the way some gateways answer: credentials included.
        case echoHeaders(status: Int, format: EchoFormat)
    }

    /// How ``Action/echoHeaders(status:format:)`` sends the echoed headers.
    enum EchoFormat: Sendable {
        /// `Content-Type: text/plain`, the lines as the body.
        case text
        /// `Content-Type: application/x-protobuf`, a `google.rpc.Status` whose message is the lines.
        case protobufStatus
        /// `Content-Type: application/json`, `{"code": N, "message": "<the lines>"}`.
        case jsonStatus
    }

    /// How the server finished with a request.
    enum Outcome: Sendable, Hashable {
        /// A response with this status was sent (the outcome is set just before the bytes go out).
        case responded(status: Int)
        /// The response could not be written (the client had gone).
        case sendFailed(status: Int)
        /// `.reset`: closed with a reset, no response.
        case reset
        /// `.closeWithoutResponse`: closed, no response.
        case closedWithoutResponse
        /// The client closed the connection during a `.delay`; nothing was sent.
        case clientGone
        /// The server was stopped during a `.delay`; nothing was sent.
        case abandoned
    }

    /// One request as received.
    struct Request: Sendable {
        var method: String
        /// The request target, e.g. `/v1/traces`.
        var path: String
        var version: String
        /// Header fields in order, names as sent.
        var headers: [(name: String, value: String)]
        /// The body as received (still compressed if it was; de-chunked if it was chunked).
        var body: [UInt8]
        /// The body after `Content-Encoding: gzip` is undone (the body itself otherwise); `nil`
        /// when the gzip stream is malformed.
        var decodedBody: [UInt8]?
        /// The body came with `Transfer-Encoding: chunked`.
        var wasChunked: Bool
        /// The spans of `decodedBody` read as an `ExportTraceServiceRequest`; `nil` when it is not one.
        var spans: OTLPSpanSummary?
        /// The accepted connection it arrived on, counting from 1.
        var connection: Int
        /// Its place among the requests of that connection, counting from 1.
        var indexOnConnection: Int
        /// What the server did; `nil` while the request is still being handled.
        var outcome: Outcome?

        /// The value of the first header named `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The values of every header named `name` (case-insensitive), in order.
        func headerValues(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        /// The status of the response sent, if one was.
        var status: Int? {
            if case .responded(let status) = outcome { return status }
            return nil
        }

        var spanCount: Int? { spans?.count }
        var spanIDs: [[UInt8]] { spans?.spanIDs ?? [] }
    }

    /// The port the server listens on (127.0.0.1 only).
    let port: Int
    /// `http://127.0.0.1:PORT/v1/traces`.
    var url: String { url(path: "/v1/traces") }

    private let core: Core

    /// Starts listening on an ephemeral port of 127.0.0.1.
    /// - Parameters:
    ///   - script: one action per request in order; the last repeats (an empty script means `[.ok]`).
    ///   - socketTimeout: receive and send timeout of every connection, in seconds (an idle
    ///     keep-alive connection is closed after it).
    init(script: [Action] = [.ok], socketTimeout: Double = 10) throws {
        let listener = try TestSockets.listenOnLoopback()
        port = listener.port
        core = Core(listenFD: listener.fd, script: script, socketTimeout: socketTimeout)
        core.start()
    }

    deinit {
        core.stop()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Replaces the script; the next request takes its first action.
    func setScript(_ script: [Action]) { core.setScript(script) }

    /// Closes the listening socket and every connection and waits (at most a few seconds) for the
    /// threads to end. Idempotent.
    func stop() { core.stop() }

    /// Every request received so far, in arrival order.
    var requests: [Request] { core.locked { $0.records } }

    /// How many connections were accepted so far (keep-alive keeps this at 1 for one client).
    var connectionCount: Int { core.locked { $0.connections } }

    /// The span ids of the requests answered with a 2xx status, in request order (a partial
    /// success counts: the server answered 200).
    var receivedSpanIDs: [[UInt8]] {
        core.locked { core in
            core.records.filter { (200..<300).contains($0.status ?? 0) }.flatMap(\.spanIDs)
        }
    }

    /// Waits until at least `count` requests have arrived (not necessarily been answered).
    @discardableResult
    func waitForRequests(count: Int, timeout: Double = 5) -> Bool {
        core.wait(timeout: timeout) { $0.records.count >= count }
    }

    /// Waits until at least `count` requests have arrived and been finished with (an outcome set).
    @discardableResult
    func waitForOutcomes(count: Int, timeout: Double = 5) -> Bool {
        core.wait(timeout: timeout) { core in
            core.records.count >= count && core.records.prefix(count).allSatisfy { $0.outcome != nil }
        }
    }

    /// A port on 127.0.0.1 where nothing listens (an ephemeral port bound once and released).
    static func refusedPort() -> Int {
        TestSockets.releasedLoopbackPort()
    }
}

// MARK: - The state the threads share

extension TestOTLPServer {
    /// Everything the threads touch, behind one condition lock. Threads hold the core, not the
    /// server, so the server's `deinit` can run and stop them.
    fileprivate final class Core: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`:
        fileprivate var records: [Request] = []
        fileprivate var connections = 0
        private var script: [Action]
        private var scriptCursor = 0
        private var listenFD: Int32
        private var openConnections: Set<Int32> = []
        private var stopping = false
        private var activeThreads = 0

        let socketTimeout: Double
        static let maxHeadBytes = 64 * 1024
        static let maxBodyBytes = 128 * 1024 * 1024

        init(listenFD: Int32, script: [Action], socketTimeout: Double) {
            self.listenFD = listenFD
            self.script = script.isEmpty ? [.ok] : script
            self.socketTimeout = socketTimeout
        }

        func locked<T>(_ body: (Core) throws -> T) rethrows -> T {
            condition.lock()
            defer { condition.unlock() }
            return try body(self)
        }

        func wait(timeout: Double, until predicate: (Core) -> Bool) -> Bool {
            let deadline = Date(timeIntervalSinceNow: timeout)
            condition.lock()
            defer { condition.unlock() }
            while !predicate(self) {
                if !condition.wait(until: deadline) { return predicate(self) }
            }
            return true
        }

        func setScript(_ newScript: [Action]) {
            locked {
                $0.script = newScript.isEmpty ? [.ok] : newScript
                $0.scriptCursor = 0
            }
        }

        // MARK: Threads

        func start() {
            spawn { core in core.acceptLoop() }
        }

        /// Starts a thread running `body`, counted until it returns; `false` when stopping.
        @discardableResult
        private func spawn(_ body: @escaping @Sendable (Core) -> Void) -> Bool {
            condition.lock()
            guard !stopping else {
                condition.unlock()
                return false
            }
            activeThreads += 1
            condition.unlock()
            let thread = Thread { [self] in
                body(self)
                condition.lock()
                activeThreads -= 1
                condition.broadcast()
                condition.unlock()
            }
            thread.name = "TestOTLPServer"
            thread.start()
            return true
        }

        func stop() {
            condition.lock()
            if !stopping {
                stopping = true
                // Wake the accept loop and every blocked recv/send; each thread closes its own
                // descriptor (after taking it out of these sets under the lock, so no descriptor
                // number is shut down after it was closed and reused).
                if listenFD >= 0 { _ = shutdown(listenFD, Int32(SHUT_RDWR)) }
                for fd in openConnections { _ = shutdown(fd, Int32(SHUT_RDWR)) }
                condition.broadcast()
            }
            let deadline = Date(timeIntervalSinceNow: 5)
            while activeThreads > 0 {
                if !condition.wait(until: deadline) { break }
            }
            condition.unlock()
        }

        private var isStopping: Bool { locked { $0.stopping } }

        private func acceptLoop() {
            let fd = locked { $0.listenFD }
            defer {
                locked { $0.listenFD = -1 }
                close(fd)
            }
            while !isStopping {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, 50)
                if ready <= 0 { continue }
                let connection = accept(fd, nil, nil)
                if connection < 0 { continue }
                TestSockets.setTimeouts(connection, seconds: socketTimeout)
                let id: Int? = locked { core in
                    guard !core.stopping else { return nil }
                    core.connections += 1
                    core.openConnections.insert(connection)
                    core.condition.broadcast()
                    return core.connections
                }
                guard let id, spawn({ core in core.serve(fd: connection, connection: id) }) else {
                    locked { _ = $0.openConnections.remove(connection) }
                    close(connection)
                    continue
                }
            }
        }

        // MARK: One connection

        private enum Next { case keepGoing, close, closed }

        private func serve(fd: Int32, connection: Int) {
            var reader = TestSockets.Reader(fd: fd)
            var closed = false
            defer {
                if !closed {
                    locked { _ = $0.openConnections.remove(fd) }
                    close(fd)
                }
            }
            var indexOnConnection = 0
            while !isStopping {
                guard let head = reader.readHead(limit: Self.maxHeadBytes) else { return }
                guard let parsed = HTTPHead(head) else {
                    _ = sendResponse(fd: fd, record: nil, status: 400, headers: [], body: [], keepAlive: false)
                    return
                }
                if parsed.header("expect")?.lowercased() == "100-continue" {
                    guard TestSockets.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                let chunked = parsed.header("transfer-encoding")?.lowercased().contains("chunked") ?? false
                let body: [UInt8]
                if chunked {
                    guard let bytes = reader.readChunkedBody(limit: Self.maxBodyBytes) else { return }
                    body = bytes
                } else if let lengthText = parsed.header("content-length") {
                    guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                        _ = sendResponse(fd: fd, record: nil, status: 400, headers: [], body: [], keepAlive: false)
                        return
                    }
                    guard length <= Self.maxBodyBytes else {
                        _ = sendResponse(fd: fd, record: nil, status: 413, headers: [], body: [], keepAlive: false)
                        return
                    }
                    guard let bytes = reader.readExactly(length) else { return }
                    body = bytes
                } else {
                    body = []
                }

                let gzipped = parsed.header("content-encoding")?.lowercased() == "gzip"
                let decoded = gzipped ? Gzip.decompress(body) : body
                indexOnConnection += 1
                let request = Request(
                    method: parsed.method, path: parsed.path, version: parsed.version, headers: parsed.headers,
                    body: body, decodedBody: decoded, wasChunked: chunked,
                    spans: decoded.flatMap(OTLPRequestDecoding.spanSummary),
                    connection: connection, indexOnConnection: indexOnConnection, outcome: nil)
                let (record, action) = locked { core -> (Int, Action) in
                    core.records.append(request)
                    let action = core.script[min(core.scriptCursor, core.script.count - 1)]
                    core.scriptCursor += 1
                    core.condition.broadcast()
                    return (core.records.count - 1, action)
                }
                let keepAlive = parsed.wantsKeepAlive
                switch perform(action, fd: fd, record: record, request: request, keepAlive: keepAlive) {
                case .keepGoing: continue
                case .close: return
                case .closed:
                    closed = true
                    return
                }
            }
        }

        private func perform(_ action: Action, fd: Int32, record: Int, request: Request, keepAlive: Bool) -> Next {
            let protobuf = ("Content-Type", "application/x-protobuf")
            switch action {
            case .respond(let status, let headers, let body):
                return sendResponse(fd: fd, record: record, status: status, headers: headers, body: body, keepAlive: keepAlive)
            case .ok:
                return sendResponse(fd: fd, record: record, status: 200, headers: [protobuf], body: [], keepAlive: keepAlive)
            case .partialSuccess(let rejected, let message):
                let body = OTLPRequestDecoding.partialSuccessResponse(rejected: rejected, message: message)
                return sendResponse(fd: fd, record: record, status: 200, headers: [protobuf], body: body, keepAlive: keepAlive)
            case .status(let status, let retryAfter, let message):
                var headers = [protobuf]
                if let retryAfter { headers.append(("Retry-After", retryAfter)) }
                let body =
                    message.isEmpty ? [] : OTLPRequestDecoding.rpcStatus(code: Self.grpcCode(forHTTPStatus: status), message: message)
                return sendResponse(fd: fd, record: record, status: status, headers: headers, body: body, keepAlive: keepAlive)
            case .splitAbove(let limit):
                guard let count = request.spans?.count else {
                    return perform(
                        .status(400, message: "the body is not an ExportTraceServiceRequest"),
                        fd: fd, record: record, request: request, keepAlive: keepAlive)
                }
                let next: Action = count > limit ? .status(413, message: "\(count) spans, more than \(limit)") : .ok
                return perform(next, fd: fd, record: record, request: request, keepAlive: keepAlive)
            case .echoHeaders(let status, let format):
                let lines = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                let code = Self.grpcCode(forHTTPStatus: status)
                let (contentType, body): (String, [UInt8])
                switch format {
                case .text:
                    (contentType, body) = ("text/plain; charset=utf-8", Array(lines.utf8))
                case .protobufStatus:
                    (contentType, body) = ("application/x-protobuf", OTLPRequestDecoding.rpcStatus(code: code, message: lines))
                case .jsonStatus:
                    let object: [String: Any] = ["code": Int(code), "message": lines]
                    let json = (try? JSONSerialization.data(withJSONObject: object)).map { [UInt8]($0) } ?? []
                    (contentType, body) = ("application/json", json)
                }
                return sendResponse(
                    fd: fd, record: record, status: status, headers: [("Content-Type", contentType)], body: body, keepAlive: keepAlive)
            case .delay(let seconds, let then):
                let deadline = Date(timeIntervalSinceNow: seconds)
                let interrupted = locked { core -> Bool in
                    while !core.stopping, core.condition.wait(until: deadline) {}
                    return core.stopping
                }
                if interrupted {
                    setOutcome(.abandoned, record: record)
                    return .close
                }
                if !TestSockets.peerIsConnected(fd) {
                    setOutcome(.clientGone, record: record)
                    return .close
                }
                return perform(then, fd: fd, record: record, request: request, keepAlive: keepAlive)
            case .reset:
                setOutcome(.reset, record: record)
                locked { _ = $0.openConnections.remove(fd) }
                var abort = linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
                close(fd)
                return .closed
            case .closeWithoutResponse:
                setOutcome(.closedWithoutResponse, record: record)
                return .close
            }
        }

        private func setOutcome(_ outcome: Outcome, record: Int) {
            locked { core in
                core.records[record].outcome = outcome
                core.condition.broadcast()
            }
        }

        /// Writes one response; the outcome is recorded before the bytes go out so that a client
        /// that has read the response always finds it recorded.
        private func sendResponse(
            fd: Int32, record: Int?, status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool
        ) -> Next {
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
                head += "Content-Length: \(body.count)\r\n"
            }
            if !keepAlive { head += "Connection: close\r\n" }
            head += "\r\n"
            if let record { setOutcome(.responded(status: status), record: record) }
            guard TestSockets.sendAll(fd, Array(head.utf8) + body) else {
                if let record { setOutcome(.sendFailed(status: status), record: record) }
                return .close
            }
            return keepAlive ? .keepGoing : .close
        }

        private static func reason(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 202: "Accepted"
            case 204: "No Content"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 408: "Request Timeout"
            case 413: "Content Too Large"
            case 415: "Unsupported Media Type"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            case 504: "Gateway Timeout"
            default: "Status"
            }
        }

        /// The gRPC code an OTLP/HTTP server would put in `google.rpc.Status` for this HTTP status.
        private static func grpcCode(forHTTPStatus status: Int) -> Int32 {
            switch status {
            case 400: 3  // INVALID_ARGUMENT
            case 401: 16  // UNAUTHENTICATED
            case 403: 7  // PERMISSION_DENIED
            case 404: 5  // NOT_FOUND
            case 413, 429: 8  // RESOURCE_EXHAUSTED
            case 501: 12  // UNIMPLEMENTED
            case 502, 503: 14  // UNAVAILABLE
            case 504: 4  // DEADLINE_EXCEEDED
            default: 2  // UNKNOWN
            }
        }
    }
}

// MARK: - HTTP request head

/// A parsed request line and header section.
private struct HTTPHead {
    var method: String
    var path: String
    var version: String
    var headers: [(name: String, value: String)]

    init?(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/") else { return nil }
        method = String(requestLine[0])
        path = String(requestLine[1])
        version = String(requestLine[2])
        headers = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var wantsKeepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}

// MARK: - Sockets

/// Small POSIX socket helpers shared by the test server and raw-socket test clients.
enum TestSockets {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var code: Int32
        var description: String { "\(operation) failed: \(String(cString: strerror(code))) (\(code))" }
    }

    static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }

    static func newSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(operation: "socket", code: errno) }
        return fd
    }

    /// A listening socket on an ephemeral port of 127.0.0.1.
    static func listenOnLoopback() throws -> (fd: Int32, port: Int) {
        let fd = try newSocket()
        do {
            var on: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let port = try bindLoopback(fd)
            guard listen(fd, 64) == 0 else { throw Failure(operation: "listen", code: errno) }
            return (fd, port)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Binds `fd` to 127.0.0.1 on an ephemeral port and returns the port.
    static func bindLoopback(_ fd: Int32) throws -> Int {
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw Failure(operation: "bind", code: errno) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(operation: "getsockname", code: errno) }
        return Int(UInt16(bigEndian: actual.sin_port))
    }

    static func releasedLoopbackPort() -> Int {
        guard let fd = try? newSocket() else { preconditionFailure("socket failed") }
        defer { close(fd) }
        guard let port = try? bindLoopback(fd) else { preconditionFailure("bind failed") }
        return port
    }

    /// A connected socket to 127.0.0.1:`port`, with receive and send timeouts.
    static func connectLoopback(port: Int, timeout: Double = 5) throws -> Int32 {
        let fd = try newSocket()
        setTimeouts(fd, seconds: timeout)
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw Failure(operation: "connect", code: code)
        }
        return fd
    }

    static func setTimeouts(_ fd: Int32, seconds: Double) {
        let whole = Int(seconds)
        var time = timeval(tv_sec: whole, tv_usec: suseconds_t((seconds - Double(whole)) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes` (no SIGPIPE); `false` when the peer has gone or the send timed out.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    /// Whether the peer still has the connection open (it has not sent FIN or RST).
    static func peerIsConnected(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let peeked = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if peeked > 0 { return true }
        if peeked == 0 { return false }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
    }

    /// Buffered reads from one socket.
    struct Reader {
        let fd: Int32
        private(set) var buffer: [UInt8] = []
        /// The errno of the last failed read, 0 after end of file.
        private(set) var lastError: Int32 = 0
        private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

        init(fd: Int32) { self.fd = fd }

        /// Reads more bytes into the buffer; `false` on end of file, error or timeout.
        mutating func fill() -> Bool {
            while true {
                let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if received > 0 {
                    buffer.append(contentsOf: chunk[0..<received])
                    return true
                }
                if received < 0, errno == EINTR { continue }
                lastError = received == 0 ? 0 : errno
                return false
            }
        }

        /// The bytes before the next CRLF CRLF (consumed with it); `nil` on EOF, error or over `limit`.
        mutating func readHead(limit: Int) -> [UInt8]? {
            var searchFrom = 0
            while true {
                if buffer.count >= 4 {
                    var index = max(searchFrom, 0)
                    while index + 3 < buffer.count {
                        if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                            let head = Array(buffer[0..<index])
                            buffer.removeFirst(index + 4)
                            return head
                        }
                        index += 1
                    }
                    searchFrom = buffer.count - 3
                }
                if buffer.count > limit { return nil }
                guard fill() else { return nil }
            }
        }

        /// The next line without its CRLF; `nil` on EOF, error or over `limit`.
        mutating func readLine(limit: Int) -> [UInt8]? {
            while true {
                if let newline = buffer.firstIndex(of: 10), newline > 0, buffer[newline - 1] == 13 {
                    let line = Array(buffer[0..<newline - 1])
                    buffer.removeFirst(newline + 1)
                    return line
                }
                if buffer.count > limit { return nil }
                guard fill() else { return nil }
            }
        }

        /// Exactly `count` bytes; `nil` if the connection ends first.
        mutating func readExactly(_ count: Int) -> [UInt8]? {
            while buffer.count < count {
                guard fill() else { return nil }
            }
            let bytes = Array(buffer[0..<count])
            buffer.removeFirst(count)
            return bytes
        }

        /// A `Transfer-Encoding: chunked` body, trailers skipped; `nil` when malformed or over `limit`.
        mutating func readChunkedBody(limit: Int) -> [UInt8]? {
            var body: [UInt8] = []
            while true {
                guard let line = readLine(limit: 4096) else { return nil }
                let sizeText =
                    String(decoding: line, as: UTF8.self)
                    .split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0,
                    body.count + size <= limit
                else { return nil }
                if size == 0 {
                    while true {
                        guard let trailer = readLine(limit: 4096) else { return nil }
                        if trailer.isEmpty { return body }
                    }
                }
                guard let data = readExactly(size), let end = readExactly(2), end == [13, 10] else { return nil }
                body.append(contentsOf: data)
            }
        }
    }
}
