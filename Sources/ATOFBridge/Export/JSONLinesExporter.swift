import ATOF
import Logging
import Synchronization

/// Writes span batches as OTLP/JSON lines: one `ExportTraceServiceRequest` per line, the format
/// the OpenTelemetry Collector's `otlpjsonfile` receiver reads and `atof-bridge replay` sends.
///
/// The file is opened for appending when the first batch arrives (nothing is created if nothing
/// is written), created readable and writable by the owner only (0600: spans hold prompts; a
/// symbolic link or another user's file is refused, our own file open to others is set to 0600
/// with a warning, see ``JSONLWriter``), and each batch is written whole with one `write`. A
/// batch whose line would pass 1 MiB (the `otlpjsonfile` receiver's line limit) is split over
/// several lines. When the write fails (a full disk), the file is cut back to its last whole line
/// and the batch's spans are returned as undelivered: a span counted as written is in the file.
/// ``forceFlush()`` and ``shutdown()`` fsync the file. Safe to use from several threads.
public final class JSONLinesExporter: SpanExporter {
    private struct State {
        var writer: JSONLWriter?
        var isShutDown = false
        var dirty = false
        /// A write failed and was logged; later failures are not logged until one succeeds.
        var failing = false
    }

    /// The file's path.
    public let path: String
    private let state = Mutex(State())
    private let logger: Logger
    private let openWriter: @Sendable (String) throws(InputError) -> JSONLWriter

    /// The longest line written before a batch is split: 1 MiB.
    static let maximumLineLength = 1 << 20

    /// Creates an exporter appending to `path`.
    public init(path: String, logger: Logger = Logger(label: "atof-bridge.jsonl")) {
        self.path = path
        self.logger = logger
        self.openWriter = { path throws(InputError) in try JSONLWriter(path: path, append: true, flushThreshold: .max) }
    }

    /// Creates an exporter whose writer `openWriter` opens (tests simulate a full disk with it).
    init(path: String, logger: Logger, openWriter: @escaping @Sendable (String) throws(InputError) -> JSONLWriter) {
        self.path = path
        self.logger = logger
        self.openWriter = openWriter
    }

    /// Appends the batch; every span is counted as delivered (to the file) or, when the write
    /// fails, returned as undelivered with ``ExportError/fallbackWrite(_:)``.
    public func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        guard !batch.spans.isEmpty else { return ExportResult() }
        var lines: [[UInt8]] = []
        Self.encodeLines(batch, into: &lines)
        let path = path
        return state.withLock { state -> ExportResult in
            guard !state.isShutDown else { return .failed(batch, .shutDown) }
            do throws(InputError) {
                let writer: JSONLWriter
                if let opened = state.writer {
                    writer = opened
                } else {
                    writer = try open(path)
                    state.writer = writer
                }
                // The batch's lines go out in one flush: when it fails, none of them stays.
                for line in lines { try writer.writeLine(line) }
                try writer.flush()
                state.dirty = true
                state.failing = false
                return .delivered(batch.spans.count)
            } catch {
                if !state.failing {
                    logger.error(
                        "\(error.description); spans not written are counted as lost; later failures are not logged until a write succeeds")
                }
                state.failing = true
                return .failed(batch, .fallbackWrite(error.description))
            }
        }
    }

    /// Opens the file and logs what opening found (a mode tightened, a cut last line).
    private func open(_ path: String) throws(InputError) -> JSONLWriter {
        let writer = try openWriter(path)
        for warning in writer.warnings { logger.warning("\(warning)") }
        return writer
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
    private static func encodeLines(_ batch: OTLP.SpanBatch, into lines: inout [[UInt8]]) {
        let line = OTLPJSONEncoder().encode(batch)
        guard line.count > maximumLineLength, batch.spans.count > 1 else {
            lines.append(line)
            return
        }
        let middle = batch.spans.count / 2
        for part in [batch.spans[..<middle], batch.spans[middle...]] {
            encodeLines(OTLP.SpanBatch(resource: batch.resource, scope: batch.scope, spans: Array(part)), into: &lines)
        }
    }
}
