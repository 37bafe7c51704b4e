import ATOFInstrumentation
import Logging
import ServiceLifecycle

/// The instrumentation's subscribers as a swift-service-lifecycle `Service`: installed when the
/// service is created, shut down when the group shuts down.
///
/// ```swift
/// let bridge = try Bridge(configuration: .fromEnvironment(serviceName: "my-agent"))
/// let instrumentation = try ATOFInstrumentationService(.bridge(bridge), .jsonLines(path: "run.atof.jsonl"))
/// let group = ServiceGroup(
///     services: [instrumentation, agentWorker],
///     gracefulShutdownSignals: [.sigterm, .sigint],
///     logger: logger)
/// try await group.run()
/// ```
///
/// The initializer calls `ATOFInstrumentation.bootstrap` at once, so that scopes started by
/// services that begin running at the same time as this one are not missed; it throws as
/// bootstrap does (a second installation in the process, a `.jsonLines` file that cannot be
/// opened). Put the service **before** the services that produce events: a `ServiceGroup` shuts
/// its services down in reverse order, so the producers stop first.
///
/// On graceful shutdown or cancellation ``run()`` calls `ATOFInstrumentation.shutdown(timeout:)`
/// with ``shutdownTimeout`` — later scopes emit nothing, a bridge exports its queue and scopes
/// that never ended, `.jsonLines` files are synced and closed — logs the counts and returns.
/// Cancellation during that shutdown does not shorten it: to bound it by the group's
/// cancellation as well, also run the bridge as a ``BridgeService``, which gives up the network
/// when cancelled.
public struct ATOFInstrumentationService: Service, CustomStringConvertible {
    /// How long shutdown may take, all subscribers together.
    public let shutdownTimeout: Duration
    private let logger: Logger

    /// Installs `subscribers` for the whole process (`ATOFInstrumentation.bootstrap`); `logger`
    /// receives their warnings and the service's own messages.
    public init(
        _ subscribers: [ATOFSubscriber],
        shutdownTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "atof-instrumentation")
    ) throws(ATOFInstrumentationError) {
        try ATOFInstrumentation.bootstrap(subscribers, logger: logger)
        self.shutdownTimeout = shutdownTimeout
        self.logger = logger
    }

    /// Installs `subscribers`; the variadic form of the initializer above.
    public init(
        _ subscribers: ATOFSubscriber...,
        shutdownTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "atof-instrumentation")
    ) throws(ATOFInstrumentationError) {
        try self.init(subscribers, shutdownTimeout: shutdownTimeout, logger: logger)
    }

    /// `"ATOFInstrumentationService"`, the name `ServiceGroup` logs.
    public var description: String { "ATOFInstrumentationService" }

    /// Waits for graceful shutdown or cancellation, then shuts the subscribers down within
    /// ``shutdownTimeout`` and returns. Never throws.
    public func run() async throws {
        try? await gracefulShutdown()
        let timeout = shutdownTimeout
        let statistics = await BlockingWork.run { ATOFInstrumentation.shutdown(timeout: timeout) }
        logger.info("instrumentation service stopped (.jsonLines files: \(statistics))")
    }
}
