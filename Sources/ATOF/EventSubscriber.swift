/// Something that takes ATOF events as they are emitted, and can be flushed and shut down.
///
/// `ATOFInstrumentation.bootstrap` installs subscribers through this protocol
/// (`.subscriber(_:)`, or `.bridge(_:)` for a `Bridge`), so the instrumentation does not link
/// what a subscriber links: `ATOFBridge`'s `Bridge` conforms (spans to an OTLP collector over
/// libcurl), and an app that only keeps the raw JSON-lines file never links the exporter.
///
/// The instrumentation calls ``receive(_:)`` on the emitting task, for every event; it should
/// queue rather than wait for I/O. ``forceFlush(timeout:)`` and ``shutdown(timeout:)`` are
/// called from `ATOFInstrumentation.forceFlush` and `shutdown` with what is left of their
/// timeout; their results are ignored there.
public protocol EventSubscriber: Sendable {
    /// What ``forceFlush(timeout:)`` and ``shutdown(timeout:)`` return, for callers of the
    /// subscriber itself (a `Bridge` returns its statistics); `Void` when nothing.
    associatedtype Report = Void

    /// Takes one event.
    func receive(_ event: Event)

    /// Delivers or stores everything received so far, within `timeout`.
    @discardableResult
    func forceFlush(timeout: Duration) -> Report

    /// Flushes and stops within `timeout` (`nil`: the subscriber's own default); events received
    /// later are dropped. Called at most once by the instrumentation.
    @discardableResult
    func shutdown(timeout: Duration?) -> Report
}
