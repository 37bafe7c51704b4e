#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock, in nanoseconds: deadlines that wall-clock changes cannot move.
package struct MonotonicInstant: Sendable, Hashable, Comparable {
    package var nanoseconds: UInt64

    package init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// Now.
    package static func now() -> MonotonicInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    /// `duration` from now (negative durations count as zero).
    package static func after(_ duration: Duration) -> MonotonicInstant {
        now().advanced(by: duration)
    }

    /// This instant moved forward by `duration` (saturating).
    package func advanced(by duration: Duration) -> MonotonicInstant {
        let (added, overflow) = nanoseconds.addingReportingOverflow(duration.wholeNanoseconds)
        return MonotonicInstant(nanoseconds: overflow ? .max : added)
    }

    /// The time left until this instant, zero once it has passed.
    package var remaining: Duration {
        let now = MonotonicInstant.now().nanoseconds
        return nanoseconds > now ? .nanoseconds(Int64(clamping: nanoseconds - now)) : .zero
    }

    package var hasPassed: Bool { MonotonicInstant.now() >= self }

    package static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

extension Duration {
    /// The duration in whole nanoseconds, zero when negative, saturating when huge.
    package var wholeNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }

    /// The duration in seconds, as a floating-point number.
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
