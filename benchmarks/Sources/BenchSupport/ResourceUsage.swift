import Glibc  // The benchmarks run on Linux.

/// The process's CPU time and peak resident set size (`getrusage(RUSAGE_SELF)`): every thread,
/// the export threads and the async pool included.
public struct ResourceUsage: Sendable {
    /// User plus system CPU time, microseconds.
    public var cpuMicroseconds: Int
    /// User CPU time, microseconds.
    public var userMicroseconds: Int
    /// System CPU time, microseconds.
    public var systemMicroseconds: Int
    /// Peak resident set size of the process so far, KiB (Linux `ru_maxrss`).
    public var maximumResidentKiB: Int

    /// The usage now.
    public static func now() -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Int(usage.ru_utime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec)
        let system = Int(usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_stime.tv_usec)
        let residentKiB = Int(usage.ru_maxrss)  // KiB on Linux
        return ResourceUsage(
            cpuMicroseconds: user + system, userMicroseconds: user, systemMicroseconds: system,
            maximumResidentKiB: residentKiB)
    }
}

extension ResourceUsage {
    /// The resident set size now (not the peak), KiB, from `/proc/self/statm`; 0 when unreadable.
    public static func currentResidentKiB() -> Int {
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        // "size resident shared ...", in pages.
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let resident = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}
