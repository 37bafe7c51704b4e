import Glibc  // The benchmarks run on Linux.

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// A POSIX thread running `body`; ``join()`` waits for it.
public struct JoinableThread {
    private let thread: pthread_t

    /// Starts `body` on a new thread, or returns `nil` when the system refuses.
    public init?(_ body: @escaping @Sendable () -> Void) {
        guard let thread = startThread(body, detached: false) else { return nil }
        self.thread = thread
    }

    /// Waits for the thread to return (call once).
    public func join() {
        pthread_join(thread, nil)
    }
}

/// Starts `body` on a detached POSIX thread. Returns `false` when the system refuses.
@discardableResult
public func startDetachedThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    startThread(body, detached: true) != nil
}

private func startThread(_ body: @escaping @Sendable () -> Void, detached: Bool) -> pthread_t? {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
    var thread = pthread_t()
    let status = pthread_create(
        &thread, &attributes,
        { raw in
            guard let raw else { return nil }
            let body = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
            body.body()
            return nil
        }, context)
    guard status == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
    }
    return thread
}
