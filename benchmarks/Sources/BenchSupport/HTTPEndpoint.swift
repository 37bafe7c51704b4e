/// An `http://HOST:PORT/PATH` URL on this machine: what the sink listens on and the benchmarks
/// post to. Only IPv4 literals and `localhost` (the benchmarks stay on loopback).
public struct HTTPEndpoint: Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var path: String

    /// Parses `text`, or returns `nil` when it is not such a URL.
    public init?(_ text: String) {
        guard text.hasPrefix("http://") else { return nil }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard let colon = authority.lastIndex(of: ":"),
            let port = UInt16(authority[authority.index(after: colon)...])
        else { return nil }
        let host = String(authority[..<colon])
        guard !host.isEmpty else { return nil }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }

    public init(host: String, port: UInt16, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    /// The same server, another path.
    public func with(path: String) -> HTTPEndpoint {
        HTTPEndpoint(host: host, port: port, path: path)
    }

    public var description: String { "http://\(host):\(port)\(path)" }
}
