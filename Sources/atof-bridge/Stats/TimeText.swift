import ATOF

/// Durations and instants as text, computed with integers only so that reports are exact and the
/// same on every machine.
enum TimeText {
    /// Milliseconds with every digit kept and no trailing zeros: 4295383 ns → `4.295383`,
    /// 1000000000 ns → `1000`. For the JSON report.
    static func exactMilliseconds(_ nanos: UInt64) -> String {
        let whole = nanos / 1_000_000
        var fraction = nanos % 1_000_000
        guard fraction > 0 else { return String(whole) }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }

    /// Milliseconds with three decimals, rounded half up: 4295383 ns → `4.295`.
    static func milliseconds(_ nanos: UInt64) -> String {
        let micros = nanos / 1000 + (nanos % 1000 >= 500 ? 1 : 0)
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A short human duration with three significant digits: `820 ns`, `73.8 µs`, `4.30 ms`,
    /// `1.00 s`; from a minute up `2m 05s`, `3h 07m`, `323d 10h`.
    static func human(_ nanos: UInt64) -> String {
        if nanos < 1000 { return "\(nanos) ns" }
        if nanos < 1_000_000, let text = significant(nanos, unit: 1000) { return text + " µs" }
        if nanos < 1_000_000_000, let text = significant(nanos, unit: 1_000_000) { return text + " ms" }
        if nanos < 60_000_000_000, let text = significant(nanos, unit: 1_000_000_000), text != "60.0" { return text + " s" }
        let seconds = (nanos + 500_000_000) / 1_000_000_000
        if seconds < 3600 { return "\(seconds / 60)m \(twoDigits(seconds % 60))s" }
        let minutes = (seconds + 30) / 60
        if minutes < 24 * 60 { return "\(minutes / 60)h \(twoDigits(minutes % 60))m" }
        let hours = (minutes + 30) / 60
        return "\(hours / 24)d \(twoDigits(hours % 24))h"
    }

    /// `nanos / unit` (below 1000 units, so nothing overflows) with three significant digits,
    /// rounded half up; `nil` when it rounds to 1000.
    private static func significant(_ nanos: UInt64, unit: UInt64) -> String? {
        for (decimals, scale) in [(2, UInt64(100)), (1, 10), (0, 1)] {
            let scaled = (nanos * scale + unit / 2) / unit
            guard scaled < 1000 else { continue }
            guard decimals > 0 else { return String(scaled) }
            let fraction = String(scaled % scale)
            return "\(scaled / scale)." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return nil
    }

    private static func twoDigits(_ value: UInt64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// The instant in UTC to the millisecond: `2026-11-21T12:00:05.172Z`.
    static func utc(_ nanos: UInt64) -> String {
        // ATOF's RFC 3339 form ends in nine fraction digits and `Z`: keep three of them.
        let text = Timestamp(nanosecondsSinceEpoch: Int64(clamping: nanos)).description
        return text.dropLast(7) + "Z"
    }
}
