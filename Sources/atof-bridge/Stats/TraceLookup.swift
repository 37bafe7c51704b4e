/// Finds the trace `--trace` names: its full 32-hex id, or a prefix that only one trace has.
enum TraceLookup {
    /// Why no single trace was found; the description tells the user what to do.
    enum Failure: Error, CustomStringConvertible {
        case notHex(String)
        case unknown(String, source: String, traceCount: Int)
        case ambiguous(String, matches: [String])

        var description: String {
            switch self {
            case .notHex(let text):
                return "--trace \(text) is not a trace id: give the 32 hex digits of a trace id, or the first few of them"
            case .unknown(let text, let source, let traceCount):
                let listing =
                    traceCount == 0
                    ? "it has no spans"
                    : "run `atof-bridge stats \(source) --all-traces` to list its \(traceCount) trace id(s)"
                return "no trace in \(source) has an id starting with \(text); \(listing)"
            case .ambiguous(let text, let matches):
                let shown = matches.prefix(5).joined(separator: ", ")
                let more = matches.count > 5 ? ", ..." : ""
                return "--trace \(text) matches \(matches.count) traces (\(shown)\(more)); give more digits"
            }
        }
    }

    /// The one trace of `traces` whose id is `text` or starts with it (case-insensitive).
    static func find(_ text: String, in traces: [TraceSummary], source: String) throws(Failure) -> TraceSummary {
        let wanted = text.lowercased()
        guard !wanted.isEmpty, wanted.count <= 32, wanted.allSatisfy({ $0.isHexDigit }) else { throw .notHex(text) }
        let matches = traces.filter { $0.traceID.hex.hasPrefix(wanted) }
        guard let first = matches.first else { throw .unknown(text, source: source, traceCount: traces.count) }
        guard matches.count == 1 else { throw .ambiguous(text, matches: matches.map(\.traceID.hex)) }
        return first
    }
}
