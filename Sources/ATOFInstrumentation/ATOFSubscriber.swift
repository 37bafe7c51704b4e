import ATOF
import ATOFThreads
import Logging

/// Where the events of instrumented code go. Install one or more with
/// `ATOFInstrumentation.bootstrap(_:)`.
///
/// - ``bridge(_:)``: a `Bridge` from `ATOFBridge` (spans to an OTLP collector, lossless fallback
///   file); ``subscriber(_:)`` installs any other ``ATOF/EventSubscriber`` the same way;
/// - ``jsonLines(path:queueCapacity:)``: the raw ATOF JSON-lines stream, the app's canonical record,
///   which `atof-bridge convert`/`export` read later;
/// - ``closure(_:)``: your own function, called on the emitting task for every event.
///
/// This module reaches subscribers only through the ``ATOF/EventSubscriber`` protocol: an app
/// that does not import `ATOFBridge` links neither libcurl, protobuf-c nor zlib.
public struct ATOFSubscriber: Sendable {
    enum Kind: Sendable {
        case subscriber(any EventSubscriber)
        case jsonLines(path: String, queueCapacity: Int)
        case closure(@Sendable (Event) -> Void)
    }

    let kind: Kind

    /// Sends every event to `subscriber` (its ``ATOF/EventSubscriber/receive(_:)``, on the
    /// emitting task); ``ATOFInstrumentation/forceFlush(timeout:)`` and
    /// ``ATOFInstrumentation/shutdown(timeout:)`` pass through to it.
    public static func subscriber(_ subscriber: some EventSubscriber) -> ATOFSubscriber {
        ATOFSubscriber(kind: .subscriber(subscriber))
    }

    /// Sends every event to `bridge`, an `ATOFBridge` `Bridge` (import `ATOFBridge` for it); the
    /// same as ``subscriber(_:)``, named for the common case. `Bridge.receive(_:)` pairs and
    /// queues and never waits for the network (with the `block` overflow policy a full queue
    /// does make it wait, the apps' default `spill` never does). Flush and shutdown pass through
    /// to the bridge.
    public static func bridge(_ bridge: some EventSubscriber) -> ATOFSubscriber {
        ATOFSubscriber(kind: .subscriber(bridge))
    }

    /// Appends every event as one ATOF 0.1 JSON line to the file at `path`.
    ///
    /// The file is created readable and writable by the owner only (mode 0600; an existing file
    /// keeps its mode) and opened for appending, so runs accumulate. Emitting never waits for the
    /// disk: events go to a queue of at most `queueCapacity` events that one background thread
    /// encodes and writes, each drained batch written whole (so the file only ever ends in a
    /// complete line). When the queue is full the event is **dropped and counted**, never
    /// waited for; ``ATOFInstrumentation/forceFlush(timeout:)`` logs a warning with the count and
    /// ``ATOFInstrumentation/Statistics/eventsDropped`` reports it. Flush and shutdown write
    /// everything queued and `fsync` the file.
    public static func jsonLines(path: String, queueCapacity: Int = 16_384) -> ATOFSubscriber {
        ATOFSubscriber(kind: .jsonLines(path: path, queueCapacity: max(1, queueCapacity)))
    }

    /// Calls `receive` with every event, synchronously on the task that emits it. Keep it short
    /// and non-blocking; it must not start scopes itself.
    public static func closure(_ receive: @escaping @Sendable (Event) -> Void) -> ATOFSubscriber {
        ATOFSubscriber(kind: .closure(receive))
    }

    /// Opens what the subscriber needs (the file and its thread).
    func makeSink(logger: Logger) throws(ATOFInstrumentationError) -> any EventSink {
        switch kind {
        case .subscriber(let subscriber): return SubscriberSink(subscriber: subscriber)
        case .jsonLines(let path, let capacity): return try JSONLinesSink(path: path, queueCapacity: capacity, logger: logger)
        case .closure(let receive): return ClosureSink(receive: receive)
        }
    }
}

/// What a subscriber does with events, and its share of flush and shutdown.
protocol EventSink: Sendable {
    /// Takes one event; must not block on I/O.
    func receive(_ event: Event)
    /// Makes everything received so far durable or delivered, within `deadline` (monotonic ns).
    func forceFlush(deadline: MonotonicInstant)
    /// Flushes and stops, within `deadline`. Events received later are dropped.
    func shutdown(deadline: MonotonicInstant)
    /// Counts for ``ATOFInstrumentation/Statistics`` (zero for sinks that do not count).
    var counts: ATOFInstrumentation.Statistics { get }
}

extension EventSink {
    var counts: ATOFInstrumentation.Statistics { ATOFInstrumentation.Statistics() }
}

/// An ``ATOF/EventSubscriber`` (a `Bridge`, or the app's own) behind the sink interface.
struct SubscriberSink: EventSink {
    let subscriber: any EventSubscriber

    func receive(_ event: Event) { subscriber.receive(event) }
    func forceFlush(deadline: MonotonicInstant) { _ = subscriber.forceFlush(timeout: deadline.remaining) }
    func shutdown(deadline: MonotonicInstant) { _ = subscriber.shutdown(timeout: deadline.remaining) }
}

struct ClosureSink: EventSink {
    let receive: @Sendable (Event) -> Void

    func receive(_ event: Event) { receive(event) }
    func forceFlush(deadline: MonotonicInstant) {}
    func shutdown(deadline: MonotonicInstant) {}
}

/// The installed subscribers, fixed at bootstrap.
final class SubscriberSet: Sendable {
    let sinks: [any EventSink]
    /// The bootstrap's logger, for the instrumentation's own warnings (e.g. a payload that is not JSON).
    let logger: Logger

    init(sinks: [any EventSink], logger: Logger) {
        self.sinks = sinks
        self.logger = logger
    }

    func emit(_ event: Event) {
        for sink in sinks { sink.receive(event) }
    }
}
