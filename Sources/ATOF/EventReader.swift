/// Reads ATOF events from a JSON-lines input: every good line becomes an event, every bad line a
/// ``Diagnostic`` with its line number, and reading goes on after it.
public struct EventReader: ~Copyable {
    /// One thing read from the input.
    public enum Item {
        /// A usable event and its 1-based line number.
        case event(Event, line: Int)
        /// A problem with a line (an error: the line was skipped; a warning: it was used or skipped harmlessly).
        case diagnostic(Diagnostic)
    }

    private let lines: JSONLReader

    /// The input's name in diagnostics.
    public var source: String { lines.source }

    /// Reads a file; `-` reads standard input.
    public init(path: String) throws(InputError) {
        lines = try JSONLReader(path: path)
    }

    /// Reads from lines already opened.
    public init(lines: consuming JSONLReader) {
        self.lines = lines
    }

    /// Calls `body` with each event and each diagnostic, in input order. Blank lines are ignored.
    /// Throws ``InputError`` when the input cannot be read, or what `body` throws.
    public func forEach(_ body: (Item) throws -> Void) throws {
        let source = lines.source
        try lines.forEachLine { line in
            let decoded = Self.decode(line: line.bytes, number: line.number, isTerminated: line.isTerminated, source: source)
            for diagnostic in decoded.diagnostics { try body(.diagnostic(diagnostic)) }
            if let event = decoded.event { try body(.event(event, line: line.number)) }
        }
    }

    /// Decodes one line: the event when it is usable, and the diagnostics about the line (an
    /// error when it was skipped, warnings when it was used or skipped harmlessly). A blank line
    /// gives neither.
    public static func decode(
        line bytes: some Collection<UInt8>,
        number: Int?,
        isTerminated: Bool = true,
        source: String
    ) -> (event: Event?, diagnostics: [Diagnostic]) {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            decode(line: buffer, number: number, isTerminated: isTerminated, source: source)
        }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { buffer in
            decode(line: buffer, number: number, isTerminated: isTerminated, source: source)
        }
    }

    /// Decodes one line held in contiguous memory (as the generic overload):
    /// the concrete entry point, so that callers in other modules run no generic code per line.
    /// With `keepingPayloads` `false` the event has no `data`, `input` or `output` and the
    /// diagnostics are the same (``Event/decode(line:keepingPayloads:)``): the cheap read of the
    /// envelope and `metadata`.
    public static func decode(
        line bytes: UnsafeBufferPointer<UInt8>,
        number: Int?,
        isTerminated: Bool = true,
        source: String,
        keepingPayloads: Bool = true
    ) -> (event: Event?, diagnostics: [Diagnostic]) {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return (nil, []) }
        do {
            switch try Event.decode(line: bytes, keepingPayloads: keepingPayloads) {
            case .event(let event, let warnings):
                return (event, warnings.map { Diagnostic(severity: .warning, source: source, line: number, message: $0) })
            case .skipped(let warning):
                return (nil, [Diagnostic(severity: .warning, source: source, line: number, message: warning)])
            }
        } catch {
            var message = error.reason
            if !isTerminated {
                message = "the last line is cut off (no line break at the end of the input; was the writer stopped?): " + message
            }
            return (nil, [Diagnostic(severity: .error, source: source, line: number, message: message + "; line skipped")])
        }
    }
}
