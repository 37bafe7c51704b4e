// The event format's types (JSONValue, ScopeCategory, EventSubscriber, ...) are part of this API:
// apps name them without a second import.
@_exported import ATOF
import ATOFThreads
import Instrumentation
import Logging
import Synchronization

/// The process-wide installation of ATOF subscribers, and what passes through to them.
///
/// ```swift
/// import ATOFBridge            // for Bridge; leave it out to keep only the raw file
/// import ATOFInstrumentation
///
/// let bridge = try Bridge(configuration: .fromEnvironment(serviceName: "my-agent"))
/// try ATOFInstrumentation.bootstrap(.bridge(bridge), .jsonLines(path: "run.atof.jsonl"))
/// try await withAgentScope("planner") {
///     try await withLLMCall(model: "gpt-4o", provider: "openai", request: request) { try await client.chat(request) }
/// }
/// ATOFInstrumentation.shutdown()
/// ```
///
/// Until `bootstrap(_:)` runs, scopes run their bodies and emit
/// nothing (one uncontended lock per scope). Bootstrap is once per process, like
/// `InstrumentationSystem.bootstrap`; to also trace `withSpan` code, bootstrap an ``ATOFTracer``
/// there.
///
/// **Parents.** The current scope is held in a task-local (the swift-distributed-tracing
/// `InstrumentationContext.current`, shared with ``ATOFTracer`` spans). A scope's `parent_uuid` is
/// the scope current where it starts, so `async let`, task groups and `Task { }` children nest
/// under the scope that created them. `Task.detached` inherits no task-locals: a scope started
/// there is a new root, in a trace of its own (bind a context explicitly with
/// `InstrumentationContext.withValue` to keep it in the trace). Threads started outside Swift
/// concurrency also start from no scope.
///
/// **Ids and times.** Every event gets a fresh UUIDv7 (RFC 9562, lowercase); the bridge derives
/// the span id from its last 8 bytes and the trace id from the root scope's uuid. Timestamps are
/// the wall clock with nanoseconds; an end is at least 1 µs after its start.
public enum ATOFInstrumentation {
    /// What the `.jsonLines` subscribers did (zero when there are none; a `Bridge` reports its own
    /// counts through its `statistics`).
    public struct Statistics: Sendable, Hashable, CustomStringConvertible {
        /// Events written to the files.
        public var eventsWritten: Int
        /// Events dropped because a queue was full, or emitted after shutdown.
        public var eventsDropped: Int
        /// Events that could not be written (the first failure is logged).
        public var eventsFailed: Int

        /// Counts; all zero by default.
        public init(eventsWritten: Int = 0, eventsDropped: Int = 0, eventsFailed: Int = 0) {
            self.eventsWritten = eventsWritten
            self.eventsDropped = eventsDropped
            self.eventsFailed = eventsFailed
        }

        /// `"<written> events written, <dropped> dropped, <failed> failed"`.
        public var description: String {
            "\(eventsWritten) events written, \(eventsDropped) dropped, \(eventsFailed) failed"
        }

        static func + (lhs: Statistics, rhs: Statistics) -> Statistics {
            Statistics(
                eventsWritten: lhs.eventsWritten + rhs.eventsWritten,
                eventsDropped: lhs.eventsDropped + rhs.eventsDropped,
                eventsFailed: lhs.eventsFailed + rhs.eventsFailed)
        }
    }

    /// Installs `subscribers` for the whole process: every scope, LLM call, tool call and mark
    /// from now on is sent to each of them, in order.
    ///
    /// Throws ``ATOFInstrumentationError/alreadyBootstrapped`` on a second call (also after
    /// ``shutdown(timeout:)``), or when a `.jsonLines` file cannot be opened (then nothing is
    /// installed). `logger` receives the subscribers' warnings (dropped events, write failures).
    public static func bootstrap(
        _ subscribers: [ATOFSubscriber],
        logger: Logger = Logger(label: "atof-instrumentation")
    ) throws(ATOFInstrumentationError) {
        try Registry.bootstrap(subscribers, logger: logger)
    }

    /// Installs `subscribers` for the whole process; see `bootstrap(_:)`.
    public static func bootstrap(
        _ subscribers: ATOFSubscriber...,
        logger: Logger = Logger(label: "atof-instrumentation")
    ) throws(ATOFInstrumentationError) {
        try Registry.bootstrap(subscribers, logger: logger)
    }

