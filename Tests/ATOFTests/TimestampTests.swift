import Testing

@testable import ATOF

@Suite struct TimestampTests {
    @Test func keepsNanosecondsOfAnRFC3339String() throws {
        let timestamp = try Timestamp(rfc3339: "2026-11-21T12:00:05.172288002+00:00")
        #expect(timestamp.nanosecondsSinceEpoch == 1_795_262_405_172_288_002)
        #expect(timestamp.jsonValue == .string("2026-11-21T12:00:05.172288002+00:00"))
    }

    @Test func appliesTheOffset() throws {
        let zulu = try Timestamp(rfc3339: "2026-01-02T03:04:05Z")
        let shifted = try Timestamp(rfc3339: "2026-01-02T05:04:05+02:00")
        let west = try Timestamp(rfc3339: "2026-01-01T22:34:05-04:30")
        #expect(zulu.nanosecondsSinceEpoch == shifted.nanosecondsSinceEpoch)
        #expect(zulu.nanosecondsSinceEpoch == west.nanosecondsSinceEpoch)
    }

    @Test func scalesShortFractionsAndTruncatesBeyondNineDigits() throws {
        #expect(try Timestamp(rfc3339: "1970-01-01T00:00:00.5Z").nanosecondsSinceEpoch == 500_000_000)
        #expect(try Timestamp(rfc3339: "1970-01-01T00:00:00.123456Z").nanosecondsSinceEpoch == 123_456_000)
        #expect(try Timestamp(rfc3339: "1970-01-01T00:00:00.1234567891Z").nanosecondsSinceEpoch == 123_456_789)
    }

    @Test func readsDatesBefore1970() throws {
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59Z").nanosecondsSinceEpoch == -1_000_000_000)
        #expect(try Timestamp(epochMicroseconds: -5).nanosecondsSinceEpoch == -5_000)
    }

    @Test func readsIntegerEpochMicroseconds() throws {
        let timestamp = try Timestamp(epochMicroseconds: 1_767_225_600_000_000)
        #expect(timestamp.nanosecondsSinceEpoch == 1_767_225_600_000_000_000)
        #expect(timestamp.jsonValue == .number(JSONNumber(Int64(1_767_225_600_000_000))))
    }

    @Test func rejectsANaiveTimestampWithAHint() {
        #expect(throws: TimestampError.naive("2026-01-01T00:00:00")) { try Timestamp(rfc3339: "2026-01-01T00:00:00") }
        #expect(TimestampError.naive("x").description.contains("add Z"))
    }

    @Test(arguments: [
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01", "yesterday", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0200",
    ])
    func rejectsMalformedTimestamps(_ text: String) {
        #expect(throws: TimestampError.self) { try Timestamp(rfc3339: text) }
    }

    @Test func rejectsTimesOutsideTheNanosecondRange() {
        #expect(throws: TimestampError.self) { try Timestamp(epochMicroseconds: .max) }
        #expect(throws: TimestampError.self) { try Timestamp(rfc3339: "9999-01-01T00:00:00Z") }
    }

    @Test func formatsNanosecondsAsUTC() {
        #expect(Timestamp(nanosecondsSinceEpoch: 1_795_262_405_172_288_002).description == "2026-11-21T12:00:05.172288002Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999999999Z")
    }

    @Test(
        "formatted nanoseconds parse back to the same instant, for every day of four years and the edges",
        arguments: [
            0, 1, 999_999_999, 1_000_000_000, 951_782_400_123_456_789, 1_798_000_000_123_456_789, 4_102_444_799_999_999_999, -1,
            -86_400_000_000_001,
        ] as [Int64])
    func formatRoundTrips(nanoseconds: Int64) throws {
        for day in Int64(0)..<Int64(1_461) {
            let instant = nanoseconds &+ day &* 86_400_000_000_000
            let text = Timestamp.format(nanosecondsSinceEpoch: instant)
            #expect(text.utf8.count == 30)
            #expect(try Timestamp(rfc3339: text).nanosecondsSinceEpoch == instant)
        }
    }
}
