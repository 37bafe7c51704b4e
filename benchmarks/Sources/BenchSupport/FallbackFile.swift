import Glibc

/// Independent accounting of a fallback file (OTLP/JSON lines): the spans it holds, counted as
/// occurrences of `"spanId":` (one per span; parents are `parentSpanId`), without trusting the
/// writer's own counters.
public enum FallbackFile {
    /// The span count, 0 when the file does not exist, `nil` when it cannot be read.
    public static func countSpans(at path: String) -> Int? {
        guard let file = fopen(path, "rb") else { return errno == ENOENT ? 0 : nil }
        defer { fclose(file) }
        let needle = Array("\"spanId\":".utf8)
        var count = 0
        var matched = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if got == 0 { break }
            for index in 0..<got {
                let byte = chunk[index]
                if byte == needle[matched] {
                    matched += 1
                    if matched == needle.count {
                        count += 1
                        matched = 0
                    }
                } else {
                    matched = byte == needle[0] ? 1 : 0
                }
            }
        }
        return ferror(file) == 0 ? count : nil
    }

    /// Deletes the file if it exists.
    public static func remove(_ path: String) {
        unlink(path)
    }
}
