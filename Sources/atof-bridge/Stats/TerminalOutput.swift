import ATOFBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the text report goes: how wide it may be and whether it may use colour.
struct TerminalOutput {
    /// The narrowest width the report is laid out for.
    static let minimumWidth = 40
    /// The width when standard output is not a terminal and `COLUMNS` is not set.
    static let defaultWidth = 100

    /// Columns per line.
    var width: Int
    /// Whether to colour errors and bars.
    var colour: Bool

    /// `--width` when given; else `COLUMNS`; else the terminal's width (TIOCGWINSZ on standard
    /// output); else 100. Colour only when standard output is a terminal and `NO_COLOR` is not set
    /// at all (set to anything, even empty, turns colour off).
    static func detect(width requested: Int?, environment: [String: String]) -> TerminalOutput {
        let isTerminal = isatty(1) == 1
        let width =
            requested
            ?? environment["COLUMNS"].flatMap { Int(EnvironmentValue.trimmed($0)) }.flatMap { $0 > 0 ? $0 : nil }
            ?? (isTerminal ? terminalColumns() : nil)
            ?? defaultWidth
        return TerminalOutput(width: max(width, minimumWidth), colour: isTerminal && environment["NO_COLOR"] == nil)
    }

    /// The columns of the terminal on standard output, if it says.
    private static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
