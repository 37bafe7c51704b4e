import Testing

@testable import ATOFBridge

@Suite struct ConfigurationTests {
    private func configuration(_ environment: [String: String]) -> Bridge.Configuration {
        Bridge.Configuration.fromEnvironment(environment)
    }

    @Test("ATOF_BRIDGE_SHUTDOWN_TIMEOUT sets the shutdown bound in milliseconds; a bad value warns and keeps 30 s")
    func shutdownTimeoutFromEnvironment() {
        #expect(configuration(["ATOF_BRIDGE_SHUTDOWN_TIMEOUT": "1500"]).shutdownTimeout == .milliseconds(1500))
        let bad = configuration(["ATOF_BRIDGE_SHUTDOWN_TIMEOUT": "soon"])
        #expect(bad.shutdownTimeout == .seconds(30))
        #expect(bad.warnings.contains { $0.contains("ATOF_BRIDGE_SHUTDOWN_TIMEOUT") })
    }

    // MARK: OTLP/gRPC endpoint

    @Test("with grpc the default endpoint is http://localhost:4317 and the base endpoint gets no /v1/traces")
    func grpcEndpoint() {
        #expect(configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]).exporter.endpoint == "http://localhost:4317")
        let base = configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"])
        #expect(base.exporter.endpoint == "http://collector:4317")
        let traces = configuration([
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4317",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4317",
        ])
        #expect(traces.exporter.endpoint == "https://collector:4317")
        // The HTTP protocols keep their /v1/traces rule.
        #expect(
            configuration(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).exporter.endpoint
                == "http://collector:4318/v1/traces")
    }

    @Test("INSECURE decides the scheme of a grpc endpoint without one; an explicit scheme decides by itself")
    func grpcInsecure() {
        let plain = configuration([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317", "OTEL_EXPORTER_OTLP_INSECURE": "true",
        ])
        #expect(plain.exporter.insecure)
        #expect(plain.exporter.endpoint == "http://collector:4317")
        let secure = configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"])
        #expect(secure.exporter.endpoint == "https://collector:4317")
        let explicit = configuration([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4317",
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE": "true",
        ])
        #expect(explicit.exporter.endpoint == "https://collector:4317")
        let bad = configuration(["OTEL_EXPORTER_OTLP_INSECURE": "maybe"])
        #expect(!bad.exporter.insecure)
        #expect(bad.warnings.contains { $0.contains("OTEL_EXPORTER_OTLP_INSECURE") })
    }

    @Test("a command line that switches to grpc reads the environment's endpoint the gRPC way")
    func grpcEndpointForCommandLine() {
        #expect(OTLPExporterConfiguration.endpoint(for: .grpc, environment: [:]) == "http://localhost:4317")
        #expect(
            OTLPExporterConfiguration.endpoint(for: .grpc, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"])
                == "http://collector:4317")
        #expect(
            OTLPExporterConfiguration.endpoint(for: .httpProtobuf, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"])
                == "http://c:4318/v1/traces")
        #expect(OTLPExporterConfiguration.grpcURL("not a url", insecure: true) == nil)
        #expect(OTLPExporterConfiguration.grpcURL("ftp://x:1", insecure: true) == nil)
    }

    // MARK: Defaults

    @Test("init() gives the documented defaults and an empty environment changes nothing")
    func defaults() {
        let defaults = Bridge.Configuration()
        #expect(defaults.exporter.endpoint == "http://localhost:4318/v1/traces")
        #expect(defaults.exporter.headers.isEmpty)
        #expect(defaults.exporter.timeout == .seconds(10))
        #expect(defaults.exporter.connectTimeout == .seconds(5))
        #expect(defaults.exporter.compression == .none)
        #expect(defaults.exporter.protocol == .httpProtobuf)
        #expect(defaults.serviceName == nil && defaults.serviceVersion == nil && defaults.serviceNamespace == nil)
        #expect(defaults.resourceEnvironment.isEmpty)
        #expect(defaults.batch == BatchConfiguration(maximumQueueSize: 2048, maximumExportBatchSize: 512, scheduleDelay: .seconds(5)))
        #expect(defaults.exporter.exportTimeout == .seconds(30))
        #expect(defaults.overflowPolicy == .spill)
        #expect(defaults.fallbackPath == "atof-bridge-fallback.otlp.jsonl")
        #expect(defaults.shutdownTimeout == .seconds(30))
        #expect(defaults.exporter.tls == TLSConfiguration(caFile: nil, clientCertificate: nil, clientKey: nil, insecureSkipVerify: false))
        #expect(defaults.exporter.httpVersion == .automatic)
        #expect(defaults.exporter.retry == RetryPolicy())
        #expect(defaults.exporter.maximumResponseBodySize == 4_194_304)
        #expect(!defaults.isDisabled)
        #expect(defaults.mapping == MappingOptions())
        #expect(defaults.assemblyLimits == LiveSpanAssembler.Limits())
        #expect(defaults.warnings.isEmpty)
        #expect(configuration([:]) == defaults)
        #expect(configuration(["PATH": "/usr/bin", "OTEL_EXPORTER_OTLP_ENDPOINT": "  "]) == defaults)
    }

    // MARK: Endpoint

    @Test(
        "the endpoint follows the OTLP/HTTP URL rules",
        arguments: [
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"], "http://collector:4318/v1/traces"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"], "http://collector:4318/v1/traces"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector/"], "http://collector:4318/mycollector/v1/traces"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector"], "http://collector:4318/mycollector/v1/traces"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector//"], "https://collector/v1/traces"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/base?tenant=a"], "http://collector:4318/base/v1/traces?tenant=a"),
            (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318"], "http://collector:4318/"),
            (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://x.example.com/v1/traces"], "https://x.example.com/v1/traces"),
            (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/custom"], "http://collector:4318/custom"),
            (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "HTTP://h?x=1"], "HTTP://h/?x=1"),
            (
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/t", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318"],
                "http://traces:4318/t"
            ),
        ]
    )
    func endpoint(environment: [String: String], expected: String) {
        let configuration = configuration(environment)
        #expect(configuration.exporter.endpoint == expected)
        #expect(configuration.warnings.isEmpty)
    }

    @Test(
        "an endpoint that is not an http(s) URL gives a warning and the default",
        arguments: ["collector:4318", "ftp://collector", "http://", "http://a b/"])
    func invalidEndpoint(value: String) {
        let configuration = configuration(["OTEL_EXPORTER_OTLP_ENDPOINT": value])
        #expect(configuration.exporter.endpoint == "http://localhost:4318/v1/traces")
        #expect(
            configuration.warnings == [
                "OTEL_EXPORTER_OTLP_ENDPOINT=\"\(value)\" is not an http:// or https:// URL; using the default http://localhost:4318/v1/traces"
            ]
        )
    }

    @Test("tracesURL(fromBase:) appends v1/traces after exactly one slash")
    func tracesURLFromBase() {
        #expect(OTLPExporterConfiguration.tracesURL(fromBase: "http://h:4318") == "http://h:4318/v1/traces")
        #expect(OTLPExporterConfiguration.tracesURL(fromBase: "http://h:4318///") == "http://h:4318/v1/traces")
        #expect(OTLPExporterConfiguration.tracesURL(fromBase: "https://h/a/b") == "https://h/a/b/v1/traces")
        #expect(OTLPExporterConfiguration.tracesURL(fromBase: "https://h#frag") == "https://h/v1/traces#frag")
        #expect(OTLPExporterConfiguration.tracesURL(fromBase: "h:4318") == nil)
    }

    @Test("a command-line endpoint ending in /v1/traces is kept, any other is a base")
    func commandLineEndpoint() {
        #expect(OTLPExporterConfiguration.endpoint(fromCommandLine: "http://h:4318/v1/traces") == "http://h:4318/v1/traces")
        #expect(OTLPExporterConfiguration.endpoint(fromCommandLine: "https://h/p/v1/traces?k=v") == "https://h/p/v1/traces?k=v")
        #expect(OTLPExporterConfiguration.endpoint(fromCommandLine: "http://h:4318") == "http://h:4318/v1/traces")
        #expect(OTLPExporterConfiguration.endpoint(fromCommandLine: "http://h:4318/phoenix/") == "http://h:4318/phoenix/v1/traces")
        #expect(OTLPExporterConfiguration.endpoint(fromCommandLine: "localhost:4318") == nil)
    }

    // MARK: Headers

    @Test("headers are split at the first =, trimmed and percent-decoded")
    func headers() {
        let configuration = configuration([
            "OTEL_EXPORTER_OTLP_HEADERS": " Authorization = Basic%20dXNlcjpwYXNz== , x-tenant=caf%C3%A9,, api-key=a+b%2Cc "
        ])
        #expect(
            configuration.exporter.headers == [
                HTTPHeader(name: "Authorization", value: "Basic dXNlcjpwYXNz=="),
                HTTPHeader(name: "x-tenant", value: "café"),
                HTTPHeader(name: "api-key", value: "a+b,c"),
            ]
        )
        #expect(configuration.warnings.isEmpty)
    }

    @Test("a malformed header item is skipped with a warning that never shows its value")
    func malformedHeaders() {
        let configuration = configuration([
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS":
                "good=1,s3cretNoEquals,=s3cretNoName,bad name=s3cret,x-key=s3cret%ZZ,x-crlf=s3cret%0D%0AInjected: 1,x-bytes=s3cret%FF,last=2"
        ])
        #expect(configuration.exporter.headers == [HTTPHeader(name: "good", value: "1"), HTTPHeader(name: "last", value: "2")])
        #expect(configuration.warnings.count == 6)
        for warning in configuration.warnings {
            #expect(warning.hasPrefix("OTEL_EXPORTER_OTLP_TRACES_HEADERS item "))
            #expect(!warning.contains("s3cret"))
        }
        #expect(configuration.warnings[0] == "OTEL_EXPORTER_OTLP_TRACES_HEADERS item 2 has no \"=\"; skipped (write name=value)")
        #expect(configuration.warnings[3].contains("item 5 (header \"x-key\")"))
    }

    @Test("the traces headers replace the generic headers")
    func tracesHeadersReplaceGeneric() {
        let both = configuration(["OTEL_EXPORTER_OTLP_HEADERS": "a=1,b=2", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "c=3"])
        #expect(both.exporter.headers == [HTTPHeader(name: "c", value: "3")])
        let generic = configuration(["OTEL_EXPORTER_OTLP_HEADERS": "a=1", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": ""])
        #expect(generic.exporter.headers == [HTTPHeader(name: "a", value: "1")])
    }

    @Test("a header prints as name: <redacted>, alone or inside a configuration")
    func headerRedaction() {
        let header = HTTPHeader(name: "Authorization", value: "Bearer s3cret")
        #expect(header.description == "Authorization: <redacted>")
        #expect(header.debugDescription == "Authorization: <redacted>")
        #expect("\(header)" == "Authorization: <redacted>")
        var configuration = Bridge.Configuration()
        configuration.exporter.headers = [header]
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(text.contains("Authorization"))
            #expect(!text.contains("s3cret"))
        }
    }

    // MARK: Timeouts, compression, protocol

    @Test("the request timeout is in milliseconds and 0 means no limit")
    func timeout() {
        #expect(configuration(["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"]).exporter.timeout == .milliseconds(2500))
        #expect(configuration(["OTEL_EXPORTER_OTLP_TIMEOUT": "0"]).exporter.timeout == nil)
        #expect(
            configuration(["OTEL_EXPORTER_OTLP_TIMEOUT": "1000", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "750"]).exporter.timeout
                == .milliseconds(750))
    }

    @Test("a negative or malformed timeout gives a warning and the default", arguments: ["-1", "abc", "1.5", "10s"])
    func invalidTimeout(value: String) {
        let configuration = configuration(["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": value])
        #expect(configuration.exporter.timeout == .seconds(10))
        #expect(
            configuration.warnings == [
                "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=\"\(value)\" is not a non-negative integer number of milliseconds; using the default 10000 ms"
            ]
        )
    }

    @Test("compression is none or gzip in any case")
    func compression() {
        #expect(configuration(["OTEL_EXPORTER_OTLP_COMPRESSION": "GZip"]).exporter.compression == .gzip)
        #expect(
            configuration(["OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none"]).exporter.compression
                == .none)
        let invalid = configuration(["OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"])
        #expect(invalid.exporter.compression == .none)
        #expect(invalid.warnings == ["OTEL_EXPORTER_OTLP_COMPRESSION=\"zstd\" is not one of none, gzip; using the default none"])
    }

    @Test("the protocol is parsed; grpc is supported")
    func otlpProtocol() {
        #expect(configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]).exporter.protocol == .httpJSON)
        #expect(
            configuration(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "HTTP/PROTOBUF", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]).exporter
                .protocol == .httpProtobuf)
        let grpc = configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        #expect(grpc.exporter.protocol == .grpc)
        #expect(grpc.warnings.isEmpty)
        #expect(OTLPProtocol.allCases.allSatisfy { $0.isSupported && $0.unsupportedReason == nil })
        let invalid = configuration(["OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"])
        #expect(invalid.exporter.protocol == .httpProtobuf)
        #expect(
            invalid.warnings == [
                "OTEL_EXPORTER_OTLP_PROTOCOL=\"thrift\" is not one of http/protobuf, http/json, grpc; using the default http/protobuf"
            ])
    }

    // MARK: Batch span processor

    @Test("OTEL_BSP_* set the batch values")
    func batchValues() {
        let configuration = configuration([
            "OTEL_BSP_MAX_QUEUE_SIZE": "100",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": " 50 ",
            "OTEL_BSP_SCHEDULE_DELAY": "0",
            "OTEL_BSP_EXPORT_TIMEOUT": "1500",
        ])
        #expect(configuration.batch == BatchConfiguration(maximumQueueSize: 100, maximumExportBatchSize: 50, scheduleDelay: .zero))
        #expect(configuration.exporter.exportTimeout == .milliseconds(1500))
        #expect(configuration.warnings.isEmpty)
    }

    @Test("invalid OTEL_BSP_* values give warnings and the defaults")
    func invalidBatchValues() {
        let configuration = configuration([
            "OTEL_BSP_MAX_QUEUE_SIZE": "abc",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "0",
            "OTEL_BSP_SCHEDULE_DELAY": "-5",
            "OTEL_BSP_EXPORT_TIMEOUT": "0",
        ])
        #expect(configuration.batch == BatchConfiguration())
        #expect(configuration.exporter.exportTimeout == .seconds(30))
        #expect(
            configuration.warnings == [
                "OTEL_BSP_EXPORT_TIMEOUT=\"0\" is not a positive integer number of milliseconds; using the default 30000 ms",
                "OTEL_BSP_MAX_QUEUE_SIZE=\"abc\" is not a positive integer; using the default 2048",
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"0\" is not a positive integer; using the default 512",
                "OTEL_BSP_SCHEDULE_DELAY=\"-5\" is not a non-negative integer number of milliseconds; using the default 5000 ms",
            ]
        )
    }

    @Test("an export batch size larger than the queue size is clamped with a warning")
    func batchClamp() {
        let larger = configuration(["OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4096"])
        #expect(larger.batch.maximumQueueSize == 2048)
        #expect(larger.batch.maximumExportBatchSize == 2048)
        #expect(larger.warnings.count == 1)
        #expect(larger.warnings.first?.contains("4096") == true)
        let smallQueue = configuration(["OTEL_BSP_MAX_QUEUE_SIZE": "100"])
        #expect(smallQueue.batch.maximumExportBatchSize == 100)
        #expect(smallQueue.warnings.count == 1)
        #expect(BatchConfiguration(maximumQueueSize: 10, maximumExportBatchSize: 20).maximumExportBatchSize == 10)
        #expect(
            BatchConfiguration(maximumQueueSize: 0, maximumExportBatchSize: 0)
                == BatchConfiguration(maximumQueueSize: 1, maximumExportBatchSize: 1))
    }

    // MARK: Switches, overflow, fallback

    @Test(
        "OTEL_SDK_DISABLED disables only with true",
        arguments: [("true", true), (" TRUE ", true), ("false", false), ("", false), ("False", false)]
    )
    func sdkDisabled(value: String, disabled: Bool) {
        let configuration = configuration(["OTEL_SDK_DISABLED": value])
        #expect(configuration.isDisabled == disabled)
        #expect(configuration.warnings.isEmpty)
    }

    @Test("an unrecognised OTEL_SDK_DISABLED value gives a warning and stays enabled")
    func invalidSDKDisabled() {
        let configuration = configuration(["OTEL_SDK_DISABLED": "yes"])
        #expect(!configuration.isDisabled)
        #expect(configuration.warnings == ["OTEL_SDK_DISABLED=\"yes\" is not true or false; using the default false (enabled)"])
    }

    @Test("ATOF_BRIDGE_OVERFLOW_POLICY selects spill, block or drop")
    func overflowPolicy() {
        #expect(configuration(["ATOF_BRIDGE_OVERFLOW_POLICY": "block"]).overflowPolicy == .block)
        #expect(configuration(["ATOF_BRIDGE_OVERFLOW_POLICY": "DROP"]).overflowPolicy == .drop)
        #expect(configuration(["ATOF_BRIDGE_OVERFLOW_POLICY": "spill"]).overflowPolicy == .spill)
        let invalid = configuration(["ATOF_BRIDGE_OVERFLOW_POLICY": "discard"])
        #expect(invalid.overflowPolicy == .spill)
        #expect(invalid.warnings == ["ATOF_BRIDGE_OVERFLOW_POLICY=\"discard\" is not one of spill, block, drop; using the default spill"])
    }

    @Test("ATOF_BRIDGE_FALLBACK_PATH sets the fallback file; none or empty turns it off")
    func fallbackPath() {
        #expect(configuration(["ATOF_BRIDGE_FALLBACK_PATH": "/var/tmp/spans.jsonl"]).fallbackPath == "/var/tmp/spans.jsonl")
        #expect(configuration(["ATOF_BRIDGE_FALLBACK_PATH": "none"]).fallbackPath == nil)
        #expect(configuration(["ATOF_BRIDGE_FALLBACK_PATH": "NONE"]).fallbackPath == nil)
        #expect(configuration(["ATOF_BRIDGE_FALLBACK_PATH": ""]).fallbackPath == nil)
    }

    // MARK: TLS

    @Test("TLS files come from the environment, the traces variables first")
    func tlsFiles() {
        let configuration = configuration([
            "OTEL_EXPORTER_OTLP_CERTIFICATE": "/generic/ca.pem",
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": "/traces/ca.pem",
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE": "/traces/client.pem",
            "OTEL_EXPORTER_OTLP_CLIENT_KEY": "/generic/client.key",
        ])
        #expect(
            configuration.exporter.tls
                == TLSConfiguration(caFile: "/traces/ca.pem", clientCertificate: "/traces/client.pem", clientKey: "/generic/client.key"))
        #expect(configuration.warnings.isEmpty)
    }

    @Test(
        "a client certificate without a key, or a key without a certificate, is ignored with a warning",
        arguments: ["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY"]
    )
    func tlsPairing(variable: String) {
        let configuration = configuration([variable: "/etc/x.pem", "OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/ca.pem"])
        #expect(configuration.exporter.tls == TLSConfiguration(caFile: "/etc/ca.pem"))
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.hasPrefix("\(variable) is set but ") == true)
    }

    // MARK: Resource, mapping, code wins

    @Test("the service name argument, the resource variables and the mapping options are taken over")
    func resourceAndMapping() {
        let environment = [
            "OTEL_SERVICE_NAME": "from-env",
            "OTEL_RESOURCE_ATTRIBUTES": "service.version=1.2,deployment.environment=test",
            "OTEL_EXPORTER_OTLP_HEADERS": "a=b",
            "OPENINFERENCE_HIDE_INPUTS": "true",
        ]
        let configuration = Bridge.Configuration.fromEnvironment(serviceName: "from-code", environment)
        #expect(configuration.serviceName == "from-code")
        #expect(
            configuration.resourceEnvironment == [
                "OTEL_SERVICE_NAME": "from-env", "OTEL_RESOURCE_ATTRIBUTES": "service.version=1.2,deployment.environment=test",
            ])
        #expect(configuration.mapping.hideInputs)
        let resource = configuration.makeResource(processName: "tool").resource
        #expect(resource.attributes.contains(OTLP.Attribute("service.name", .string("from-code"))))
        #expect(resource.attributes.contains(OTLP.Attribute("service.version", .string("1.2"))))
        #expect(resource.attributes.contains(OTLP.Attribute("deployment.environment", .string("test"))))
        let fromEnvironment = Bridge.Configuration.fromEnvironment(environment).makeResource(processName: "tool").resource
        #expect(fromEnvironment.attributes.contains(OTLP.Attribute("service.name", .string("from-env"))))
    }

    @Test("properties set in code after fromEnvironment win")
    func codeWins() {
        var configuration = configuration([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
            "OTEL_BSP_MAX_QUEUE_SIZE": "10",
        ])
        #expect(configuration.exporter.endpoint == "http://env:4318/v1/traces")
        configuration.exporter.endpoint = "http://code:4318/v1/traces"
        configuration.exporter.compression = .none
        configuration.batch.maximumQueueSize = 4096
        #expect(configuration.exporter.endpoint == "http://code:4318/v1/traces")
        #expect(configuration.exporter.compression == .none)
        #expect(configuration.batch.maximumQueueSize == 4096)
    }
}
