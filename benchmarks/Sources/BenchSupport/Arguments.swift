/// A small command-line parser: `--name value` options and `--name` flags, each name declared up
/// front so that a typo is an error instead of a silently ignored option.
public struct Arguments: Sendable {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments` (without the program name). `options` take a value, `flags` do not.
    public init(_ arguments: [String], options: Set<String>, flags known: Set<String>) throws(Problem) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            guard word.hasPrefix("--") else { throw Problem(description: "unexpected argument '\(word)'") }
            let name = String(word.dropFirst(2))
            if known.contains(name) {
                flags.insert(name)
            } else if options.contains(name) {
                let next = arguments.index(after: index)
                guard next < arguments.endIndex else { throw Problem(description: "--\(name) needs a value") }
                values[name] = arguments[next]
                index = next
            } else {
                throw Problem(description: "unknown option --\(name)")
            }
            index = arguments.index(after: index)
        }
    }

    /// `true` when the flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option's text, if given.
    public func string(_ name: String) -> String? { values[name] }

    /// The option as a non-negative integer (underscores allowed: `1_000_000`), else `fallback`.
    public func integer(_ name: String, default fallback: Int) throws(Problem) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text.filter { $0 != "_" }), value >= 0 else {
            throw Problem(description: "--\(name) needs a non-negative integer, not '\(text)'")
        }
        return value
    }

    /// The option as a non-negative number of seconds, else `fallback`.
    public func seconds(_ name: String, default fallback: Double) throws(Problem) -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw Problem(description: "--\(name) needs a non-negative number of seconds, not '\(text)'")
        }
        return value
    }
}
