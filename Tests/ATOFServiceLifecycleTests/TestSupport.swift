import ATOF
import ATOFBridge
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `SpanExporter` double that records what the bridge exports.
final class RecordingExporter: SpanExporter {
    private let storage = Mutex<[OTLP.Span]>([])

    var spans: [OTLP.Span] { storage.withLock { $0 } }

    func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        storage.withLock { $0.append(contentsOf: batch.spans) }
        return ExportResult(delivered: batch.spans.count)
    }

    func shutdown() {}
}

enum Harness {
    static let logger = Logger(label: "atof-service-lifecycle-tests")

    /// A bridge exporting into a recording double, with no fallback file.
    static func recordingBridge() -> (Bridge, RecordingExporter) {
        var configuration = Bridge.Configuration()
        configuration.fallbackPath = nil
        configuration.serviceName = "service-lifecycle-tests"
        let exporter = RecordingExporter()
        return (Bridge(configuration: configuration, exporter: exporter, logger: logger), exporter)
    }

    /// A bridge posting OTLP/HTTP to a closed port on 127.0.0.1, so that every span goes to the
    /// fallback file at `fallbackPath`.
    static func unreachableBridge(fallbackPath: String) throws -> Bridge {
        var configuration = Bridge.Configuration()
        configuration.serviceName = "service-lifecycle-tests"
        configuration.exporter.endpoint = "http://127.0.0.1:1/v1/traces"
        configuration.exporter.exportTimeout = .seconds(1)
        configuration.fallbackPath = fallbackPath
        return try Bridge(configuration: configuration, logger: logger)
    }

    /// `count` ended root scopes named `name-<i>`, then one scope `open` that never ends.
    static func emitScopes(into bridge: Bridge, count: Int, name: String) {
        let base: Int64 = 1_767_225_600_000_000_000
        for index in 0..<count {
            let uuid = "\(name)-\(index)"
            let start = Timestamp(nanosecondsSinceEpoch: base + Int64(index) * 1_000_000)
            let end = Timestamp(nanosecondsSinceEpoch: base + Int64(index) * 1_000_000 + 500_000)
            bridge.receive(Event(family: .v0_1, kind: .scopeStart, uuid: uuid, timestamp: start, name: uuid, category: "agent"))
            bridge.receive(Event(family: .v0_1, kind: .scopeEnd, uuid: uuid, timestamp: end, name: uuid, category: "agent"))
        }
        bridge.receive(
            Event(
                family: .v0_1, kind: .scopeStart, uuid: "\(name)-open", timestamp: Timestamp(nanosecondsSinceEpoch: base),
                name: "\(name)-open", category: "agent"))
    }

    /// The spans in an OTLP/JSON-lines file, every line decoded.
    static func spansInFile(_ path: String) throws -> [OTLP.Span] {
        guard let handle = fopen(path, "r") else { return [] }
        defer { fclose(handle) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = fread(&buffer, 1, buffer.count, handle)
            if read == 0 { break }
            text.append(contentsOf: buffer[0..<read])
        }
        let decoder = OTLPJSONDecoder()
        var spans: [OTLP.Span] = []
        for line in text.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            spans += try decoder.decode(line).batches.flatMap(\.spans)
        }
        return spans
    }

    /// A path in a fresh temporary directory.
    static func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/atof-service-lifecycle-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
            return String(cString: base)
        }
        return directory + "/" + name
    }
}
