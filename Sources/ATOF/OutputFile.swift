#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a file that will hold spans or events (prompts and model output) is opened for writing.
///
/// - A symbolic link is refused (`O_NOFOLLOW`): in a shared directory another user could point
///   it at a file of ours, which would then be appended to or truncated. `/dev/stdout`,
///   `/dev/stderr` and `/dev/fd/N` name descriptors the caller already opened and are followed.
/// - The rules below are checked on the opened descriptor (`fstat`), never on the path again.
/// - A regular file owned by another user is refused: they could read what we write.
/// - Our own existing file readable or writable by others is set to 0600 (`fchmod`), with a
///   warning; new files are created 0600.
/// - An existing file is truncated only after these checks (when not appending).
/// - Character devices (`/dev/null`) and pipes are written as they are; any other kind of file
///   (a directory, a block device) is refused.
struct OutputFile {
    let descriptor: Int32
    /// Only regular files are cut back after a failed write.
    let isRegularFile: Bool
    /// The file is appended to and its last line has no line break: the next write starts a new line.
    let endsInCutLine: Bool
    /// What opening found worth a warning.
    let warnings: [String]

    /// Opens `path` for writing (appending, or truncating once the checks pass).
    static func open(_ path: String, append: Bool) throws(InputError) -> OutputFile {
        ignoreFileSizeSignal()
        let followsLink = namesOpenDescriptor(path)
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY
        if append { flags |= O_APPEND }
        if !followsLink { flags |= O_NOFOLLOW }
        let descriptor = retryingOnInterrupt { systemOpen(path, flags, 0o600) }
        guard descriptor >= 0 else {
            let code = errno
            let reason: String
            switch code {
            case ELOOP where !followsLink:
                reason =
                    "is a symbolic link; atof-bridge does not write through links (the file it points to would be "
                    + "changed): give the real file's path, or remove the link"
            case EISDIR:
                reason = "is a directory; give the path of a file"
            default:
                reason = "cannot open for writing (\(describe(code))); check the directory exists and is writable"
            }
            throw InputError(source: path, reason: reason)
        }
        do throws(InputError) {
            return try check(descriptor, path: path, append: append, ownedByCaller: followsLink)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Applies the rules to the opened descriptor.
    private static func check(_ descriptor: Int32, path: String, append: Bool, ownedByCaller: Bool) throws(InputError) -> OutputFile {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw InputError(source: path, reason: "cannot inspect the opened file (\(describe(errno)))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            guard kind == S_IFCHR || kind == S_IFIFO || kind == S_IFSOCK else {
                throw InputError(source: path, reason: "is not a regular file, a character device or a pipe; give the path of a file")
            }
            return OutputFile(descriptor: descriptor, isRegularFile: false, endsInCutLine: false, warnings: [])
        }
        var warnings: [String] = []
        // A descriptor the caller opened (/dev/stdout) is theirs, like `-`.
        if !ownedByCaller {
            guard info.st_uid == geteuid() else {
                throw InputError(
                    source: path,
                    reason: "belongs to another user (uid \(info.st_uid)), who could read the spans written to it; "
                        + "remove it or choose another path")
            }
            let permissions = info.st_mode & 0o7777
            if permissions & 0o077 != 0 {
                guard fchmod(descriptor, 0o600) == 0 else {
                    throw InputError(
                        source: path,
                        reason: "has mode \(octal(permissions)), readable or writable by others, and it could not be changed "
                            + "(\(describe(errno))); run chmod 600 on it or choose another path")
                }
                warnings.append(
                    "\(path): had mode \(octal(permissions)), open to other users; changed it to 0600 (it holds prompts and model output)")
            }
        }
        if !append, info.st_size > 0 {
            guard ftruncate(descriptor, 0) == 0 else {
                throw InputError(source: path, reason: "cannot truncate (\(describe(errno))); remove it or choose another path")
            }
        }
        let cut = append && info.st_size > 0 && lastByteIsNotLineBreak(path, of: info)
        if cut {
            warnings.append(
                "\(path): the last line has no line break (cut off by a crash or a full disk); new lines start on a line of their own")
        }
        return OutputFile(descriptor: descriptor, isRegularFile: true, endsInCutLine: cut, warnings: warnings)
    }

    /// Whether the file we opened (same device and inode) ends in a byte other than `\n`. The
    /// write descriptor cannot read, so a second, read-only one looks.
    private static func lastByteIsNotLineBreak(_ path: String, of opened: stat) -> Bool {
        let reader = retryingOnInterrupt { systemOpen(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0) }
        guard reader >= 0 else { return false }
        defer { close(reader) }
        var info = stat()
        guard fstat(reader, &info) == 0, info.st_dev == opened.st_dev, info.st_ino == opened.st_ino, info.st_size > 0 else {
            return false
        }
        var last: UInt8 = 0
        guard pread(reader, &last, 1, info.st_size - 1) == 1 else { return false }
        return last != 0x0A
    }

    /// Paths the system provides for descriptors that are already open; they are symbolic links
    /// that another user cannot plant.
    private static func namesOpenDescriptor(_ path: String) -> Bool {
        path == "/dev/stdout" || path == "/dev/stderr" || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/")
    }

    /// Makes a write past the file size limit (`ulimit -f`, RLIMIT_FSIZE) fail with EFBIG, like
    /// a full disk, instead of killing the process with SIGXFSZ. A handler the program installed
    /// is left in place. Runs once per process.
    static func ignoreFileSizeSignal() {
        _ = fileSizeSignalIgnored
    }

    private static let fileSizeSignalIgnored: Bool = {
        let previous = signal(SIGXFSZ, SIG_IGN)
        guard previous == nil else {
            // Not the default action: the program chose; put its choice back.
            _ = signal(SIGXFSZ, previous)
            return false
        }
        return true
    }()

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
