import ATOFBridge
import ArgumentParser

extension InputFormat: ExpressibleByArgument {}

/// How the input is read: `--from` and `--model` (convert, export, validate, stats).
struct InputFlags: ParsableArguments {
    @Option(
        name: .customLong("from"),
        help: """
            The input's format: auto (each line detected), atof, enact, agent-sdk, open-responses or \
            agtrace (default: ATOF_BRIDGE_INPUT_FORMAT, else auto).
            """)
    var format: InputFormat?

    @Option(help: "The model named on LLM spans of a format that never names it, e.g. agent-sdk (default: ATOF_BRIDGE_MODEL).")
    var model: String?

    /// The environment's options, then these flags.
    func options(_ environment: [String: String]) -> InputOptions {
        var options = InputOptions.fromEnvironment(environment)
        if let format { options.format = format }
        if let model { options.model = model }
        return options
    }
}
