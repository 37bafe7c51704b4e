import ATOF

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock with nanosecond resolution (`CLOCK_REALTIME`), for event timestamps.
enum WallClock {
    /// Nanoseconds since the Unix epoch, now.
    static func nanosecondsSinceEpoch() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}

/// Makes ``ATOF/Timestamp`` values for the wall clock without the general formatter's string
/// building: the same text `Timestamp(nanosecondsSinceEpoch:)` writes
/// (`YYYY-MM-DDTHH:MM:SS.fffffffffZ`), written digit by digit into one buffer.
enum EventTime {
    /// Copied and overwritten, so no formatting happens for the template.
    private static let template = Timestamp(nanosecondsSinceEpoch: 0)

    /// The timestamp for `nanosecondsSinceEpoch` (years 0000-9999; others use the general formatter).
    static func timestamp(_ nanosecondsSinceEpoch: Int64) -> Timestamp {
        let nanos = ((nanosecondsSinceEpoch % 1_000_000_000) + 1_000_000_000) % 1_000_000_000
        let seconds = (nanosecondsSinceEpoch - nanos) / 1_000_000_000
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let days = (seconds - secondOfDay) / 86_400
        // Civil from days (Howard Hinnant's algorithm, as in ATOF's Timestamp).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch) }

        let text = String(unsafeUninitializedCapacity: 30) { buffer in
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
        var timestamp = template
        timestamp.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        timestamp.wireForm = .rfc3339(text)
        return timestamp
    }
}
