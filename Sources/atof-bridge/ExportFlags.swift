import ATOFBridge
import ArgumentParser

/// The delivery options shared by `export` and `replay`. Each overrides the environment.
struct ExportFlags: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Collector URL: a base (http://host:4318) gets /v1/traces appended; a URL ending in /v1/traces is used as is. With --protocol grpc: http://host:4317 or https://host:4317 as it is.",
            discussion:
                "Default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318/v1/traces (grpc: http://localhost:4317)."
        ))
    var endpoint: String?

    @Option(
        name: .customLong("protocol"),
        help: "OTLP protocol: http/protobuf, http/json or grpc (default: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf).")
    var otlpProtocol: String?

    @Option(
        name: .customLong("header"),
        help: "An HTTP header NAME=VALUE sent with every request (repeatable; replaces an environment header of the same name).")
    var headers: [String] = []

    @Flag(help: "Compress request bodies with gzip (default: OTEL_EXPORTER_OTLP_COMPRESSION).")
    var gzip = false

    @Option(help: "CA certificate file for an https endpoint (default: OTEL_EXPORTER_OTLP_CERTIFICATE, else the system's).")
    var caFile: String?

    @Flag(help: "Do not verify the collector's TLS certificate. Dangerous: only for testing.")
    var insecureSkipVerify = false

    @Option(
        help:
            "Seconds the last deliveries may take once the input ends or a signal stops the run (default: ATOF_BRIDGE_SHUTDOWN_TIMEOUT, else 30); what is not delivered then goes to the fallback file."
    )
    var shutdownTimeout: Double?

    func validate() throws {
        if let shutdownTimeout, !(shutdownTimeout > 0 && shutdownTimeout <= 86_400) {
            throw ValidationError("--shutdown-timeout must be a number of seconds above 0 (at most 86400)")
        }
    }

    /// Applies the flags over `configuration`; throws a usage error for a bad URL or header. The
    /// errors never show a header value or the URL's `user:password@`.
    func apply(to configuration: inout Bridge.Configuration) throws {
        for text in headers {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError(
                    "--header needs NAME=VALUE; one --header value has no name or no '=' (not shown: it may hold a secret)")
            }
            let name = EnvironmentValue.trimmed(text[..<equals])
            let value = EnvironmentValue.trimmed(text[text.index(after: equals)...])
            configuration.exporter.headers.removeAll { $0.name.lowercased() == name.lowercased() }
            configuration.exporter.headers.append(HTTPHeader(name: name, value: value))
        }
        if let otlpProtocol {
            guard let chosen = OTLPProtocol.allCases.first(where: { $0.rawValue == otlpProtocol.lowercased() }) else {
                throw ValidationError("--protocol \(otlpProtocol) is not one of http/protobuf, http/json, grpc")
            }
            if chosen != configuration.exporter.protocol {
                // The environment's endpoint reads differently for gRPC (no /v1/traces, 4317).
                configuration.exporter.protocol = chosen
                configuration.exporter.endpoint = OTLPExporterConfiguration.endpoint(for: chosen)
            }
        }
        if let endpoint, configuration.exporter.protocol == .grpc {
            guard let url = OTLPExporterConfiguration.grpcURL(endpoint, insecure: configuration.exporter.insecure) else {
                let shown = configuration.exporter.redactor.redact(endpoint)
                throw ValidationError(
                    "--endpoint \(shown) is not an http:// or https:// URL or host:port (for example http://localhost:4317)")
            }
            configuration.exporter.endpoint = url
        } else if let endpoint {
            guard let url = OTLPExporterConfiguration.endpoint(fromCommandLine: endpoint) else {
                let shown = configuration.exporter.redactor.redact(endpoint)
                throw ValidationError("--endpoint \(shown) is not an http:// or https:// URL (for example http://localhost:4318)")
            }
            configuration.exporter.endpoint = url
        }
        if let shutdownTimeout { configuration.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000)) }
        if gzip { configuration.exporter.compression = .gzip }
        if let caFile { configuration.exporter.tls.caFile = caFile }
        if insecureSkipVerify { configuration.exporter.tls.insecureSkipVerify = true }
    }
}
