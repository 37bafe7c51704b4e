#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the fuzzer on a broken property: the message goes to standard error, then `abort()`
/// makes libFuzzer keep the input as a crash artifact (a harness, not library code: stopping is
/// its job).
public func propertyViolated(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    let text = "property violated (\(file):\(line)): \(message)\n"
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}

/// Checks a property of the code under test; see ``propertyViolated(_:file:line:)``.
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { propertyViolated(message(), file: file, line: line) }
}

/// Bytes as printable text for a property message: ASCII as is, everything else as `\xNN`.
public func printable(_ bytes: some Sequence<UInt8>, limit: Int = 200) -> String {
    var text = ""
    for (index, byte) in bytes.enumerated() {
        if index == limit {
            text += "..."
            break
        }
        if byte >= 0x20 && byte < 0x7F {
            text.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16)
            text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }
    }
    return text
}
