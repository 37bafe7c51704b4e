import ATOFThreads
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends span batches to an OTLP/HTTP receiver with libcurl.
///
/// - One reused easy handle (HTTP keep-alive), used by one export at a time: the
///   ``BatchSpanProcessor`` calls ``export(_:)`` from its dedicated export thread, so curl's
///   blocking calls never run on the Swift concurrency pool.
/// - `POST` with `Content-Type: application/x-protobuf` (exactly; `application/json` with
///   `http/json`), `User-Agent: atof-bridge/<version> OTel-OTLP-Exporter-Swift/<version>`, an
///   empty `Expect:`, `Content-Encoding: gzip` when configured, and the configured headers.
/// - Header values and the endpoint's credentials never reach the logs or the returned
///   ``ExportError``s, even when the receiver echoes the request's headers: every message passes
///   through `SecretRedactor`.
/// - 2xx is success; a `partial_success` is counted as rejected spans and its message logged once.
///   429, 502, 503, 504, refused or reset connections and timeouts are retried with backoff and
///   jitter (``RetryPolicy``), honouring `Retry-After`, inside the export timeout. 413 splits the
///   batch in halves. Anything else is not retried: the batch is returned as undelivered (for the
///   fallback file) and the receiver's message logged once.
/// - After an export fails because the receiver cannot be reached or did not answer in time,
///   later exports make a single attempt each until one succeeds; after a timeout (a hung
///   collector, where every attempt would cost the request timeout) batches go straight to the
///   fallback file for ``RetryPolicy/unreachableProbeInterval`` between single probe attempts.
///   So a stopped or hung collector costs one export timeout, not one per batch.
/// - Delivery is at least once: a request that timed out may still have been stored by the
///   collector, and its spans are then also written to the fallback file. Span ids are
///   deterministic, so a replay sends the same ids again and backends can deduplicate.
public final class OTLPHTTPExporter: SpanExporter {
    private struct State {
        var session: CurlSession
        var unreachable = false
        /// After a timeout: no request before this instant (batches go to the fallback file).
        var quietUntil: MonotonicInstant?
        var loggedMessages: Set<String> = []

        mutating func markUnreachable(timedOut: Bool, probeInterval: Duration) {
            unreachable = true
            if timedOut { quietUntil = .after(probeInterval) }
        }

        mutating func markReachable() {
            unreachable = false
            quietUntil = nil
        }
    }

    private let state: Mutex<State>
    private let cancellation = Cancellation()
    private let isShutDown = Atomic<Bool>(false)
    private let encoding: OTLPProtocol
    private let gzip: Bool
    private let requestTimeout: Duration?
    private let exportTimeout: Duration
    private let retry: RetryPolicy
    private let logger: Logger
    private let redactor: SecretRedactor

    /// The URL spans are posted to.
    public let endpoint: String

    /// Creates an exporter for `configuration`'s endpoint, headers, timeouts, compression,
    /// protocol, TLS and HTTP version. Throws when the protocol is not supported (`grpc`) or
    /// libcurl refuses an option (for example a URL it cannot parse).
    public init(configuration: OTLPExporterConfiguration, logger: Logger = Logger(label: "atof-bridge.exporter")) throws(ExportError) {
        if let reason = configuration.protocol.unsupportedReason { throw .request(reason) }
        encoding = configuration.protocol
        gzip = configuration.compression == .gzip
        requestTimeout = configuration.timeout
        exportTimeout = configuration.exportTimeout
        retry = configuration.retry
        endpoint = configuration.endpoint
        redactor = configuration.redactor
        var logger = logger
        logger[metadataKey: "endpoint"] = "\(redactor.redact(configuration.endpoint))"
        self.logger = logger
        let settings = CurlSessionSettings(
            url: configuration.endpoint,
            contentType: configuration.protocol == .httpJSON ? "application/json" : "application/x-protobuf",
            gzip: gzip,
            headers: configuration.headers,
            connectTimeout: configuration.connectTimeout,
            tls: configuration.tls,
            httpVersion: configuration.httpVersion,
            maximumResponseBodySize: configuration.maximumResponseBodySize,
            userAgent: "atof-bridge/\(ATOFBridgeVersion.current) OTel-OTLP-Exporter-Swift/\(ATOFBridgeVersion.current)")
        let session = try CurlSession(settings: settings, cancellation: cancellation)
        state = Mutex(State(session: session))
    }

