/// The entity that produced the spans (OTLP `Resource`): `service.name` and friends.
public struct Resource: Sendable, Hashable {
    /// The resource attributes, each key once.
    public var attributes: [SpanAttribute]

    public init(attributes: [SpanAttribute] = []) {
        self.attributes = attributes
    }
}

/// The library that produced the spans (OTLP `InstrumentationScope`).
public struct InstrumentationScope: Sendable, Hashable {
    /// The scope name.
    public var name: String
    /// The scope version.
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// This library: `atof-bridge` at ``ATOFBridgeVersion/current``.
    public static let atofBridge = InstrumentationScope(name: "atof-bridge", version: ATOFBridgeVersion.current)
}

/// The library's version, as reported in `telemetry.sdk.version`, the instrumentation scope and
/// the HTTP `User-Agent`.
public enum ATOFBridgeVersion {
    /// The current version.
    public static let current = "0.1.0"
}

/// One OTLP export request's content: spans with the resource and scope they share.
public struct SpanBatch: Sendable, Hashable {
    /// The producing entity.
    public var resource: Resource
    /// The producing library.
    public var scope: InstrumentationScope
    /// The spans.
    public var spans: [Span]

    public init(resource: Resource, scope: InstrumentationScope = .atofBridge, spans: [Span]) {
        self.resource = resource
        self.scope = scope
        self.spans = spans
    }
}
