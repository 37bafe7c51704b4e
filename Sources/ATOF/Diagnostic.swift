/// A problem found in the input, with where it is and what to do.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable {
        /// The line was skipped: it is not a usable event.
        case error
        /// The line was used, or skipped harmlessly, but something about it is off.
        case warning
    }

    /// How bad it is.
    public var severity: Severity
    /// The input's name: a file path, or `<stdin>`.
    public var source: String
    /// The 1-based line number, when the problem belongs to one line.
    public var line: Int?
    /// What is wrong and what to do.
    public var message: String

    public init(severity: Severity, source: String, line: Int?, message: String) {
        self.severity = severity
        self.source = source
        self.line = line
        self.message = message
    }

    /// `file:line: severity: message`, the form compilers use, so editors can jump to it.
    public var description: String {
        let location = line.map { "\(source):\($0)" } ?? source
        return "\(location): \(severity.rawValue): \(message)"
    }
}
