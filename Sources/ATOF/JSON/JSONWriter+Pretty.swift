extension JSONWriter {
    /// Writes one value laid out for people to read: every array element and object member on
    /// a line of its own, indented by `indentation` spaces per level of nesting, a space after
    /// each `:`, and empty arrays and objects as `[]` and `{}`. Strings, numbers and member order
    /// are written as ``write(_:)`` writes them. With an indentation of 2 this is the layout of
    /// Python's `json.dumps(value, indent=2, ensure_ascii=False)`.
    public mutating func write(_ value: JSONValue, indentation: Int) {
        writePretty(value, indentation: max(0, indentation), depth: 0)
    }

    private mutating func writePretty(_ value: JSONValue, indentation: Int, depth: Int) {
        switch value {
        case .null, .bool, .number, .string:
            write(value)
        case .array(let elements):
            guard !elements.isEmpty else {
                writeRaw("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                startLine(indentation: indentation, depth: depth + 1)
                writePretty(element, indentation: indentation, depth: depth + 1)
            }
            startLine(indentation: indentation, depth: depth)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else {
                writeRaw("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                startLine(indentation: indentation, depth: depth + 1)
                writeString(member.key)
                writeRaw(": ")
                writePretty(member.value, indentation: indentation, depth: depth + 1)
            }
            startLine(indentation: indentation, depth: depth)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and the indentation of `depth`.
    private mutating func startLine(indentation: Int, depth: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indentation * depth))
    }
}

extension JSONValue {
    /// The value as indented JSON text, `indentation` spaces per level (see
    /// ``JSONWriter/write(_:indentation:)``).
    public func prettyJSON(indentation: Int = 2) -> String {
        var writer = JSONWriter()
        writer.write(self, indentation: indentation)
        return writer.string
    }
}
