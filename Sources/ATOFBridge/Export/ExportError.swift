/// Why a batch could not be delivered. Messages say what to do; they never contain header values
/// (``OTLPHTTPExporter`` passes every text through `SecretRedactor`).
public enum ExportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The receiver answered with an HTTP status that is not success, with its message (cut to
    /// 512 characters).
    case httpStatus(Int, message: String)
    /// The gRPC receiver answered a status other than OK (its `grpc-message`, percent-decoded and
    /// cut to 512 characters); `retryable` says whether the OTLP specification retries it.
    case grpcStatus(Int, message: String, retryable: Bool)
    /// No answer: the connection was refused, reset or closed, or the name did not resolve.
    case connection(String)
    /// The request or the whole export ran out of time.
    case timedOut(String)
    /// TLS failed (certificate, key or handshake).
    case tls(String)
    /// The response body was larger than the configured cap.
    case responseTooLarge(limit: Int)
    /// The request could not be built (bad URL, unsupported option, compression failure).
    case request(String)
    /// The fallback file could not be written.
    case fallbackWrite(String)
    /// The exporter was shut down or cancelled before the batch was sent.
    case shutDown

    public var description: String {
        switch self {
        case .httpStatus(let status, let message):
            let detail = message.isEmpty ? "" : ": \(message)"
            return "the receiver answered HTTP \(status)\(detail)\(Self.hint(forStatus: status))"
        case .grpcStatus(let code, let message, _):
            let detail = message.isEmpty ? "" : ": \(message)"
            return "the receiver answered gRPC status \(code) \(GRPCStatus.name(of: code))\(detail)\(Self.hint(forGRPCStatus: code))"
        case .connection(let text):
            return "\(text); check that the collector is running and OTEL_EXPORTER_OTLP_ENDPOINT points at it"
        case .timedOut(let text):
            return "\(text); the collector is slow or unreachable (OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_BSP_EXPORT_TIMEOUT)"
        case .tls(let text):
            return "\(text); set OTEL_EXPORTER_OTLP_CERTIFICATE to the CA file that signed the collector's certificate"
        case .responseTooLarge(let limit):
            return "the response body exceeded \(limit) bytes and was not read"
        case .request(let text):
            return text
        case .fallbackWrite(let text):
            return "writing the fallback file failed: \(text)"
        case .shutDown:
            return "the exporter was shut down before the batch was sent"
        }
    }

    private static func hint(forStatus status: Int) -> String {
        switch status {
        case 401, 403: "; check the credentials in OTEL_EXPORTER_OTLP_HEADERS"
        case 404: "; check the path of the endpoint (OTLP/HTTP traces go to /v1/traces)"
        case 415: "; the receiver does not accept this content type (OTEL_EXPORTER_OTLP_PROTOCOL)"
        case 413: "; the batch is too large even for one span"
        default: ""
        }
    }

    private static func hint(forGRPCStatus code: Int) -> String {
        switch code {
        case 7, 16: "; check the credentials in OTEL_EXPORTER_OTLP_HEADERS"
        case 12:
            "; the endpoint does not serve the OTLP trace service (OTLP/gRPC is usually port 4317, OTLP/HTTP 4318: check OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL)"
        default: ""
        }
    }

    /// The same error with every text passed through `redactor` (receivers' messages and
    /// libcurl's error texts can echo header values or the URL).
    func redacted(by redactor: SecretRedactor) -> ExportError {
        switch self {
        case .httpStatus(let status, let message): .httpStatus(status, message: redactor.redact(message))
        case .grpcStatus(let code, let message, let retryable): .grpcStatus(code, message: redactor.redact(message), retryable: retryable)
        case .connection(let text): .connection(redactor.redact(text))
        case .timedOut(let text): .timedOut(redactor.redact(text))
        case .tls(let text): .tls(redactor.redact(text))
        case .request(let text): .request(redactor.redact(text))
        case .fallbackWrite(let text): .fallbackWrite(redactor.redact(text))
        case .responseTooLarge, .shutDown: self
        }
    }

    /// Whether sending the same request again may succeed (OTLP/HTTP: 429, 502, 503, 504; gRPC:
    /// the codes ``GRPCStatus/isRetryable`` names; no answer, timeouts).
    var isRetryable: Bool {
        switch self {
        case .httpStatus(let status, _): [429, 502, 503, 504].contains(status)
        case .grpcStatus(_, _, let retryable): retryable
        case .connection, .timedOut: true
        default: false
        }
    }
}
