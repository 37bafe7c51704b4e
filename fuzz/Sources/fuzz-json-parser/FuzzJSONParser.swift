import ATOF
import FuzzSupport

/// libFuzzer's entry point: the input is one JSON text.
///
/// Properties: a rejection names an offset inside the text; an accepted value written by
/// ``JSONWriter`` parses back to the same value and is written again to the same bytes; and
/// ``JSONValue/compactJSON`` writes exactly ``JSONWriter``'s bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let value: JSONValue
    do {
        value = try JSONParser.parse(input)
    } catch {
        require(error.offset >= 0 && error.offset <= size, "error offset \(error.offset) outside a \(size)-byte text")
        return 0
    }
    var writer = JSONWriter()
    writer.write(value)
    let written = writer.bytes
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(written)
    } catch {
        propertyViolated("written JSON does not parse (\(error)): \(printable(written))")
    }
    require(reparsed == value, "written JSON parses to another value: \(printable(written))")
    var again = JSONWriter()
    again.write(reparsed)
    require(again.bytes == written, "writing is not stable: \(printable(written)) then \(printable(again.bytes))")
    let compact = Array(value.compactJSON.utf8)
    require(compact == written, "compactJSON \(printable(compact)) differs from JSONWriter \(printable(written))")
    return 0
}
