/// An ATOF event time: nanoseconds since the Unix epoch (UTC), plus the form it was written in so
/// that re-encoding writes it back unchanged.
///
/// Both wire forms are accepted: an RFC 3339 string with `Z` or an explicit offset and up to nine
/// fractional digits (further digits are truncated), or an integer count of microseconds since
/// the epoch. Representable range: 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z
/// (a signed 64-bit count of nanoseconds). An event line must also not be before 1970 (OTLP times
/// are unsigned): ``Timestamp/eventRange`` is what event decoding accepts.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How the time was written on the wire.
    public enum WireForm: Sendable, Hashable {
        /// An RFC 3339 string, kept verbatim.
        case rfc3339(String)
        /// An integer count of microseconds since the epoch.
        case epochMicroseconds(Int64)
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z (negative before).
    public var nanosecondsSinceEpoch: Int64
    /// The original wire form.
    public var wireForm: WireForm

    /// Creates a timestamp from nanoseconds; it is written back as an RFC 3339 UTC string.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        self.wireForm = .rfc3339(Self.format(nanosecondsSinceEpoch: nanosecondsSinceEpoch))
    }

    /// Creates a timestamp from integer epoch microseconds, the ATOF integer form.
    public init(epochMicroseconds: Int64) throws(TimestampError) {
        let (nanoseconds, overflow) = epochMicroseconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw TimestampError.outOfRange(String(epochMicroseconds)) }
        self.nanosecondsSinceEpoch = nanoseconds
        self.wireForm = .epochMicroseconds(epochMicroseconds)
    }

    /// Parses an RFC 3339 date-time such as `2026-11-21T12:00:05.172288002+00:00`.
    public init(rfc3339 text: String) throws(TimestampError) {
        self.nanosecondsSinceEpoch = try Self.parse(text)
        self.wireForm = .rfc3339(text)
    }

    /// The time as a JSON value in its original wire form.
    public var jsonValue: JSONValue {
        switch wireForm {
        case .rfc3339(let text): .string(text)
        case .epochMicroseconds(let micros): .number(JSONNumber(micros))
        }
    }

    /// The instants a timestamp can hold, as text for messages.
    public static let representableRange = "1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z"

    /// The instants an event line may carry: from the epoch (OTLP times are unsigned nanoseconds
    /// since 1970-01-01T00:00:00Z) to the last representable nanosecond.
    public static let eventRange: ClosedRange<Int64> = 0...Int64.max

    /// ``eventRange`` as text for messages.
    public static let eventRangeText = "1970-01-01T00:00:00Z to 2262-04-11T23:47:16.854775807Z"

    /// Nanoseconds since the epoch as an unsigned value for OTLP (times before 1970 become 0;
    /// event decoding rejects them, see ``eventRange``).
    public var unixNanoseconds: UInt64 { UInt64(max(0, nanosecondsSinceEpoch)) }

    public var description: String {
        switch wireForm {
        case .rfc3339(let text): text
        case .epochMicroseconds(let micros): "\(micros)µs"
        }
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch == rhs.nanosecondsSinceEpoch && lhs.wireForm == rhs.wireForm
    }
}

/// Why a timestamp could not be read.
public enum TimestampError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not an RFC 3339 date-time.
    case malformed(String)
    /// The date-time has no `Z` or offset, so its instant is unknown.
    case naive(String)
    /// The instant is outside ``Timestamp/representableRange`` (signed 64-bit nanoseconds).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            "timestamp \"\(text)\" is not RFC 3339; write e.g. 2026-01-01T00:00:00.000Z or integer epoch microseconds"
        case .naive(let text):
            "timestamp \"\(text)\" has no UTC offset; add Z or an offset such as +00:00"
        case .outOfRange(let text):
            "timestamp \(text) is outside the supported range \(Timestamp.representableRange)"
        }
    }
}

extension Timestamp {
    static func parse(_ text: String) throws(TimestampError) -> Int64 {
        var copy = text
        let result = copy.withUTF8 { bytes in parse(utf8: bytes) }
        switch result {
        case .success(let nanoseconds): return nanoseconds
        case .malformed: throw .malformed(text)
        case .naive: throw .naive(text)
        case .outOfRange: throw .outOfRange(text)
        }
    }

    /// What reading the bytes of an RFC 3339 date-time gave.
    private enum ParseResult {
        case success(Int64)
        case malformed
        case naive
        case outOfRange
    }

    /// The parser proper, over the text's bytes with an index (no allocation).
    private static func parse(utf8: UnsafeBufferPointer<UInt8>) -> ParseResult {
        var index = 0
        let count = utf8.count

        func number(_ digits: Int) -> Int64? {
            guard count - index >= digits else { return nil }
            var value: Int64 = 0
            for offset in index..<(index + digits) {
                let byte = utf8[offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }
        func expect(_ allowed: UInt8, _ alternative1: UInt8? = nil, _ alternative2: UInt8? = nil) -> Bool {
            guard index < count else { return false }
            let byte = utf8[index]
            guard byte == allowed || byte == alternative1 || byte == alternative2 else { return false }
            index += 1
            return true
        }

        guard let year = number(4), expect(UInt8(ascii: "-")),
            let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")),
            let hour = number(2), expect(UInt8(ascii: ":")),
            let minute = number(2), expect(UInt8(ascii: ":")),
            let second = number(2)
        else { return .malformed }

        var fraction: Int64 = 0
        if index < count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < count, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
                if digits < 9 { fraction = fraction * 10 + Int64(utf8[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return .malformed }
            for _ in min(digits, 9)..<9 { fraction *= 10 }
        }

        var offsetSeconds: Int64 = 0
        guard index < count else { return .naive }
        let designator = utf8[index]
        switch designator {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            index += 1
            guard let offsetHours = number(2), expect(UInt8(ascii: ":")), let offsetMinutes = number(2) else {
                return .malformed
            }
            guard offsetHours < 24, offsetMinutes < 60 else { return .malformed }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (designator == UInt8(ascii: "-") ? -1 : 1)
        default:
            return .malformed
        }
        guard index == count else { return .malformed }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second <= 60
        else { return .malformed }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // Before the epoch with a fraction, scale one second less and add the fraction's
        // complement, so that the earliest representable instant does not overflow on the way.
        let borrow: Int64 = seconds < 0 && fraction > 0 ? 1 : 0
        let (scaled, overflow1) = (seconds + borrow).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction - borrow * 1_000_000_000)
        guard !overflow1, !overflow2 else { return .outOfRange }
        return .success(total)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Formats nanoseconds as `YYYY-MM-DDTHH:MM:SS.fffffffffZ`.
    static func format(nanosecondsSinceEpoch: Int64) -> String {
        let nanos = ((nanosecondsSinceEpoch % 1_000_000_000) + 1_000_000_000) % 1_000_000_000
        let seconds = (nanosecondsSinceEpoch - nanos) / 1_000_000_000
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let days = (seconds - secondOfDay) / 86_400
        // Civil from days (inverse of daysSinceEpoch).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        guard (0...9999).contains(year) else {
            func pad(_ value: Int64, _ width: Int) -> String {
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
                + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(nanos, 9))Z"
        }
        // The common case, digit by digit into one buffer: event emission formats one per event.
        return String(unsafeUninitializedCapacity: 30) { buffer in
            func put(_ value: Int64, at offset: Int, width: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            }
            put(year, at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 17, width: 2)
            buffer[19] = UInt8(ascii: ".")
            put(nanos, at: 20, width: 9)
            buffer[29] = UInt8(ascii: "Z")
            return 30
        }
    }
}
