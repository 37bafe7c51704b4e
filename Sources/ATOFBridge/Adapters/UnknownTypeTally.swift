/// The `type` values of its format a translator does not know, in order of first sight, with how
/// many lines had each (adapters.md §1.1 rule 9: one warning per type, a count at the end).
struct UnknownTypeTally: Sendable {
    /// The unknown types in order of first sight, with their line counts.
    private(set) var counts: [(type: String, count: Int)] = []

    var isEmpty: Bool { counts.isEmpty }

    /// Counts one line of `type`; `true` on the type's first line (the one to warn about).
    mutating func record(_ type: String) -> Bool {
        if let index = counts.firstIndex(where: { $0.type == type }) {
            counts[index].count += 1
            return false
        }
        counts.append((type, 1))
        return true
    }
}
