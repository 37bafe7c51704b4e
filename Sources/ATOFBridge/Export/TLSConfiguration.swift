/// TLS settings for `https` endpoints. Paths name PEM files.
public struct TLSConfiguration: Sendable, Hashable {
    /// The certificate authorities that verify the collector, instead of the system's.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE`, else `OTEL_EXPORTER_OTLP_CERTIFICATE`.
    /// Default `nil` (the system's trust store).
    public var caFile: String?
    /// The client certificate for mutual TLS; used only together with ``clientKey``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE`, else
    /// `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`. Default `nil`.
    public var clientCertificate: String?
    /// The client certificate's private key; used only together with ``clientCertificate``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY`, else `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
    /// Default `nil`.
    public var clientKey: String?
    /// Skip verifying the collector's certificate and host name. **Dangerous**: anyone on the
    /// network path can then read and alter the spans and the headers (credentials included). For
    /// local testing only. No environment variable; set it in code or on the command line.
    /// Default `false`.
    public var insecureSkipVerify: Bool

    /// Creates TLS settings; the defaults verify the collector against the system's trust store.
    public init(caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}
