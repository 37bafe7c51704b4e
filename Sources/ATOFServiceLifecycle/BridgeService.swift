import ATOFBridge
import Logging
import ServiceLifecycle

/// A ``ATOFBridge/Bridge`` as a swift-service-lifecycle `Service`: it runs until the group shuts
/// down, then shuts the bridge down and returns.
///
/// ```swift
/// let bridge = try Bridge(configuration: .fromEnvironment(serviceName: "my-agent"))
/// let group = ServiceGroup(
///     services: [BridgeService(bridge), try ATOFInstrumentationService(.bridge(bridge)), server],
///     gracefulShutdownSignals: [.sigterm, .sigint],
///     logger: logger)
/// try await group.run()
/// ```
///
/// Put it **before** the services that produce events: a `ServiceGroup` shuts its services down in
/// reverse order, so the producers stop first and the bridge exports everything they emitted.
///
/// **Graceful shutdown** (the group's signal or `triggerGracefulShutdown()`): ``run()`` calls
/// `bridge.shutdown(timeout:)` with ``shutdownTimeout``: scopes that never ended are exported as
/// unended spans, the queue is delivered, and what the network does not take in time is written
/// to the fallback file (plus at most 5 s for that file). The bridge logs its final statistics.
///
/// **Cancellation** (before or during that shutdown, for example when the group's
/// `maximumGracefulShutdownDuration` passes): the bridge gives up the network at once — the
/// request in progress is cancelled and everything queued goes to the fallback file — so
/// ``run()`` returns promptly without losing spans that have a file to go to.
///
/// The blocking shutdown runs on a thread of its own, not on Swift's cooperative pool.
public struct BridgeService: Service, CustomStringConvertible {
    /// The bridge this service shuts down.
    public let bridge: Bridge
    /// How long graceful shutdown may spend exporting (the bridge's
    /// ``ATOFBridge/Bridge/Configuration/shutdownTimeout`` unless given).
    public let shutdownTimeout: Duration
    private let logger: Logger

    /// Wraps `bridge`; `shutdownTimeout` `nil` keeps the bridge's own
    /// ``ATOFBridge/Bridge/Configuration/shutdownTimeout`` (`OTEL_BSP_EXPORT_TIMEOUT`-style
    /// settings read by `Bridge.Configuration.fromEnvironment`, 30 s by default).
    public init(_ bridge: Bridge, shutdownTimeout: Duration? = nil, logger: Logger = Logger(label: "atof-bridge")) {
        self.bridge = bridge
        self.shutdownTimeout = shutdownTimeout ?? bridge.configuration.shutdownTimeout
        self.logger = logger
    }

    /// `"BridgeService"`, the name `ServiceGroup` logs.
    public var description: String { "BridgeService" }

    /// Waits for graceful shutdown or cancellation, then shuts the bridge down (see the type's
    /// documentation for the bound) and returns. Never throws.
    public func run() async throws {
        let cancelled: Bool
        do {
            try await gracefulShutdown()
            cancelled = false
        } catch {
            cancelled = true
        }
        let bridge = self.bridge
        let timeout = shutdownTimeout
        logger.debug(
            "shutting the bridge down",
            metadata: ["reason": "\(cancelled ? "cancellation" : "graceful shutdown")", "timeout": "\(timeout)"])
        let statistics = await withTaskCancellationHandler {
            await BlockingWork.run { bridge.shutdown(timeout: timeout) }
        } onCancel: {
            bridge.abandonNetwork()
        }
        logger.debug("bridge service stopped: \(statistics)")
    }
}
