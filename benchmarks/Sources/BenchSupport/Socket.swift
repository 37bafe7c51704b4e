import Glibc

/// A connected TCP socket (blocking I/O), closed on deinit.
public final class Socket: @unchecked Sendable {  // one owner at a time; syscalls only
    public let descriptor: Int32

    public init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Connects to `endpoint`'s host and port, or returns `nil` (with `errno` set).
    public static func connect(to endpoint: HTTPEndpoint) -> Socket? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        guard inet_pton(AF_INET, endpoint.host, &address.sin_addr) == 1 else {
            close(fd)
            return nil
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            close(fd)
            return nil
        }
        let socket = Socket(adopting: fd)
        socket.setNoDelay()
        return socket
    }

    deinit { close(descriptor) }

    /// Disables Nagle's algorithm (small responses go out at once).
    public func setNoDelay() {
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Writes every byte; `false` on an error or a closed peer.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var pointer = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let written = send(descriptor, pointer, remaining, Int32(MSG_NOSIGNAL))
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            pointer += written
            remaining -= written
        }
        return true
    }

    /// Writes a string's UTF-8 bytes.
    public func writeAll(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { writeAll(UnsafeRawBufferPointer($0)) }
    }

    /// Reads what is available into `buffer` (up to `count` bytes); 0 at end of stream, -1 on error.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let got = recv(descriptor, buffer, count, 0)
            if got < 0, errno == EINTR { continue }
            return got
        }
    }
}
