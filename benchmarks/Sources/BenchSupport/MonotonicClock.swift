import Glibc  // The benchmarks run on Linux.

/// Nanoseconds on the monotonic clock (`CLOCK_MONOTONIC`, a vDSO call: ~20 ns).
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Seconds between two `monotonicNanoseconds()` readings.
public func seconds(from start: UInt64, to end: UInt64) -> Double {
    Double(end &- start) / 1e9
}

/// Wall-clock nanoseconds since the Unix epoch (for span timestamps).
public func wallClockNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
