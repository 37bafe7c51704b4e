import Testing

@testable import ATOF

@Suite("Hex digits")
struct HexTests {
    @Test("digits of either case read as their values; other bytes do not")
    func digitValues() {
        #expect(Hex.value(UInt8(ascii: "0")) == 0 && Hex.value(UInt8(ascii: "9")) == 9)
        #expect(Hex.value(UInt8(ascii: "a")) == 10 && Hex.value(UInt8(ascii: "F")) == 15)
        #expect(Hex.value(UInt8(ascii: "g")) == nil && Hex.value(UInt8(ascii: "-")) == nil && Hex.value(UInt8(ascii: "G")) == nil)
    }

    @Test("1 to 16 digits parse; none, 17 or a non-digit do not")
    func parsing() {
        #expect(Hex.parse("00F067aa0ba902b7".utf8) == 0x00f0_67aa_0ba9_02b7)
        #expect(Hex.parse("f".utf8) == 15)
        #expect(Hex.parse("".utf8) == nil)
        #expect(Hex.parse("10000000000000000".utf8) == nil)
        #expect(Hex.parse("12x4".utf8) == nil)
    }

    @Test("numbers are written lowercase and zero-padded to the width asked")
    func writing() {
        #expect(Hex.string(0x00f0_67aa_0ba9_02b7) == "00f067aa0ba902b7")
        #expect(Hex.string(1, digits: 2) == "01")
        #expect(Hex.string(0xABC, digits: 2) == "bc")
        #expect((0...15).map { Hex.digit(UInt8($0)) } == Array("0123456789abcdef".utf8))
    }
}

@Suite("UUID values and keys")
struct UUIDValueTests {
    @Test("the canonical lowercase form parses into its two halves and is written back the same")
    func roundTrip() throws {
        let text = "01234567-89ab-7def-8123-456789abcdef"
        let value = try #require(UUIDValue(canonical: text, acceptingUppercase: false))
        #expect(value == UUIDValue(high: 0x0123_4567_89ab_7def, low: 0x8123_4567_89ab_cdef))
        #expect(value.string == text)
    }

    @Test("uppercase digits parse only when accepted, and are written back lowercase")
    func uppercase() {
        let text = "01234567-89AB-7DEF-8123-456789ABCDEF"
        #expect(UUIDValue(canonical: text, acceptingUppercase: false) == nil)
        #expect(UUIDValue(canonical: text, acceptingUppercase: true)?.string == text.lowercased())
    }

    @Test(
        "anything but 8-4-4-4-12 hex digits is not a UUID",
        arguments: [
            "", "llm-001", "01234567-89ab-7def-8123-456789abcde", "01234567-89ab-7def-8123-456789abcdef0",
            "0123456789ab-7def-8123-456789abcdef-", "01234567_89ab_7def_8123_456789abcdef", "0123456g-89ab-7def-8123-456789abcdef",
            "{1234567-89ab-7def-8123-456789abcdef", "01234567-89ab-7def-8123-456789abcdé",
        ])
    func rejected(text: String) {
        #expect(UUIDValue(canonical: text, acceptingUppercase: true) == nil)
    }

    @Test("keys are equal exactly when the uuid texts are equal")
    func keyEquality() {
        let lower = "01234567-89ab-7def-8123-456789abcdef"
        #expect(UUIDKey(lower) == UUIDKey(String(lower)))
        #expect(UUIDKey(lower) == .canonical(UUIDValue(high: 0x0123_4567_89ab_7def, low: 0x8123_4567_89ab_cdef)))
        #expect(UUIDKey(lower) != UUIDKey(lower.uppercased()))
        #expect(UUIDKey("llm-001") == .text("llm-001"))
        #expect(UUIDKey("llm-001") != UUIDKey("llm-002"))
        #expect(Set([UUIDKey(lower), UUIDKey(lower), UUIDKey(lower.uppercased()), UUIDKey("x")]).count == 3)
    }

    @Test("a key gives back its text, and the 128 bits of a UUID spelled in either case")
    func keyTextAndValue() {
        let upper = "01234567-89AB-7DEF-8123-456789ABCDEF"
        #expect(UUIDKey(upper).text == upper)
        #expect(UUIDKey(upper.lowercased()).text == upper.lowercased())
        #expect(UUIDKey(upper).value == UUIDValue(high: 0x0123_4567_89ab_7def, low: 0x8123_4567_89ab_cdef))
        #expect(UUIDKey("llm-001").value == nil)
    }
}

@Suite("W3C traceparent")
struct TraceParentTests {
    @Test("a valid header parses, in either case, and is written back in lowercase")
    func roundTrip() throws {
        let parent = try #require(TraceParent(header: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", traceState: "k=v"))
        #expect(parent.traceHigh == 0x4bf9_2f35_77b3_4da6 && parent.traceLow == 0xa3ce_929d_0e0e_4736)
        #expect(parent.parentID == 0x00f0_67aa_0ba9_02b7 && parent.flags == 1 && parent.traceState == "k=v")
        #expect(parent.header == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test("flags are kept whole and written as two digits")
    func flags() throws {
        let parent = try #require(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        #expect(parent.flags == 0 && parent.header.hasSuffix("-00"))
        #expect(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe")?.flags == 0xfe)
    }

    @Test(
        "malformed headers are rejected",
        arguments: [
            "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            // version ff is invalid, in either case
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "FF-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            // all-zero ids
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            // wrong lengths
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            // non-hex digits
            "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01", "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
            // version 00 has exactly four fields
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            // other delimiters
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        ])
    func rejected(header: String) {
        #expect(TraceParent(header: header) == nil)
    }

    @Test("a later version may carry more fields, which are ignored")
    func futureVersion() throws {
        let parent = try #require(TraceParent(header: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future-fields"))
        #expect(parent.header == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(TraceParent(header: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") != nil)
        #expect(TraceParent(header: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x") == nil)
    }
}
