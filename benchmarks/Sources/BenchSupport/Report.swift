import Glibc

/// One benchmark's results: printed as aligned `name: value` lines for people, and as one
/// `RESULT {json}` line that `run-delivery.sh` reads.
public struct Report {
    public enum Value {
        case integer(Int)
        case number(Double)
        case text(String)

        var json: String {
            switch self {
            case .integer(let value): String(value)
            case .number(let value): value.isFinite ? String(value) : "null"
            case .text(let value): "\"" + value.jsonEscaped + "\""
            }
        }

        var human: String {
            switch self {
            case .integer(let value): String(value)
            case .number(let value): value.formatted3
            case .text(let value): value
            }
        }
    }

    private var entries: [(key: String, value: Value)] = []

    public init() {}

    public mutating func add(_ key: String, _ value: Int) { entries.append((key, .integer(value))) }
    public mutating func add(_ key: String, _ value: Double) { entries.append((key, .number(value))) }
    public mutating func add(_ key: String, _ value: String) { entries.append((key, .text(value))) }
    public mutating func add(_ key: String, _ value: UInt64) { entries.append((key, .integer(Int(clamping: value)))) }

    /// Prints the human lines to standard error and the `RESULT` line to standard output.
    public func emit() {
        let width = entries.map(\.key.count).max() ?? 0
        for (key, value) in entries {
            printError(key + String(repeating: " ", count: width - key.count) + "  " + value.human)
        }
        print("RESULT {" + entries.map { "\"\($0.key.jsonEscaped)\":\($0.value.json)" }.joined(separator: ",") + "}")
    }
}

/// Writes a line to standard error.
public func printError(_ line: String) {
    var line = line + "\n"
    line.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

extension String {
    fileprivate var jsonEscaped: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Double {
    fileprivate var formatted3: String {
        guard isFinite else { return "n/a" }
        let scaled = (self * 1000).rounded()
        let whole = Int(scaled / 1000)
        let fraction = Int(abs(scaled.truncatingRemainder(dividingBy: 1000)))
        let sign = self < 0 && whole == 0 ? "-" : ""
        return sign + String(whole) + "." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
    }
}
