import ATOF
import Logging
import Synchronization

/// Writes span batches as OTLP/JSON lines: one `ExportTraceServiceRequest` per line, the format
/// the OpenTelemetry Collector's `otlpjsonfile` receiver reads and `atof-bridge replay` sends.
///
/// The file is opened for appending when the first batch arrives (nothing is created if nothing
/// is written), created readable and writable by the owner only (0600: spans hold prompts), and
/// each line is written whole with one `write`. A batch whose line would pass 1 MiB (the
/// `otlpjsonfile` receiver's line limit) is split over several lines. ``forceFlush()`` and
/// ``shutdown()`` fsync the file. Safe to use from several threads.
public final class JSONLinesExporter: SpanExporter {
    private struct State {
        var writer: JSONLWriter?
        var isShutDown = false
        var dirty = false
    }

    /// The file's path.
    public let path: String
    private let state = Mutex(State())
    private let logger: Logger

    /// The longest line written before a batch is split: 1 MiB.
    static let maximumLineLength = 1 << 20

    /// Creates an exporter appending to `path`.
    public init(path: String, logger: Logger = Logger(label: "atof-bridge.jsonl")) {
        self.path = path
        self.logger = logger
    }

    /// Appends the batch; every span is counted as delivered (to the file) or, when the write
    /// fails, returned as undelivered with ``ExportError/fallbackWrite(_:)``.
    public func export(_ batch: SpanBatch) -> ExportResult {
        guard !batch.spans.isEmpty else { return ExportResult() }
        var lines: [[UInt8]] = []
        Self.encodeLines(batch, into: &lines)
        let path = path
        return state.withLock { state -> ExportResult in
            guard !state.isShutDown else { return .failed(batch, .shutDown) }
            do throws(InputError) {
                if state.writer == nil { state.writer = try JSONLWriter(path: path, append: true, flushThreshold: 1) }
                for line in lines { try state.writer?.writeLine(line) }
                state.dirty = true
                return .delivered(batch.spans.count)
            } catch {
                logger.error("\(error.description)")
                return .failed(batch, .fallbackWrite(error.description))
            }
        }
    }

    /// Puts what was written on disk (fsync).
    public func forceFlush() {
        state.withLock { state in sync(&state) }
    }

    /// Syncs and closes the file; later exports fail. Safe to call twice.
    public func shutdown() {
        state.withLock { state in
            sync(&state)
            state.writer = nil
            state.isShutDown = true
        }
    }

    private func sync(_ state: inout State) {
        guard state.dirty, let writer = state.writer else { return }
        do throws(InputError) {
            try writer.sync()
            state.dirty = false
        } catch {
            logger.error("\(error.description)")
        }
    }

    /// One line per batch, halving batches whose line would be longer than the limit.
    private static func encodeLines(_ batch: SpanBatch, into lines: inout [[UInt8]]) {
        let line = OTLPJSONEncoder().encode(batch)
        guard line.count > maximumLineLength, batch.spans.count > 1 else {
            lines.append(line)
            return
        }
        let middle = batch.spans.count / 2
        for part in [batch.spans[..<middle], batch.spans[middle...]] {
            encodeLines(SpanBatch(resource: batch.resource, scope: batch.scope, spans: Array(part)), into: &lines)
        }
    }
}
