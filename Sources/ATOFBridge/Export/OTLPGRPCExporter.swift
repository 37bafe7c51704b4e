import ATOFThreads
import Logging

/// Sends span batches to an OTLP/gRPC receiver (the `TraceService/Export` unary call) with
/// libcurl over HTTP/2: h2c with prior knowledge for an `http://` endpoint, HTTP/2 negotiated by
/// ALPN for `https://`. No gRPC library is involved.
///
/// - The request: `POST <scheme://host:port>/opentelemetry.proto.collector.trace.v1.TraceService/Export`
///   (the endpoint's path is not used), `content-type: application/grpc`, `te: trailers`,
///   `grpc-timeout` from the request timeout (or the export time left, when less),
///   `grpc-encoding: gzip` when compression is on, the configured headers, and as body the
///   5-byte length prefix followed by the same protobuf `ExportTraceServiceRequest` as OTLP/HTTP
///   sends (gzip'd, with the prefix's compressed flag set, when compression is on).
/// - The HTTP/2 connection is kept between calls, except for `http://` with libcurl before 8.0,
///   which cannot send a second request on a prior-knowledge connection: there each call opens
///   its own connection.
/// - The status comes from the trailers, or from the headers of a trailers-only answer.
///   OK: the `ExportTraceServiceResponse` after the prefix is read for `partial_success`,
///   counted as rejected spans. CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE,
///   UNAVAILABLE and DATA_LOSS are retried, and RESOURCE_EXHAUSTED when its
///   `grpc-status-details-bin` carries a `google.rpc.RetryInfo`, whose delay is honoured like
///   `Retry-After` (capped at ``RetryPolicy/maximumRetryAfter``). Any other status returns the
///   batch as undelivered (for the fallback file) and logs the `grpc-message` once, redacted.
/// - Backoff, the export timeout, the handling of an unreachable or hung collector and
///   cancellation are those of ``OTLPHTTPExporter`` (the same retry loop).
public final class OTLPGRPCExporter: SpanExporter {
    private typealias State = CurlExportChannel.State

    private let channel: CurlExportChannel
    private let gzip: Bool
    private let requestTimeout: Duration?
    private let maximumResponseBodySize: Int
    private let redactor: SecretRedactor

    /// The URL of the export method the calls are posted to.
    public let endpoint: String

    /// Creates an exporter for `configuration`'s endpoint (its scheme, host and port), headers,
    /// timeouts, compression and TLS; the HTTP version is always HTTP/2. Throws when the
    /// endpoint is not an `http://` or `https://` URL or libcurl refuses an option.
    public init(configuration: OTLPExporterConfiguration, logger: Logger = Logger(label: "atof-bridge.exporter")) throws(ExportError) {
        redactor = configuration.redactor
        guard let url = HTTPURL(configuration.endpoint) else {
            throw .request(
                "the OTLP/gRPC endpoint \(redactor.redact(configuration.endpoint)) is not an http:// or https:// URL (for example http://localhost:4317)"
            )
        }
        endpoint = String(url.origin) + GRPCWire.exportPath
        gzip = configuration.compression == .gzip
        requestTimeout = configuration.timeout
        maximumResponseBodySize = configuration.maximumResponseBodySize
        var logger = logger
        logger[metadataKey: "endpoint"] = "\(redactor.redact(endpoint))"
        var headers = [HTTPHeader(name: "te", value: "trailers")]
        if gzip { headers.append(HTTPHeader(name: "grpc-encoding", value: "gzip")) }
        headers += configuration.headers
        let plaintext = url.origin.lowercased().hasPrefix("http://")
        var settings = CurlSessionSettings(
            url: endpoint,
            contentType: "application/grpc",
            gzip: false,
            headers: headers,
            connectTimeout: configuration.connectTimeout,
            tls: configuration.tls,
            httpVersion: plaintext ? .http2PriorKnowledge : .http2,
            maximumResponseBodySize: configuration.maximumResponseBodySize,
            userAgent: CurlSessionSettings.userAgent)
        settings.acceptCompressedResponses = false
        settings.reuseConnection = !plaintext || CurlGlobal.reusesPriorKnowledgeConnections
        channel = try CurlExportChannel(settings: settings, configuration: configuration, logger: logger)
    }

