import ATOF

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock with nanosecond resolution (`CLOCK_REALTIME`), for event timestamps.
enum WallClock {
    /// Nanoseconds since the Unix epoch, now.
    static func nanosecondsSinceEpoch() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}

/// Nanoseconds on the monotonic clock, for deadlines.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// The monotonic instant `duration` from now (saturating; negative counts as zero).
    static func deadline(after duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return nanoseconds() }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let span = overflow ? UInt64.max : whole &+ UInt64(attoseconds / 1_000_000_000)
        let (sum, overflow2) = nanoseconds().addingReportingOverflow(span)
        return overflow2 ? .max : sum
    }
}

/// A mutex with one condition variable guarding a value (pthread; waits use the monotonic clock).
/// The background writer and the callers of flush and shutdown wait on it.
final class ConditionLock<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits (lock released meanwhile) until `ready` holds or the monotonic `deadline` passes
    /// (`nil`: no limit), then runs `body` with the lock held; `body` learns whether `ready` held.
    func withLock<Result>(
        when ready: (State) -> Bool,
        deadline: UInt64?,
        _ body: (inout State, _ ready: Bool) throws -> Result
    ) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            if MonotonicClock.nanoseconds() >= deadline { break }
            var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &time)
        }
        return try body(&state, ready(state))
    }

    /// Wakes every waiter so it checks its condition again.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// Starts a dedicated operating-system thread, so file writes never run on the cooperative pool.
enum WorkerThread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread; returns `false` when the system refuses one.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return false
        }
        #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
        #else
        pthread_detach(thread)
        #endif
        return true
    }
}

/// Makes ``ATOF/Timestamp`` values for the wall clock without the general formatter's string
/// building: the same text `Timestamp(nanosecondsSinceEpoch:)` writes
/// (`YYYY-MM-DDTHH:MM:SS.fffffffffZ`), written digit by digit into one buffer.
enum EventTime {
    /// Copied and overwritten, so no formatting happens for the template.
    private static let template = Timestamp(nanosecondsSinceEpoch: 0)

    /// The timestamp for `nanosecondsSinceEpoch` (years 0000-9999; others use the general formatter).
    static func timestamp(_ nanosecondsSinceEpoch: Int64) -> Timestamp {
        let nanos = ((nanosecondsSinceEpoch % 1_000_000_000) + 1_000_000_000) % 1_000_000_000
        let seconds = (nanosecondsSinceEpoch - nanos) / 1_000_000_000
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let days = (seconds - secondOfDay) / 86_400
        // Civil from days (Howard Hinnant's algorithm, as in ATOF's Timestamp).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch) }

        let text = String(unsafeUninitializedCapacity: 30) { buffer in
            func put(_ value: Int64, at offset: Int, width: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            }
            put(year, at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 17, width: 2)
            buffer[19] = UInt8(ascii: ".")
            put(nanos, at: 20, width: 9)
            buffer[29] = UInt8(ascii: "Z")
            return 30
        }
        var timestamp = template
        timestamp.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        timestamp.wireForm = .rfc3339(text)
        return timestamp
    }
}
