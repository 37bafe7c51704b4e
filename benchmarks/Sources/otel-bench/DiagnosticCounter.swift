import BenchSupport
import Logging
import Synchronization

/// swift-otel's diagnostic logger, counting what it reports: spans dropped by its batch
/// processor (the `dropped_count` of "Spans were dropped…" warnings, logged once per export tick,
/// so drops after the last tick are not in it) and failed batch exports. Warnings and errors are
/// also printed, the first few of each message.
final class DiagnosticCounter: Sendable {
    let loggedDropped = Atomic<Int>(0)
    let failedExports = Atomic<Int>(0)
    fileprivate let printed = Mutex<[String: Int]>([:])

    var logger: Logger {
        Logger(label: "swift-otel") { _ in Handler(counter: self) }
    }

    struct Handler: LogHandler {
        let counter: DiagnosticCounter
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.message)"
            if text.hasPrefix("Spans were dropped"), case .string(let count)? = all["dropped_count"], let dropped = Int(count) {
                counter.loggedDropped.add(dropped, ordering: .relaxed)
            }
            if text.hasPrefix("Failed to export") { counter.failedExports.add(1, ordering: .relaxed) }
            let shown = counter.printed.withLock { seen in
                seen[text, default: 0] += 1
                return seen[text, default: 0]
            }
            if shown <= 3 {
                let details = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
                printError("swift-otel \(event.level): \(text) \(details)\(shown == 3 ? " (further ones counted, not shown)" : "")")
            }
        }
    }
}
