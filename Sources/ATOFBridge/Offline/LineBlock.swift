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
    func decode(source: String) -> [Decoded] {
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
                        let line = UnsafeBufferPointer(rebasing: shared.buffer[entry.start..<(entry.start + entry.count)])
                        // The first pass keeps only the index: payloads are read again in the second.
                        let result = EventReader.decode(
                            line: line, number: entry.number, isTerminated: entry.isTerminated, source: source, keepingPayloads: false)
                        decoded.append(
                            Decoded(
                                line: entry.number, offset: entry.offset, length: entry.count, key: result.event.map(PairingKey.init),
                                diagnostics: result.diagnostics))
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
}
