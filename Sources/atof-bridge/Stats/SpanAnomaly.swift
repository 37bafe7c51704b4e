import ATOF

/// A pairing anomaly a span is marked with (span-mapping.md §4.1, §6, §7).
enum SpanAnomaly: CaseIterable {
    case unended
    case unmatchedEnd
    case orphanMark
    case duplicateStart
    case clockSkew

    /// The boolean attribute that marks it.
    var attributeKey: String {
        switch self {
        case .unended: AttributeKey.atofUnended
        case .unmatchedEnd: AttributeKey.atofUnmatchedEnd
        case .orphanMark: AttributeKey.atofMarkOrphan
        case .duplicateStart: AttributeKey.atofDuplicateStart
        case .clockSkew: AttributeKey.atofClockSkew
        }
    }

    /// Its name in a span's `anomalies` list in the JSON report.
    var jsonKey: String {
        switch self {
        case .unended: "unended"
        case .unmatchedEnd: "unmatchedEnd"
        case .orphanMark: "orphanMark"
        case .duplicateStart: "duplicateStart"
        case .clockSkew: "clockSkew"
        }
    }

    /// The key of its count in the JSON report's `anomalies`.
    var jsonCountKey: String {
        switch self {
        case .unended: "unended"
        case .unmatchedEnd: "unmatchedEnds"
        case .orphanMark: "orphanMarks"
        case .duplicateStart: "duplicateStarts"
        case .clockSkew: "clockSkews"
        }
    }

    /// Its name in the text report, next to a span.
    var label: String {
        switch self {
        case .unended: "unended"
        case .unmatchedEnd: "unmatched end"
        case .orphanMark: "orphan mark"
        case .duplicateStart: "duplicate start"
        case .clockSkew: "clock skew"
        }
    }

    /// `0 unended`, `2 unmatched ends`, `1 orphan mark`.
    func counted(_ count: Int) -> String {
        self == .unended ? "\(count) unended" : plural(count, label)
    }
}
