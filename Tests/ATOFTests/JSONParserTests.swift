import Testing

@testable import ATOF

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesKeepingMemberOrderAndNumberText() throws {
        let value = try JSONParser.parse(#" {"b":1.50,"a":[true,false,null,"x"],"c":{"d":-0.0e+10}} "#)
        let object = try #require(value.objectValue)
        #expect(object.members.map(\.key) == ["b", "a", "c"])
        #expect(object["b"] == .number(JSONNumber(text: "1.50")))
        #expect(object["a"] == [true, false, nil, "x"])
        #expect(value["c"]?["d"]?.doubleValue == 0)
        #expect(value.compactJSON == #"{"b":1.50,"a":[true,false,null,"x"],"c":{"d":-0.0e+10}}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\u2028""#)
        #expect(value == .string("a\"b\\c/d\n\té😀\u{2028}"))
    }

    @Test func keepsRawUnicodeLineSeparatorsInsideStrings() throws {
        let value = try JSONParser.parse("\"x\u{2028}y\u{2029}z\u{85}\"")
        #expect(value.stringValue == "x\u{2028}y\u{2029}z\u{85}")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "-", "\"abc", "\"\\x\"", "\"\\ud800\"", "{} x", "\"a\u{1}b\"",
        "{\"a\":}", "nul",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func lookupReturnsTheLastDuplicateKey() throws {
        let value = try JSONParser.parse(#"{"k":1,"k":2}"#)
        #expect(value["k"]?.int64Value == 2)
        #expect(value.compactJSON == #"{"k":1,"k":2}"#)
    }

    @Test func writerEscapesControlCharactersAndQuotes() {
        let value = JSONValue.string("q\"b\\n\n\u{0}\u{1F}é")
        #expect(value.compactJSON == #""q\"b\\n\n\u0000\u001fé""#)
        #expect((try? JSONParser.parse(value.compactJSON)) == value)
    }

    @Test("an object lookup finds the last member with the key, compared as Swift strings (canonical equivalence)")
    func objectLookupFindsTheLastMemberWithTheKey() throws {
        let object = try #require(
            JSONParser.parse(#"{"ab":1,"ba":2,"abc":3,"ab":4,"é":5,"e":6,"session_id":7,"sessionId":8,"\u212A":9}"#).objectValue)

        #expect(object["ab"] == 4)
        #expect(object["ba"] == 2)
        #expect(object["abc"] == 3)
        #expect(object["é"] == 5)
        // The same key in other UTF-8 lengths: a decomposed é, and K for a KELVIN SIGN member.
        #expect(object["e\u{301}"] == 5)
        #expect(object["e"] == 6)
        #expect(object["session_id"] == 7)
        #expect(object["sessionId"] == 8)
        #expect(object["a"] == nil)
        #expect(object["session.id"] == nil)
        #expect(object[""] == nil)
        #expect(object["K"] == 9)
    }
}
