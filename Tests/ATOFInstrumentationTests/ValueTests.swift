import ATOF
import Testing

@testable import ATOFInstrumentation

@Suite("UUIDv7")
struct UUIDv7Tests {
    /// `true` for a lowercase canonical `8-4-4-4-12` UUID with version 7 and variant `10`.
    static func isCanonicalV7(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !((UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)) {
                return false
            }
        }
        return bytes[14] == UInt8(ascii: "7")
            && [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19])
    }

    @Test("ids are lowercase canonical text with version 7, the RFC 9562 variant and the millisecond time")
    func layout() {
        let nanoseconds: Int64 = 1_798_000_000_123_456_789
        let id = UUIDValue(nanosecondsSinceEpoch: nanoseconds, random: .max)
        #expect(id.version == 7)
        #expect(id.milliseconds == 1_798_000_000_123)
        #expect(id.low >> 62 == 0b10)
        #expect(Self.isCanonicalV7(id.string))
        #expect(id.string.hasPrefix("01a2b3"[...].isEmpty ? "" : String(id.string.prefix(8))))
    }

    @Test("ids made later sort later, within a millisecond too")
    func timeOrdered() {
        let earlier = UUIDValue(nanosecondsSinceEpoch: 1_798_000_000_123_100_000, random: .max)
        let later = UUIDValue(nanosecondsSinceEpoch: 1_798_000_000_123_900_000, random: 0)
        let nextMillisecond = UUIDValue(nanosecondsSinceEpoch: 1_798_000_000_124_000_000, random: 0)
        #expect(earlier.string < later.string && later.string < nextMillisecond.string)
    }

    @Test("random bits make ids unique")
    func unique() {
        let ids = (0..<10_000).map { _ in UUIDValue(nanosecondsSinceEpoch: 1_798_000_000_000_000_000).string }
        #expect(Set(ids).count == ids.count)
    }
}

@Suite("Scope values")
struct ScopeValueTests {
    @Test("an end is at least one microsecond after its start")
    func endStrictlyLater() {
        #expect(ScopeRecorder.endTime(start: 1_000_500, now: 1_000_700) == 1_001_000)
        #expect(ScopeRecorder.endTime(start: 1_000_500, now: 5_000_000) == 5_000_000)
    }

    @Test("end metadata keeps the caller's keys and lets the status keys win")
    func statusMetadataMerge() {
        let caller: JSONValue = ["otel.status_code": "mine", "user_id": "u1"]
        #expect(ScopeOutcome.ok.metadata(merging: caller) == ["user_id": "u1", "otel.status_code": "OK"])
        #expect(ScopeOutcome.ok.metadata(merging: nil) == ["otel.status_code": "OK"])
        #expect(ScopeOutcome.unset.metadata(merging: caller) == caller)
    }

    @Test("flags are written lowercase, sorted and without duplicates")
    func flagsCanonical() {
        #expect(ScopeFlag.wireList(["Remote", "remote", .parallel, "acme.fast"]) == ["acme.fast", "parallel", "remote"])
    }
}
