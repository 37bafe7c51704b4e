import ATOF
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
    /// fail with EFBIG, reported like a full disk, instead of killing the process. Then parses
    /// and runs the command as ArgumentParser does, except that a ``CommandFailure`` (or an
    /// ``InputError`` that was not wrapped in one) is printed as `atof-bridge: <message>` and
    /// ends the process with status 1, without the usage text.
    static func main() {
        _ = signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            printError("atof-bridge: \(failure.message)")
            exit(withError: ExitCode.failure)
        } catch let error as InputError {
            printError("atof-bridge: \(error.description)")
            exit(withError: ExitCode.failure)
        } catch {
            exit(withError: error)
        }
    }
}
