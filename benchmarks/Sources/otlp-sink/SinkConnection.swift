import BenchSupport

/// Serves one keep-alive connection: each POST body is counted and answered `200` with
/// `Content-Type: application/x-protobuf` and an empty body; `GET /stats` answers the counters.
struct SinkConnection: ~Copyable {
    private static let exportResponse = Array("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n".utf8)
    private static let exportResponseClosing = Array(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    private let socket: Socket
    private let counters: SinkCounters
    private var reader: HTTPMessageReader
    private var inflater: GzipInflater?

    init(socket: Socket, counters: SinkCounters) {
        self.socket = socket
        self.counters = counters
        reader = HTTPMessageReader(socket: socket)
    }

    /// Answers requests until the peer closes, asks to close, or sends something unparseable.
    mutating func serve() {
        while true {
            let message: HTTPMessageReader.Message
            do {
                message = try reader.next()
            } catch .malformed(let reason) {
                _ = socket.writeAll(Self.plain(status: "400 Bad Request", reason, close: true))
                return
            } catch {
                return  // closed or truncated
            }
            let close = message.head.wantsClose
            let ok: Bool
            switch message.head.first {
            case "POST":
                ok = answerExport(message, close: close)
            case "GET" where message.head.second == "/stats":
                ok = socket.writeAll(Self.plain(status: "200 OK", counters.snapshot.json, type: "application/json", close: close))
            default:
                ok = socket.writeAll(Self.plain(status: "404 Not Found", "POST OTLP/HTTP protobuf, or GET /stats", close: close))
            }
            if !ok || close { return }
        }
    }

    private mutating func answerExport(_ message: HTTPMessageReader.Message, close: Bool) -> Bool {
        var payload = message.body
        if let encoding = message.head.value(of: "content-encoding"), encoding.lowercased() == "gzip" {
            if inflater == nil { inflater = GzipInflater() }
            guard let inflated = inflater?.inflate(message.body) else {
                counters.recordMalformed(bytes: message.body.count)
                return socket.writeAll(Self.plain(status: "400 Bad Request", "body is not valid gzip", close: close))
            }
            payload = inflated
        }
        let spans: Int
        do {
            spans = try SpanCounter.countSpans(in: payload)
        } catch {
            counters.recordMalformed(bytes: message.body.count)
            return socket.writeAll(Self.plain(status: "400 Bad Request", "not an ExportTraceServiceRequest: \(error)", close: close))
        }
        // Counted before answering, so a client that has its 200 can read the new totals.
        counters.recordExport(spans: spans, bytes: message.body.count)
        let response = close ? Self.exportResponseClosing : Self.exportResponse
        return response.withUnsafeBytes { socket.writeAll($0) }
    }

    private static func plain(status: String, _ body: String, type: String = "text/plain", close: Bool) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
            + (close ? "Connection: close\r\n" : "") + "\r\n" + body
    }
}
