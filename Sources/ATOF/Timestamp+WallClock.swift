#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// Nanoseconds since the Unix epoch on the wall clock (`CLOCK_REALTIME`), now.
    package static func wallClockNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    /// The wall clock now.
    package static var wallClock: Timestamp {
        Timestamp(nanosecondsSinceEpoch: wallClockNanoseconds())
    }
}
