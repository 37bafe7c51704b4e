import Testing

@testable import ATOF

@Suite struct JSONPrettyWriterTests {
    @Test("indented output puts each element and member on its own line, indented per level of nesting")
    func nestedValueLayout() throws {
        let value = try JSONParser.parse(
            Array(#"{"a":1.50,"b":[true,null,{"c":"x\"y\n"}],"d":{},"e":[],"f":{"g":[1]}}"#.utf8))

        let expected = """
            {
              "a": 1.50,
              "b": [
                true,
                null,
                {
                  "c": "x\\"y\\n"
                }
              ],
              "d": {},
              "e": [],
              "f": {
                "g": [
                  1
                ]
              }
            }
            """
        #expect(value.prettyJSON(indentation: 2) == expected)
    }

    @Test("indentation sets the spaces per level; scalars are written as the compact writer writes them")
    func indentationAndScalars() {
        let value: JSONValue = ["k": ["é", -3]]

        #expect(value.prettyJSON(indentation: 4) == "{\n    \"k\": [\n        \"é\",\n        -3\n    ]\n}")
        #expect(JSONValue.string("tab\there").prettyJSON() == JSONValue.string("tab\there").compactJSON)
        #expect(JSONValue.number(JSONNumber(Int64(12))).prettyJSON() == "12")
    }
}
