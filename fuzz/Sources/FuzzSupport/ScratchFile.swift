#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One unlinked temporary file, reused for every input: it is emptied, filled and rewound, so a
/// reader that takes a file descriptor sees the fuzz input as a whole file.
public final class ScratchFile: @unchecked Sendable {
    /// The open descriptor (read and write).
    public let descriptor: Int32

    /// Creates the file in `$TMPDIR` (or `/tmp`) and unlinks it at once; `nil` when it cannot.
    public init?() {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((directory + "/atof-fuzz-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            let descriptor = mkstemp(base)
            if descriptor >= 0 { unlink(base) }
            return descriptor
        }
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    /// Replaces the file's content with `bytes` and rewinds it; `false` when writing failed.
    public func fill(with bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard ftruncate(descriptor, 0) == 0 else { return false }
        var written = 0
        while written < bytes.count {
            guard let base = bytes.baseAddress else { return false }
            let count = pwrite(descriptor, base + written, bytes.count - written, off_t(written))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return lseek(descriptor, 0, SEEK_SET) == 0
    }

    deinit {
        close(descriptor)
    }
}
