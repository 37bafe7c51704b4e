/// Server-sent-events framing in the line reader (adapters.md §1.2): a first non-blank line that
/// starts with `data:` (or `event:`, as Open Responses streams begin) switches SSE mode on for
/// the input. In SSE mode `data:` (and one space after it) is stripped, `event:`, `id:`,
/// `retry:` and `:` comment lines and blank lines are skipped silently, and `data: [DONE]` ends
/// the stream (its translators finish). Other inputs pass through unchanged.
struct SSEFraming: Sendable {
    /// What one input line carries.
    enum Framed {
        /// A JSON line (the `data:` payload in SSE mode).
        case payload(UnsafeBufferPointer<UInt8>)
        /// Nothing to read (an SSE field other than `data`, a comment, a blank line in SSE mode).
        case skip
        /// `data: [DONE]`: the stream ended.
        case done
    }

    private enum Mode {
        case undecided, on, off
    }

    private var mode = Mode.undecided

    /// Whether SSE mode was switched on.
    var isOn: Bool { mode == .on }
    /// Whether the first non-blank line was seen (the mode is settled).
    var isDecided: Bool { mode != .undecided }

    init() {}

    /// Frames one line (without its line break).
    mutating func frame(_ line: UnsafeBufferPointer<UInt8>) -> Framed {
        switch mode {
        case .off:
            return .payload(line)
        case .undecided:
            guard !Self.isBlank(line) else { return .payload(line) }
            mode = Self.startsSSE(line) ? .on : .off
            return mode == .on ? frameSSE(line) : .payload(line)
        case .on:
            return frameSSE(line)
        }
    }

    /// Whether a line that is not ATOF looks like SSE framing (the offline first pass then hands
    /// the input to the translation, which frames it).
    static func startsSSE(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        hasPrefix(line, data) || hasPrefix(line, event)
    }

    private func frameSSE(_ line: UnsafeBufferPointer<UInt8>) -> Framed {
        guard let first = line.first, !Self.isBlank(line) else { return .skip }
        guard Self.hasPrefix(line, Self.data) else {
            if first == UInt8(ascii: ":") || Self.hasPrefix(line, Self.event) || Self.hasPrefix(line, Self.id)
                || Self.hasPrefix(line, Self.retry)
            {
                return .skip
            }
            return .payload(line)
        }
        var start = Self.data.count
        if start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        let payload = UnsafeBufferPointer(rebasing: line[start...])
        if payload.elementsEqual(Self.doneMarker) { return .done }
        return .payload(payload)
    }

    private static let data = Array("data:".utf8)
    private static let event = Array("event:".utf8)
    private static let id = Array("id:".utf8)
    private static let retry = Array("retry:".utf8)
    private static let doneMarker = Array("[DONE]".utf8)

    private static func hasPrefix(_ line: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        line.count >= prefix.count && line.prefix(prefix.count).elementsEqual(prefix)
    }

    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        !line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
    }
}