    /// Installs `subscriber` (for example a `Bridge`) as the only subscriber
    /// (`bootstrap(.subscriber(subscriber))`).
    public static func bootstrap(_ subscriber: some EventSubscriber) throws(ATOFInstrumentationError) {
        try Registry.bootstrap([.subscriber(subscriber)], logger: Logger(label: "atof-instrumentation"))
    }

    /// `true` once subscribers are installed and until ``shutdown(timeout:)``.
    public static var isActive: Bool { Registry.active != nil }

    /// Delivers or writes everything emitted so far, subscriber by subscriber, all within
    /// `timeout`: a bridge exports its queue and syncs its fallback file, a `.jsonLines` file is
    /// written and `fsync`ed. Scopes still open stay open. Returns the `.jsonLines` counts and
    /// logs a warning when events were dropped since the last flush.
    @discardableResult
    public static func forceFlush(timeout: Duration = .seconds(30)) -> Statistics {
        let deadline = MonotonicInstant.after(timeout)
        let sinks = Registry.active?.sinks ?? []
        for sink in sinks { sink.forceFlush(deadline: deadline) }
        return sinks.reduce(Statistics()) { $0 + $1.counts }
    }

    /// Stops emitting (later scopes run their bodies and emit nothing) and shuts every
    /// subscriber down within `timeout`: a bridge exports scopes that never ended, drains and
    /// stops its thread; a `.jsonLines` file is written, synced and closed. Safe to call twice.
    @discardableResult
    public static func shutdown(timeout: Duration = .seconds(30)) -> Statistics {
        let deadline = MonotonicInstant.after(timeout)
        let sinks = Registry.shutDown()
        for sink in sinks { sink.shutdown(deadline: deadline) }
        return sinks.reduce(Statistics()) { $0 + $1.counts }
    }

    /// The `.jsonLines` counts now.
    public static var statistics: Statistics {
        (Registry.active?.sinks ?? []).reduce(Statistics()) { $0 + $1.counts }
    }

    /// The W3C `traceparent` header for the current scope (trace id = the root scope's uuid or
    /// the joined trace, span id = the last 8 bytes of the scope's uuid, span-mapping.md §2), to
    /// send with an outgoing request; an extracted remote parent is passed on unchanged; `nil`
    /// outside any scope. `ATOFTracer.inject` writes the same value.
    public static var currentTraceparent: String? {
        InstrumentationContext.current.flatMap(ScopeContext.traceParent(in:))?.header
    }

    /// Forgets the installation (shutting down what was installed), for tests only.
    static func _resetForTesting() {
        let sinks = Registry.reset()
        let deadline = MonotonicInstant.after(.seconds(10))
        for sink in sinks { sink.shutdown(deadline: deadline) }
    }
}

/// The lock-protected global installation.
enum Registry {
    private enum Phase {
        case idle
        case active(SubscriberSet)
        case shutDown
    }

    private static let phase = Mutex<Phase>(.idle)

    /// The subscribers to emit to, or `nil` when nothing is installed (or after shutdown).
    static var active: SubscriberSet? {
        phase.withLock { phase in
            if case .active(let set) = phase { return set }
            return nil
        }
    }

    static func bootstrap(_ subscribers: [ATOFSubscriber], logger: Logger) throws(ATOFInstrumentationError) {
        let isIdle = phase.withLock { phase in
            if case .idle = phase { return true }
            return false
        }
        guard isIdle else { throw .alreadyBootstrapped }
        var sinks: [any EventSink] = []
        do {
            for subscriber in subscribers { sinks.append(try subscriber.makeSink(logger: logger)) }
        } catch {
            let deadline = MonotonicInstant.after(.seconds(5))
            for sink in sinks { sink.shutdown(deadline: deadline) }
            throw error
        }
        let set = SubscriberSet(sinks: sinks, logger: logger)
        let installed = phase.withLock { phase in
            guard case .idle = phase else { return false }
            phase = .active(set)
            return true
        }
        guard installed else {
            let deadline = MonotonicInstant.after(.seconds(5))
            for sink in sinks { sink.shutdown(deadline: deadline) }
            throw .alreadyBootstrapped
        }
    }

    /// Moves to the shut-down phase; returns the sinks to shut down (empty the second time).
    static func shutDown() -> [any EventSink] {
        phase.withLock { phase in
            guard case .active(let set) = phase else { return [] }
            phase = .shutDown
            return set.sinks
        }
    }

    /// Back to idle; returns the sinks that were active.
    static func reset() -> [any EventSink] {
        phase.withLock { phase in
            defer { phase = .idle }
            if case .active(let set) = phase { return set.sinks }
            return []
        }
    }
}
