import ATOF

/// Where the events of an offline input are read again when their spans are made (the first
/// pass kept none): events given in memory, or the lines of a file (the input itself, or its
/// spool) at the offsets the first pass noted, decoded again.
enum OfflineEvents: Sendable {
    case memory([SourcedEvent])
    case file(InputFile, LineLocations, source: String)

    /// Event `index`, read again (for a diagnostic); `nil` when its line cannot be read or decoded.
    func event(at index: Int) -> Event? {
        switch self {
        case .memory(let events): events[index].event
        case .file(let file, let locations, let source): locations.read([index], from: file, source: source).event(index)
        }
    }
}

/// Where each event's line stands in the file it is read again from: about 12 bytes per event.
struct LineLocations: Sendable {
    /// Per event: the offset of its line's first byte.
    private(set) var offsets: [UInt64] = []
    /// Per event: the length of its line (without the line break).
    private(set) var lengths: [UInt32] = []

    /// The number of lines.
    var count: Int { offsets.count }

    /// Makes room for `count` lines in all.
    mutating func reserveCapacity(_ count: Int) {
        offsets.reserveCapacity(count)
        lengths.reserveCapacity(count)
    }

    mutating func append(offset: UInt64, length: Int) {
        offsets.append(offset)
        lengths.append(UInt32(clamping: length))
    }

    /// Lines further apart than this are read separately.
    private static let gapLimit: UInt64 = 64 << 10
    /// At most this many bytes are read at once.
    private static let readLimit: UInt64 = 4 << 20

    /// Reads and decodes the events `indices` (any order, repeats allowed): lines close together
    /// in the file are read with one `pread`.
    func read(_ indices: [Int], from file: InputFile, source: String) -> ReadEvents {
        var wanted = indices.sorted()
        wanted.removeDuplicates()
        var events: [Event?] = []
        events.reserveCapacity(wanted.count)
        var buffer: [UInt8] = []
        var first = 0
        while first < wanted.count {
            // One run: lines in file order, each close to the previous one.
            let start = offsets[wanted[first]]
            var end = start + UInt64(lengths[wanted[first]])
            var last = first
            while last + 1 < wanted.count {
                let next = wanted[last + 1]
                let nextEnd = offsets[next] + UInt64(lengths[next])
                guard offsets[next] >= end, offsets[next] - end <= Self.gapLimit, nextEnd - start <= Self.readLimit else { break }
                end = nextEnd
                last += 1
            }
            let count = Int(end - start)
            if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
            let complete = buffer.withUnsafeMutableBytes {
                file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: start)
            }
            buffer.withUnsafeBufferPointer { bytes in
                for index in wanted[first...last] {
                    guard complete else {
                        events.append(nil)
                        continue
                    }
                    let lower = Int(offsets[index] - start)
                    let line = UnsafeBufferPointer(rebasing: bytes[lower..<(lower + Int(lengths[index]))])
                    events.append(EventReader.decode(line: line, number: nil, source: source).event)
                }
            }
            first = last + 1
        }
        return ReadEvents(indices: wanted, events: events)
    }
}

/// Events read again, by index.
struct ReadEvents {
    /// The indices read, in ascending order.
    let indices: [Int]
    /// `events[i]` is event `indices[i]` (`nil` when it could not be read).
    let events: [Event?]

    /// Event `index`, if it was read.
    func event(_ index: Int) -> Event? {
        var low = 0
        var high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if indices[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < indices.count && indices[low] == index ? events[low] : nil
    }
}

extension Array where Element: Equatable {
    /// Removes elements equal to the one before them (on a sorted array: every repeat).
    fileprivate mutating func removeDuplicates() {
        guard count > 1 else { return }
        var kept = 1
        for position in 1..<count where self[position] != self[kept - 1] {
            self[kept] = self[position]
            kept += 1
        }
        removeLast(count - kept)
    }
}
