import Logging

/// Prints library diagnostics on standard error as `atof-bridge: <level>: <message>`, the way
/// the command line reports everything else. Metadata is left out (it can hold URLs and counts,
/// never header values).
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(level: Logger.Level) {
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Progress.clearLine()
        printError("atof-bridge: \(event.level): \(event.message)")
    }

    /// Sends every logger of the process here, showing `level` and above.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { _ in StderrLogHandler(level: level) }
    }
}
