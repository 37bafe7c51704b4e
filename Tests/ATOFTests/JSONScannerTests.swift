import Testing

@testable import ATOF

@Suite struct JSONScannerTests {
    static func members(_ line: String) -> [JSONScanner.Member]? {
        Array(line.utf8).withUnsafeBufferPointer { JSONScanner.objectMembers(of: $0) }
    }

    static func isCompact(_ value: String) -> Bool {
        Array(value.utf8).withUnsafeBufferPointer { JSONScanner.isCompactValue($0) }
    }

    /// Objects, valid and not, on the edges of the grammar ``JSONParser`` enforces.
    static let objectLines: [String] = [
        #"{}"#, #" { "a" : [ 1 , 2 ] } "#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":-}"#, #"{"a":1.}"#, #"{"a":1e}"#,
        #"{"a":1.5E+3}"#, #"{"a":-0.0e-7}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":true}"#, #"{"a":"x\/y"}"#,
        #"{"a":"\ud83d\ude00"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\ude00"}"#, #"{"a":"\ud83d\u0041"}"#, #"{"a":"\q"}"#,
        #"{"a":"\u00e"}"#, "{\"a\":\"\u{1}\"}", "{\"a\":\"caf\u{e9}\"}", #"{"a":[1 2]}"#, #"{"a":{"b":}}"#, #"{"a":1} x"#,
        #"{"a":"unterminated}"#, #"{"a":1"#, #"{"a" 1}"#, #"{1:2}"#, "{\"a\":\"x\"}\n", "{\"a\":\"x\"}\r",
        String(repeating: "[", count: 511) + String(repeating: "]", count: 511),
        #"{"a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}",
        #"{"a":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}",
    ]

    @Test("the scanner accepts exactly the objects the parser accepts", arguments: objectLines)
    func scannerAgreesWithTheParser(line: String) {
        let parsed = try? JSONParser.parse(line)
        let isObject = parsed?.objectValue != nil
        #expect((Self.members(line) != nil) == isObject)
        if let members = Self.members(line), case .object(let object)? = parsed {
            #expect(members.count == object.count)
        }
    }

    @Test("invalid UTF-8 inside a string is rejected, even next to an escape")
    func invalidUTF8IsRejected() {
        for bytes: [UInt8] in [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D],  // {"a":"\xC3"}
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x5C, 0x6E, 0x22, 0x7D],  // {"a":"\xC3\n"}
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x5C, 0x6E, 0xA9, 0x22, 0x7D],  // {"a":"\n\xA9"}
        ] {
            #expect(bytes.withUnsafeBufferPointer { JSONScanner.objectMembers(of: $0) } == nil)
            #expect((try? JSONParser.parse(bytes)) == nil)
        }
    }

    @Test("a top-level key with an escape is left to the parser")
    func escapedKeyIsLeftToTheParser() {
        #expect(Self.members(#"{"a\"b":1}"#) == nil)
        #expect(Self.members(#"{"ab":"\"x\""}"#)?.count == 1)
    }

    @Test("member ranges cover the key without quotes and the value exactly")
    func memberRanges() throws {
        let line = #" {"kind" : "scope", "data":{"a": [1, 2]}} "#
        let members = try #require(Self.members(line))
        let bytes = Array(line.utf8)
        #expect(members.map { String(decoding: bytes[$0.key], as: UTF8.self) } == ["kind", "data"])
        #expect(members.map { String(decoding: bytes[$0.value], as: UTF8.self) } == [#""scope""#, #"{"a": [1, 2]}"#])
        #expect(members.map(\.isCompact) == [true, false])
    }

    @Test(
        "a value is compact exactly when JSONWriter would write the same bytes",
        arguments: [
            #"{"a":1}"#, #"{"a": 1}"#, "[1,\n2]", #""x\/y""#, #""caf\u00e9""#, #""\u00E9""#, "\"caf\u{e9}\"", #""\n\t\"\\\b\f\r""#,
            #""\u000a""#, #""\u001f""#, #""\u001F""#, #""\u0000""#, #""\ud83d\ude00""#, "\"\u{7f}\"", #"1.5E+3"#, #"-0"#,
            #"[]"#, #"{}"#, #"[{"a":null,"b":[true,false]}]"#, #"{"k\u0041":1}"#, #"{"k\u0001":1}"#,
        ])
    func compactMeansWhatTheWriterWrites(value: String) throws {
        var writer = JSONWriter()
        writer.write(try JSONParser.parse(value))
        #expect(Self.isCompact(value) == (writer.string == value))
    }
}

extension JSONScannerTests {
    @Test("a quote, backslash, control or non-ASCII byte is found wherever it falls in a long string")
    func specialBytesAnywhereInALongString() {
        for special: [UInt8] in [[0x22], [0x5C, 0x6E], [0x01], [0x1F], [0xC3, 0xA9], [0xC3], [0x80], [0x7F]] {
            for position in 0..<20 {
                var text = Array(repeating: UInt8(ascii: "a"), count: 24)
                text.insert(contentsOf: special, at: position)
                let line = Array(#"{"key":""#.utf8) + text + Array(#""}"#.utf8)
                let scanned = line.withUnsafeBufferPointer { JSONScanner.objectMembers(of: $0) }
                let parsed = try? JSONParser.parse(line)
                #expect((scanned != nil) == (parsed != nil))
            }
        }
    }
}
