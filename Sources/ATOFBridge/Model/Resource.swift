extension OTLP {
    /// The entity that produced the spans (OTLP `Resource`): `service.name` and friends.
    public struct Resource: Sendable, Hashable {
        /// The resource attributes, each key once.
        public var attributes: [OTLP.Attribute]

        public init(attributes: [OTLP.Attribute] = []) {
            self.attributes = attributes
        }
    }
}

extension OTLP {
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
        public static let atofBridge = OTLP.InstrumentationScope(name: "atof-bridge", version: ATOFBridgeVersion.current)
    }
}

/// The library's version, as reported in `telemetry.sdk.version`, the instrumentation scope and
/// the HTTP `User-Agent`.
public enum ATOFBridgeVersion {
    /// The current version.
    public static let current = "0.1.0"
}

extension OTLP {
    /// One OTLP export request's content: spans with the resource and scope they share.
    public struct SpanBatch: Sendable, Hashable {
        /// The producing entity.
        public var resource: OTLP.Resource
        /// The producing library.
        public var scope: OTLP.InstrumentationScope
        /// The spans.
        public var spans: [OTLP.Span]

        public init(resource: OTLP.Resource, scope: OTLP.InstrumentationScope = .atofBridge, spans: [OTLP.Span]) {
            self.resource = resource
            self.scope = scope
            self.spans = spans
        }
    }
}
