import ArgumentParser

@main
struct ATOFBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atof-bridge",
        abstract: "Turn ATOF agent events into OpenTelemetry spans.",
        subcommands: [ConvertCommand.self, ExportCommand.self, ReplayCommand.self, StatsCommand.self, ValidateCommand.self]
    )
}
