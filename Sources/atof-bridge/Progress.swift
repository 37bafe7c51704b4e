import ATOFBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress display on standard error, redrawn at most once a second, only when
/// standard error is a terminal.
struct Progress {
    private static let isTerminal = isatty(2) == 1
    private var started = Progress.now()
    private var lastDrawn = Progress.now()

    /// Redraws the line when a second has passed since the last time.
    mutating func update(_ statistics: @autoclosure () -> Bridge.Statistics) {
        guard Self.isTerminal else { return }
        let now = Self.now()
        guard now - lastDrawn >= 1 else { return }
        lastDrawn = now
        let statistics = statistics()
        let rate = Double(statistics.eventsReceived) / max(now - started, 0.001)
        let text =
            "atof-bridge: \(statistics.eventsReceived) events (\(Int(rate))/s), "
            + "\(statistics.spansExported) spans sent, \(statistics.spansInFallback) in the fallback file"
        let bytes = Array("\r\u{1B}[K\(text)".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Clears the progress line before other output.
    static func clearLine() {
        guard isTerminal else { return }
        let bytes = Array("\r\u{1B}[K".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
