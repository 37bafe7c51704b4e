import ATOF

/// A `Bridge` is an ATOF event subscriber: `ATOFInstrumentation.bootstrap(.bridge(bridge))`
/// hands it every event, and the instrumentation's `forceFlush` and `shutdown` pass through to
/// ``forceFlush(timeout:)`` and ``shutdown(timeout:)``.
extension Bridge: EventSubscriber {}
