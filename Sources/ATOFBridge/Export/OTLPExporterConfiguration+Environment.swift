extension OTLPExporterConfiguration {
    /// The defaults overridden by the `OTEL_EXPORTER_OTLP_*` variables (and
    /// `OTEL_BSP_EXPORT_TIMEOUT`) named on each property.
    ///
    /// - Parameter environment: the variables to read; by default the process environment.
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.current) -> OTLPExporterConfiguration {
        var reader = EnvironmentReader(environment: environment)
        var configuration = OTLPExporterConfiguration()
        configuration.read(&reader)
        configuration.warnings = reader.warnings.map(configuration.redactor.redact)
        return configuration
    }

    /// Reads the exporter's variables, collecting warnings (unredacted) in `reader`.
    mutating func read(_ reader: inout EnvironmentReader) {
        `protocol` = reader.choice(reader.otlp("PROTOCOL"), default: `protocol`)
        insecure =
            reader.value(reader.otlp("INSECURE"), expected: "true or false", shown: "\(insecure)") { EnvironmentValue.bool($0) }
            ?? insecure
        readEndpoint(&reader)
        if let entry = reader.otlp("HEADERS") {
            headers = reader.headers(entry)
        }
        if let milliseconds = reader.milliseconds(reader.otlp("TIMEOUT"), minimum: 0, default: timeout) {
            timeout = milliseconds == 0 ? nil : .milliseconds(milliseconds)
        }
        if let milliseconds = reader.milliseconds(reader.entry("OTEL_BSP_EXPORT_TIMEOUT"), minimum: 1, default: exportTimeout) {
            exportTimeout = .milliseconds(milliseconds)
        }
        compression = reader.choice(reader.otlp("COMPRESSION"), default: compression)
        tls = reader.tls()
    }

    /// The endpoint for ``protocol``: for OTLP/HTTP `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` verbatim
    /// or `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces`; for gRPC either variable as it is
    /// (a `host:port` without scheme gets `http://` when ``insecure``, else `https://`), default
    /// `http://localhost:4317`.
    mutating func readEndpoint(_ reader: inout EnvironmentReader) {
        if `protocol` == .grpc {
            endpoint = Self.defaultGRPCEndpoint
            let insecure = insecure
            endpoint =
                reader.value(reader.otlp("ENDPOINT"), expected: "an http:// or https:// URL or host:port", shown: endpoint) {
                    Self.grpcURL($0, insecure: insecure)
                } ?? endpoint
            return
        }
        if let entry = reader.otlp("ENDPOINT") {
            let verbatim = entry.name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
            endpoint =
                reader.value(entry, expected: "an http:// or https:// URL", shown: endpoint) {
                    verbatim ? HTTPURL($0)?.verbatim : Self.tracesURL(fromBase: $0)
                } ?? endpoint
        }
    }

    /// The default OTLP/gRPC endpoint, the collector's gRPC receiver on this machine.
    public static let defaultGRPCEndpoint = "http://localhost:4317"

    /// The endpoint the environment gives for `protocol` (the defaults when unset or invalid):
    /// for a command line that chooses the protocol after the environment was read.
    public static func endpoint(for protocol: OTLPProtocol, environment: [String: String] = ProcessEnvironment.current) -> String {
        var reader = EnvironmentReader(environment: environment)
        var configuration = OTLPExporterConfiguration()
        configuration.insecure = EnvironmentValue.bool(reader.otlp("INSECURE")?.value) ?? false
        configuration.protocol = `protocol`
        configuration.readEndpoint(&reader)
        return configuration.endpoint
    }

    /// An OTLP/gRPC endpoint: an `http://` or `https://` URL as it is; `host:port` (no scheme)
    /// with `http://` when `insecure`, else `https://`; `nil` for anything else.
    public static func grpcURL(_ text: String, insecure: Bool) -> String? {
        if let url = HTTPURL(text) { return url.text }
        let text = EnvironmentValue.trimmed(text)
        guard !text.isEmpty, !text.contains("://") else { return nil }
        return HTTPURL((insecure ? "http://" : "https://") + text)?.text
    }

    /// Takes the configured secrets (header values, the endpoint's credentials) out of text.
    package var redactor: SecretRedactor { SecretRedactor(configuration: self) }

    /// The traces URL under a base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`): `v1/traces` appended to the
    /// path with exactly one slash between, query and fragment kept; `nil` when `base` is not an
    /// `http://` or `https://` URL.
    static func tracesURL(fromBase base: String) -> String? {
        guard var url = HTTPURL(base) else { return nil }
        while url.path.last == "/" { url.path.removeLast() }
        url.path += "/v1/traces"
        return url.text
    }

    /// The traces URL for a command-line `--endpoint`: a URL whose path already ends with
    /// `/v1/traces` is used verbatim, any other is a base (see ``tracesURL(fromBase:)``); `nil` when
    /// `text` is not an `http://` or `https://` URL.
    public static func endpoint(fromCommandLine text: String) -> String? {
        guard let url = HTTPURL(text) else { return nil }
        return url.path.hasSuffix("/v1/traces") ? url.text : tracesURL(fromBase: text)
    }
}

extension EnvironmentReader {
    /// `OTEL_EXPORTER_OTLP_TRACES_<option>` when set, else `OTEL_EXPORTER_OTLP_<option>`.
    func otlp(_ option: String) -> Entry? {
        entry("OTEL_EXPORTER_OTLP_TRACES_\(option)") ?? entry("OTEL_EXPORTER_OTLP_\(option)")
    }

    /// The well-formed headers of a `name=value,name=value` list; each malformed item adds a
    /// warning naming the variable and the item's position (and name once it is known to be a
    /// valid one), never its value.
    mutating func headers(_ entry: Entry) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        for (index, item) in entry.value.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let item = EnvironmentValue.trimmed(item)
            if item.isEmpty { continue }
            let label = "\(entry.name) item \(index + 1)"
            guard let equals = item.firstIndex(of: "=") else {
                warnings.append("\(label) has no \"=\"; skipped (write name=value)")
                continue
            }
            let name = EnvironmentValue.trimmed(item[..<equals])
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                warnings.append("\(label) has an empty or invalid header name; skipped")
                continue
            }
            guard let value = EnvironmentValue.percentDecoded(EnvironmentValue.trimmed(item[item.index(after: equals)...])),
                !value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F })
            else {
                warnings.append(
                    "\(label) (header \"\(name)\") has a bad percent escape, is not UTF-8 or contains control characters; skipped (encode characters as %XX)"
                )
                continue
            }
            headers.append(HTTPHeader(name: name, value: value))
        }
        return headers
    }

    /// The CA file and the client certificate and key, which are kept only as a pair.
    mutating func tls() -> TLSConfiguration {
        var tls = TLSConfiguration(caFile: otlp("CERTIFICATE")?.value)
        switch (otlp("CLIENT_CERTIFICATE"), otlp("CLIENT_KEY")) {
        case let (certificate?, key?):
            tls.clientCertificate = certificate.value
            tls.clientKey = key.value
        case let (certificate?, nil):
            warnings.append(
                "\(certificate.name) is set but OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_KEY is not; ignoring the client certificate (set both for mutual TLS)"
            )
        case let (nil, key?):
            warnings.append(
                "\(key.name) is set but OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_CERTIFICATE is not; ignoring the client key (set both for mutual TLS)"
            )
        case (nil, nil):
            break
        }
        return tls
    }

    /// An RFC 9110 token character (header names).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
