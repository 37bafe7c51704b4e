import ATOF

/// Reading a `Retry-After` header: delta-seconds (`120`) or an HTTP-date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 IMF-fixdate).
enum RetryAfter {
    /// The wait the header asks for, measured from `now` (Unix seconds); `nil` when the value is
    /// neither form. A date in the past asks for no wait.
    static func delay(_ value: String, now: Int64 = Timestamp.wallClockNanoseconds() / 1_000_000_000) -> Duration? {
        let text = Substring(value).trimmingWhitespace()
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        guard let date = httpDate(text) else { return nil }
        return .seconds(max(0, date - now))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses an IMF-fixdate into Unix seconds (through the RFC 3339 parser: same calendar).
    static func httpDate(_ text: String) -> Int64? {
        // "Sun, 06 Nov 1994 08:49:37 GMT" -> "1994-11-06T08:49:37Z"
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", parts[1].count == 2, parts[3].count == 4,
            parts[4].count == 8, let month = months.firstIndex(of: String(parts[2]))
        else { return nil }
        let monthText = month < 9 ? "0\(month + 1)" : "\(month + 1)"
        guard let timestamp = try? Timestamp(rfc3339: "\(parts[3])-\(monthText)-\(parts[1])T\(parts[4])Z") else { return nil }
        return timestamp.nanosecondsSinceEpoch / 1_000_000_000
    }
}
