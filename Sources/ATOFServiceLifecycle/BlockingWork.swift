import ATOFThreads

/// Runs blocking work (a bridge's or the instrumentation's shutdown, which waits for the network
/// and `fsync`) on a thread of its own, so that the cooperative pool stays free.
enum BlockingWork {
    /// The result of `body`, run on a new thread (on the caller's when the system refuses one).
    static func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let started = WorkerThread.start { continuation.resume(returning: body()) }
            if !started { continuation.resume(returning: body()) }
        }
    }
}
