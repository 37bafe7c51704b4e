import ATOF

/// Parsing of environment variable values.
package enum EnvironmentValue {
    /// A boolean, or `nil` when unset or not recognised.
    package static func bool(_ text: String?) -> Bool? {
        guard let text else { return nil }
        switch trimmed(text).lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: return nil
        }
    }

    /// A non-negative integer, or `nil` when unset or malformed.
    package static func count(_ text: String?) -> Int? {
        guard let text, let value = Int(trimmed(text)), value >= 0 else { return nil }
        return value
    }

    /// The text without leading and trailing spaces and tabs.
    package static func trimmed(_ text: some StringProtocol) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }

    /// The text with `%XX` escapes decoded, or `nil` for a bad escape or a result that is not UTF-8.
    package static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
