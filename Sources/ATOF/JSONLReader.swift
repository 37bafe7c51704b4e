#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be read at all.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input's name.
    public var source: String
    /// What went wrong and what to do.
    public var reason: String

    public var description: String { "\(source): \(reason)" }

    package init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }
}

/// Streams a JSON-lines input line by line, in fixed memory (one read buffer plus the longest line).
///
/// Lines are split on the byte `\n` only: U+2028, U+2029 and U+0085 inside a string are not line
/// breaks. A `\r` before the `\n` is removed, and so is a UTF-8 byte order mark at the very start
/// of the input (``ByteOrderMark``). Line numbers are 1-based and count every line, blank ones
/// included.
public struct JSONLReader: ~Copyable {
    /// One line, valid only inside the closure it is passed to.
    public struct Line {
        /// The 1-based line number.
        public var number: Int
        /// The line's bytes without `\r\n` or `\n`.
        public var bytes: UnsafeBufferPointer<UInt8>
        /// `false` when the line is the last one and the input ended without a line break (for
        /// example a log cut off by a crash).
        public var isTerminated: Bool
    }

    /// The input's name in diagnostics.
    public let source: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let chunkSize: Int

    /// Opens a file; `-` reads standard input. Throws ``InputError`` (naming the path and what to
    /// do) when the file cannot be opened or is a directory.
    public init(path: String, chunkSize: Int = 1 << 20) throws(InputError) {
        if path == "-" {
            self.init(fileDescriptor: 0, source: "<stdin>", chunkSize: chunkSize)
            return
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(source: path, reason: "cannot open for reading (\(reason)); check the path and permissions")
        }
        // A directory opens, but reading it fails (EISDIR): say so before anything is read.
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw InputError(
                source: path, reason: "is a directory, not a file; give the path of a JSON-lines file (or - for standard input)")
        }
        self.init(descriptor: descriptor, owned: true, source: path, chunkSize: chunkSize)
    }

    /// Reads from an open descriptor, which stays open afterwards.
    public init(fileDescriptor: Int32, source: String, chunkSize: Int = 1 << 20) {
        self.init(descriptor: fileDescriptor, owned: false, source: source, chunkSize: chunkSize)
    }

    private init(descriptor: Int32, owned: Bool, source: String, chunkSize: Int) {
        self.source = source
        self.descriptor = descriptor
        self.ownsDescriptor = owned
        self.chunkSize = max(16, chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` for every line, in order, until the input ends.
    ///
    /// With `follow`, the end of the input is not the end: whenever no more bytes are available
    /// (and when a signal interrupts a read), `follow` is called; while it returns `true`, the
    /// reader waits 200 ms and reads on (`tail -f`), keeping an incomplete last line until its
    /// line break arrives. When it returns `false`, reading stops.
    /// With `stop`, a read interrupted by a signal asks it: when it returns `true`, reading ends
    /// there (an incomplete last line is left out).
    /// Throws ``InputError`` when reading fails, or what `body` throws.
    public func forEachLine(follow: (() -> Bool)? = nil, stop: (() -> Bool)? = nil, _ body: (Line) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var pending: [UInt8] = []  // a line that spans reads
        var lineNumber = 0

        func emit(_ bytes: UnsafeBufferPointer<UInt8>, terminated: Bool) throws {
            lineNumber += 1
            let bytes = lineNumber == 1 ? ByteOrderMark.dropped(from: bytes) : bytes
            var count = bytes.count
            if terminated, count > 0, bytes[count - 1] == 0x0D { count -= 1 }
            try body(Line(number: lineNumber, bytes: UnsafeBufferPointer(rebasing: bytes[0..<count]), isTerminated: terminated))
        }

        while true {
            let readCount = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
            if readCount < 0 {
                if errno == EINTR {
                    if let stop, stop() { return }
                    if let follow, !follow() { break }
                    continue
                }
                let reason = errno == EISDIR ? "it is a directory, not a file" : String(cString: strerror(errno))
                throw InputError(source: source, reason: "read failed after line \(lineNumber) (\(reason))")
            }
            if readCount == 0 {
                guard let follow, follow() else { break }
                usleep(200_000)
                continue
            }
            try buffer.withUnsafeBufferPointer { (chunk) throws in
                var start = 0
                while let newline = Self.indexOfNewline(chunk, from: start, to: readCount) {
                    if pending.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: chunk[start..<newline]), terminated: true)
                    } else {
                        pending.append(contentsOf: chunk[start..<newline])
                        try pending.withUnsafeBufferPointer { (line) throws in try emit(line, terminated: true) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                if start < readCount { pending.append(contentsOf: chunk[start..<readCount]) }
            }
        }
        if !pending.isEmpty {
            try pending.withUnsafeBufferPointer { (line) throws in try emit(line, terminated: false) }
        }
    }

    private static func indexOfNewline(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = chunk.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
