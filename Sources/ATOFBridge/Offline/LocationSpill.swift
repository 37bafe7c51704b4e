import ATOF

/// Where each event's line stands, gathered by the first pass and kept out of memory while the
/// whole input is paired: once there are more than ``runLength`` of them, each full run is
/// written to a ``SpoolFile`` (`TMPDIR`, mode 0600, no name left behind; 12 bytes per event on
/// disk), and ``load()`` reads them all back for the second pass. An input of one run keeps
/// them in memory (nothing is written).
final class LocationSpill {
    /// Locations per run.
    let runLength: Int
    private let source: String
    private let environment: [String: String]
    private var spool: SpoolFile?
    /// The locations not written yet (those after ``written``).
    private var pending = LineLocations()
    /// The locations written to the spool.
    private var written = 0

    /// The locations per run by default: 65,536 (768 KiB).
    static let defaultRunLength = 1 << 16
    /// The bytes of one location in the spool: its offset (8) and length (4).
    private static let recordSize = 12

    init(runLength: Int = defaultRunLength, for source: String, environment: [String: String] = ProcessEnvironment.current) {
        self.runLength = max(1, runLength)
        self.source = source
        self.environment = environment
        pending.reserveCapacity(self.runLength)
    }

    /// The number of locations.
    var count: Int { written + pending.count }

    /// Adds the location of the next event's line.
    func append(offset: UInt64, length: Int) throws(InputError) {
        pending.append(offset: offset, length: length)
        if pending.count >= runLength { try writePending() }
    }

    /// Writes the locations not written yet (making the spool at the first run).
    private func writePending() throws(InputError) {
        let spool: SpoolFile
        if let existing = self.spool {
            spool = existing
        } else {
            spool = try SpoolFile(holding: "the line locations", for: source, environment: environment)
            self.spool = spool
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count * Self.recordSize)
        for position in 0..<pending.count {
            withUnsafeBytes(of: pending.offsets[position].littleEndian) { bytes += $0 }
            withUnsafeBytes(of: pending.lengths[position].littleEndian) { bytes += $0 }
        }
        try spool.append(bytes)
        try spool.flush()
        written += pending.count
        pending = LineLocations()
        pending.reserveCapacity(runLength)
    }

    /// The locations of event `index` alone (as event 0), read from the spool if it is there;
    /// `nil` when it cannot be read.
    func location(of index: Int) -> LineLocations? {
        var one = LineLocations()
        if index >= written {
            one.append(offset: pending.offsets[index - written], length: Int(pending.lengths[index - written]))
            return one
        }
        guard let spool else { return nil }
        var record = [UInt8](repeating: 0, count: Self.recordSize)
        let complete = record.withUnsafeMutableBytes { spool.file.read(into: $0, at: UInt64(index * Self.recordSize)) }
        guard complete else { return nil }
        let (offset, length) = Self.decode(record[...])
        one.append(offset: offset, length: length)
        return one
    }

    /// Every location, read back into memory (for the second pass).
    func load() throws(InputError) -> LineLocations {
        guard let spool else { return pending }
        var locations = LineLocations()
        locations.reserveCapacity(count)
        var chunk: [UInt8] = []
        var next = 0
        while next < written {
            let records = min(runLength, written - next)
            chunk = [UInt8](repeating: 0, count: records * Self.recordSize)
            let complete = chunk.withUnsafeMutableBytes { spool.file.read(into: $0, at: UInt64(next * Self.recordSize)) }
            guard complete else {
                throw InputError(
                    source: source,
                    reason: "cannot read back the line locations from TMPDIR; check that TMPDIR is not cleaned while converting")
            }
            for record in 0..<records {
                let (offset, length) = Self.decode(chunk[(record * Self.recordSize)..<((record + 1) * Self.recordSize)])
                locations.append(offset: offset, length: length)
            }
            next += records
        }
        for position in 0..<pending.count {
            locations.append(offset: pending.offsets[position], length: Int(pending.lengths[position]))
        }
        return locations
    }

    /// A location from its 12 bytes.
    private static func decode(_ record: ArraySlice<UInt8>) -> (offset: UInt64, length: Int) {
        var offset: UInt64 = 0
        var length: UInt32 = 0
        record.withUnsafeBytes { bytes in
            offset = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        }
        return (offset, Int(length))
    }
}
