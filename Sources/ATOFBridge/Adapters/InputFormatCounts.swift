/// How many lines of an input were of each format (adapters.md §1.2: "the format counts go into
/// the report and into `stats`").
public struct InputFormatCounts: Sendable, Hashable {
    /// Lines read as ATOF (good or bad events).
    public var atof = 0
    /// Lines read by each foreign format's translator.
    public var foreign: [ForeignFormat: Int] = [:]
    /// Lines of no known format, or of another format than `--from` forces; each was skipped
    /// as an error.
    public var unknown = 0

    /// No lines counted.
    public init() {}

    /// Whether any line was not ATOF.
    public var hasNonATOF: Bool { unknown > 0 || foreign.values.contains { $0 > 0 } }

    /// `atof 120, agent-sdk 30, unknown 2`: the formats seen, in the order of ``ForeignFormat``.
    public var summary: String {
        var parts: [String] = []
        if atof > 0 { parts.append("atof \(atof)") }
        for format in ForeignFormat.allCases {
            if let count = foreign[format], count > 0 { parts.append("\(format.rawValue) \(count)") }
        }
        if unknown > 0 { parts.append("unknown \(unknown)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
