/// A fixed-size log-linear histogram of nanosecond durations (values under 64 exact, then 32
/// sub-buckets per power of two: within about 3%). 15 KiB whatever the count, so recording a
/// million latencies does not move the peak RSS being measured.
public struct LatencyHistogram: Sendable {
    private static let subBucketBits = 5
    private static let linearLimit: UInt64 = 64  // 2^(subBucketBits + 1)
    private var counts: [UInt64]
    /// How many values were recorded.
    public private(set) var count: UInt64 = 0
    /// The largest value recorded.
    public private(set) var maximum: UInt64 = 0

    public init() {
        counts = Array(repeating: 0, count: Int(Self.linearLimit) + (64 - Self.subBucketBits - 1) * (1 << Self.subBucketBits))
    }

    /// Records one duration.
    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] &+= 1
        count &+= 1
        if nanoseconds > maximum { maximum = nanoseconds }
    }

    /// The value at `quantile` (0...1): the middle of the bucket holding it. 0 when empty.
    public func value(atQuantile quantile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((quantile * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank { return min(Self.middle(ofBucket: index), maximum) }
        }
        return maximum
    }

    @inline(__always)
    private static func index(of value: UInt64) -> Int {
        if value < linearLimit { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount  // >= 6
        let sub = Int((value >> UInt64(exponent - subBucketBits)) & ((1 << UInt64(subBucketBits)) - 1))
        return Int(linearLimit) + (exponent - subBucketBits - 1) * (1 << subBucketBits) + sub
    }

    private static func middle(ofBucket index: Int) -> UInt64 {
        if index < Int(linearLimit) { return UInt64(index) }
        let offset = index - Int(linearLimit)
        let exponent = offset / (1 << subBucketBits) + subBucketBits + 1
        let sub = UInt64(offset % (1 << subBucketBits))
        let width = UInt64(1) << UInt64(exponent - subBucketBits)
        let lower = (UInt64(1) << UInt64(exponent)) + sub * width
        return lower + width / 2
    }
}
