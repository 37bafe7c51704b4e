import ATOFBridge
import Glibc
import Logging
import Synchronization

/// Spans and configurations for the export tests.
enum ExportTestSupport {
    /// A batch of `count` spans with distinct ids, numbered from `first`.
    static func batch(count: Int, first: Int = 1, name: String = "tool call") -> OTLP.SpanBatch {
        OTLP.SpanBatch(
            resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "export-tests")]),
            spans: spans(count: count, first: first, name: name))
    }

    static func spans(count: Int, first: Int = 1, name: String = "tool call") -> [OTLP.Span] {
        (first..<(first + count)).map { number in
            let offset = UInt64(number)
            let attributes = [
                OTLP.Attribute("atof.category", .string("tool")), OTLP.Attribute("input.value", .string("arguments \(number)")),
            ]
            return OTLP.Span(
                traceID: OTLP.TraceID(high: 0xABAB_ABAB_ABAB_ABAB, low: offset),
                spanID: OTLP.SpanID(offset),
                name: "\(name) \(number)",
                kind: .internal,
                startTimeUnixNano: 1_700_000_000_000_000_000 + offset,
                endTimeUnixNano: 1_700_000_000_000_001_000 + offset,
                attributes: attributes)
        }
    }

    /// The span ids of `spans`, as bytes (the form the test server records).
    static func ids(_ spans: [OTLP.Span]) -> [[UInt8]] {
        spans.map { $0.spanID.bytes }
    }

    /// A configuration for `url` with short waits, so fault tests take milliseconds.
    static func configuration(url: String) -> Bridge.Configuration {
        var configuration = Bridge.Configuration()
        configuration.exporter.endpoint = url
        configuration.exporter.timeout = .seconds(2)
        configuration.exporter.connectTimeout = .seconds(1)
        configuration.exporter.exportTimeout = .seconds(5)
        configuration.exporter.retry = RetryPolicy(
            initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100), jitter: 0.1, maximumRetryAfter: .seconds(2))
        configuration.fallbackPath = nil
        return configuration
    }

    /// A fresh path in the temporary directory (the file does not exist).
    static func temporaryPath(_ name: String) -> String {
        "/tmp/atof-bridge-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
    }
}

/// A log handler that keeps every message, to check what reaches the logs.
final class CapturedLogs: Sendable {
    private let messages = Mutex<[String]>([])

    var all: [String] { messages.withLock { $0 } }

    func append(_ message: String) { messages.withLock { $0.append(message) } }

    /// A logger writing here.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(sink: self) }
        logger.logLevel = level
        return logger
    }

    private struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (metadata.merging(event.metadata ?? [:]) { $1 }).map { "\($0.key)=\($0.value)" }.sorted()
            sink.append("\(event.level): \(event.message) \(fields.joined(separator: " "))")
        }
    }
}
