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
