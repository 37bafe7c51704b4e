/// The sink's counters, as served at `GET /stats`.
public struct SinkStats: Sendable, Equatable {
    /// Requests answered (POSTs counted, whatever their path).
    public var requests: Int
    /// Spans counted in the request bodies.
    public var spans: Int
    /// Request body bytes received (as sent: compressed when gzip).
    public var bytes: Int
    /// Bodies that were not a valid ExportTraceServiceRequest (answered 400, spans not counted).
    public var malformed: Int
    /// The sink process's CPU time (user + system) so far, microseconds.
    public var cpuMicroseconds: Int

    public init(requests: Int = 0, spans: Int = 0, bytes: Int = 0, malformed: Int = 0, cpuMicroseconds: Int = 0) {
        self.requests = requests
        self.spans = spans
        self.bytes = bytes
        self.malformed = malformed
        self.cpuMicroseconds = cpuMicroseconds
    }

    /// The JSON object served at `/stats`.
    public var json: String {
        "{\"requests\":\(requests),\"spans\":\(spans),\"bytes\":\(bytes),\"malformed\":\(malformed),\"cpu_us\":\(cpuMicroseconds)}"
    }

    /// Reads the JSON object written by ``json``.
    public init?(json: String) {
        let members = json.split(separator: ",")
        func number(_ key: String) -> Int? {
            let name = "\"\(key)\":"
            guard let member = members.first(where: { $0.drop { $0 == "{" || $0 == " " }.hasPrefix(name) }) else { return nil }
            return Int(member.drop { $0 == "{" || $0 == " " }.dropFirst(name.count).prefix { $0.isNumber })
        }
        guard let requests = number("requests"), let spans = number("spans"), let bytes = number("bytes") else { return nil }
        self.init(
            requests: requests, spans: spans, bytes: bytes, malformed: number("malformed") ?? 0,
            cpuMicroseconds: number("cpu_us") ?? 0)
    }

    /// `self - earlier`, field by field.
    public func since(_ earlier: SinkStats) -> SinkStats {
        SinkStats(
            requests: requests - earlier.requests, spans: spans - earlier.spans,
            bytes: bytes - earlier.bytes, malformed: malformed - earlier.malformed,
            cpuMicroseconds: cpuMicroseconds - earlier.cpuMicroseconds)
    }

    /// Fetches `GET /stats` from the sink that serves `endpoint` (any path on the same server).
    public static func fetch(from endpoint: HTTPEndpoint) -> SinkStats? {
        guard let socket = Socket.connect(to: endpoint) else { return nil }
        let request = "GET /stats HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\nConnection: close\r\n\r\n"
        guard socket.writeAll(request) else { return nil }
        var reader = HTTPMessageReader(socket: socket, initialCapacity: 4096, limit: 1 << 20)
        guard let message = try? reader.next(), message.head.second == "200" else { return nil }
        return SinkStats(json: String(decoding: message.body, as: UTF8.self))
    }
}
