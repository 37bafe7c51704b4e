/// When and how long the OTLP/HTTP exporter waits before sending a batch again.
///
/// Retried: HTTP 429, 502, 503 and 504, refused connections, connections reset or closed before a
/// response, and timeouts. The n-th retry waits `initialBackoff × multiplier^(n-1)`, at most
/// ``maximumBackoff``, times a random factor in `1 ± jitter`. A `Retry-After` header (seconds or
/// HTTP-date) replaces that delay, capped at ``maximumRetryAfter``. Every attempt and every wait
/// happens inside the export timeout (`OTEL_BSP_EXPORT_TIMEOUT`); a wait that would end after it
/// is not started, and the batch goes to the fallback file instead.
public struct RetryPolicy: Sendable, Hashable {
    /// The wait before the first retry. Default 1 s.
    public var initialBackoff: Duration
    /// The growth factor between waits. Default 2.
    public var multiplier: Double
    /// The longest computed wait. Default 16 s.
    public var maximumBackoff: Duration
    /// The random spread applied to each computed wait, as a fraction (0.2 = ±20 %). Default 0.2.
    public var jitter: Double
    /// The longest wait a server's `Retry-After` may ask for. Default 30 s.
    public var maximumRetryAfter: Duration
    /// Attempts per batch, the first one included. Default 8.
    public var maximumAttempts: Int
    /// After a request timed out (a hung collector), how long batches go straight to the
    /// fallback file before one batch is tried again. Default 5 s.
    public var unreachableProbeInterval: Duration

    /// Creates a policy; the defaults are the documented ones.
    public init(
        initialBackoff: Duration = .seconds(1),
        multiplier: Double = 2,
        maximumBackoff: Duration = .seconds(16),
        jitter: Double = 0.2,
        maximumRetryAfter: Duration = .seconds(30),
        maximumAttempts: Int = 8,
        unreachableProbeInterval: Duration = .seconds(5)
    ) {
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maximumBackoff = maximumBackoff
        self.jitter = min(max(0, jitter), 1)
        self.maximumRetryAfter = maximumRetryAfter
        self.maximumAttempts = max(1, maximumAttempts)
        self.unreachableProbeInterval = max(.zero, unreachableProbeInterval)
    }

    /// No retries at all: one attempt per batch.
    public static let none = RetryPolicy(maximumAttempts: 1)
}
