#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read at given offsets (`pread`), from any thread: the input itself when it is a
/// regular file, else its spool (``SpoolFile``). The descriptor is closed with the last reference
/// when owned.
final class InputFile: Sendable {
    /// The descriptor.
    let descriptor: Int32
    private let owned: Bool

    init(descriptor: Int32, owned: Bool) {
        self.descriptor = descriptor
        self.owned = owned
    }

    deinit {
        if owned { close(descriptor) }
    }

    /// Reads `buffer.count` bytes at `offset`; `false` when they cannot all be read (the file
    /// shrank, or an I/O error).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }
}
