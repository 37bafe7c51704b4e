import Testing

@testable import ATOFBridge

@Suite struct MappingResourceTests {
    static func value(_ resource: OTLP.Resource, _ key: String) -> OTLP.AttributeValue? {
        resource.attributes.first { $0.key == key }?.value
    }

    @Test func explicitServiceNameWinsOverEveryOtherSource() {
        let detection = OTLP.Resource.make(
            serviceName: "explicit",
            environment: ["OTEL_SERVICE_NAME": "from-env", "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs"],
            processName: "proc")
        #expect(Self.value(detection.resource, "service.name") == "explicit")
        #expect(detection.resource.attributes.filter { $0.key == "service.name" }.count == 1)
    }

    @Test func otelServiceNameWinsOverResourceAttributes() {
        let detection = OTLP.Resource.make(
            environment: ["OTEL_SERVICE_NAME": "from-env", "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs"], processName: "proc")
        #expect(Self.value(detection.resource, "service.name") == "from-env")
    }

    @Test func resourceAttributesServiceNameWinsOverTheFallback() {
        let detection = OTLP.Resource.make(
            serviceName: "", environment: ["OTEL_SERVICE_NAME": "", "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs"],
            processName: "proc")
        #expect(Self.value(detection.resource, "service.name") == "from-attrs")
    }

    @Test func serviceNameFallsBackToUnknownServiceWithTheProcessName() {
        #expect(
            Self.value(OTLP.Resource.make(environment: [:], processName: "agent-app").resource, "service.name")
                == "unknown_service:agent-app")
        #expect(Self.value(OTLP.Resource.make(environment: [:], processName: "").resource, "service.name") == "unknown_service")
    }

    @Test func telemetrySDKAttributesDescribeThisLibrary() {
        let detection = OTLP.Resource.make(
            environment: ["OTEL_RESOURCE_ATTRIBUTES": "telemetry.sdk.name=other"], processName: "p")
        #expect(Self.value(detection.resource, "telemetry.sdk.name") == "atof-bridge")
        #expect(Self.value(detection.resource, "telemetry.sdk.language") == "swift")
        #expect(Self.value(detection.resource, "telemetry.sdk.version") == .string(ATOFBridgeVersion.current))
        #expect(detection.warnings.isEmpty)
    }

    @Test func everyResourceAttributeIsKeptWithPercentDecodedValues() {
        let detection = OTLP.Resource.make(
            environment: [
                "OTEL_RESOURCE_ATTRIBUTES":
                    " deployment.environment = prod ,team=a%2Cb%3Dc,note=caf%C3%A9+1,empty=,,host.name=x,host.name=y"
            ],
            processName: "p")
        #expect(Self.value(detection.resource, "deployment.environment") == "prod")
        #expect(Self.value(detection.resource, "team") == "a,b=c")
        #expect(Self.value(detection.resource, "note") == "café+1")
        #expect(Self.value(detection.resource, "empty") == "")
        #expect(Self.value(detection.resource, "host.name") == "y")
        let keys = detection.resource.attributes.map(\.key)
        #expect(Set(keys).count == keys.count)
        #expect(detection.warnings.isEmpty)
    }

    @Test func malformedPairsAreSkippedAndReported() {
        let detection = OTLP.Resource.make(
            environment: ["OTEL_RESOURCE_ATTRIBUTES": "good=1,novalue,=orphan,bad=%zz,short=%4,notutf8=%FF,also.good=2"], processName: "p")
        #expect(Self.value(detection.resource, "good") == "1")
        #expect(Self.value(detection.resource, "also.good") == "2")
        for key in ["novalue", "", "bad", "short", "notutf8"] {
            #expect(Self.value(detection.resource, key) == nil, "\(key)")
        }
        #expect(detection.warnings.count == 5)
        #expect(detection.warnings.first?.contains("novalue") == true)
    }

    @Test func explicitVersionAndNamespaceWinOverResourceAttributes() {
        let detection = OTLP.Resource.make(
            serviceName: "svc", serviceVersion: "2.0", serviceNamespace: "prod",
            environment: ["OTEL_RESOURCE_ATTRIBUTES": "service.version=1.0,service.namespace=dev"], processName: "p")
        #expect(Self.value(detection.resource, "service.version") == "2.0")
        #expect(Self.value(detection.resource, "service.namespace") == "prod")
        #expect(detection.resource.attributes.filter { $0.key == "service.version" }.count == 1)

        let fromEnvironment = OTLP.Resource.make(
            environment: ["OTEL_RESOURCE_ATTRIBUTES": "service.version=1.0,service.namespace=dev"], processName: "p")
        #expect(Self.value(fromEnvironment.resource, "service.version") == "1.0")
        #expect(Self.value(fromEnvironment.resource, "service.namespace") == "dev")

        let neither = OTLP.Resource.make(environment: [:], processName: "p")
        #expect(Self.value(neither.resource, "service.version") == nil)
        #expect(Self.value(neither.resource, "service.namespace") == nil)
    }
}
