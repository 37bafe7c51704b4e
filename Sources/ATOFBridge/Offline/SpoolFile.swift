import ATOF

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file that bytes are appended to and read back from: the copy of an offline input
/// that cannot be read twice (standard input, a pipe, a FIFO), written line by line as the first
/// pass reads it, or any output too large to hold in memory.
///
/// The file is made in `TMPDIR` (default `/tmp`) with mode 0600 and removed from the directory
/// as soon as it is open: nothing is left behind, whatever way the process ends (a signal, an
/// error, a crash); its space is freed when the last reference goes.
package final class SpoolFile {
    /// The file, open for reading and writing.
    let file: InputFile
    /// Bytes appended so far (the offset of the next byte).
    package private(set) var size: UInt64 = 0
    /// What the file holds, for error messages ("a temporary copy of the input").
    private let contents: String
    /// The name errors are reported under.
    private let source: String
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    /// Makes the file. `contents` says what it will hold and `source` names the input or output
    /// it is for, in the ``InputError`` thrown when it cannot be made.
    package init(
        holding contents: String, for source: String, environment: [String: String] = ProcessEnvironment.current
    )
        throws(InputError)
    {
        var directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        var template = Array((directory + "/atof-bridge-spool.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in name.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(
                source: source,
                reason: "cannot make \(contents) in \(directory) (\(reason)); set TMPDIR to a writable directory")
        }
        _ = template.withUnsafeBufferPointer { name in name.baseAddress.map { unlink($0) } }
        _ = fchmod(descriptor, 0o600)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        file = InputFile(descriptor: descriptor, owned: true)
        self.contents = contents
        self.source = source
        buffer.reserveCapacity(Self.bufferLimit)
    }

    /// Appends `bytes`; returns the offset they start at.
    @discardableResult
    package func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> UInt64 {
        let offset = size
        buffer.append(contentsOf: bytes)
        size += UInt64(bytes.count)
        if buffer.count >= Self.bufferLimit { try flush() }
        return offset
    }

    /// Appends `bytes`; returns the offset they start at.
    @discardableResult
    func append(_ bytes: UnsafeRawBufferPointer) throws(InputError) -> UInt64 {
        try append(bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Appends `bytes`; returns the offset they start at.
    @discardableResult
    package func append(_ bytes: [UInt8]) throws(InputError) -> UInt64 {
        let offset = size
        buffer.append(contentsOf: bytes)
        size += UInt64(bytes.count)
        if buffer.count >= Self.bufferLimit { try flush() }
        return offset
    }

    /// Appends a line and a line break; returns the offset of the line.
    func appendLine(_ line: UnsafeBufferPointer<UInt8>) throws(InputError) -> UInt64 {
        let offset = size
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        size += UInt64(line.count) + 1
        if buffer.count >= Self.bufferLimit { try flush() }
        return offset
    }

    /// Writes what is buffered to the file.
    package func flush() throws(InputError) {
        var done = 0
        let descriptor = file.descriptor
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return nil }
            while done < bytes.count {
                let count = write(descriptor, base + done, bytes.count - done)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return count < 0 ? errno : ENOSPC }
                done += count
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure {
            let reason = String(cString: strerror(failure))
            throw InputError(
                source: source, reason: "cannot write \(contents) (\(reason)); free space in TMPDIR or set TMPDIR to another directory")
        }
    }

    /// Hands everything appended to `body`, in order, in chunks of at most 1 MiB (what is
    /// buffered is written first).
    package func forEachChunk(_ body: ([UInt8]) throws -> Void) throws {
        try flush()
        var chunk: [UInt8] = []
        var offset: UInt64 = 0
        while offset < size {
            let count = Int(min(UInt64(Self.bufferLimit), size - offset))
            if chunk.count != count { chunk = [UInt8](repeating: 0, count: count) }
            let complete = chunk.withUnsafeMutableBytes { file.read(into: $0, at: offset) }
            guard complete else {
                throw InputError(source: source, reason: "cannot read back \(contents) (\(String(cString: strerror(errno)))); check TMPDIR")
            }
            try body(chunk)
            offset += UInt64(count)
        }
    }
}
