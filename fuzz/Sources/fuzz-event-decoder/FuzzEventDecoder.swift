import ATOF
import FuzzSupport

/// libFuzzer's entry point: the input is one line (without its line break) for
/// `EventReader.decode(line:number:source:)`.
///
/// Properties: a blank line gives nothing; any other line gives an event or an error diagnostic,
/// never both; every diagnostic names the source and line; and an event, re-encoded with
/// ``Event/jsonLine``, decodes to the same event and encodes to the same line again (nothing lost).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let decoded = EventReader.decode(line: input, number: 7, source: "fuzz.jsonl")
    let blank = input.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    let errors = decoded.diagnostics.filter { $0.severity == .error }
    if blank {
        require(decoded.event == nil && decoded.diagnostics.isEmpty, "a blank line gave an event or a diagnostic")
        return 0
    }
    require(decoded.event == nil || errors.isEmpty, "a line gave an event and an error")
    require(decoded.event != nil || !decoded.diagnostics.isEmpty, "a line gave neither an event nor a diagnostic")
    require(errors.count <= 1, "a line gave \(errors.count) errors")
    for diagnostic in decoded.diagnostics {
        require(diagnostic.line == 7 && diagnostic.source == "fuzz.jsonl", "a diagnostic lost its place: \(diagnostic)")
        require(!diagnostic.message.isEmpty, "a diagnostic without a message")
    }
    guard let event = decoded.event else { return 0 }

    let line = Array(event.jsonLine.utf8)
    let again = EventReader.decode(line: line, number: 1, source: "re-encoded")
    guard let second = again.event else {
        propertyViolated("the re-encoded event does not decode (\(again.diagnostics)): \(printable(line))")
    }
    require(second == event, "the re-encoded event decodes to another event: \(printable(line))")
    let secondLine = Array(second.jsonLine.utf8)
    require(secondLine == line, "re-encoding is not stable: \(printable(line)) then \(printable(secondLine))")
    return 0
}
