import ATOF
import FuzzSupport

/// The scratch file every input is written to (created once per process).
let scratch = ScratchFile()

/// libFuzzer's entry point: the first byte picks the reader's chunk size (16 to 270 bytes, so
/// that lines span reads; 0xFF: 65,537 bytes, more than scripts/fuzz.sh's `-max_len`, so the
/// file is one read as with the default 1 MiB but without a 1 MiB buffer per input); the rest
/// is a whole JSON-lines file.
///
/// Properties: the lines are the file split on `\n`, each without one `\r` before its `\n`
/// (a byte-order mark at the start of the first line may be dropped), numbered from 1, and only
/// a last line without a line break is unterminated; EventReader reports every event and
/// diagnostic under a line number of the file, in order.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0, let scratch else { return 0 }
    let chunkSize = data[0] == 0xFF ? 65_537 : 16 + Int(data[0])
    let content = UnsafeBufferPointer(start: data + 1, count: size - 1)
    guard scratch.fill(with: content) else { propertyViolated("cannot write the scratch file") }

    let expected = expectedLines(content)
    var count = 0
    do {
        let reader = JSONLReader(fileDescriptor: scratch.descriptor, source: "fuzz.jsonl", chunkSize: chunkSize)
        try reader.forEachLine { line in
            count += 1
            require(line.number == count, "line \(count) numbered \(line.number)")
            require(count <= expected.count, "more lines than the file has (\(count) > \(expected.count))")
            let want = expected[count - 1]
            let got = Array(line.bytes)
            let bomless = count == 1 && want.bytes.starts(with: [0xEF, 0xBB, 0xBF]) && got == Array(want.bytes.dropFirst(3))
            require(got[...] == want.bytes || bomless, "line \(count) is \(printable(got)), expected \(printable(want.bytes))")
            require(line.isTerminated == want.terminated, "line \(count): isTerminated \(line.isTerminated)")
        }
    } catch {
        propertyViolated("reading a regular file failed: \(error)")
    }
    require(count == expected.count, "\(count) lines read, the file has \(expected.count)")

    guard scratch.fill(with: content) else { propertyViolated("cannot rewrite the scratch file") }
    var lastLine = 0
    do {
        let events = EventReader(lines: JSONLReader(fileDescriptor: scratch.descriptor, source: "fuzz.jsonl", chunkSize: chunkSize))
        try events.forEach { item in
            let line: Int?
            switch item {
            case .event(_, let number): line = number
            case .diagnostic(let diagnostic): line = diagnostic.line
            }
            guard let line else { return }  // (a diagnostic about the whole input)
            require(line >= lastLine && line >= 1 && line <= expected.count, "item at line \(line) after \(lastLine) of \(expected.count)")
            lastLine = line
        }
    } catch {
        propertyViolated("EventReader failed on a regular file: \(error)")
    }
    return 0
}

/// The lines of `content` as the reader must give them.
func expectedLines(_ content: UnsafeBufferPointer<UInt8>) -> [(bytes: ArraySlice<UInt8>, terminated: Bool)] {
    let all = Array(content)
    var lines: [(bytes: ArraySlice<UInt8>, terminated: Bool)] = []
    var start = 0
    for index in all.indices where all[index] == 0x0A {
        var end = index
        if end > start && all[end - 1] == 0x0D { end -= 1 }
        lines.append((all[start..<end], true))
        start = index + 1
    }
    if start < all.count { lines.append((all[start...], false)) }
    return lines
}