    public func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        guard !batch.spans.isEmpty else { return ExportResult() }
        guard !isShutDown.load(ordering: .acquiring), !cancellation.isCancelled else { return .failed(batch, .shutDown) }
        let deadline = MonotonicInstant.after(exportTimeout)
        var result = state.withLock { state in send(batch, deadline: deadline, state: &state) }
        result.failure = result.failure?.redacted(by: redactor)
        return result
    }

    public func shutdown() {
        isShutDown.store(true, ordering: .releasing)
    }

    public func cancel() {
        cancellation.cancel()
    }

    // MARK: - Sending

    private func send(_ batch: OTLP.SpanBatch, deadline: MonotonicInstant, state: inout State) -> ExportResult {
        guard let body = encode(batch) else {
            return .failed(batch, .request("gzip compression failed (out of memory)"))
        }
        if let quietUntil = state.quietUntil, !quietUntil.hasPassed {
            return .failed(
                batch,
                .timedOut(
                    "the collector did not answer in time; batches go to the fallback file, with one attempt every \(retry.unreachableProbeInterval) until it answers"
                ))
        }
        let attempts = state.unreachable ? 1 : retry.maximumAttempts
        var retries = 0
        for attempt in 1... {
            let remaining = deadline.remaining
            guard remaining > .zero else {
                state.markUnreachable(timedOut: true, probeInterval: retry.unreachableProbeInterval)
                return .failed(batch, .timedOut("the export timeout of \(exportTimeout) passed"), retries: retries)
            }
            let failure: ExportError
            var retryAfter: String?
            switch state.session.post(body, timeout: requestTimeout.map { min($0, remaining) } ?? remaining) {
            case .failure(.cancelled):
                return .failed(batch, .shutDown, retries: retries)
            case .failure(.failed(let error)):
                failure = error
                switch error {
                case .connection: state.markUnreachable(timedOut: false, probeInterval: retry.unreachableProbeInterval)
                case .timedOut: state.markUnreachable(timedOut: true, probeInterval: retry.unreachableProbeInterval)
                default: break
                }
            case .success(let response) where (200..<300).contains(response.status):
                state.markReachable()
                return accepted(batch, response, retries: retries, state: &state)
            case .success(let response) where response.status == 413 && batch.spans.count > 1:
                var result = ExportResult(retries: retries)
                let middle = batch.spans.count / 2
                for part in [batch.spans[..<middle], batch.spans[middle...]] {
                    result.merge(
                        send(
                            OTLP.SpanBatch(resource: batch.resource, scope: batch.scope, spans: Array(part)), deadline: deadline,
                            state: &state))
                }
                return result
            case .success(let response):
                state.markReachable()
                failure = .httpStatus(response.status, message: ExportResponse.failureMessage(response, redactor: redactor))
                retryAfter = response.retryAfter
            }
            guard failure.isRetryable, attempt < attempts, !cancellation.isCancelled else {
                logOnce(failure.description, state: &state)
                return .failed(batch, failure, retries: retries)
            }
            let delay =
                retryAfter.flatMap { RetryAfter.delay($0) }.map { min($0, retry.maximumRetryAfter) } ?? backoff(afterAttempt: attempt)
            guard delay < deadline.remaining else {
                logOnce("\(failure.description); no time left to retry within the export timeout", state: &state)
                return .failed(batch, failure, retries: retries)
            }
            logger.debug(
                "retrying export",
                metadata: ["attempt": "\(attempt)", "delay": "\(delay)", "reason": "\(redactor.redact(failure.description))"])
            guard cancellation.sleep(for: delay) else { return .failed(batch, .shutDown, retries: retries) }
            retries += 1
        }
        return .failed(batch, .shutDown, retries: retries)  // not reached: the loop returns
    }

    private func accepted(_ batch: OTLP.SpanBatch, _ response: HTTPResponse, retries: Int, state: inout State) -> ExportResult {
        guard let (rejected, message) = ExportResponse.partialSuccess(response) else {
            logOnce(
                "the receiver answered \(response.status) with a body that is not an ExportTraceServiceResponse; counting the batch as delivered",
                state: &state)
            return .delivered(batch.spans.count, retries: retries)
        }
        if rejected > 0 || !message.isEmpty {
            logOnce("the receiver rejected \(rejected) span(s): \(message.isEmpty ? "(no message)" : message)", state: &state)
        }
        let rejectedCount = Int(clamping: min(max(0, rejected), Int64(batch.spans.count)))
        return ExportResult(delivered: batch.spans.count - rejectedCount, rejected: rejectedCount, retries: retries)
    }

    private func encode(_ batch: OTLP.SpanBatch) -> [UInt8]? {
        let body = encoding == .httpJSON ? OTLPJSONEncoder().encode(batch) : ProtobufEncoder().encode(batch)
        return gzip ? Gzip.compress(body) : body
    }

    /// `initialBackoff × multiplier^(attempt-1)`, capped, with jitter.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let base = retry.initialBackoff.secondsValue * pow(retry.multiplier, Double(attempt - 1))
        let capped = min(base, retry.maximumBackoff.secondsValue)
        let factor = retry.jitter > 0 ? Double.random(in: (1 - retry.jitter)...(1 + retry.jitter)) : 1
        return .nanoseconds(Int64(capped * factor * 1e9))
    }

    /// Logs `message`, redacted, as a warning the first time it is seen (at most 100 distinct
    /// messages).
    private func logOnce(_ message: String, state: inout State) {
        let message = redactor.redact(message)
        guard !state.loggedMessages.contains(message) else { return }
        if state.loggedMessages.count < 100 { state.loggedMessages.insert(message) }
        logger.warning("\(message)")
    }
}
