import ATOF

/// A JSON value for the `--json` report: members in the order they are written (so the output's
/// key order is stable) and numbers as exact text.
indirect enum ReportJSON {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A number already in JSON form, e.g. `4.295383`.
    case decimal(String)
    case string(String)
    case array([ReportJSON])
    case object([ReportJSONMember])

    /// An object with `pairs` in the order written.
    static func members(_ pairs: KeyValuePairs<String, ReportJSON>) -> ReportJSON {
        .object(pairs.map { ReportJSONMember($0.key, $0.value) })
    }

    /// Milliseconds with every digit of `nanos` kept.
    static func milliseconds(_ nanos: UInt64) -> ReportJSON {
        .decimal(TimeText.exactMilliseconds(nanos))
    }

    /// An integer count.
    static func count(_ value: Int) -> ReportJSON {
        .integer(Int64(value))
    }

    /// The value indented by two spaces per level, as `json.dumps(value, indent=2)` lays it out.
    func pretty() -> String {
        var out = ""
        write(to: &out, indent: "")
        return out
    }

    private func write(to out: inout String, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let value): out += String(value)
        case .decimal(let text): out += text
        case .string(let text): out += Self.quoted(text)
        case .array(let elements):
            guard !elements.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (position, element) in elements.enumerated() {
                out += indent + "  "
                element.write(to: &out, indent: indent + "  ")
                out += position < elements.count - 1 ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (position, member) in members.enumerated() {
                out += indent + "  " + Self.quoted(member.key) + ": "
                member.value.write(to: &out, indent: indent + "  ")
                out += position < members.count - 1 ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var writer = JSONWriter()
        writer.writeString(text)
        return writer.string
    }
}

/// One member of a ``ReportJSON`` object.
struct ReportJSONMember {
    var key: String
    var value: ReportJSON

    init(_ key: String, _ value: ReportJSON) {
        self.key = key
        self.value = value
    }
}
