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
/// model output. Opening refuses a symbolic link, a regular file owned by another user and
/// anything but a regular file, a character device (`/dev/null`) or a pipe; our own existing file
/// open to others is set to 0600 (see ``warnings``). The first file opened makes the process
/// ignore SIGXFSZ (unless it handles it), so that passing the file size limit fails the write
/// (EFBIG) like a full disk instead of killing the process.
///
/// A write that fails (a full disk, the size limit) cuts the file back to its length before that
/// flush, so the file always ends with a whole line and a later run can append to it. Appending
/// to a file whose last line has no line break (cut off by a crash) starts a new line first.
public final class JSONLWriter {
    /// Where the output goes, for messages.
    public let destination: String
    /// What opening the file found worth a warning (a mode tightened to 0600, a last line
    /// without a line break); the owner logs them.
    public let warnings: [String]
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let isRegularFile: Bool
    private let isAppending: Bool
    /// The file's length when opened (after truncation): what ``discardWritten()`` cuts back to.
    private let initialLength: off_t
    private var buffer: [UInt8] = []
    private let flushThreshold: Int
    /// The file ends in a line without a line break: the next flush starts with one.
    private var owesLineBreak: Bool
    /// `write(2)`; tests replace it to simulate a full disk.
    var systemWrite: (Int32, UnsafeRawPointer, Int) -> Int = { descriptor, bytes, count in write(descriptor, bytes, count) }

    /// Creates (or truncates, or appends to) the file at `path`; `-` writes standard output.
    public init(path: String, append: Bool = false, flushThreshold: Int = 1 << 20) throws(InputError) {
        self.flushThreshold = flushThreshold
        self.destination = path == "-" ? "<stdout>" : path
        self.isAppending = append
        if path == "-" {
            OutputFile.ignoreFileSizeSignal()
            descriptor = 1
            ownsDescriptor = false
            isRegularFile = false
            owesLineBreak = false
            warnings = []
            initialLength = 0
            return
        }
        let file = try OutputFile.open(path, append: append)
        descriptor = file.descriptor
        ownsDescriptor = true
        isRegularFile = file.isRegularFile
        owesLineBreak = file.endsInCutLine
        warnings = file.warnings
        initialLength = file.isRegularFile ? max(0, lseek(file.descriptor, 0, append ? SEEK_END : SEEK_CUR)) : 0
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

    /// Writes the buffered lines out. When the write fails, none of them stays in the file: a
    /// regular file is cut back to its length before this flush (its last whole line), and the
    /// buffer is emptied.
    public func flush() throws(InputError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if owesLineBreak { buffer.insert(0x0A, at: 0) }
        let start = isRegularFile ? lseek(descriptor, 0, isAppending ? SEEK_END : SEEK_CUR) : -1
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return systemWrite(descriptor, base + offset, bytes.count - offset)
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw InputError(
                    source: destination, reason: "write failed (\(OutputFile.describe(code)))" + rollBack(to: start, code: code))
            }
            offset += written
        }
        owesLineBreak = false
    }

    /// Cuts the file back to `start` after a failed write; says what became of the file.
    private func rollBack(to start: off_t, code: Int32) -> String {
        let full = code == ENOSPC || code == EFBIG || code == EDQUOT
        let advice = full ? "; the disk is full or the file size limit (ulimit -f) was reached: free space and run again" : ""
        guard start >= 0 else { return advice }
        guard ftruncate(descriptor, start) == 0 else {
            // The part written stays: the next line must not be glued to it.
            owesLineBreak = true
            return "; the part written could not be cut off (\(OutputFile.describe(errno))), the file ends in a cut line" + advice
        }
        if !isAppending { _ = lseek(descriptor, start, SEEK_SET) }
        return "; the file was cut back to its last whole line" + advice
    }

    /// Drops the buffer and cuts the file back to its length when it was opened, for output
    /// that is useless when incomplete (one binary request). Does nothing for standard output,
    /// devices and pipes.
    public func discardWritten() throws(InputError) {
        buffer.removeAll(keepingCapacity: true)
        guard isRegularFile else { return }
        guard ftruncate(descriptor, initialLength) == 0 else {
            throw InputError(
                source: destination, reason: "cannot cut the incomplete output off (\(OutputFile.describe(errno))); delete the file")
        }
        if !isAppending { _ = lseek(descriptor, initialLength, SEEK_SET) }
    }

    /// Flushes and asks the system to put the file on disk (fsync); a regular file the system
    /// could not sync is an error (its last lines may be missing).
    public func sync() throws(InputError) {
        try flush()
        guard ownsDescriptor, fsync(descriptor) != 0, isRegularFile else { return }
        throw InputError(source: destination, reason: "fsync failed (\(OutputFile.describe(errno))); the last lines written may be missing")
    }
}
