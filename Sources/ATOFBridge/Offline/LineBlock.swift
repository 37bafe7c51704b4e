import ATOF
import Dispatch

/// Lines read but not yet decoded, their bytes packed in one buffer: the first pass decodes them
/// on every core, keeps of each event only its ``PairingKey`` and where its line stands, and
/// lets the event go.
struct LineBlock {
    struct Entry: Sendable {
        var start: Int
        var count: Int
        var number: Int
        var isTerminated: Bool
        /// Where the line's bytes can be read again (``InputLines/Line/offset``).
        var offset: UInt64
    }

    /// What decoding one line gave.
    struct Decoded: Sendable {
        var line: Int
        var offset: UInt64
        var length: Int
        /// The event's pairing key when the line is a usable event.
        var key: PairingKey?
        var diagnostics: [Diagnostic]
        /// What the line is, when it is not an event (only asked when detecting formats).
        var format: LineFormat = .atof
    }

    /// What a line that gave no event is (detection runs only on such lines: an ATOF event is
    /// decoded straight from its bytes, as without detection).
    enum LineFormat: Sendable, Hashable {
        /// ATOF (a bad event, or blank).
        case atof
        /// Not a JSON object (the decoder's error stands).
        case invalid
        /// JSON of no known format (the error says what was looked for).
        case unknown
        /// A foreign format or SSE framing: the input must be translated.
        case foreign
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []

    /// Blocks this large are decoded at once (the lines are split among the workers).
    static let byteLimit = 4 << 20
    static let lineLimit = 16_384

    var isFull: Bool { bytes.count >= Self.byteLimit || entries.count >= Self.lineLimit }

    mutating func append(_ line: InputLines.Line) {
        entries.append(
            Entry(start: bytes.count, count: line.bytes.count, number: line.number, isTerminated: line.isTerminated, offset: line.offset))
        bytes.append(contentsOf: line.bytes)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Decodes every line, in parallel, and returns the results in line order.
    ///
    /// With `detecting`, a line that gives no event is tested against the foreign formats
    /// (``FormatDetector``): one of them, or SSE framing, marks it ``LineFormat/foreign``; a JSON
    /// line of no known format gets the unknown-line error instead of the decoder's.
    func decode(source: String, detecting: Bool = false) -> [Decoded] {
        guard !entries.isEmpty else { return [] }
        let workers = OfflineConversion.workerCount
        let parts = workers > 1 ? min(entries.count, 4 * workers) : 1
        let results = SlotArray<[Decoded]>(count: parts)
        let entries = self.entries
        let perPart = (entries.count + parts - 1) / parts
        bytes.withUnsafeBufferPointer { all in
            let shared = SharedBytes(buffer: all)
            let work: @Sendable (Int) -> Void = { part in
                let lower = part * perPart
                let upper = min(lower + perPart, entries.count)
                var decoded: [Decoded] = []
                decoded.reserveCapacity(max(0, upper - lower))
                if lower < upper {
                    for entry in entries[lower..<upper] {
                        let bytes = UnsafeBufferPointer(rebasing: shared.buffer[entry.start..<(entry.start + entry.count)])
                        // The first pass keeps only the index: payloads are read again in the second.
                        let result = EventReader.decode(
                            line: bytes, number: entry.number, isTerminated: entry.isTerminated, source: source, keepingPayloads: false)
                        var line = Decoded(
                            line: entry.number, offset: entry.offset, length: entry.count, key: result.event.map(PairingKey.init),
                            diagnostics: result.diagnostics)
                        if detecting, line.key == nil, result.diagnostics.contains(where: { $0.severity == .error }) {
                            Self.classify(&line, bytes: bytes, source: source)
                        }
                        decoded.append(line)
                    }
                }
                results.set(part, decoded)
            }
            if parts > 1 {
                DispatchQueue.concurrentPerform(iterations: parts, execute: work)
            } else {
                work(0)
            }
        }
        var all: [Decoded] = []
        all.reserveCapacity(entries.count)
        for part in 0..<parts {
            if let decoded = results.take(part) { all += decoded }
        }
        return all
    }

    /// Sorts out a line the ATOF decoder refused (see ``LineFormat``).
    private static func classify(_ line: inout Decoded, bytes: UnsafeBufferPointer<UInt8>, source: String) {
        if SSEFraming.startsSSE(bytes) {
            line.format = .foreign
            return
        }
        guard case .object(let object)? = try? JSONParser.parse(bytes) else {
            line.format = .invalid  // not JSON, or not an object: the decoder's error says so
            return
        }
        switch FormatDetector.detect(object) {
        case .atof:
            break
        case .foreign:
            line.format = .foreign
        case .unknown:
            line.format = .unknown
            line.diagnostics = [Diagnostic(severity: .error, source: source, line: line.line, message: FormatDetector.unknownLineMessage)]
        }
    }
}