    public func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        channel.export(batch) { batch, deadline, state in send(batch, body: frame(batch), deadline: deadline, state: &state) }
    }

    public func shutdown() {
        channel.shutdown()
    }

    public func cancel() {
        channel.cancel()
    }

    // MARK: - Sending

    /// The gRPC message of `batch`, framed; `nil` when compression failed.
    private func frame(_ batch: OTLP.SpanBatch) -> [UInt8]? {
        let message = ProtobufEncoder().encode(batch)
        guard let payload = gzip ? Gzip.compress(message) : message else { return nil }
        return GRPCWire.frame(payload, compressed: gzip)
    }

    /// Posts `body` (the framed `batch`; `nil` when compression failed) with retries.
    private func send(_ batch: OTLP.SpanBatch, body: [UInt8]?, deadline: MonotonicInstant, state: inout State) -> ExportResult {
        guard let body else {
            return .failed(batch, .request("gzip compression failed (out of memory)"))
        }
        return channel.driver.run(batch, deadline: deadline, state: &state) { remaining, state in
            let timeout = requestTimeout.map { min($0, remaining) } ?? remaining
            let answer = state.session.post(body, timeout: timeout, extraHeaders: ["grpc-timeout: \(GRPCWire.timeoutHeader(timeout))"])
            switch answer {
            case .failure(.cancelled):
                return .failed(.shutDown, retryAfter: nil)
            case .failure(.failed(let error)):
                return .failed(error, retryAfter: nil)
            case .success(let response):
                state.link.markReachable()
                guard let status = GRPCStatus.of(httpStatus: response.status, fields: response.grpc) else {
                    return .failed(
                        .grpcStatus(
                            13, message: "the answer ended without a grpc-status (is the endpoint a gRPC server?)", retryable: false),
                        retryAfter: nil)
                }
                guard status.code == 0 else {
                    return .failed(
                        .grpcStatus(status.code, message: oneLine(status.message), retryable: status.isRetryable),
                        retryAfter: status.retryDelay)
                }
                return .finished(accepted(batch, response, state: &state))
            }
        }
    }

    /// An OK answer: the `partial_success` of its `ExportTraceServiceResponse`, if any.
    private func accepted(_ batch: OTLP.SpanBatch, _ response: HTTPResponse, state: inout State) -> ExportResult {
        var message: [UInt8] = []
        if !response.body.isEmpty {
            guard let framed = GRPCWire.firstMessage(response.body),
                let bytes = framed.compressed ? Gzip.decompress(framed.message, limit: maximumResponseBodySize) : framed.message
            else {
                channel.driver.logOnce(
                    "the receiver answered OK with a body that is not a gRPC message; counting the batch as delivered", link: &state.link)
                return .delivered(batch.spans.count)
            }
            message = bytes
        }
        guard let (rejected, text) = ExportResponseDecoding.partialSuccess(protobuf: message).map({ ($0.rejectedSpans, $0.errorMessage) })
        else {
            channel.driver.logOnce(
                "the receiver answered OK with a message that is not an ExportTraceServiceResponse; counting the batch as delivered",
                link: &state.link)
            return .delivered(batch.spans.count)
        }
        return channel.accepted(batch, rejected: rejected, message: text.isEmpty ? "" : oneLine(text), link: &state.link)
    }

    /// A receiver's text with secrets redacted, on one line, at most 512 characters.
    private func oneLine(_ text: String) -> String {
        let text = String(redactor.redact(text).map { $0.isNewline || $0 == "\t" ? " " : $0 }).trimmingWhitespace()
        return text.count > 512 ? String(text.prefix(512)) + "…" : text
    }
}

extension OTLPGRPCExporter: BatchPreparingExporter {
    func prepare(_ batch: OTLP.SpanBatch) -> PreparedExport {
        PreparedExport(batch: batch, body: frame(batch))
    }

    func export(prepared: PreparedExport) -> ExportResult {
        channel.export(prepared.batch) { batch, deadline, state in send(batch, body: prepared.body, deadline: deadline, state: &state) }
    }
}
