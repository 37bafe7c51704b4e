import ATOF
import ATOFBridge
import Synchronization
import Testing

@testable import ATOFInstrumentation

#if canImport(Glibc)
import Glibc
#endif

/// Every test that installs subscribers runs inside this suite, one at a time: the installation
/// is process-wide (tests that only use values live outside it and run in parallel).
@Suite("ATOF instrumentation (process-wide subscribers)", .serialized)
struct InstrumentationSuite {}

/// Collects the events a `.closure` subscriber receives.
final class EventLog: Sendable {
    private let storage = Mutex<[Event]>([])

    func append(_ event: Event) { storage.withLock { $0.append(event) } }
    var events: [Event] { storage.withLock { $0 } }

    /// The events of the scope named `name`: its start and end.
    func scope(_ name: String) -> (start: Event, end: Event)? {
        let events = self.events
        guard let start = events.first(where: { $0.kind == .scopeStart && $0.name == name }),
            let end = events.first(where: { $0.kind == .scopeEnd && $0.uuid == start.uuid })
        else { return nil }
        return (start, end)
    }

    func start(_ name: String) -> Event? { events.first { $0.kind == .scopeStart && $0.name == name } }
    func marks(_ name: String) -> [Event] { events.filter { $0.kind == .mark && $0.name == name } }
}

/// An `EventSubscriber` of the app's own: records the events and the flush and shutdown calls
/// with the timeouts they were given.
final class RecordingSubscriber: EventSubscriber {
    struct Calls {
        var events: [Event] = []
        var flushTimeouts: [Duration] = []
        var shutdownTimeouts: [Duration?] = []
    }

    private let storage = Mutex(Calls())

    var calls: Calls { storage.withLock { $0 } }

    func receive(_ event: Event) { storage.withLock { $0.events.append(event) } }
    func forceFlush(timeout: Duration) { storage.withLock { $0.flushTimeouts.append(timeout) } }
    func shutdown(timeout: Duration?) { storage.withLock { $0.shutdownTimeouts.append(timeout) } }
}

/// A `SpanExporter` double that records what the bridge exports.
final class RecordingExporter: SpanExporter {
    private let storage = Mutex<[OTLP.Span]>([])

    var spans: [OTLP.Span] { storage.withLock { $0 } }

    func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        storage.withLock { $0.append(contentsOf: batch.spans) }
        return ExportResult(delivered: batch.spans.count)
    }

    func shutdown() {}

    /// The exported span named `name`.
    func span(_ name: String) -> OTLP.Span? { spans.first { $0.name == name } }
}

enum Harness {
    /// Installs a `.closure` subscriber (after forgetting any earlier installation) and returns its log.
    static func capture() throws -> EventLog {
        ATOFInstrumentation._resetForTesting()
        let log = EventLog()
        try ATOFInstrumentation.bootstrap(.closure { log.append($0) })
        return log
    }

    /// A bridge that exports into a recording double, with no fallback file.
    static func bridge() -> (Bridge, RecordingExporter) {
        var configuration = Bridge.Configuration()
        configuration.fallbackPath = nil
        configuration.serviceName = "instrumentation-tests"
        let exporter = RecordingExporter()
        return (Bridge(configuration: configuration, exporter: exporter), exporter)
    }

    /// Installs `extra` subscribers plus a bridge into a recording exporter.
    static func bridged(_ extra: ATOFSubscriber...) throws -> (Bridge, RecordingExporter) {
        ATOFInstrumentation._resetForTesting()
        let (bridge, exporter) = bridge()
        try ATOFInstrumentation.bootstrap([.bridge(bridge)] + extra)
        return (bridge, exporter)
    }

    static func reset() { ATOFInstrumentation._resetForTesting() }

    /// A path in a fresh temporary directory.
    static func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/atof-instrumentation-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
            return String(cString: base)
        }
        return directory + "/" + name
    }

    /// The metadata member `key` of `event` as a string.
    static func metadata(_ event: Event?, _ key: String) -> String? {
        event?.metadata?[key]?.stringValue
    }

    /// The string attribute `key` of `span`.
    static func attribute(_ span: OTLP.Span?, _ key: String) -> String? {
        guard case .string(let value)? = span?[attribute: key] else { return nil }
        return value
    }

    /// The integer attribute `key` of `span`.
    static func intAttribute(_ span: OTLP.Span?, _ key: String) -> Int64? {
        guard case .int(let value)? = span?[attribute: key] else { return nil }
        return value
    }
}

/// An error type for tests.
struct ToolFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { "tool failed: \(reason)" }
}
