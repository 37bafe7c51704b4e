#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with one condition variable guarding a value: the one blocking primitive of the
/// export pipeline (producers waiting for room, the export thread waiting for work, callers of
/// flush and shutdown waiting for the export thread). Waits use the monotonic clock.
package final class ConditionLock<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    package init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
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
    package func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits (lock released while waiting) until `ready` holds or `deadline` passes, then runs
    /// `body` with the lock held; `body` learns whether `ready` held.
    package func withLock<Result>(
        when ready: (State) -> Bool,
        before deadline: MonotonicInstant?,
        _ body: (inout State, _ ready: Bool) throws -> Result
    ) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            if deadline.hasPassed { break }
            var time = timespec(
                tv_sec: Int(deadline.nanoseconds / 1_000_000_000),
                tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &time)
        }
        return try body(&state, ready(state))
    }

    /// Wakes every waiter so it checks its condition again.
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
