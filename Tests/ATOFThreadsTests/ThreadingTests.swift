import ATOFThreads
import Testing

@Suite("Threads, the condition lock and monotonic deadlines")
struct ThreadingTests {
    @Test("a worker thread runs its body and a waiter wakes when the condition becomes true")
    func workerWakesWaiter() {
        let lock = ConditionLock(0)
        let started = WorkerThread.start {
            lock.withLock { $0 = 42 }
            lock.broadcast()
        }
        #expect(started)
        let value = lock.withLock(when: { $0 == 42 }, before: .after(.seconds(10))) { value, _ in value }
        #expect(value == 42)
    }

    @Test("a wait whose condition never holds returns false once its deadline has passed")
    func waitTimesOut() {
        let lock = ConditionLock(false)
        let deadline = MonotonicInstant.after(.milliseconds(20))
        let held = lock.withLock(when: { $0 }, before: deadline) { _, satisfied in satisfied }
        #expect(!held)
        #expect(deadline.hasPassed)
    }

    @Test("deadlines saturate instead of overflowing, and negative durations count as zero")
    func deadlinesSaturate() {
        let far = MonotonicInstant(nanoseconds: .max - 5).advanced(by: .seconds(1))
        #expect(far.nanoseconds == .max)
        #expect(Duration.seconds(-3).wholeNanoseconds == 0)
        #expect(Duration.milliseconds(1500).secondsValue == 1.5)
    }
}
