#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Configuration {
    /// The defaults overridden by the environment variables named on each property.
    ///
    /// - Parameters:
    ///   - serviceName: stored in ``serviceName`` (code wins over `OTEL_SERVICE_NAME`).
    ///   - environment: the variables to read; by default the process environment.
    public static func fromEnvironment(
        serviceName: String? = nil,
        _ environment: [String: String] = ProcessEnvironment.current
    ) -> Configuration {
        var reader = EnvironmentReader(environment: environment)
        var configuration = Configuration()
        configuration.serviceName = serviceName
        configuration.resourceEnvironment = environment.filter {
            $0.key == "OTEL_SERVICE_NAME" || $0.key == "OTEL_RESOURCE_ATTRIBUTES"
        }

        if let entry = reader.otlp("ENDPOINT") {
            let verbatim = entry.name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
            configuration.endpoint = reader.value(entry, expected: "an http:// or https:// URL", shown: configuration.endpoint) {
                verbatim ? HTTPURL($0)?.verbatim : tracesURL(fromBase: $0)
            } ?? configuration.endpoint
        }
        if let entry = reader.otlp("HEADERS") {
            configuration.headers = reader.headers(entry)
        }
        if let milliseconds = reader.milliseconds(reader.otlp("TIMEOUT"), minimum: 0, default: configuration.timeout) {
            configuration.timeout = milliseconds == 0 ? nil : .milliseconds(milliseconds)
        }
        configuration.compression = reader.choice(reader.otlp("COMPRESSION"), default: configuration.compression)
        configuration.protocol = reader.choice(reader.otlp("PROTOCOL"), default: configuration.protocol)
        configuration.tls = reader.tls()

        var batch = configuration.batch
        batch.maximumQueueSize = reader.integer(reader.entry("OTEL_BSP_MAX_QUEUE_SIZE"), minimum: 1, default: batch.maximumQueueSize)
        batch.maximumExportBatchSize = reader.integer(reader.entry("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), minimum: 1, default: batch.maximumExportBatchSize)
        if batch.maximumExportBatchSize > batch.maximumQueueSize {
            reader.warnings.append(
                "the export batch size \(batch.maximumExportBatchSize) (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) is larger than the queue size \(batch.maximumQueueSize) (OTEL_BSP_MAX_QUEUE_SIZE); using \(batch.maximumQueueSize)"
            )
            batch.maximumExportBatchSize = batch.maximumQueueSize
        }
        if let milliseconds = reader.milliseconds(reader.entry("OTEL_BSP_SCHEDULE_DELAY"), minimum: 0, default: batch.scheduleDelay) {
            batch.scheduleDelay = .milliseconds(milliseconds)
        }
        if let milliseconds = reader.milliseconds(reader.entry("OTEL_BSP_EXPORT_TIMEOUT"), minimum: 1, default: batch.exportTimeout) {
            batch.exportTimeout = .milliseconds(milliseconds)
        }
        configuration.batch = batch

        if let milliseconds = reader.milliseconds(reader.entry("ATOF_BRIDGE_SHUTDOWN_TIMEOUT"), minimum: 1, default: configuration.shutdownTimeout) {
            configuration.shutdownTimeout = .milliseconds(milliseconds)
        }
        configuration.overflowPolicy = reader.choice(reader.entry("ATOF_BRIDGE_OVERFLOW_POLICY"), default: configuration.overflowPolicy)
        if let path = environment["ATOF_BRIDGE_FALLBACK_PATH"].map({ EnvironmentValue.trimmed($0) }) {
            configuration.fallbackPath = path.isEmpty || path.lowercased() == "none" ? nil : path
        }
        configuration.isDisabled = reader.value(reader.entry("OTEL_SDK_DISABLED"), expected: "true or false", shown: "false (enabled)") {
            ["true": true, "false": false][$0.lowercased()]
        } ?? false
        configuration.mapping = MappingOptions.fromEnvironment(environment)
        // A warning quotes the bad value: an endpoint may hold user:password@ (also after a
        // mistyped scheme) and any text a header value.
        let redactor = SecretRedactor(configuration: configuration)
        configuration.warnings = reader.warnings.map(redactor.redact)
        return configuration
    }

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

/// An `http` or `https` URL cut at the start of its path and at its query or fragment.
struct HTTPURL {
    /// `scheme://authority`.
    var origin: Substring
    /// Empty or starting with `/`.
    var path: Substring
    /// Empty or starting with `?` or `#`.
    var suffix: Substring

    /// Parses `text` (trimmed of spaces and tabs); `nil` without an `http`/`https` scheme or a
    /// host, or with white space inside.
    init?(_ text: String) {
        let text = EnvironmentValue.trimmed(text)
        guard !text.contains(where: \.isWhitespace), let separator = text.firstRange(of: "://"),
            ["http", "https"].contains(text[..<separator.lowerBound].lowercased())
        else { return nil }
        let rest = text[separator.upperBound...]
        let pathStart = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard pathStart > rest.startIndex else { return nil }
        let suffixStart = rest[pathStart...].firstIndex { "?#".contains($0) } ?? rest.endIndex
        origin = text[..<pathStart]
        path = text[pathStart..<suffixStart]
        suffix = text[suffixStart...]
    }

    /// The URL as it was parsed.
    var text: String { String(origin + path + suffix) }
    /// The URL with an empty path written as `/`.
    var verbatim: String { path.isEmpty ? String(origin + "/" + suffix) : text }
}

/// Reads variables from an environment, collecting one warning per invalid value.
struct EnvironmentReader {
    /// A set variable: its name and its value trimmed of spaces and tabs.
    typealias Entry = (name: String, value: String)

    let environment: [String: String]
    var warnings: [String] = []

    /// The variable when it is set to something other than white space.
    func entry(_ name: String) -> Entry? {
        guard let raw = environment[name] else { return nil }
        let value = EnvironmentValue.trimmed(raw)
        return value.isEmpty ? nil : (name, value)
    }

    /// `OTEL_EXPORTER_OTLP_TRACES_<option>` when set, else `OTEL_EXPORTER_OTLP_<option>`.
    func otlp(_ option: String) -> Entry? {
        entry("OTEL_EXPORTER_OTLP_TRACES_\(option)") ?? entry("OTEL_EXPORTER_OTLP_\(option)")
    }

    /// The parsed value, or `nil` when unset or invalid; an invalid value adds the warning
    /// `NAME="value" is not <expected>; using the default <shown>`.
    mutating func value<T>(_ entry: Entry?, expected: String, shown: String, _ parse: (String) -> T?) -> T? {
        guard let entry else { return nil }
        if let value = parse(entry.value) { return value }
        warnings.append("\(entry.name)=\"\(entry.value)\" is not \(expected); using the default \(shown)")
        return nil
    }

    /// An integer of at least `minimum` (0 or 1), or `nil` when unset or invalid.
    mutating func integer(_ entry: Entry?, minimum: Int, unit: String = "", shown: String) -> Int? {
        let expected = "a \(minimum > 0 ? "positive" : "non-negative") integer\(unit)"
        return value(entry, expected: expected, shown: shown) { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }

    /// An integer of at least `minimum` (0 or 1), else `default`.
    mutating func integer(_ entry: Entry?, minimum: Int, default: Int) -> Int {
        integer(entry, minimum: minimum, shown: "\(`default`)") ?? `default`
    }

    /// An integer number of milliseconds of at least `minimum` (0 or 1), or `nil` when unset or
    /// invalid; `default` is named in the warning (`nil`: no limit).
    mutating func milliseconds(_ entry: Entry?, minimum: Int, default: Duration?) -> Int? {
        let shown = `default`.map { "\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) ms" }
        return integer(entry, minimum: minimum, unit: " number of milliseconds", shown: shown ?? "(no limit)")
    }

    /// One of the cases, spelled as its raw value in any case.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ entry: Entry?, default: T) -> T where T.RawValue == String {
        let expected = "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")
        return value(entry, expected: expected, shown: `default`.rawValue) { text in
            T.allCases.first { $0.rawValue == text.lowercased() }
        } ?? `default`
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
            guard let value = ResourceAttributesParser.percentDecoded(EnvironmentValue.trimmed(item[item.index(after: equals)...])),
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

/// The process environment, read from `environ` (Foundation is not used in this module).
public enum ProcessEnvironment {
    /// Every variable of the process environment now.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
