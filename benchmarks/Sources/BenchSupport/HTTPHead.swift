/// The start line and headers of one HTTP/1.1 request or response.
public struct HTTPHead: Sendable {
    /// The start line's three parts: method, target, version for a request; version, status,
    /// reason for a response.
    public var first: Substring
    public var second: Substring
    public var third: Substring
    /// The headers in order, names lowercased.
    public var headers: [(name: String, value: Substring)]

    /// Parses the head (without its final empty line requirement: `bytes` may include it).
    public init?(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)[...]
        guard let startLine = lines.popFirst() else { return nil }
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return nil }
        first = parts[0]
        second = parts[1]
        third = parts.count > 2 ? parts[2] : ""
        headers = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            var value = line[line.index(after: colon)...]
            while value.first == " " || value.first == "\t" { value = value.dropFirst() }
            while value.last == " " || value.last == "\t" { value = value.dropLast() }
            headers.append((name, value))
        }
    }

    /// The last value of header `name` (lowercase).
    public func value(of name: String) -> Substring? {
        headers.last { $0.name == name }?.value
    }

    /// The `Content-Length`, `nil` when absent, `-1` when malformed.
    public var contentLength: Int? {
        guard let text = value(of: "content-length") else { return nil }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil } ?? -1
    }

    /// `true` when the body is sent chunked.
    public var isChunked: Bool {
        value(of: "transfer-encoding")?.lowercased().contains("chunked") ?? false
    }

    /// `true` when the peer asked to close the connection after this message.
    public var wantsClose: Bool {
        value(of: "connection")?.lowercased() == "close"
    }
}
