import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct ATOFBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atof-bridge",
        abstract: "Turn ATOF agent events into OpenTelemetry spans.",
        subcommands: [ConvertCommand.self, ExportCommand.self, ReplayCommand.self, StatsCommand.self, ValidateCommand.self]
    )

    /// Ignores SIGXFSZ first, so that passing the file size limit (`ulimit -f`) makes a write
    /// fail with EFBIG, reported like a full disk, instead of killing the process.
    static func main() {
        _ = signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
