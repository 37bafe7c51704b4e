import ATOF
import ATOFInstrumentation

/// MCP values (all `Encodable`) as ATOF JSON: their wire form, with sorted keys.
enum MCPJSON {
    /// `value` as it goes over the wire; a value that does not encode is recorded as
    /// `{"unencodable": "<error>"}` (tracing never fails the call).
    static func value(_ value: some Encodable) -> JSONValue {
        do {
            return try JSONParser.parse(Array(PayloadRecording.encoder.encode(value)))
        } catch {
            return ["unencodable": .string(String(describing: error))]
        }
    }

    /// The data of a mark for a request that threw.
    static func failure(_ error: any Error) -> JSONValue {
        ["error": .string(String(describing: error))]
    }
}
