import ATOFThreads
import CCurl
import Synchronization

/// One HTTP answer as the exporter needs it.
struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType: String?
    var retryAfter: String?
    /// The gRPC status fields, from the trailers (or the headers of a trailers-only answer).
    var grpc = GRPCStatusFields()
}

/// The raw `grpc-status`, `grpc-message` and `grpc-status-details-bin` of an answer.
struct GRPCStatusFields: Sendable, Hashable {
    var status: String?
    var message: String?
    var detailsBinary: String?
}

/// How one POST ended when it did not produce a response.
enum TransferFailure: Error, Sendable {
    case failed(ExportError)
    case cancelled
}

/// The settings a ``CurlSession`` applies once, when its handle is made.
struct CurlSessionSettings: Sendable {
    /// The `User-Agent` both OTLP exporters send.
    static let userAgent = "atof-bridge/\(ATOFBridgeVersion.current) OTel-OTLP-Exporter-Swift/\(ATOFBridgeVersion.current)"

    var url: String
    var contentType: String
    var gzip: Bool
    var headers: [HTTPHeader]
    var connectTimeout: Duration
    var tls: TLSConfiguration
    var httpVersion: HTTPVersion
    var maximumResponseBodySize: Int
    var userAgent: String
    /// Send `Accept-Encoding` and decode compressed answers (OTLP/HTTP); off for gRPC, which
    /// compresses messages itself.
    var acceptCompressedResponses = true
    /// Keep the connection for the next request. Off for h2c with prior knowledge before
    /// libcurl 8.0, which fails every request on a reused prior-knowledge connection ("Error in
    /// the HTTP2 framing layer", curl issue 10634); see ``CurlGlobal/reusesPriorKnowledgeConnections``.
    var reuseConnection = true
}

/// Flags an export in progress to stop; read by curl's progress callback and by retry waits.
final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    private let waiter = ConditionLock(false)

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() {
        flag.store(true, ordering: .releasing)
        waiter.withLock { $0 = true }
        waiter.broadcast()
    }

    /// Sleeps for `duration` unless cancelled first; returns `false` when cancelled.
    func sleep(for duration: Duration) -> Bool {
        waiter.withLock(when: { $0 }, before: .after(duration)) { _, cancelled in !cancelled }
    }
}

/// What curl's callbacks write into during one transfer.
private final class TransferSink {
    var body: [UInt8] = []
    var contentType: String?
    var retryAfter: String?
    var grpc = GRPCStatusFields()
    var bodyTooLarge = false
    let limit: Int
    let cancellation: Cancellation

    init(limit: Int, cancellation: Cancellation) {
        self.limit = limit
        self.cancellation = cancellation
    }

    func reset() {
        body.removeAll(keepingCapacity: true)
        contentType = nil
        retryAfter = nil
        grpc = GRPCStatusFields()
        bodyTooLarge = false
    }

