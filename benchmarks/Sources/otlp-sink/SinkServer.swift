import BenchSupport
import Glibc
import Synchronization

/// Set by SIGTERM/SIGINT; the accept loop polls it.
let stopRequested = Atomic<Bool>(false)

/// Listens on 127.0.0.1 and serves each connection on its own thread until SIGTERM or SIGINT.
struct SinkServer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let counters = SinkCounters()
    private let listener: Int32
    /// The port actually bound (the one asked for, or the system's choice for 0).
    let port: UInt16

    init(port requested: UInt16) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot listen on 127.0.0.1:\(requested): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: actual.sin_port)
    }

    /// Accepts connections until a stop signal; returns then (connection threads are left to
    /// end with the process).
    func run() {
        signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }
        signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
        signal(SIGPIPE, SIG_IGN)
        var watcher = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        while !stopRequested.load(ordering: .relaxed) {
            guard poll(&watcher, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let socket = Socket(adopting: client)
            socket.setNoDelay()
            let counters = self.counters
            let started = startDetachedThread { [socket] in
                var connection = SinkConnection(socket: socket, counters: counters)
                connection.serve()
            }
            if !started { printError("otlp-sink: could not start a connection thread; closing the connection") }
        }
        close(listener)
    }
}
