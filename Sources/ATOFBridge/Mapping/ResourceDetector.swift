/// Building the OTLP resource from configuration and the environment (span-mapping.md §8).
extension OTLP.Resource {
    /// A resource together with the problems found while reading the environment.
    public struct Detection: Sendable, Hashable {
        /// The resource.
        public var resource: OTLP.Resource
        /// One message per malformed `OTEL_RESOURCE_ATTRIBUTES` entry that was skipped.
        public var warnings: [String]

        /// Creates a detection result.
        public init(resource: OTLP.Resource, warnings: [String]) {
            self.resource = resource
            self.warnings = warnings
        }
    }

    /// Builds the resource: `service.name`, `service.namespace`, `service.version`, every entry of
    /// `OTEL_RESOURCE_ATTRIBUTES`, then `telemetry.sdk.language = swift`,
    /// `telemetry.sdk.name = atof-bridge`, `telemetry.sdk.version` = ``ATOFBridgeVersion/current``.
    ///
    /// - `service.name`: `serviceName`, else `OTEL_SERVICE_NAME`, else `service.name` in
    ///   `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:<processName>` (`unknown_service` when the
    ///   process name is empty). Empty strings count as absent.
    /// - `service.version` / `service.namespace`: the argument, else the entry in
    ///   `OTEL_RESOURCE_ATTRIBUTES`; left out when neither is set.
    ///
    /// `OTEL_RESOURCE_ATTRIBUTES` is a comma-separated list of `key=value`. Keys and values are
    /// trimmed of spaces and tabs; the value is split at the first `=` and percent-decoded (`%XX`
    /// bytes, which must form UTF-8; `+` stays a plus). Empty list items are ignored silently. An
    /// item without `=`, with an empty key, or with a bad percent escape is skipped and reported in
    /// ``Detection/warnings`` (the OpenTelemetry specification would discard the whole variable;
    /// this keeps the good entries). A repeated key keeps its last value. Every value is a string.
    /// The `telemetry.sdk.*` keys always describe this library; entries naming them are ignored.
    ///
    /// - Parameters:
    ///   - serviceName: the configured service name, or `nil`.
    ///   - serviceVersion: the configured service version, or `nil`.
    ///   - serviceNamespace: the configured service namespace, or `nil`.
    ///   - environment: the process environment (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`).
    ///   - processName: the executable's name, for `unknown_service:<processName>`.
    public static func make(
        serviceName: String? = nil,
        serviceVersion: String? = nil,
        serviceNamespace: String? = nil,
        environment: [String: String],
        processName: String
    ) -> Detection {
        var warnings: [String] = []
        let entries = ResourceAttributesParser.parse(environment["OTEL_RESOURCE_ATTRIBUTES"] ?? "", warnings: &warnings)
        func entry(_ key: String) -> String? {
            entries.last { $0.key == key }?.value
        }
        func nonEmpty(_ text: String?) -> String? {
            guard let text, !text.isEmpty else { return nil }
            return text
        }

        let name =
            nonEmpty(serviceName)
            ?? nonEmpty(environment["OTEL_SERVICE_NAME"].map { EnvironmentValue.trimmed($0) })
            ?? nonEmpty(entry("service.name"))
            ?? (processName.isEmpty ? "unknown_service" : "unknown_service:\(processName)")

        var builder = AttributeBuilder()
        builder.set("service.name", string: name)
        builder.set("service.namespace", string: nonEmpty(serviceNamespace) ?? nonEmpty(entry("service.namespace")))
        builder.set("service.version", string: nonEmpty(serviceVersion) ?? nonEmpty(entry("service.version")))
        let reserved: Set<String> = [
            "service.name", "service.namespace", "service.version",
            "telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version",
        ]
        for (key, value) in entries where !reserved.contains(key) {
            builder.set(key, string: value)
        }
        builder.set("telemetry.sdk.language", string: "swift")
        builder.set("telemetry.sdk.name", string: "atof-bridge")
        builder.set("telemetry.sdk.version", string: ATOFBridgeVersion.current)
        return Detection(resource: OTLP.Resource(attributes: builder.attributes), warnings: warnings)
    }
}

/// Parser for the `OTEL_RESOURCE_ATTRIBUTES` format.
enum ResourceAttributesParser {
    /// The well-formed `key=value` entries, in order; problems are appended to `warnings`.
    static func parse(_ text: String, warnings: inout [String]) -> [(key: String, value: String)] {
        var entries: [(key: String, value: String)] = []
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmedItem = EnvironmentValue.trimmed(item)
            if trimmedItem.isEmpty { continue }
            let position = index + 1
            guard let equals = trimmedItem.firstIndex(of: "=") else {
                warnings.append("OTEL_RESOURCE_ATTRIBUTES item \(position) \"\(trimmedItem)\" has no \"=\"; skipped (write key=value)")
                continue
            }
            let key = EnvironmentValue.trimmed(trimmedItem[..<equals])
            guard !key.isEmpty else {
                warnings.append("OTEL_RESOURCE_ATTRIBUTES item \(position) \"\(trimmedItem)\" has an empty key; skipped")
                continue
            }
            let rawValue = EnvironmentValue.trimmed(trimmedItem[trimmedItem.index(after: equals)...])
            guard let value = EnvironmentValue.percentDecoded(rawValue) else {
                warnings.append(
                    "OTEL_RESOURCE_ATTRIBUTES item \(position) (key \"\(key)\") has a bad percent escape or is not UTF-8; skipped (encode characters as %XX)"
                )
                continue
            }
            entries.append((key, value))
        }
        return entries
    }
}