    /// Keeps the headers (and HTTP/2 trailers, which libcurl passes the same way) the exporters
    /// read; a new status line (after a 100 or a redirect) starts over.
    func header(_ line: String) {
        if line.hasPrefix("HTTP/") {
            contentType = nil
            retryAfter = nil
            grpc = GRPCStatusFields()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        switch name {
        case "content-type": contentType = value
        case "retry-after": retryAfter = value
        case "grpc-status": grpc.status = value
        case "grpc-message": grpc.message = value
        case "grpc-status-details-bin": grpc.detailsBinary = value
        default: break
        }
    }
}

/// One reused libcurl easy handle that POSTs OTLP bodies to one URL (HTTP keep-alive; one HTTP/2
/// connection for gRPC).
///
/// Not thread-safe: its owner (``OTLPHTTPExporter``, ``OTLPGRPCExporter``) uses it from one thread at a time.
final class CurlSession {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerLines: [String] = []
    private let sink: TransferSink
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(settings: CurlSessionSettings, cancellation: Cancellation) throws(ExportError) {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else { throw .request("libcurl could not create a handle (out of memory)") }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        sink = TransferSink(limit: settings.maximumResponseBodySize, cancellation: cancellation)
        try configure(settings)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure(_ settings: CurlSessionSettings) throws(ExportError) {
        var lines = ["Content-Type: \(settings.contentType)", "Expect:"]
        if settings.gzip { lines.append("Content-Encoding: gzip") }
        for header in settings.headers { lines.append("\(header.name): \(header.value)") }
        headerLines = lines
        headerList = try Self.list(lines)
        let userData = Unmanaged.passUnretained(sink).toOpaque()
        var codes: [CURLcode] = [
            ccurl_easy_setopt_string(handle, CURLOPT_URL, settings.url),
            ccurl_easy_setopt_long(handle, CURLOPT_POST, 1),
            ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList),
            ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, settings.userAgent),
            ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
            ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout)),
            ccurl_easy_setopt_write_function(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                let sink = Unmanaged<TransferSink>.fromOpaque(user).takeUnretainedValue()
                let length = size * count
                guard sink.body.count + length <= sink.limit else {
                    sink.bodyTooLarge = true
                    return 0
                }
                data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                return length
            },
            ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, userData),
            ccurl_easy_setopt_header_function(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                let length = size * count
                let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                Unmanaged<TransferSink>.fromOpaque(user).takeUnretainedValue().header(line)
                return length
            },
            ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userData),
            ccurl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            ccurl_easy_setopt_xferinfo_function(handle) { user, _, _, _, _ in
                guard let user else { return 0 }
                return Unmanaged<TransferSink>.fromOpaque(user).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
            },
            ccurl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, userData),
        ]
        codes.append(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        if !settings.reuseConnection { codes.append(ccurl_easy_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)) }
        if settings.acceptCompressedResponses { codes.append(ccurl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")) }
        switch settings.httpVersion {
        case .automatic: break
        case .http1_1: codes.append(ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        case .http2: codes.append(ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_0))
        case .http2PriorKnowledge:
            codes.append(ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE))
        }
        if let caFile = settings.tls.caFile { codes.append(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        if let certificate = settings.tls.clientCertificate, let key = settings.tls.clientKey {
            codes.append(ccurl_easy_setopt_string(handle, CURLOPT_SSLCERT, certificate))
            codes.append(ccurl_easy_setopt_string(handle, CURLOPT_SSLKEY, key))
        }
        if settings.tls.insecureSkipVerify {
            codes.append(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0))
            codes.append(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw .request("libcurl rejected an option: \(String(cString: curl_easy_strerror(bad))); check the endpoint and TLS settings")
        }
    }

    /// POSTs `body` and waits for the answer, at most `timeout` (`nil`: no limit).
    /// `extraHeaders` (`Name: value` lines, e.g. gRPC's `grpc-timeout`) are sent with this
    /// request only, after the session's own.
    func post(_ body: [UInt8], timeout: Duration?, extraHeaders: [String] = []) -> Result<HTTPResponse, TransferFailure> {
        sink.reset()
        errorBuffer[0] = 0
        var requestList: UnsafeMutablePointer<curl_slist>?
        if !extraHeaders.isEmpty {
            guard let list = try? Self.list(headerLines + extraHeaders) else {
                return .failure(.failed(.request("libcurl could not store a header (out of memory)")))
            }
            requestList = list
            _ = ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        }
        defer {
            if let requestList {
                _ = ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
                curl_slist_free_all(requestList)
            }
        }
        _ = ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout.map(Self.milliseconds) ?? 0)
        // curl does not copy POSTFIELDS: the body stays alive until perform returns.
        let code = body.withUnsafeBytes { bytes -> CURLcode in
            _ = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = ccurl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
            return curl_easy_perform(handle)
        }
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
        if code == CURLE_OK {
            var status = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .success(
                HTTPResponse(status: status, body: sink.body, contentType: sink.contentType, retryAfter: sink.retryAfter, grpc: sink.grpc))
        }
        return .failure(classify(code))
    }

    /// A libcurl header list holding `lines`.
    private static func list(_ lines: [String]) throws(ExportError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .request("libcurl could not store a header (out of memory)")
            }
            list = longer
        }
        return list
    }

    private func classify(_ code: CURLcode) -> TransferFailure {
        let detail = String(cString: errorBuffer)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_WRITE_ERROR where sink.bodyTooLarge:
            return .failed(.responseTooLarge(limit: sink.limit))
        case CURLE_OPERATION_TIMEDOUT:
            return .failed(.timedOut(text))
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_GOT_NOTHING,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .failed(.connection(text))
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .failed(.tls(text))
        default:
            return .failed(.request("\(text) (libcurl error \(code.rawValue))"))
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(clamping: max(1, duration.wholeNanoseconds / 1_000_000))
    }
}

/// `curl_global_init` once per process, before the first handle (it is not thread-safe itself).
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func initializeOnce() { _ = initialized }

    /// Whether this libcurl can send a second request on an HTTP/2 prior-knowledge (h2c)
    /// connection: 8.0 and later (7.88 fails it with "Error in the HTTP2 framing layer").
    static var reusesPriorKnowledgeConnections: Bool {
        initializeOnce()
        guard let info = curl_version_info(CURLVERSION_FIRST) else { return false }
        return info.pointee.version_num >= 0x08_00_00
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        // `\r\n` is one Character, so test with isWhitespace rather than comparing with "\r".
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
