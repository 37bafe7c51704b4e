/// Reads HTTP/1.1 messages (head, then a `Content-Length` or chunked body) from one connection.
public struct HTTPMessageReader: ~Copyable {
    /// One message; ``body`` points into the reader's buffers and is valid until the next read.
    public struct Message {
        public var head: HTTPHead
        public var body: UnsafeRawBufferPointer
    }

    /// Why reading stopped.
    public enum Failure: Error {
        /// The peer closed the connection between messages (the normal end of keep-alive).
        case closed
        /// A read failed or the peer closed mid-message.
        case truncated
        /// The head or the framing is not valid HTTP/1.1, or the message is over the size limit.
        case malformed(String)
    }

    private let socket: Socket
    private let buffer: ReceiveBuffer
    private var chunked: UnsafeMutableRawBufferPointer
    private var pendingConsume = 0

    public init(socket: Socket, initialCapacity: Int = 1 << 20, limit: Int = 1 << 30) {
        self.socket = socket
        buffer = ReceiveBuffer(initialCapacity: initialCapacity, limit: limit)
        chunked = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
    }

    deinit { chunked.deallocate() }

    /// Reads the next message. A response to a `HEAD` request is not supported (not needed here).
    public mutating func next() throws(Failure) -> Message {
        buffer.consume(pendingConsume)
        pendingConsume = 0
        var searched = 0
        var headLength: Int? = buffer.headLength()
        while headLength == nil {
            searched = buffer.readable
            guard searched <= 64 * 1024 else { throw .malformed("head over 64 KiB") }
            guard buffer.fillMore(from: socket) else { throw searched == 0 ? .closed : .truncated }
            headLength = buffer.headLength(searchingFrom: searched)
        }
        guard let headLength else { throw .truncated }
        guard let head = HTTPHead(UnsafeRawBufferPointer(rebasing: buffer.unread[..<headLength])) else {
            throw .malformed("unparseable head")
        }
        if head.isChunked {
            buffer.consume(headLength)
            return Message(head: head, body: try readChunkedBody())
        }
        let length = head.contentLength ?? 0
        guard length >= 0 else { throw .malformed("bad Content-Length") }
        guard buffer.fill(toAtLeast: headLength + length, from: socket) else {
            throw headLength + length > buffer.limit ? .malformed("body over the size limit") : .truncated
        }
        pendingConsume = headLength + length
        let body = UnsafeRawBufferPointer(rebasing: buffer.unread[headLength..<(headLength + length)])
        return Message(head: head, body: body)
    }

    /// Decodes a chunked body into `chunked` (trailers skipped).
    private mutating func readChunkedBody() throws(Failure) -> UnsafeRawBufferPointer {
        var total = 0
        while true {
            var lineEnd = findLineEnd()
            while lineEnd == nil {
                guard buffer.readable < 1024 else { throw .malformed("chunk size line too long") }
                guard buffer.fillMore(from: socket) else { throw .truncated }
                lineEnd = findLineEnd()
            }
            guard let lineEnd else { throw .truncated }
            let sizeText = String(decoding: UnsafeRawBufferPointer(rebasing: buffer.unread[..<lineEnd]), as: UTF8.self)
            let hex = sizeText.prefix { $0 != ";" }.trimmingCharacters(in: " ")
            guard let size = Int(hex, radix: 16), size >= 0 else { throw .malformed("bad chunk size") }
            buffer.consume(lineEnd + 2)
            if size == 0 {
                // Trailers: lines until an empty one.
                while true {
                    var end = findLineEnd()
                    while end == nil {
                        guard buffer.fillMore(from: socket) else { throw .truncated }
                        end = findLineEnd()
                    }
                    guard let end else { throw .truncated }
                    buffer.consume(end + 2)
                    if end == 0 { return UnsafeRawBufferPointer(rebasing: chunked[..<total]) }
                }
            }
            guard total + size <= buffer.limit else { throw .malformed("body over the size limit") }
            guard buffer.fill(toAtLeast: size + 2, from: socket) else { throw .truncated }
            if total + size > chunked.count {
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total + size, chunked.count * 2), alignment: 16)
                if total > 0, let base = chunked.baseAddress { grown.baseAddress?.copyMemory(from: base, byteCount: total) }
                chunked.deallocate()
                chunked = grown
            }
            if let destination = chunked.baseAddress, let source = buffer.unread.baseAddress {
                (destination + total).copyMemory(from: source, byteCount: size)
            }
            total += size
            buffer.consume(size + 2)
        }
    }

    /// The offset of the first `\r\n` in the unread bytes.
    private func findLineEnd() -> Int? {
        let bytes = buffer.unread
        guard bytes.count >= 2 else { return nil }
        for index in 0..<(bytes.count - 1) where bytes[index] == 13 && bytes[index + 1] == 10 {
            return index
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = self[...]
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
