#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON lines to a file or standard output through a buffer, each line whole.
///
/// Files are created readable and writable by the owner only (mode 0600): they hold prompts and
/// model output.
public final class JSONLWriter {
    /// Where the output goes, for messages.
    public let destination: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private let flushThreshold: Int

    /// Creates (or truncates, or appends to) the file at `path`; `-` writes standard output.
    public init(path: String, append: Bool = false, flushThreshold: Int = 1 << 20) throws(InputError) {
        self.flushThreshold = flushThreshold
        self.destination = path == "-" ? "<stdout>" : path
        if path == "-" {
            descriptor = 1
            ownsDescriptor = false
            return
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let opened = open(path, flags, 0o600)
        guard opened >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(source: path, reason: "cannot open for writing (\(reason)); check the directory exists and is writable")
        }
        descriptor = opened
        ownsDescriptor = true
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(descriptor) }
    }

    /// Appends one line; `line` must not contain a line break.
    public func writeLine(_ line: some Collection<UInt8>) throws(InputError) {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends bytes as they are, with no line break (for binary output).
    public func writeRaw(_ bytes: some Collection<UInt8>) throws(InputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends one line built in place, avoiding a copy.
    public func writeLine(_ build: (inout [UInt8]) -> Void) throws(InputError) {
        build(&buffer)
        buffer.append(0x0A)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes the buffered lines out.
    public func flush() throws(InputError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw InputError(source: destination, reason: "write failed (\(reason))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and asks the system to put the file on disk (fsync).
    public func sync() throws(InputError) {
        try flush()
        if ownsDescriptor { fsync(descriptor) }
    }
}
