/// p50, p95 and maximum of a set of durations, by the nearest-rank method.
///
/// Nearest rank: with the n durations sorted ascending, the p-th percentile is the one at rank
/// ⌈p/100 × n⌉ (1-based): the smallest duration such that at least p % of the durations are at or
/// below it. It is always one of the measured durations, never an interpolation.
struct DurationSummary: Equatable {
    /// The median, in nanoseconds.
    var p50: UInt64
    /// The 95th percentile, in nanoseconds.
    var p95: UInt64
    /// The longest, in nanoseconds.
    var max: UInt64

    /// All zero, for an empty set.
    static let zero = DurationSummary(p50: 0, p95: 0, max: 0)

    init(p50: UInt64, p95: UInt64, max: UInt64) {
        self.p50 = p50
        self.p95 = p95
        self.max = max
    }

    /// The summary of `durations` (any order); ``zero`` when there are none.
    init(_ durations: [UInt64]) {
        guard !durations.isEmpty else {
            self = .zero
            return
        }
        let sorted = durations.sorted()
        self.init(
            p50: Self.nearestRank(50, of: sorted),
            p95: Self.nearestRank(95, of: sorted),
            max: sorted[sorted.count - 1])
    }

    /// The `percent`-th percentile of a non-empty ascending array: the element at rank
    /// ⌈percent × n / 100⌉, counted from 1.
    static func nearestRank(_ percent: Int, of sorted: [UInt64]) -> UInt64 {
        let rank = (percent * sorted.count + 99) / 100
        return sorted[min(Swift.max(rank, 1), sorted.count) - 1]
    }
}
