import ATOF

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The first pass over an offline input: its lines, each with where its bytes can be read again
/// (``file`` at ``Line/offset``). A regular file is read again in place; any other input
/// (standard input, a pipe, a FIFO) is copied line by line into a ``SpoolFile`` as it is read.
///
/// Lines are split as ``JSONLReader`` splits them: on `\n` only, a `\r` before it removed, a
/// UTF-8 byte order mark at the very start removed; numbers are 1-based and count every line.
final class InputLines {
    /// One line, valid only inside the closure it is passed to.
    struct Line {
        var number: Int
        /// The line's bytes without `\r\n` or `\n` (and, on line 1, a byte order mark).
        var bytes: UnsafeBufferPointer<UInt8>
        var isTerminated: Bool
        /// Where ``bytes`` stand in ``InputLines/file``.
        var offset: UInt64
    }

    /// The input's name in diagnostics.
    let source: String
    /// Where the lines are read again.
    let file: InputFile
    private let descriptor: Int32
    /// The input's own descriptor when it is not ``file``'s (it is then closed here).
    private let ownedInput: Int32?
    private let spool: SpoolFile?
    /// The offset of the input's first byte (a regular standard input may not start at 0).
    private let startOffset: UInt64
    /// The size of a regular file (`nil` for any other input).
    let fileSize: UInt64?
    /// Whether the lines are read from a regular file (not copied into a spool as they are read).
    var isRegularFile: Bool { spool == nil }

    /// Opens a file; `-` reads standard input. Throws ``InputError`` (naming the path and what
    /// to do) when the input cannot be opened, is a directory, or cannot be spooled.
    init(path: String, environment: [String: String] = ProcessEnvironment.current) throws(InputError) {
        let descriptor: Int32
        let owned: Bool
        if path == "-" {
            source = "<stdin>"
            descriptor = 0
            owned = false
        } else {
            source = path
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                throw InputError(source: path, reason: "cannot open for reading (\(reason)); check the path and permissions")
            }
            owned = true
        }
        var status = stat()
        let isRegular = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        if path != "-", fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw InputError(
                source: path, reason: "is a directory, not a file; give the path of a JSON-lines file (or - for standard input)")
        }
        self.descriptor = descriptor
        let position = isRegular ? lseek(descriptor, 0, SEEK_CUR) : -1
        if isRegular, position >= 0 {
            file = InputFile(descriptor: descriptor, owned: owned)
            ownedInput = nil
            spool = nil
            startOffset = UInt64(position)
            fileSize = UInt64(max(0, status.st_size))
        } else {
            let spool: SpoolFile
            do {
                spool = try SpoolFile(holding: "a temporary copy of the input", for: source, environment: environment)
            } catch {
                if owned { close(descriptor) }
                throw error
            }
            file = spool.file
            self.spool = spool
            ownedInput = owned ? descriptor : nil
            startOffset = 0
            fileSize = nil
        }
    }

    /// The same input read again from its start, once `first` has read it to its end (its spool,
    /// if any, then holds every line).
    init(rereading first: InputLines) {
        source = first.source
        file = first.file
        descriptor = first.file.descriptor
        ownedInput = nil
        spool = nil
        startOffset = first.spool == nil ? first.startOffset : 0
        fileSize = first.fileSize ?? first.spool?.size
        lseek(descriptor, off_t(startOffset), SEEK_SET)
    }

    /// The lines written to `spool` (an input translated into ATOF lines), named `source` in
    /// diagnostics. Throws ``InputError`` when what is buffered cannot be written.
    init(reading spool: SpoolFile, source: String) throws(InputError) {
        try spool.flush()
        self.source = source
        file = spool.file
        descriptor = spool.file.descriptor
        ownedInput = nil
        self.spool = nil
        startOffset = 0
        fileSize = spool.size
        lseek(descriptor, 0, SEEK_SET)
    }

    deinit {
        if let ownedInput { close(ownedInput) }
    }

    /// Calls `body` for every line, in order, until the input ends; the spool (if any) holds
    /// every line handed over when this returns or throws (also when `body` throws to stop). With `stop`, a read interrupted by a
    /// signal asks it: when it returns `true`, reading ends there (an incomplete last line is
    /// left out). Throws ``InputError`` when reading (or spooling) fails, or what `body` throws.
    func forEachLine(stop: (() -> Bool)? = nil, _ body: (Line) throws -> Void) throws {
        let chunkSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var pending: [UInt8] = []  // a line that spans reads
        var pendingOffset: UInt64 = 0
        var lineNumber = 0
        var position = startOffset  // the input offset of the next byte read
        let source = source

        func emit(_ raw: UnsafeBufferPointer<UInt8>, at rawOffset: UInt64, terminated: Bool) throws {
            lineNumber += 1
            var bytes = raw
            var offset = rawOffset
            if lineNumber == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])
                offset += 3
            }
            var count = bytes.count
            if terminated, count > 0, bytes[count - 1] == 0x0D { count -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[0..<count])
            if let spool { offset = try spool.appendLine(line) }
            try body(Line(number: lineNumber, bytes: line, isTerminated: terminated, offset: offset))
        }

        do {
            while true {
                let readCount = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
                if readCount < 0 {
                    if errno == EINTR {
                        if let stop, stop() { break }
                        continue
                    }
                    let reason = errno == EISDIR ? "it is a directory, not a file" : String(cString: strerror(errno))
                    throw InputError(source: source, reason: "read failed after line \(lineNumber) (\(reason))")
                }
                if readCount == 0 {
                    if !pending.isEmpty {
                        try pending.withUnsafeBufferPointer { (line) throws in try emit(line, at: pendingOffset, terminated: false) }
                    }
                    break
                }
                let chunkOffset = position
                position += UInt64(readCount)
                try buffer.withUnsafeBufferPointer { (chunk) throws in
                    var start = 0
                    while let newline = Self.indexOfNewline(chunk, from: start, to: readCount) {
                        if pending.isEmpty {
                            try emit(
                                UnsafeBufferPointer(rebasing: chunk[start..<newline]), at: chunkOffset + UInt64(start), terminated: true)
                        } else {
                            pending.append(contentsOf: chunk[start..<newline])
                            try pending.withUnsafeBufferPointer { (line) throws in try emit(line, at: pendingOffset, terminated: true) }
                            pending.removeAll(keepingCapacity: true)
                        }
                        start = newline + 1
                    }
                    if start < readCount {
                        if pending.isEmpty { pendingOffset = chunkOffset + UInt64(start) }
                        pending.append(contentsOf: chunk[start..<readCount])
                    }
                }
            }
        } catch {
            // Whatever ends reading (a `stop`, an error), the lines handed over are in the spool.
            try? spool?.flush()
            throw error
        }
        try spool?.flush()
    }

    private static func indexOfNewline(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = chunk.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
