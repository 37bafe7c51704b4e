import ATOFThreads
import Logging

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
    private typealias State = CurlExportChannel.State

    private let channel: CurlExportChannel
    private let encoding: OTLPProtocol
    private let gzip: Bool
    private let requestTimeout: Duration?
    private let redactor: SecretRedactor

    /// The URL spans are posted to.
    public let endpoint: String

    /// Creates an exporter for `configuration`'s endpoint, headers, timeouts, compression,
    /// protocol, TLS and HTTP version. Throws when the protocol is `grpc` (use ``OTLPGRPCExporter``) or
    /// libcurl refuses an option (for example a URL it cannot parse).
    public init(configuration: OTLPExporterConfiguration, logger: Logger = Logger(label: "atof-bridge.exporter")) throws(ExportError) {
        if configuration.protocol == .grpc {
            throw .request("OTLPHTTPExporter speaks OTLP/HTTP; for OTEL_EXPORTER_OTLP_PROTOCOL=grpc use OTLPGRPCExporter")
        }
        encoding = configuration.protocol
        gzip = configuration.compression == .gzip
        requestTimeout = configuration.timeout
        endpoint = configuration.endpoint
        redactor = configuration.redactor
        var logger = logger
        logger[metadataKey: "endpoint"] = "\(redactor.redact(configuration.endpoint))"
        let settings = CurlSessionSettings(
            url: configuration.endpoint,
            contentType: configuration.protocol == .httpJSON ? "application/json" : "application/x-protobuf",
            gzip: gzip,
            headers: configuration.headers,
            connectTimeout: configuration.connectTimeout,
            tls: configuration.tls,
            httpVersion: configuration.httpVersion,
            maximumResponseBodySize: configuration.maximumResponseBodySize,
            userAgent: CurlSessionSettings.userAgent)
        channel = try CurlExportChannel(settings: settings, configuration: configuration, logger: logger)
    }

    public func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        channel.export(batch) { batch, deadline, state in send(batch, body: encode(batch), deadline: deadline, state: &state) }
    }

    public func shutdown() {
        channel.shutdown()
    }

    public func cancel() {
        channel.cancel()
    }

    // MARK: - Sending

    /// Posts `body` (the encoded `batch`; `nil` when compression failed) with retries.
    private func send(_ batch: OTLP.SpanBatch, body: [UInt8]?, deadline: MonotonicInstant, state: inout State) -> ExportResult {
        guard let body else {
            return .failed(batch, .request("gzip compression failed (out of memory)"))
        }
        return channel.driver.run(batch, deadline: deadline, state: &state) { remaining, state in
            switch state.session.post(body, timeout: requestTimeout.map { min($0, remaining) } ?? remaining) {
            case .failure(.cancelled):
                return .failed(.shutDown, retryAfter: nil)
            case .failure(.failed(let error)):
                return .failed(error, retryAfter: nil)
            case .success(let response) where (200..<300).contains(response.status):
                state.link.markReachable()
                return .finished(accepted(batch, response, state: &state))
            case .success(let response) where response.status == 413 && batch.spans.count > 1:
                var result = ExportResult()
                let middle = batch.spans.count / 2
                for part in [batch.spans[..<middle], batch.spans[middle...]] {
                    let half = OTLP.SpanBatch(resource: batch.resource, scope: batch.scope, spans: Array(part))
                    result.merge(send(half, body: encode(half), deadline: deadline, state: &state))
                }
                return .finished(result)
            case .success(let response):
                state.link.markReachable()
                return .failed(
                    .httpStatus(response.status, message: ExportResponse.failureMessage(response, redactor: redactor)),
                    retryAfter: response.retryAfter.flatMap { RetryAfter.delay($0) })
            }
        }
    }

    private func accepted(_ batch: OTLP.SpanBatch, _ response: HTTPResponse, state: inout State) -> ExportResult {
        guard let (rejected, message) = ExportResponse.partialSuccess(response) else {
            channel.driver.logOnce(
                "the receiver answered \(response.status) with a body that is not an ExportTraceServiceResponse; counting the batch as delivered",
                link: &state.link)
            return .delivered(batch.spans.count)
        }
        return channel.accepted(batch, rejected: rejected, message: message, link: &state.link)
    }

    private func encode(_ batch: OTLP.SpanBatch) -> [UInt8]? {
        let body = encoding == .httpJSON ? OTLPJSONEncoder().encode(batch) : ProtobufEncoder().encode(batch)
        return gzip ? Gzip.compress(body) : body
    }

    /// `initialBackoff × multiplier^(attempt-1)`, capped, with jitter.
    func backoff(afterAttempt attempt: Int) -> Duration {
        channel.driver.backoff(afterAttempt: attempt)
    }
}

extension OTLPHTTPExporter: BatchPreparingExporter {
    func prepare(_ batch: OTLP.SpanBatch) -> PreparedExport {
        PreparedExport(batch: batch, body: encode(batch))
    }

    func export(prepared: PreparedExport) -> ExportResult {
        channel.export(prepared.batch) { batch, deadline, state in send(batch, body: prepared.body, deadline: deadline, state: &state) }
    }
}
